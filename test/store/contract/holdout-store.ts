/**
 * The HoldoutStore contract (salt, assignments, measures), run against every backend by
 * test/store/<backend>.test.ts with the other store contracts (test/store/contract/index.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HoldoutAssignment } from '../../../src/core/holdout.ts';
import type { RecoveryMeasure } from '../../../src/core/recovery.ts';
import type { HoldoutStore } from '../../../src/store/holdout-store.ts';

const assignment = (customerId: string, heldOut: boolean, firstPeriod = 100): HoldoutAssignment => ({
  customerId,
  firstPeriod,
  periodKind: 'week',
  heldOut,
  share: 0.1,
  assignedAt: `2026-11-${String(firstPeriod - 77).padStart(2, '0')}T08:00:00.000Z`,
  baselineCents: 100_000,
  recentCents: 20_000,
});

const measure = (customerId: string, asOfPeriod: number): RecoveryMeasure => ({
  customerId,
  startPeriod: 100,
  asOfPeriod,
  periodsSince: asOfPeriod - 100,
  recoveredCents: 1_000 * asOfPeriod,
  recentMeanCents: 90_000,
  usualShare: 0.9,
  recovered: true,
  final: false,
});

export function describeHoldoutStoreContract(harness: {
  fresh(): Promise<HoldoutStore & { close(): Promise<void> }>;
}): void {
  describe('holdout (HoldoutStore)', () => {
    let store: (HoldoutStore & { close(): Promise<void> }) | undefined;
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

    it('keeps the first salt it was given', async () => {
      expect(await s().holdoutSalt('first-salt')).toBe('first-salt');
      expect(await s().holdoutSalt('second-salt')).toBe('first-salt');
    });

    it('records an assignment once: a later one for the same customer changes nothing', async () => {
      await s().recordHoldoutAssignments([assignment('C1', true), assignment('C2', false)]);
      await s().recordHoldoutAssignments([assignment('C1', false, 101), assignment('C3', false, 101)]);
      const all = await s().listHoldoutAssignments();
      expect(
        all.map((r) => [r.assignment.customerId, r.assignment.heldOut, r.assignment.firstPeriod]),
      ).toEqual([
        ['C1', true, 100],
        ['C2', false, 100],
        ['C3', false, 101],
      ]);
      expect(all[0]).toEqual({ assignment: assignment('C1', true), measure: null });
    });

    it('keeps the newest measure', async () => {
      await s().saveHoldoutMeasures([measure('C1', 103)]);
      await s().saveHoldoutMeasures([measure('C1', 102)]);
      const c1 = (await s().listHoldoutAssignments()).find((r) => r.assignment.customerId === 'C1');
      expect(c1?.measure).toEqual(measure('C1', 103));
    });
  });
}
