/**
 * What every store does whatever its ports: lazy setup, close, persistence across reopen, and
 * migrations applied once.
 */
import { describe, expect, it } from 'vitest';
import { claimFor, type StoreHarness } from './_harness.ts';

export function describeStoreLifecycleContract(harness: StoreHarness): void {
  describe('closing', () => {
    it('rejects calls after close with a STORE error, and closes idempotently', async () => {
      const store = await harness.fresh();
      await store.ready();
      await store.close();
      await store.close();
      await expect(store.recordDelivery('k', '2026-11-23T09:00:00Z')).rejects.toMatchObject({
        code: 'STORE',
      });
    });

    it('closes a store that was never used', async () => {
      const store = await harness.fresh();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });

  describe('persistence and migrations', () => {
    it('keeps its data across close and reopen, migrating only once', async () => {
      const place = await harness.persistent();
      const first = place.open();
      await first.ready();
      await first.ready();
      await first.recordDelivery('persist:1', '2026-11-23T09:00:00.000Z');
      const { run } = await first.claimDigestRun(claimFor('persist-run'));
      await first.recordDigestMessage(run.id, 0, '42.0');
      await first.close();

      const second = place.open();
      try {
        expect(await second.recordDelivery('persist:1', '2026-11-23T09:00:01.000Z')).toBe(false);
        expect((await second.getDigestRun('persist-run'))?.parts).toEqual([{ partIndex: 0, ts: '42.0' }]);
      } finally {
        await second.close();
      }
      // PGlite on disk: initdb takes 15 s and more on a loaded 2-core machine.
    }, 60_000);
  });
}
