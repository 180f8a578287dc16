/**
 * The claim flow and typed follow-ups on the real bot against local-slack (Socket Mode), as users
 * would: a Claim on an ephemeral `/revgap top` answer updates that answer (its response_url); a
 * Take over carries a confirmation and, once confirmed, tells the previous holder in the digest
 * thread; the holder clicking Take over is offered Release and nothing is recorded; a note written
 * as `@revgap log <customer>: <note>` in the digest thread shows in the next deep dive.
 * Figures from test/helpers/build-result.ts: Acme | *Corp* (C001) rank 1, Bolt_Works (C002) rank 2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_CLAIM, ACTION_RELEASE, cardBlockIds } from '../../src/render/slack/ids.ts';
import type { StoredMessage } from '../helpers/local-slack.ts';
import {
  ALICE,
  type BotUnderTest,
  ephemeralsFor,
  JANE,
  repliesTo,
  shownText,
  startBotUnderTest,
  topLevel,
} from './_harness.ts';

const BOT = 'U0REVGAP';

type Element = { action_id: string; value?: string; confirm?: { title: { text: string } } };

function cardActions(message: StoredMessage, customerId: string): { block_id: string; elements: Element[] } {
  const actions = message.blocks?.find((b) => b.block_id === cardBlockIds(customerId).actions) as
    | { block_id: string; elements: Element[] }
    | undefined;
  if (!actions) throw new Error(`no card of ${customerId} in message ${message.ts}`);
  return actions;
}

function click(message: StoredMessage, customerId: string, actionId: string) {
  const actions = cardActions(message, customerId);
  const element = actions.elements.find((e) => e.action_id === actionId);
  if (!element) throw new Error(`no ${actionId} on ${customerId}'s card`);
  return { action_id: actionId, block_id: actions.block_id, value: element.value };
}

function cardText(message: StoredMessage | undefined, customerId: string): string {
  const block = message?.blocks?.find((b) => b.block_id === cardBlockIds(customerId).section) as
    | { text: { text: string } }
    | undefined;
  return block?.text.text ?? '';
}

describe('claim flow and typed follow-ups (socket mode)', () => {
  let t: BotUnderTest;
  let digest: StoredMessage;
  let cards: StoredMessage;

  beforeAll(async () => {
    t = await startBotUnderTest('socket');
    expect((await t.bot.postDigest()).status).toBe('posted');
    const messages = await t.slack.waitForMessages((m) => m.some((x) => x.files && x.files.length > 0));
    digest = topLevel(messages)[0]!;
    cards = repliesTo(messages, digest.ts).find((x) => cardText(x, 'C001') !== '')!;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('updates the ephemeral /revgap top answer a Claim was clicked on, showing its clicker Release', async () => {
    await t.slack.command(ALICE, 'top');
    const before = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => cardText(x, 'C001') !== ''),
    );
    const top = ephemeralsFor(before, ALICE).find((x) => cardText(x, 'C001') !== '')!;
    expect(cardText(top, 'C001')).toContain('Open: nobody has claimed it yet');

    await t.slack.interact(ALICE, top.ts, click(top, 'C001', ACTION_CLAIM));
    const after = await t.slack.waitForMessages((m) =>
      cardText(
        m.find((x) => x.ts === top.ts),
        'C001',
      ).includes(`Claimed by <@${ALICE}>`),
    );
    const updated = after.find((x) => x.ts === top.ts)!;
    expect(updated.subtype).toBe('ephemeral');
    expect(cardActions(updated, 'C001').elements[0]?.action_id).toBe(ACTION_RELEASE);
    // And the digest says so: the thread reply, the thread card.
    expect(repliesTo(after, digest.ts).some((x) => x.text.startsWith(`<@${ALICE}> claimed *Acme`))).toBe(
      true,
    );
    expect(
      cardText(
        after.find((x) => x.ts === cards.ts),
        'C001',
      ),
    ).toContain(`Claimed by <@${ALICE}>`);
    expect((await t.bot.store.listFollowUps('C001')).map((e) => [e.kind, e.userId])).toEqual([
      ['claim', ALICE],
    ]);
  });

  it('asks before a take-over, then tells the previous holder in the digest thread', async () => {
    const now = (await t.slack.messages()).find((x) => x.ts === cards.ts)!;
    const takeOver = cardActions(now, 'C001').elements[0]!;
    expect(takeOver.action_id).toBe(ACTION_CLAIM);
    expect(takeOver.confirm?.title.text).toBe('Take over Acme | *Corp*?');

    // local-slack delivers the click as Slack does once the dialog is confirmed.
    await t.slack.interact(JANE, cards.ts, click(now, 'C001', ACTION_CLAIM));
    const messages = await t.slack.waitForMessages((m) =>
      repliesTo(m, digest.ts).some((x) => x.text.includes('took over')),
    );
    const reply = repliesTo(messages, digest.ts).find((x) => x.text.includes('took over'))!;
    expect(reply.text).toBe(`<@${ALICE}>, <@${JANE}> took over *Acme | *\u200bCorp*\u200b* from you`);
    expect((await t.bot.store.listFollowUps('C001')).at(-1)).toMatchObject({
      kind: 'claim',
      userId: JANE,
      previousOwnerUserId: ALICE,
    });
  });

  it('offers the holder Release when they click Take over on a shared copy, recording nothing', async () => {
    // A shared copy (`@revgap top` in the thread) cannot know who looks at it: it says Take over.
    await t.slack.message(JANE, `<@${BOT}> top`, digest.ts);
    const isTop = (x: StoredMessage) =>
      x.user === BOT && x.text.startsWith('Top ') && cardText(x, 'C001') !== '';
    const shared = await t.slack.waitForMessages((m) => repliesTo(m, digest.ts).some(isTop));
    const top = repliesTo(shared, digest.ts).find(isTop)!;
    expect(cardText(top, 'C001')).toContain(`Claimed by <@${JANE}>`);
    await t.slack.interact(JANE, top.ts, click(top, 'C001', ACTION_CLAIM));
    const messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, JANE).some((x) => x.text.startsWith('You are already on')),
    );
    const offer = ephemeralsFor(messages, JANE).find((x) => x.text.startsWith('You are already on'))!;
    expect(shownText(offer)).toContain('Release');
    expect(ephemeralsFor(messages, JANE).some((x) => x.text === 'Done.')).toBe(false);
    expect(await t.bot.store.listFollowUps('C001')).toHaveLength(2);

    // Release from the offer: back to open, said in the thread, and the offer says what was done.
    await t.slack.interact(JANE, offer.ts, {
      action_id: ACTION_RELEASE,
      value: (offer.blocks?.[1] as { elements: Element[] } | undefined)?.elements[0]?.value,
    });
    const released = await t.slack.waitForMessages(
      (m) =>
        repliesTo(m, digest.ts).some((x) => x.text.includes('released')) &&
        (m.find((x) => x.ts === offer.ts)?.text.includes('released') ?? false) &&
        cardText(
          m.find((x) => x.ts === cards.ts),
          'C001',
        ).includes('Open'),
    );
    expect(released.find((x) => x.ts === offer.ts)?.text).toContain(`<@${JANE}> released *Acme`);
    expect(
      cardText(
        released.find((x) => x.ts === cards.ts),
        'C001',
      ),
    ).toContain('Open: nobody has claimed it yet');
  });

  it('records a note written as @revgap log in the digest thread, shown in the next deep dive', async () => {
    await t.slack.message(ALICE, `<@${BOT}> log bolt: buyer on leave until Monday`, digest.ts);
    const messages = await t.slack.waitForMessages((m) =>
      repliesTo(m, digest.ts).some((x) => x.text.includes('Note: buyer on leave until Monday')),
    );
    const reply = repliesTo(messages, digest.ts).find((x) => x.text.includes('Note: buyer on leave'))!;
    expect(reply.text).toBe(
      `<@${ALICE}> logged a follow-up on *Bolt_\u200bWorks*\nNote: buyer on leave until Monday`,
    );
    await t.slack.command(JANE, 'C002');
    const dive = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, JANE).some(
        (x) => x.text.includes('Bolt_Works') && shownText(x).includes('Follow-ups'),
      ),
    );
    const answer = ephemeralsFor(dive, JANE).find((x) => shownText(x).includes('Follow-ups'))!;
    expect(shownText(answer)).toContain(`<@${ALICE}> logged a follow-up · “buyer on leave until Monday”`);
  });

  it('tells the account manager when someone else snoozes their account (a typed snooze)', async () => {
    // Bolt_Works' account manager is jane@example.com: Jane in this workspace; nobody works on it.
    const card = (await t.slack.messages()).find((x) => x.ts === cards.ts)!;
    expect(cardActions(card, 'C002').elements.at(-1)?.confirm?.title.text).toBe('Snooze Bolt_Works?');
    await t.slack.message(ALICE, `<@${BOT}> snooze bolt 2w`, digest.ts);
    const messages = await t.slack.waitForMessages((m) =>
      repliesTo(m, digest.ts).some((x) => x.text.includes('snoozed your account')),
    );
    const reply = repliesTo(messages, digest.ts).find((x) => x.text.includes('snoozed your account'))!;
    expect(reply.text).toMatch(
      new RegExp(
        `^<@${JANE}>, <@${ALICE}> snoozed your account \\*Bolt_\u200bWorks\\* until \\d{4}-\\d{2}-\\d{2}$`,
      ),
    );
  });

  it('answers a mistyped mention with the syntax, recording nothing', async () => {
    await t.slack.message(ALICE, `<@${BOT}> snooze bolt`, digest.ts);
    const messages = await t.slack.waitForMessages((m) =>
      m.some((x) => x.text.includes('@revgap snooze &lt;customer&gt; &lt;weeks&gt;w')),
    );
    const answer = messages.find((x) => x.text.includes('@revgap snooze &lt;customer&gt;'))!;
    expect((await t.bot.store.listFollowUps('C002')).map((e) => e.kind)).toEqual(['follow_up', 'snooze']);
    // A customer query that names nobody: the answer goes in the thread like any mention answer.
    expect(answer.thread_ts).toBe(digest.ts);
  });
});
