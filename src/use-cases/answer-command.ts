/**
 * Answers `/revgap`, `@revgap` and the buttons on those answers, from the last analysis snapshot
 * (never from the sales data: Slack gives 3 seconds). Command answers are private (ephemeral, with a
 * "Share in channel" button); mentions are answered in their thread for everyone there.
 *
 * Every failure is told to the user in plain words; nothing is swallowed.
 */
import type { GapState, Priority } from '../core/types.ts';
import { AppError } from '../errors.ts';
import { renderMarkdownReport } from '../render/markdown-report.ts';
import type { SlackMessage } from '../render/slack/_blocks.ts';
import { renderChurnList, renderHelp, renderMine, renderTopList } from '../render/slack/deep-dive-blocks.ts';
import { ACTION_SHARE, decodeCardAction, resolveCardKey } from '../render/slack/ids.ts';
import type { OutgoingMessage } from '../slack/slack-client.ts';
import { slackErrorCode } from '../slack/slack-client.ts';
import type { SlackDeps } from '../slack/slack-deps.ts';
import { rankedPriorities } from './account-managers.ts';
import { answerDeepDive } from './deep-dive.ts';
import { parseRevgapCommand, type RevgapRequest } from './parse-revgap-command.ts';
import type { LoadedSnapshot } from './refresh-snapshot.ts';

export interface CommandInput {
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
}

/** How an answer is delivered: privately (command) or in a thread (mention). */
type Audience = 'private' | 'thread';

const NO_SNAPSHOT: OutgoingMessage = {
  text: 'revgap has no analysis to answer from yet.',
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          ':hourglass: revgap has no analysis to answer from yet: it runs at start-up and before each digest. ' +
          'Try again in a minute; if this persists, an admin should check the revgap log.',
      },
    },
  ],
};

function failureMessage(error: unknown): OutgoingMessage {
  const code = slackErrorCode(error);
  const hint = error instanceof AppError && error.hint ? ` ${error.hint}` : '';
  const what =
    code === 'not_in_channel' || code === 'channel_not_found'
      ? 'revgap is not in this channel. Invite it with `/invite @revgap`, or ask in the revenue channel.'
      : `Sorry, that did not work: ${error instanceof Error ? error.message : String(error)}.${hint}`;
  return { text: what, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: ${what}` } }] };
}

/** A "Share in channel" button under a private answer, carrying what to re-answer. */
function withShareButton(message: SlackMessage, request: RevgapRequest): OutgoingMessage {
  const already = message.blocks.some(
    (b) => b.type === 'actions' && b.elements.some((e) => 'action_id' in e && e.action_id === ACTION_SHARE),
  );
  // A customer query that found one customer carries its own Share button (deep dive); pick lists
  // and "not found" answers are not worth sharing.
  if (already || request.kind === 'help' || request.kind === 'customer') return message;
  const value = JSON.stringify({ q: requestText(request) });
  if (value.length > 2000 || message.blocks.length >= 50) return message;
  return {
    text: message.text,
    blocks: [
      ...message.blocks,
      {
        type: 'actions',
        block_id: 'share',
        elements: [
          {
            type: 'button',
            action_id: ACTION_SHARE,
            text: { type: 'plain_text', text: 'Share in channel' },
            value,
          },
        ],
      },
    ],
  };
}

function requestText(request: RevgapRequest): string {
  switch (request.kind) {
    case 'top':
      return request.n === null ? 'top' : `top ${request.n}`;
    case 'customer':
      return request.query;
    default:
      return request.kind;
  }
}

/** The caller's Slack user id plus profile email, for matching account managers. */
async function callerIdentities(userId: string, deps: SlackDeps): Promise<string[]> {
  const ids = [userId.toLowerCase()];
  try {
    const email = await deps.slack.userEmail(userId);
    if (email) ids.push(email.toLowerCase());
  } catch (error) {
    deps.logger.warn({ err: error, userId }, 'could not read the user email; matching by user id only');
  }
  return ids;
}

/** Builds the answer to a parsed request (no I/O to Slack beyond a profile lookup for `mine`). */
export async function buildAnswer(
  request: RevgapRequest,
  who: { userId: string; audience: Audience },
  loaded: LoadedSnapshot,
  deps: SlackDeps,
): Promise<SlackMessage> {
  const { result } = loaded.snapshot;
  const settings = loaded.settings;
  const today = deps.now().toISOString().slice(0, 10);
  const states = (): Promise<Map<string, GapState>> => deps.store.getGapStates(undefined, { today });
  const withSlackUsers = <T extends { accountManager?: string }>(items: T[]): Promise<T[]> =>
    deps.people ? deps.people.withSlackUsers(items) : Promise.resolve(items);
  switch (request.kind) {
    case 'help':
      return renderHelp();
    case 'top': {
      const n = request.n ?? 10;
      // Past the analysis' own top N too (up to 25), in rank order.
      const ranked: Priority[] = [];
      for (const p of rankedPriorities(result)) {
        if (ranked.length >= n) break;
        ranked.push(p);
      }
      const priorities = await withSlackUsers(ranked);
      return renderTopList({ ...result, priorities }, settings, { states: await states(), n });
    }
    case 'churn':
      return renderChurnList(
        { ...result, churnRisk: await withSlackUsers(result.churnRisk.slice(0, 25)) },
        settings,
      );
    case 'mine': {
      const me = new Set(await callerIdentities(who.userId, deps));
      const gapStates = await states();
      // The caller's whole book, not only the top N: their accounts (by Slack id or email) and
      // the gaps they claimed; account managers matching the caller become the caller's id.
      const priorities: Priority[] = [];
      for (const p of rankedPriorities(result)) {
        const mineByAccount = p.accountManager !== undefined && me.has(p.accountManager.toLowerCase());
        if (mineByAccount) priorities.push({ ...p, accountManager: who.userId });
        else if (gapStates.get(p.customerId)?.ownerUserId === who.userId) priorities.push(p);
      }
      return renderMine({
        userId: who.userId,
        result: { ...result, priorities },
        settings,
        states: gapStates,
      });
    }
    case 'report':
      throw new AppError('INTERNAL', 'report is answered by uploading the file');
    case 'customer':
      return answerDeepDive(request.query, loaded, deps, { shareButton: who.audience === 'private', today });
  }
}

/** `/revgap ...`: answer privately through the response_url. */
export async function answerCommand(input: CommandInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'command', userId: input.userId });
  const request = parseRevgapCommand(input.text);
  let message: OutgoingMessage;
  try {
    const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
    if (request.kind === 'help') message = renderHelp();
    else if (!loaded) message = NO_SNAPSHOT;
    else if (request.kind === 'report') message = await uploadReport(input, loaded, deps);
    else {
      const answer = await buildAnswer(request, { userId: input.userId, audience: 'private' }, loaded, deps);
      message = withShareButton(answer, request);
    }
  } catch (error) {
    log.error({ err: error, request: request.kind }, '/revgap failed');
    message = failureMessage(error);
  }
  await deps.slack.respond(input.responseUrl, { ...message, responseType: 'ephemeral' });
  log.info({ request: request.kind }, '/revgap answered');
}

async function uploadReport(
  input: CommandInput,
  loaded: LoadedSnapshot,
  deps: SlackDeps,
): Promise<OutgoingMessage> {
  await uploadReportFile(loaded, deps, {
    channel: input.channelId,
    initialComment: (asOf) => `<@${input.userId}> asked for the full revgap report (as of ${asOf}).`,
  });
  const text = 'The full report is uploaded in this channel.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `:page_facing_up: ${text}` } }] };
}

/**
 * Uploads the markdown report of the loaded snapshot as `revgap-report-<as-of day>.md` to a channel
 * (or a thread in it); returns the as-of day ("2026-11-22").
 */
async function uploadReportFile(
  loaded: LoadedSnapshot,
  deps: SlackDeps,
  target: { channel: string; threadTs?: string; initialComment?: (asOf: string) => string },
): Promise<string> {
  const { result } = loaded.snapshot;
  const asOf = new Date(result.asOf.endDay * 86_400_000).toISOString().slice(0, 10);
  await deps.slack.uploadFile({
    channel: target.channel,
    ...(target.threadTs === undefined ? {} : { threadTs: target.threadTs }),
    filename: `revgap-report-${asOf}.md`,
    title: `revgap report, as of ${asOf}`,
    content: renderMarkdownReport(result, loaded.settings),
    ...(target.initialComment ? { initialComment: target.initialComment(asOf) } : {}),
  });
  return asOf;
}

export interface ButtonInput {
  /** The button's value. */
  value: string;
  userId: string;
  channelId: string;
  responseUrl: string;
}

/** "Share in channel": the same answer posted for everyone, then the private copy removed. */
export async function shareAnswer(input: ButtonInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'share', userId: input.userId });
  try {
    const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
    if (!loaded) {
      await deps.slack.respond(input.responseUrl, {
        ...NO_SNAPSHOT,
        responseType: 'ephemeral',
        replaceOriginal: false,
      });
      return;
    }
    const request = shareRequest(input.value, loaded);
    const answer = await buildAnswer(request, { userId: input.userId, audience: 'thread' }, loaded, deps);
    const sharedBy = {
      type: 'context' as const,
      elements: [{ type: 'mrkdwn' as const, text: `Shared by <@${input.userId}>` }],
    };
    const blocks = answer.blocks.length < 50 ? [...answer.blocks, sharedBy] : answer.blocks;
    await deps.slack.postMessage({ channel: input.channelId, text: answer.text, blocks });
    await deps.slack.respond(input.responseUrl, { text: 'Shared.', deleteOriginal: true });
  } catch (error) {
    log.error({ err: error }, 'share failed');
    await deps.slack.respond(input.responseUrl, { ...failureMessage(error), replaceOriginal: false });
  }
}

function shareRequest(value: string, loaded: LoadedSnapshot): RevgapRequest {
  try {
    const parsed = JSON.parse(value) as { q?: unknown };
    if (typeof parsed.q === 'string') return parseRevgapCommand(parsed.q);
  } catch {
    // Not a JSON query: a card value below.
  }
  const card = decodeCardAction(value);
  const customerId =
    card?.customerId ??
    (card?.cardKey
      ? resolveCardKey(
          card.cardKey,
          loaded.snapshot.result.customers.map((c) => c.customerId),
        )
      : null);
  if (!customerId) throw new AppError('BAD_INPUT', 'this button no longer points at a customer');
  return { kind: 'customer', query: customerId };
}

/** A customer picked from a pick list: the private list is replaced by that customer's deep dive. */
export async function answerPickedCustomer(input: ButtonInput, deps: SlackDeps): Promise<void> {
  let message: OutgoingMessage;
  try {
    const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
    if (!loaded) message = NO_SNAPSHOT;
    else {
      const request = shareRequest(input.value, loaded);
      const answer = await buildAnswer(request, { userId: input.userId, audience: 'private' }, loaded, deps);
      message = withShareButton(answer, request);
    }
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

export interface MentionInput {
  text: string;
  userId: string;
  channelId: string;
  threadTs: string;
}

/** `@revgap <customer>`: the answer goes in the thread it was asked in. */
export async function answerMention(input: MentionInput, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ component: 'mention', userId: input.userId });
  const text = input.text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ').trim();
  const request = parseRevgapCommand(text);
  let message: OutgoingMessage;
  try {
    const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
    if (request.kind === 'help') message = renderHelp();
    else if (!loaded) message = NO_SNAPSHOT;
    else if (request.kind === 'report') {
      message = await uploadReportInThread(input, loaded, deps);
    } else message = await buildAnswer(request, { userId: input.userId, audience: 'thread' }, loaded, deps);
  } catch (error) {
    log.error({ err: error, request: request.kind }, 'mention failed');
    message = failureMessage(error);
  }
  await deps.slack.postMessage({ channel: input.channelId, threadTs: input.threadTs, ...message });
  log.info({ request: request.kind }, 'mention answered');
}

async function uploadReportInThread(
  input: MentionInput,
  loaded: LoadedSnapshot,
  deps: SlackDeps,
): Promise<OutgoingMessage> {
  const asOf = await uploadReportFile(loaded, deps, { channel: input.channelId, threadTs: input.threadTs });
  const text = `<@${input.userId}> here is the full report (as of ${asOf}).`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
