/** "My digest by DM": who gets which gaps, one message each, none when none, never twice for a run. */
import { describe, expect, it } from 'vitest';
import type { GapState, Priority } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import type { DigestRun } from '../../src/store/state-store.ts';
import { ownerDigestKey, selectOwnerDigests, sendOwnerDigests } from '../../src/use-cases/owner-digests.ts';
import { loadSnapshot } from '../../src/use-cases/refresh-snapshot.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';

const p = (customerId: string, accountManager: string | undefined, gapAmountCents = 1_000): Priority =>
  ({
    rank: 1,
    customerId,
    customerName: `Name ${customerId}`,
    ...(accountManager ? { accountManager } : {}),
    gapTypes: ['declining_revenue'],
    gapAmountCents,
    recoveryPotentialCents: 500,
    score: 40,
    components: { revenueImpact: 1, churnRisk: 1, customerValue: 1, recoveryProbability: 1 },
    contributions: { revenueImpact: 10, churnRisk: 10, customerValue: 10, recoveryProbability: 10 },
    rationale: [],
    recommendation: '',
  }) as Priority;

const state = (customerId: string, s: Partial<GapState>): [string, GapState] => [
  customerId,
  { customerId, status: 'open', ...s },
];

describe('selectOwnerDigests', () => {
  const ranked = [
    p('A', 'U0000001'),
    p('B', 'U0000002'),
    p('C', 'someone@example.com'), // an email no Slack user has: stays text, nobody's DM
    p('D', 'U0000001'),
    p('E', 'U0000001'),
    p('F', 'U0000002'),
  ];
  const states = new Map([
    state('D', { status: 'claimed', ownerUserId: 'U0000003' }),
    state('E', { status: 'lost', ownerUserId: 'U0000001' }),
    state('F', { status: 'snoozed', snoozedUntil: '2026-12-31', gapAmountCentsAtDecision: 1_000 }),
  ]);

  it('gives every account manager their own open gaps, and a gap taken over to both', () => {
    const byUser = selectOwnerDigests(ranked, states, 'all');
    const ids = (u: string) => byUser.get(u)?.map((x) => x.customerId);
    expect(ids('U0000001')).toEqual(['A', 'D']); // E is lost
    expect(ids('U0000002')).toEqual(['B']); // F is snoozed
    expect(ids('U0000003')).toEqual(['D']); // took it over
    expect([...byUser.keys()].sort()).toEqual(['U0000001', 'U0000002', 'U0000003']);
  });

  it('only the opted-in users, and nobody with nothing to show', () => {
    const byUser = selectOwnerDigests(ranked, states, new Set(['U0000002', 'U0000009']));
    expect([...byUser.keys()]).toEqual(['U0000002']);
    expect(byUser.get('U0000002')?.map((x) => x.customerId)).toEqual(['B']);
  });
});

describe('sendOwnerDigests', () => {
  it('sends one message per opted-in user with only their accounts, and nothing again when resumed', async () => {
    // The sample: Acme (C001) is U0ACME01's, Bolt_Works (C002) jane@example.com's.
    const result = buildSampleResult();
    const loaded = loadSnapshot(
      { id: 's', createdAt: '2026-11-24T09:00:00.000Z', asOfPeriod: result.asOf.period, source: 't', result },
      sampleSettings(),
    );
    const posted: Array<{ channel: string; text: string; blocks?: unknown[] }> = [];
    const sent = new Map<string, string>();
    const deps = {
      slack: {
        postMessage: async (m: { channel: string; text: string; blocks?: unknown[] }) => {
          posted.push(m);
          return { ts: `9.${posted.length}`, channel: `D-${m.channel}` };
        },
      },
      personal: {
        listDmDigestUsers: async () => ['U01JANE', 'U0NOBODY'],
        directMessageSent: async (key: string) => sent.has(key),
        recordDirectMessage: async (key: string, s: { ts: string }) => {
          if (sent.has(key)) return false;
          sent.set(key, s.ts);
          return true;
        },
      },
      people: {
        userIdFor: async () => null,
        unresolved: () => [],
        withSlackUsers: async <T extends { accountManager?: string }>(items: readonly T[]) =>
          items.map((i) =>
            i.accountManager === 'jane@example.com' ? { ...i, accountManager: 'U01JANE' } : i,
          ),
      },
      dmOwners: false,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T09:00:00.000Z'),
    };
    const run = {
      id: 'run-1',
      priorities: [{ customerId: 'C002', rank: 2, gapAmountCents: 60_000 }],
    } as DigestRun;
    const input = { run, loaded, ranked: result.priorities, states: new Map<string, GapState>() };
    expect(await sendOwnerDigests(input, deps)).toBe(1);
    expect(posted).toHaveLength(1);
    expect(posted[0]!.channel).toBe('U01JANE');
    const shown = JSON.stringify(posted[0]!.blocks);
    expect(shown).toContain('Bolt');
    expect(shown).not.toContain('Acme');
    expect(posted[0]!.text).toContain('$600.00 at risk on 1 gap');
    // The week named as the channel digest and the report name it.
    expect(posted[0]!.text).toMatch(/^Your accounts · week of Mon 16 Nov 2026 \(to 22 Nov\): /);
    expect(sent.get(ownerDigestKey('run-1', 'U01JANE'))).toBe('9.1');
    // The run resumed after a restart: already sent, nothing posted twice.
    expect(await sendOwnerDigests(input, deps)).toBe(0);
    expect(posted).toHaveLength(1);
  });

  it('sends the others when Slack refuses one person’s DM, and never fails the digest for it', async () => {
    const result = buildSampleResult();
    const loaded = loadSnapshot(
      { id: 's', createdAt: '2026-11-24T09:00:00.000Z', asOfPeriod: result.asOf.period, source: 't', result },
      sampleSettings(),
    );
    const posted: string[] = [];
    const sent = new Set<string>();
    const deps = {
      slack: {
        postMessage: async (m: { channel: string }) => {
          if (m.channel === 'U0ACME01') throw new Error('An API error occurred: account_inactive');
          posted.push(m.channel);
          return { ts: '1.1', channel: m.channel };
        },
      },
      personal: {
        listDmDigestUsers: async () => [],
        directMessageSent: async (key: string) => sent.has(key),
        recordDirectMessage: async (key: string) => !sent.has(key) && sent.add(key) !== undefined,
      },
      people: {
        userIdFor: async () => null,
        unresolved: () => [],
        withSlackUsers: async <T extends { accountManager?: string }>(items: readonly T[]) =>
          items.map((i) =>
            i.accountManager === 'jane@example.com' ? { ...i, accountManager: 'U01JANE' } : i,
          ),
      },
      dmOwners: true,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T09:00:00.000Z'),
    };
    const run = { id: 'run-2', priorities: [] } as unknown as DigestRun;
    const count = await sendOwnerDigests(
      { run, loaded, ranked: result.priorities, states: new Map<string, GapState>() },
      deps,
    );
    expect(count).toBe(1);
    expect(posted).toEqual(['U01JANE']);
    expect([...sent]).toEqual([ownerDigestKey('run-2', 'U01JANE')]);
  });
});
