/**
 * Finds the customer someone means by `/revgap <id or name>`, `@revgap <...>` or
 * `revgap customer <...>` (the one matcher of the bot and the CLI): an exact id or name wins, then
 * every customer whose id or name contains all the words typed (one -> that customer, several -> a
 * pick list, best ranked first), then near misses for a typo: names and ids within a few edits
 * ("C0O04" -> "C0004", "Bolt Suply" -> "Bolt Supply"), topped up with trigram look-alikes, which
 * catch a typo too far from a whole name for the edit distance ("pinecrst marin").
 *
 * Built once per analysis snapshot and queried on the request path, so a query never re-reads data
 * and stays fast at a million customers: exact lookups are hash tables of positions, the
 * containment scan searches the pre-normalised texts joined in one string, and typo suggestions
 * only score customers sharing a word prefix. The index keeps no object per customer (typed arrays
 * and one string).
 */
import { distance } from 'fastest-levenshtein';
import { hashText } from '../core/hash-text.ts';
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

/** What a name table answers when several customers share the name. */
const AMBIGUOUS = -2;

/**
 * An open-addressing hash table from a string key to a customer position, in typed arrays sized at
 * build time for every customer: the key's hash and the first holder's position + 1 (0: an empty
 * slot), and a flag for a key held by several customers. The keys themselves are not stored:
 * `keyOf(position)` gives a customer's key back to compare with.
 */
class PositionTable {
  private readonly hashes: Int32Array;
  private readonly holders: Int32Array;
  private readonly shared: Uint8Array;
  private readonly mask: number;

  constructor(
    entries: number,
    private readonly keyOf: (position: number) => string,
  ) {
    let size = 8;
    while (size < entries * 2) size *= 2;
    this.hashes = new Int32Array(size);
    this.holders = new Int32Array(size);
    this.shared = new Uint8Array(size);
    this.mask = size - 1;
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private slotOf(key: string, hash: number): number {
    let slot = hash & this.mask;
    for (;;) {
      const holder = this.holders[slot]!;
      if (holder === 0 || (this.hashes[slot] === hash && this.keyOf(holder - 1) === key)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  /**
   * Records `position` under `key`. A key already held is taken over by the new position, or, with
   * `unique`, marked as shared (`get` then answers AMBIGUOUS).
   */
  set(key: string, position: number, unique: boolean): void {
    const hash = hashText(key);
    const slot = this.slotOf(key, hash);
    if (this.holders[slot] !== 0 && unique) {
      this.shared[slot] = 1;
      return;
    }
    this.hashes[slot] = hash;
    this.holders[slot] = position + 1;
  }

  /** The position of the customer holding `key`, AMBIGUOUS, or -1. */
  get(key: string): number {
    const slot = this.slotOf(key, hashText(key));
    return this.shared[slot] === 1 ? AMBIGUOUS : this.holders[slot]! - 1;
  }
}

export interface CustomerIndexBuilder {
  /** Indexes customers `from` to `to` (exclusive), which must be in the list by then. */
  addRange(from: number, to: number): void;
  /** The index, once every customer was added in order. */
  finish(): CustomerIndex;
}

/**
 * Builds the index slice by slice, possibly while `customers` is still being filled, up to `n`
 * customers in all, added in order (the analysis worker's transfer indexes each slice as it
 * arrives: test/analysis-in-worker). Per customer it keeps no object: three hash tables of positions
 * (id, lower-case id, normalised name) and the normalised "id name" texts of every customer joined
 * in one string, with the offset of each. A bot holding a million customers marks every object of
 * its heap at each full collection, and the maps and strings of the index built before (three maps
 * and two to five strings a customer) were the refresh's last cluster of answers over 200 ms: the
 * maps' rehash at 512 Ki entries, and the collections their objects set off (bench/help-during-refresh.ts).
 */
export function createIndexBuilder(
  customers: readonly CustomerAnalysis[],
  n = customers.length,
): CustomerIndexBuilder {
  // Customer i's normalised id is text[starts[i], nameStarts[i] - 1), its normalised name
  // text[nameStarts[i], starts[i + 1] - 1): each followed by one separator that no query word holds.
  const starts = new Int32Array(n + 1);
  const nameStarts = new Int32Array(n);
  const pieces: string[] = [];
  let length = 0;
  let text = '';
  const plainName = (i: number): string => text.slice(nameStarts[i]!, starts[i + 1]! - 1);
  const ids = new PositionTable(n, (i) => customers[i]!.customerId);
  const folded = new PositionTable(n, (i) => customers[i]!.customerId.toLowerCase());
  // While building, `text` is not joined yet: names are compared through normalizeName.
  let joined = false;
  const names = new PositionTable(n, (i) => (joined ? plainName(i) : normalizeName(customers[i]!.name)));
  // Word prefix -> customer positions, for typo suggestions.
  const prefixes = new Map<string, number[]>();

  const addRange = (from: number, to: number): void => {
    // Joined here into a flat string: texts added with `+=` were ropes, and joining 15,625 ropes of
    // 64 pieces at `finish` (1,000,000 customers) held the bot's thread ~240 ms against ~25 ms for
    // flat ones, between the end of a refresh's transfer and its save.
    const slice: string[] = [];
    for (let i = from; i < to; i++) {
      const customer = customers[i]!;
      ids.set(customer.customerId, i, false);
      folded.set(customer.customerId.toLowerCase(), i, false);
      const name = normalizeName(customer.name);
      names.set(name, i, true);
      const plainId = normalizeName(customer.customerId);
      starts[i] = length;
      nameStarts[i] = length + plainId.length + 1;
      const both = `${plainId}\u0001${name}\n`;
      slice.push(both);
      length += both.length;
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
    pieces.push(slice.join(''));
  };

  const finish = (): CustomerIndex => {
    starts[n] = length;
    text = pieces.join('');
    pieces.length = 0;
    joined = true;
    return buildQueries(customers, { ids, folded, names, prefixes, text, starts, plainName });
  };
  return { addRange, finish };
}

function buildQueries(
  customers: readonly CustomerAnalysis[],
  tables: {
    ids: PositionTable;
    folded: PositionTable;
    names: PositionTable;
    prefixes: Map<string, number[]>;
    text: string;
    starts: Int32Array;
    plainName: (i: number) => string;
  },
): CustomerIndex {
  const { ids, folded, names, prefixes, text, starts, plainName } = tables;
  const at = (i: number): CustomerAnalysis | undefined => (i >= 0 ? customers[i] : undefined);
  /** The customer whose "id name" text holds offset `offset` of `text`. */
  const customerAt = (offset: number): number => {
    let lo = 0;
    let hi = customers.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  /**
   * Names and ids within a few edits of the query (at most 2, or a third of its length), closest
   * first: every customer up to EDIT_SCAN_MAX, else `candidates` (those sharing a word beginning).
   */
  const nearByEdits = (raw: string, normalized: string, candidates: Iterable<number>): CustomerAnalysis[] => {
    const folded = raw.toLowerCase();
    const max = Math.max(2, Math.floor(folded.length / 3));
    const close: Array<{ i: number; d: number }> = [];
    const consider = (i: number) => {
      const d = Math.min(
        distance(normalized, plainName(i)),
        distance(folded, customers[i]!.customerId.toLowerCase()),
      );
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
    byId: (customerId) => at(ids.get(customerId)),
    find(query, options = {}) {
      const limit = options.limit ?? 10;
      const raw = query.trim();
      const exactId = at(ids.get(raw)) ?? at(folded.get(raw.toLowerCase()));
      if (exactId) return { kind: 'found', customer: exactId };
      const normalized = normalizeName(raw);
      if (normalized === '') return { kind: 'none', suggestions: [] };
      const exactName = at(names.get(normalized));
      if (exactName) return { kind: 'found', customer: exactName };

      // Every customer whose id or name holds every word: the longest word is looked for in the
      // joined texts, and each customer it is found in is checked for the others. A word (no
      // spaces, no separator) is in "id name" exactly when it is in the id or in the name.
      const words = normalized.split(' ').sort((a, b) => b.length - a.length);
      const [first, ...rest] = words as [string, ...string[]];
      const matches: CustomerAnalysis[] = [];
      for (let offset = text.indexOf(first); offset !== -1; ) {
        const i = customerAt(offset);
        const own = text.slice(starts[i]!, starts[i + 1]!);
        if (rest.every((w) => own.includes(w))) matches.push(customers[i]!);
        offset = text.indexOf(first, starts[i + 1]!);
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
