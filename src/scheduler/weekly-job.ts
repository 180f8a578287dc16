/**
 * The weekly digest job: exactly one digest per schedule slot, whatever restarts, crashes or extra
 * instances happen.
 *
 * How: a node-cron tick every minute asks "which slot is the latest one at or before now?"
 * (cron-slots.ts). A slot not handled yet, and not older than the catch-up window, is run under the
 * store's single-runner lock (`digest:<channel>`: a Postgres advisory lock across instances) by the
 * digest use-case (use-cases/run-digest.ts), which holds the run's state machine (claim, resume,
 * attempts, complete or fail) and the run policy (refresh before a fresh run, notify then post
 * anyway). This file is only the clock: slots, catch-up window, lock, ticker and stop.
 * The same check at start-up is the catch-up: a slot missed while the bot was down is posted once,
 * `late`, if it is at most `catchUpHours` old. A tick that finds its slot on time (at most
 * `ON_TIME_MS` old) always posts it, whatever the window: a tick lands a little after its slot, and
 * with `catchUpHours: 0` the window would otherwise skip the slot itself. Ticking every minute rather
 * than at the slot also survives clock jumps, suspended laptops and DST gaps.
 */
import { createTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { DigestRun, DigestRunStore, JobLock, JobLockStore } from '../store/state-store.ts';
import {
  createDigestRunner,
  type DigestRunnerOptions,
  type RunOutcome as DigestRunOutcome,
  runKeyForSlot,
} from '../use-cases/run-digest.ts';
import { lastSlotAtOrBefore, nextSlotAfter, parseCron } from './cron-slots.ts';

/** What the digest runner gets for one run. */
export interface DigestJobContext {
  /** The claimed run (status `running`); `run.parts` lists messages already posted, never post them again. */
  run: DigestRun;
  slot: Date;
  /** True when posted more than `lateAfterMinutes` after its slot: the digest should say so. */
  late: boolean;
  /** True when an earlier attempt of this run was interrupted and this one picks it up. */
  resumed: boolean;
  /** Aborted on shutdown: stop between messages; the run stays `running` and is resumed next start. */
  signal: AbortSignal;
  /** The single-runner lock; `lock.isHeld()` turns false if it was lost (stop posting then). */
  lock: JobLock;
}

export interface DigestFailureReport {
  runKey: string;
  channel: string;
  slot: Date;
  error: unknown;
}

/** The single-runner lock, and the digest runs it claims, resumes, completes or fails. */
export type WeeklyJobStore = JobLockStore & DigestRunStore;

export interface WeeklyJobOptions {
  /** 5-field cron, e.g. `0 9 * * 1` (Monday 09:00). */
  schedule: string;
  /** IANA zone the schedule is read in, e.g. `Europe/Berlin`. */
  timezone: string;
  /** Digest channel id. */
  channel: string;
  /**
   * Post a slot missed while down (found at start-up, or by a tick more than 2 minutes late) if it is
   * at most this old; default 24. 0 turns catch-up off; a tick still posts its own slot on time.
   */
  catchUpHours?: number;
  /** A run this long after its slot counts as late; default 5 minutes. */
  lateAfterMinutes?: number;
  /** Failed (transient) or interrupted attempts of one run before it is failed for good; default 4. */
  maxAttempts?: number;
  /** Whether a failure may pass with time (default: a Slack call that failed on a retryable error). */
  isTransient?: (error: unknown) => boolean;
  /** Posts the digest (messages + file), recording each posted part in the store. Throws on failure. */
  runDigest: (context: DigestJobContext) => Promise<void>;
  /** Tells the admins a run failed for good (admin channel notice); errors here are only logged. */
  reportFailure?: (report: DigestFailureReport) => Promise<void>;
  /** Plain-words reason stored with a failed run (default: the error message). */
  describeError?: (error: unknown) => string;
  /** The run policy's refresh and notice (use-cases/run-digest.ts): read the data before a fresh run. */
  refresh?: DigestRunnerOptions['refresh'];
  notify?: DigestRunnerOptions['notify'];
  store: WeeklyJobStore;
  logger: Logger;
  now?: () => Date;
  /** Starts the minute tick; default node-cron. Tests pass one they drive by hand. */
  startTicker?: (onTick: () => void) => { stop(): void };
}

export type RunOutcome = DigestRunOutcome | 'locked_elsewhere' | 'outside_window' | 'no_slot' | 'busy';

export interface WeeklyJob {
  /** Catches up (if a slot is due) and starts ticking. */
  start(): Promise<RunOutcome>;
  /** One check now, as a tick: run the due slot if any (on time, or within the catch-up window). */
  checkNow(): Promise<RunOutcome>;
  /**
   * Stops ticking and waits for a running digest up to `deadlineMs` (default 7,000); then aborts it
   * (the runner stops between messages, the run is resumed at the next start) and waits at most
   * `graceMs` (default 1,500) more. Resolves to what happened to the run in progress.
   */
  stop(options?: { deadlineMs?: number; graceMs?: number }): Promise<'idle' | 'finished' | 'abandoned'>;
  /** The next slot after now, for logs and `/revgap status`. */
  nextSlot(): Date | null;
  /** Resolves once no check or digest run is in progress (for callers that start without waiting). */
  idle(): Promise<void>;
}

/** How late a tick may find its slot and still post it as the scheduled (not caught-up) run. */
export const ON_TIME_MS = 2 * 60_000;

const defaultTicker = (onTick: () => void): { stop(): void } => {
  const task = createTask('* * * * *', onTick, { name: 'revgap-digest-tick', noOverlap: true });
  void task.start();
  return { stop: () => void task.destroy() };
};

export function createWeeklyJob(options: WeeklyJobOptions): WeeklyJob {
  const spec = parseCron(options.schedule);
  const now = options.now ?? (() => new Date());
  const catchUpMs = (options.catchUpHours ?? 24) * 3_600_000;
  const lateMs = (options.lateAfterMinutes ?? 5) * 60_000;
  const log = options.logger.child({ component: 'scheduler', channel: options.channel });
  const lockName = `digest:${options.channel}`;

  let handledSlot: number | null = null;
  let current: Promise<RunOutcome> | null = null;
  let controller = new AbortController();
  let ticker: { stop(): void } | null = null;
  let stopping = false;
  // The slot and lock of the run in progress (one at a time), for the runner's post step.
  let running: { slot: Date; lock: JobLock } | null = null;

  const runner = createDigestRunner({
    store: options.store,
    post: async (context) => {
      if (!running) throw new Error('digest posted outside a scheduled run');
      await options.runDigest({ ...context, slot: running.slot, lock: running.lock });
      return undefined;
    },
    ...(options.refresh ? { refresh: options.refresh } : {}),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.reportFailure
      ? {
          reportFailure: (report) =>
            options.reportFailure!({ ...report, slot: running?.slot ?? new Date(report.slot) }),
        }
      : {}),
    ...(options.isTransient ? { isTransient: options.isTransient } : {}),
    ...(options.describeError ? { describeError: options.describeError } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    logger: options.logger.child({ channel: options.channel }),
    now,
  });

  const runLocked = async (slot: Date, lock: JobLock): Promise<RunOutcome> => {
    running = { slot, lock };
    try {
      const result = await runner.run({
        trigger: 'schedule',
        runKey: runKeyForSlot(options.channel, slot),
        channel: options.channel,
        slot: slot.toISOString(),
        late: now().getTime() - slot.getTime() > lateMs,
        signal: controller.signal,
        lockHeld: () => lock.isHeld(),
      });
      return result.status;
    } finally {
      running = null;
    }
  };

  const check = async (atStartUp: boolean): Promise<RunOutcome> => {
    const at = now();
    const slot = lastSlotAtOrBefore(spec, options.timezone, at);
    if (!slot) return 'no_slot';
    if (handledSlot === slot.getTime()) return 'already_done';
    const age = at.getTime() - slot.getTime();
    // A tick on time posts its slot; the window only governs slots missed while down (or a late tick).
    const onTime = !atStartUp && age <= ON_TIME_MS;
    if (!onTime && age > catchUpMs) {
      handledSlot = slot.getTime();
      log.info(
        { slot: slot.toISOString(), catchUpHours: catchUpMs / 3_600_000 },
        'last slot is outside the catch-up window; waiting for the next one',
      );
      return 'outside_window';
    }
    const result = await options.store.withJobLock(lockName, (lock) => runLocked(slot, lock));
    if (!result.acquired) {
      // Another instance holds the lock; look again next tick (by then it has finished).
      log.debug({ slot: slot.toISOString() }, 'another instance is running the digest');
      return 'locked_elsewhere';
    }
    // An abandoned run is picked up at the next start, not the next tick of this stopping process;
    // a run kept after a Slack outage is tried again at the next tick.
    if (result.value !== 'abandoned' && result.value !== 'retry_later') handledSlot = slot.getTime();
    return result.value;
  };

  const checkNow = (atStartUp = false): Promise<RunOutcome> => {
    if (stopping) return Promise.resolve('busy');
    if (current) return Promise.resolve('busy');
    const run = check(atStartUp)
      .catch((error: unknown) => {
        // The store or the clock failed: log and try again next tick; never crash the bot.
        log.error({ err: error }, 'digest schedule check failed');
        return 'failed' as const;
      })
      .finally(() => {
        current = null;
      });
    current = run;
    return run;
  };

  return {
    async start() {
      stopping = false;
      controller = new AbortController();
      const outcome = await checkNow(true);
      if (!stopping) {
        ticker = (options.startTicker ?? defaultTicker)(() => void checkNow());
        log.info(
          { next: nextSlotAfter(spec, options.timezone, now())?.toISOString() },
          'digest schedule started',
        );
      }
      return outcome;
    },
    checkNow: () => checkNow(),
    async stop(stopOptions = {}) {
      stopping = true;
      ticker?.stop();
      ticker = null;
      const running = current;
      if (!running) return 'idle';
      const deadline = stopOptions.deadlineMs ?? 7000;
      const grace = stopOptions.graceMs ?? 1500;
      const timeout = (ms: number) =>
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
      if ((await Promise.race([running, timeout(deadline)])) !== 'timeout') return 'finished';
      controller.abort(new Error('revgap is shutting down'));
      await Promise.race([running, timeout(grace)]);
      return 'abandoned';
    },
    nextSlot: () => nextSlotAfter(spec, options.timezone, now()),
    async idle() {
      while (current) await current;
    },
  };
}
