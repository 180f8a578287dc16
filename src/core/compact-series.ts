/**
 * A customer list read back from JSON (a saved snapshot) made as compact in memory as the analysis
 * made it: each series an `IntCents` view of one shared Int32Array instead of a plain array of
 * numbers, and one shared empty list for every customer without a series or without gaps. A large
 * snapshot lives in the bot's heap for as long as it answers, so every object in it is marked at
 * each full garbage collection, which a refresh of the same size sets off several times (issue 12).
 * The JSON of the customers is unchanged: `IntCents` serialises as a plain array.
 */
import { fitsInt32, IntCents } from './ledger.ts';
import type { CustomerAnalysis, Gap } from './types.ts';

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
