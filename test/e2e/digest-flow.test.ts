/**
 * The digest over several weeks and the private answers' buttons, against local-slack in Socket
 * Mode: a top list too long for one message continues in the thread; a snoozed gap stays out of the
 * next digest, which recaps last week's follow-ups; "Share in channel", the pick list and
 * `/revgap mine` (account manager matched by email).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/render/slack/block-kit-limits.ts';
import {
  ACTION_CLAIM,
  ACTION_PICK_CUSTOMER,
  ACTION_SHARE,
  ACTION_SNOOZE,
  cardBlockIds,
  encodeSnooze,
} from '../../src/render/slack/ids.ts';
import { buildLargeResult, buildSampleResult, sampleSettings } from '../helpers/build-result.ts';
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

function button(
  message: StoredMessage,
  actionId: string,
): { action_id: string; block_id?: string; value?: string } {
  for (const block of message.blocks ?? []) {
    const elements = (block.elements ?? []) as Array<{ action_id?: string; value?: string }>;
    const accessory = block.accessory as { action_id?: string; value?: string } | undefined;
    for (const e of [...elements, ...(accessory ? [accessory] : [])]) {
      if (e.action_id === actionId) {
        return {
          action_id: actionId,
          block_id: block.block_id as string,
          ...(e.value ? { value: e.value } : {}),
        };
      }
    }
  }
  throw new Error(`no ${actionId} button`);
}

const cardCount = (message: StoredMessage): number =>
  (message.blocks ?? []).filter((b) => typeof b.block_id === 'string' && b.block_id.startsWith('gap:s:'))
    .length;

let t: BotUnderTest;

beforeAll(async () => {
  t = await startBotUnderTest('socket');
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('a digest whose top list does not fit in one message', () => {
  it('posts the first cards in the parent, the rest in its thread, then the report file', async () => {
    const large = buildLargeResult(45, 150);
    t.bot.snapshots.set({
      id: 'large',
      createdAt: new Date().toISOString(),
      asOfPeriod: large.asOf.period,
      source: 'test',
      result: large,
      settings: sampleSettings({ topN: 45 }),
    });
    const posted = await t.bot.postDigest({ force: true });
    expect(posted.status).toBe('posted');
    if (posted.status !== 'posted') return;
    expect(posted.outcome.parts).toBeGreaterThan(1);

    const messages = await t.slack.waitForMessages((m) => m.some((x) => x.files?.length));
    const parent = topLevel(messages).at(-1)!;
    const thread = repliesTo(messages, parent.ts);
    const continuations = thread.filter((m) => !m.files);
    expect(continuations).toHaveLength(posted.outcome.parts - 1);
    // Every card once, across the parent and the continuations, in rank order.
    expect(cardCount(parent) + continuations.reduce((n, m) => n + cardCount(m), 0)).toBe(45);
    expect(shownText(parent)).toMatch(/more gaps? in the thread/);
    // The file comes after the continuations.
    expect(thread.at(-1)?.files?.length).toBe(1);
    for (const m of [parent, ...continuations]) {
      expect(checkMessage({ text: m.text, blocks: m.blocks ?? [] })).toEqual([]);
    }
  });
});

describe('follow-ups across digests', () => {
  it('leaves a snoozed gap out of the next digest and recaps last week', async () => {
    const result = buildSampleResult();
    t.bot.snapshots.set({
      id: 'sample',
      createdAt: new Date().toISOString(),
      asOfPeriod: result.asOf.period,
      source: 'test',
      result,
      settings: sampleSettings(),
    });
    await t.bot.postDigest({ force: true });
    let messages = await t.slack.waitForMessages((m) =>
      topLevel(m).some((x) => x.text.includes('$2,600.00')),
    );
    const first = topLevel(messages).find((x) => x.text.includes('$2,600.00'))!;

    await t.slack.interact(ALICE, first.ts, {
      type: 'overflow',
      action_id: ACTION_SNOOZE,
      block_id: cardBlockIds('C002').actions,
      selected_option: {
        value: encodeSnooze('C002', 2),
        text: { type: 'plain_text', text: 'Snooze 2 weeks' },
      },
    });
    await t.slack.interact(ALICE, first.ts, {
      action_id: ACTION_CLAIM,
      block_id: cardBlockIds('C001').actions,
      value: button(first, ACTION_CLAIM).value,
    });
    messages = await t.slack.waitForMessages(
      (m) => repliesTo(m, first.ts).filter((x) => x.user === BOT).length >= 3,
    );
    expect(repliesTo(messages, first.ts).map((x) => x.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^<@${ALICE}> snoozed \\*Bolt`))]),
    );

    await t.bot.postDigest({ force: true });
    messages = await t.slack.waitForMessages(
      (m) => topLevel(m).filter((x) => x.text.includes('$2,600.00')).length === 2,
    );
    const next = topLevel(messages)
      .filter((x) => x.text.includes('$2,600.00'))
      .at(-1)!;
    expect(next.blocks?.some((b) => b.block_id === cardBlockIds('C001').section)).toBe(true);
    expect(next.blocks?.some((b) => b.block_id === cardBlockIds('C002').section)).toBe(false);
    const text = shownText(next);
    expect(text).toContain("Last week's follow-ups");
    expect(text).toContain('1 claimed');
  });
});

describe('private answers', () => {
  it('shares a private answer in the channel for everyone', async () => {
    await t.slack.command(JANE, 'top 2');
    let messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, JANE).some((x) => x.text.startsWith('Top 2')),
    );
    const answer = ephemeralsFor(messages, JANE).find((x) => x.text.startsWith('Top 2'))!;
    await t.slack.interact(JANE, answer.ts, button(answer, ACTION_SHARE));
    messages = await t.slack.waitForMessages((m) =>
      topLevel(m).some((x) => shownText(x).includes(`Shared by <@${JANE}>`)),
    );
    const shared = topLevel(messages).find((x) => shownText(x).includes(`Shared by <@${JANE}>`))!;
    expect(shared.user).toBe(BOT);
    expect(shownText(shared)).toContain('$2,000.00');
  });

  it('offers a pick list when several customers match, and answers with the one picked', async () => {
    // "o" is in every customer's name or id; the pick list puts the best ranked first.
    await t.slack.command(ALICE, 'o');
    let messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => x.text.includes('match')),
    );
    const list = ephemeralsFor(messages, ALICE).find((x) => x.text.includes('match'))!;
    expect(list.text).toMatch(/^\d+ customers match/);
    await t.slack.interact(ALICE, list.ts, button(list, ACTION_PICK_CUSTOMER));
    messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some(
        (x) => x.text.startsWith('Acme') && shownText(x).includes('Share in channel'),
      ),
    );
    // The list is replaced by the deep dive (same private message), not added to.
    const answers = ephemeralsFor(messages, ALICE);
    expect(answers.some((x) => x.text.includes('customers match'))).toBe(false);
    expect(shownText(answers.find((x) => x.text.startsWith('Acme'))!)).toContain('$2,000.00');
  });

  it('lists my accounts for /revgap mine when my email is the account manager', async () => {
    await t.slack.command(JANE, 'mine');
    const messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, JANE).some((x) => x.text.includes('gap') && x.text.includes('follow up')),
    );
    const mine = ephemeralsFor(messages, JANE).find((x) => x.text.includes('follow up'))!;
    expect(mine.text).toBe('You have 1 gap to follow up.');
    expect(shownText(mine)).toContain('Bolt');
  });
});
