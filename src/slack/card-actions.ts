/**
 * Delivers what the card buttons answer (use-cases/card-actions.ts): privately to whoever clicked,
 * with chat.postEphemeral in the channel or, where the bot is not a member (a shared answer in
 * another channel), through the click's response_url. A failure is told to the user in plain words.
 */
import { renderNotice } from '../render/slack/answers.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import {
  type CardActionContext,
  type CardActionKind,
  cardAction,
  type FollowUpSubmissionInput,
  followUpModal,
  submitFollowUp as recordSubmission,
  submissionContext,
} from '../use-cases/card-actions.ts';
import { slackErrorCode } from './slack-client.ts';
import type { SlackDeps } from './slack-deps.ts';

async function answerPrivately(
  deps: SlackDeps,
  context: CardActionContext,
  message: SlackMessage,
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

const tellUser = (deps: SlackDeps, context: CardActionContext, text: string): Promise<void> =>
  answerPrivately(deps, context, renderNotice(text));

/** Claim, Snooze or Deep dive from a card. */
export async function handleCardAction(
  input: CardActionContext & { kind: CardActionKind; eventId: string; snoozeWeeks?: number },
  deps: SlackDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'card-action', kind: input.kind, userId: input.userId });
  try {
    const reply = await cardAction(input, deps);
    if (reply) await answerPrivately(deps, input, reply);
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
    await deps.slack.openView(input.triggerId, await followUpModal(input, deps));
  } catch (error) {
    deps.logger.error({ err: error }, 'could not open the follow-up modal');
    await tellUser(
      deps,
      input,
      `:warning: Sorry, the follow-up form did not open: ${(error as Error).message}`,
    ).catch(() => undefined);
  }
}

/** The follow-up modal was submitted (and validated): record, announce, update the card. */
export async function submitFollowUp(input: FollowUpSubmissionInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'follow-up-modal', userId: input.userId });
  const context = submissionContext(input);
  if (!context) {
    log.error({ privateMetadata: input.privateMetadata }, 'follow-up modal without usable metadata');
    return;
  }
  try {
    await recordSubmission(context, input, deps);
  } catch (error) {
    log.error({ err: error }, 'follow-up not recorded');
    await tellUser(
      deps,
      context,
      `:warning: Sorry, your follow-up was not saved: ${(error as Error).message}`,
    ).catch(() => undefined);
  }
}
