/**
 * The digest over several weeks and the private answers' buttons, against local-slack in Socket
 * Mode: the compact digest (a parent of at most 20 blocks naming all the top N, the full cards and the
 * report in its thread); a snooze and a claim from the parent's lines update the line and the card;
 * a snoozed gap stays out of the next digest, which recaps last week's follow-ups; "Share in channel", the pick list and
 * `/revgap mine` (account manager matched by email).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkMessage } from '../../src/render/slack/block-kit-limits.ts';
import {
  ACTION_LINE_MENU,
  ACTION_LINE_PICK,
  ACTION_PICK_CUSTOMER,
  ACTION_SHARE,
  encodeLineOption,
  type LineMenuAction,
  lineBlockId,
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

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A customer's compact line in a digest parent. */
const lineOf = (message: StoredMessage, customerId: string): string =>
  ((message.blocks ?? []).find((b) => b.block_id === lineBlockId(customerId)) as { text?: { text: string } })
    ?.text?.text ?? '';

let t: BotUnderTest;

beforeAll(async () => {
  t = await startBotUnderTest('socket');
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('the compact digest', () => {
  it('fits the parent in 20 blocks naming all 45, with the full cards and the report in its thread', async () => {
    const large = buildLargeResult(45, 150);
    const result = {
      ...large,
      priorities: large.priorities.map((p) => ({ ...p, customerName: `Shop ${p.rank} Ltd` })),
      customers: large.customers.map((c) => ({ ...c, name: `Shop ${c.rank} Ltd` })),
    };
    t.bot.snapshots.set({
      id: 'large',
      createdAt: new Date().toISOString(),
      asOfPeriod: result.asOf.period,
      source: 'test',
      result,
      settings: sampleSettings({ topN: 45 }),
    });
    const posted = await t.bot.postDigest({ force: true });
    expect(posted.status).toBe('posted');
    if (posted.status !== 'posted') return;

    const messages = await t.slack.waitForMessages((m) => m.some((x) => x.files?.length));
    const parent = topLevel(messages).at(-1)!;
    expect(parent.blocks?.length).toBeLessThanOrEqual(20);
    const text = shownText(parent);
    for (let rank = 1; rank <= 45; rank++) expect(text).toContain(`Shop ${rank} Ltd`);
    expect(cardCount(parent)).toBe(0);
    const thread = repliesTo(messages, parent.ts);
    const continuations = thread.filter((m) => !m.files);
    expect(continuations).toHaveLength(posted.outcome.parts - 1);
    // Every card once, in the thread, in rank order.
    expect(continuations.reduce((n, m) => n + cardCount(m), 0)).toBe(45);
    // The file comes after the cards.
    expect(thread.at(-1)?.files?.length).toBe(1);
    for (const m of [parent, ...continuations]) {
      expect(checkMessage({ text: m.text, blocks: m.blocks ?? [] })).toEqual([]);
    }

    // The pick list reaches a customer beyond the lines: its deep dive, in a modal.
    const modalShows = async (name: string) =>
      waitUntil(async () => {
        const top = (await t.slack.modalStack()).at(-1);
        return JSON.stringify(top?.blocks ?? []).includes(`"text":"${name}`);
      });
    const pick = parent.blocks?.find((b) => b.block_id === 'gap:rest') as
      | { block_id: string; accessory: { options: { text: { text: string }; value: string }[] } }
      | undefined;
    const option = pick?.accessory.options.find((o) => o.text.text.startsWith('#30 '));
    expect(option?.text.text).toBe('#30 Shop 30 Ltd · $90,000M');
    await t.slack.interact(ALICE, parent.ts, {
      type: 'static_select',
      action_id: ACTION_LINE_PICK,
      block_id: 'gap:rest',
      selected_option: option,
    });
    await modalShows('Shop 30 Ltd');

    // A line's menu: Deep dive opens the modal like the card's button; Log follow-up opens the form.
    const line = (customerId: string, what: LineMenuAction, label: string) => ({
      type: 'overflow',
      action_id: ACTION_LINE_MENU,
      block_id: lineBlockId(customerId),
      selected_option: {
        value: encodeLineOption(customerId, what),
        text: { type: 'plain_text', text: label },
      },
    });
    const top = result.priorities[0]!.customerId;
    await t.slack.interact(JANE, parent.ts, line(top, { action: 'deep_dive' }, 'Deep dive'));
    await modalShows('Shop 1 Ltd');
    const opened = (await t.slack.log()).filter((e) => e.summary === 'views.open').length;
    await t.slack.interact(JANE, parent.ts, line(top, { action: 'log' }, 'Log follow-up'));
    await waitUntil(
      async () => (await t.slack.log()).filter((e) => e.summary === 'views.open').length > opened,
    );
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

    // From the parent's lines: Snooze Bolt (its menu), Claim Acme.
    const menu = (customerId: string, what: LineMenuAction, label: string) => ({
      type: 'overflow',
      action_id: ACTION_LINE_MENU,
      block_id: lineBlockId(customerId),
      selected_option: {
        value: encodeLineOption(customerId, what),
        text: { type: 'plain_text', text: label },
      },
    });
    await t.slack.interact(ALICE, first.ts, menu('C002', { action: 'snooze', weeks: 4 }, 'Snooze 4 weeks'));
    await t.slack.waitForMessages((m) =>
      lineOf(topLevel(m).find((x) => x.ts === first.ts)!, 'C002').includes('Snoozed until'),
    );
    await t.slack.interact(ALICE, first.ts, menu('C001', { action: 'claim' }, 'Claim'));
    messages = await t.slack.waitForMessages(
      (m) =>
        repliesTo(m, first.ts).filter((x) => x.user === BOT).length >= 4 &&
        lineOf(topLevel(m).find((x) => x.ts === first.ts)!, 'C001').includes('Claimed by'),
    );
    expect(repliesTo(messages, first.ts).map((x) => x.text)).toEqual(
      // Bolt_Works is Jane's account (jane@example.com): the reply mentions her first.
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^<@${JANE}>, <@${ALICE}> snoozed your account \\*Bolt`)),
      ]),
    );
    // The line and the full card in the thread both say who has it.
    const parentNow = topLevel(messages).find((x) => x.ts === first.ts)!;
    expect(lineOf(parentNow, 'C001')).toContain(`Claimed by <@${ALICE}>`);
    expect(lineOf(parentNow, 'C002')).toContain('Snoozed until');
    const cardsNow = repliesTo(messages, first.ts).find((x) => cardCount(x) > 0)!;
    expect(JSON.stringify(cardsNow.blocks)).toContain(`Claimed by <@${ALICE}>`);

    await t.bot.postDigest({ force: true });
    messages = await t.slack.waitForMessages(
      (m) => topLevel(m).filter((x) => x.text.includes('$2,600.00')).length === 2,
    );
    const next = topLevel(messages)
      .filter((x) => x.text.includes('$2,600.00'))
      .at(-1)!;
    expect(next.blocks?.some((b) => b.block_id === lineBlockId('C001'))).toBe(true);
    expect(next.blocks?.some((b) => b.block_id === lineBlockId('C002'))).toBe(false);
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
    // Jane's one gap (Bolt) was snoozed above: counted and named, not listed as a card.
    expect(mine.text).toBe('Nothing to follow up now: your 1 gap is snoozed.');
    expect(shownText(mine)).toContain('Snoozed, not listed');
    expect(shownText(mine)).toContain('Bolt');
    // Its total and split by status, as on the Home tab (Bolt was snoozed above).
    expect(shownText(mine)).toContain('*$600.00* at risk · 1 snoozed ($600.00)');
  });
});
