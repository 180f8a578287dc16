/**
 * One gap card of the digest: a section (who, what, how much, why it ranks, owner, sparkline,
 * follow-up status) and an actions block (Claim / Take over / Release / Reopen, Log follow-up, Deep
 * dive, Unsnooze on a snoozed gap, Snooze menu). Taking over or snoozing a gap someone else holds asks
 * for confirmation (Block Kit `confirm`).
 *
 * Block ids come from the customer id (`cardBlockIds`): the Slack layer finds a customer's card in a
 * posted digest by them and swaps in a re-rendered card (`replaceCard`) before `chat.update`.
 * The card's size does not depend on its state beyond `STATUS_LINE_MAX`, so a state change never
 * moves cards between the digest's messages.
 */

import type { types } from '@slack/bolt';
import { formatMoney } from '../../core/money.ts';
import type { GapState, NetCents, Priority } from '../../core/types.ts';
import { evidenceShort } from '../backtest-report.ts';
import {
  biggestDriver,
  COMPONENT_LABELS,
  formatContributions,
  formatGapTypes,
  formatScore,
} from '../format.ts';
import { renderSparkline } from '../sparkline.ts';
import {
  type Block,
  button,
  isSlackUserId,
  ownerMrkdwn,
  plainText,
  plainUserText,
  section,
  userText,
} from './_blocks.ts';
import { measureBlockText } from './block-kit-limits.ts';
import {
  ACTION_CLAIM,
  ACTION_DEEP_DIVE,
  ACTION_LOG,
  ACTION_RELEASE,
  ACTION_SNOOZE,
  ACTION_UNSNOOZE,
  cardBlockIds,
  encodeCardAction,
  encodeSnooze,
  SNOOZE_WEEKS,
} from './ids.ts';

/** Longest customer name shown on a card (the deep dive shows it whole). */
export const CARD_NAME_MAX = 120;
/** Upper bound of the status line, reserved when the digest splits cards across messages. */
export const STATUS_LINE_MAX = 120;
/** Periods drawn in a card's sparkline. */
export const CARD_SPARK_PERIODS = 12;

export interface GapCardOptions {
  currency: string;
  /** The customer's revenue series (the last `CARD_SPARK_PERIODS` are drawn). */
  series?: NetCents;
  digestRunId?: string;
  /**
   * Who will see this copy, for a message only one person sees (an ephemeral answer, the Home tab, a
   * DM): their own gap offers "Release" instead of "Take over", and needs no confirmation. A shared
   * message leaves it out: the server works out who clicked (Take over by its holder offers Release).
   */
  viewerUserId?: string;
  /** The private answer the card is in (`top 10`, `mine`), carried by its buttons (ids.ts `origin`). */
  origin?: string;
}

/**
 * What a card shows; a `Priority` fits as is. The digest groups seed-rule rows (one per gap) into one
 * card per customer.
 */
export type CardPriority = Pick<
  Priority,
  | 'rank'
  | 'customerId'
  | 'customerName'
  | 'accountManager'
  | 'gapTypes'
  | 'gapAmountCents'
  | 'recoveryPotentialCents'
  | 'score'
  | 'contributions'
  | 'evidence'
  | 'supplyMark'
>;

/** A marked gap's line on the card: at most 3 SKUs, each name cut to 30 characters. */
export function supplyMarkLine(mark: NonNullable<Priority['supplyMark']>): string {
  const skus = mark.skusOut.slice(0, 3).map((s) => userText(s.sku, 30));
  const more = mark.skusOut.length > 3 ? ` and ${mark.skusOut.length - 3} more` : '';
  const weeks = mark.stockoutPeriods.length;
  return (
    `:package: _Possibly supply-caused: ${skus.join(', ')}${more} out at store ${userText(mark.storeId, 30)} ` +
    `(${weeks} ${weeks === 1 ? 'period' : 'periods'} from ${mark.stockoutPeriods[0] ?? '?'}); fix availability first_`
  );
}

/** The status line for a follow-up state ("Claimed by <@U1>"); unclaimed when there is no state. */
export function renderStatusLine(state: GapState | undefined): string {
  const by = state?.ownerUserId ? ` by <@${state.ownerUserId}>` : '';
  let line: string;
  switch (state?.status ?? 'open') {
    case 'open':
      line = ':white_circle: Open: nobody has claimed it yet';
      break;
    case 'claimed':
      line = `:raising_hand: Claimed${by}`;
      break;
    case 'contacted':
      line = `:telephone_receiver: Contacted${by}`;
      break;
    case 'recovering':
      line = `:chart_with_upwards_trend: Recovering${by}`;
      break;
    case 'lost':
      line = `:x: Marked lost${by}`;
      break;
    case 'dismissed':
      line = `:heavy_minus_sign: Not a real gap${by}`;
      break;
    case 'snoozed': {
      // Who snoozed it (older events did not say: then its owner), and whose it is if someone else's.
      const snoozer = state?.snoozedByUserId ?? state?.ownerUserId;
      const owner =
        state?.ownerUserId && state.ownerUserId !== snoozer ? `; <@${state.ownerUserId}> has it` : '';
      line =
        `:zzz: Snoozed${state?.snoozedUntil ? ` until ${state.snoozedUntil}` : ''}` +
        `${snoozer ? ` by <@${snoozer}>` : ''}${owner}`;
      break;
    }
  }
  return line.length <= STATUS_LINE_MAX ? line : line.slice(0, STATUS_LINE_MAX);
}

/** Labels the Claim button can have, by state (see `claimButton`). */
export const CLAIM_LABELS = {
  claim: 'Claim',
  takeOver: 'Take over',
  release: 'Release',
  reopen: 'Reopen',
} as const;

/** Statuses in which someone is working on the gap (its holder can release it). */
function isWorking(state: GapState | undefined): boolean {
  return state?.status === 'claimed' || state?.status === 'contacted' || state?.status === 'recovering';
}

/** Whether `viewerUserId` is the one working on the gap. */
export function holdsGap(state: GapState | undefined, viewerUserId: string | undefined): boolean {
  return viewerUserId !== undefined && isWorking(state) && state?.ownerUserId === viewerUserId;
}

/**
 * Longest customer name in a confirmation dialog (its title takes 100 characters). Kept short, with
 * the dialog's text: every card reserves room for both dialogs in the message's text budget.
 */
const CONFIRM_NAME_MAX = 40;

/** The confirmation before taking over a gap someone else is working on. */
export function takeOverConfirm(customerName: string): types.ConfirmationDialog {
  return {
    title: plainText(`Take over ${plainUserText(customerName, CONFIRM_NAME_MAX)}?`),
    text: plainText('Someone else has it. They will be told in the digest thread.'),
    confirm: plainText('Take over'),
    deny: plainText('Cancel'),
  };
}

/** The confirmation before snoozing a gap someone else is working on. */
export function snoozeConfirm(customerName: string): types.ConfirmationDialog {
  return {
    title: plainText(`Snooze ${plainUserText(customerName, CONFIRM_NAME_MAX)}?`),
    text: plainText("It is someone else's (see the card). They will be told in the digest thread."),
    confirm: plainText('Snooze'),
    deny: plainText('Cancel'),
  };
}

/** Whether acting on the gap touches someone else's work (a confirmation is due). */
function someoneElses(state: GapState | undefined, viewerUserId: string | undefined): boolean {
  const owner = state?.ownerUserId;
  if (!owner || owner === viewerUserId) return false;
  return isWorking(state) || state?.status === 'snoozed';
}

/** Statuses after which a gap is closed: lost, or not a real gap. */
function isClosed(state: GapState | undefined): boolean {
  return state?.status === 'lost' || state?.status === 'dismissed';
}

/**
 * The Claim button for a follow-up state, with `ACTION_CLAIM` (a click claims the gap for whoever
 * clicks, reassigning it if someone else had it) or `ACTION_RELEASE`:
 * - open, nobody on it: "Claim", primary (green): the one thing to do;
 * - the viewer's own gap (`viewerUserId` holds it: claimed, contacted, recovering): "Release";
 * - someone else on it (claimed, contacted, recovering, or snoozed by an owner): "Take over", plain,
 *   with a confirmation (given `customerName`); on a shared message the holder sees it too, and
 *   clicking it is answered privately with Release (the server knows who clicked);
 * - closed (lost, not a real gap), which shows only when a dismissed gap grew back: "Reopen", plain;
 * - snoozed with nobody on it: "Claim", plain.
 * `highlight: false` never makes it green (a deep dive, where "Share in channel" is the green one).
 */
export function claimButton(
  state: GapState | undefined,
  value: string,
  options: { highlight?: boolean; viewerUserId?: string; customerName?: string } = {},
): types.Button {
  const status = state?.status ?? 'open';
  if (isClosed(state)) return button(CLAIM_LABELS.reopen, ACTION_CLAIM, value);
  if (holdsGap(state, options.viewerUserId)) return button(CLAIM_LABELS.release, ACTION_RELEASE, value);
  // The viewer's own snoozed gap: Claim takes it up again (the snooze ends), nobody to take it from.
  const ownSnoozed =
    options.viewerUserId !== undefined && status === 'snoozed' && state?.ownerUserId === options.viewerUserId;
  if (ownSnoozed) return button(CLAIM_LABELS.claim, ACTION_CLAIM, value);
  const owned =
    state?.ownerUserId !== undefined ||
    status === 'claimed' ||
    status === 'contacted' ||
    status === 'recovering';
  if (owned) {
    const takeOver = button(CLAIM_LABELS.takeOver, ACTION_CLAIM, value);
    return options.customerName !== undefined && someoneElses(state, options.viewerUserId)
      ? { ...takeOver, confirm: takeOverConfirm(options.customerName) }
      : takeOver;
  }
  const primary = status === 'open' && options.highlight !== false;
  return button(CLAIM_LABELS.claim, ACTION_CLAIM, value, primary ? 'primary' : undefined);
}

/** "Unsnooze" for a snoozed gap: it comes back now, as it was before the snooze. */
export function unsnoozeButton(value: string): types.Button {
  return button('Unsnooze', ACTION_UNSNOOZE, value);
}

/**
 * The Snooze menu (1, 2, 4 weeks); confirmed first when the gap is someone else's: someone else is
 * working on it or, when nobody is, it is another account manager's account (a Slack user id).
 */
export function snoozeMenu(
  customerId: string,
  customerName: string,
  state: GapState | undefined,
  viewerUserId?: string,
  accountManager?: string,
): types.Overflow {
  const nobodyOnIt = !isWorking(state) && state?.status !== 'snoozed';
  const othersAccount =
    nobodyOnIt &&
    accountManager !== undefined &&
    isSlackUserId(accountManager) &&
    accountManager !== viewerUserId;
  return {
    type: 'overflow',
    action_id: ACTION_SNOOZE,
    options: SNOOZE_WEEKS.map((w) => ({
      text: { type: 'plain_text' as const, text: `Snooze ${w} week${w === 1 ? '' : 's'}` },
      value: encodeSnooze(customerId, w),
    })),
    ...(someoneElses(state, viewerUserId) || othersAccount ? { confirm: snoozeConfirm(customerName) } : {}),
  };
}

/** The mrkdwn of a card's section, without the status line. */
function cardBody(p: CardPriority, options: GapCardOptions): string {
  const money = (c: number) => formatMoney(c, options.currency);
  const driver = biggestDriver(p.contributions);
  // The driver's points as the markdown report and the deep dive show them (they add up to the score).
  const points = formatContributions(p.score, p.contributions)[driver];
  const lines = [
    `*${p.rank}. ${userText(p.customerName, CARD_NAME_MAX)}* · ${formatGapTypes(p.gapTypes)}`,
    `*${money(p.gapAmountCents)}* gap · recover ~${money(p.recoveryPotentialCents)} · score *${formatScore(p.score)}* ` +
      `(mostly ${COMPONENT_LABELS[driver].toLowerCase()}, ${points} pts) · ` +
      `owner ${ownerMrkdwn(p.accountManager)}`,
  ];
  // The calibrated risk, short: what happened to customers flagged like this before.
  if (p.evidence) lines.push(`_${evidenceShort(p.evidence)}_`);
  if (p.supplyMark) lines.push(supplyMarkLine(p.supplyMark));
  const spark = options.series ? renderSparkline(options.series.slice(-CARD_SPARK_PERIODS)) : '';
  if (spark) lines.push(`\`${spark}\``);
  return lines.join('\n');
}

/** Renders a card: [section, actions]. */
export function renderGapCard(
  priority: CardPriority,
  state: GapState | undefined,
  options: GapCardOptions,
): Block[] {
  const ids = cardBlockIds(priority.customerId);
  const value = encodeCardAction(priority.customerId, options.digestRunId, options.origin);
  const text = `${cardBody(priority, options)}\n${renderStatusLine(state)}`;
  const viewer = options.viewerUserId;
  return [
    section(text, ids.section),
    {
      type: 'actions',
      block_id: ids.actions,
      elements: [
        claimButton(state, value, {
          customerName: priority.customerName,
          ...(viewer !== undefined ? { viewerUserId: viewer } : {}),
        }),
        button('Log follow-up', ACTION_LOG, value),
        button('Deep dive', ACTION_DEEP_DIVE, value),
        ...(state?.status === 'snoozed' ? [unsnoozeButton(value)] : []),
        snoozeMenu(priority.customerId, priority.customerName, state, viewer, priority.accountManager),
      ],
    },
  ];
}

/** Characters a card can count toward the message's block text, whatever its state. */
export function measureCardText(priority: CardPriority, options: GapCardOptions): number {
  // Section text + newline + reserved status, the button/option labels (Unsnooze shows only when
  // snoozed) and the confirmations (Take over and Snooze of someone else's gap).
  const claim = Math.max(...Object.values(CLAIM_LABELS).map((l) => l.length));
  const labels =
    claim + 'Log follow-up'.length + 'Deep dive'.length + 'Unsnooze'.length + 3 * 'Snooze 4 weeks'.length;
  const confirms =
    measureBlockText([takeOverConfirm(priority.customerName)]) +
    measureBlockText([snoozeConfirm(priority.customerName)]);
  return cardBody(priority, options).length + 1 + STATUS_LINE_MAX + labels + confirms;
}

/**
 * Replaces a customer's card in a message's blocks (found by its block ids) with `card`.
 * Returns a new array; the blocks are unchanged if the customer has no card there.
 */
export function replaceCard<T>(
  blocks: readonly T[],
  customerId: string,
  card: readonly T[],
): { blocks: T[]; replaced: boolean } {
  const ids = cardBlockIds(customerId);
  const blockId = (b: T | undefined) => (b as { block_id?: unknown } | undefined)?.block_id;
  const start = blocks.findIndex((b) => blockId(b) === ids.section);
  if (start < 0) return { blocks: [...blocks], replaced: false };
  let end = start + 1;
  if (blockId(blocks[end]) === ids.actions) end++;
  return { blocks: [...blocks.slice(0, start), ...card, ...blocks.slice(end)], replaced: true };
}
