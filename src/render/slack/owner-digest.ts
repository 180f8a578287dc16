/**
 * "My digest by DM": one direct message per account manager with their own open gaps as the
 * digest's full cards (card.ts: same buttons), their total at risk, and where the rest is when they
 * do not fit in one message (Slack allows 50 blocks): their Home tab. Pure.
 */
import { formatMoney } from '../../core/money.ts';
import { plural } from '../format.ts';
import { type Block, context, fallbackText, header, type SlackMessage, section } from './_blocks.ts';
import { measureBlockText } from './block-kit-limits.ts';
import { renderGapCard } from './card.ts';
import { DIGEST_TEXT_BUDGET } from './digest.ts';
import type { HomeCard } from './home.ts';

/** Cards in one DM: 2 blocks each, with the header, the summary and the footer within 50 blocks. */
export const OWNER_DIGEST_MAX_CARDS = 20;
/** Block text kept for the footer line. */
const FOOTER_RESERVE = 200;

export interface OwnerDigestInput {
  userId: string;
  currency: string;
  /** The as-of period, as the channel digest names it ("Week of 2026-11-23"). */
  weekLabel: string;
  cards: readonly HomeCard[];
}

export function renderOwnerDigest(input: OwnerDigestInput): SlackMessage {
  const money = (c: number) => formatMoney(c, input.currency);
  const total = input.cards.reduce((sum, c) => sum + c.priority.gapAmountCents, 0);
  const blocks: Block[] = [
    header(`Your accounts · ${input.weekLabel}`),
    section(
      `*${money(total)}* at risk on *${plural(input.cards.length, 'gap')}* of yours, largest first. ` +
        'The buttons work as in the channel digest, and its cards follow what you do here.',
    ),
  ];
  // As many cards as fit: 20 at most, and within the digest's block-text budget (Slack refuses a
  // message over ~13,200 characters of block text: msg_blocks_too_long).
  let shown = 0;
  let chars = measureBlockText(blocks) + FOOTER_RESERVE;
  for (const card of input.cards) {
    if (shown >= OWNER_DIGEST_MAX_CARDS) break;
    const rendered = renderGapCard(card.priority, card.state, {
      currency: input.currency,
      viewerUserId: input.userId,
      ...(card.series ? { series: card.series } : {}),
      ...(card.digestRunId ? { digestRunId: card.digestRunId } : {}),
    });
    const cost = measureBlockText(rendered);
    if (shown > 0 && chars + cost > DIGEST_TEXT_BUDGET) break;
    blocks.push(...rendered);
    chars += cost;
    shown++;
  }
  const more = input.cards.length - shown;
  blocks.push(
    context(
      more > 0
        ? `${plural(more, 'more gap')} of yours on your revgap Home tab. Turn these messages off there.`
        : 'You get this because your digest by DM is on; your revgap Home tab has the same and more.',
    ),
  );
  return {
    text: fallbackText(
      `Your accounts · ${input.weekLabel}: ${money(total)} at risk on ${plural(input.cards.length, 'gap')}`,
    ),
    blocks,
  };
}
