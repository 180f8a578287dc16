/**
 * The buttons on a gap card (digest, `/revgap top`, `mine`, a deep dive, a DM): Claim / Take over,
 * Release, Snooze, Unsnooze, Deep dive, and Log follow-up with its modal. Works out which customer
 * and which digest the click is about, records the follow-up (record-follow-up.ts, which also
 * updates the digest's own copy), then makes the message clicked say the same (the clicked copy:
 * an ephemeral answer through the click's response_url, any other bot message with chat.update), or
 * returns the private answer to show. Delivering that answer, and telling the user when something
 * failed, is the Slack adapter's job (src/slack/card-actions.ts).
 */
import { priorityOfCustomer } from '../core/analyze.ts';
import type { FollowUpOutcome } from '../core/types.ts';
import { AppError } from '../errors.ts';
import { renderNotice, renderRefusedAction } from '../render/slack/answers.ts';
import { renderGapCard, replaceCard } from '../render/slack/card.ts';
import { decodeFollowUpMetadata, renderFollowUpModal } from '../render/slack/follow-up-modal.ts';
import {
  ACTION_CLAIM,
  ACTION_RELEASE,
  ACTION_SHARE,
  decodeCardAction,
  encodeCardAction,
  resolveCardKey,
} from '../render/slack/ids.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import { type AnswerDeps, answerRevgap } from './answer-command.ts';
import { type DeepDiveDeps, deepDiveOfCustomer } from './deep-dive.ts';
import type { AnyBlock, ChatPort, OutgoingMessage, View } from './ports.ts';
import { type FollowUpResult, type RecordFollowUpDeps, recordFollowUp } from './record-follow-up.ts';

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
  /** The message clicked is ephemeral (only the clicker sees it): changed through the response_url. */
  ephemeral?: boolean;
  /** The private answer the button was in (`top 10`, `mine`, a customer id), from its value. */
  origin?: string;
  /** A click in the deep-dive modal: its view id, and the chart it shows (kept when rendered again). */
  view?: { id: string; chart?: { fileId: string; altText: string } };
}

export type CardActionKind = 'claim' | 'snooze' | 'deep_dive' | 'release' | 'unsnooze';

export type CardActionDeps = RecordFollowUpDeps &
  DeepDiveDeps & {
    slack: Pick<ChatPort, 'respond' | 'updateMessage' | 'userEmail'>;
    /** Held-out customers stay out of a private answer rendered again (optional). */
    holdout?: AnswerDeps['holdout'];
  };

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
  if (result.refused) return refusalMessage(result, customerId, input);
  if (result.recorded) await updateClickedCopy(input, customerId, result, deps);
  return result.recorded && result.reply === null ? renderNotice('Done.') : null;
}

/** What to tell the clicker when their action changed nothing (the holder is offered Release). */
function refusalMessage(result: FollowUpResult, customerId: string, input: CardActionContext): SlackMessage {
  const customerName = result.customerName;
  switch (result.refused) {
    case 'already_yours':
      return renderRefusedAction({
        kind: 'already_yours',
        customerName,
        value: encodeCardAction(customerId, input.digestRunId),
      });
    case 'not_yours':
      return renderRefusedAction({
        kind: 'not_yours',
        customerName,
        ...(result.state?.ownerUserId ? { ownerUserId: result.state.ownerUserId } : {}),
      });
    default:
      return renderRefusedAction({ kind: 'not_snoozed', customerName });
  }
}

/** Whether the blocks are a deep dive (a header) with a Claim / Release button for `customerId`. */
function isDeepDiveOf(blocks: readonly AnyBlock[], customerId: string): boolean {
  if (blocks[0]?.type !== 'header') return false;
  return blocks.some((block) => {
    const elements = (block as { elements?: unknown }).elements;
    if (block.type !== 'actions' || !Array.isArray(elements)) return false;
    return elements.some((e: { action_id?: string; value?: string }) => {
      if (e.action_id !== ACTION_CLAIM && e.action_id !== ACTION_RELEASE) return false;
      return decodeCardAction(e.value)?.customerId === customerId;
    });
  });
}

/**
 * Makes the message clicked say what just happened, when it is not the digest (whose copies
 * record-follow-up.ts updates): the customer's card swapped in (a `/revgap top` or `mine` answer, a
 * DM), or the deep dive rendered again; a private offer (Release) becomes what was done. An
 * ephemeral message changes through the click's response_url (replace_original), any other through
 * chat.update. Returns whether it was updated.
 * A failure here costs only the stale copy: it is logged, never thrown (the action is recorded).
 */
export async function updateClickedCopy(
  context: CardActionContext,
  customerId: string,
  result: Pick<FollowUpResult, 'state' | 'reply'>,
  deps: CardActionDeps,
): Promise<boolean> {
  const { state } = result;
  const blocks = context.messageBlocks;
  const log = deps.logger.child({ component: 'clicked-copy', customerId });
  if (!blocks && context.ephemeral && context.origin && context.responseUrl) {
    // Slack sent no blocks (an ephemeral message): the answer the button named, rendered again.
    try {
      const answer = await answerRevgap(
        context.origin,
        { userId: context.userId, audience: 'private' },
        { ...deps, chat: deps.slack },
      );
      await deps.slack.respond(context.responseUrl, { ...answer.message, replaceOriginal: true });
      return true;
    } catch (error) {
      log.warn(
        { err: error },
        'the private answer clicked could not be rendered again; the action is recorded',
      );
      return false;
    }
  }
  if (!blocks || !context.messageTs) return false;
  try {
    if (await deps.store.findDigestByMessage(context.channel, context.messageTs)) return false;
    const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
    if (!loaded) return false;
    // Seen by the clicker alone (an ephemeral answer, or a DM: a `D…` channel): their own gap shows Release.
    const personal = context.ephemeral === true || context.channel.startsWith('D');
    const viewer = personal ? { viewerUserId: context.userId } : {};
    let message: OutgoingMessage | null = null;
    const customer = loaded.index.byId(customerId);
    const listed = loaded.snapshot.result.priorities.find((p) => p.customerId === customerId);
    const found = listed ?? (customer ? priorityOfCustomer(customer) : null);
    if (found) {
      const [priority = found] = deps.people ? await deps.people.withSlackUsers([found]) : [found];
      const card = renderGapCard(priority, state, {
        currency: loaded.settings.currency,
        series: customer?.series ?? [],
        ...(context.digestRunId ? { digestRunId: context.digestRunId } : {}),
        ...viewer,
      });
      const replaced = replaceCard(blocks, customerId, card as AnyBlock[]);
      if (replaced.replaced) message = { text: context.messageText || 'revgap', blocks: replaced.blocks };
    }
    if (!message && isDeepDiveOf(blocks, customerId)) {
      // A deep dive: rendered again, with its history and the button for the new state.
      const shared = !blocks.some(
        (b) =>
          b.type === 'actions' &&
          ((b as { elements?: { action_id?: string }[] }).elements ?? []).some(
            (e) => e.action_id === ACTION_SHARE,
          ),
      );
      message = await deepDiveOfCustomer(customerId, loaded, deps, {
        today: deps.now().toISOString().slice(0, 10),
        ...(shared ? {} : { shareButton: true }),
        ...(context.digestRunId ? { digestRunId: context.digestRunId } : {}),
        ...viewer,
      });
    }
    // Any other private message (the Release offer): it now says what was done.
    if (!message && context.ephemeral && result.reply) message = renderNotice(result.reply);
    if (!message) return false;
    if (context.ephemeral) {
      if (!context.responseUrl) return false;
      await deps.slack.respond(context.responseUrl, { ...message, replaceOriginal: true });
    } else {
      await deps.slack.updateMessage({ channel: context.channel, ts: context.messageTs, ...message });
    }
    return true;
  } catch (error) {
    log.warn({ err: error }, 'the message clicked could not be updated; the action is recorded');
    return false;
  }
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
  /** YYYY-MM-DD the next step is due. */
  nextStepDue?: string;
  note?: string;
  eventId: string;
}

/** The card a follow-up modal was opened from (its metadata), or null when the metadata is unusable. */
export function submissionContext(input: FollowUpSubmissionInput): CardActionContext | null {
  const metadata = decodeFollowUpMetadata(input.privateMetadata);
  if (!metadata) return null;
  // Opened from the Home tab: no message; the channel's card is found through the digest run.
  return {
    userId: input.userId,
    channel: metadata.channelId ?? '',
    messageTs: metadata.messageTs ?? '',
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
      ...(input.nextStepDue ? { nextStepDue: input.nextStepDue } : {}),
      ...(input.note ? { note: input.note } : {}),
    },
    deps,
  );
}
