/**
 * The store ports: everything revgap remembers between runs and across instances, split by kind of
 * state: `SnapshotStore`, `DigestRunStore`, `FollowUpStore`, `DeliveryKeyStore`, `JobLockStore`.
 * `StateStore` is all of them, with `RecoveryStore` (recovery-store.ts), `HoldoutStore`
 * (holdout-store.ts) and `PersonalStore` (personal-store.ts), plus a lifecycle (`ready`, `close`).
 *
 * Two backends implement them with one SQL implementation and one set of migrations: PGlite
 * (embedded, one process, data in `<dataDir>/pglite`) and a PostgreSQL server (`DATABASE_URL`,
 * several instances). Both pass the same contract suites, one per port (test/store/contract/).
 * See docs/state-store.md.
 *
 * Rules every method follows:
 * - Time comes in as arguments (ISO 8601 strings such as `2026-11-23T09:00:00.000Z`); the store never
 *   reads the clock to decide anything. Timestamps come back as ISO strings in UTC with milliseconds.
 * - Schema setup is lazy and idempotent: the first call migrates (or `ready()` does it up front).
 * - Failures throw `AppError` with code `STORE`; messages never contain a database password.
 * - After `close()`, every method rejects with a `STORE` error.
 * - Postgres: a connection lost mid-call (server restart, failover) is retried twice by the reads and
 *   the writes whose repeat answers like the first try; `recordDelivery`, `recordFollowUp`,
 *   `recordSnapshotFailure` and `recordDigestAttempt` are not retried (their error reaches the caller).
 */
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, FollowUpEvent, GapState } from '../core/types.ts';
import type { HoldoutStore } from './holdout-store.ts';
import type { PersonalStore } from './personal-store.ts';
import type { RecoveryStore } from './recovery-store.ts';

// ---------------------------------------------------------------------------------------------
// Snapshots

/** One saved analysis, as the Slack layer answers `/revgap` from it. */
export interface AnalysisSnapshot {
  /** Caller-generated id (e.g. a UUID). Saving an id that already exists is a no-op. */
  id: string;
  /** When the analysis finished (ISO timestamp). "Latest" means the greatest `createdAt`. */
  createdAt: string;
  /** The as-of period index of the result (`result.asOf.period`). */
  asOfPeriod: number;
  /** Where the data came from, already redacted (file path, or a URL without its password). */
  source: string;
  /** The full analysis. Stored as JSON text; tens of MB for 100k customers is fine. */
  result: AnalysisResult;
  /** Settings the analysis ran with, when the caller wants renders to match them later. */
  settings?: AnalysisSettings;
}

/** A snapshot without its (large) result: cheap to list and to check "is my cached copy current?". */
export interface SnapshotInfo {
  id: string;
  createdAt: string;
  asOfPeriod: number;
  source: string;
  /** Length of the stored result JSON, in characters. */
  resultChars: number;
}

/** A refresh that did not produce a snapshot. */
export interface SnapshotFailure {
  reason: string;
  at: string;
}

/** What the digest says about data freshness ("data is stale because …"). */
export interface RefreshStatus {
  /** Latest saved snapshot, or null when none was ever saved (or all were pruned). */
  latest: SnapshotInfo | null;
  /** Most recent failure recorded AFTER the latest snapshot's `createdAt`, or null. */
  lastFailure: SnapshotFailure | null;
  /** Failures recorded after the latest snapshot (0 when the last refresh worked). */
  failuresSinceLatest: number;
}

// ---------------------------------------------------------------------------------------------
// Digest runs

export type DigestRunStatus = 'running' | 'completed' | 'failed';

/** What the caller knows when it is about to post a digest. */
export interface DigestRunClaim {
  /** Identity of the run: channel + as-of period + schedule slot. Unique: one run per key, ever. */
  runKey: string;
  /** Slack channel id the digest goes to. */
  channel: string;
  /** The schedule slot this run is for (ISO timestamp of the slot, or `manual:<...>`). */
  slot: string;
  createdAt: string;
  /** True when posted after its slot (catch-up after downtime). */
  late: boolean;
  /** Run id; generated (UUID) when omitted. */
  id?: string;
  /** Snapshot the digest is built from, when known at claim time. */
  snapshotId?: string;
}

/** One message of a digest as posted: part 0 is the parent, 1..n are thread continuations. */
export interface DigestPart {
  partIndex: number;
  /** Slack message ts. */
  ts: string;
}

/** A priority card as shown in a digest, in card order: enough to re-render and `chat.update` it. */
export interface DigestPriority {
  customerId: string;
  /** Rank in the analysis (1-based). */
  rank: number;
  gapAmountCents: number;
  /** Message part (0 = parent) the card is in, when the layout is known. */
  partIndex?: number;
}

export interface DigestRun {
  id: string;
  runKey: string;
  channel: string;
  slot: string;
  late: boolean;
  status: DigestRunStatus;
  createdAt: string;
  snapshotId: string | null;
  /** Posted messages, sorted by `partIndex`. Parts already here must not be posted again. */
  parts: DigestPart[];
  /** The cards shown, in card order (empty until `recordDigestPriorities`). */
  priorities: DigestPriority[];
  /** Slack file id of the uploaded markdown report, once uploaded. */
  fileId: string | null;
  completedAt: string | null;
  failedAt: string | null;
  failureReason: string | null;
  /** Attempts recorded with `recordDigestAttempt` (failed tries that were retried). */
  attempts: number;
  lastError: string | null;
}

export type DigestClaimResult = { claimed: true; run: DigestRun } | { claimed: false; run: DigestRun };

// ---------------------------------------------------------------------------------------------
// Locks

/** A held single-runner lock. */
export interface JobLock {
  readonly name: string;
  /**
   * False once the lock is known lost (Postgres: its dedicated connection dropped) or released.
   * A long job can check it between steps and stop.
   */
  isHeld(): boolean;
  /** Releases the lock; idempotent. */
  release(): Promise<void>;
}

export type JobLockResult<T> = { acquired: true; value: T } | { acquired: false };

// ---------------------------------------------------------------------------------------------
// The ports: one per kind of state, so that each caller depends on what it uses and a test fake
// implements one small interface. One SQL implementation (_sql-state-store.ts) serves them all.

/**
 * Analysis snapshots and failed refreshes: what `/revgap` answers from and what the digest says
 * about data freshness. Used by refresh-snapshot (save, record failure, load latest) and the digest
 * (refresh status, the snapshot a resumed run started from).
 */
export interface SnapshotStore {
  /**
   * Saves an analysis snapshot, then prunes older ones so that only the newest `keep` remain
   * (default 3, by `createdAt`). Saving an id that already exists changes nothing.
   */
  saveSnapshot(snapshot: AnalysisSnapshot, options?: { keep?: number }): Promise<void>;
  /** The snapshot with the greatest `createdAt` (ties: the one saved last), or null. */
  loadLatestSnapshot(): Promise<AnalysisSnapshot | null>;
  /** A snapshot by id (e.g. the one a digest was built from), or null once pruned. */
  loadSnapshot(id: string): Promise<AnalysisSnapshot | null>;
  /** Snapshots newest first, without their results. */
  listSnapshots(limit?: number): Promise<SnapshotInfo[]>;
  /** Deletes all but the newest `keep` snapshots; returns how many were deleted. */
  pruneSnapshots(keep: number): Promise<number>;
  /**
   * Records a refresh that failed (source unreadable, analysis crashed). `reason` is shown in Slack:
   * redact it before. Only the latest 50 failures are kept.
   */
  recordSnapshotFailure(reason: string, at: string): Promise<void>;
  /** Latest snapshot info plus the failures recorded since it. */
  getRefreshStatus(): Promise<RefreshStatus>;
}

/**
 * Digest runs: the exactly-once record of each digest (claim -> posted parts -> completed or
 * failed), so that a crash resumes a digest instead of posting it again, and a button click finds
 * the digest its card is in.
 */
export interface DigestRunStore {
  /**
   * Claims the digest run for `claim.runKey`, exactly once across processes and restarts.
   * `{ claimed: true }` goes to the first caller only (a connection lost mid-claim is retried and
   * still reports the claim it made); every later caller gets `{ claimed: false }`
   * with the existing run (its status, posted parts, priorities) so that it can skip it, or resume
   * it while holding the job lock (see `JobLockStore.withJobLock`).
   */
  claimDigestRun(claim: DigestRunClaim): Promise<DigestClaimResult>;
  /** The run for a run key, with its posted parts, or null. */
  getDigestRun(runKey: string): Promise<DigestRun | null>;
  /** The run with this id, or null. */
  getDigestRunById(runId: string): Promise<DigestRun | null>;
  /**
   * Records that message part `partIndex` (0 = parent) was posted with Slack ts `ts`. Call right
   * after each successful post. A part is recorded once: true when it is now recorded with this
   * `ts` (including a repeat of the same call), false when a different ts was recorded first (kept).
   */
  recordDigestMessage(runId: string, partIndex: number, ts: string): Promise<boolean>;
  /**
   * Stores the cards the run shows (card order = array order) and the snapshot they come from.
   * First write wins, so a resumed run re-renders exactly what the first attempt started posting;
   * returns the run's priorities after the call.
   */
  recordDigestPriorities(
    runId: string,
    priorities: DigestPriority[],
    snapshotId?: string,
  ): Promise<DigestPriority[]>;
  /** Records the uploaded report file (Slack file id). */
  markDigestFileUploaded(runId: string, fileId: string): Promise<void>;
  /** Marks the run completed (a later `claimDigestRun` sees `status: 'completed'`). */
  markDigestCompleted(runId: string, at: string): Promise<void>;
  /** Marks the run failed with a plain-words reason (redacted by the caller). */
  markDigestFailed(runId: string, reason: string, at: string): Promise<void>;
  /** Counts one more failed attempt and keeps its error message (redacted by the caller). */
  recordDigestAttempt(runId: string, error: string): Promise<void>;
  /**
   * The run that posted message `ts` in `channel` (parent or continuation), for button clicks and
   * thread mentions; null when the message is not a digest.
   */
  findDigestByMessage(channel: string, ts: string): Promise<DigestRun | null>;
  /** Runs newest first (by `createdAt`), default 20. */
  listDigestRuns(limit?: number): Promise<DigestRun[]>;
}

/**
 * Follow-ups: the append-only log of what people did about a gap (Claim, Log follow-up, Snooze,
 * Not a gap), and the gap states derived from it.
 */
export interface FollowUpStore {
  /**
   * Appends a follow-up event. Idempotent on `event.id`: recording the same id again keeps the
   * first event and returns false (true when it was new).
   */
  recordFollowUp(event: FollowUpEvent): Promise<boolean>;
  /** One customer's events, oldest first (by `at`, then by recording order). */
  listFollowUps(customerId: string): Promise<FollowUpEvent[]>;
  /** Events with `at >= since`, oldest first (for "last week's follow-ups" in a digest). */
  listFollowUpsSince(since: string): Promise<FollowUpEvent[]>;
  /**
   * Current follow-up state per customer, derived from the events by `deriveGapState`
   * (src/core/gap-state.ts; rules in docs/state-store.md). Only customers with at least one
   * event are in the map (the others are `open`); `customerIds` restricts the lookup. With `today`
   * (YYYY-MM-DD), a snooze that has ended no longer counts.
   */
  getGapStates(customerIds?: readonly string[], options?: { today?: string }): Promise<Map<string, GapState>>;
}

/**
 * Delivery keys: exactly-once handling of Slack's at-least-once deliveries (event id; action +
 * message ts + user; command payload), shared by every instance on one database.
 */
export interface DeliveryKeyStore {
  /**
   * Records a delivery key; true the first time the key is seen, false for a repeat. With
   * `expiresAt`, the key may be claimed again (true once more) by a call whose `at >= expiresAt`
   * (short windows against double clicks); without it, the key counts until pruned.
   */
  recordDelivery(key: string, at: string, options?: { expiresAt?: string }): Promise<boolean>;
  /** Forgets keys recorded before `before`; returns how many were deleted. */
  pruneDeliveries(before: string): Promise<number>;
}

/**
 * Named single-runner locks: one process of many runs the weekly job. (Named `JobLockStore` so that
 * `JobLock` stays the held lock it hands out.)
 */
export interface JobLockStore {
  /**
   * Tries to take the named lock without waiting; null when someone else holds it.
   * Postgres: a session-level advisory lock on a dedicated connection, scoped to the store's
   * schema; the server releases it when the process dies. PGlite: held in process (PGlite is
   * single-process: the store refuses a second process on the same data directory).
   */
  tryAcquireJobLock(name: string): Promise<JobLock | null>;
  /** Runs `fn` while holding the named lock; `{ acquired: false }` without running it when held elsewhere. */
  withJobLock<T>(name: string, fn: (lock: JobLock) => Promise<T>): Promise<JobLockResult<T>>;
}

/**
 * The whole store as a backend opens it: every port (with `RecoveryStore`, recovery-store.ts), plus
 * its lifecycle. Only the code that opens and closes a store (main.ts, CLI commands, the store's own
 * tests) holds one; everything else takes the port it needs.
 */
export interface StateStore
  extends SnapshotStore,
    DigestRunStore,
    FollowUpStore,
    DeliveryKeyStore,
    JobLockStore,
    RecoveryStore,
    HoldoutStore,
    PersonalStore {
  /** `pglite` or `postgres`. */
  readonly backend: 'pglite' | 'postgres';
  /**
   * Postgres only: tells `change(customerId)` when any instance on the database has recorded a
   * follow-up or started or measured a followed-up gap of that customer (committed), `lost()` when
   * the listening connection dropped (notifications are being missed), and `reset()` once it
   * listens again after a loss. Resolves once listening; the function it resolves to stops.
   */
  listenFollowUpChanges?(handlers: {
    change(customerId: string): void;
    lost(): void;
    reset(): void;
  }): Promise<() => Promise<void>>;
  /** Where the data lives, safe to log: the PGlite directory or the URL with its password masked. */
  readonly location: string;

  /** Connects and applies pending migrations now (otherwise the first call does). Idempotent. */
  ready(): Promise<void>;

  /**
   * Releases held locks and closes the pool / PGlite. Waits for queries in flight, at most ~10 s.
   * Idempotent.
   */
  close(): Promise<void>;
}

/** Options of `createStateStore` (src/store/create-state-store.ts). */
export interface CreateStateStoreOptions {
  /** `postgres://...`: use this server. Unset: PGlite under `dataDir`. */
  databaseUrl?: string;
  /** revgap's data directory; PGlite keeps its files in `<dataDir>/pglite`. `memory://` for tests. */
  dataDir: string;
  /**
   * Postgres only: schema for revgap's tables (created if missing). Default: the connection's
   * current schema (usually `public`). Tables are prefixed `revgap_` either way.
   */
  schema?: string;
  /** Postgres only: pool size (default 5). */
  maxConnections?: number;
}
