/**
 * Folds sales rows into a `SalesLedger`: per customer, dense arrays of net cents and "had a sale"
 * flags per period. Memory is O(customers x periods), never O(rows).
 *
 * This sits on the hot path of every analysis (one `add` per CSV row, millions of rows), so `add`
 * allocates nothing for a row that lands inside a customer's current arrays, and arrays grow
 * geometrically at either end, so rows may arrive in any order (by date, by customer, shuffled)
 * at amortised O(1) cost per row.
 */
import { periodOfDay } from './periods.ts';
import type { CustomerLedger, PeriodSpec, SaleRow, SalesLedger } from './types.ts';

/**
 * Internal per-customer accumulator. `net[i]` is the period `base + i`; indices below `lo` are spare
 * room at the front (zeros) so rows dated before the first one seen cost amortised O(1) too.
 * Plain arrays rather than typed arrays: `build()` hands them over to the ledger without copying,
 * which keeps peak memory at one copy of the data on 100,000-customer inputs.
 */
interface Accumulator {
  net: number[];
  positive: number[];
  base: number;
  lo: number;
  rows: number;
}

export interface LedgerBuilder {
  /** Fold one accepted row in. */
  add(row: SaleRow): void;
  /**
   * The ledger (arrays trimmed to each customer's first and last period with rows). Hands the
   * builder's arrays over to the ledger: call it once, after the last `add`.
   */
  build(): SalesLedger;
}

/** Zero-filled room at the front: at least as much as is in use, so prepending stays geometric. */
function growFront(net: number[], positive: number[], needed: number): { net: number[]; positive: number[] } {
  const pad = Math.max(needed, net.length, 8);
  const newNet: number[] = [];
  const newPositive: number[] = [];
  for (let i = 0; i < pad; i++) {
    newNet.push(0);
    newPositive.push(0);
  }
  for (let i = 0; i < net.length; i++) {
    newNet.push(net[i] ?? 0);
    newPositive.push(positive[i] ?? 0);
  }
  return { net: newNet, positive: newPositive };
}

/** Drop the spare front room in place (no copy of the array object). */
function trimFront(values: number[], lo: number): number[] {
  if (lo > 0) {
    values.copyWithin(0, lo);
    values.length -= lo;
  }
  return values;
}

/** A builder that folds `SaleRow`s into a `SalesLedger` for the given period spec. */
export function createLedgerBuilder(spec: PeriodSpec): LedgerBuilder {
  const customers = new Map<string, Accumulator>();
  // Rows per period across customers, same layout as an accumulator's `net`.
  let counts: number[] = [];
  let countsBase = 0;
  let countsLo = 0;
  let minDay: number | null = null;
  let maxDay: number | null = null;
  let rows = 0;
  let built = false;
  // Rows usually come in runs of the same day (sorted exports): skip the calendar maths for those.
  let lastDay = Number.NaN;
  let lastPeriod = 0;

  function countRow(period: number): void {
    if (counts.length === 0) {
      countsBase = period;
      countsLo = 0;
      counts.push(0);
    }
    let index = period - countsBase;
    if (index < 0) {
      const grown = growFront(counts, counts, -index);
      const pad = grown.net.length - counts.length;
      counts = grown.net;
      countsBase -= pad;
      index += pad;
      countsLo += pad;
    }
    while (counts.length <= index) counts.push(0);
    if (index < countsLo) countsLo = index;
    counts[index] = (counts[index] ?? 0) + 1;
  }

  function add(row: SaleRow): void {
    if (built) throw new Error('createLedgerBuilder: add() after build()');
    const day = row.day;
    let period: number;
    if (day === lastDay) {
      period = lastPeriod;
    } else {
      period = periodOfDay(day, spec);
      lastDay = day;
      lastPeriod = period;
    }
    let acc = customers.get(row.customerId);
    if (acc === undefined) {
      acc = { net: [0], positive: [0], base: period, lo: 0, rows: 0 };
      customers.set(row.customerId, acc);
    }
    let index = period - acc.base;
    if (index < 0) {
      const grown = growFront(acc.net, acc.positive, -index);
      const pad = grown.net.length - acc.net.length;
      acc.net = grown.net;
      acc.positive = grown.positive;
      acc.base -= pad;
      acc.lo += pad;
      index += pad;
    } else {
      // Appending: the engine grows plain arrays geometrically.
      while (acc.net.length <= index) {
        acc.net.push(0);
        acc.positive.push(0);
      }
    }
    if (index < acc.lo) acc.lo = index;
    const amount = row.amountCents;
    acc.net[index] = (acc.net[index] ?? 0) + amount;
    if (amount > 0) acc.positive[index] = 1;
    acc.rows++;
    rows++;
    if (minDay === null || day < minDay) minDay = day;
    if (maxDay === null || day > maxDay) maxDay = day;
    countRow(period);
  }

  function build(): SalesLedger {
    built = true;
    const out = new Map<string, CustomerLedger>();
    for (const [customerId, acc] of customers) {
      out.set(customerId, {
        customerId,
        startPeriod: acc.base + acc.lo,
        net: trimFront(acc.net, acc.lo),
        positive: trimFront(acc.positive, acc.lo),
        rows: acc.rows,
      });
    }
    customers.clear();
    const ledger: SalesLedger = { period: spec, customers: out, minDay, maxDay, rows };
    if (counts.length > 0) {
      ledger.rowsByPeriod = { startPeriod: countsBase + countsLo, counts: trimFront(counts, countsLo) };
    }
    return ledger;
  }

  return { add, build };
}
