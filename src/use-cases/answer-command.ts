/**
 * Answers `/revgap`, `@revgap` and the buttons on those answers (Share in channel, a pick from a
 * pick list), from the last analysis snapshot (never from the sales data: Slack gives 3 seconds).
 * Returns the answer: the message (built by render/slack) and the report file to share first, if
 * any. Delivering it (privately through a response_url, or in a thread) and saying what went wrong
 * when that fails is the Slack adapter's job (src/slack/answers.ts).
 */

import { rankedPriorities } from '../core/analyze.ts';
import type { GapState, Priority } from '../core/types.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { renderMarkdownReport, reportFileNames } from '../render/markdown-report.ts';
import {
  renderNoSnapshot,
  renderReportSentByDm,
  withShareButton,
  withSharedBy,
} from '../render/slack/answers.ts';
import {
  CHURN_LIST_LIMIT,
  renderChurnList,
  renderHelp,
  renderMine,
  renderTopList,
} from '../render/slack/deep-dive-blocks.ts';
import { cardPriorities } from '../render/slack/digest.ts';
import { decodeCardAction, resolveCardKey } from '../render/slack/ids.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import type { HoldoutStore } from '../store/holdout-store.ts';
import type { FollowUpStore } from '../store/state-store.ts';
import type { AccountManagerDirectory } from './account-managers.ts';
import { answerDeepDive } from './deep-dive.ts';
import { typedFollowUpSyntax } from './follow-up-by-text.ts';
import { loadHeldOut, visiblePriorities, withoutHeldOut } from './holdout.ts';
import { isMine, isOpenForAction } from './my-accounts.ts';
import { parseRevgapCommand, type RevgapRequest } from './parse-revgap-command.ts';
import type { ChatPort, FileToShare } from './ports.ts';
import type { LoadedSnapshot, SnapshotHolder } from './refresh-snapshot.ts';

export interface AnswerDeps {
  /** Profile emails, to match the caller with account managers (`mine`). */
  chat: Pick<ChatPort, 'userEmail'>;
  store: FollowUpStore;
  snapshots: SnapshotHolder;
  /** Shows account managers given by email as Slack users (optional). */
  people?: AccountManagerDirectory;
  logger: Logger;
  now: () => Date;
  /** Holdout assignments: held-out customers are left out of top, mine and the report (optional). */
  holdout?: Pick<HoldoutStore, 'listHoldoutAssignments'>;
}

/** Who asked, and where the answer goes: privately (command, pick) or in a thread (mention, share). */
export interface Asker {
  userId: string;
  audience: 'private' | 'thread';
}

/** What to deliver: share `report` first (when set), then post `message`. */
export interface Answer {
  request: RevgapRequest | null;
  message: SlackMessage;
  report?: FileToShare;
  /** The report goes to the asker's direct messages, not the channel or thread asked in. */
  reportByDm?: boolean;
  /**
   * Personal (a deep dive, `mine`) asked for in a thread: shown only to the asker, with a Share
   * button; sharing is their explicit choice.
   */
  privateInThread?: boolean;
}

/** Requests whose answer is personal: private wherever they are asked (issue 10, private by default). */
const PERSONAL: ReadonlySet<RevgapRequest['kind']> = new Set(['mine', 'customer', 'report']);

function requestText(request: RevgapRequest): string {
  switch (request.kind) {
    case 'top':
      return request.all ? 'top all' : request.n === null ? 'top' : `top ${request.n}`;
    case 'churn':
      return request.all ? 'churn all' : 'churn';
    case 'customer':
      return request.query;
    default:
      return request.kind;
  }
}

/** The caller's Slack user id plus profile email, for matching account managers. */
async function callerIdentities(userId: string, deps: AnswerDeps): Promise<string[]> {
  const ids = [userId.toLowerCase()];
  try {
    const email = await deps.chat.userEmail(userId);
    if (email) ids.push(email.toLowerCase());
  } catch (error) {
    deps.logger.warn({ err: error, userId }, 'could not read the user email; matching by user id only');
  }
  return ids;
}

/** Builds the answer to a parsed request (no I/O to Slack beyond a profile lookup for `mine`). */
export async function buildAnswer(
  request: RevgapRequest,
  who: Asker,
  loaded: LoadedSnapshot,
  deps: AnswerDeps,
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
      // Past the analysis' own top N too, in rank order; the answer says how many there are in all.
      const visible = [...visiblePriorities(rankedPriorities(result), await loadHeldOut(deps.holdout))];
      const n = request.all ? visible.length : (request.n ?? 10);
      const priorities = await withSlackUsers(visible.slice(0, n));
      return renderTopList({ ...result, priorities }, settings, {
        states: await states(),
        n,
        total: cardPriorities(visible).length,
        ...(request.all ? { all: true } : {}),
        ...(who.audience === 'private' ? { viewerUserId: who.userId, origin: requestText(request) } : {}),
      });
    }
    case 'churn': {
      const churnRisk = withoutHeldOut(result, await loadHeldOut(deps.holdout)).churnRisk;
      const limit = request.all ? churnRisk.length : CHURN_LIST_LIMIT;
      return renderChurnList(
        { ...result, churnRisk: await withSlackUsers(churnRisk.slice(0, limit)) },
        settings,
        { total: churnRisk.length, ...(request.all ? { all: true } : {}) },
      );
    }
    case 'mine': {
      const [, email] = await callerIdentities(who.userId, deps);
      const me = { userId: who.userId, email: email ?? null };
      const gapStates = await states();
      // The caller's whole book, not only the top N: their accounts (by Slack id or email) and
      // the gaps they claimed; account managers matching the caller become the caller's id.
      const priorities: Priority[] = [];
      let claimedByOthers = 0;
      for (const p of visiblePriorities(rankedPriorities(result), await loadHeldOut(deps.holdout))) {
        // The same rule as the Home tab (my-accounts.ts): lost and dismissed gaps are left out;
        // snoozed ones stay, counted as snoozed in the split.
        const state = gapStates.get(p.customerId);
        if (!isOpenForAction(p, state)) continue;
        const mineByAccount = isMine(p.accountManager, undefined, me);
        if (state?.ownerUserId !== undefined && state.ownerUserId !== who.userId) {
          // Someone else has claimed it: theirs to follow up now, counted but not listed.
          if (mineByAccount) claimedByOthers++;
          continue;
        }
        if (mineByAccount) priorities.push({ ...p, accountManager: who.userId });
        else if (state?.ownerUserId === who.userId) priorities.push(p);
      }
      return renderMine({
        userId: who.userId,
        result: { ...result, priorities },
        settings,
        states: gapStates,
        private: who.audience === 'private',
        claimedByOthers,
      });
    }
    case 'report':
      throw new AppError('INTERNAL', 'report is answered by uploading the file');
    case 'log':
    case 'snooze':
      throw new AppError('INTERNAL', `${request.kind} is recorded by recordTypedFollowUp, not answered`);
    case 'customer':
      // `log acme` (no colon) or `snooze acme` (no weeks): a customer of that name, else the syntax.
      if (request.commandHint && loaded.index.find(request.query).kind !== 'found')
        return typedFollowUpSyntax(request.commandHint);
      return answerDeepDive(request.query, loaded, deps, {
        shareButton: who.audience === 'private',
        today,
        ...(who.audience === 'private' ? { viewerUserId: who.userId } : {}),
      });
  }
}

/** The answer to `/revgap <text>` (private) or `@revgap <text>` (in the thread). */
export async function answerRevgap(text: string, who: Asker, deps: AnswerDeps): Promise<Answer> {
  const request = parseRevgapCommand(text);
  if (request.kind === 'help') return { request, message: renderHelp() };
  const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
  if (!loaded) return { request, message: renderNoSnapshot() };
  if (request.kind === 'report') {
    // Private by default: the file goes to the asker's direct messages, never the channel or thread.
    const report = reportFile(loaded, await loadHeldOut(deps.holdout));
    return {
      request,
      report: { ...report.file, initialComment: `The full revgap report you asked for (${report.asOf}).` },
      reportByDm: true,
      message: renderReportSentByDm(report.asOf),
    };
  }
  if (who.audience === 'thread' && PERSONAL.has(request.kind)) {
    const message = await buildAnswer(request, { ...who, audience: 'private' }, loaded, deps);
    return { request, message: shareable(message, request), privateInThread: true };
  }
  const message = await buildAnswer(request, who, loaded, deps);
  return { request, message: who.audience === 'private' ? shareable(message, request) : message };
}

/**
 * The answer a button on an answer asks for: "Share in channel" (`share`: the same answer for
 * everyone, signed) or a customer picked from a pick list (`pick`: that customer, privately).
 */
export async function answerButton(
  value: string,
  who: { userId: string; button: 'share' | 'pick' },
  deps: AnswerDeps,
): Promise<Answer> {
  const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
  if (!loaded) return { request: null, message: renderNoSnapshot() };
  const request = buttonRequest(value, loaded);
  if (who.button === 'share') {
    const answer = await buildAnswer(request, { userId: who.userId, audience: 'thread' }, loaded, deps);
    return { request, message: withSharedBy(answer, who.userId) };
  }
  const answer = await buildAnswer(request, { userId: who.userId, audience: 'private' }, loaded, deps);
  return { request, message: shareable(answer, request) };
}

/**
 * A private answer with "Share in channel". A customer query that found one customer carries its
 * own Share button (deep dive); pick lists, "not found" and help are not worth sharing.
 */
function shareable(message: SlackMessage, request: RevgapRequest): SlackMessage {
  if (request.kind === 'help' || request.kind === 'customer') return message;
  return withShareButton(message, requestText(request));
}

/** The markdown report of the loaded snapshot, named by its as-of period as the digest names it. */
function reportFile(
  loaded: LoadedSnapshot,
  heldOut: ReadonlySet<string>,
): { file: FileToShare; asOf: string } {
  const result = withoutHeldOut(loaded.snapshot.result, heldOut);
  const names = reportFileNames(result);
  return {
    asOf: names.period,
    file: {
      filename: names.filename,
      title: names.title,
      content: renderMarkdownReport(result, loaded.settings),
    },
  };
}

function buttonRequest(value: string, loaded: LoadedSnapshot): RevgapRequest {
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
