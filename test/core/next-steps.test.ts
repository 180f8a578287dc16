/** Which next-step reminders are due: on the day, not twice, not after the gap was closed or released. */
import { describe, expect, it } from 'vitest';
import { isIsoDay, latestNextSteps, reminderKey, selectDueReminders } from '../../src/core/next-steps.ts';
import type { FollowUpEvent, GapState } from '../../src/core/types.ts';

const logged = (
  id: string,
  customerId: string,
  due: string | undefined,
  at: string,
  userId = 'U_ANA',
): FollowUpEvent => ({
  id,
  customerId,
  kind: 'follow_up',
  userId,
  outcome: 'contacted',
  nextStep: `call ${customerId}`,
  ...(due !== undefined ? { nextStepDue: due } : {}),
  at,
});

const states = (entries: Array<[string, Partial<GapState>]>): Map<string, GapState> =>
  new Map(entries.map(([id, s]) => [id, { customerId: id, status: 'contacted', ...s }]));

describe('next-step reminders', () => {
  const events = [
    logged('e1', 'A', '2026-11-27', '2026-11-20T10:00:00Z'),
    logged('e2', 'B', '2026-11-28', '2026-11-20T10:00:00Z'),
    logged('e3', 'C', '2026-11-27', '2026-11-20T10:00:00Z'),
    logged('e4', 'D', '2026-11-27', '2026-11-20T10:00:00Z'),
    logged('e5', 'E', '2026-11-27', '2026-11-20T10:00:00Z', 'U_BEN'),
    // F logged a dated step, then a later follow-up without one: the later one replaces it.
    logged('e6', 'F', '2026-11-27', '2026-11-20T10:00:00Z'),
    logged('e7', 'F', undefined, '2026-11-21T10:00:00Z'),
    // G's date is no real day (events are JSON text): ignored.
    logged('e8', 'G', '2026-02-30', '2026-11-20T10:00:00Z'),
  ];
  const now = states([
    ['A', { ownerUserId: 'U_ANA' }],
    ['B', { ownerUserId: 'U_ANA' }],
    ['C', { status: 'lost', ownerUserId: 'U_ANA' }],
    ['D', { status: 'open' }], // released since
    ['E', { status: 'claimed', ownerUserId: 'U_CAT' }], // taken over: the new holder is reminded
    ['F', { ownerUserId: 'U_ANA' }],
    ['G', { ownerUserId: 'U_ANA' }],
  ]);

  it('is due on its day for whoever holds the gap; not before, not after a close or a release', () => {
    const due = selectDueReminders(events, now, '2026-11-27', { sent: () => false });
    expect(due.map((r) => [r.event.customerId, r.userId, r.key])).toEqual([
      ['A', 'U_ANA', 'reminder:e1'],
      ['E', 'U_CAT', 'reminder:e5'],
    ]);
    expect(selectDueReminders(events, now, '2026-11-26', { sent: () => false })).toEqual([]);
  });

  it('is never due twice: a sent one stays sent, and one missed is caught up for 3 days only', () => {
    const sent = new Set([reminderKey({ id: 'e1' })]);
    const due = selectDueReminders(events, now, '2026-11-28', { sent: (k) => sent.has(k) });
    // A was sent yesterday; E (missed yesterday) is caught up; B is due today.
    expect(due.map((r) => r.event.customerId)).toEqual(['B', 'E']);
    expect(
      selectDueReminders(events, now, '2026-12-01', { sent: () => false }).map((r) => r.event.customerId),
    ).toEqual(['B']);
  });

  it('reads only real YYYY-MM-DD days from the stored events', () => {
    expect(isIsoDay('2026-11-27')).toBe(true);
    expect(isIsoDay('2026-02-30')).toBe(false);
    expect(isIsoDay('27/11/2026')).toBe(false);
    expect(isIsoDay(20261127)).toBe(false);
    expect(latestNextSteps(events).map((s) => s.event.id)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
  });
});
