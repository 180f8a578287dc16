/**
 * The StateStore logic, written once in SQL that PostgreSQL and PGlite both run. A backend supplies
 * a connected, migrated `SqlExecutor`, its job locks and its shutdown; this file adds lazy setup,
 * the closed state, error wrapping (masking secrets) and every query.
 */
import { randomUUID } from 'node:crypto';
import { compactParsedCustomers, compactsCustomers } from '../core/compact-series.ts';
import { deriveGapStates } from '../core/gap-state.ts';
import type { FollowUpEvent, GapState } from '../core/types.ts';
import { AppError } from '../errors.ts';
import { scrubSecrets } from '../logger.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import { sqlHoldoutStore } from './_sql-holdout-store.ts';
import { sqlPersonalStore } from './_sql-personal-store.ts';
import { sqlRecoveryStore } from './_sql-recovery-store.ts';
import type {
  AnalysisSnapshot,
  DigestClaimResult,
  DigestPart,
  DigestPriority,
  DigestRun,
  DigestRunClaim,
  DigestRunStatus,
  JobLock,
  JobLockResult,
  RefreshStatus,
  SnapshotInfo,
  StateStore,
} from './state-store.ts';

export interface SqlBackend {
  kind: 'pglite' | 'postgres';
  /** Safe to show. */
  location: string;
  /** Values to mask in error messages (the database password). */
  secrets: readonly string[];
  /** Connects and migrates; called once, again only after a failure. */
  open(): Promise<SqlExecutor>;
  /** Called only after `open` succeeded. */
  tryAcquireJobLock(name: string): Promise<JobLock | null>;
  /** Releases locks and disconnects; called once, after `open` settled (or never ran). */
  close(): Promise<void>;
}

const DEFAULT_KEEP_SNAPSHOTS = 3;
/**
 * Customers per row of revgap_snapshot_customers: ~50-100 KB of JSON, under V8's large-object size
 * (128 KB), so that the strings of a save (and of a load) are young-generation garbage that dies in
 * the next scavenge. Slices of 1,000 customers (1-2 MB strings) went to the large-object space: a
 * 1,000,000-customer save left ~1 GB of them in the bot's heap until its next full collection, whose
 * pages the next scavenge then waited to give back (a 226 ms stall while `/revgap help` was being
 * answered, docs/cli.md). Each snapshot records its own slice count, so changing this never affects
 * reading older snapshots.
 */
const CUSTOMERS_PER_SLICE = 32;
/**
 * Slices written by one INSERT, and read by one SELECT: 256 customers, ~0.5 MB of JSON made in one
 * stretch of a few milliseconds (the pause between two statements of a save).
 */
const SLICES_PER_STATEMENT = 8;
const KEEP_SNAPSHOT_FAILURES = 50;

/** Lets pending I/O and timers run (a command arriving during a long save). */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
const DEFAULT_LIST_LIMIT = 20;

type Row = Record<string, unknown>;

/** pg and PGlite both return `Date` for timestamptz; text for the rest of our columns. */
function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}
function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}
function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

function toSnapshotInfo(row: Row): SnapshotInfo {
  return {
    id: String(row.id),
    createdAt: iso(row.created_at),
    asOfPeriod: Number(row.as_of_period),
    source: String(row.source),
    resultChars: Number(row.result_chars),
  };
}

function toRun(row: Row, parts: DigestPart[]): DigestRun {
  return {
    id: String(row.id),
    runKey: String(row.run_key),
    channel: String(row.channel),
    slot: String(row.slot),
    late: Boolean(row.late),
    status: String(row.status) as DigestRunStatus,
    createdAt: iso(row.created_at),
    snapshotId: textOrNull(row.snapshot_id),
    parts,
    priorities: row.priorities ? (JSON.parse(String(row.priorities)) as DigestPriority[]) : [],
    fileId: textOrNull(row.file_id),
    completedAt: isoOrNull(row.completed_at),
    failedAt: isoOrNull(row.failed_at),
    failureReason: textOrNull(row.failure_reason),
    attempts: Number(row.attempts),
    lastError: textOrNull(row.last_error),
  };
}

const RUN_COLUMNS = `id, run_key, channel, slot, late, status, created_at, snapshot_id, priorities, file_id,
  completed_at, failed_at, failure_reason, attempts, last_error`;

/**
 * PostgreSQL text cannot hold NUL characters (a binary CSV cell can end up in a reason or an id):
 * they become U+FFFD instead of failing the write. JSON documents are unaffected (JSON escapes NUL).
 */
function withoutNul(executor: SqlExecutor): SqlExecutor {
  const clean = (params: readonly unknown[]) =>
    params.map((p) => (typeof p === 'string' && p.includes('\0') ? p.replaceAll('\0', '\uFFFD') : p));
  return {
    query: (sql, params = []) => executor.query(sql, clean(params)),
    exec: (sql) => executor.exec(sql),
    transaction: (fn) => executor.transaction((tx) => fn(withoutNul(tx))),
  };
}

const limitOf = (limit: number): number => Math.max(0, Math.floor(limit));

const RETRY_DELAYS_MS = [200, 1000];
/** Connection-level failures: node socket errors and PostgreSQL's shutdown/connection classes. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  '57P01', // admin_shutdown (pg_terminate_backend, server restart)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08003',
  '08006',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return error instanceof Error && /Connection terminated|connection error/i.test(error.message);
}

/** Waits `ms` without keeping the process alive. */
export const delay = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Items turned into JSON between two pauses of the save: ~0.1-0.3 MB, a millisecond or two. A
 * slice of 1,000 customers in one JSON.stringify (1-2 MB, 10-20 ms) took 100-210 ms when a full
 * collection's marking steps fell in it, in a bot's heap holding two snapshots.
 */
const ITEMS_PER_PAUSE = 100;

/**
 * The JSON of `list.slice(from, to)`, written ITEMS_PER_PAUSE items at a time with a pause between
 * them (the same text as one JSON.stringify).
 */
async function listJson(list: readonly unknown[], from: number, to: number): Promise<string> {
  const parts: string[] = [];
  for (let at = from; at < to; at += ITEMS_PER_PAUSE) {
    if (at > from) await yieldToEventLoop();
    parts.push(JSON.stringify(list.slice(at, Math.min(to, at + ITEMS_PER_PAUSE))).slice(1, -1));
  }
  return `[${parts.join(',')}]`;
}

/**
 * The JSON of a result without its customers (they go in slices): `{...rest, customers: [],
 * churnRisk: [...]}`. The churn risk list grows with the customers (about one in ten; ~19 MB of
 * JSON at 1,000,000 customers, one 370 ms stall of a bot's event loop when written in one
 * JSON.stringify), so it is written a few items at a time (`listJson`).
 */
async function resultHeadJson(
  rest: Omit<AnalysisSnapshot['result'], 'customers' | 'churnRisk'>,
  churnRisk: AnalysisSnapshot['result']['churnRisk'],
): Promise<string> {
  const list = await listJson(churnRisk, 0, churnRisk.length);
  const head = JSON.stringify({ ...rest, customers: [] });
  return `${head.slice(0, -1)},"churnRisk":${list}}`;
}

export function createSqlStateStore(backend: SqlBackend): StateStore {
  let opening: Promise<SqlExecutor> | undefined;
  let closing: Promise<void> | undefined;

  const storeError = (action: string, error: unknown): AppError => {
    if (error instanceof AppError) return error;
    const message = error instanceof Error ? error.message : String(error);
    // The cause travels on to loggers: mask it too, in case a driver ever quotes its settings.
    if (error instanceof Error) {
      // PGlite's errors carry the statement's parameters: a snapshot's are megabytes of customer data,
      // which must not go into a log line (nor be scanned for secrets there). Their count is enough.
      const withParams = error as Error & { params?: unknown };
      if (Array.isArray(withParams.params)) {
        try {
          withParams.params = `[${withParams.params.length} parameters, left out of logs]`;
        } catch {
          // A frozen error keeps them; the logger's redaction still applies.
        }
      }
      try {
        error.message = scrubSecrets(error.message, backend.secrets);
        if (error.stack) error.stack = scrubSecrets(error.stack, backend.secrets);
      } catch {
        // A frozen error: its text is the driver's, which does not quote the URL.
      }
    }
    return new AppError(
      'STORE',
      scrubSecrets(`State store (${backend.kind}): ${action} failed: ${message}`, backend.secrets),
      {
        cause: error,
        hint:
          (error as { code?: unknown } | null)?.code === '42501'
            ? 'the database user needs CREATE on the schema revgap uses: grant it, or give revgap a schema ' +
              'of its own (DATABASE_URL ending ?options=-c%20search_path%3Drevgap, after CREATE SCHEMA revgap)'
            : `check the state store at ${backend.location}`,
      },
    );
  };

  const db = (): Promise<SqlExecutor> => {
    if (closing) return Promise.reject(new AppError('STORE', 'State store is closed'));
    if (!opening) {
      opening = backend.open().then(withoutNul);
      // Forget a failed attempt so that a later call retries (the server may come up later).
      opening.catch(() => {
        opening = undefined;
      });
    }
    return opening;
  };

  /**
   * Runs one store operation: lazy setup, then `fn`, with errors wrapped and secrets masked.
   * `retry` (only for operations whose repeat gives the same answer as the first try): a
   * connection lost mid-call (server restart, failover) is retried twice, after 0.2 s and 1 s.
   */
  const run = async <T>(action: string, fn: (sql: SqlExecutor) => Promise<T>, retry = false): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn(await db());
      } catch (error) {
        const pause = RETRY_DELAYS_MS[attempt];
        if (!retry || pause === undefined || closing || !isTransient(error)) throw storeError(action, error);
        await delay(pause);
      }
    }
  };

  const retrying = <T>(action: string, fn: (sql: SqlExecutor) => Promise<T>): Promise<T> =>
    run(action, fn, true);

  const notFound = (what: string): AppError => new AppError('NOT_FOUND', `State store: no ${what}`);

  const loadParts = async (sql: SqlExecutor, runIds: 'all' | string, limit?: number) => {
    const { rows } =
      runIds === 'all'
        ? await sql.query<Row>(
            `SELECT p.run_id, p.part_index, p.ts FROM revgap_digest_parts p
             JOIN (SELECT id FROM revgap_digest_runs ORDER BY created_at DESC, seq DESC LIMIT $1) r
             ON r.id = p.run_id ORDER BY p.part_index`,
            [limit],
          )
        : await sql.query<Row>(
            'SELECT run_id, part_index, ts FROM revgap_digest_parts WHERE run_id = $1 ORDER BY part_index',
            [runIds],
          );
    const byRun = new Map<string, DigestPart[]>();
    for (const row of rows) {
      const runId = String(row.run_id);
      const part = { partIndex: Number(row.part_index), ts: String(row.ts) };
      const list = byRun.get(runId);
      if (list) list.push(part);
      else byRun.set(runId, [part]);
    }
    return byRun;
  };

  const loadRunWhere = async (sql: SqlExecutor, where: string, value: string): Promise<DigestRun | null> => {
    const { rows } = await sql.query<Row>(
      `SELECT ${RUN_COLUMNS} FROM revgap_digest_runs WHERE ${where} = $1`,
      [value],
    );
    const row = rows[0];
    if (!row) return null;
    const parts = await loadParts(sql, String(row.id));
    return toRun(row, parts.get(String(row.id)) ?? []);
  };

  /** An UPDATE of one run by id that must find it. */
  const updateRun = async (sql: SqlExecutor, runId: string, statement: string, params: unknown[]) => {
    const { rowCount } = await sql.query(statement, [runId, ...params]);
    if (rowCount === 0) throw notFound(`digest run with id ${runId}`);
  };

  const pruneSnapshots = (sql: SqlExecutor, keep: number) =>
    sql.query(
      `DELETE FROM revgap_snapshots WHERE id NOT IN
         (SELECT id FROM revgap_snapshots ORDER BY created_at DESC, seq DESC LIMIT $1)`,
      [limitOf(keep)],
    );

  const loadSnapshotWhere = async (sql: SqlExecutor, where: string, params: unknown[]) => {
    const { rows } = await sql.query<Row>(
      `SELECT id, created_at, as_of_period, source, result, settings, customer_slices FROM revgap_snapshots ${where}`,
      params,
    );
    const row = rows[0];
    if (!row) return null;
    const result = JSON.parse(String(row.result)) as AnalysisSnapshot['result'];
    if (row.customer_slices !== null && row.customer_slices !== undefined) {
      // One slice at a time: never the whole customer list as one string.
      const customers: AnalysisSnapshot['result']['customers'] = [];
      const slices = Number(row.customer_slices);
      let compact = false;
      const strings = new Map<string, string>();
      for (let first = 0; first < slices; first += SLICES_PER_STATEMENT) {
        const last = Math.min(slices, first + SLICES_PER_STATEMENT);
        const part = await sql.query<Row>(
          `SELECT slice, customers FROM revgap_snapshot_customers
           WHERE snapshot_id = $1 AND slice >= $2 AND slice < $3 ORDER BY slice`,
          [row.id, first, last],
        );
        for (let slice = first; slice < last; slice++) {
          const found = part.rows[slice - first];
          if (found === undefined || Number(found.slice) !== slice)
            throw new Error(`snapshot ${String(row.id)} is missing its customer slice ${slice}`);
          const parsed = JSON.parse(String(found.customers)) as typeof customers;
          // A large snapshot stays as compact as the analysis made it (series as IntCents, shared
          // empty lists): it is what the bot answers from, marked at every full collection. Decided
          // by the snapshot's size (every slice but the last is full).
          if (slice === 0) compact = compactsCustomers(slices * parsed.length);
          if (compact) compactParsedCustomers(parsed, strings);
          for (const customer of parsed) customers.push(customer);
        }
      }
      result.customers = customers;
    }
    const snapshot: AnalysisSnapshot = {
      id: String(row.id),
      createdAt: iso(row.created_at),
      asOfPeriod: Number(row.as_of_period),
      source: String(row.source),
      result,
    };
    if (row.settings) snapshot.settings = JSON.parse(String(row.settings));
    return snapshot;
  };

  const store: StateStore = {
    ...sqlRecoveryStore(retrying),
    ...sqlHoldoutStore(retrying),
    ...sqlPersonalStore(retrying),
    backend: backend.kind,
    location: backend.location,

    async ready() {
      await retrying('setting up the schema', async () => undefined);
    },

    // --- snapshots ---

    saveSnapshot(snapshot, options = {}) {
      return retrying('saving a snapshot', async (sql) => {
        // The customers go in slices (migration 0006): a million of them do not fit one value. Each
        // slice is turned into JSON just before its insert, with a pause before the next, so that a
        // bot saving a large snapshot keeps answering (issue 12: the save of 1,000,000 customers was
        // one 17-23 s stall on a Postgres server, most of it JSON.stringify, ~100 s on PGlite).
        const { customers, churnRisk, ...rest } = snapshot.result;
        const head = await resultHeadJson(rest, churnRisk);
        const sliceCount = Math.ceil(customers.length / CUSTOMERS_PER_SLICE);
        await sql.transaction(async (tx) => {
          const { rowCount } = await tx.query(
            `INSERT INTO revgap_snapshots
               (id, created_at, as_of_period, source, result, result_chars, settings, customer_slices)
             VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
            [
              snapshot.id,
              snapshot.createdAt,
              snapshot.asOfPeriod,
              snapshot.source,
              head,
              head.length,
              snapshot.settings === undefined ? null : JSON.stringify(snapshot.settings),
              sliceCount,
            ],
          );
          if (rowCount > 0 && sliceCount > 0) {
            // The length of the whole result's JSON, as before the slices: each slice's items, comma-joined.
            let chars = head.length;
            for (let first = 0; first < sliceCount; first += SLICES_PER_STATEMENT) {
              // Between statements only: a statement's strings, made in one stretch and let go of
              // when it is written, then die in the next scavenge instead of being promoted.
              if (first > 0) await yieldToEventLoop();
              const last = Math.min(sliceCount, first + SLICES_PER_STATEMENT);
              const params: unknown[] = [snapshot.id];
              const rows: string[] = [];
              for (let index = first; index < last; index++) {
                // One JSON.stringify: a slice is fewer customers than listJson pauses after.
                const from = index * CUSTOMERS_PER_SLICE;
                const slice = JSON.stringify(customers.slice(from, from + CUSTOMERS_PER_SLICE));
                chars += slice.length - 2 + (index > 0 ? 1 : 0);
                params.push(index, slice);
                rows.push(`($1, $${params.length - 1}, $${params.length})`);
              }
              await tx.query(
                `INSERT INTO revgap_snapshot_customers (snapshot_id, slice, customers) VALUES ${rows.join(', ')}`,
                params,
              );
            }
            // result_chars is an integer column: a very large analysis reports its size capped.
            await tx.query('UPDATE revgap_snapshots SET result_chars = $2 WHERE id = $1', [
              snapshot.id,
              Math.min(chars, 2_147_483_647),
            ]);
          }
          await pruneSnapshots(tx, options.keep ?? DEFAULT_KEEP_SNAPSHOTS);
        });
      });
    },

    loadLatestSnapshot() {
      return retrying('loading the latest snapshot', (sql) =>
        loadSnapshotWhere(sql, 'ORDER BY created_at DESC, seq DESC LIMIT 1', []),
      );
    },

    loadSnapshot(id) {
      return retrying('loading a snapshot', (sql) => loadSnapshotWhere(sql, 'WHERE id = $1', [id]));
    },

    listSnapshots(limit = DEFAULT_LIST_LIMIT) {
      return retrying('listing snapshots', async (sql) => {
        const { rows } = await sql.query<Row>(
          `SELECT id, created_at, as_of_period, source, result_chars FROM revgap_snapshots
           ORDER BY created_at DESC, seq DESC LIMIT $1`,
          [limitOf(limit)],
        );
        return rows.map(toSnapshotInfo);
      });
    },

    pruneSnapshots(keep) {
      return retrying('pruning snapshots', async (sql) => (await pruneSnapshots(sql, keep)).rowCount);
    },

    recordSnapshotFailure(reason, at) {
      return run('recording a failed refresh', async (sql) => {
        await sql.transaction(async (tx) => {
          await tx.query('INSERT INTO revgap_snapshot_failures (at, reason) VALUES ($1::timestamptz, $2)', [
            at,
            reason,
          ]);
          await tx.query(
            `DELETE FROM revgap_snapshot_failures WHERE seq NOT IN
               (SELECT seq FROM revgap_snapshot_failures ORDER BY at DESC, seq DESC LIMIT $1)`,
            [KEEP_SNAPSHOT_FAILURES],
          );
        });
      });
    },

    getRefreshStatus() {
      return retrying('reading the refresh status', async (sql): Promise<RefreshStatus> => {
        const latestRows = await sql.query<Row>(
          `SELECT id, created_at, as_of_period, source, result_chars FROM revgap_snapshots
           ORDER BY created_at DESC, seq DESC LIMIT 1`,
        );
        const latestRow = latestRows.rows[0];
        const latest = latestRow ? toSnapshotInfo(latestRow) : null;
        const since = latest ? latest.createdAt : null;
        const failures = await sql.query<Row>(
          `SELECT at, reason, count(*) OVER () AS total FROM revgap_snapshot_failures
           WHERE $1::timestamptz IS NULL OR at > $1::timestamptz ORDER BY at DESC, seq DESC LIMIT 1`,
          [since],
        );
        const failure = failures.rows[0];
        return {
          latest,
          lastFailure: failure ? { reason: String(failure.reason), at: iso(failure.at) } : null,
          failuresSinceLatest: failure ? Number(failure.total) : 0,
        };
      });
    },

    // --- digest runs ---

    claimDigestRun(claim: DigestRunClaim) {
      // One id for every try: when a try commits but its answer is lost, the retry finds its own row.
      const id = claim.id ?? randomUUID();
      let tries = 0;
      return retrying('claiming a digest run', async (sql): Promise<DigestClaimResult> => {
        tries++;
        const inserted = await sql.query<Row>(
          `INSERT INTO revgap_digest_runs (id, run_key, channel, slot, late, created_at, snapshot_id)
           VALUES ($1, $2, $3, $4, $5, $6::timestamptz, $7) ON CONFLICT (run_key) DO NOTHING RETURNING id`,
          [
            id,
            claim.runKey,
            claim.channel,
            claim.slot,
            claim.late,
            claim.createdAt,
            claim.snapshotId ?? null,
          ],
        );
        const existing = await loadRunWhere(sql, 'run_key', claim.runKey);
        if (!existing) {
          throw new AppError('STORE', `State store: digest run ${claim.runKey} vanished after its claim`);
        }
        return { claimed: inserted.rows.length === 1 || (tries > 1 && existing.id === id), run: existing };
      });
    },

    getDigestRun(runKey) {
      return retrying('loading a digest run', (sql) => loadRunWhere(sql, 'run_key', runKey));
    },

    getDigestRunById(runId) {
      return retrying('loading a digest run', (sql) => loadRunWhere(sql, 'id', runId));
    },

    recordDigestMessage(runId, partIndex, ts) {
      return retrying('recording a digest message', async (sql) => {
        const { rows } = await sql.query<Row>(
          `INSERT INTO revgap_digest_parts (run_id, part_index, channel, ts)
           SELECT id, $2, channel, $3 FROM revgap_digest_runs WHERE id = $1
           ON CONFLICT (run_id, part_index) DO NOTHING RETURNING part_index`,
          [runId, partIndex, ts],
        );
        if (rows.length === 1) return true;
        const existing = await sql.query<Row>(
          'SELECT ts FROM revgap_digest_parts WHERE run_id = $1 AND part_index = $2',
          [runId, partIndex],
        );
        const first = existing.rows[0];
        if (!first) throw notFound(`digest run with id ${runId}`);
        return String(first.ts) === ts;
      });
    },

    recordDigestPriorities(runId, priorities, snapshotId) {
      return retrying('recording digest priorities', async (sql) => {
        await updateRun(
          sql,
          runId,
          `UPDATE revgap_digest_runs SET priorities = COALESCE(priorities, $2),
             snapshot_id = COALESCE(snapshot_id, $3) WHERE id = $1`,
          [JSON.stringify(priorities), snapshotId ?? null],
        );
        const { rows } = await sql.query<Row>('SELECT priorities FROM revgap_digest_runs WHERE id = $1', [
          runId,
        ]);
        return JSON.parse(String(rows[0]?.priorities ?? '[]')) as DigestPriority[];
      });
    },

    markDigestFileUploaded(runId, fileId) {
      return retrying('recording the digest file', (sql) =>
        updateRun(sql, runId, 'UPDATE revgap_digest_runs SET file_id = $2 WHERE id = $1', [fileId]),
      );
    },

    markDigestCompleted(runId, at) {
      return retrying('completing a digest run', (sql) =>
        updateRun(
          sql,
          runId,
          `UPDATE revgap_digest_runs SET status = 'completed', completed_at = $2::timestamptz WHERE id = $1`,
          [at],
        ),
      );
    },

    markDigestFailed(runId, reason, at) {
      // A run that completed stays completed: a late failure report from a stale attempt must not
      // make the scheduler post it again.
      return retrying('failing a digest run', (sql) =>
        updateRun(
          sql,
          runId,
          `UPDATE revgap_digest_runs SET status = CASE WHEN status = 'completed' THEN status ELSE 'failed' END,
             failed_at = $3::timestamptz, failure_reason = $2 WHERE id = $1`,
          [reason, at],
        ),
      );
    },

    recordDigestAttempt(runId, error) {
      return run('recording a digest attempt', (sql) =>
        updateRun(
          sql,
          runId,
          'UPDATE revgap_digest_runs SET attempts = attempts + 1, last_error = $2 WHERE id = $1',
          [error],
        ),
      );
    },

    findDigestByMessage(channel, ts) {
      return retrying('finding a digest by message', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT run_id FROM revgap_digest_parts WHERE channel = $1 AND ts = $2 LIMIT 1',
          [channel, ts],
        );
        const row = rows[0];
        return row ? loadRunWhere(sql, 'id', String(row.run_id)) : null;
      });
    },

    listDigestRuns(limit = DEFAULT_LIST_LIMIT) {
      return retrying('listing digest runs', async (sql) => {
        const { rows } = await sql.query<Row>(
          `SELECT ${RUN_COLUMNS} FROM revgap_digest_runs ORDER BY created_at DESC, seq DESC LIMIT $1`,
          [limitOf(limit)],
        );
        const parts = await loadParts(sql, 'all', limitOf(limit));
        return rows.map((row) => toRun(row, parts.get(String(row.id)) ?? []));
      });
    },

    // --- follow-ups ---

    recordFollowUp(event: FollowUpEvent) {
      return run('recording a follow-up', async (sql) => {
        const { rows } = await sql.query(
          `INSERT INTO revgap_follow_ups (id, customer_id, at, event) VALUES ($1, $2, $3::timestamptz, $4)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [event.id, event.customerId, event.at, JSON.stringify(event)],
        );
        return rows.length === 1;
      });
    },

    listFollowUps(customerId) {
      return retrying('listing follow-ups', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT event FROM revgap_follow_ups WHERE customer_id = $1 ORDER BY at, seq',
          [customerId],
        );
        return rows.map((row) => JSON.parse(String(row.event)) as FollowUpEvent);
      });
    },

    listFollowUpsSince(since) {
      return retrying('listing recent follow-ups', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT event FROM revgap_follow_ups WHERE at >= $1::timestamptz ORDER BY at, seq',
          [since],
        );
        return rows.map((row) => JSON.parse(String(row.event)) as FollowUpEvent);
      });
    },

    getGapStates(customerIds, options = {}) {
      return retrying('reading gap states', async (sql): Promise<Map<string, GapState>> => {
        // The ids travel as one JSON text parameter: no array-parameter differences between drivers.
        const { rows } =
          customerIds === undefined
            ? await sql.query<Row>('SELECT event FROM revgap_follow_ups ORDER BY customer_id, at, seq')
            : await sql.query<Row>(
                `SELECT event FROM revgap_follow_ups
                 WHERE customer_id IN (SELECT jsonb_array_elements_text($1::text::jsonb))
                 ORDER BY customer_id, at, seq`,
                [JSON.stringify(customerIds)],
              );
        const events = rows.map((row) => JSON.parse(String(row.event)) as FollowUpEvent);
        return deriveGapStates(events, options);
      });
    },

    // --- deliveries ---

    recordDelivery(key, at, options = {}) {
      return run('recording a delivery', async (sql) => {
        // Inserted, or re-claimed when the earlier record had expired by `at`: either returns a row.
        const { rows } = await sql.query(
          `INSERT INTO revgap_deliveries (key, at, expires_at) VALUES ($1, $2::timestamptz, $3::timestamptz)
           ON CONFLICT (key) DO UPDATE SET at = EXCLUDED.at, expires_at = EXCLUDED.expires_at
           WHERE revgap_deliveries.expires_at IS NOT NULL AND revgap_deliveries.expires_at <= EXCLUDED.at
           RETURNING key`,
          [key, at, options.expiresAt ?? null],
        );
        return rows.length === 1;
      });
    },

    pruneDeliveries(before) {
      return retrying('pruning deliveries', async (sql) => {
        const { rowCount } = await sql.query('DELETE FROM revgap_deliveries WHERE at < $1::timestamptz', [
          before,
        ]);
        return rowCount;
      });
    },

    // --- locks ---

    tryAcquireJobLock(name) {
      return run(`taking the job lock "${name}"`, () => backend.tryAcquireJobLock(name));
    },

    async withJobLock<T>(name: string, fn: (lock: JobLock) => Promise<T>): Promise<JobLockResult<T>> {
      const lock = await store.tryAcquireJobLock(name);
      if (!lock) return { acquired: false };
      try {
        return { acquired: true, value: await fn(lock) };
      } finally {
        await lock.release();
      }
    },

    close() {
      if (!closing) {
        const wasOpening = opening;
        closing = (async () => {
          // Let a setup in flight settle, so that its connection is closed too.
          if (wasOpening) await wasOpening.catch(() => undefined);
          await backend.close();
        })().catch((error) => {
          throw storeError('closing', error);
        });
      }
      return closing;
    },
  };
  return store;
}
