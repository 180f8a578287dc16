/**
 * The `JobLockStore` contract: named single-runner locks, refused while held.
 */
import { describe, expect, it } from 'vitest';
import type { JobLockStore } from '../../../src/store/state-store.ts';
import { type StoreHarness, useStore } from './_harness.ts';

export function describeJobLockStoreContract(harness: StoreHarness): void {
  describe('job locks', () => {
    const store: () => JobLockStore = useStore(harness);

    it('refuses a held lock and grants it again after release', async () => {
      const lock = await store().tryAcquireJobLock('weekly-digest');
      expect(lock?.isHeld()).toBe(true);
      expect(await store().tryAcquireJobLock('weekly-digest')).toBeNull();
      const other = await store().tryAcquireJobLock('refresh');
      expect(other).not.toBeNull();
      await lock?.release();
      await lock?.release();
      expect(lock?.isHeld()).toBe(false);
      const again = await store().tryAcquireJobLock('weekly-digest');
      expect(again).not.toBeNull();
      await again?.release();
      await other?.release();
    });

    it('runs a function under the lock and releases it, even when the function throws', async () => {
      const result = await store().withJobLock('job-a', async (lock) => {
        expect(lock.isHeld()).toBe(true);
        const inner = await store().withJobLock('job-a', async () => 'never');
        return inner;
      });
      expect(result).toEqual({ acquired: true, value: { acquired: false } });

      await expect(
        store().withJobLock('job-a', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store().withJobLock('job-a', async () => 7)).toEqual({ acquired: true, value: 7 });
    });
  });

  describe.runIf(harness.sharedAccess)('job locks: several stores on the same data', () => {
    it('refuses a job lock held by another store until that store closes', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        const held = await a.tryAcquireJobLock('weekly-digest');
        expect(held).not.toBeNull();
        expect(await b.tryAcquireJobLock('weekly-digest')).toBeNull();
        expect(await b.withJobLock('weekly-digest', async () => 'ran')).toEqual({ acquired: false });
        await a.close();
        expect(held?.isHeld()).toBe(false);
        const taken = await b.tryAcquireJobLock('weekly-digest');
        expect(taken).not.toBeNull();
        await taken?.release();
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
