/**
 * Finds the customer someone means by `/revgap <id or name>`, `@revgap <...>` or
 * `revgap customer <...>` (the one matcher of the bot and the CLI): an exact id or name wins, then
 * every customer whose id or name contains all the words typed (one -> that customer, several -> a
 * pick list, best ranked first), then near misses for a typo: names and ids within a few edits
 * ("C0O04" -> "C0004", "Bolt Suply" -> "Bolt Supply"), topped up with trigram look-alikes, which
 * catch a typo too far from a whole name for the edit distance ("pinecrst marin").
 *
 * Built once per analysis snapshot and queried on the request path, so a query never re-reads data
 * and stays fast at a million customers: exact lookups are maps, the containment scan is one pass
 * over pre-normalised strings, and typo suggestions only score customers sharing a word prefix.
 */
import { distance } from 'fastest-levenshtein';
import { CUSTOMERS_PER_STEP, drainSteps, type Steps } from '../core/steps.ts';
import type { CustomerAnalysis } from '../core/types.ts';

export type CustomerMatch =
  | { kind: 'found'; customer: CustomerAnalysis }
  | { kind: 'several'; candidates: CustomerAnalysis[]; total: number }
  | { kind: 'none'; suggestions: CustomerAnalysis[] };

export interface CustomerIndex {
  readonly size: number;
  byId(customerId: string): CustomerAnalysis | undefined;
  find(query: string, options?: { limit?: number }): CustomerMatch;
}

/** Lower case, accents and punctuation dropped, spaces collapsed: "Café-Ünited, Inc." -> "cafe united inc". */
export function normalizeName(text: string): string {
  // Most names are plain ASCII: skip the (slow) Unicode decomposition for them.
  if (/^[\x20-\x7e]*$/.test(text)) {
    return text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ')
      .trim();
  }
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const PREFIX = 3;
/** Most customers scored for typo suggestions (trigram similarity) per query. */
const MAX_SCORED = 5000;
/**
 * Up to this many customers, every name and id is compared by edit distance when nothing matched
 * (a few milliseconds); past it, only the customers sharing a word beginning with the query are.
 */
const EDIT_SCAN_MAX = 200_000;
/** Most suggestions given for a query that matched nobody. */
const SUGGESTIONS = 5;

function trigrams(text: string): Set<string> {
  const padded = `  ${text} `;
  const out = new Set<string>();
  for (let i = 0; i + 3 <= padded.length; i++) out.add(padded.slice(i, i + 3));
  return out;
}

/** Dice coefficient of two trigram sets, 0..1. */
function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const g of a) if (b.has(g)) shared++;
  return (2 * shared) / (a.size + b.size);
}

/** Ranked customers first (by rank), then the rest by name: the order a pick list shows. */
function byRankThenName(a: CustomerAnalysis, b: CustomerAnalysis): number {
  const ra = a.rank ?? Number.POSITIVE_INFINITY;
  const rb = b.rank ?? Number.POSITIVE_INFINITY;
  if (ra !== rb) return ra - rb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.customerId < b.customerId ? -1 : 1;
}

/**
 * A string-keyed map split in SHARDS maps by a hash of a few of the key's characters. A `Map` grows
 * by rehashing every entry at once: at 512 Ki entries of a bot's heap holding two snapshots (keys
 * scattered in memory, each rehash a cache miss per key) the three maps of the index did it in the
 * same step, one 450-480 ms stall of the event loop (a CPU profile of bench/help-during-refresh.ts's
 * bot). Shards of a few thousand entries each rehash in well under a millisecond. Written here, not
 * taken from npm: the need is this one measured stall, and it is the few lines below.
 */
class ShardedMap<V> {
  private readonly shards: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map<string, V>());

  private shard(key: string): Map<string, V> {
    const n = key.length;
    // The last two characters and the middle one: ids differ at the end, names anywhere.
    const h = (key.charCodeAt(n - 1) * 31 + key.charCodeAt(n - 2)) * 31 + key.charCodeAt(n >> 1) + n;
    return this.shards[(h | 0) & (SHARDS - 1)]!;
  }

  get(key: string): V | undefined {
    return this.shard(key).get(key);
  }

  has(key: string): boolean {
    return this.shard(key).has(key);
  }

  set(key: string, value: V): void {
    this.shard(key).set(key, value);
  }
}

/** Shards of a ShardedMap (a power of two): ~4,000 entries each at 1,000,000 customers. */
const SHARDS = 256;

export function buildCustomerIndex(customers: readonly CustomerAnalysis[]): CustomerIndex {
  return drainSteps(buildCustomerIndexSteps(customers));
}

/**
 * The same index in steps of `sliceSize` customers (see core/steps.ts): the refresh runs it with a
 * pause between slices, so that building it for a million customers (a few seconds) never holds up
 * the event loop past Slack's 3-second deadline.
 */
export function* buildCustomerIndexSteps(
  customers: readonly CustomerAnalysis[],
  sliceSize = CUSTOMERS_PER_STEP,
): Steps<CustomerIndex> {
  const builder = createIndexBuilder(customers);
  for (let from = 0; from < customers.length; from += sliceSize) {
    if (from > 0) yield;
    builder.addRange(from, Math.min(customers.length, from + sliceSize));
  }
  return builder.finish();
}

/**
 * Customers by id in steps of `sliceSize` (see core/steps.ts): a `Map` of a million customers in
 * one go holds the event loop 0.5-0.7 s, which a command arriving meanwhile waits out. For a
 * holdout update given no index (the bot's refresh passes its new index's look-up).
 */
export function* customersByIdSteps(
  customers: readonly CustomerAnalysis[],
  sliceSize = CUSTOMERS_PER_STEP,
): Steps<Map<string, CustomerAnalysis>> {
  const byId = new Map<string, CustomerAnalysis>();
  for (let from = 0; from < customers.length; from += sliceSize) {
    if (from > 0) yield;
    const to = Math.min(customers.length, from + sliceSize);
    for (let i = from; i < to; i++) {
      const customer = customers[i]!;
      byId.set(customer.customerId, customer);
    }
  }
  return byId;
}

function createIndexBuilder(customers: readonly CustomerAnalysis[]) {
  const ids = new ShardedMap<CustomerAnalysis>();
  const idsFolded = new ShardedMap<CustomerAnalysis>();
  // Normalised name -> the customer, or null when several customers share the name.
  const names = new ShardedMap<CustomerAnalysis | null>();
  // Normalised name and lower-case id per customer, for the edit distance of typo suggestions, and
  // with the normalised id for the containment scan. Two strings a customer, usually: the normalised
  // id is the lower-case one for ids of letters and digits. (An "id name" string per customer was
  // three more objects each for every full collection of a bot holding a million customers.)
  const plainNames: string[] = new Array(customers.length);
  const foldedIds: string[] = new Array(customers.length);
  const plainIds: string[] = new Array(customers.length);
  // Word prefix -> customer positions, for typo suggestions.
  const prefixes = new Map<string, number[]>();

  const addRange = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const customer = customers[i]!;
      ids.set(customer.customerId, customer);
      idsFolded.set(customer.customerId.toLowerCase(), customer);
      const name = normalizeName(customer.name);
      plainNames[i] = name;
      const folded = customer.customerId.toLowerCase();
      foldedIds[i] = folded;
      const plainId = normalizeName(customer.customerId);
      plainIds[i] = plainId === folded ? folded : plainId;
      names.set(name, names.has(name) ? null : customer);
      const seen: string[] = [];
      for (const word of `${plainId} ${name}`.split(' ')) {
        if (word.length < PREFIX) continue;
        const p = word.slice(0, PREFIX);
        if (seen.includes(p)) continue;
        seen.push(p);
        const positions = prefixes.get(p);
        if (positions) positions.push(i);
        else prefixes.set(p, [i]);
      }
    }
  };

  const finish = (): CustomerIndex =>
    buildQueries(customers, { ids, idsFolded, names, plainIds, prefixes, plainNames, foldedIds });
  return { addRange, finish };
}

function buildQueries(
  customers: readonly CustomerAnalysis[],
  tables: {
    ids: ShardedMap<CustomerAnalysis>;
    idsFolded: ShardedMap<CustomerAnalysis>;
    names: ShardedMap<CustomerAnalysis | null>;
    plainIds: string[];
    prefixes: Map<string, number[]>;
    plainNames: string[];
    foldedIds: string[];
  },
): CustomerIndex {
  const { ids, idsFolded, names, plainIds, prefixes, plainNames, foldedIds } = tables;
  /**
   * Names and ids within a few edits of the query (at most 2, or a third of its length), closest
   * first: every customer up to EDIT_SCAN_MAX, else `candidates` (those sharing a word beginning).
   */
  const nearByEdits = (raw: string, normalized: string, candidates: Iterable<number>): CustomerAnalysis[] => {
    const folded = raw.toLowerCase();
    const max = Math.max(2, Math.floor(folded.length / 3));
    const close: Array<{ i: number; d: number }> = [];
    const consider = (i: number) => {
      const d = Math.min(distance(normalized, plainNames[i]!), distance(folded, foldedIds[i]!));
      if (d <= max) close.push({ i, d });
    };
    if (customers.length <= EDIT_SCAN_MAX) for (let i = 0; i < customers.length; i++) consider(i);
    else for (const i of candidates) consider(i);
    close.sort((a, b) => a.d - b.d || (customers[a.i]!.customerId < customers[b.i]!.customerId ? -1 : 1));
    return close.slice(0, SUGGESTIONS).map(({ i }) => customers[i]!);
  };
  const suggest = (raw: string, normalized: string, limit: number): CustomerAnalysis[] => {
    const words = [
      ...new Set(
        normalized
          .split(' ')
          .filter((w) => w.length >= PREFIX)
          .map((w) => w.slice(0, PREFIX)),
      ),
    ];
    // Customers sharing the most word beginnings with the query first: with a million customers a
    // common one ("acm", "inc") alone matches tens of thousands, and only a few thousand are scored.
    const shared = new Map<number, number>();
    for (const prefix of words) {
      for (const i of prefixes.get(prefix) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    }
    let candidates: Iterable<number> = shared.keys();
    if (shared.size > MAX_SCORED) {
      const byShared: number[][] = [];
      for (const [i, n] of shared) {
        const bucket = byShared[n] ?? [];
        bucket.push(i);
        byShared[n] = bucket;
      }
      const chosen: number[] = [];
      for (let n = byShared.length - 1; n > 0 && chosen.length < MAX_SCORED; n--) {
        for (const i of byShared[n] ?? []) {
          if (chosen.length >= MAX_SCORED) break;
          chosen.push(i);
        }
      }
      candidates = chosen;
    }
    const target = trigrams(normalized);
    const scored: Array<{ customer: CustomerAnalysis; score: number }> = [];
    for (const i of candidates) {
      const customer = customers[i]!;
      const score = Math.max(
        similarity(target, trigrams(normalizeName(customer.name))),
        similarity(target, trigrams(normalizeName(customer.customerId))),
      );
      if (score >= 0.4) scored.push({ customer, score });
    }
    scored.sort((a, b) => b.score - a.score || byRankThenName(a.customer, b.customer));
    // Edit-distance neighbours first (the typo of an id or a short name), then trigram look-alikes.
    const out = nearByEdits(raw, normalized, shared.keys());
    for (const { customer } of scored) {
      if (out.length >= limit) break;
      if (!out.includes(customer)) out.push(customer);
    }
    return out.slice(0, limit);
  };

  return {
    size: customers.length,
    byId: (customerId) => ids.get(customerId),
    find(query, options = {}) {
      const limit = options.limit ?? 10;
      const raw = query.trim();
      const exactId = ids.get(raw) ?? idsFolded.get(raw.toLowerCase());
      if (exactId) return { kind: 'found', customer: exactId };
      const normalized = normalizeName(raw);
      if (normalized === '') return { kind: 'none', suggestions: [] };
      const exactName = names.get(normalized);
      if (exactName) return { kind: 'found', customer: exactName };

      const words = normalized.split(' ');
      const matches: CustomerAnalysis[] = [];
      // A word (no spaces) is in "id name" exactly when it is in the id or in the name.
      for (let i = 0; i < plainIds.length; i++) {
        const id = plainIds[i]!;
        const name = plainNames[i]!;
        if (words.every((w) => id.includes(w) || name.includes(w))) matches.push(customers[i]!);
      }
      if (matches.length === 1) return { kind: 'found', customer: matches[0]! };
      if (matches.length > 1) {
        matches.sort(byRankThenName);
        return { kind: 'several', candidates: matches.slice(0, limit), total: matches.length };
      }
      return { kind: 'none', suggestions: suggest(raw, normalized, Math.min(limit, SUGGESTIONS)) };
    },
  };
}
