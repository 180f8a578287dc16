/**
 * The PersonalStore contract ("My digest by DM" choices, sent direct messages), run against every
 * backend by test/store/<backend>.test.ts with the other store contracts (test/store/contract/index.ts).
 */
import { describe, expect, it } from 'vitest';
import type { PersonalStore } from '../../../src/store/personal-store.ts';
import { type StoreHarness, useStore } from './_harness.ts';

export function describePersonalStoreContract(harness: StoreHarness): void {
  describe('per-person state (PersonalStore)', () => {
    const store: () => PersonalStore = useStore(harness);

    it('keeps each user’s "My digest by DM" choice, the latest one winning, and lists who has it on', async () => {
      expect(await store().getDmDigest('U_ANA')).toBe(false);
      expect(await store().listDmDigestUsers()).toEqual([]);
      await store().setDmDigest('U_ANA', true, '2026-11-23T08:00:00.000Z');
      await store().setDmDigest('U_BEN', true, '2026-11-23T08:01:00.000Z');
      await store().setDmDigest('U_CAT', false, '2026-11-23T08:02:00.000Z');
      expect(await store().getDmDigest('U_ANA')).toBe(true);
      expect(await store().listDmDigestUsers()).toEqual(['U_ANA', 'U_BEN']);
      await store().setDmDigest('U_ANA', false, '2026-11-23T09:00:00.000Z');
      expect(await store().getDmDigest('U_ANA')).toBe(false);
      expect(await store().listDmDigestUsers()).toEqual(['U_BEN']);
    });

    it('records a sent direct message once per key: the first record wins', async () => {
      const key = 'reminder:evt-1';
      expect(await store().directMessageSent(key)).toBe(false);
      expect(
        await store().recordDirectMessage(key, {
          userId: 'U_ANA',
          ts: '1.1',
          at: '2026-11-23T08:00:00.000Z',
        }),
      ).toBe(true);
      expect(
        await store().recordDirectMessage(key, {
          userId: 'U_ANA',
          ts: '2.2',
          at: '2026-11-23T08:05:00.000Z',
        }),
      ).toBe(false);
      expect(await store().directMessageSent(key)).toBe(true);
      expect(await store().directMessageSent('reminder:evt-2')).toBe(false);
    });

    it('keeps both across a restart', async () => {
      const place = await harness.persistent();
      const first = place.open();
      await first.setDmDigest('U_DAN', true, '2026-11-23T08:00:00.000Z');
      await first.recordDirectMessage('digest:run-1:U_DAN', {
        userId: 'U_DAN',
        ts: '3.3',
        at: '2026-11-23T08:00:00.000Z',
      });
      await first.close();
      const second = place.open();
      try {
        expect(await second.getDmDigest('U_DAN')).toBe(true);
        expect(await second.directMessageSent('digest:run-1:U_DAN')).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
}
