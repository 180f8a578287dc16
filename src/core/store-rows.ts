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
  let entries = 0;
  for (const counts of parts) entries += counts?.customer.length ?? 0;
  if (entries === 0) return undefined;
  const customer = new Int32Array(entries);
  const store = new Int32Array(entries);
  const rows = new Int32Array(entries);
  // Open addressing over the entries so far (position + 1), keyed by (customer, store).
  let size = 1024;
  while (size < entries * 2) size *= 2;
  const table = new Int32Array(size);
  const mask = size - 1;
  let n = 0;
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
      const s = storeMap[counts.store[e] as number] as number;
      let slot = pairSlot(c, s) & mask;
      for (;;) {
        const at = (table[slot] as number) - 1;
        if (at < 0) {
          customer[n] = c;
          store[n] = s;
          rows[n] = counts.rows[e] as number;
          table[slot] = ++n;
          break;
        }
        if (customer[at] === c && store[at] === s) {
          rows[at] = (rows[at] as number) + (counts.rows[e] as number);
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  });
  return { storeIds, customer: customer.slice(0, n), store: store.slice(0, n), rows: rows.slice(0, n) };
}

/** A table slot (before masking) of the pair (customer `c`, store `s`). */
export function pairSlot(c: number, s: number): number {
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
