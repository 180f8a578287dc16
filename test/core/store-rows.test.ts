import { describe, expect, it } from 'vitest';
import { mainStores, mergeStoreRows, type StoreRowCounts } from '../../src/core/store-rows.ts';

const counts = (storeIds: string[], entries: [number, number, number][]): StoreRowCounts => ({
  storeIds,
  customer: Int32Array.from(entries, ([c]) => c),
  store: Int32Array.from(entries, ([, s]) => s),
  rows: Int32Array.from(entries, ([, , r]) => r),
});

describe('mainStores', () => {
  it('gives each customer the store of most rows, ties to the smaller id, none without a store row', () => {
    const stores = mainStores(
      // C2: ST9 3 rows, ST1 5; C0: ST2 and ST1 2 rows each (tie); C1: none; C3: ST9 only.
      counts(
        ['ST9', 'ST1', 'ST2'],
        [
          [2, 0, 3],
          [0, 2, 2],
          [3, 0, 1],
          [2, 1, 5],
          [0, 1, 2],
        ],
      ),
      4,
    );
    // Store numbers: ST9 0, ST1 1.
    expect(Array.from(stores)).toEqual([1, -1, 1, 0]);
  });
});

describe('mergeStoreRows', () => {
  it('renumbers customers and stores, and adds the rows of a pair found in two parts', () => {
    const merged = mergeStoreRows(
      [
        counts(
          ['A', 'B'],
          [
            [0, 0, 2],
            [1, 1, 1],
          ],
        ),
        undefined,
        counts(
          ['B', 'C'],
          [
            [0, 0, 4],
            [1, 1, 7],
          ],
        ),
      ],
      // Part 0's customers are merged 0 and 1; part 2's customer 0 is merged 1, its 1 is merged 2.
      [Int32Array.of(0, 1), Int32Array.of(), Int32Array.of(1, 2)],
    );
    expect(merged?.storeIds).toEqual(['A', 'B', 'C']);
    const entries = Array.from(merged?.customer ?? [], (c, e) => [
      c,
      merged?.storeIds[merged.store[e] as number],
      merged?.rows[e],
    ]);
    expect(entries).toEqual([
      [0, 'A', 2],
      [1, 'B', 5],
      [2, 'C', 7],
    ]);
  });

  it('gives nothing for parts without store rows', () => {
    expect(mergeStoreRows([undefined, counts([], [])], [Int32Array.of(), Int32Array.of()])).toBeUndefined();
  });
});
