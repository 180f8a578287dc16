/**
 * The embedded backend: PGlite (Postgres compiled to WebAssembly) with its files in
 * `<dataDir>/pglite`, or in memory when `dataDir` is `memory://`.
 *
 * PGlite is one process's database: two processes opening the same directory would corrupt it. So
 * the store locks the data directory when it opens (`data-dir-lock.ts`: proper-lockfile, plus an
 * owner file naming the holder) and refuses a directory a live process holds, saying which; a lock
 * left by a dead process is taken over. Job locks are therefore in-process only, which is all a
 * single process needs. Several instances need DATABASE_URL.
 */
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { applyMigrations } from './_migrate.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import { createSqlStateStore } from './_sql-state-store.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { JobLock, StateStore } from './state-store.ts';

export const MEMORY_DATA_DIR = 'memory://';

export interface PgliteStoreOptions {
  /** revgap's data directory, or `memory://` (nothing kept after `close()`). */
  dataDir: string;
  /**
   * In memory only: start from this `dumpDataDir()` tarball instead of running initdb (about 5x
   * faster to open; the test suites use it). Migrations still run.
   */
  loadDataDir?: Blob;
}

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

/** A `SqlExecutor` over a PGlite database (exported for the store's own fault-injection tests). */
export function createPgliteExecutor(db: PGlite): SqlExecutor {
  return executorFor(db, db);
}

function executorFor(target: Queryable, db: PGlite): SqlExecutor {
  return {
    async query<R>(sql: string, params: readonly unknown[] = []) {
      const result = await target.query<R>(sql, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string) {
      await target.exec(sql);
    },
    // Nested transactions are not needed by the store: one level, on the database itself.
    transaction: (fn) => db.transaction((tx) => fn(executorFor(tx, db))),
  };
}

export function createPgliteStore(options: PgliteStoreOptions): StateStore {
  const inMemory = options.dataDir === MEMORY_DATA_DIR || options.dataDir.startsWith('memory://');
  const directory = inMemory ? MEMORY_DATA_DIR : join(options.dataDir, 'pglite');
  let db: PGlite | undefined;
  let releaseDirectory: (() => Promise<void>) | undefined;
  const heldLocks = new Map<string, JobLock>();

  return createSqlStateStore({
    kind: 'pglite',
    location: directory,
    secrets: [],

    async open() {
      if (!inMemory) releaseDirectory = await lockDataDir(options.dataDir);
      try {
        const pglite = inMemory
          ? await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {})
          : await PGlite.create(directory);
        db = pglite;
        const executor = executorFor(pglite, pglite);
        await applyMigrations(executor);
        return executor;
      } catch (error) {
        await db?.close().catch(() => undefined);
        db = undefined;
        await releaseDirectory?.();
        releaseDirectory = undefined;
        throw error;
      }
    },

    async tryAcquireJobLock(name) {
      if (heldLocks.has(name)) return null;
      let held = true;
      const lock: JobLock = {
        name,
        isHeld: () => held,
        async release() {
          if (!held) return;
          held = false;
          heldLocks.delete(name);
        },
      };
      heldLocks.set(name, lock);
      return lock;
    },

    async close() {
      for (const lock of [...heldLocks.values()]) await lock.release();
      try {
        if (db && !db.closed) await db.close();
      } finally {
        db = undefined;
        await releaseDirectory?.();
        releaseDirectory = undefined;
      }
    },
  });
}
