/**
 * `@revgap log <customer>: <note>` and `@revgap snooze <customer> 2w`: recorded like the buttons when
 * one customer matches (the note then shows in the deep dive's follow-ups), the candidates or the
 * nearest names otherwise, the syntax when it is wrong; nothing recorded then.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import type { OutgoingMessage, SlackClient } from '../../src/slack/slack-client.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { answerRevgap } from '../../src/use-cases/answer-command.ts';
import { recordTypedFollowUp, type TypedFollowUp } from '../../src/use-cases/follow-up-by-text.ts';
import { parseRevgapCommand } from '../../src/use-cases/parse-revgap-command.ts';
import type { SnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';
import { holderWith } from '../helpers/snapshot-holder.ts';

const NOW = new Date('2026-11-24T10:00:00.000Z');
let store: StateStore;
let snapshots: SnapshotHolder;

beforeAll(async () => {
  store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
  await store.ready();
  snapshots = holderWith(buildSampleResult(), sampleSettings(), { store, createdAt: NOW.toISOString() });
  // A digest showing both customers, its parent at 100.1 in C1.
  const run = await store.claimDigestRun({
    runKey: 'digest:C1:typed',
    channel: 'C1',
    slot: 'manual:typed',
    createdAt: NOW.toISOString(),
    late: false,
  });
  await store.recordDigestPriorities(run.run.id, [
    { customerId: 'C001', rank: 1, gapAmountCents: 200_000, partIndex: 0 },
    { customerId: 'C002', rank: 2, gapAmountCents: 60_000, partIndex: 0 },
  ]);
  await store.recordDigestMessage(run.run.id, 0, '100.1');
}, 60_000);

afterAll(async () => {
  await store?.close();
});

function deps() {
  const posted: Array<OutgoingMessage & { channel: string; threadTs?: string }> = [];
  const slack = {
    postMessage: async (m: OutgoingMessage & { channel: string; threadTs?: string }) => {
      posted.push(m);
      return { ts: '9.9', channel: m.channel };
    },
    postEphemeral: async () => undefined,
    updateMessage: async () => undefined,
    fetchMessage: async () => null,
  } as unknown as SlackClient;
  return {
    posted,
    deps: { slack, store, snapshots, logger: createLogger({ level: 'silent' }), now: () => NOW },
  };
}

const typed = (text: string) => parseRevgapCommand(text) as TypedFollowUp;

describe('recordTypedFollowUp', () => {
  it('records a note in the digest thread it was written in, and the next deep dive shows it', async () => {
    const { posted, deps: d } = deps();
    const answer = await recordTypedFollowUp(
      {
        request: typed('log bolt: buyer on leave until Monday'),
        userId: 'U0ALICE',
        channel: 'C1',
        threadTs: '100.1',
        eventId: 'm1',
      },
      d,
    );
    // Said in the thread it was written in: no other answer.
    expect(answer).toBeNull();
    expect(posted.map((m) => [m.threadTs, m.text])).toEqual([
      ['100.1', '<@U0ALICE> logged a follow-up on *Bolt_\u200bWorks*\nNote: buyer on leave until Monday'],
    ]);
    const dive = await answerRevgap(
      'C002',
      { userId: 'U0BOB', audience: 'private' },
      { ...d, chat: { userEmail: async () => null } },
    );
    expect(JSON.stringify(dive.message.blocks)).toContain(
      '<@U0ALICE> logged a follow-up · “buyer on leave until Monday”',
    );
    // The same mention delivered twice records once.
    await recordTypedFollowUp(
      {
        request: typed('log bolt: buyer on leave until Monday'),
        userId: 'U0ALICE',
        channel: 'C1',
        threadTs: '100.1',
        eventId: 'm1',
      },
      d,
    );
    expect(await store.listFollowUps('C002')).toHaveLength(1);
  });

  it('snoozes for the weeks typed, and says where it went when written outside the digest thread', async () => {
    const { posted, deps: d } = deps();
    const answer = await recordTypedFollowUp(
      { request: typed('snooze acme 2w'), userId: 'U0ALICE', channel: 'C7', threadTs: '55.5', eventId: 'm2' },
      d,
    );
    expect(posted[0]?.threadTs).toBe('100.1');
    expect(answer?.text).toMatch(/^Recorded, and said in the digest thread: <@U0ALICE> snoozed \*Acme/);
    expect((await store.listFollowUps('C001')).at(-1)).toMatchObject({
      kind: 'snooze',
      snoozeUntil: '2026-12-08',
    });
  });

  it('records nothing when several or no customers match, listing them with their ids', async () => {
    const { posted, deps: d } = deps();
    const none = await recordTypedFollowUp(
      {
        request: typed('log Bolt Wroks: hi'),
        userId: 'U0ALICE',
        channel: 'C1',
        threadTs: '100.1',
        eventId: 'm3',
      },
      d,
    );
    expect(none?.text).toContain('Nothing recorded: no customer matches “Bolt Wroks”');
    expect(none?.text).toContain('`C002`');
    expect(none?.text).toContain('`@revgap log C002: hi`');
    const nothing = await recordTypedFollowUp(
      {
        request: typed('snooze Zyxwv Holdings 2w'),
        userId: 'U0ALICE',
        channel: 'C1',
        threadTs: '100.1',
        eventId: 'm4',
      },
      d,
    );
    expect(nothing?.text).toContain('Try the customer id, or part of the name.');
    const several = await recordTypedFollowUp(
      { request: typed('log co: hi'), userId: 'U0ALICE', channel: 'C1', threadTs: '100.1', eventId: 'm5' },
      d,
    );
    expect(several?.text).toMatch(/^Nothing recorded: \d+ customers match “co”\. Say which by its id/);
    expect(posted).toEqual([]);
  });

  it('shows the syntax for a log without a colon or a snooze without weeks that names no customer', async () => {
    const { deps: d } = deps();
    const who = { userId: 'U0ALICE', audience: 'thread' as const };
    const log = await answerRevgap('log Acme called them', who, {
      ...d,
      chat: { userEmail: async () => null },
    });
    expect(log.message.text).toContain('`@revgap log &lt;customer&gt;: &lt;note&gt;`');
    const snooze = await answerRevgap('snooze acme', who, { ...d, chat: { userEmail: async () => null } });
    expect(snooze.message.text).toContain('`@revgap snooze &lt;customer&gt; &lt;weeks&gt;w`');
  });
});
