/**
 * The `DigestRunStore` contract: exactly-once claims, posted parts, priorities, completion,
 * lookup by message and listing.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import type { DigestRunStore } from '../../../src/store/state-store.ts';
import { claimFor, type StoreHarness, useStore } from './_harness.ts';

export function describeDigestRunStoreContract(harness: StoreHarness): void {
  describe('digest runs', () => {
    const store: () => DigestRunStore = useStore(harness);

    it('claims a run key once: the second claim sees the first run and its posted parts', async () => {
      const first = await store().claimDigestRun(claimFor('C_REVENUE:2917:2026-11-23T08:00Z'));
      expect(first.claimed).toBe(true);
      expect(first.run).toMatchObject({
        runKey: 'C_REVENUE:2917:2026-11-23T08:00Z',
        channel: 'C_REVENUE',
        slot: '2026-11-23T08:00:00.000Z',
        late: false,
        status: 'running',
        createdAt: '2026-11-23T08:00:05.000Z',
        parts: [],
        priorities: [],
        fileId: null,
        attempts: 0,
      });
      expect(await store().recordDigestMessage(first.run.id, 0, '1732350000.000100')).toBe(true);
      expect(await store().recordDigestMessage(first.run.id, 1, '1732350001.000200')).toBe(true);

      const second = await store().claimDigestRun(
        claimFor('C_REVENUE:2917:2026-11-23T08:00Z', { createdAt: '2026-11-23T08:05:00.000Z', late: true }),
      );
      expect(second.claimed).toBe(false);
      expect(second.run.id).toBe(first.run.id);
      expect(second.run.createdAt).toBe('2026-11-23T08:00:05.000Z');
      expect(second.run.late).toBe(false);
      expect(second.run.parts).toEqual([
        { partIndex: 0, ts: '1732350000.000100' },
        { partIndex: 1, ts: '1732350001.000200' },
      ]);
    });

    it('lets exactly one of several concurrent claims win', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store().claimDigestRun(claimFor('race-key', { id: `race-${i}` })),
        ),
      );
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const winner = results.find((r) => r.claimed)?.run.id;
      expect(new Set(results.map((r) => r.run.id))).toEqual(new Set([winner]));
    });

    it('uses the caller id when given one', async () => {
      const { run } = await store().claimDigestRun(
        claimFor('with-id', { id: 'run-42', snapshotId: 'snap-1' }),
      );
      expect(run.id).toBe('run-42');
      expect(run.snapshotId).toBe('snap-1');
      expect((await store().getDigestRunById('run-42'))?.runKey).toBe('with-id');
      expect(await store().getDigestRunById('run-missing')).toBeNull();
      expect(await store().getDigestRun('key-missing')).toBeNull();
    });

    it('keeps the first ts when a part is recorded twice, and lists parts in order', async () => {
      const { run } = await store().claimDigestRun(claimFor('parts'));
      await store().recordDigestMessage(run.id, 2, '300.0');
      expect(await store().recordDigestMessage(run.id, 0, '100.0')).toBe(true);
      expect(await store().recordDigestMessage(run.id, 0, '100.0')).toBe(true);
      expect(await store().recordDigestMessage(run.id, 0, '999.0')).toBe(false);
      expect((await store().getDigestRun('parts'))?.parts).toEqual([
        { partIndex: 0, ts: '100.0' },
        { partIndex: 2, ts: '300.0' },
      ]);
    });

    it('rejects progress on an unknown run with NOT_FOUND', async () => {
      await expect(store().recordDigestMessage('nope', 0, '1.0')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store().markDigestCompleted('nope', '2026-11-23T08:00:00Z')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store().recordDigestAttempt('nope', 'x')).rejects.toBeInstanceOf(AppError);
    });

    it('keeps the first priorities written, so a resumed run shows the same cards', async () => {
      const { run } = await store().claimDigestRun(claimFor('priorities'));
      const shown = [
        { customerId: 'C-104', rank: 1, gapAmountCents: 412_00, partIndex: 0 },
        { customerId: 'C-007', rank: 2, gapAmountCents: 98_50, partIndex: 1 },
      ];
      expect(await store().recordDigestPriorities(run.id, shown, 'snap-9')).toEqual(shown);
      const later = [{ customerId: 'C-999', rank: 1, gapAmountCents: 1 }];
      expect(await store().recordDigestPriorities(run.id, later, 'snap-10')).toEqual(shown);
      const loaded = await store().getDigestRun('priorities');
      expect(loaded?.priorities).toEqual(shown);
      expect(loaded?.snapshotId).toBe('snap-9');
    });

    it('records the file, attempts, completion, and never turns a completed run into a failed one', async () => {
      const { run } = await store().claimDigestRun(claimFor('lifecycle'));
      await store().recordDigestAttempt(run.id, 'ratelimited');
      await store().recordDigestAttempt(run.id, 'fatal_error');
      await store().markDigestFileUploaded(run.id, 'F0123');
      await store().markDigestCompleted(run.id, '2026-11-23T08:01:00.000Z');
      await store().markDigestFailed(run.id, 'late report from a stale attempt', '2026-11-23T08:02:00.000Z');
      expect(await store().getDigestRun('lifecycle')).toMatchObject({
        status: 'completed',
        fileId: 'F0123',
        attempts: 2,
        lastError: 'fatal_error',
        completedAt: '2026-11-23T08:01:00.000Z',
      });
    });

    it('marks a run failed with its reason', async () => {
      const { run } = await store().claimDigestRun(claimFor('failing'));
      await store().markDigestFailed(run.id, 'channel_not_found', '2026-11-23T08:03:00.000Z');
      const again = await store().claimDigestRun(claimFor('failing'));
      expect(again.claimed).toBe(false);
      expect(again.run).toMatchObject({
        status: 'failed',
        failureReason: 'channel_not_found',
        failedAt: '2026-11-23T08:03:00.000Z',
        completedAt: null,
      });
    });

    it('finds a run by any of its messages, in that channel only', async () => {
      const { run } = await store().claimDigestRun(claimFor('find-me', { channel: 'C_SALES' }));
      await store().recordDigestMessage(run.id, 0, '500.000001');
      await store().recordDigestMessage(run.id, 1, '500.000002');
      expect((await store().findDigestByMessage('C_SALES', '500.000001'))?.id).toBe(run.id);
      expect((await store().findDigestByMessage('C_SALES', '500.000002'))?.runKey).toBe('find-me');
      expect(await store().findDigestByMessage('C_OTHER', '500.000001')).toBeNull();
      expect(await store().findDigestByMessage('C_SALES', '500.000003')).toBeNull();
    });

    describe('listing', () => {
      const store: () => DigestRunStore = useStore(harness);

      it('lists runs newest first, with their parts, up to the limit', async () => {
        for (const day of [16, 23, 9]) {
          const { run } = await store().claimDigestRun(
            claimFor(`C:${day}`, { createdAt: `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z` }),
          );
          await store().recordDigestMessage(run.id, 0, `${day}.0`);
        }
        const runs = await store().listDigestRuns(2);
        expect(runs.map((r) => r.runKey)).toEqual(['C:23', 'C:16']);
        expect(runs.map((r) => r.parts)).toEqual([
          [{ partIndex: 0, ts: '23.0' }],
          [{ partIndex: 0, ts: '16.0' }],
        ]);
        expect(await store().listDigestRuns()).toHaveLength(3);
      });
    });
  });

  describe.runIf(harness.sharedAccess)('digest runs: several stores on the same data', () => {
    it('gives a digest run to exactly one store', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        const results = await Promise.all([
          a.claimDigestRun(claimFor('two-instances', { id: 'from-a' })),
          b.claimDigestRun(claimFor('two-instances', { id: 'from-b' })),
        ]);
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
        expect(results[0]?.run.id).toBe(results[1]?.run.id);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
