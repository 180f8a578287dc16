/**
 * A customer list read back from JSON (a saved snapshot) made as compact in memory as the analysis
 * made it: each series an `IntCents` view of one shared Int32Array instead of a plain array of
 * numbers, and one shared empty list for every customer without a series or without gaps. A large
 * snapshot lives in the bot's heap for as long as it answers, so every object in it is marked at
 * each full garbage collection, which a refresh of the same size sets off several times (issue 12).
 * The JSON of the customers is unchanged: `IntCents` serialises as a plain array.
 */
import { fitsInt32, IntCents } from './ledger.ts';
import type { CustomerAnalysis, CustomerMetrics, Gap } from './types.ts';

/**
 * The series of a customer with none, shared by all of them: the analysis and a snapshot read back
 * use it (frozen: a result is never appended to).
 */
export const NO_SERIES: number[] = Object.freeze([]) as unknown as number[];
/** The gaps of a customer with none, shared likewise. */
export const NO_GAPS: Gap[] = Object.freeze([]) as unknown as Gap[];

/**
 * Replaces, in place, the series of freshly parsed `customers` by `IntCents` views of one
 * Int32Array (4 bytes a period, no array of numbers for the collector to scan), their empty
 * series and gap lists by shared frozen ones, and their repeated short values by one string each
 * (`strings`: pass the same map for every slice of one list). A list with a series value that is not a whole number
 * of cents within 32 bits keeps plain series (as a ledger does); series already compact are left
 * as they are. Returns whether the series were made compact.
 */
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
const METRICS = METRIC_KEYS.length;

/**
 * A customer's metrics read from a row of one Float64Array shared by many customers (null stored as
 * NaN): one object a customer instead of the metrics object and a number object for each fractional
 * value (a trend, a share), for the marking of every full collection of a bot holding a million
 * customers. Read-only, as a result is; serialises as the plain metrics, keys in the same order.
 */
export class PackedMetrics implements CustomerMetrics {
  readonly #values: Float64Array;
  readonly #at: number;

  constructor(values: Float64Array, at: number) {
    this.#values = values;
    this.#at = at;
  }

  #read(k: number): number {
    return this.#values[this.#at + k]!;
  }

  #nullable(k: number): number | null {
    const value = this.#values[this.#at + k]!;
    return Number.isNaN(value) ? null : value;
  }

  get history(): number {
    return this.#read(0);
  }
  get baselineCents(): number {
    return this.#read(1);
  }
  get recentCents(): number {
    return this.#read(2);
  }
  get trendCentsPerPeriod(): number {
    return this.#read(3);
  }
  get trendPct(): number {
    return this.#read(4);
  }
  get forecastCents(): number {
    return this.#read(5);
  }
  get zeroStreak(): number {
    return this.#read(6);
  }
  get lifetimeValueCents(): number {
    return this.#read(7);
  }
  get activeShare(): number {
    return this.#read(8);
  }
  get lastSalePeriod(): number | null {
    return this.#nullable(9);
  }

  toJSON(): CustomerMetrics {
    return {
      history: this.history,
      baselineCents: this.baselineCents,
      recentCents: this.recentCents,
      trendCentsPerPeriod: this.trendCentsPerPeriod,
      trendPct: this.trendPct,
      forecastCents: this.forecastCents,
      zeroStreak: this.zeroStreak,
      lifetimeValueCents: this.lifetimeValueCents,
      activeShare: this.activeShare,
      lastSalePeriod: this.lastSalePeriod,
    };
  }
}

/** Whether parsed metrics have exactly the keys PackedMetrics holds, in order, all numbers (null only last). */
function packable(metrics: CustomerMetrics): boolean {
  const keys = Object.keys(metrics);
  if (keys.length !== METRICS) return false;
  for (let k = 0; k < METRICS; k++) {
    if (keys[k] !== METRIC_KEYS[k]) return false;
    const value = (metrics as unknown as Record<string, unknown>)[keys[k]!];
    if (typeof value !== 'number' && !(k === METRICS - 1 && value === null)) return false;
  }
  return true;
}

/** Replaces the metrics of parsed customers by PackedMetrics rows of one Float64Array (see above). */
function packMetrics(customers: CustomerAnalysis[]): void {
  let count = 0;
  for (const customer of customers) if (customer.metrics !== null && packable(customer.metrics)) count++;
  if (count === 0) return;
  const values = new Float64Array(count * METRICS);
  let at = 0;
  for (const customer of customers) {
    const metrics = customer.metrics;
    if (metrics === null || !packable(metrics)) continue;
    for (let k = 0; k < METRICS; k++) values[at + k] = metrics[METRIC_KEYS[k]!] ?? Number.NaN;
    customer.metrics = new PackedMetrics(values, at);
    at += METRICS;
  }
}

/** Distinct values `compactParsedCustomers` shares at most. */
const SHARED_STRINGS_MAX = 10_000;

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
  packMetrics(customers);
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
