/**
 * The RecoveryStore contract (followed-up gaps and their measures), run against every backend by
 * test/store/<backend>.test.ts with the other store contracts (test/store/contract/index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowedUpGap, RecoveryMeasure } from '../../../src/core/recovery.ts';
import type { RecoveryStore } from '../../../src/store/recovery-store.ts';

export interface RecoveryStoreHarness {
  /** A store on a new, empty database. */
  fresh(): Promise<RecoveryStore & { close(): Promise<void> }>;
}

const gap = (customerId: string, startPeriod: number, startedAt: string): FollowedUpGap => ({
  customerId,
  startPeriod,
  periodKind: 'week',
  startedAt,
  userId: 'U_BOB',
  firstAction: 'claim',
  baselineCents: 100_000,
  recentCents: 20_000,
  gapType: 'below_baseline',
  gapAmountCents: 320_000,
  shownAsOfPeriod: startPeriod - 1,
});

const measure = (
  customerId: string,
  startPeriod: number,
  asOfPeriod: number,
  recovered: boolean,
): RecoveryMeasure => ({
  customerId,
  startPeriod,
  asOfPeriod,
  periodsSince: asOfPeriod - startPeriod,
  recoveredCents: recovered ? 80_000 : 10_000,
  recentMeanCents: recovered ? 100_000 : 30_000,
  usualShare: recovered ? 1 : 0.3,
  recovered,
  final: false,
});

export function describeRecoveryStoreContract(harness: RecoveryStoreHarness): void {
  describe('followed-up gaps (RecoveryStore)', () => {
    let store: (RecoveryStore & { close(): Promise<void> }) | undefined;
    const s = () => {
      if (!store) throw new Error('store not opened');
      return store;
    };
    beforeAll(async () => {
      store = await harness.fresh();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('records a followed-up gap once: the first start of a (customer, period) wins', async () => {
      expect(await s().startFollowedUpGap(gap('C1', 100, '2026-11-04T10:00:00.000Z'))).toBe(true);
      expect(
        await s().startFollowedUpGap({ ...gap('C1', 100, '2026-11-05T10:00:00.000Z'), userId: 'U_ANA' }),
      ).toBe(false);
      expect(await s().startFollowedUpGap(gap('C2', 99, '2026-10-28T10:00:00.000Z'))).toBe(true);
      const all = await s().listFollowedUpGaps();
      expect(all.map((r) => [r.gap.customerId, r.gap.userId])).toEqual([
        ['C2', 'U_BOB'],
        ['C1', 'U_BOB'],
      ]);
      expect(all[1]).toEqual({
        gap: gap('C1', 100, '2026-11-04T10:00:00.000Z'),
        measure: null,
        measuredAt: null,
        recoveredAt: null,
      });
      expect((await s().listFollowedUpGaps(['C1'])).map((r) => r.gap.customerId)).toEqual(['C1']);
      expect(await s().listFollowedUpGaps([])).toEqual([]);
    });

    it('keeps the latest measure, ignores an older analysis, and remembers when it first recovered', async () => {
      await s().saveRecoveryMeasures([measure('C1', 100, 101, false)], '2026-11-09T08:00:00.000Z');
      let [c1] = await s().listFollowedUpGaps(['C1']);
      expect(c1?.measure).toEqual(measure('C1', 100, 101, false));
      expect(c1?.recoveredAt).toBeNull();

      await s().saveRecoveryMeasures([measure('C1', 100, 102, true)], '2026-11-16T08:00:00.000Z');
      await s().saveRecoveryMeasures([measure('C1', 100, 103, true)], '2026-11-23T08:00:00.000Z');
      [c1] = await s().listFollowedUpGaps(['C1']);
      expect(c1?.measure?.asOfPeriod).toBe(103);
      expect(c1?.measuredAt).toBe('2026-11-23T08:00:00.000Z');
      expect(c1?.recoveredAt).toBe('2026-11-16T08:00:00.000Z');

      // An older analysis (as of 101) run later changes nothing.
      await s().saveRecoveryMeasures([measure('C1', 100, 101, false)], '2026-11-24T08:00:00.000Z');
      [c1] = await s().listFollowedUpGaps(['C1']);
      expect(c1?.measure?.asOfPeriod).toBe(103);
      expect(c1?.recoveredAt).toBe('2026-11-16T08:00:00.000Z');

      // A newer one that finds it slipped back clears the date.
      await s().saveRecoveryMeasures([measure('C1', 100, 104, false)], '2026-11-30T08:00:00.000Z');
      [c1] = await s().listFollowedUpGaps(['C1']);
      expect(c1?.recoveredAt).toBeNull();
      // A measure for a gap that was never started is ignored.
      await s().saveRecoveryMeasures([measure('C9', 1, 2, true)], '2026-11-30T08:00:00.000Z');
      expect(await s().listFollowedUpGaps(['C9'])).toEqual([]);
    });
  });
}
