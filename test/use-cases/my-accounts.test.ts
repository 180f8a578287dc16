/** Whose gap is whose on the personal surfaces: my accounts by Slack id or email, and the gaps I hold. */
import { describe, expect, it } from 'vitest';
import type { GapState, Priority } from '../../src/core/types.ts';
import { isMine, selectMine, selectUnclaimed } from '../../src/use-cases/my-accounts.ts';

const ME = { userId: 'U01JANE', email: 'Jane@Example.com' };
const p = (customerId: string, accountManager?: string, gapAmountCents = 1_000): Priority =>
  ({ customerId, rank: 1, gapAmountCents, ...(accountManager ? { accountManager } : {}) }) as Priority;
const s = (customerId: string, state: Partial<GapState>): [string, GapState] => [
  customerId,
  { customerId, status: 'open', ...state },
];

describe('my accounts', () => {
  it('are mine by user id, by email (any case), or because I hold the gap', () => {
    expect(isMine('U01JANE', undefined, ME)).toBe(true);
    expect(isMine(' jane@example.COM ', undefined, ME)).toBe(true);
    expect(isMine('bob@example.com', undefined, ME)).toBe(false);
    expect(
      isMine('bob@example.com', { customerId: 'x', status: 'claimed', ownerUserId: 'U01JANE' }, ME),
    ).toBe(true);
    expect(isMine(undefined, undefined, { userId: 'U01JANE' })).toBe(false);
  });

  it('lists mine in rank order without lost or (unchanged) dismissed gaps; snoozed ones only when asked', () => {
    const ranked = [
      p('A', 'U01JANE'),
      p('B', 'bob@example.com'),
      p('C', 'jane@example.com'),
      p('D', 'U01JANE'),
      p('E', 'U01JANE', 2_000),
      p('F', 'bob@example.com'),
      p('G', 'U01JANE'),
    ];
    const states = new Map([
      s('D', { status: 'lost' }),
      s('E', { status: 'dismissed', gapAmountCentsAtDecision: 1_000 }), // doubled since: shown again
      s('F', { status: 'claimed', ownerUserId: 'U01JANE' }),
      s('G', { status: 'snoozed', snoozedUntil: '2026-12-31', gapAmountCentsAtDecision: 1_000 }),
    ]);
    expect(selectMine(ranked, states, ME).map((x) => x.customerId)).toEqual(['A', 'C', 'E', 'F']);
    expect(selectMine(ranked, states, ME, { withSnoozed: true }).map((x) => x.customerId)).toEqual([
      'A',
      'C',
      'E',
      'F',
      'G',
    ]);
  });

  it('gives the team’s top unclaimed gaps: open, nobody on them, not mine', () => {
    const ranked = [p('A'), p('B'), p('C'), p('D'), p('E')];
    const states = new Map([
      s('B', { status: 'claimed', ownerUserId: 'U01BOB' }),
      s('D', { status: 'snoozed' }),
    ]);
    expect(selectUnclaimed(ranked, states, 2, new Set(['A'])).map((x) => x.customerId)).toEqual(['C', 'E']);
  });
});
