/**
 * The buttons on a gap card (digest, `/revgap top`, a deep dive): Claim, Snooze, Deep dive, and Log
 * follow-up with its modal. Works out which customer and which digest the click is about, then
 * records the follow-up (record-follow-up.ts) or answers privately.
 */
import type { FollowUpOutcome } from '../core/types.ts';
import { AppError } from '../errors.ts';
import { decodeFollowUpMetadata, renderFollowUpModal } from '../render/slack/follow-up-modal.ts';
import { resolveCardKey } from '../render/slack/ids.ts';
import { type OutgoingMessage, type SlackBlock, slackErrorCode } from '../slack/slack-client.ts';
import type { SlackDeps } from '../slack/slack-deps.ts';
import { deepDiveOfCustomer } from './deep-dive.ts';
import { recordFollowUp } from './record-follow-up.ts';

/** Where a card button was clicked and what it carried. */
export interface CardActionContext {
  userId: string;
  channel: string;
  messageTs: string;
  messageBlocks?: readonly SlackBlock[];
  messageText?: string;
  customerId?: string;
  /** Set when the customer id was too long for the button: resolve against the snapshot. */
  cardKey?: string | undefined;
  digestRunId?: string;
  /** The click's response_url, for private answers. */
  responseUrl?: string;
}

export type CardActionKind = 'claim' | 'snooze' | 'deep_dive';

async function resolveCustomer(context: CardActionContext, deps: SlackDeps): Promise<string> {
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
 * A private answer to whoever clicked. chat.postEphemeral in the channel, or, where the bot is not a
 * member (a shared answer in another channel), through the click's response_url.
 */
async function answerPrivately(
  deps: SlackDeps,
  context: CardActionContext,
  message: OutgoingMessage,
): Promise<void> {
  try {
    await deps.slack.postEphemeral({ channel: context.channel, user: context.userId, ...message });
  } catch (error) {
    const code = slackErrorCode(error);
    const outside = code === 'not_in_channel' || code === 'channel_not_found';
    if (!outside || !context.responseUrl) throw error;
    // A new private message; the message clicked stays as it is.
    await deps.slack.respond(context.responseUrl, {
      ...message,
      responseType: 'ephemeral',
      replaceOriginal: false,
    });
  }
}

async function tellUser(deps: SlackDeps, context: CardActionContext, text: string): Promise<void> {
  await answerPrivately(deps, context, {
    text,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }],
  });
}

/** Claim, Snooze or Deep dive from a card. */
export async function handleCardAction(
  input: CardActionContext & { kind: CardActionKind; eventId: string; snoozeWeeks?: number },
  deps: SlackDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'card-action', kind: input.kind, userId: input.userId });
  try {
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
      await answerPrivately(deps, input, message);
      return;
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
    if (result.recorded && result.reply === null) await tellUser(deps, input, 'Done.');
  } catch (error) {
    log.error({ err: error }, 'card action failed');
    await tellUser(deps, input, `:warning: Sorry, that did not work: ${(error as Error).message}`).catch(
      (tellError: unknown) => log.error({ err: tellError }, 'could not tell the user'),
    );
  }
}

/** "Log follow-up": opens the modal right away (the trigger id lives 3 seconds). */
export async function openFollowUpModal(
  input: CardActionContext & { triggerId: string },
  deps: SlackDeps,
): Promise<void> {
  try {
    const customerId = await resolveCustomer(input, deps);
    const loaded = deps.snapshots.current();
    const customer = loaded?.index.byId(customerId);
    const view = renderFollowUpModal({
      customerId,
      customerName: customer?.name ?? customerId,
      channelId: input.channel,
      messageTs: input.messageTs,
      ...(input.digestRunId ? { digestRunId: input.digestRunId } : {}),
      ...(customer && customer.gapAmountCents > 0
        ? { gapAmountCents: customer.gapAmountCents, currency: loaded?.settings.currency ?? 'USD' }
        : {}),
    });
    await deps.slack.openView(input.triggerId, view);
  } catch (error) {
    deps.logger.error({ err: error }, 'could not open the follow-up modal');
    await tellUser(
      deps,
      input,
      `:warning: Sorry, the follow-up form did not open: ${(error as Error).message}`,
    ).catch(() => undefined);
  }
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

/** The follow-up modal was submitted (and validated): record, announce, update the card. */
export async function submitFollowUp(input: FollowUpSubmissionInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'follow-up-modal', userId: input.userId });
  const metadata = decodeFollowUpMetadata(input.privateMetadata);
  if (!metadata?.channelId || !metadata.messageTs) {
    log.error({ privateMetadata: input.privateMetadata }, 'follow-up modal without usable metadata');
    return;
  }
  const context: CardActionContext = {
    userId: input.userId,
    channel: metadata.channelId,
    messageTs: metadata.messageTs,
    ...(metadata.customerId ? { customerId: metadata.customerId } : {}),
    cardKey: metadata.cardKey,
  };
  try {
    const customerId = await resolveCustomer(context, deps);
    await recordFollowUp(
      {
        kind: 'follow_up',
        customerId,
        userId: input.userId,
        eventId: input.eventId,
        channel: metadata.channelId,
        messageTs: metadata.messageTs,
        outcome: input.outcome,
        ...(metadata.digestRunId ? { digestRunId: metadata.digestRunId } : {}),
        ...(input.nextStep ? { nextStep: input.nextStep } : {}),
        ...(input.note ? { note: input.note } : {}),
      },
      deps,
    );
  } catch (error) {
    log.error({ err: error }, 'follow-up not recorded');
    await tellUser(
      deps,
      context,
      `:warning: Sorry, your follow-up was not saved: ${(error as Error).message}`,
    ).catch(() => undefined);
  }
}
