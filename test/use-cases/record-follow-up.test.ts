import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GapState } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { followUpParts } from '../../src/render/_customer-facts.ts';
import { renderDigest } from '../../src/render/slack/digest.ts';
import { cardBlockIds, lineBlockId } from '../../src/render/slack/ids.ts';
import type { OutgoingMessage, SlackBlock, SlackClient } from '../../src/slack/slack-client.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import {
  describeFollowUp,
  previousOwnerOf,
  recordFollowUp,
  refusalOf,
} from '../../src/use-cases/record-follow-up.ts';
import { createSnapshotHolder, type SnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';

/** A Slack client that remembers what it was asked to do; the digest is parent '100.1' + thread '100.2'. */
function recordingSlack(digestBlocks: SlackBlock[] = parentBlocks, threadBlocks: SlackBlock[] = cardsBlocks) {
  const posted: Array<OutgoingMessage & { channel: string; threadTs?: string }> = [];
  const updated: Array<OutgoingMessage & { channel: string; ts: string }> = [];
  const ephemeral: Array<OutgoingMessage & { user: string }> = [];
  const slack = {
    postMessage: async (m: OutgoingMessage & { channel: string; threadTs?: string }) => {
      posted.push(m);
      return { ts: `9.${posted.length}`, channel: m.channel };
    },
    updateMessage: async (m: OutgoingMessage & { channel: string; ts: string }) => {
      updated.push(m);
    },
    postEphemeral: async (m: OutgoingMessage & { user: string }) => {
      ephemeral.push(m);
    },
    fetchMessage: async (_channel: string, ts: string) =>
      ts === '100.2' ? { text: 'cards', blocks: threadBlocks } : { text: 'digest', blocks: digestBlocks },
  } as unknown as SlackClient;
  return { slack, posted, updated, ephemeral };
}

const NOW = new Date('2026-11-24T10:00:00.000Z');
const settings = sampleSettings();
const result = buildSampleResult();
const digest = renderDigest({ result, settings });
const parentBlocks = digest.parent.blocks as SlackBlock[];
const cardsBlocks = digest.continuations[0]!.blocks as SlackBlock[];

let store: StateStore;
let snapshots: SnapshotHolder;
let runId: string;

beforeAll(async () => {
  store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
  await store.ready();
  snapshots = createSnapshotHolder({ store, settings });
  snapshots.set({
    id: 'snap-1',
    createdAt: NOW.toISOString(),
    asOfPeriod: result.asOf.period,
    source: 't',
    result,
  });
  const claim = await store.claimDigestRun({
    runKey: 'digest:C1:test',
    channel: 'C1',
    slot: 'manual:test',
    createdAt: NOW.toISOString(),
    late: false,
  });
  runId = claim.run.id;
  await store.recordDigestPriorities(runId, [
    { customerId: 'C001', rank: 1, gapAmountCents: 200_000, partIndex: 1 },
    { customerId: 'C002', rank: 2, gapAmountCents: 60_000, partIndex: 1 },
  ]);
  await store.recordDigestMessage(runId, 0, '100.1');
  await store.recordDigestMessage(runId, 1, '100.2');
}, 60_000);

afterAll(async () => {
  await store?.close();
});

const deps = (slack: SlackClient) => ({
  slack,
  store,
  snapshots,
  logger: createLogger({ level: 'silent' }),
  now: () => NOW,
});

describe('recordFollowUp', () => {
  it('stores a claim, replies in the digest thread and swaps in the updated card and line', async () => {
    const fake = recordingSlack();
    const outcome = await recordFollowUp(
      {
        kind: 'claim',
        customerId: 'C001',
        userId: 'U1',
        eventId: 'click-1',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(fake.slack),
    );
    expect(outcome).toMatchObject({
      recorded: true,
      cardUpdated: true,
      state: { status: 'claimed', ownerUserId: 'U1' },
    });
    expect(fake.posted).toEqual([
      { channel: 'C1', threadTs: '100.1', text: '<@U1> claimed *Acme | *\u200bCorp*\u200b*' },
    ]);
    // Two updates: the full card in the thread, then the compact line in the parent.
    expect(fake.updated.map((u) => u.ts)).toEqual(['100.2', '100.1']);
    const card = fake.updated[0]?.blocks?.find((b) => b.block_id === cardBlockIds('C001').section) as {
      text: { text: string };
    };
    expect(card.text.text).toContain('Claimed by <@U1>');
    const line = fake.updated[1]?.blocks?.find((b) => b.block_id === lineBlockId('C001')) as {
      text: { text: string };
    };
    expect(line.text.text).toContain('Claimed by <@U1>');
    // The other card and line are untouched.
    const other = fake.updated[0]?.blocks?.find((b) => b.block_id === cardBlockIds('C002').section);
    expect(other).toEqual(cardsBlocks.find((b) => b.block_id === cardBlockIds('C002').section));
    const otherLine = fake.updated[1]?.blocks?.find((b) => b.block_id === lineBlockId('C002'));
    expect(otherLine).toEqual(parentBlocks.find((b) => b.block_id === lineBlockId('C002')));
    // Everything else in the parent (header, summary, footer) is as posted.
    expect(fake.updated[1]?.blocks?.length).toBe(parentBlocks.length);
  });

  it('does nothing the second time Slack delivers the same click', async () => {
    const fake = recordingSlack();
    const outcome = await recordFollowUp(
      {
        kind: 'claim',
        customerId: 'C001',
        userId: 'U1',
        eventId: 'click-1',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(fake.slack),
    );
    expect(outcome.recorded).toBe(false);
    expect(fake.posted).toEqual([]);
    expect(fake.updated).toEqual([]);
    expect(await store.listFollowUps('C001')).toHaveLength(1);
  });

  it('records nothing when the holder claims their own gap again (refused: already_yours), and a take-over as such', async () => {
    const again = recordingSlack();
    const mine = await recordFollowUp(
      {
        kind: 'claim',
        customerId: 'C001',
        userId: 'U1',
        eventId: 'click-2',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(again.slack),
    );
    // No second claim in the history, nothing in the thread, no "You have already claimed" +
    // "Done." pair: the caller offers Release instead.
    expect(mine).toMatchObject({ recorded: false, refused: 'already_yours', reply: null });
    expect(again.posted).toEqual([]);
    expect(again.ephemeral).toEqual([]);
    expect((await store.listFollowUps('C001')).map((e) => [e.kind, e.userId])).toEqual([['claim', 'U1']]);

    const other = recordingSlack();
    const outcome = await recordFollowUp(
      {
        kind: 'claim',
        customerId: 'C001',
        userId: 'U9',
        eventId: 'click-3',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(other.slack),
    );
    // The previous holder is named first, so Slack notifies them.
    expect(other.posted.map((m) => m.text)).toEqual([
      '<@U1>, <@U9> took over *Acme | *\u200bCorp*\u200b* from you',
    ]);
    expect(outcome.state).toMatchObject({ status: 'claimed', ownerUserId: 'U9' });
    const events = await store.listFollowUps('C001');
    expect(events.at(-1)).toMatchObject({ kind: 'claim', userId: 'U9', previousOwnerUserId: 'U1' });
    // The history says so (deep dive and report read these parts).
    expect(followUpParts(events.at(-1)!)).toMatchObject({ action: 'took it over', fromUserId: 'U1' });
    expect(followUpParts(events[0]!).action).toBe('claimed it');
  });

  it("releases only the holder's gap: back to open, nobody on it, said in the thread", async () => {
    const notHolder = recordingSlack();
    const refused = await recordFollowUp(
      {
        kind: 'release',
        customerId: 'C001',
        userId: 'U1',
        eventId: 'rel-1',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(notHolder.slack),
    );
    expect(refused).toMatchObject({ recorded: false, refused: 'not_yours' });
    expect(notHolder.posted).toEqual([]);

    const holder = recordingSlack();
    const released = await recordFollowUp(
      {
        kind: 'release',
        customerId: 'C001',
        userId: 'U9',
        eventId: 'rel-2',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(holder.slack),
    );
    expect(released).toMatchObject({ recorded: true, state: { status: 'open' } });
    expect(released.state?.ownerUserId).toBeUndefined();
    expect(holder.posted.map((m) => m.text)).toEqual([
      '<@U9> released *Acme | *\u200bCorp*\u200b*: nobody is on it now',
    ]);
    const card = holder.updated
      .flatMap((m) => m.blocks ?? [])
      .find((b) => b.block_id === cardBlockIds('C001').section) as { text: { text: string } };
    expect(card.text.text).toContain('Open: nobody has claimed it yet');
    expect(followUpParts((await store.listFollowUps('C001')).at(-1)!).action).toBe('released it');
  });

  it('snoozes until today plus the weeks chosen, remembering the gap at the decision', async () => {
    const fake = recordingSlack();
    await recordFollowUp(
      {
        kind: 'snooze',
        customerId: 'C002',
        userId: 'U2',
        eventId: 'snooze-1',
        channel: 'C1',
        messageTs: '100.1',
        snoozeWeeks: 2,
      },
      deps(fake.slack),
    );
    const [event] = await store.listFollowUps('C002');
    // 2026-11-24 + 14 days.
    expect(event).toMatchObject({
      kind: 'snooze',
      snoozeUntil: '2026-12-08',
      gapAmountCents: 60_000,
      digestRunId: runId,
    });
    expect(fake.posted[0]?.text).toBe('<@U2> snoozed *Bolt_\u200bWorks* until 2026-12-08');
  });

  it('tells the holder when someone else snoozes their account; Unsnooze brings the gap back as it was', async () => {
    const claim = recordingSlack();
    await recordFollowUp(
      {
        kind: 'claim',
        customerId: 'C002',
        userId: 'U5',
        eventId: 'c2-claim',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(claim.slack),
    );
    const snooze = recordingSlack();
    const snoozed = await recordFollowUp(
      {
        kind: 'snooze',
        customerId: 'C002',
        userId: 'U6',
        eventId: 'c2-snooze',
        channel: 'C1',
        messageTs: '100.1',
        snoozeWeeks: 4,
      },
      deps(snooze.slack),
    );
    expect(snooze.posted.map((m) => m.text)).toEqual([
      '<@U5>, <@U6> snoozed your account *Bolt_\u200bWorks* until 2026-12-22',
    ]);
    expect(snoozed.state).toMatchObject({ status: 'snoozed', ownerUserId: 'U5', snoozedByUserId: 'U6' });
    const card = (f: typeof snooze) => {
      const block = f.updated
        .flatMap((m) => m.blocks ?? [])
        .find((b) => b.block_id === cardBlockIds('C002').section);
      return (block as { text?: { text: string } } | undefined)?.text?.text ?? '';
    };
    expect(card(snooze)).toContain(':zzz: Snoozed until 2026-12-22 by <@U6>; <@U5> has it');

    const unsnooze = recordingSlack();
    const back = await recordFollowUp(
      {
        kind: 'unsnooze',
        customerId: 'C002',
        userId: 'U5',
        eventId: 'c2-unsnooze',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(unsnooze.slack),
    );
    expect(back.state).toMatchObject({ status: 'claimed', ownerUserId: 'U5' });
    expect(unsnooze.posted.map((m) => m.text)).toEqual([
      '<@U5> unsnoozed *Bolt_\u200bWorks*: it is back in the digest',
    ]);
    expect(card(unsnooze)).toContain('Claimed by <@U5>');

    const twice = recordingSlack();
    const again = await recordFollowUp(
      {
        kind: 'unsnooze',
        customerId: 'C002',
        userId: 'U5',
        eventId: 'c2-unsnooze-2',
        channel: 'C1',
        messageTs: '100.1',
      },
      deps(twice.slack),
    );
    expect(again).toMatchObject({ recorded: false, refused: 'not_snoozed' });
  });
  it('keeps both follow-ups when a second click carries the digest as it was before the first update', async () => {
    // Slack's copy and both clicks' payloads are the digest as posted: the second update must build
    // on what the first one wrote, not undo it.
    const fake = recordingSlack();
    const click = (customerId: string, userId: string, eventId: string) => ({
      customerId,
      userId,
      eventId,
      channel: 'C1',
      messageTs: '100.1',
      messageBlocks: parentBlocks,
      messageText: 'digest',
    });
    await recordFollowUp(
      { ...click('C002', 'U7', 'race-1'), kind: 'follow_up', outcome: 'contacted' },
      deps(fake.slack),
    );
    await recordFollowUp(
      { ...click('C001', 'U8', 'race-2'), kind: 'follow_up', outcome: 'contacted' },
      deps(fake.slack),
    );
    const last = (ts: string) => fake.updated.filter((u) => u.ts === ts).at(-1)!;
    const textOf = (blocks: readonly SlackBlock[] | undefined, id: string) =>
      JSON.stringify(blocks?.find((b) => b.block_id === id));
    expect(textOf(last('100.1').blocks, lineBlockId('C002'))).toContain('Contacted');
    expect(textOf(last('100.1').blocks, lineBlockId('C001'))).toContain('Contacted');
    expect(textOf(last('100.2').blocks, cardBlockIds('C002').section)).toContain('Contacted');
    expect(textOf(last('100.2').blocks, cardBlockIds('C001').section)).toContain('Contacted');
  });
});

describe('refusalOf', () => {
  const st = (status: GapState['status'], ownerUserId?: string): GapState => ({
    customerId: 'C9',
    status,
    ...(ownerUserId ? { ownerUserId } : {}),
  });
  it('refuses a claim by its holder, a release by anyone else, an unsnooze of a gap not snoozed', () => {
    expect(refusalOf('claim', 'U0BOB', st('contacted', 'U0BOB'))).toBe('already_yours');
    expect(refusalOf('claim', 'U0BOB', st('snoozed', 'U0BOB'))).toBeNull();
    expect(refusalOf('claim', 'U0CAROL', st('claimed', 'U0BOB'))).toBeNull();
    expect(refusalOf('release', 'U0CAROL', st('claimed', 'U0BOB'))).toBe('not_yours');
    expect(refusalOf('release', 'U0BOB', undefined)).toBe('not_yours');
    // Their own snoozed gap: released (the snooze ends with it).
    expect(refusalOf('release', 'U0BOB', st('snoozed', 'U0BOB'))).toBeNull();
    expect(refusalOf('unsnooze', 'U0BOB', st('claimed', 'U0BOB'))).toBe('not_snoozed');
    expect(refusalOf('unsnooze', 'U0CAROL', st('snoozed', 'U0BOB'))).toBeNull();
  });
});

describe('previousOwnerOf', () => {
  const claimed = { customerId: 'C9', status: 'claimed' as const, ownerUserId: 'U0BOB' };
  it('names who works on the gap for a take-over or a snooze by someone else, else the account manager for a snooze', () => {
    expect(previousOwnerOf('claim', 'U0CAROL', claimed)).toBe('U0BOB');
    expect(previousOwnerOf('snooze', 'U0CAROL', claimed, 'U0DAN')).toBe('U0BOB');
    expect(previousOwnerOf('claim', 'U0BOB', claimed)).toBeUndefined();
    // Nobody on it: a snooze is the account manager's business, a claim is nobody's.
    expect(previousOwnerOf('snooze', 'U0CAROL', undefined, 'U0DAN')).toBe('U0DAN');
    expect(previousOwnerOf('snooze', 'U0DAN', undefined, 'U0DAN')).toBeUndefined();
    expect(previousOwnerOf('claim', 'U0CAROL', undefined, 'U0DAN')).toBeUndefined();
    expect(previousOwnerOf('claim', 'U0CAROL', { ...claimed, status: 'lost' })).toBeUndefined();
  });
});

describe('describeFollowUp', () => {
  it('says a closed gap was reopened when it is claimed again', () => {
    const claim = { id: 'e', customerId: 'C9', kind: 'claim' as const, userId: 'U3', at: NOW.toISOString() };
    expect(
      describeFollowUp(claim, 'Calm Co', { customerId: 'C9', status: 'dismissed', ownerUserId: 'U1' }),
    ).toBe('<@U3> reopened and claimed *Calm Co*');
    expect(describeFollowUp(claim, 'Calm Co', { customerId: 'C9', status: 'open' })).toBe(
      '<@U3> claimed *Calm Co*',
    );
  });

  it("words each outcome as the deep dive's follow-up history does", () => {
    const words = {
      contacted: 'contacted',
      recovering: 'recovering',
      lost: 'lost',
      not_a_gap: 'not a real gap',
    };
    for (const [outcome, word] of Object.entries(words) as [keyof typeof words, string][]) {
      const event = {
        id: 'e',
        customerId: 'C9',
        kind: 'follow_up' as const,
        userId: 'U3',
        at: NOW.toISOString(),
        outcome,
      };
      expect(describeFollowUp(event, 'Calm Co')).toContain(`: ${word}`);
      expect(followUpParts(event).action).toBe(`logged a follow-up: ${word}`);
    }
  });

  it('writes the outcome, next step and note of a logged follow-up on separate lines', () => {
    const text = describeFollowUp(
      {
        id: 'e',
        customerId: 'C9',
        kind: 'follow_up',
        userId: 'U3',
        at: NOW.toISOString(),
        outcome: 'not_a_gap',
        nextStep: 'none',
        note: 'merged  into\nC10',
      },
      'Calm Co',
    );
    expect(text).toBe(
      '<@U3> logged a follow-up on *Calm Co*: not a real gap\nNext step: none\nNote: merged into C10',
    );
  });
});
