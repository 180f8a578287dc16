/**
 * The one door to Slack's Web API for everything revgap sends: every message and modal is checked
 * against Slack's documented limits before it leaves (a message Slack refuses is a lost digest),
 * and every call runs through one `run` hook, where retries, pacing and fault injection plug in
 * (see reliability/create-slack-delivery.ts). Listeners and use-cases never call `client.chat.*`
 * themselves.
 */
import type { types, webApi } from '@slack/bolt';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { checkMessage, checkView } from '../render/slack/block-kit-limits.ts';
import type { AnyBlock, OutgoingMessage } from '../render/slack/message.ts';
import type { ChatPort } from '../use-cases/ports.ts';
import { findPostedMessage } from './reliability/find-posted-message.ts';

/** Message shapes are render's (src/render/slack/message.ts); the client delivers them. */
export type SlackBlock = AnyBlock;
export type { OutgoingMessage };

/** What a Slack call is, for the `run` hook (logs, pacing per channel, retry decisions). */
export interface SlackCall {
  /** e.g. `chat.postMessage`, `digest file upload`. */
  label: string;
  channel?: string;
  /** Posting calls are paced per channel; reads and updates need not be. */
  paced?: boolean;
  /** Error codes that are an answer, not a failure (logged at debug): `users_not_found` for a lookup. */
  expectedCodes?: readonly string[];
  /**
   * After a timeout or dropped connection, looks for what the call did anyway (the posted message)
   * so that a retry does not do it twice; resolves to the call's result, or undefined.
   */
  recover?: () => Promise<unknown>;
}

/** Runs one Slack call; the default just calls it. Reliability wraps retries and pacing here. */
export type SlackCallRunner = <T>(call: SlackCall, fn: (attempt: number) => Promise<T>) => Promise<T>;

export interface SlackClient extends ChatPort {
  /** Whether `userId` is a (not deactivated) user of the workspace (users.info; user_not_found: false). */
  userExists(userId: string): Promise<boolean>;
  /** The bot's own user id (`auth.test`), cached. */
  botUserId(): Promise<string>;
}

export interface CreateSlackClientOptions {
  web: webApi.WebClient;
  logger: Logger;
  run?: SlackCallRunner;
  /** For `respond` (tests inject one); default global fetch. */
  fetch?: typeof fetch;
}

/** A reply as a response_url takes it, or as the body of a command's acknowledgement. */
export interface ReplyBody {
  text: string;
  blocks?: AnyBlock[];
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  delete_original?: boolean;
}

/**
 * The JSON body of a reply, checked against Block Kit's limits like every message: the same for a
 * response_url POST and for the message carried by a slash command's acknowledgement.
 */
export function replyBody(message: Parameters<ChatPort['respond']>[1], what: string): ReplyBody {
  assertMessageFits(message, what);
  return {
    text: message.text,
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.responseType ? { response_type: message.responseType } : {}),
    ...(message.replaceOriginal !== undefined ? { replace_original: message.replaceOriginal } : {}),
    ...(message.deleteOriginal !== undefined ? { delete_original: message.deleteOriginal } : {}),
  };
}

const directRun: SlackCallRunner = (_call, fn) => fn(1);

/** Refuses a message that breaks a Block Kit limit, naming every broken limit. */
export function assertMessageFits(message: OutgoingMessage, what: string): void {
  if (!message.text || message.text.trim() === '') {
    throw new AppError('INTERNAL', `${what} has no text fallback; Slack needs one for notifications.`);
  }
  const violations = checkMessage(message as Parameters<typeof checkMessage>[0]);
  if (violations.length > 0) {
    throw new AppError('INTERNAL', `${what} breaks Slack's limits: ${describeViolations(violations)}`, {
      hint: 'This is a revgap bug: the message was not sent. Please report it with this log line.',
    });
  }
}

export function assertViewFits(view: types.View, what: string): void {
  const violations = checkView(view as unknown as Record<string, unknown>);
  if (violations.length > 0) {
    throw new AppError('INTERNAL', `${what} breaks Slack's limits: ${describeViolations(violations)}`, {
      hint: `This is a revgap bug: the ${view.type === 'home' ? 'Home tab was not published' : 'modal was not opened'}. Please report it with this log line.`,
    });
  }
}

function describeViolations(violations: readonly unknown[]): string {
  return violations
    .slice(0, 5)
    .map((v) => {
      if (typeof v === 'object' && v !== null && 'message' in v)
        return String((v as { message: unknown }).message);
      return JSON.stringify(v);
    })
    .join('; ');
}

export function createSlackClient(options: CreateSlackClientOptions): SlackClient {
  const { web, logger } = options;
  const run = options.run ?? directRun;
  const doFetch = options.fetch ?? fetch;
  let botUserId: Promise<string> | null = null;

  return {
    async postMessage(message) {
      assertMessageFits(message, 'A message');
      const sentAtMs = Date.now();
      // A post whose answer was lost may have gone through: find it rather than post it twice.
      const recover = async () => {
        const found = await findPostedMessage(web, {
          channel: message.channel,
          text: message.text,
          sentAtMs,
          ...(message.threadTs ? { threadTs: message.threadTs } : {}),
        });
        return found && { ok: true, ts: found.ts, channel: found.channel };
      };
      const result = await run(
        { label: 'chat.postMessage', channel: message.channel, paced: true, recover },
        () =>
          web.chat.postMessage({
            channel: message.channel,
            text: message.text,
            ...(message.blocks ? { blocks: message.blocks } : {}),
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
            unfurl_links: false,
            unfurl_media: false,
          }),
      );
      if (!result.ts) throw new AppError('SLACK_API', 'chat.postMessage answered without a message ts');
      return { ts: result.ts, channel: result.channel ?? message.channel };
    },

    async updateMessage(message) {
      assertMessageFits(message, 'A message update');
      await run({ label: 'chat.update', channel: message.channel, paced: false }, () =>
        web.chat.update({
          channel: message.channel,
          ts: message.ts,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        }),
      );
    },

    async postEphemeral(message) {
      assertMessageFits(message, 'An ephemeral message');
      await run({ label: 'chat.postEphemeral', channel: message.channel, paced: false }, () =>
        web.chat.postEphemeral({
          channel: message.channel,
          user: message.user,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
          ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
        }),
      );
    },

    async respond(responseUrl, message) {
      const body = replyBody(message, 'A reply');
      await run({ label: 'response_url', paced: false }, async () => {
        const response = await doFetch(responseUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
        if (!response.ok) {
          // Expired (30 min) or used up (5 uses): nothing to retry, the caller tells the user another way.
          throw new AppError('SLACK_API', `response_url answered HTTP ${response.status}`);
        }
      });
    },

    async openView(triggerId, view) {
      assertViewFits(view, 'A modal');
      // trigger_id lives 3 s and works once: never retried.
      const result = await web.views.open({ trigger_id: triggerId, view });
      return { viewId: result.view?.id ?? null };
    },

    async updateView(viewId, view) {
      assertViewFits(view, 'A modal update');
      await run({ label: 'views.update', paced: false }, () => web.views.update({ view_id: viewId, view }));
    },

    async pushView(triggerId, view) {
      assertViewFits(view, 'A modal');
      // trigger_id lives 3 s and works once: never retried.
      await web.views.push({ trigger_id: triggerId, view });
    },

    async publishView(userId, view) {
      assertViewFits(view, 'A Home tab');
      // A publish replaces the whole tab, so a repeat does no harm: retried like a read.
      await run({ label: 'views.publish', paced: false }, () => web.views.publish({ user_id: userId, view }));
    },

    async uploadFile(file) {
      const channel = file.channel;
      const result = await run(
        { label: 'files.uploadV2', ...(channel ? { channel } : {}), paced: channel !== undefined },
        () =>
          // The argument type is a union keyed on which optional fields are present; this shape is one of them.
          web.filesUploadV2({
            ...(channel ? { channel_id: channel } : {}),
            ...(file.threadTs ? { thread_ts: file.threadTs } : {}),
            filename: file.filename,
            title: file.title,
            ...(typeof file.content === 'string'
              ? { content: file.content }
              : { file: Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength) }),
            ...(file.initialComment ? { initial_comment: file.initialComment } : {}),
            ...(file.altText ? { alt_text: file.altText } : {}),
          } as webApi.FilesUploadV2Arguments),
      );
      // The answer nests as files[0].files[0] (one completeUploadExternal call holding one file).
      const outer = (result as { files?: Array<{ files?: Array<{ id?: string }> }> }).files;
      const fileId = outer?.[0]?.files?.[0]?.id ?? null;
      logger.debug({ fileId, channel: file.channel, threadTs: file.threadTs }, 'file uploaded');
      return { fileId };
    },

    async openDirectMessage(userId) {
      const result = await run({ label: 'conversations.open', paced: false }, () =>
        web.conversations.open({ users: userId }),
      );
      const id = result.channel?.id;
      if (!id) throw new AppError('SLACK_API', 'conversations.open answered without a channel id');
      return id;
    },

    async fetchMessage(channel, ts, threadTs) {
      type Found = { ts?: string; text?: string; blocks?: unknown[] };
      let messages: Found[] | undefined;
      if (threadTs !== undefined && threadTs !== ts) {
        const result = await run({ label: 'conversations.replies', paced: false }, () =>
          web.conversations.replies({
            channel,
            ts: threadTs,
            oldest: ts,
            latest: ts,
            inclusive: true,
            limit: 10,
          }),
        );
        messages = result.messages as Found[] | undefined;
      } else {
        const result = await run({ label: 'conversations.history', paced: false }, () =>
          web.conversations.history({ channel, oldest: ts, latest: ts, inclusive: true, limit: 1 }),
        );
        messages = result.messages as Found[] | undefined;
      }
      const found = messages?.find((m) => m.ts === ts);
      if (!found) return null;
      return { text: found.text ?? '', blocks: (found.blocks ?? []) as SlackBlock[] };
    },

    async lookupUserByEmail(email) {
      try {
        const result = await run(
          { label: 'users.lookupByEmail', paced: false, expectedCodes: ['users_not_found'] },
          () => web.users.lookupByEmail({ email }),
        );
        return result.user?.id ?? null;
      } catch (error) {
        if (slackErrorCode(error) === 'users_not_found') return null;
        throw error;
      }
    },

    async userExists(userId) {
      try {
        const result = await run(
          { label: 'users.info', paced: false, expectedCodes: ['user_not_found'] },
          () => web.users.info({ user: userId }),
        );
        return result.user?.id === userId && result.user?.deleted !== true;
      } catch (error) {
        if (slackErrorCode(error) === 'user_not_found') return false;
        throw error;
      }
    },

    async userEmail(userId) {
      const result = await run({ label: 'users.info', paced: false }, () => web.users.info({ user: userId }));
      return result.user?.profile?.email ?? null;
    },

    botUserId() {
      botUserId ??= web.auth.test().then((r) => {
        if (!r.user_id) throw new AppError('SLACK_API', 'auth.test answered without a user id');
        return r.user_id;
      });
      botUserId.catch(() => {
        botUserId = null;
      });
      return botUserId;
    },
  };
}

/**
 * The Slack error code (`users_not_found`, `channel_not_found`...) of a Web API error, if any,
 * looking through wrappers (a retry layer's error keeps the original as its `cause`).
 */
export function slackErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const data = (current as { data?: { error?: unknown } }).data;
    if (typeof data?.error === 'string') return data.error;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
