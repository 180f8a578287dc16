/**
 * The `FollowUpStore` contract: an append-only event log, idempotent on event id, and the
 * gap states derived from it.
 */

import { describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../../src/core/types.ts';
import type { FollowUpStore } from '../../../src/store/state-store.ts';
import { event, type StoreHarness, useStore } from './_harness.ts';

export function describeFollowUpStoreContract(harness: StoreHarness): void {
  describe('follow-ups', () => {
    const store: () => FollowUpStore = useStore(harness);

    it('records an event once per id', async () => {
      const claim = event({
        id: 'ev-1',
        customerId: 'C-1',
        at: '2026-11-23T10:00:00.000Z',
        digestRunId: 'run-1',
      });
      expect(await store().recordFollowUp(claim)).toBe(true);
      expect(await store().recordFollowUp({ ...claim, userId: 'U_OTHER' })).toBe(false);
      expect(await store().listFollowUps('C-1')).toEqual([claim]);
    });

    it('lists one customer history oldest first, whatever the recording order', async () => {
      const later = event({
        id: 'ev-3',
        customerId: 'C-2',
        kind: 'follow_up',
        outcome: 'contacted',
        nextStep: 'send the new price list',
        note: 'Spoke to the buyer',
        at: '2026-11-24T15:30:00.000Z',
      });
      const earlier = event({ id: 'ev-2', customerId: 'C-2', at: '2026-11-23T11:00:00.000Z' });
      await store().recordFollowUp(later);
      await store().recordFollowUp(earlier);
      expect(await store().listFollowUps('C-2')).toEqual([earlier, later]);
      expect(await store().listFollowUps('C-unknown')).toEqual([]);
    });

    it('lists events since an instant, the boundary included', async () => {
      const since = await store().listFollowUpsSince('2026-11-23T11:00:00.000Z');
      expect(since.map((e) => e.id)).toEqual(['ev-2', 'ev-3']);
      expect(await store().listFollowUpsSince('2026-11-25T00:00:00Z')).toEqual([]);
    });

    it('derives each customer gap state from its events', async () => {
      const events: FollowUpEvent[] = [
        event({ id: 's-1', customerId: 'G-claimed', at: '2026-11-23T09:00:00.000Z', userId: 'U_BO' }),
        event({ id: 's-2', customerId: 'G-recovering', at: '2026-11-23T09:00:00.000Z', userId: 'U_BO' }),
        event({
          id: 's-3',
          customerId: 'G-recovering',
          kind: 'follow_up',
          outcome: 'recovering',
          userId: 'U_CY',
          at: '2026-11-24T09:00:00.000Z',
        }),
        event({
          id: 's-4',
          customerId: 'G-dismissed',
          kind: 'follow_up',
          outcome: 'not_a_gap',
          gapAmountCents: 250_00,
          at: '2026-11-23T09:00:00.000Z',
        }),
        event({
          id: 's-5',
          customerId: 'G-snoozed',
          kind: 'snooze',
          snoozeUntil: '2026-12-07',
          gapAmountCents: 90_00,
          at: '2026-11-23T09:00:00.000Z',
        }),
      ];
      for (const e of events) await store().recordFollowUp(e);

      const states = await store().getGapStates([
        'G-claimed',
        'G-recovering',
        'G-dismissed',
        'G-snoozed',
        'G-none',
      ]);
      expect([...states.keys()].sort()).toEqual(['G-claimed', 'G-dismissed', 'G-recovering', 'G-snoozed']);
      expect(states.get('G-claimed')).toEqual({
        customerId: 'G-claimed',
        status: 'claimed',
        ownerUserId: 'U_BO',
        lastActionAt: '2026-11-23T09:00:00.000Z',
      });
      expect(states.get('G-recovering')).toEqual({
        customerId: 'G-recovering',
        status: 'recovering',
        ownerUserId: 'U_BO',
        lastActionAt: '2026-11-24T09:00:00.000Z',
      });
      expect(states.get('G-dismissed')).toMatchObject({
        status: 'dismissed',
        gapAmountCentsAtDecision: 250_00,
      });
      expect(states.get('G-snoozed')).toMatchObject({
        status: 'snoozed',
        snoozedUntil: '2026-12-07',
        gapAmountCentsAtDecision: 90_00,
      });

      const afterSnooze = await store().getGapStates(['G-snoozed'], { today: '2026-12-07' });
      expect(afterSnooze.get('G-snoozed')?.status).toBe('open');

      const all = await store().getGapStates();
      expect(all.get('C-2')?.status).toBe('contacted');
      expect(all.size).toBe(6);
    });

    it('returns an empty map for an empty id list', async () => {
      expect((await store().getGapStates([])).size).toBe(0);
    });
  });
}
