/**
 * The digest use-case: one state machine for every digest run (claim -> post -> complete or fail),
 * whether the weekly schedule (src/scheduler/weekly-job.ts) or a person (`revgap digest`, the demo's
 * first digest) asked for it, and the run policy around it:
 * - a fresh scheduled run reads the data again first; a resumed one keeps the snapshot it started
 *   with (its cards must not change half-way);
 * - when that refresh fails, the admins are told, then the digest is posted anyway from the last good
 *   snapshot (it says the data is stale);
 * - a manual run reads the data first and stops there if that fails (nothing is posted).
 *
 * Scheduled runs (the caller holds the single-runner lock):
 * - a completed or failed run for the key: nothing to do (a failure was reported once already);
 * - a `running` run: its process died mid-digest (or a Slack outage outlasted the call retries); it
 *   is resumed, skipping parts already posted, unless it has used up `maxAttempts`;
 * - otherwise the run is claimed and posted.
 * A run that fails because Slack stayed unavailable (`isTransient`) stays `running` and is tried
 * again at the next tick; any other failure marks it `failed` and is reported once.
 *
 * Manual runs: a completed run for the key is not posted again (`already_done`); a failed or
 * interrupted one is posted (resumed); a failure marks the run failed and is thrown to the caller.
 */
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DigestRun, DigestRunStore } from '../store/state-store.ts';
import type { PostDigestContext, PostDigestOutcome } from './post-digest.ts';
import type { SnapshotHolder } from './refresh-snapshot.ts';

/**
 * The identity of one digest run: the store lets exactly one run exist per key, so the key decides
 * what "post once" means. A scheduled run is keyed by channel + schedule slot, NOT by the data's
 * as-of period: a bot that crashes mid-digest and restarts after new sales arrived would compute a
 * later period, and a key holding the period would then allow a second digest for the same Monday.
 * A manual run (`revgap digest`, no slot) is keyed by channel + as-of period; `--force` adds the time.
 */
export function runKeyForSlot(channel: string, slot: Date): string {
  return `digest:${channel}:slot:${slot.toISOString()}`;
}

/** A manual run for an as-of period label (`2026-W47`, `2026-11`): `digest:C0123:period:2026-W47`. */
export function runKeyForPeriod(channel: string, period: string | number): string {
  return `digest:${channel}:period:${period}`;
}

export type RunOutcome =
  | 'completed'
  | 'failed'
  | 'abandoned'
  /** Slack stayed unavailable: the run is kept and resumed at the next tick. */
  | 'retry_later'
  | 'already_done';

/** What posting one claimed run gets (posts messages + file, recording each part). */
export interface DigestPostContext extends PostDigestContext {
  signal: AbortSignal;
}

export interface DigestFailureReport {
  runKey: string;
  channel: string;
  /** The run's slot (ISO), or `manual:<time>`. */
  slot: string;
  error: unknown;
}

export interface DigestRunnerOptions {
  store: DigestRunStore;
  /** Posts one claimed run (messages + file), recording each posted part. Throws on failure. */
  post: (context: DigestPostContext) => Promise<PostDigestOutcome | undefined>;
  /** Re-reads the data before a fresh scheduled run (see the run policy above); optional. */
  refresh?: () => Promise<void>;
  /** Tells the admins something went wrong (admin channel notice); errors here are only logged. */
  notify?: (notice: { what: string; error: unknown; reference: string; channel?: string }) => Promise<void>;
  /** Tells the admins a scheduled run failed for good. */
  reportFailure?: (report: DigestFailureReport) => Promise<void>;
  /** Whether a failure may pass with time (default: a Slack call that failed on a retryable error). */
  isTransient?: (error: unknown) => boolean;
  /** Plain-words reason stored with a failed run (default: the error message). */
  describeError?: (error: unknown) => string;
  /** Failed (transient) or interrupted attempts of one scheduled run before it fails for good; default 4. */
  maxAttempts?: number;
  logger: Logger;
  now: () => Date;
}

export interface DigestRunRequest {
  trigger: 'schedule' | 'manual';
  runKey: string;
  channel: string;
  /** The schedule slot (ISO) or `manual:<time>`. */
  slot: string;
  /** Posted more than a few minutes after its slot: the digest says so. */
  late: boolean;
  /** Aborted on shutdown: stop between messages; the run stays `running` and is resumed later. */
  signal?: AbortSignal;
  /** False once the single-runner lock was lost (stop posting then). */
  lockHeld?: () => boolean;
}

export interface DigestRunResult {
  status: RunOutcome;
  run?: DigestRun;
  posted?: PostDigestOutcome;
}

/** A Slack call that failed on a retryable error after all its retries (SlackDeliveryError). */
export function isTransientFailure(error: unknown): boolean {
  const classification = (error as { classification?: { retryable?: unknown } } | null)?.classification;
  return classification?.retryable === true;
}

export interface DigestRunner {
  run(request: DigestRunRequest): Promise<DigestRunResult>;
}

export function createDigestRunner(options: DigestRunnerOptions): DigestRunner {
  const { store, now } = options;
  const maxAttempts = options.maxAttempts ?? 4;
  const isTransient = options.isTransient ?? isTransientFailure;
  const describe = options.describeError ?? ((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const log = options.logger.child({ component: 'digest-run' });
  // Runs this process left `running` on purpose (transient failure), so not "interrupted".
  const retryPending = new Set<string>();

  const report = async (request: DigestRunRequest, error: unknown): Promise<void> => {
    if (!options.reportFailure) return;
    try {
      await options.reportFailure({
        runKey: request.runKey,
        channel: request.channel,
        slot: request.slot,
        error,
      });
    } catch (reportError) {
      log.error(
        { runKey: request.runKey, err: reportError },
        'could not report the failed digest to the admin channel',
      );
    }
  };

  /** The run to post and whether it resumes an earlier attempt; or an outcome when there is nothing to post. */
  const claim = async (
    request: DigestRunRequest,
  ): Promise<{ run: DigestRun; resumed: boolean } | DigestRunResult> => {
    const at = now();
    const claimRequest = {
      runKey: request.runKey,
      channel: request.channel,
      slot: request.slot,
      createdAt: at.toISOString(),
      late: request.late,
    };
    if (request.trigger === 'manual') {
      const claimed = await store.claimDigestRun(claimRequest);
      if (!claimed.claimed && claimed.run.status === 'completed')
        return { status: 'already_done', run: claimed.run };
      return { run: claimed.run, resumed: !claimed.claimed };
    }
    const run = await store.getDigestRun(request.runKey);
    if (run?.status === 'completed' || run?.status === 'failed') return { status: 'already_done', run };
    if (run?.status === 'running') {
      // The caller holds the lock, so nobody else is posting it: its process died mid-digest, or
      // this process kept it for another try after a Slack outage.
      if (run.attempts >= maxAttempts) {
        const reason = `gave up after ${run.attempts} failed or interrupted attempts${run.lastError ? ` (last: ${run.lastError})` : ''}`;
        await store.markDigestFailed(run.id, reason, at.toISOString());
        retryPending.delete(request.runKey);
        log.error({ runKey: request.runKey, reason }, 'digest run failed');
        await report(request, new Error(`The weekly digest ${reason}.`));
        return { status: 'failed', run };
      }
      if (retryPending.has(request.runKey)) {
        log.info({ runKey: request.runKey, attempt: run.attempts + 1 }, 'trying the digest run again');
      } else {
        await store.recordDigestAttempt(run.id, 'interrupted: the process stopped mid-digest');
        log.warn(
          { runKey: request.runKey, partsPosted: run.parts.length },
          'resuming an interrupted digest run',
        );
      }
      return { run, resumed: true };
    }
    const claimed = await store.claimDigestRun(claimRequest);
    if (!claimed.claimed && claimed.run.status !== 'running')
      return { status: 'already_done', run: claimed.run };
    return { run: claimed.run, resumed: !claimed.claimed };
  };

  /** The run policy: a fresh scheduled run reads the data first; if that fails, tell the admins and post anyway. */
  const refreshForScheduledRun = async (resumed: boolean): Promise<void> => {
    if (resumed || !options.refresh) return;
    await options.refresh().catch(async (error: unknown) => {
      await options.notify?.({
        what: 'read the sales data for the weekly digest',
        error,
        reference: 'refresh',
      });
    });
  };

  return {
    async run(request) {
      const signal = request.signal ?? new AbortController().signal;
      if (signal.aborted) return { status: 'abandoned' };
      const claimed = await claim(request);
      if ('status' in claimed) return claimed;
      const { run, resumed } = claimed;
      // Shutdown began while the claim was being taken: leave the run to the next start.
      if (signal.aborted) return { status: 'abandoned', run };
      log.info(
        { runKey: request.runKey, slot: request.slot, late: request.late, resumed },
        'posting the digest',
      );
      let posted: PostDigestOutcome | undefined;
      try {
        if (request.trigger === 'schedule') await refreshForScheduledRun(resumed);
        posted = await options.post({ run, late: request.late, resumed, signal });
      } catch (error) {
        const lockLost = request.lockHeld !== undefined && !request.lockHeld();
        if (request.trigger === 'schedule' && (signal.aborted || lockLost)) {
          log.warn(
            { runKey: request.runKey, err: error },
            'digest run abandoned; it will be resumed at the next start',
          );
          return { status: 'abandoned', run };
        }
        const reason = describe(error);
        if (request.trigger === 'manual') {
          await store.markDigestFailed(run.id, reason, now().toISOString()).catch(() => undefined);
          throw error;
        }
        if (isTransient(error) && run.attempts + 1 < maxAttempts) {
          await store.recordDigestAttempt(run.id, reason);
          retryPending.add(request.runKey);
          log.warn(
            { runKey: request.runKey, err: error, reason },
            'digest run failed for now; trying again at the next tick',
          );
          return { status: 'retry_later', run };
        }
        retryPending.delete(request.runKey);
        await store.markDigestFailed(run.id, reason, now().toISOString());
        log.error({ runKey: request.runKey, err: error, reason }, 'digest run failed');
        await report(request, error);
        return { status: 'failed', run };
      }
      retryPending.delete(request.runKey);
      await store.markDigestCompleted(run.id, now().toISOString());
      log.info({ runKey: request.runKey }, 'digest posted');
      return { status: 'completed', run, ...(posted ? { posted } : {}) };
    },
  };
}

export type PostDigestNowOutcome =
  | { status: 'posted'; run: DigestRun; outcome: PostDigestOutcome }
  | { status: 'already_posted'; run: DigestRun };

/**
 * A digest now (`revgap digest`, the demo's first digest): reads the data first when `refresh` is
 * given (a failure stops here: nothing is posted), then runs it as a manual run keyed by the as-of
 * period; `force` posts another one for the same period (its own key).
 */
export async function postDigestNow(
  request: { channel: string; force: boolean },
  deps: {
    runner: DigestRunner;
    snapshots: Pick<SnapshotHolder, 'load'>;
    refresh?: () => Promise<void>;
    now: () => Date;
  },
): Promise<PostDigestNowOutcome> {
  if (deps.refresh) await deps.refresh();
  const loaded = await deps.snapshots.load();
  const at = deps.now().toISOString();
  const period = loaded?.snapshot.result.asOf.period ?? 'none';
  const runKey = request.force
    ? `${runKeyForPeriod(request.channel, period)}:forced:${at}`
    : runKeyForPeriod(request.channel, period);
  const result = await deps.runner.run({
    trigger: 'manual',
    runKey,
    channel: request.channel,
    slot: `manual:${at}`,
    late: false,
  });
  if (result.status === 'already_done' && result.run) return { status: 'already_posted', run: result.run };
  if (result.status === 'completed' && result.run && result.posted) {
    return { status: 'posted', run: result.run, outcome: result.posted };
  }
  throw new AppError('INTERNAL', `The digest run ended as "${result.status}" without posting.`);
}
