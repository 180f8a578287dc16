/**
 * A customer list read back from JSON (a saved snapshot) made as compact in memory as the analysis
 * made it: each series an `IntCents` view of one shared Int32Array instead of a plain array of
 * numbers, one shared empty list for every customer without a series or without gaps, and its
 * numeric records in rows of Float64Arrays. A large snapshot lives in the bot's heap for as long as
 * it answers, so every object in it is marked at each full garbage collection, which a refresh of
 * the same size sets off several times (issue 12).
 * The JSON of the customers is unchanged: `IntCents` serialises as a plain array, a packed record as
 * the plain record.
 */
import { COMPACT_NETS_MIN_CUSTOMERS, fitsInt32, IntCents } from './ledger.ts';
import type { CustomerAnalysis, CustomerMetrics, Gap, ScoreComponents } from './types.ts';

/**
 * The series of a customer with none, shared by all of them: the analysis and a snapshot read back
 * use it (frozen: a result is never appended to).
 */
export const NO_SERIES: number[] = Object.freeze([]) as unknown as number[];
/** The gaps of a customer with none, shared likewise. */
export const NO_GAPS: Gap[] = Object.freeze([]) as unknown as Gap[];

/**
 * A record of numbers read from a row of one Float64Array shared by many customers (null stored as
 * NaN), instead of an object with a number object for each fractional value: for the marking of
 * every full collection of a bot holding a million customers. Read-only, as a result is; its fields
 * are getters on the prototype (`packedRecordClass`), it serialises as the plain record with the same
 * keys in the same order, and it has no own enumerable property.
 */
export class PackedRecord {
  readonly #values: Float64Array;
  readonly #at: number;
  readonly #keys: readonly string[];

  constructor(values: Float64Array, at: number, keys: readonly string[]) {
    this.#values = values;
    this.#at = at;
    this.#keys = keys;
  }

  /** Field `k` (null when stored as NaN). */
  protected field(k: number): number | null {
    const value = this.#values[this.#at + k]!;
    return Number.isNaN(value) ? null : value;
  }

  toJSON(): Record<string, number | null> {
    const plain: Record<string, number | null> = {};
    this.#keys.forEach((key, k) => {
      plain[key] = this.field(k);
    });
    return plain;
  }
}

/** A PackedRecord class whose getters are `keys`, in order. */
function packedRecordClass<T>(keys: readonly (keyof T & string)[]) {
  class Packed extends PackedRecord {
    constructor(values: Float64Array, at: number) {
      super(values, at, keys);
    }
  }
  keys.forEach((key, k) => {
    Object.defineProperty(Packed.prototype, key, {
      get(this: Packed) {
        return this.field(k);
      },
    });
  });
  return Packed as unknown as new (
    values: Float64Array,
    at: number,
  ) => PackedRecord & T;
}

/** A customer's metrics in the order the analysis writes them (and their JSON lists them). */
const METRIC_KEYS = [
  'history',
  'baselineCents',
  'recentCents',
  'trendCentsPerPeriod',
  'trendPct',
  'forecastCents',
  'zeroStreak',
  'lifetimeValueCents',
  'activeShare',
  'lastSalePeriod',
] as const satisfies readonly (keyof CustomerMetrics)[];
/** A scored customer's components and contributions, likewise. */
const COMPONENT_KEYS = [
  'revenueImpact',
  'churnRisk',
  'customerValue',
  'recoveryProbability',
] as const satisfies readonly (keyof ScoreComponents)[];

export const PackedMetrics = packedRecordClass<CustomerMetrics>(METRIC_KEYS);
export const PackedComponents = packedRecordClass<ScoreComponents>(COMPONENT_KEYS);

/**
 * Whether a parsed record has exactly `keys`, in order, all numbers (null allowed where `nullable`):
 * records of another shape are left as they are.
 */
function packable(record: object, keys: readonly string[], nullable: string | undefined): boolean {
  const own = Object.keys(record);
  if (own.length !== keys.length) return false;
  for (let k = 0; k < keys.length; k++) {
    if (own[k] !== keys[k]) return false;
    const value = (record as Record<string, unknown>)[keys[k]!];
    if (typeof value !== 'number' && !(value === null && keys[k] === nullable)) return false;
  }
  return true;
}

/**
 * Replaces the records `field` of parsed customers by packed rows of one Float64Array (see
 * PackedRecord).
 */
function packRecords<F extends 'metrics' | 'components' | 'contributions'>(
  customers: CustomerAnalysis[],
  field: F,
  keys: readonly string[],
  Packed: new (values: Float64Array, at: number) => PackedRecord,
  nullable?: string,
): void {
  const fits = (record: CustomerAnalysis[F]): record is NonNullable<CustomerAnalysis[F]> =>
    record !== null && !(record instanceof PackedRecord) && packable(record, keys, nullable);
  let count = 0;
  for (const customer of customers) if (fits(customer[field])) count++;
  if (count === 0) return;
  const values = new Float64Array(count * keys.length);
  let at = 0;
  for (const customer of customers) {
    const record = customer[field];
    if (!fits(record)) continue;
    const fields = record as unknown as Record<string, number | null>;
    for (let k = 0; k < keys.length; k++) values[at + k] = fields[keys[k]!] ?? Number.NaN;
    customer[field] = new Packed(values, at) as unknown as CustomerAnalysis[F];
    at += keys.length;
  }
}

/**
 * Whether a customer list of `count` customers read back (from the store, or from the analysis
 * worker) is made compact (`compactParsedCustomers`): from the size where a ledger keeps its nets
 * compact, so that small lists read as before.
 */
export function compactsCustomers(count: number): boolean {
  return count >= COMPACT_NETS_MIN_CUSTOMERS;
}

/** Distinct values `compactParsedCustomers` shares at most. */
const SHARED_STRINGS_MAX = 10_000;

/**
 * Replaces, in place, the series of freshly parsed `customers` by `IntCents` views of one
 * Int32Array (4 bytes a period, no array of numbers for the collector to scan), their empty
 * series and gap lists by shared frozen ones, their repeated short values by one string each
 * (`strings`: pass the same map for every slice of one list), and their metrics, score components
 * and contributions by packed rows (PackedRecord). A list with a series value that is not a whole
 * number of cents within 32 bits keeps plain series (as a ledger does); series already compact are
 * left as they are. Returns whether the series were made compact.
 */
export function compactParsedCustomers(
  customers: CustomerAnalysis[],
  strings: Map<string, string> = new Map(),
): boolean {
  const shared = <T extends string | undefined | null>(text: T): T => {
    if (typeof text !== 'string') return text;
    const known = strings.get(text);
    if (known !== undefined) return known as T;
    // A field with a value per customer (a segment per customer, say) would only grow the map.
    if (strings.size < SHARED_STRINGS_MAX) strings.set(text, text);
    return text;
  };
  let cells = 0;
  let fits = true;
  for (const customer of customers) {
    // JSON.parse makes a new string for every value: the few values many customers share (status,
    // segment, account manager, recommendation, gap type and severity) become one string each.
    customer.status = shared(customer.status);
    customer.recommendation = shared(customer.recommendation);
    if (customer.segment !== undefined) customer.segment = shared(customer.segment);
    if (customer.accountManager !== undefined) customer.accountManager = shared(customer.accountManager);
    if (customer.gaps.length === 0) customer.gaps = NO_GAPS;
    else {
      for (const gap of customer.gaps) {
        gap.type = shared(gap.type);
        gap.severity = shared(gap.severity);
      }
    }
    const series = customer.series;
    if (series instanceof Int32Array) continue;
    if (series.length === 0) {
      customer.series = NO_SERIES;
      continue;
    }
    if (fits && !fitsInt32(series)) fits = false;
    cells += series.length;
  }
  packRecords(customers, 'metrics', METRIC_KEYS, PackedMetrics, 'lastSalePeriod');
  packRecords(customers, 'components', COMPONENT_KEYS, PackedComponents);
  packRecords(customers, 'contributions', COMPONENT_KEYS, PackedComponents);
  if (!fits || cells === 0) return false;
  const buffer = new ArrayBuffer(cells * 4);
  let at = 0;
  for (const customer of customers) {
    const series = customer.series;
    if (series instanceof Int32Array || series.length === 0) continue;
    const view = new IntCents(buffer, at * 4, series.length);
    view.set(series);
    customer.series = view;
    at += series.length;
  }
  return true;
}
