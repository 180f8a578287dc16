/**
 * The server backend: a PostgreSQL database shared by every revgap instance, through a `pg` Pool.
 *
 * Concurrency comes from the server: unique keys make claims and deliveries exactly-once, a
 * transaction-level advisory lock serialises migrations of processes that start together, and each
 * job lock is a session-level advisory lock on its own connection, so the server frees it when the
 * process (or the connection) dies. Lock keys include the schema: stores on different schemas of one
 * database do not block each other.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ConfigError } from '../errors.ts';
import { applyMigrations } from './_migrate.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import { createSqlStateStore, delay } from './_sql-state-store.ts';
import { databaseUrlPassword, redactDatabaseUrl } from './redact-database-url.ts';
import type { JobLock, StateStore } from './state-store.ts';

export interface PostgresStoreOptions {
  databaseUrl: string;
  /** Schema for revgap's tables, created when missing; default the connection's current schema. */
  schema?: string;
  /** Pool size, default 5. */
  maxConnections?: number;
}

/** First key of every revgap advisory lock ('rvgp'), so that they cannot meet another app's. */
const LOCK_CLASS = 0x72766770;
const CLOSE_TIMEOUT_MS = 10_000;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A stable signed 32-bit key for a lock name. */
function lockKey(text: string): number {
  return createHash('sha256').update(text).digest().readInt32BE(0);
}

/**
 * The two keys of the advisory lock behind job lock `name` in `schema`, as `pg_locks` shows them
 * (`classid`, `objid`: unsigned). For operators and tests looking for the holder.
 */
export function jobLockKeys(schema: string, name: string): { classid: number; objid: number } {
  return { classid: LOCK_CLASS, objid: lockKey(`job\0${schema}\0${name}`) >>> 0 };
}

function executorFor(client: pg.Pool | pg.PoolClient, pool: pg.Pool): SqlExecutor {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await client.query(sql, [...params]);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
    async exec(sql: string) {
      // Without parameters pg uses the simple protocol, which accepts several statements.
      await client.query(sql);
    },
    async transaction(fn) {
      const connection = await pool.connect();
      let broken: Error | undefined;
      try {
        await connection.query('BEGIN');
        const value = await fn(executorFor(connection, pool));
        await connection.query('COMMIT');
        return value;
      } catch (error) {
        await connection.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw error;
      } finally {
        // A connection that could not roll back is destroyed rather than returned to the pool.
        connection.release(broken);
      }
    },
  };
}

export function createPostgresStore(options: PostgresStoreOptions): StateStore {
  const { databaseUrl, schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new ConfigError([
      `store schema "${schema}" must be letters, digits and _ (not starting with a digit)`,
    ]);
  }
  const password = databaseUrlPassword(databaseUrl);
  const clientConfig: pg.ClientConfig = {
    connectionString: databaseUrl,
    application_name: 'revgap',
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    // Startup parameter: every connection of the pool (and every lock connection) uses the schema.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.maxConnections ?? 5, idleTimeoutMillis: 30_000 });
  // An idle connection that drops (server restart) is removed by the pool; without a listener the
  // 'error' event would crash the process.
  pool.on('error', () => undefined);

  let schemaKey = schema ?? '';
  const heldLocks = new Set<JobLock>();

  const store = createSqlStateStore({
    kind: 'postgres',
    location: redactDatabaseUrl(databaseUrl) + (schema === undefined ? '' : ` (schema ${schema})`),
    secrets: password ? [password, encodeURIComponent(password)] : [],

    async open() {
      const executor = executorFor(pool, pool);
      await applyMigrations(executor, async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [
          LOCK_CLASS,
          lockKey(`migrate\0${schemaKey}`),
        ]);
        if (schema !== undefined) await tx.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      });
      if (schema === undefined) {
        const { rows } = await executor.query<{ schema: string }>('SELECT current_schema() AS schema');
        schemaKey = rows[0]?.schema ?? '';
      }
      return executor;
    },

    async tryAcquireJobLock(name) {
      const key = lockKey(`job\0${schemaKey}\0${name}`);
      const client = new pg.Client(clientConfig);
      let held = false;
      // The lock lives as long as this connection: if it drops, the server has released the lock.
      client.on('error', () => {
        held = false;
      });
      client.on('end', () => {
        held = false;
      });
      try {
        await client.connect();
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
          LOCK_CLASS,
          key,
        ]);
        held = rows[0]?.ok === true;
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      if (!held) {
        await client.end().catch(() => undefined);
        return null;
      }
      let released = false;
      const lock: JobLock = {
        name,
        isHeld: () => held && !released,
        async release() {
          if (released) return;
          released = true;
          heldLocks.delete(lock);
          if (held)
            await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, key]).catch(() => undefined);
          held = false;
          await client.end().catch(() => undefined);
        },
      };
      heldLocks.add(lock);
      return lock;
    },

    async close() {
      await Promise.all([...heldLocks].map((lock) => lock.release()));
      // pool.end waits for checked-out connections; give queries in flight a bounded time.
      await Promise.race([pool.end(), delay(CLOSE_TIMEOUT_MS)]);
    },
  });

  const listenFollowUpChanges: NonNullable<StateStore['listenFollowUpChanges']> = async (handlers) => {
    let stopped = false;
    let client: pg.Client | null = null;
    let retry: NodeJS.Timeout | undefined;
    // One connection of its own, LISTENing; the triggers of migration 0007 notify on commit.
    const connect = async (): Promise<void> => {
      const listener = new pg.Client(clientConfig);
      client = listener;
      let lost = false;
      const onLost = (): void => {
        if (lost || stopped) return;
        lost = true;
        handlers.lost();
        void listener.end().catch(() => undefined);
        retry = setTimeout(() => {
          connect().then(handlers.reset, () => undefined);
        }, 1_000);
        retry.unref();
      };
      listener.on('error', onLost);
      listener.on('end', onLost);
      listener.on('notification', (message) => {
        const [inSchema, customerId] = splitOnce(message.payload ?? '');
        if (inSchema === schemaKey && customerId) handlers.change(customerId);
      });
      try {
        await listener.connect();
        await listener.query('LISTEN revgap_follow_up_changes');
      } catch (error) {
        onLost();
        throw error;
      }
    };
    await store.ready();
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    };
  };
  return { ...store, listenFollowUpChanges };
}

/** `"<schema> <customer id>"` -> [schema, customer id] (customer ids may contain spaces). */
function splitOnce(payload: string): [string, string] {
  const space = payload.indexOf(' ');
  return space < 0 ? [payload, ''] : [payload.slice(0, space), payload.slice(space + 1)];
}
