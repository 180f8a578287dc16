/**
 * Folds sales rows into a `SalesLedger`: per customer, dense arrays of net cents and "had a sale"
 * flags per period. Memory is O(customers x periods), never O(rows).
 *
 * This sits on the hot path of every analysis (one `add` per CSV row, millions of rows), so `add`
 * allocates nothing for a row that lands inside a customer's current block, and blocks grow
 * geometrically at either end, so rows may arrive in any order (by date, by customer, shuffled)
 * at amortised O(1) cost per row.
 */
import { periodOfDay, periodStartDay, weekdayOfDay } from './periods.ts';
import type { CustomerLedger, PeriodSpec, SaleRow, SalesLedger } from './types.ts';

/**
 * Accumulation happens in typed-array blocks carved from a few large slabs rather than in one array
 * per customer: no per-customer buffer objects, no garbage from growth (outgrown blocks are reused
 * by other customers), and `build()` copies each customer's used range into exact-size plain arrays
 * (the `SalesLedger` contract), after which the slabs are dropped. Peak memory on 100,000 customers
 * x 52 weeks is then ~60 MB of slabs plus the ledger itself.
 */
const SLAB_SIZE = 1 << 18; // periods per slab: 2 MB of net cents + 256 KB of sale flags
const MIN_BLOCK = 16;

/** A block of `capacity` consecutive periods at `offset` in a slab. */
interface Block {
  net: Float64Array;
  positive: Uint8Array;
  offset: number;
  capacity: number;
}

/** Per-customer accumulator: period `base + i` lives at `offset + i`; used from `lo` to `hi`. */
interface Accumulator extends Block {
  base: number;
  lo: number;
  hi: number;
  rows: number;
}

export interface LedgerBuilder {
  /** Fold one accepted row in. */
  add(row: SaleRow): void;
  /**
   * The ledger (arrays trimmed to each customer's first and last period with rows). Call it once,
   * after the last `add`: it releases the builder's buffers. The ledger's arrays are read-only:
   * `positive` arrays that are all 1 are shared between customers.
   */
  build(): SalesLedger;
}

/** Hands out power-of-two blocks from slabs and takes outgrown ones back for reuse. */
function createBlockAllocator() {
  let net = new Float64Array(0);
  let positive = new Uint8Array(0);
  let used = 0;
  const free = new Map<number, Block[]>();

  function allocate(capacity: number): Block {
    const reusable = free.get(capacity)?.pop();
    if (reusable) {
      reusable.net.fill(0, reusable.offset, reusable.offset + capacity);
      reusable.positive.fill(0, reusable.offset, reusable.offset + capacity);
      return reusable;
    }
    if (capacity > SLAB_SIZE) {
      // A single customer spanning more than 262,144 periods: give it its own buffers.
      return { net: new Float64Array(capacity), positive: new Uint8Array(capacity), offset: 0, capacity };
    }
    if (used + capacity > net.length) {
      net = new Float64Array(SLAB_SIZE);
      positive = new Uint8Array(SLAB_SIZE);
      used = 0;
    }
    const block = { net, positive, offset: used, capacity };
    used += capacity;
    return block;
  }

  function release(block: Block): void {
    const list = free.get(block.capacity);
    const copy = { net: block.net, positive: block.positive, offset: block.offset, capacity: block.capacity };
    if (list) list.push(copy);
    else free.set(block.capacity, [copy]);
  }

  /** Drops every slab and free block, so the memory can be reclaimed once accumulators are gone. */
  function clear(): void {
    net = new Float64Array(0);
    positive = new Uint8Array(0);
    used = 0;
    free.clear();
  }

  return { allocate, release, clear };
}

/** Moves an accumulator to a bigger block so that relative `index` fits, with room to grow. */
function grow(acc: Accumulator, index: number, blocks: ReturnType<typeof createBlockAllocator>): void {
  const newLo = Math.min(acc.lo, index);
  const newHi = Math.max(acc.hi, index);
  const span = newHi - newLo + 1;
  // Quadruple: a customer that outgrows its first block usually keeps buying, and skipping the
  // middle size leaves fewer outgrown blocks behind (customers in date-sorted input grow in step,
  // so outgrown blocks are rarely reused).
  let capacity = acc.capacity * 4;
  while (capacity < span * 1.5) capacity *= 2;
  // Seven eighths of the spare room go to the side that just grew (where the next rows are likely
  // to land, as in date-sorted input), an eighth to the other side, so that rows alternating between
  // both ends still grow the block geometrically rather than at every row.
  const spare = capacity - span;
  const front = index < acc.lo ? spare - (spare >> 3) : spare >> 3;
  const shift = front - newLo;
  const block = blocks.allocate(capacity);
  const from = acc.offset + acc.lo;
  const to = acc.offset + acc.hi + 1;
  block.net.set(acc.net.subarray(from, to), block.offset + acc.lo + shift);
  block.positive.set(acc.positive.subarray(from, to), block.offset + acc.lo + shift);
  blocks.release(acc);
  acc.net = block.net;
  acc.positive = block.positive;
  acc.offset = block.offset;
  acc.capacity = capacity;
  acc.base -= shift;
  acc.lo += shift;
  acc.hi += shift;
}

function newAccumulator(block: Block, base: number, lo: number): Accumulator {
  // One literal shape for every accumulator keeps property access monomorphic on the hot path.
  return {
    net: block.net,
    positive: block.positive,
    offset: block.offset,
    capacity: block.capacity,
    base,
    lo,
    hi: lo,
    rows: 0,
  };
}

function toArray<T extends Float64Array | Uint8Array>(values: T, from: number, to: number): number[] {
  const out = new Array<number>(to - from);
  for (let i = from; i < to; i++) out[i - from] = values[i] ?? 0;
  return out;
}

function allOnes(flags: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (flags[i] !== 1) return false;
  return true;
}

/** A builder that folds `SaleRow`s into a `SalesLedger` for the given period spec. */
export function createLedgerBuilder(spec: PeriodSpec): LedgerBuilder {
  const blocks = createBlockAllocator();
  const customers = new Map<string, Accumulator>();
  // Rows per period across customers: one more accumulator, in its own allocator's blocks.
  const periodRows = newAccumulator(blocks.allocate(MIN_BLOCK), 0, 0);
  periodRows.hi = -1;
  let minDay: number | null = null;
  let maxDay: number | null = null;
  let rows = 0;
  // How the rows are dated, for recognising period-stamped data (weekly totals dated on the week's
  // first day, monthly ones on the 1st) and a week start that does not match it: 7 weekday counters
  // and a count of rows on their period's first day. Two increments per row, no allocation.
  const weekdayRows = [0, 0, 0, 0, 0, 0, 0];
  let rowsOnPeriodStart = 0;
  // Rows usually come in runs of the same day (sorted exports): skip the calendar maths for those.
  let lastDay = Number.NaN;
  let lastPeriod = 0;
  let lastWeekday = 0;
  let lastOnPeriodStart = 0;
  let built = false;

  function slot(acc: Accumulator, period: number): number {
    let index = period - acc.base;
    if (index < 0 || index >= acc.capacity) {
      grow(acc, index, blocks);
      index = period - acc.base;
    }
    if (index < acc.lo) acc.lo = index;
    if (index > acc.hi) acc.hi = index;
    return acc.offset + index;
  }

  function add(row: SaleRow): void {
    if (built) throw new Error('createLedgerBuilder: add() after build(); start a new builder');
    const day = row.day;
    let period: number;
    if (day === lastDay) {
      period = lastPeriod;
    } else {
      period = periodOfDay(day, spec);
      lastDay = day;
      lastPeriod = period;
      lastWeekday = weekdayOfDay(day);
      lastOnPeriodStart = day === periodStartDay(period, spec) ? 1 : 0;
    }
    weekdayRows[lastWeekday] = (weekdayRows[lastWeekday] ?? 0) + 1;
    rowsOnPeriodStart += lastOnPeriodStart;
    let acc = customers.get(row.customerId);
    if (acc === undefined) {
      // The first row's period goes in the middle of the block, so growth either way is free at first.
      const half = MIN_BLOCK >> 1;
      acc = newAccumulator(blocks.allocate(MIN_BLOCK), period - half, half);
      customers.set(row.customerId, acc);
    }
    const at = slot(acc, period);
    const amount = row.amountCents;
    acc.net[at] = (acc.net[at] ?? 0) + amount;
    if (amount > 0) acc.positive[at] = 1;
    acc.rows++;
    rows++;
    if (minDay === null || day < minDay) minDay = day;
    if (maxDay === null || day > maxDay) maxDay = day;
    if (periodRows.hi < 0) {
      periodRows.base = period - (MIN_BLOCK >> 1);
      periodRows.lo = MIN_BLOCK >> 1;
      periodRows.hi = periodRows.lo;
    }
    const p = slot(periodRows, period);
    periodRows.net[p] = (periodRows.net[p] ?? 0) + 1;
  }

  // Customers who bought in every period of their span (most of them, in dense data) share one
  // read-only flags array per length: 100,000 customers x 52 weeks saves ~40 MB.
  const ones = new Map<number, number[]>();
  function onesOfLength(length: number): number[] {
    let shared = ones.get(length);
    if (shared === undefined) {
      shared = new Array<number>(length).fill(1);
      ones.set(length, shared);
    }
    return shared;
  }

  function build(): SalesLedger {
    const out = new Map<string, CustomerLedger>();
    for (const [customerId, acc] of customers) {
      const from = acc.offset + acc.lo;
      const to = acc.offset + acc.hi + 1;
      out.set(customerId, {
        customerId,
        startPeriod: acc.base + acc.lo,
        net: toArray(acc.net, from, to),
        positive: allOnes(acc.positive, from, to) ? onesOfLength(to - from) : toArray(acc.positive, from, to),
        rows: acc.rows,
      });
    }
    const ledger: SalesLedger = {
      period: spec,
      customers: out,
      minDay,
      maxDay,
      rows,
      weekdayRows: weekdayRows.slice(),
      rowsOnPeriodStart,
    };
    if (periodRows.hi >= 0) {
      ledger.rowsByPeriod = {
        startPeriod: periodRows.base + periodRows.lo,
        counts: toArray(
          periodRows.net,
          periodRows.offset + periodRows.lo,
          periodRows.offset + periodRows.hi + 1,
        ),
      };
    }
    // Release the slabs (~60 MB on 100,000 customers) while the caller still holds the builder.
    built = true;
    customers.clear();
    blocks.clear();
    periodRows.net = new Float64Array(0);
    periodRows.positive = new Uint8Array(0);
    return ledger;
  }

  return { add, build };
}
