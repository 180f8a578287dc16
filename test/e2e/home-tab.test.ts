/**
 * The Home tab, "My accounts", on the real bot and local-slack (Socket Mode): published when a user
 * opens it (open-home), with their accounts (Jane is Bolt_Works' account manager by email), and
 * re-published after a Claim made there, which also says so in the digest thread and updates the
 * channel card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTION_CLAIM,
  ACTION_HOME_DM_DIGEST,
  ACTION_LOG,
  ACTION_RELEASE,
  cardBlockIds,
  lineBlockId,
} from '../../src/render/slack/ids.ts';
import { radioValue, type StoredMessage, textValue } from '../helpers/local-slack.ts';
import {
  ALICE,
  type BotUnderTest,
  JANE,
  repliesTo,
  shownText,
  startBotUnderTest,
  topLevel,
} from './_harness.ts';

let t: BotUnderTest;

beforeAll(async () => {
  t = await startBotUnderTest('socket');
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

const viewText = (view: { blocks: Array<Record<string, unknown>> }): string =>
  shownText({ type: 'message', ts: '0', channel: '', text: '', blocks: view.blocks } as StoredMessage);

function buttonOf(
  view: { blocks: Array<Record<string, unknown>> },
  customerId: string,
  actionId = ACTION_CLAIM,
) {
  const ids = cardBlockIds(customerId);
  const actions = view.blocks.find((b) => b.block_id === ids.actions);
  const found = (actions?.elements as Array<{ action_id: string; value: string }> | undefined)?.find(
    (e) => e.action_id === actionId,
  );
  if (!found) throw new Error(`no ${actionId} button for ${customerId} on the Home tab: ${viewText(view)}`);
  return { action_id: actionId, block_id: ids.actions, value: found.value };
}

/** Polls `user`'s DMs until there are `count`. */
async function directMessagesOf(user: string, count: number): Promise<StoredMessage[]> {
  const deadline = Date.now() + 8000;
  let dms = await t.slack.directMessages(user);
  while (dms.length < count && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 60));
    dms = await t.slack.directMessages(user);
  }
  return dms;
}

describe('Home tab', () => {
  it('is published on open-home with my accounts, my total and the team’s unclaimed gaps', async () => {
    const posted = await t.bot.postDigest({ force: true });
    expect(posted.status).toBe('posted');
    await t.slack.openHome(JANE);
    const view = await t.slack.waitForHome(JANE, (v) => viewText(v).includes('My accounts'));
    const text = viewText(view);
    // Bolt_Works ($600 gap) is Jane's by email; Acme (another account manager, unclaimed) is the team's.
    expect(text).toContain('*$600.00* at risk on *1 gap* of yours');
    expect(text).toContain('1 open ($600.00) · 0 claimed ($0.00)');
    expect(view.blocks.some((b) => b.block_id === cardBlockIds('C002').section)).toBe(true);
    expect(text).toContain("Team's top unclaimed gaps");
    expect(view.blocks.some((b) => b.block_id === cardBlockIds('C001').section)).toBe(true);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
  });

  it('is re-published after a Claim made there, which also updates the channel card', async () => {
    const before = await t.slack.homeView(JANE);
    if (!before) throw new Error('no Home tab');
    await t.slack.interactInHome(JANE, buttonOf(before, 'C002'));
    const after = await t.slack.waitForHome(JANE, (v) => viewText(v).includes('1 claimed ($600.00)'));
    expect(viewText(after)).toContain(`Claimed by <@${JANE}>`);

    const messages = await t.slack.waitForMessages((m) =>
      m.some((x) => x.text.includes(`<@${JANE}> claimed`) || shownText(x).includes(`<@${JANE}> claimed`)),
    );
    const parent = topLevel(messages).at(-1)!;
    expect(repliesTo(messages, parent.ts).some((m) => shownText(m).includes(`<@${JANE}> claimed`))).toBe(
      true,
    );
    // The digest's card (or line) for Bolt_Works in the channel says who has it now.
    const ids = new Set([cardBlockIds('C002').section, lineBlockId('C002')]);
    const updated = await t.slack.waitForMessages((m) =>
      m.some((x) =>
        (x.blocks ?? []).some((b) => ids.has(String(b.block_id)) && JSON.stringify(b).includes(`<@${JANE}>`)),
      ),
    );
    expect(updated.length).toBeGreaterThan(0);
  });

  it('sends an opted-in user their own accounts by DM with the next digest, and nobody else', async () => {
    await t.slack.interactInHome(JANE, { action_id: ACTION_HOME_DM_DIGEST, block_id: 'x', value: 'on' });
    await t.slack.waitForHome(JANE, (v) => viewText(v).includes('*My digest by DM:* on'));
    const posted = await t.bot.postDigest({ force: true });
    expect(posted.status).toBe('posted');
    const deadline = Date.now() + 8000;
    let dms = await t.slack.directMessages(JANE);
    while (dms.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 60));
      dms = await t.slack.directMessages(JANE);
    }
    expect(dms).toHaveLength(1);
    const dm = dms[0]!;
    expect(dm.text).toContain('$600.00 at risk on 1 gap');
    expect(dm.blocks?.some((b) => b.block_id === cardBlockIds('C002').section)).toBe(true);
    expect(dm.blocks?.some((b) => b.block_id === cardBlockIds('C001').section)).toBe(false);
    expect((dm.blocks ?? []).length).toBeLessThanOrEqual(50);
    // Alice did not turn it on.
    expect(await t.slack.directMessages(ALICE)).toEqual([]);
    // A click in the DM is a click on a card: Log follow-up there works like in the channel, and the
    // DM's own card follows (every copy stays true).
    const release = (dm.blocks ?? []).find((b) => b.block_id === cardBlockIds('C002').actions)?.elements as
      | Array<{ action_id: string; value: string }>
      | undefined;
    const button = release?.find((e) => e.action_id === ACTION_RELEASE);
    if (!button) throw new Error('no Release in the DM');
    await t.slack.interact(
      JANE,
      dm.ts,
      { action_id: ACTION_RELEASE, block_id: cardBlockIds('C002').actions, value: button.value },
      dm.channel,
    );
    await t.slack.waitForHome(JANE, (v) => viewText(v).includes('1 open ($600.00)'));
    const updated = await t.slack.waitForMessages(
      (m) => m.some((x) => x.ts === dm.ts && shownText(x).includes('Open: nobody has claimed it yet')),
      { channel: dm.channel },
    );
    expect(updated.length).toBeGreaterThan(0);
  });

  it('takes a next step with a due date, and DMs a reminder that day, once', async () => {
    const dmsBefore = (await t.slack.directMessages(JANE)).length;
    const today = new Date().toISOString().slice(0, 10); // the bot runs in UTC here
    const home = await t.slack.waitForHome(JANE, (v) => viewText(v).includes('My accounts'));
    await t.slack.interactInHome(JANE, buttonOf(home, 'C002', ACTION_LOG));
    await new Promise((r) => setTimeout(r, 300)); // the modal opens
    await t.slack.submitView(JANE, {
      follow_up_outcome: { follow_up_outcome_select: radioValue('contacted') },
      follow_up_next_step: { follow_up_next_step_input: textValue('send the spring price list') },
      follow_up_due: { follow_up_due_date: { type: 'datepicker', selected_date: today } },
    });
    // The Home tab lists it under next steps due, today.
    await t.slack.waitForHome(JANE, (v) => viewText(v).includes('— send the spring price list'));

    expect(await t.bot.sendReminders()).toBe(1);
    const dms = await directMessagesOf(JANE, dmsBefore + 1);
    const reminder = dms.at(-1)!;
    expect(reminder.text).toContain('Next step due today for Bolt_Works');
    expect(shownText(reminder)).toContain('send the spring price list');
    // The customer's current figures, with the card's buttons.
    expect(reminder.blocks?.some((b) => b.block_id === cardBlockIds('C002').actions)).toBe(true);
    // Never twice.
    expect(await t.bot.sendReminders()).toBe(0);
    expect(await t.slack.directMessages(JANE)).toHaveLength(dmsBefore + 1);
  });

  it('offers Release on a gap I hold, and a Release there re-publishes the tab with the gap open again', async () => {
    const home = await t.slack.waitForHome(JANE, (v) => viewText(v).includes('1 contacted ($600.00)'));
    await t.slack.interactInHome(JANE, buttonOf(home, 'C002', ACTION_RELEASE));
    const after = await t.slack.waitForHome(JANE, (v) => viewText(v).includes('1 open ($600.00)'));
    expect(viewText(after)).toContain('Open: nobody has claimed it yet');
    // The next step is no longer due for anyone: nothing to remind of.
    expect(viewText(after)).not.toContain('send the spring price list');
  });
});
