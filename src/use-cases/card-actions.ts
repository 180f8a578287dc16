/**
 * The buttons on a gap card (digest, `/revgap top`, a deep dive): Claim, Snooze, Deep dive, and Log
 * follow-up with its modal. Works out which customer and which digest the click is about, then
 * records the follow-up (record-follow-up.ts) or returns the private answer to show. Delivering
 * that answer, and telling the user when something failed, is the Slack adapter's job
 * (src/slack/card-actions.ts).
 */
import type { FollowUpOutcome } from '../core/types.ts';
import { AppError } from '../errors.ts';
import { renderNotice } from '../render/slack/answers.ts';
import { decodeFollowUpMetadata, renderFollowUpModal } from '../render/slack/follow-up-modal.ts';
import { resolveCardKey } from '../render/slack/ids.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import { type DeepDiveDeps, deepDiveOfCustomer } from './deep-dive.ts';
import type { AnyBlock, View } from './ports.ts';
import { type RecordFollowUpDeps, recordFollowUp } from './record-follow-up.ts';

/** Where a card button was clicked and what it carried. */
export interface CardActionContext {
  userId: string;
  channel: string;
  messageTs: string;
  messageBlocks?: readonly AnyBlock[];
  messageText?: string;
  customerId?: string;
  /** Set when the customer id was too long for the button: resolve against the snapshot. */
  cardKey?: string | undefined;
  digestRunId?: string;
  /** The click's response_url, for private answers. */
  responseUrl?: string;
}

export type CardActionKind = 'claim' | 'snooze' | 'deep_dive';

export type CardActionDeps = RecordFollowUpDeps & DeepDiveDeps;

async function resolveCustomer(
  context: CardActionContext,
  deps: Pick<CardActionDeps, 'snapshots'>,
): Promise<string> {
  if (context.customerId) return context.customerId;
  if (context.cardKey) {
    const loaded = await deps.snapshots.load();
    const ids = loaded?.snapshot.result.customers.map((c) => c.customerId) ?? [];
    const found = resolveCardKey(context.cardKey, ids);
    if (found) return found;
  }
  throw new AppError('NOT_FOUND', 'This card no longer matches a customer in the latest analysis.');
}

/**
 * Claim, Snooze or Deep dive from a card. Resolves to the private answer for whoever clicked (the
 * deep dive; "Done." when a follow-up was recorded with no thread reply), or null.
 * @throws when the customer is gone or the follow-up could not be recorded.
 */
export async function cardAction(
  input: CardActionContext & { kind: CardActionKind; eventId: string; snoozeWeeks?: number },
  deps: CardActionDeps,
): Promise<SlackMessage | null> {
  const customerId = await resolveCustomer(input, deps);
  if (input.kind === 'deep_dive') {
    const loaded = await deps.snapshots.load();
    const message =
      loaded &&
      (await deepDiveOfCustomer(customerId, loaded, deps, {
        today: deps.now().toISOString().slice(0, 10),
        ...(input.digestRunId ? { digestRunId: input.digestRunId } : {}),
      }));
    if (!message) throw new AppError('NOT_FOUND', `Customer ${customerId} is not in the latest analysis.`);
    return message;
  }
  const result = await recordFollowUp(
    {
      kind: input.kind,
      customerId,
      userId: input.userId,
      eventId: input.eventId,
      channel: input.channel,
      messageTs: input.messageTs,
      ...(input.messageBlocks ? { messageBlocks: input.messageBlocks } : {}),
      ...(input.messageText !== undefined ? { messageText: input.messageText } : {}),
      ...(input.digestRunId ? { digestRunId: input.digestRunId } : {}),
      ...(input.snoozeWeeks ? { snoozeWeeks: input.snoozeWeeks } : {}),
    },
    deps,
  );
  return result.recorded && result.reply === null ? renderNotice('Done.') : null;
}

/** "Log follow-up": the modal to open for the card's customer. */
export async function followUpModal(
  input: CardActionContext,
  deps: Pick<CardActionDeps, 'snapshots'>,
): Promise<View> {
  const customerId = await resolveCustomer(input, deps);
  const loaded = deps.snapshots.current();
  const customer = loaded?.index.byId(customerId);
  return renderFollowUpModal({
    customerId,
    customerName: customer?.name ?? customerId,
    channelId: input.channel,
    messageTs: input.messageTs,
    ...(input.digestRunId ? { digestRunId: input.digestRunId } : {}),
    ...(customer && customer.gapAmountCents > 0
      ? { gapAmountCents: customer.gapAmountCents, currency: loaded?.settings.currency ?? 'USD' }
      : {}),
  });
}

/** A checked follow-up modal submission. */
export interface FollowUpSubmissionInput {
  userId: string;
  privateMetadata: string;
  outcome: FollowUpOutcome;
  nextStep?: string;
  note?: string;
  eventId: string;
}

/** The card a follow-up modal was opened from (its metadata), or null when the metadata is unusable. */
export function submissionContext(input: FollowUpSubmissionInput): CardActionContext | null {
  const metadata = decodeFollowUpMetadata(input.privateMetadata);
  if (!metadata?.channelId || !metadata.messageTs) return null;
  return {
    userId: input.userId,
    channel: metadata.channelId,
    messageTs: metadata.messageTs,
    ...(metadata.customerId ? { customerId: metadata.customerId } : {}),
    cardKey: metadata.cardKey,
    ...(metadata.digestRunId ? { digestRunId: metadata.digestRunId } : {}),
  };
}

/** The follow-up modal was submitted (and validated): record, announce, update the card. */
export async function submitFollowUp(
  context: CardActionContext,
  input: FollowUpSubmissionInput,
  deps: CardActionDeps,
): Promise<void> {
  const customerId = await resolveCustomer(context, deps);
  await recordFollowUp(
    {
      kind: 'follow_up',
      customerId,
      userId: input.userId,
      eventId: input.eventId,
      channel: context.channel,
      messageTs: context.messageTs,
      outcome: input.outcome,
      ...(context.digestRunId ? { digestRunId: context.digestRunId } : {}),
      ...(input.nextStep ? { nextStep: input.nextStep } : {}),
      ...(input.note ? { note: input.note } : {}),
    },
    deps,
  );
}
