/**
 * The `SnapshotStore` contract: snapshots of the analysis and the refresh failures since the latest one.
 */
import { describe, expect, it } from 'vitest';
import { COMPACT_NETS_MIN_CUSTOMERS, IntCents } from '../../../src/core/ledger.ts';
import type { SnapshotStore } from '../../../src/store/state-store.ts';
import { makeAnalysisResult } from '../analysis-result-fixture.ts';
import { type StoreHarness, useStore } from './_harness.ts';

export function describeSnapshotStoreContract(harness: StoreHarness): void {
  describe('snapshots', () => {
    const store: () => SnapshotStore = useStore(harness);

    it('has no snapshot and a clean refresh status before the first save', async () => {
      expect(await store().loadLatestSnapshot()).toBeNull();
      expect(await store().getRefreshStatus()).toEqual({
        latest: null,
        lastFailure: null,
        failuresSinceLatest: 0,
      });
    });

    it('stores a failure reason holding a NUL character, with the NUL replaced', async () => {
      await store().recordSnapshotFailure('bad byte \0 in sales.csv', '2026-11-19T09:00:00.000Z');
      expect((await store().getRefreshStatus()).lastFailure?.reason).toBe('bad byte \uFFFD in sales.csv');
    });

    it('reports failed refreshes when no snapshot exists yet', async () => {
      await store().recordSnapshotFailure('sales.csv not found', '2026-11-20T09:00:00.000Z');
      const status = await store().getRefreshStatus();
      expect(status.lastFailure).toEqual({ reason: 'sales.csv not found', at: '2026-11-20T09:00:00.000Z' });
      expect(status.failuresSinceLatest).toBe(2);
    });

    it('loads back exactly the analysis and settings it saved', async () => {
      const result = makeAnalysisResult(40);
      const settings = { topN: 20, currency: 'EUR' } as never;
      await store().saveSnapshot({
        id: 'snap-a',
        createdAt: '2026-11-21T09:00:00.000Z',
        asOfPeriod: 2916,
        source: 'data/sales.csv',
        result,
        settings,
      });
      const loaded = await store().loadLatestSnapshot();
      expect(loaded).toEqual({
        id: 'snap-a',
        createdAt: '2026-11-21T09:00:00.000Z',
        asOfPeriod: 2916,
        source: 'data/sales.csv',
        result,
        settings,
      });
      expect(await store().loadSnapshot('snap-a')).toEqual(loaded);
    });

    it('forgets failures older than the latest snapshot and reports newer ones', async () => {
      expect((await store().getRefreshStatus()).failuresSinceLatest).toBe(0);
      await store().recordSnapshotFailure('connection refused', '2026-11-22T09:00:00.000Z');
      await store().recordSnapshotFailure('timeout after 60 s', '2026-11-23T09:00:00.000Z');
      const status = await store().getRefreshStatus();
      expect(status.latest?.id).toBe('snap-a');
      expect(status.lastFailure).toEqual({ reason: 'timeout after 60 s', at: '2026-11-23T09:00:00.000Z' });
      expect(status.failuresSinceLatest).toBe(2);
    });

    it('answers with the newest createdAt, not the last saved', async () => {
      await store().saveSnapshot({
        id: 'snap-old',
        createdAt: '2026-11-01T09:00:00.000Z',
        asOfPeriod: 2913,
        source: 'x',
        result: makeAnalysisResult(1),
      });
      expect((await store().loadLatestSnapshot())?.id).toBe('snap-a');
    });

    it('keeps the first snapshot when an id is saved twice', async () => {
      await store().saveSnapshot({
        id: 'snap-a',
        createdAt: '2026-11-30T09:00:00.000Z',
        asOfPeriod: 1,
        source: 'other',
        result: makeAnalysisResult(1),
      });
      const again = await store().loadSnapshot('snap-a');
      expect(again?.source).toBe('data/sales.csv');
      expect(again?.result.customers).toHaveLength(40);
    });

    it('keeps only the newest three snapshots by default, and fewer when asked', async () => {
      for (const day of [24, 25, 26]) {
        await store().saveSnapshot({
          id: `snap-${day}`,
          createdAt: `2026-11-${day}T09:00:00.000Z`,
          asOfPeriod: 2917,
          source: 'data/sales.csv',
          result: makeAnalysisResult(2),
        });
      }
      const listed = await store().listSnapshots();
      expect(listed.map((s) => s.id)).toEqual(['snap-26', 'snap-25', 'snap-24']);
      expect(listed[0]?.resultChars).toBe(JSON.stringify(makeAnalysisResult(2)).length);
      expect(await store().loadSnapshot('snap-a')).toBeNull();

      expect(await store().pruneSnapshots(1)).toBe(2);
      expect((await store().listSnapshots()).map((s) => s.id)).toEqual(['snap-26']);

      await store().saveSnapshot(
        {
          id: 'snap-27',
          createdAt: '2026-11-27T09:00:00.000Z',
          asOfPeriod: 2917,
          source: 's',
          result: makeAnalysisResult(1),
        },
        { keep: 1 },
      );
      expect((await store().listSnapshots()).map((s) => s.id)).toEqual(['snap-27']);
    });

    it('round-trips a large analysis (12,001 customers: stored in 376 slices of 32, 8 to a statement, read back in order)', async () => {
      const result = makeAnalysisResult(12_001);
      // A churn risk list long enough to be written in three slices (5,000 entries each).
      result.churnRisk = result.customers.slice(0, 10_001).map((c, i) => ({
        customerId: c.customerId,
        customerName: c.name,
        ...(i % 2 === 0 ? { accountManager: 'U0AM' } : {}),
        zeroStreak: 1 + (i % 9),
        baselineCents: 10_000 + i,
        atRiskCents: 40_000 + i,
        lastSalePeriod: i % 5 === 0 ? null : 2910,
        churnRisk: (i % 100) / 100,
      }));
      await store().saveSnapshot({
        id: 'snap-big',
        createdAt: '2026-12-01T09:00:00.000Z',
        asOfPeriod: 2918,
        source: 'big.csv',
        result,
      });
      const loaded = await store().loadLatestSnapshot();
      expect(loaded?.result.customers).toHaveLength(12_001);
      expect(loaded?.result).toEqual(result);
      expect((await store().listSnapshots())[0]?.resultChars).toBe(JSON.stringify(result).length);
    });

    it('reads a snapshot of 20,000 customers or more back compact: series as IntCents views, the same JSON', async () => {
      const result = makeAnalysisResult(COMPACT_NETS_MIN_CUSTOMERS + 1);
      result.customers[1]!.series = [];
      await store().saveSnapshot({
        id: 'snap-compact',
        createdAt: '2026-12-02T09:00:00.000Z',
        asOfPeriod: 2918,
        source: 'big.csv',
        result,
      });
      const loaded = await store().loadLatestSnapshot();
      const customers = loaded?.result.customers ?? [];
      expect(customers).toHaveLength(COMPACT_NETS_MIN_CUSTOMERS + 1);
      // The same content once serialised (IntCents as plain arrays); only the memory layout differs.
      expect(JSON.parse(JSON.stringify(loaded?.result))).toEqual(result);
      expect(customers[0]?.series).toBeInstanceOf(IntCents);
      expect(Array.from(customers[0]?.series ?? [])).toEqual(result.customers[0]?.series);
      expect(customers.at(-1)?.series).toBeInstanceOf(IntCents);
      expect(Array.from(customers.at(-1)?.series ?? [])).toEqual(result.customers.at(-1)?.series);
      // Customers without gaps (1 and 2 are not scored) share one empty list.
      expect(customers[1]?.gaps).toEqual([]);
      expect(customers[1]?.gaps).toBe(customers[2]?.gaps);
      expect(customers[1]?.series).toEqual([]);
    });
  });
}
