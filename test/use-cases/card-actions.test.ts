/**
 * Card actions end to end in the use-case: the holder clicking Take over is offered Release (no
 * second claim, no "Done."), and the message clicked says what happened: an ephemeral `/revgap top`
 * answer through its response_url (Release for the viewer), a bot message that is not the digest with
 * chat.update, a deep dive rendered again with its history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { cardBlockIds } from '../../src/render/slack/ids.ts';
import type { OutgoingMessage, SlackBlock, SlackClient } from '../../src/slack/slack-client.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { answerRevgap } from '../../src/use-cases/answer-command.ts';
import { type CardActionDeps, cardAction, updateClickedCopy } from '../../src/use-cases/card-actions.ts';
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
}, 60_000);

afterAll(async () => {
  await store?.close();
});

function fakeSlack() {
  const calls = {
    responded: [] as Array<[string, OutgoingMessage & { replaceOriginal?: boolean }]>,
    updated: [] as Array<OutgoingMessage & { channel: string; ts: string }>,
    ephemeral: [] as Array<OutgoingMessage & { user: string }>,
    posted: [] as Array<OutgoingMessage & { channel: string }>,
  };
  const slack = {
    respond: async (url: string, m: OutgoingMessage) => void calls.responded.push([url, m]),
    updateMessage: async (m: OutgoingMessage & { channel: string; ts: string }) => void calls.updated.push(m),
    postEphemeral: async (m: OutgoingMessage & { user: string }) => void calls.ephemeral.push(m),
    postMessage: async (m: OutgoingMessage & { channel: string }) => {
      calls.posted.push(m);
      return { ts: '9.9', channel: m.channel };
    },
    fetchMessage: async () => null,
  } as unknown as SlackClient;
  const deps: CardActionDeps = {
    slack,
    store,
    snapshots,
    logger: createLogger({ level: 'silent' }),
    now: () => NOW,
  };
  return { deps, calls };
}

type Element = { action_id: string; text?: { text: string } };
const cardElements = (blocks: readonly unknown[] | undefined, customerId: string): Element[] =>
  (
    (blocks ?? []).find((b) => (b as { block_id?: string }).block_id === cardBlockIds(customerId).actions) as
      | { elements: Element[] }
      | undefined
  )?.elements ?? [];
const cardStatus = (blocks: readonly unknown[] | undefined, customerId: string): string =>
  (
    (blocks ?? []).find((b) => (b as { block_id?: string }).block_id === cardBlockIds(customerId).section) as
      | { text: { text: string } }
      | undefined
  )?.text.text ?? '';

describe('cardAction: the clicked copy', () => {
  it('updates an ephemeral /revgap top answer in place through its response_url, with Release for the clicker', async () => {
    const top = await answerRevgap(
      'top',
      { userId: 'U1', audience: 'private' },
      { ...fakeSlack().deps, chat: { userEmail: async () => null } },
    );
    expect(cardElements(top.message.blocks, 'C001')[0]?.text?.text).toBe('Claim');
    const { deps, calls } = fakeSlack();
    const answer = await cardAction(
      {
        kind: 'claim',
        eventId: 'top-claim',
        userId: 'U1',
        channel: 'C9',
        messageTs: '5.5',
        customerId: 'C001',
        messageBlocks: top.message.blocks as SlackBlock[],
        messageText: top.message.text,
        responseUrl: 'https://example.test/r/1',
        ephemeral: true,
      },
      deps,
    );
    // No digest shows it: the confirmation goes privately; no "Done." on top of it.
    expect(answer).toBeNull();
    expect(calls.responded).toHaveLength(1);
    const [url, message] = calls.responded[0]!;
    expect(url).toBe('https://example.test/r/1');
    expect(message.replaceOriginal).toBe(true);
    expect(cardStatus(message.blocks, 'C001')).toContain('Claimed by <@U1>');
    expect(cardElements(message.blocks, 'C001')[0]).toMatchObject({ action_id: 'gap_release' });
    // The other cards and the rest of the answer are as they were.
    expect(message.blocks?.length).toBe(top.message.blocks.length);
    expect(cardStatus(message.blocks, 'C002')).toBe(cardStatus(top.message.blocks, 'C002'));
    expect(calls.updated).toEqual([]);
  });

  it('offers the holder Release when they click Take over on a shared copy, recording nothing', async () => {
    const { deps, calls } = fakeSlack();
    const answer = await cardAction(
      { kind: 'claim', eventId: 'again', userId: 'U1', channel: 'C9', messageTs: '6.6', customerId: 'C001' },
      deps,
    );
    expect(answer?.text).toMatch(/^You are already on \*Acme/);
    expect(JSON.stringify(answer?.blocks)).toContain('"action_id":"gap_release"');
    expect(calls.posted).toEqual([]);
    expect(calls.ephemeral).toEqual([]);
    expect((await store.listFollowUps('C001')).map((e) => e.kind)).toEqual(['claim']);
  });

  it('updates a bot message that is not the digest with chat.update: Take over in a channel, Release in a DM', async () => {
    const top = await answerRevgap(
      'top',
      { userId: 'U1', audience: 'thread' },
      { ...fakeSlack().deps, chat: { userEmail: async () => null } },
    );
    const { deps, calls } = fakeSlack();
    await cardAction(
      {
        kind: 'claim',
        eventId: 'dm-claim',
        userId: 'U2',
        channel: 'C8',
        messageTs: '7.7',
        customerId: 'C002',
        messageBlocks: top.message.blocks as SlackBlock[],
        messageText: top.message.text,
      },
      deps,
    );
    expect(calls.updated).toHaveLength(1);
    expect(calls.updated[0]).toMatchObject({ channel: 'C8', ts: '7.7' });
    expect(cardStatus(calls.updated[0]?.blocks, 'C002')).toContain('Claimed by <@U2>');
    // Everyone in the channel sees it: Take over (its holder clicking it is offered Release).
    expect(cardElements(calls.updated[0]?.blocks, 'C002')[0]?.text?.text).toBe('Take over');

    // The same answer in U2's DM (only they see it): Release.
    const dm = fakeSlack();
    await updateClickedCopy(
      {
        userId: 'U2',
        channel: 'D1',
        messageTs: '7.8',
        messageBlocks: top.message.blocks as SlackBlock[],
        messageText: top.message.text,
      },
      'C002',
      { state: { customerId: 'C002', status: 'claimed', ownerUserId: 'U2' }, reply: null },
      dm.deps,
    );
    expect(dm.calls.updated[0]).toMatchObject({ channel: 'D1', ts: '7.8' });
    expect(cardElements(dm.calls.updated[0]?.blocks, 'C002')[0]?.text?.text).toBe('Release');
  });

  it('renders a deep dive again after a take-over from it, its history saying "took it over"', async () => {
    const dive = await answerRevgap(
      'C002',
      { userId: 'U3', audience: 'private' },
      { ...fakeSlack().deps, chat: { userEmail: async () => null } },
    );
    const { deps, calls } = fakeSlack();
    await cardAction(
      {
        kind: 'claim',
        eventId: 'dive-take-over',
        userId: 'U3',
        channel: 'C9',
        messageTs: '8.8',
        customerId: 'C002',
        messageBlocks: dive.message.blocks as SlackBlock[],
        messageText: dive.message.text,
        responseUrl: 'https://example.test/r/2',
        ephemeral: true,
      },
      deps,
    );
    expect(calls.responded).toHaveLength(1);
    const shown = JSON.stringify(calls.responded[0]?.[1].blocks);
    // (Ids this short are not taken for Slack user ids, so they show as text.)
    expect(shown).toContain('U3 took it over from U2');
    expect(shown).toContain('"action_id":"gap_release"');
    expect(shown).toContain('Share in channel');
  });

  it('renders a private answer again from the origin its button carries when Slack sends no blocks', async () => {
    const top = await answerRevgap(
      'top 5',
      { userId: 'U4', audience: 'private' },
      { ...fakeSlack().deps, chat: { userEmail: async () => null } },
    );
    // The buttons of a private answer name it, so a click can render it again.
    const claim = cardElements(top.message.blocks, 'C002')[0] as { value?: string };
    expect(JSON.parse(claim.value ?? '{}')).toMatchObject({ c: 'C002', o: 'top 5' });
    const { deps, calls } = fakeSlack();
    await cardAction(
      {
        kind: 'release',
        eventId: 'no-blocks-release',
        userId: 'U3',
        channel: 'C9',
        messageTs: '9.1',
        customerId: 'C002',
        responseUrl: 'https://example.test/r/3',
        ephemeral: true,
        origin: 'top 5',
      },
      deps,
    );
    expect(calls.responded).toHaveLength(1);
    const [url, message] = calls.responded[0]!;
    expect([url, message.replaceOriginal]).toEqual(['https://example.test/r/3', true]);
    expect(message.text).toMatch(/^Top 2 revenue gaps/);
    expect(cardStatus(message.blocks, 'C002')).toContain('Open: nobody has claimed it yet');
  });
});
