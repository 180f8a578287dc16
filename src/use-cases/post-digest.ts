/**
 * Posts the weekly digest: one parent message that fits a screen (header, summary figures, the top
 * customers as compact lines with a menu of actions, the rest named), the full gap cards with their
 * buttons in its thread (as many messages as they need), then the markdown report uploaded into the
 * thread.
 *
 * The digest use-case (run-digest.ts) claims the run in the store first, for the scheduler and for
 * `revgap digest` alike; this posts it. Every posted part is recorded at once, so a run interrupted half-way is resumed
 * without posting anything twice, from the same snapshot and the same cards.
 */

import { rankedPriorities } from '../core/analyze.ts';
import { isGapHidden } from '../core/gap-state.ts';
import { compareHoldout } from '../core/holdout.ts';
import type { AnalysisResult, FollowUpEvent, GapState, Priority } from '../core/types.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { renderMarkdownReport, reportFileNames } from '../render/markdown-report.ts';
import { type FollowUpRecap, renderDigest } from '../render/slack/digest.ts';
import { cardBlockIds } from '../render/slack/ids.ts';
import type { HoldoutStore } from '../store/holdout-store.ts';
import type { FollowedUpGapRecord, RecoveryStore } from '../store/recovery-store.ts';
import type {
  DigestPriority,
  DigestRun,
  DigestRunStore,
  FollowUpStore,
  RefreshStatus,
  SnapshotStore,
} from '../store/state-store.ts';
import type { AccountManagerDirectory } from './account-managers.ts';
import { heldOutNow, visiblePriorities, withoutHeldOut } from './holdout.ts';
import { loadFollowUpResults, recoveredSince } from './measure-recovery.ts';
import { type OwnerDigestDeps, sendOwnerDigests } from './owner-digests.ts';
import type { ChatPort, OutgoingMessage } from './ports.ts';
import type { LoadedSnapshot, SnapshotHolder } from './refresh-snapshot.ts';
import { loadSnapshotInSlices } from './refresh-snapshot.ts';

/** The run it records, the follow-ups and gap states it shows, the snapshot freshness it reports. */
export type DigestStore = DigestRunStore & FollowUpStore & SnapshotStore;

export interface PostDigestDeps {
  slack: Pick<ChatPort, 'postMessage' | 'uploadFile'>;
  /** Shows account managers given by email as Slack users (optional). */
  people?: AccountManagerDirectory;
  store: DigestStore;
  snapshots: SnapshotHolder;
  logger: Logger;
  now: () => Date;
  /** Followed-up gaps, for "back to usual" in the recap (measured recovery; optional). */
  recovery?: RecoveryStore;
  /** Holdout assignments: held-out customers get no card and are not listed in the report (optional). */
  holdout?: HoldoutStore;
  /** The configured holdout share q in percent, for the report's method (default 0). */
  holdoutPercent?: number;
  /** "My digest by DM": sent after the channel digest, each recorded (optional). */
  ownerDigests?: OwnerDigestDeps;
}

export interface PostDigestContext {
  /** The claimed run; parts already in `run.parts` are not posted again. */
  run: DigestRun;
  late: boolean;
  resumed: boolean;
  /** Stop between messages when aborted (shutdown); the run is resumed later. */
  signal?: AbortSignal;
}

export interface PostDigestOutcome {
  parentTs: string;
  /** Message parts the digest has (parent + continuations). */
  parts: number;
  /** Cards shown. */
  cards: number;
  fileId: string | null;
}

const DAY_MS = 86_400_000;
/** Most gap cards a digest posts, whatever `topN` says (`topN: all` is for the report and JSON). */
export const DIGEST_MAX_CARDS = 1000;

/** Which priorities a digest shows, and how many were left out because they were snoozed or dismissed. */
export function selectDigestPriorities(
  priorities: Iterable<Priority>,
  states: ReadonlyMap<string, GapState>,
  topN: number,
): { shown: Priority[]; hidden: Priority[] } {
  const shown: Priority[] = [];
  const hidden: Priority[] = [];
  // Ranked customers beyond the top N move up when a gap above them is snoozed or dismissed.
  for (const priority of priorities) {
    if (shown.length >= topN) break;
    if (isGapHidden(states.get(priority.customerId), priority.gapAmountCents)) hidden.push(priority);
    else shown.push(priority);
  }
  return { shown, hidden };
}

/** Posts (or finishes posting) one claimed digest run. Throws on failure; the caller marks the run. */
export async function postDigestRun(
  context: PostDigestContext,
  deps: PostDigestDeps,
): Promise<PostDigestOutcome> {
  const { run } = context;
  const log = deps.logger.child({ component: 'digest', runId: run.id });
  const loaded = await snapshotForRun(run, deps);
  const snapshotResult = loaded.snapshot.result;
  const settings = loaded.settings;
  const now = deps.now();
  const today = now.toISOString().slice(0, 10);

  // Only customers with follow-up events have a state; the rest are open.
  const states = await deps.store.getGapStates(undefined, { today });
  const holdoutRecords = deps.holdout ? await deps.holdout.listHoldoutAssignments() : [];
  const heldOut = heldOutNow(holdoutRecords);
  let shown: Priority[];
  let hiddenCount: number;
  if (run.priorities.length > 0) {
    // A resumed run shows exactly the cards its first attempt chose.
    const wanted = new Set(run.priorities.map((p) => p.customerId));
    const byId = new Map<string, Priority>();
    for (const p of rankedPriorities(snapshotResult)) {
      if (wanted.has(p.customerId)) byId.set(p.customerId, p);
      if (byId.size === wanted.size) break;
    }
    shown = run.priorities.map((p) => byId.get(p.customerId)).filter((p): p is Priority => p !== undefined);
    hiddenCount = 0;
  } else {
    // The digest keeps its own limit: `--top all` lists everyone in the report, not in Slack.
    const selection = selectDigestPriorities(
      visiblePriorities(rankedPriorities(snapshotResult), heldOut),
      states,
      Math.min(settings.topN, DIGEST_MAX_CARDS),
    );
    shown = selection.shown;
    hiddenCount = selection.hidden.length;
  }
  const owners = new Set(shown.map((p) => p.accountManager));
  if (deps.people) shown = await deps.people.withSlackUsers(shown);
  // The data-quality notes (digest report) name the owners on these cards that are no Slack user.
  const result = withOwnerNote(
    snapshotResult,
    (deps.people?.unresolved() ?? []).filter((o) => owners.has(o)),
  );

  const since = new Date(now.getTime() - 7 * DAY_MS).toISOString();
  const followUps: FollowUpEvent[] = await deps.store.listFollowUpsSince(since);
  const recovered = deps.recovery ? await recoveredSince(deps.recovery, since) : [];
  const refresh: RefreshStatus = await deps.store.getRefreshStatus();

  const digest = renderDigest({
    result: { ...result, priorities: shown },
    settings,
    states,
    digestRunId: run.id,
    ...(recapOrNull(buildRecap(followUps, loaded, recovered)) ?? {}),
    ...(context.late ? { late: describeLateness(run, now) } : {}),
    ...(refresh.lastFailure ? { stale: describeStaleness(refresh) } : {}),
  });
  const messages: OutgoingMessage[] = [digest.parent, ...digest.continuations];

  const priorities: DigestPriority[] = shown.map((p) => ({
    customerId: p.customerId,
    rank: p.rank,
    gapAmountCents: p.gapAmountCents,
    partIndex: partHoldingCard(messages, p.customerId),
  }));
  await deps.store.recordDigestPriorities(run.id, priorities, loaded.snapshot.id);

  const posted = new Map(run.parts.map((p) => [p.partIndex, p.ts]));
  let parentTs = posted.get(0);
  for (let partIndex = 0; partIndex < messages.length; partIndex++) {
    if (posted.has(partIndex)) continue;
    context.signal?.throwIfAborted();
    const message = messages[partIndex]!;
    const { ts } = await deps.slack.postMessage({
      channel: run.channel,
      ...message,
      ...(partIndex > 0 && parentTs !== undefined ? { threadTs: parentTs } : {}),
    });
    await deps.store.recordDigestMessage(run.id, partIndex, ts);
    if (partIndex === 0) parentTs = ts;
    log.info({ partIndex, ts }, 'digest message posted');
  }
  if (parentTs === undefined) throw new AppError('INTERNAL', 'The digest parent message was not posted');

  let fileId = run.fileId;
  if (fileId === null) {
    context.signal?.throwIfAborted();
    const recovery = deps.recovery;
    const followUpResults = recovery ? await loadFollowUpResults(recovery, deps.store) : undefined;
    const report = renderMarkdownReport(withoutHeldOut(result, heldOut), settings, {
      ...(followUpResults ? { followUpResults } : {}),
      ...(holdoutRecords.length > 0
        ? {
            holdout: {
              heldOutNow: heldOut.size,
              percent: deps.holdoutPercent ?? 0,
              comparison: compareHoldout(holdoutRecords),
            },
          }
        : {}),
    });
    const names = reportFileNames(result);
    const uploaded = await deps.slack.uploadFile({
      channel: run.channel,
      threadTs: parentTs,
      filename: names.filename,
      title: names.title,
      content: report,
      initialComment: 'The full report: every priority, churn risks, gaps by type and data quality.',
    });
    fileId = uploaded.fileId;
    if (fileId !== null) await deps.store.markDigestFileUploaded(run.id, fileId);
  }
  if (deps.ownerDigests) {
    context.signal?.throwIfAborted();
    const ranked = visiblePriorities(rankedPriorities(snapshotResult), heldOut);
    await sendOwnerDigests({ run, loaded, ranked, states }, deps.ownerDigests);
  }
  log.info({ parts: messages.length, cards: shown.length, hidden: hiddenCount, fileId }, 'digest posted');
  return { parentTs, parts: messages.length, cards: shown.length, fileId };
}

/** Which message (0 = parent, 1.. = the thread's card messages) holds a customer's full card. */
function partHoldingCard(messages: readonly OutgoingMessage[], customerId: string): number {
  const { section } = cardBlockIds(customerId);
  const index = messages.findIndex((m) => m.blocks?.some((b) => b.block_id === section));
  return Math.max(0, index);
}

/** Last week's follow-ups for the digest recap: claims, contacts, and gaps recovering. */
export function buildRecap(
  events: readonly FollowUpEvent[],
  loaded: LoadedSnapshot,
  measured: readonly FollowedUpGapRecord[] = [],
): FollowUpRecap {
  const recap: FollowUpRecap = { claimed: [], contacted: [], recovered: [] };
  const back = measured.flatMap((r) =>
    r.measure?.recovered && r.measure.usualShare !== null
      ? [
          {
            customerId: r.gap.customerId,
            customerName: loaded.index.byId(r.gap.customerId)?.name ?? r.gap.customerId,
            userId: r.gap.userId,
            recoveredCents: r.measure.recoveredCents,
            usualShare: r.measure.usualShare,
          },
        ]
      : [],
  );
  if (back.length > 0) recap.measured = back;
  const seen = new Set<string>();
  // Newest first, one line per customer and kind.
  for (const event of [...events].reverse()) {
    const list =
      event.kind === 'claim'
        ? recap.claimed
        : event.outcome === 'contacted'
          ? recap.contacted
          : event.outcome === 'recovering'
            ? recap.recovered
            : null;
    const key = `${event.customerId}:${event.kind}:${event.outcome ?? ''}`;
    if (!list || seen.has(key)) continue;
    seen.add(key);
    list.push({
      customerId: event.customerId,
      customerName: loaded.index.byId(event.customerId)?.name ?? event.customerId,
      userId: event.userId,
    });
  }
  return recap;
}

/** `{ recap }` when last week had any follow-up to show, else null (no empty recap section). */
function recapOrNull(recap: FollowUpRecap): { recap: FollowUpRecap } | null {
  const count =
    recap.claimed.length + recap.contacted.length + recap.recovered.length + (recap.measured?.length ?? 0);
  return count > 0 ? { recap } : null;
}

function describeLateness(run: DigestRun, now: Date): string {
  const slot = Date.parse(run.slot);
  if (Number.isNaN(slot)) return 'posted late';
  const hours = Math.round((now.getTime() - slot) / 3_600_000);
  return `posted ${hours < 1 ? 'less than an hour' : `${hours} hour${hours === 1 ? '' : 's'}`} after its ${run.slot.slice(0, 16).replace('T', ' ')} UTC slot (the app was down)`;
}

function describeStaleness(refresh: RefreshStatus): string {
  const failure = refresh.lastFailure;
  const from = refresh.latest ? refresh.latest.createdAt.slice(0, 16).replace('T', ' ') : 'an earlier run';
  return `the latest data refresh failed (${failure?.reason ?? 'unknown reason'}); figures are from ${from} UTC`;
}

async function snapshotForRun(run: DigestRun, deps: PostDigestDeps): Promise<LoadedSnapshot> {
  const current = await deps.snapshots.load();
  if (run.snapshotId !== null && run.snapshotId !== current?.snapshot.id) {
    const saved = await deps.store.loadSnapshot(run.snapshotId);
    const settings = saved?.settings ?? current?.settings;
    if (saved && settings) return loadSnapshotInSlices(saved, settings);
  }
  if (current) return current;
  throw new AppError('NOT_FOUND', 'There is no analysis to post a digest from yet.', {
    hint: 'The analysis runs at start-up; check the log for why it failed (sales file, settings).',
  });
}

/**
 * The result with a data-quality note naming account managers that are no user of the workspace
 * (shown as text, never mentioned), or unchanged when every owner resolved.
 */
export function withOwnerNote(result: AnalysisResult, unresolved: readonly string[]): AnalysisResult {
  if (unresolved.length === 0) return result;
  const shown = unresolved
    .slice(0, 10)
    .map((o) => JSON.stringify(o))
    .join(', ');
  const more = unresolved.length > 10 ? ` and ${unresolved.length - 10} more` : '';
  const note =
    `${unresolved.length === 1 ? 'account manager' : 'account managers'} ${shown}${more} ${unresolved.length === 1 ? 'is' : 'are'} ` +
    'not a Slack user of this workspace (no user with that id or email), so shown as text and not notified; ' +
    'use Slack user ids (U...) or the emails people sign in with in the customers file';
  const notes = [...(result.dataQuality.notes ?? []), note];
  return { ...result, dataQuality: { ...result.dataQuality, notes } };
}
