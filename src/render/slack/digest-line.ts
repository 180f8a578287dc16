/**
 * A customer's compact line in the digest parent: rank, name, the gap rounded ("$3.7k"), owner, the
 * most urgent gap type ("+2 more" for the others), the recommendation in a few words and, once
 * someone acted, the follow-up status; an overflow menu holds its actions (Deep dive, Claim, Log
 * follow-up, Snooze), which the Slack layer hands to the same use-case as the card's buttons.
 *
 * The block id comes from the customer id (`lineBlockId`), so a follow-up re-renders the line and
 * swaps it in (`replaceLine`) next to the full card in the thread.
 */
import type { types } from '@slack/bolt';
import { GAP_URGENCY } from '../../core/detect-gaps.ts';
import { formatMoneyShort } from '../../core/money.ts';
import type { GapState, GapType, Priority } from '../../core/types.ts';
import { GAP_TYPE_LABELS } from '../format.ts';
import { type Block, ownerMrkdwn, plainText, section, userText } from './_blocks.ts';
import { truncateText } from './block-kit-limits.ts';
import { type CardPriority, CLAIM_LABELS, claimButton, renderStatusLine } from './card.ts';
import { ACTION_LINE_MENU, encodeLineOption, lineBlockId, SNOOZE_WEEKS } from './ids.ts';

/** Longest customer name on a line (the card in the thread shows more, the deep dive all of it). */
export const LINE_NAME_MAX = 60;
/** Longest recommendation on a line. */
export const LINE_RECOMMENDATION_MAX = 70;

/** What a line shows: a card's priority plus its recommendation (absent: none shown). */
export type LinePriority = CardPriority & Partial<Pick<Priority, 'recommendation'>>;

/** The most urgent of a customer's gap types (GAP_URGENCY order), or undefined when it has none. */
export function mostUrgentGapType(types: readonly GapType[]): GapType | undefined {
  return GAP_URGENCY.find((t) => types.includes(t));
}

/** "Churn risk +2 more", "Below baseline" (the most urgent type first). */
export function urgentGapTypes(types: readonly GapType[]): string {
  const urgent = mostUrgentGapType(types);
  if (!urgent) return '';
  const others = types.filter((t) => t !== urgent).length;
  return `${GAP_TYPE_LABELS[urgent]}${others > 0 ? ` +${others} more` : ''}`;
}

/**
 * The recommendation in a few words: its first clause ("Call this week; offer a retention
 * check-in." -> "Call this week"), cut to `LINE_RECOMMENDATION_MAX`. The deep dive shows it whole.
 */
export function shortRecommendation(recommendation: string): string {
  const flat = recommendation.replace(/\s+/g, ' ').trim();
  const clause = flat.split(/;|\.(?:\s|$)/, 1)[0]?.trim() ?? '';
  return truncateText(clause || flat, LINE_RECOMMENDATION_MAX);
}

/**
 * The line menu's options. Claim and Snooze are offered only while nobody holds the gap: taking
 * over someone's account or snoozing it goes through the full card in the thread, whose buttons
 * say what they do to whom.
 */
function menuOptions(p: LinePriority, state: GapState | undefined): types.PlainTextOption[] {
  const option = (text: string, value: string): types.PlainTextOption => ({ text: plainText(text), value });
  const label = claimButton(state, '').text.text;
  const free = label !== CLAIM_LABELS.takeOver;
  return [
    option('Deep dive', encodeLineOption(p.customerId, { action: 'deep_dive' })),
    ...(free ? [option(label, encodeLineOption(p.customerId, { action: 'claim' }))] : []),
    option('Log follow-up', encodeLineOption(p.customerId, { action: 'log' })),
    ...(free
      ? [SNOOZE_WEEKS[0], SNOOZE_WEEKS[SNOOZE_WEEKS.length - 1]!].map((w) =>
          option(
            `Snooze ${w} week${w === 1 ? '' : 's'}`,
            encodeLineOption(p.customerId, { action: 'snooze', weeks: w }),
          ),
        )
      : []),
  ];
}

/** The line's mrkdwn: two short lines. */
export function lineText(p: LinePriority, state: GapState | undefined, currency: string): string {
  const first = [
    `*${p.rank}. ${userText(p.customerName, LINE_NAME_MAX)}*`,
    `*${formatMoneyShort(p.gapAmountCents, currency)}*`,
    `owner ${ownerMrkdwn(p.accountManager, 40)}`,
  ].join(' · ');
  const second = [
    urgentGapTypes(p.gapTypes),
    p.recommendation ? `_${userText(shortRecommendation(p.recommendation), LINE_RECOMMENDATION_MAX)}_` : '',
    (state?.status ?? 'open') === 'open' ? '' : renderStatusLine(state),
  ].filter((x) => x !== '');
  return second.length > 0 ? `${first}\n${second.join(' · ')}` : first;
}

/** Renders a customer's compact line: one section with its actions in an overflow menu. */
export function renderDigestLine(p: LinePriority, state: GapState | undefined, currency: string): Block {
  return {
    ...section(lineText(p, state, currency), lineBlockId(p.customerId)),
    accessory: { type: 'overflow', action_id: ACTION_LINE_MENU, options: menuOptions(p, state) },
  };
}

/** Replaces a customer's line in a message's blocks; unchanged (`replaced: false`) when it has none. */
export function replaceLine<T>(
  blocks: readonly T[],
  customerId: string,
  line: T,
): { blocks: T[]; replaced: boolean } {
  const id = lineBlockId(customerId);
  const at = blocks.findIndex((b) => (b as { block_id?: unknown }).block_id === id);
  if (at < 0) return { blocks: [...blocks], replaced: false };
  return { blocks: [...blocks.slice(0, at), line, ...blocks.slice(at + 1)], replaced: true };
}
