import { describe, expect, it } from 'vitest';
import { deriveGapState, deriveGapStates, isGapHidden } from '../../src/core/gap-state.ts';
import type { FollowUpEvent } from '../../src/core/types.ts';

let n = 0;
const ev = (partial: Partial<FollowUpEvent>): FollowUpEvent => ({
  id: `e${++n}`,
  customerId: 'C-1',
  kind: 'claim',
  userId: 'U_ANA',
  at: `2026-11-${String(10 + n).padStart(2, '0')}T09:00:00.000Z`,
  ...partial,
});

describe('deriveGapState', () => {
  it('releases: back to open with nobody on it, whatever the status was', () => {
    const state = deriveGapState('C-1', [
      ev({ userId: 'U_ANA' }),
      ev({ kind: 'follow_up', outcome: 'contacted', userId: 'U_ANA' }),
      ev({ kind: 'release', userId: 'U_ANA' }),
    ]);
    expect(state.status).toBe('open');
    expect(state.ownerUserId).toBeUndefined();
  });

  it('unsnoozes: back to the state before the snooze, remembering who snoozed until then', () => {
    const claimed = [ev({ userId: 'U_ANA' })];
    const snoozed = [...claimed, ev({ kind: 'snooze', userId: 'U_BO', snoozeUntil: '2026-12-20' })];
    expect(deriveGapState('C-1', snoozed)).toMatchObject({
      status: 'snoozed',
      ownerUserId: 'U_ANA',
      snoozedByUserId: 'U_BO',
      snoozedUntil: '2026-12-20',
    });
    const back = deriveGapState('C-1', [...snoozed, ev({ kind: 'unsnooze', userId: 'U_ANA' })]);
    expect(back).toMatchObject({ status: 'claimed', ownerUserId: 'U_ANA' });
    expect(back.snoozedByUserId).toBeUndefined();
    // Two snoozes in a row, then Unsnooze: back to before the first.
    const twice = [...snoozed, ev({ kind: 'snooze', snoozeUntil: '2027-01-20' }), ev({ kind: 'unsnooze' })];
    expect(deriveGapState('C-1', twice).status).toBe('claimed');
    // An unsnooze of a gap that is not snoozed changes nothing; ignoreSnoozes passes over both.
    expect(deriveGapState('C-1', [...claimed, ev({ kind: 'unsnooze' })]).status).toBe('claimed');
    expect(
      deriveGapState('C-1', [ev({ kind: 'snooze' }), ev({ kind: 'unsnooze' })], { ignoreSnoozes: true }),
    ).toEqual({
      customerId: 'C-1',
      status: 'open',
    });
  });

  it('is open with no events', () => {
    expect(deriveGapState('C-1', [])).toEqual({ customerId: 'C-1', status: 'open' });
  });

  it('makes the claimer the owner, and a later claim reassigns', () => {
    const claim = ev({ userId: 'U_ANA' });
    expect(deriveGapState('C-1', [claim])).toEqual({
      customerId: 'C-1',
      status: 'claimed',
      ownerUserId: 'U_ANA',
      lastActionAt: claim.at,
    });
    expect(deriveGapState('C-1', [claim, ev({ userId: 'U_BO' })]).ownerUserId).toBe('U_BO');
  });

  it('takes the outcome of a follow-up as the status, keeping the owner', () => {
    const events = [
      ev({ userId: 'U_ANA' }),
      ev({ kind: 'follow_up', outcome: 'recovering', userId: 'U_BO' }),
    ];
    expect(deriveGapState('C-1', events)).toMatchObject({ status: 'recovering', ownerUserId: 'U_ANA' });
    expect(deriveGapState('C-1', [...events, ev({ kind: 'follow_up', outcome: 'lost' })]).status).toBe(
      'lost',
    );
  });

  it('makes whoever logs a follow-up on an unclaimed gap its owner', () => {
    const state = deriveGapState('C-1', [ev({ kind: 'follow_up', outcome: 'contacted', userId: 'U_CY' })]);
    expect(state).toMatchObject({ status: 'contacted', ownerUserId: 'U_CY' });
  });

  it('leaves the status alone for a follow-up without an outcome, but moves lastActionAt', () => {
    const note = ev({ kind: 'follow_up', note: 'left a voicemail' });
    const state = deriveGapState('C-1', [ev({ kind: 'follow_up', outcome: 'contacted' }), note]);
    expect(state.status).toBe('contacted');
    expect(state.lastActionAt).toBe(note.at);
  });

  it('dismisses on not_a_gap, remembering the gap amount at the decision', () => {
    const state = deriveGapState('C-1', [
      ev({ kind: 'snooze', snoozeUntil: '2026-12-01', gapAmountCents: 100 }),
      ev({ kind: 'follow_up', outcome: 'not_a_gap', gapAmountCents: 250_00 }),
    ]);
    expect(state).toMatchObject({ status: 'dismissed', gapAmountCentsAtDecision: 250_00 });
    expect(state.snoozedUntil).toBeUndefined();
  });

  it('snoozes until a date, and the snooze ends on that date when today is given', () => {
    const events = [
      ev({ userId: 'U_ANA' }),
      ev({ kind: 'snooze', snoozeUntil: '2026-12-07', gapAmountCents: 90_00, userId: 'U_ANA' }),
    ];
    expect(deriveGapState('C-1', events)).toMatchObject({
      status: 'snoozed',
      snoozedUntil: '2026-12-07',
      ownerUserId: 'U_ANA',
      gapAmountCentsAtDecision: 90_00,
    });
    expect(deriveGapState('C-1', events, { today: '2026-12-06' }).status).toBe('snoozed');
    const ended = deriveGapState('C-1', events, { today: '2026-12-07' });
    expect(ended).toMatchObject({ status: 'claimed', ownerUserId: 'U_ANA' });
    expect(ended.snoozedUntil).toBeUndefined();
    expect(ended.gapAmountCentsAtDecision).toBeUndefined();
  });

  it('returns a re-snoozed gap to its state before the first snooze', () => {
    const events = [
      ev({ kind: 'follow_up', outcome: 'not_a_gap', gapAmountCents: 50_00 }),
      ev({ kind: 'snooze', snoozeUntil: '2026-12-01' }),
      ev({ kind: 'snooze', snoozeUntil: '2026-12-14' }),
    ];
    expect(deriveGapState('C-1', events, { today: '2026-12-10' }).status).toBe('snoozed');
    expect(deriveGapState('C-1', events, { today: '2026-12-14' })).toMatchObject({
      status: 'dismissed',
      gapAmountCentsAtDecision: 50_00,
    });
  });

  it('keeps a snooze without an end date until something else happens', () => {
    const snoozed = [ev({ kind: 'snooze' })];
    expect(deriveGapState('C-1', snoozed, { today: '2099-01-01' }).status).toBe('snoozed');
    expect(deriveGapState('C-1', [...snoozed, ev({ userId: 'U_DEE' })])).toMatchObject({
      status: 'claimed',
      ownerUserId: 'U_DEE',
    });
  });
  it('passes over snoozes when asked to, as if they had not happened', () => {
    const claim = ev({ userId: 'U_ANA' });
    const events = [claim, ev({ kind: 'snooze', snoozeUntil: '2026-12-07', gapAmountCents: 90_00 })];
    expect(deriveGapState('C-1', events, { ignoreSnoozes: true })).toEqual({
      customerId: 'C-1',
      status: 'claimed',
      ownerUserId: 'U_ANA',
      lastActionAt: claim.at,
    });
    expect(deriveGapState('C-1', [ev({ kind: 'snooze' })], { ignoreSnoozes: true })).toEqual({
      customerId: 'C-1',
      status: 'open',
    });
  });
});

describe('deriveGapStates', () => {
  it('derives one state per customer from interleaved events', () => {
    const states = deriveGapStates([
      ev({ customerId: 'A' }),
      ev({ customerId: 'B', kind: 'follow_up', outcome: 'lost' }),
      ev({ customerId: 'A', kind: 'follow_up', outcome: 'recovering' }),
    ]);
    expect([...states].map(([id, s]) => [id, s.status])).toEqual([
      ['A', 'recovering'],
      ['B', 'lost'],
    ]);
  });
});

describe('isGapHidden', () => {
  const dismissed = { customerId: 'C-1', status: 'dismissed' as const, gapAmountCentsAtDecision: 100_00 };

  it('hides a dismissed gap until it grows by more than 25%', () => {
    expect(isGapHidden(dismissed, 125_00)).toBe(true);
    expect(isGapHidden(dismissed, 125_01)).toBe(false);
    expect(isGapHidden(dismissed, 150_00, { worseByRatio: 0.5 })).toBe(true);
  });

  it('hides a decision without a recorded amount whatever the gap', () => {
    expect(isGapHidden({ customerId: 'C-1', status: 'snoozed' }, 1e9)).toBe(true);
  });

  it('never hides open, claimed or worked gaps', () => {
    expect(isGapHidden(undefined, 1)).toBe(false);
    expect(isGapHidden({ customerId: 'C-1', status: 'claimed', ownerUserId: 'U' }, 1)).toBe(false);
    expect(isGapHidden({ customerId: 'C-1', status: 'lost' }, 1)).toBe(false);
  });
});
