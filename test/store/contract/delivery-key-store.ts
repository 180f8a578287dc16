/**
 * The `DeliveryKeyStore` contract: true the first time a key is seen, expiring keys, pruning.
 */
import { describe, expect, it } from 'vitest';
import type { DeliveryKeyStore } from '../../../src/store/state-store.ts';
import { type StoreHarness, useStore } from './_harness.ts';

export function describeDeliveryKeyStoreContract(harness: StoreHarness): void {
  describe('delivery keys', () => {
    const store: () => DeliveryKeyStore = useStore(harness);

    it('says true the first time a key is seen and false after', async () => {
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T09:00:00.000Z')).toBe(true);
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T09:00:01.000Z')).toBe(false);
      expect(await store().recordDelivery('event:Ev02', '2026-11-23T09:00:01.000Z')).toBe(true);
    });

    it('gives at most one true among concurrent deliveries of one key', async () => {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => store().recordDelivery('event:burst', '2026-11-23T09:00:00.000Z')),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('lets an expiring key be claimed again once its window has passed', async () => {
      const opts = { expiresAt: '2026-11-23T09:00:05.000Z' };
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:00.000Z', opts)).toBe(true);
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:04.999Z', opts)).toBe(false);
      expect(
        await store().recordDelivery('intent:btn', '2026-11-23T09:00:05.000Z', {
          expiresAt: '2026-11-23T09:00:10.000Z',
        }),
      ).toBe(true);
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:06.000Z')).toBe(false);
    });

    it('prunes keys recorded before an instant, which can then be seen again', async () => {
      await store().recordDelivery('old:1', '2026-11-01T00:00:00.000Z');
      await store().recordDelivery('old:2', '2026-11-02T00:00:00.000Z');
      expect(await store().pruneDeliveries('2026-11-03T00:00:00.000Z')).toBe(2);
      expect(await store().recordDelivery('old:1', '2026-11-23T10:00:00.000Z')).toBe(true);
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T10:00:00.000Z')).toBe(false);
    });
  });

  describe.runIf(harness.sharedAccess)('delivery keys: several stores on the same data', () => {
    it('shares keys between two stores that start (and migrate) at once', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        await Promise.all([a.ready(), b.ready()]);
        expect(await a.recordDelivery('shared:1', '2026-11-23T09:00:00.000Z')).toBe(true);
        expect(await b.recordDelivery('shared:1', '2026-11-23T09:00:00.000Z')).toBe(false);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
