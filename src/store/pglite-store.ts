/**
 * The embedded backend: PGlite (Postgres compiled to WebAssembly) with its files in
 * `<dataDir>/pglite`, or in memory when `dataDir` is `memory://`.
 *
 * PGlite is one process's database: two processes opening the same directory would corrupt it. So
 * the store takes `<dataDir>/pglite.lock` (our pid) when it opens and refuses a directory whose lock
 * belongs to a live process; a lock left by a dead process is taken over. Job locks are therefore
 * in-process only, which is all a single process needs. Several instances need DATABASE_URL.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { AppError } from '../errors.ts';
import { applyMigrations } from './_migrate.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import { createSqlStateStore } from './_sql-state-store.ts';
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

/** Lock files this process holds: a lock naming our own pid but not in here is from a past life. */
const HELD_DIRECTORIES = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the lock file's owner may still be using the directory. Same host: its pid is alive and,
 * when it is our own pid, we hold it (a container restarted as pid 1 finds its old pid 1 lock). Other
 * host: unknowable, so it counts as stale (PGlite on a volume shared by live containers is
 * unsupported; docs/state-store.md).
 */
function isHeldElsewhere(content: string, lockPath: string): number | null {
  const [pidText, host] = content.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (host !== undefined && host !== hostname()) return null;
  if (pid === process.pid) return HELD_DIRECTORIES.has(lockPath) ? pid : null;
  return isAlive(pid) ? pid : null;
}

/** Takes the data directory's lock file, or throws naming the process that holds it. */
function takeDirectoryLock(lockPath: string): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, `${process.pid} ${hostname()}\n`);
      closeSync(fd);
      HELD_DIRECTORIES.add(lockPath);
      return () => {
        HELD_DIRECTORIES.delete(lockPath);
        rmSync(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let content = '';
      try {
        content = readFileSync(lockPath, 'utf8');
      } catch {
        // Removed in between: try again.
      }
      const pid = isHeldElsewhere(content, lockPath);
      if (pid !== null) {
        throw new AppError(
          'STORE',
          `The PGlite state store in ${lockPath.replace(/\.lock$/, '')} is in use by process ${pid}`,
          {
            hint:
              'PGlite serves one process: stop the other revgap process, or set DATABASE_URL to share a ' +
              `PostgreSQL server between instances (delete ${lockPath} if that process is not revgap)`,
          },
        );
      }
      // Left behind by a process that died: take it over.
      rmSync(lockPath, { force: true });
    }
  }
  throw new AppError('STORE', `Could not take the PGlite lock file ${lockPath}`);
}

export function createPgliteStore(options: PgliteStoreOptions): StateStore {
  const inMemory = options.dataDir === MEMORY_DATA_DIR || options.dataDir.startsWith('memory://');
  const directory = inMemory ? MEMORY_DATA_DIR : join(options.dataDir, 'pglite');
  let db: PGlite | undefined;
  let releaseDirectory: (() => void) | undefined;
  const heldLocks = new Map<string, JobLock>();

  return createSqlStateStore({
    kind: 'pglite',
    location: directory,
    secrets: [],

    async open() {
      if (!inMemory) {
        mkdirSync(options.dataDir, { recursive: true });
        releaseDirectory = takeDirectoryLock(`${directory}.lock`);
      }
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
        releaseDirectory?.();
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
        releaseDirectory?.();
        releaseDirectory = undefined;
      }
    },
  });
}
