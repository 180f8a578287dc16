/**
 * The real bot against local-slack, driven like a user would through local-slack's control API:
 * once in Socket Mode and once in HTTP mode (signed requests to the bot's /slack/events).
 * Figures come from test/helpers/build-result.ts: Acme | *Corp* (C001) has a $2,000.00 gap and
 * rank 1, Bolt_Works (C002) a $600.00 gap and rank 2 (account manager jane@example.com).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/render/slack/block-kit-limits.ts';
import {
  ACTION_CLAIM,
  ACTION_DEEP_DIVE,
  ACTION_FOLLOW_UP_NEXT_STEP,
  ACTION_FOLLOW_UP_NOTE,
  ACTION_FOLLOW_UP_OUTCOME,
  ACTION_LOG,
  ACTION_SHARE_DIVE,
  BLOCK_FOLLOW_UP_NEXT_STEP,
  BLOCK_FOLLOW_UP_NOTE,
  BLOCK_FOLLOW_UP_OUTCOME,
  cardBlockIds,
  lineBlockId,
} from '../../src/render/slack/ids.ts';
import { radioValue, type StoredMessage, textValue } from '../helpers/local-slack.ts';
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

/** The value and block id of a card's button, as the bot rendered it. */
function cardButton(message: StoredMessage, customerId: string, actionId: string) {
  const ids = cardBlockIds(customerId);
  const actions = message.blocks?.find((b) => b.block_id === ids.actions) as
    | { block_id: string; elements: Array<{ action_id: string; value?: string }> }
    | undefined;
  const element = actions?.elements.find((e) => e.action_id === actionId);
  if (!actions || !element) throw new Error(`no ${actionId} button on ${customerId}'s card`);
  return { action_id: actionId, block_id: actions.block_id, value: element.value };
}

/** A customer's compact line in the digest parent. */
function lineText(message: StoredMessage, customerId: string): string {
  const block = message.blocks?.find((b) => b.block_id === lineBlockId(customerId)) as
    | { text: { text: string } }
    | undefined;
  return block?.text.text ?? '';
}

function cardText(message: StoredMessage, customerId: string): string {
  const block = message.blocks?.find((b) => b.block_id === cardBlockIds(customerId).section) as
    | { text: { text: string } }
    | undefined;
  return block?.text.text ?? '';
}

describe.each(['socket', 'http'] as const)('revgap in %s mode', (mode) => {
  let t: BotUnderTest;
  let digest: StoredMessage;
  /** The thread message holding the full cards. */
  let cards: StoredMessage;
  const cardsNow = (m: StoredMessage[]) => m.find((x) => x.ts === cards.ts)!;

  beforeAll(async () => {
    t = await startBotUnderTest(mode);
    const posted = await t.bot.postDigest();
    expect(posted.status).toBe('posted');
    const messages = await t.slack.waitForMessages((m) => m.some((x) => x.files && x.files.length > 0));
    digest = topLevel(messages)[0]!;
    cards = repliesTo(messages, digest.ts).find((x) => cardText(x, 'C001') !== '')!;
  }, 60_000);

  afterAll(async () => {
    await t?.stop();
  });

  it('posts the digest with blocks, a text fallback, and the report file in its thread', async () => {
    const messages = await t.slack.messages();
    expect(topLevel(messages)).toHaveLength(1);
    expect(digest.user).toBe(BOT);
    expect(digest.text).toContain('$2,600.00');
    expect(digest.text).toContain('Acme');
    // The parent has compact lines (rounded amounts); the full cards are in the thread.
    expect(lineText(digest, 'C001')).toContain('$2k');
    expect(lineText(digest, 'C002')).toContain('$600');
    expect(cardText(digest, 'C001')).toBe('');
    expect(cardText(cards, 'C001')).toContain('$2,000.00');
    expect(cardText(cards, 'C002')).toContain('$600.00');
    const file = repliesTo(messages, digest.ts).find((m) => m.files?.length);
    expect(file?.files?.[0]?.name).toMatch(/^revgap-report-week-of-2026-11-16\.md$/);
    expect(file?.files?.[0]?.size).toBeGreaterThan(500);
  });

  it('answers /revgap <id> privately with that customer figures and a Share button', async () => {
    await t.slack.command(ALICE, 'C002');
    const messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => x.text.includes('Bolt_Works')),
    );
    const answer = ephemeralsFor(messages, ALICE).find((x) => x.text.includes('Bolt_Works'))!;
    const text = shownText(answer);
    expect(text).toContain('$600.00');
    expect(text).toContain('Share in channel');
    // No chart in an answer (the modal carries it): the answer never waits for a drawing.
    expect(answer.blocks?.some((b) => b.type === 'image')).toBe(false);
  });

  it('records a claim, says so in the digest thread and updates the card and the parent line in place', async () => {
    await t.slack.interact(ALICE, cards.ts, cardButton(cards, 'C001', ACTION_CLAIM));
    const messages = await t.slack.waitForMessages(
      (m) =>
        repliesTo(m, digest.ts).some((x) => x.text.includes('claimed')) &&
        cardText(cardsNow(m), 'C001').includes('Claimed by') &&
        lineText(topLevel(m)[0]!, 'C001').includes('Claimed by'),
    );
    const reply = repliesTo(messages, digest.ts).find((x) => x.text.includes('claimed'))!;
    expect(reply.text).toMatch(new RegExp(`^<@${ALICE}> claimed \\*Acme`));
    const updated = cardsNow(messages);
    expect(cardText(updated, 'C001')).toContain(`Claimed by <@${ALICE}>`);
    expect(cardText(updated, 'C002')).not.toContain('Claimed');
    expect(lineText(topLevel(messages)[0]!, 'C001')).toContain(`Claimed by <@${ALICE}>`);
    expect(lineText(topLevel(messages)[0]!, 'C002')).not.toContain('Claimed');
    const events = await t.bot.store.listFollowUps('C001');
    expect(events.map((e) => [e.kind, e.userId])).toEqual([['claim', ALICE]]);
  });

  it('opens the deep dive in a modal from a card, with the revenue chart, and Share posts a short summary in the digest thread', async () => {
    const before = await t.slack.messages();
    await t.slack.interact(JANE, cards.ts, cardButton(cards, 'C001', ACTION_DEEP_DIVE));
    // Opened at once (views.open), then filled in (views.update) once the chart is uploaded.
    await waitFor(async () => {
      const log = await t.slack.log();
      return log.some((e) => e.summary === 'views.open') && log.some((e) => e.summary === 'views.update');
    });
    let modal: Awaited<ReturnType<typeof t.slack.modalStack>>[number] | undefined;
    await waitFor(async () => {
      modal = (await t.slack.modalStack()).at(-1);
      return modal?.blocks?.some((b) => b.type === 'image') === true;
    });
    expect(modal?.title).toMatchObject({ text: 'Deep dive' });
    const blocks = modal?.blocks ?? [];
    // The reason first (the gaps), then the recommendation; the score breakdown after the figures.
    const at = (needle: string) => blocks.findIndex((b) => JSON.stringify(b).includes(needle));
    expect(at('Churn risk*')).toBe(1);
    expect(at('Recommendation:')).toBeLessThan(at('Usual revenue (baseline)'));
    expect(at('Usual revenue (baseline)')).toBeLessThan(at('*Score '));
    // The chart: a PNG uploaded by the bot, shown by file id, its alt text stating the numbers.
    const image = blocks.find((b) => b.type === 'image') as {
      slack_file: { id: string };
      alt_text: string;
    };
    expect(image.alt_text).toContain('usual level (baseline) $500.00/wk');
    const uploaded = (await t.slack.log()).find(
      (e) =>
        typeof e.summary === 'string' &&
        e.summary.startsWith(`upload ${image.slack_file.id} revgap-chart-C001.png`),
    );
    expect(uploaded).toBeDefined();
    // Nothing was posted for the deep dive itself: no top-level message, no ephemeral.
    const after = await t.slack.messages();
    expect(topLevel(after)).toHaveLength(topLevel(before).length);
    expect(ephemeralsFor(after, JANE).length).toBe(ephemeralsFor(before, JANE).length);

    // Share, from the modal: a short summary in the digest's thread, not the whole dive at the top.
    const actions = blocks.find((b) => b.type === 'actions') as {
      elements: Array<{ action_id: string; value?: string }>;
    };
    const share = actions.elements.find((e) => e.action_id === ACTION_SHARE_DIVE)!;
    await t.slack.interact(JANE, cards.ts, { action_id: ACTION_SHARE_DIVE, value: share.value });
    const messages = await t.slack.waitForMessages((m) =>
      repliesTo(m, digest.ts).some((x) => x.text.includes('Deep dive shared')),
    );
    const summary = repliesTo(messages, digest.ts).find((x) => x.text.includes('Deep dive shared'))!;
    const shown = shownText(summary);
    expect(shown).toContain(`<@${JANE}> shared a deep dive`);
    expect(shown).toContain('$2,000.00');
    expect(shown).not.toContain('pts');
    expect(summary.blocks?.length).toBeLessThanOrEqual(2);
    expect(topLevel(messages)).toHaveLength(topLevel(before).length);
    expect(cardText(cardsNow(messages), 'C001')).toContain('$2,000.00');
  });

  it('logs a follow-up through the modal: stored, announced in the thread, shown on the card', async () => {
    const opens = async () => (await t.slack.log()).filter((e) => e.summary === 'views.open').length;
    const opened = await opens();
    await t.slack.interact(JANE, cards.ts, cardButton(cards, 'C002', ACTION_LOG));
    await waitFor(async () => (await opens()) > opened);
    await t.slack.submitView(JANE, {
      [BLOCK_FOLLOW_UP_OUTCOME]: { [ACTION_FOLLOW_UP_OUTCOME]: radioValue('contacted') },
      [BLOCK_FOLLOW_UP_NEXT_STEP]: { [ACTION_FOLLOW_UP_NEXT_STEP]: textValue('Send the spring price list') },
      [BLOCK_FOLLOW_UP_NOTE]: { [ACTION_FOLLOW_UP_NOTE]: textValue('Buyer changed jobs') },
    });
    const messages = await t.slack.waitForMessages(
      (m) =>
        repliesTo(m, digest.ts).some((x) => x.text.includes('logged a follow-up')) &&
        cardText(cardsNow(m), 'C002').includes('Contacted by') &&
        lineText(topLevel(m)[0]!, 'C002').includes('Contacted by'),
    );
    const reply = repliesTo(messages, digest.ts).find((x) => x.text.includes('logged a follow-up'))!;
    // Names are escaped for mrkdwn: a zero-width space after `_` keeps it from starting italics.
    expect(reply.text).toBe(
      `<@${JANE}> logged a follow-up on *Bolt_\u200bWorks*: contacted\nNext step: Send the spring price list\nNote: Buyer changed jobs`,
    );
    expect(cardText(cardsNow(messages), 'C002')).toContain(`Contacted by <@${JANE}>`);
    const events = await t.bot.store.listFollowUps('C002');
    expect(events).toEqual([
      expect.objectContaining({
        kind: 'follow_up',
        userId: JANE,
        outcome: 'contacted',
        nextStep: 'Send the spring price list',
        note: 'Buyer changed jobs',
      }),
    ]);
  });

  it('keeps the modal open and records nothing when the outcome is missing', async () => {
    const before = (await t.bot.store.listFollowUps('C001')).length;
    const opened = (await t.slack.log()).filter((e) => e.summary === 'views.open').length;
    await t.slack.interact(ALICE, cards.ts, cardButton(cards, 'C001', ACTION_LOG));
    await waitFor(
      async () => (await t.slack.log()).filter((e) => e.summary === 'views.open').length > opened,
    );
    await t.slack.submitView(ALICE, {
      [BLOCK_FOLLOW_UP_NOTE]: { [ACTION_FOLLOW_UP_NOTE]: textValue('forgot the outcome') },
    });
    // The bot answers the submission with response_action "errors" (seen in local-slack's traffic log).
    await waitFor(async () =>
      (await t.slack.log()).some((e) => JSON.stringify(e).includes('Pick an outcome.')),
    );
    expect(await t.bot.store.listFollowUps('C001')).toHaveLength(before);
  });

  it('answers a deep dive asked by mention in the digest thread only to the asker; Share posts it in that thread', async () => {
    const before = await t.slack.messages();
    await t.slack.message(ALICE, `<@${BOT}> bolt`, digest.ts);
    const messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => x.text.includes('Bolt_Works (C002)') && x.thread_ts === digest.ts),
    );
    const answer = ephemeralsFor(messages, ALICE).find(
      (x) => x.text.includes('Bolt_Works (C002)') && x.thread_ts === digest.ts,
    )!;
    expect(shownText(answer)).toContain('$600.00');
    expect(shownText(answer)).toContain('Share in channel');
    // Nothing new for everyone in the thread but Alice's own question.
    const botReplies = (m: StoredMessage[]) =>
      repliesTo(m, digest.ts).filter((x) => x.user === BOT && x.subtype !== 'ephemeral');
    expect(botReplies(messages)).toHaveLength(botReplies(before).length);

    // Sharing is her explicit choice, and it goes to the thread she asked in, not the channel.
    const share = answer.blocks
      ?.flatMap((b) => (b.elements as Array<{ action_id?: string; value?: string }> | undefined) ?? [])
      .find((e) => e.action_id === 'share_in_channel');
    await t.slack.interact(ALICE, answer.ts, { action_id: 'share_in_channel', value: share?.value });
    const shared = await t.slack.waitForMessages((m) => botReplies(m).length > botReplies(before).length);
    const posted = botReplies(shared).at(-1)!;
    expect(posted.text).toContain('Bolt_Works');
    expect(topLevel(shared)).toHaveLength(topLevel(before).length);
  });

  it('answers an unknown customer helpfully, privately, suggesting near names', async () => {
    await t.slack.command(ALICE, 'Zyxwv Holdings');
    await t.slack.command(ALICE, 'Bolt Wroks');
    const messages = await t.slack.waitForMessages(
      (m) => ephemeralsFor(m, ALICE).filter((x) => x.text.includes('No customer matches')).length === 2,
    );
    const [nothing, typo] = ephemeralsFor(messages, ALICE).filter((x) =>
      x.text.includes('No customer matches'),
    );
    expect(shownText(nothing!)).toContain('Try the customer id, or part of the name');
    expect(shownText(nothing!)).not.toContain('Share in channel');
    expect(typo!.text).toContain('Bolt Wroks');
    expect(shownText(typo!)).toMatch(/Bolt_\u200b?Works/);
  });

  it('sends /revgap report asked in the channel as a file in a direct message, not in the channel', async () => {
    const before = await t.slack.messages();
    await t.slack.command(ALICE, 'report');
    const messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => x.text.includes('in your direct messages with revgap')),
    );
    let dm: StoredMessage[] = [];
    await waitFor(async () => {
      dm = await t.slack.directMessages(ALICE);
      return dm.some((x) => x.files?.length);
    });
    const upload = dm.find((x) => x.files?.length)!;
    expect(upload.files?.[0]?.name).toBe('revgap-report-week-of-2026-11-16.md');
    expect(upload.text).toContain('The full revgap report you asked for');
    // The channel got no file and no new top-level message.
    const filesIn = (m: StoredMessage[]) => m.filter((x) => x.files?.length).length;
    expect(filesIn(messages)).toBe(filesIn(before));
    expect(topLevel(messages)).toHaveLength(topLevel(before).length);
  });

  it('answered every command, click and mention from the snapshot, never re-reading the data', () => {
    // Once at start-up; postDigest in beforeAll posts from that same snapshot.
    expect(t.analyses()).toBe(1);
  });

  it('sends only messages within Block Kit limits, each with a text fallback', async () => {
    const fromBot = (await t.slack.messages()).filter((m) => m.user === BOT);
    expect(fromBot.length).toBeGreaterThan(5);
    for (const message of fromBot) {
      expect(message.text.length).toBeGreaterThan(0);
      expect(checkMessage({ text: message.text, blocks: message.blocks ?? [] })).toEqual([]);
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
