/**
 * A next-step reminder by direct message: the step and when it was logged, then the customer's
 * current figures as the digest's card, with its buttons (Log follow-up records what happened).
 * Pure.
 */
import { formatMoney } from '../../core/money.ts';
import type { GapState, NetCents } from '../../core/types.ts';
import { type Block, context, fallbackText, type SlackMessage, section, userText } from './_blocks.ts';
import { type CardPriority, renderGapCard } from './card.ts';

export interface ReminderInput {
  /** Who gets it (their gap offers Release). */
  userId: string;
  customerName: string;
  /** YYYY-MM-DD the step was due, and today. */
  due: string;
  today: string;
  nextStep?: string;
  /** Who logged it and when (ISO). */
  loggedBy: string;
  loggedAt: string;
  currency: string;
  /** The customer's current card, when the latest analysis still ranks them. */
  card?: { priority: CardPriority; state?: GapState; series?: NetCents; digestRunId?: string };
}

export function renderReminder(input: ReminderInput): SlackMessage {
  const when = input.due === input.today ? 'today' : `since ${input.due}`;
  const step = input.nextStep ? `: ${userText(input.nextStep, 300)}` : '';
  const blocks: Block[] = [
    section(`:alarm_clock: *Next step due ${when} for ${userText(input.customerName, 120)}*${step}`),
    context(`Logged by <@${input.loggedBy}> on ${input.loggedAt.slice(0, 10)}. Log what happened below.`),
  ];
  if (input.card) {
    blocks.push(
      ...renderGapCard(input.card.priority, input.card.state, {
        currency: input.currency,
        viewerUserId: input.userId,
        ...(input.card.series ? { series: input.card.series } : {}),
        ...(input.card.digestRunId ? { digestRunId: input.card.digestRunId } : {}),
      }),
    );
  } else {
    blocks.push(
      context('The latest analysis finds no gap for this customer any more: their revenue is back to usual.'),
    );
  }
  const gap = input.card ? ` (gap ${formatMoney(input.card.priority.gapAmountCents, input.currency)})` : '';
  return {
    text: fallbackText(
      `Next step due ${when} for ${input.customerName}${gap}${input.nextStep ? `: ${input.nextStep}` : ''}`,
    ),
    blocks,
  };
}
