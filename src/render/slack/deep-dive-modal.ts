/**
 * The deep dive as a modal, opened from a card's "Deep dive" (so it opens where the card is): the
 * reason (the gaps with their rationale) and the recommendation first, then where the customer
 * stands and the figures (chart, metrics, revenue table), the score breakdown after, the
 * follow-ups, and the card's actions (Claim / Log follow-up / Snooze) with "Share", which posts a
 * short summary (`renderDeepDiveShare`) into the digest's thread. Also the "loading" modal opened at
 * once (the click's trigger id lives 3 seconds) and the modal saying why a deep dive failed. Pure.
 */
import type { types } from '@slack/bolt';
import { formatMoney } from '../../core/money.ts';
import type { AnalysisSettings } from '../../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, FollowUpEvent } from '../../core/types.ts';
import { claimStateFromHistory, rankLabel } from '../_customer-facts.ts';
import { customerLabel, formatGapTypes } from '../format.ts';
import {
  type Block,
  button,
  context,
  fallbackText,
  type ModalView,
  plainText,
  plainUserText,
  type SlackMessage,
  section,
  userText,
} from './_blocks.ts';
import { truncateText } from './block-kit-limits.ts';
import { snoozeMenu, unsnoozeButton } from './card.ts';
import { chartImageBlock, type DeepDiveMessageOptions, deepDiveParts } from './deep-dive-blocks.ts';
import { encodeFollowUpMetadata } from './follow-up-modal.ts';
import { ACTION_SHARE_DIVE, encodeCustomerJson } from './ids.ts';

/** The modal's title (Slack allows 24 characters). */
export const DEEP_DIVE_TITLE = 'Deep dive';

/** The chart shown in the modal: an uploaded PNG, or why there is none. */
export type ModalChart = { fileId: string; altText: string } | { missing: string; altText: string };

/** Where the deep dive was opened from: the card's message, and the digest run. */
export interface DeepDiveOrigin {
  channelId?: string;
  messageTs?: string;
  digestRunId?: string;
}

export interface DeepDiveModalInput {
  customer: CustomerAnalysis;
  result: AnalysisResult;
  settings: AnalysisSettings;
  /** Follow-up events, oldest first (undefined: no follow-ups section). */
  history?: readonly FollowUpEvent[];
  options?: Omit<DeepDiveMessageOptions, 'shareButton' | 'digestRunId'>;
  origin: DeepDiveOrigin;
  chart?: ModalChart;
}

/** What the Share button carries: the customer and the card it was opened from (at most 2000 chars). */
export function encodeShareValue(customerId: string, origin: DeepDiveOrigin): string {
  return encodeCustomerJson(
    customerId,
    {
      ...(origin.digestRunId === undefined ? {} : { r: origin.digestRunId }),
      ...(origin.channelId === undefined ? {} : { ch: origin.channelId }),
      ...(origin.messageTs === undefined ? {} : { ts: origin.messageTs }),
    },
    2000,
  );
}

function modal(blocks: Block[], privateMetadata?: string): ModalView {
  return {
    type: 'modal',
    title: plainText(DEEP_DIVE_TITLE),
    close: plainText('Close'),
    blocks,
    ...(privateMetadata === undefined ? {} : { private_metadata: privateMetadata }),
  };
}

/** Opened at once on the click, then replaced (views.update) by the deep dive. */
export function renderDeepDiveLoading(customerName?: string): ModalView {
  const who = customerName ? `*${userText(customerName, 150)}*` : 'the customer';
  return modal([section(`:hourglass_flowing_sand: Preparing the deep dive of ${who}…`)]);
}

/** The deep dive could not be built: what went wrong and what to do. */
export function renderDeepDiveFailed(reason: string): ModalView {
  return modal([section(`:warning: ${userText(reason, 2500)}`)]);
}

/** The deep dive modal (at most 100 blocks; checked by block-kit-limits before it is sent). */
export function renderDeepDiveModal(input: DeepDiveModalInput): ModalView {
  const { customer, result, settings, origin } = input;
  const options = input.options ?? {};
  const parts = deepDiveParts(customer, result, settings, input.history, {
    ...options,
    ...(origin.digestRunId ? { digestRunId: origin.digestRunId } : {}),
  });
  const blocks: Block[] = [
    ...parts.header,
    // The reason and what to do first.
    ...parts.gaps,
    ...parts.recommendation,
    ...parts.supply,
    ...parts.status,
  ];
  if (input.chart && 'fileId' in input.chart) {
    blocks.push(chartImageBlock(input.chart, result.period));
  } else if (input.chart) {
    blocks.push(context(`Chart not shown: ${userText(input.chart.missing, 500)}`));
  }
  // The figures, then the score breakdown, then who did what.
  blocks.push(...parts.metrics, ...parts.series, ...parts.score, ...parts.followUps);

  const value = encodeCustomerJson(
    customer.customerId,
    origin.digestRunId === undefined ? {} : { r: origin.digestRunId },
    2000,
  );
  const elements: types.ActionsBlockElement[] = [];
  if (customer.status === 'scored') {
    // Claim / Release / Take over and Log follow-up, exactly as the message deep dive draws them.
    elements.push(...parts.actionElements);
    const state = options.state ?? claimStateFromHistory(customer.customerId, input.history ?? []);
    elements.push(
      state?.status === 'snoozed'
        ? unsnoozeButton(value)
        : snoozeMenu(customer.customerId, customer.name, state, options.viewerUserId),
    );
  }
  elements.push(button('Share', ACTION_SHARE_DIVE, encodeShareValue(customer.customerId, origin), 'primary'));
  blocks.push({ type: 'actions', elements });
  blocks.push(
    context('Only you see this. *Share* posts a short summary in the digest thread, for the team.'),
  );
  return modal(
    blocks,
    encodeFollowUpMetadata({
      customerId: customer.customerId,
      ...(origin.digestRunId === undefined ? {} : { digestRunId: origin.digestRunId }),
      ...(origin.channelId === undefined ? {} : { channelId: origin.channelId }),
      ...(origin.messageTs === undefined ? {} : { messageTs: origin.messageTs }),
    }),
  );
}

/**
 * The short summary "Share" posts in the digest thread: who shared, the customer, the gap and its
 * types, rank, the recommendation, and how to see the whole deep dive.
 */
export function renderDeepDiveShare(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
  sharedBy: string,
): SlackMessage {
  const money = (c: number) => formatMoney(c, settings.currency);
  const title = customerLabel(customer.name, customer.customerId);
  const rank = rankLabel(customer, result);
  const facts =
    customer.gaps.length > 0
      ? [
          `gap *${money(customer.gapAmountCents)}*`,
          formatGapTypes(customer.gaps.map((g) => g.type)),
          rank ? `priority ${rank}` : null,
        ]
      : ['no gap right now'];
  const lines = [
    `<@${sharedBy}> shared a deep dive: *${userText(title, 200)}* · ${facts.filter((f) => f !== null).join(' · ')}`,
  ];
  if (customer.recommendation) {
    lines.push(`*Recommendation:* ${userText(customer.recommendation, 400)}`);
  }
  return {
    text: fallbackText(`Deep dive shared: ${plainUserText(title, 200)}`),
    blocks: [
      section(truncateText(lines.join('\n'), 2900)),
      context(
        `Whole deep dive: *Deep dive* on the card, or \`/revgap ${userText(customer.customerId, 80)}\`.`,
      ),
    ],
  };
}
