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
import { refreshDeepDive } from './deep-dive-modal.ts';
import { slackErrorCode } from './slack-client.ts';
import type { SlackDeps } from './slack-deps.ts';

/** A click on the Home tab (or in a modal opened from it): there is no channel message to answer by. */
function fromHome(context: CardActionContext): boolean {
  return context.channel === '';
}

/**
 * The deps for a Home tab click: an ephemeral note has no channel to go to, and the Home tab is
 * re-published after the action (onRecorded), which shows its result, so such notes are dropped.
 */
function forHome(deps: SlackDeps): SlackDeps {
  const slack = deps.slack;
  return {
    ...deps,
    slack: {
      ...slack,
      postEphemeral: async (message) => {
        if (message.channel) await slack.postEphemeral(message);
      },
    },
  };
}

async function answerPrivately(
  deps: SlackDeps,
  context: CardActionContext,
  message: SlackMessage,
): Promise<void> {
  // From the Home tab: the answer (a deep dive, a failure) comes as a direct message.
  if (fromHome(context)) {
    await deps.slack.postMessage({ channel: context.userId, ...message });
    return;
  }
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
    const home = fromHome(input);
    const reply = await cardAction(input, home ? forHome(deps) : deps);
    // A click in the deep-dive modal (also one opened from the Home tab): the modal shows the new
    // state (the clicked copy stays true).
    if (input.view && input.kind !== 'deep_dive') await refreshDeepDive(input, input.view.id, deps);
    // On the Home tab, "Done." is the re-published tab itself; a deep dive or a refusal comes by DM.
    if (reply && !(home && reply.text === 'Done.')) await answerPrivately(deps, input, reply);
  } catch (error) {
    log.error({ err: error }, 'card action failed');
    await tellUser(deps, input, `:warning: Sorry, that did not work: ${(error as Error).message}`).catch(
      (tellError: unknown) => log.error({ err: tellError }, 'could not tell the user'),
    );
  }
}

/** "Log follow-up": opens the modal right away (the trigger id lives 3 seconds). */
export async function openFollowUpModal(
  input: CardActionContext & { triggerId: string; fromModal?: boolean },
  deps: SlackDeps,
): Promise<void> {
  try {
    const view = await followUpModal(input, deps);
    // From the deep-dive modal: on top of it (views.push); elsewhere a new modal.
    if (input.fromModal) await deps.slack.pushView(input.triggerId, view);
    else await deps.slack.openView(input.triggerId, view);
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
    await recordSubmission(context, input, fromHome(context) ? forHome(deps) : deps);
  } catch (error) {
    log.error({ err: error }, 'follow-up not recorded');
    await tellUser(
      deps,
      context,
      `:warning: Sorry, your follow-up was not saved: ${(error as Error).message}`,
    ).catch(() => undefined);
  }
}
