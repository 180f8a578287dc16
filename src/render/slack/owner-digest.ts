/**
 * "My digest by DM": one direct message per account manager with their own open gaps as the
 * digest's full cards (card.ts: same buttons), their total at risk, and where the rest is when they
 * do not fit in one message (Slack allows 50 blocks): their Home tab. Pure.
 */
import { formatMoney } from '../../core/money.ts';
import { plural } from '../format.ts';
import { type Block, context, fallbackText, header, type SlackMessage, section } from './_blocks.ts';
import { renderGapCard } from './card.ts';
import type { HomeCard } from './home.ts';

/** Cards in one DM: 2 blocks each, with the header, the summary and the footer within 50 blocks. */
export const OWNER_DIGEST_MAX_CARDS = 20;

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
  const shown = input.cards.slice(0, OWNER_DIGEST_MAX_CARDS);
  const blocks: Block[] = [
    header(`Your accounts · ${input.weekLabel}`),
    section(
      `*${money(total)}* at risk on *${plural(input.cards.length, 'gap')}* of yours, largest first. ` +
        'The buttons work as in the channel digest, and its cards follow what you do here.',
    ),
  ];
  for (const card of shown) {
    blocks.push(
      ...renderGapCard(card.priority, card.state, {
        currency: input.currency,
        viewerUserId: input.userId,
        ...(card.series ? { series: card.series } : {}),
        ...(card.digestRunId ? { digestRunId: card.digestRunId } : {}),
      }),
    );
  }
  const more = input.cards.length - shown.length;
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
