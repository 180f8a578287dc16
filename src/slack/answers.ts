/**
 * Delivers the answers of use-cases/answer-command.ts: `/revgap` privately through the command's
 * response_url, `@revgap` in its thread, "Share in channel" for everyone (then the private copy
 * removed), a pick from a pick list in place of the list. Shares the report file first when the
 * answer has one. Any failure is told to the user in plain words (the Slack error codes are read
 * here); nothing is swallowed.
 */
import { AppError } from '../errors.ts';
import { renderFailure } from '../render/slack/answers.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import { type Answer, type AnswerDeps, answerButton, answerRevgap } from '../use-cases/answer-command.ts';
import { recordTypedFollowUp, type TypedFollowUp } from '../use-cases/follow-up-by-text.ts';
import { parseRevgapCommand } from '../use-cases/parse-revgap-command.ts';
import { type ReplyBody, replyBody, slackErrorCode } from './slack-client.ts';
import type { SlackDeps } from './slack-deps.ts';

export interface CommandInput {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  /** The command's trigger id: the idempotency key of a typed follow-up (`/revgap log …`). */
  triggerId?: string;
}

export interface ButtonInput {
  /** The button's value. */
  value: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  /** The thread the clicked message is in (a private answer to a mention): shared there. */
  threadTs?: string;
}

export interface MentionInput {
  text: string;
  userId: string;
  channelId: string;
  threadTs: string;
  /** The mention's own ts: the idempotency key of a typed follow-up (`@revgap log …`). */
  ts?: string;
}

const answerDeps = (deps: SlackDeps): AnswerDeps => ({ ...deps, chat: deps.slack });

/** What went wrong, in plain words, with what to do. */
export function failureMessage(error: unknown): SlackMessage {
  const code = slackErrorCode(error);
  const hint = error instanceof AppError && error.hint ? ` ${error.hint}` : '';
  const what =
    code === 'not_in_channel' || code === 'channel_not_found'
      ? 'revgap is not in this channel. Invite it with `/invite @revgap`, or ask in the revenue channel.'
      : `Sorry, that did not work: ${error instanceof Error ? error.message : String(error)}.${hint}`;
  return renderFailure(what);
}

/** Shares the answer's report file (if any) in the channel or thread; resolves to the message to send. */
async function withReportShared(
  answer: Answer,
  deps: SlackDeps,
  target: { channel: string; threadTs?: string; userId: string },
): Promise<SlackMessage> {
  if (answer.report) {
    if (answer.reportByDm) {
      // Private by default: into the asker's direct messages with the bot (conversations.open).
      const dm = await deps.slack.openDirectMessage(target.userId);
      await deps.slack.uploadFile({ channel: dm, ...answer.report });
    } else {
      await deps.slack.uploadFile({
        channel: target.channel,
        ...(target.threadTs === undefined ? {} : { threadTs: target.threadTs }),
        ...answer.report,
      });
    }
  }
  return answer.message;
}

/**
 * A follow-up typed as `/revgap log|snooze …` or `@revgap log|snooze …`, recorded like the buttons:
 * the private answer to give (null: nothing to add), or the failure in plain words, logged.
 */
async function typedFollowUpAnswer(
  input: Parameters<typeof recordTypedFollowUp>[0],
  deps: SlackDeps,
  log: SlackDeps['logger'],
): Promise<SlackMessage | null> {
  try {
    return await recordTypedFollowUp(input, deps);
  } catch (error) {
    log.error({ err: error }, 'typed follow-up failed');
    return failureMessage(error);
  }
}

/**
 * How long a `/revgap` answer may take to travel in the command's acknowledgement. Slack waits 3 s
 * for it and Bolt answers 404 itself after 3,001 ms; an answer not ready by then is acknowledged
 * empty and sent through the response_url when it is.
 */
export const ACK_ANSWER_BUDGET_MS = 1_500;

/** What the acknowledgement of a command carries: nothing, or the private answer itself. */
export type CommandAck = (body?: ReplyBody) => Promise<void>;

/**
 * `/revgap ...`, acknowledged and answered privately. A read-only request (a deep dive, `top`,
 * `churn`, `mine`, help) answered within `ACK_ANSWER_BUDGET_MS` goes in the acknowledgement itself,
 * which Slack shows as the reply (one HTTP response, no response_url round trip). Typed follow-ups
 * (they write), `report` (it uploads a file) and answers slower than the budget are acknowledged at
 * once and answered through the response_url.
 */
export async function acknowledgeCommand(
  input: CommandInput,
  ack: CommandAck,
  deps: SlackDeps,
  options: { budgetMs?: number } = {},
): Promise<void> {
  const request = parseRevgapCommand(input.text);
  if (request.kind === 'log' || request.kind === 'snooze' || request.kind === 'report') {
    await ack();
    await answerCommand(input, deps);
    return;
  }
  // The fields of a child logger, written with each line instead: a pino child per command
  // redacted its bindings on every answer (~5% of the bot's CPU per `/revgap <id>` at 50 at once).
  const fields = commandLogFields(input);
  const answer = privateAnswer(input, deps, fields);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), options.budgetMs ?? ACK_ANSWER_BUDGET_MS);
  });
  const inTime = await Promise.race([answer, late]);
  clearTimeout(timer);
  if (inTime) {
    let body: ReplyBody | undefined;
    try {
      body = replyBody({ ...inTime.message, responseType: 'ephemeral' }, 'A reply');
    } catch (error) {
      // Too big for Slack: say so in the acknowledgement instead of an empty reply.
      deps.logger.error({ ...fields, err: error, request: inTime.kind }, '/revgap failed');
      body = replyBody({ ...failureMessage(error), responseType: 'ephemeral' }, 'A reply');
    }
    await ack(body);
    deps.logger.info({ ...fields, request: inTime.kind, via: 'ack' }, '/revgap answered');
    return;
  }
  await ack();
  const { message, kind } = await answer;
  await deps.slack.respond(input.responseUrl, { ...message, responseType: 'ephemeral' });
  deps.logger.info({ ...fields, request: kind, via: 'response_url' }, '/revgap answered');
}

/** What every log line about a `/revgap` command carries. */
function commandLogFields(input: CommandInput): { component: string; userId: string } {
  return { component: 'command', userId: input.userId };
}

/** The private answer to `/revgap <text>` (not a typed follow-up); a failure in plain words. */
async function privateAnswer(
  input: CommandInput,
  deps: SlackDeps,
  fields: Record<string, unknown>,
): Promise<{ message: SlackMessage; kind: string }> {
  let kind = 'unknown';
  try {
    const answer = await answerRevgap(
      input.text,
      { userId: input.userId, audience: 'private' },
      answerDeps(deps),
    );
    kind = answer.request?.kind ?? kind;
    return {
      message: await withReportShared(answer, deps, { channel: input.channelId, userId: input.userId }),
      kind,
    };
  } catch (error) {
    deps.logger.error({ ...fields, err: error, request: kind }, '/revgap failed');
    return { message: failureMessage(error), kind };
  }
}

/** `/revgap ...` after an empty acknowledgement: answered privately through the response_url. */
export async function answerCommand(input: CommandInput, deps: SlackDeps): Promise<void> {
  const fields = commandLogFields(input);
  const log = deps.logger.child(fields);
  const typed = typedFollowUp(input.text);
  if (typed) {
    const answer = await typedFollowUpAnswer(
      {
        request: typed,
        userId: input.userId,
        channel: input.channelId,
        eventId: `command:${input.triggerId ?? `${input.channelId}:${input.userId}:${deps.now().getTime()}`}`,
      },
      deps,
      log.child({ request: typed.kind }),
    );
    // Null: already said (privately, where no digest shows the customer) or nothing new.
    if (answer) await deps.slack.respond(input.responseUrl, { ...answer, responseType: 'ephemeral' });
    return;
  }
  const { message, kind } = await privateAnswer(input, deps, fields);
  await deps.slack.respond(input.responseUrl, { ...message, responseType: 'ephemeral' });
  log.info({ request: kind, via: 'response_url' }, '/revgap answered');
}

/** "Share in channel": the same answer posted for everyone, then the private copy removed. */
export async function shareAnswer(input: ButtonInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'share', userId: input.userId });
  try {
    const answer = await answerButton(
      input.value,
      { userId: input.userId, button: 'share' },
      answerDeps(deps),
    );
    if (answer.request === null) {
      await deps.slack.respond(input.responseUrl, {
        ...answer.message,
        responseType: 'ephemeral',
        replaceOriginal: false,
      });
      return;
    }
    // Asked in a thread, shared in that thread; asked in the channel, shared in the channel.
    await deps.slack.postMessage({
      channel: input.channelId,
      ...(input.threadTs ? { threadTs: input.threadTs } : {}),
      ...answer.message,
    });
    await deps.slack.respond(input.responseUrl, { text: 'Shared.', deleteOriginal: true });
  } catch (error) {
    log.error({ err: error }, 'share failed');
    await deps.slack.respond(input.responseUrl, { ...failureMessage(error), replaceOriginal: false });
  }
}

/** A customer picked from a pick list: the private list is replaced by that customer's deep dive. */
export async function answerPickedCustomer(input: ButtonInput, deps: SlackDeps): Promise<void> {
  let message: SlackMessage;
  try {
    message = (await answerButton(input.value, { userId: input.userId, button: 'pick' }, answerDeps(deps)))
      .message;
  } catch (error) {
    deps.logger.error({ err: error }, 'pick failed');
    message = failureMessage(error);
  }
  await deps.slack.respond(input.responseUrl, {
    ...message,
    responseType: 'ephemeral',
    replaceOriginal: true,
  });
}

/** `@revgap <customer>`: the answer goes in the thread it was asked in. */
export async function answerMention(input: MentionInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'mention', userId: input.userId });
  const text = input.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
  let message: SlackMessage;
  let kind = 'unknown';
  const typed = typedFollowUp(text);
  if (typed) {
    await recordMentionedFollowUp(typed, input, deps);
    return;
  }
  // Personal answers (a deep dive, `mine`, the report) are shown to the asker only, in the thread.
  let privately = false;
  try {
    const answer = await answerRevgap(text, { userId: input.userId, audience: 'thread' }, answerDeps(deps));
    kind = answer.request?.kind ?? kind;
    privately = answer.privateInThread === true || answer.reportByDm === true;
    message = await withReportShared(answer, deps, {
      channel: input.channelId,
      threadTs: input.threadTs,
      userId: input.userId,
    });
  } catch (error) {
    log.error({ err: error, request: kind }, 'mention failed');
    message = failureMessage(error);
    // What went wrong concerns the asker, not the thread.
    privately = true;
  }
  if (privately) {
    await deps.slack.postEphemeral({
      channel: input.channelId,
      user: input.userId,
      threadTs: input.threadTs,
      ...message,
    });
  } else {
    await deps.slack.postMessage({ channel: input.channelId, threadTs: input.threadTs, ...message });
  }
  log.info({ request: kind, privately }, 'mention answered');
}

/** `log <customer>: <note>` or `snooze <customer> 2w`, or null for anything else. */
function typedFollowUp(text: string): TypedFollowUp | null {
  const request = parseRevgapCommand(text);
  return request.kind === 'log' || request.kind === 'snooze' ? request : null;
}

/**
 * `@revgap log …` / `@revgap snooze …`: recorded like the buttons (the reply goes in the digest
 * thread); a problem (several customers, none, a failure) is told privately to the writer, in the
 * thread they wrote in, so the shared thread stays quiet.
 */
async function recordMentionedFollowUp(
  typed: TypedFollowUp,
  input: MentionInput,
  deps: SlackDeps,
): Promise<void> {
  const log = deps.logger.child({ component: 'mention', userId: input.userId, request: typed.kind });
  const answer = await typedFollowUpAnswer(
    {
      request: typed,
      userId: input.userId,
      channel: input.channelId,
      threadTs: input.threadTs,
      eventId: `mention:${input.channelId}:${input.ts ?? input.threadTs}:${input.userId}`,
    },
    deps,
    log,
  );
  if (answer) {
    await deps.slack.postEphemeral({
      channel: input.channelId,
      user: input.userId,
      threadTs: input.threadTs,
      ...answer,
    });
  }
  log.info({ answered: answer !== null }, 'typed follow-up handled');
}
