/**
 * Rows per store per customer, as a ledger part carries them (`LedgerPart.storeRows`): three typed
 * columns of (customer, store, rows) and the store ids, not a map per customer. A map of maps for
 * 100,000 customers held ~100 MB more at the peak of a two-range read, and cost ~0.9 s: each part's
 * maps were copied into the merge worker, merged into new maps, copied again to the main thread.
 * Columns cross threads as transferred buffers, and the merges add integers.
 *
 * What the analysis reads from them is each customer's main store (`mainStores`): the store of
 * most of its rows, ties to the smaller id.
 */

/** Entry `e`: customer `customer[e]` (the part's numbering) had `rows[e]` rows at `storeIds[store[e]]`. */
export interface StoreRowCounts {
  /** The stores, numbered as met. */
  storeIds: string[];
  customer: Int32Array;
  store: Int32Array;
  rows: Int32Array;
}

/** The buffers of `counts`, to transfer rather than copy. */
export function storeRowBuffers(counts: StoreRowCounts): ArrayBuffer[] {
  return [counts.customer.buffer, counts.store.buffer, counts.rows.buffer] as ArrayBuffer[];
}

/**
 * Rows per (customer, store) pair, each pair once, in the order first met: columns grown as pairs
 * come, found through an open-addressing table of their positions + 1 (linear probing, at most
 * half full). The builder counts customers' third and later stores in one; merges add parts' counts
 * in one.
 */
export class StorePairCounts {
  customer: Int32Array<ArrayBuffer> = new Int32Array(0);
  store: Int32Array<ArrayBuffer> = new Int32Array(0);
  rows: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Pairs so far: the columns' entries `0 .. size`. */
  size = 0;
  #table = new Int32Array(0);

  /** Adds `rows` to the pair (customer `c`, store `s`), a new entry if it is not there yet. */
  add(c: number, s: number, rows: number): void {
    if ((this.size + 1) * 2 > this.#table.length) this.#grow();
    const table = this.#table;
    const mask = table.length - 1;
    let slot = pairSlot(c, s) & mask;
    for (;;) {
      const e = (table[slot] as number) - 1;
      if (e < 0) break;
      if (this.customer[e] === c && this.store[e] === s) {
        this.rows[e] = (this.rows[e] as number) + rows;
        return;
      }
      slot = (slot + 1) & mask;
    }
    const e = this.size++;
    this.customer[e] = c;
    this.store[e] = s;
    this.rows[e] = rows;
    table[slot] = e + 1;
  }

  /** A table twice the size (every pair placed again), and columns as large. */
  #grow(): void {
    const size = Math.max(1024, this.#table.length * 2);
    const table = new Int32Array(size);
    for (let e = 0; e < this.size; e++) {
      let slot = pairSlot(this.customer[e] as number, this.store[e] as number) & (size - 1);
      while (table[slot] !== 0) slot = (slot + 1) & (size - 1);
      table[slot] = e + 1;
    }
    this.#table = table;
    const grown = (column: Int32Array): Int32Array<ArrayBuffer> => {
      const out = new Int32Array(size / 2);
      out.set(column.subarray(0, this.size));
      return out;
    };
    this.customer = grown(this.customer);
    this.store = grown(this.store);
    this.rows = grown(this.rows);
  }
}

/**
 * The counts of several parts as one: each part's customers renumbered by `customerMaps[k]`
 * (its customer `c` is merged customer `customerMaps[k][c]`), its stores by id. A (customer,
 * store) pair in more than one part (byte ranges of the same file) has its rows added; each pair
 * is one entry of the result, whatever the order of the entries.
 */
export function mergeStoreRows(
  parts: ReadonlyArray<StoreRowCounts | undefined>,
  customerMaps: readonly Int32Array[],
): StoreRowCounts | undefined {
  const storeIds: string[] = [];
  const storeNumbers = new Map<string, number>();
  const pairs = new StorePairCounts();
  parts.forEach((counts, k) => {
    if (counts === undefined) return;
    const map = customerMaps[k] as Int32Array;
    const storeMap = new Int32Array(counts.storeIds.length);
    counts.storeIds.forEach((id, s) => {
      let g = storeNumbers.get(id);
      if (g === undefined) {
        g = storeIds.length;
        storeIds.push(id);
        storeNumbers.set(id, g);
      }
      storeMap[s] = g;
    });
    for (let e = 0; e < counts.customer.length; e++) {
      const c = map[counts.customer[e] as number] as number;
      pairs.add(c, storeMap[counts.store[e] as number] as number, counts.rows[e] as number);
    }
  });
  if (pairs.size === 0) return undefined;
  const n = pairs.size;
  return {
    storeIds,
    customer: pairs.customer.slice(0, n),
    store: pairs.store.slice(0, n),
    rows: pairs.rows.slice(0, n),
  };
}

/** A table slot (before masking) of the pair (customer `c`, store `s`). */
function pairSlot(c: number, s: number): number {
  let h = Math.imul(c ^ Math.imul(s, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h;
}

/**
 * Each customer's main store: the store of most of its rows, ties to the smaller id
 * (`localeCompare`), as its number in `counts.storeIds`, or -1 for a customer without a store row.
 * `counts` must hold each (customer, store) pair once; `customers` is how many there are.
 */
export function mainStores(counts: StoreRowCounts, customers: number): Int32Array {
  const best = new Int32Array(customers).fill(-1);
  const bestRows = new Int32Array(customers);
  const { storeIds } = counts;
  for (let e = 0; e < counts.customer.length; e++) {
    const c = counts.customer[e] as number;
    const s = counts.store[e] as number;
    const r = counts.rows[e] as number;
    const b = best[c] as number;
    if (
      b < 0 ||
      r > (bestRows[c] as number) ||
      (r === bestRows[c] && (storeIds[s] as string).localeCompare(storeIds[b] as string) < 0)
    ) {
      best[c] = s;
      bestRows[c] = r;
    }
  }
  return best;
}
