/**
 * The embedded store's directory lock: PGlite is one process's database, and two processes opening
 * the same directory would corrupt it.
 *
 * `<dataDir>/pglite.owner.json` is the lock: created exclusively (`wx`), it names the holder (pid,
 * host, command, since), so a refusal says what is running and what to do. A lock whose holder is
 * dead (same host, pid gone, or this pid in a previous life: a container restarted as pid 1) is taken
 * over at once; a holder on another host cannot be checked and counts as gone (PGlite on a volume
 * shared by live containers is unsupported). Hand-written for now: proper-lockfile (an mkdir lock with
 * a heartbeat, which also covers the shared volume) replaces it as soon as package-lock.json can land
 * on main.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { AppError } from '../errors.ts';

/** Who holds a data directory, as `<dataDir>/pglite.owner.json` records it. */
export interface DataDirOwner {
  pid: number;
  host: string;
  /** E.g. `revgap serve`. */
  command: string;
  /** ISO timestamp of when it took the directory. */
  since: string;
}

/** An unreadable lock younger than this may belong to a process still writing it. */
const FRESH_LOCK_MS = 1_000;

export const ownerFileOf = (dataDir: string): string => join(dataDir, 'pglite.owner.json');

/** Directories this process holds: an owner file naming our own pid but not in here is from a past life. */
const HELD = new Set<string>();

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The recorded holder of `dataDir`, or null when there is none (or it cannot be read). */
export function readDataDirOwner(dataDir: string): DataDirOwner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFileOf(dataDir), 'utf8')) as Partial<DataDirOwner>;
    if (!Number.isInteger(owner.pid) || typeof owner.host !== 'string') return null;
    return {
      pid: owner.pid as number,
      host: owner.host,
      command: typeof owner.command === 'string' ? owner.command : 'a revgap process',
      since: typeof owner.since === 'string' ? owner.since : '',
    };
  } catch {
    return null;
  }
}

/** 'alive' on this host, 'dead' on this host, or 'unknown' (another host). */
function ownerState(owner: DataDirOwner, dataDir: string): 'alive' | 'dead' | 'unknown' {
  if (owner.host !== hostname()) return 'unknown';
  if (owner.pid === process.pid) return HELD.has(dataDir) ? 'alive' : 'dead';
  return isProcessAlive(owner.pid) ? 'alive' : 'dead';
}

/** This process as the owner file names it: `revgap serve`, or the script for other entry points. */
function currentCommand(): string {
  const script = basename(process.argv[1] ?? 'node');
  return script.startsWith('revgap') ? `revgap ${process.argv[2] ?? ''}`.trim() : `node ${script}`;
}

/** The refusal: what holds the directory, where, and what to do. */
export function dataDirBusyError(dataDir: string, owner: DataDirOwner | null): AppError {
  const who = owner
    ? `\`${owner.command}\` (pid ${owner.pid}${owner.host === hostname() ? '' : ` on host ${owner.host}`}${
        owner.since ? `, since ${owner.since}` : ''
      })`
    : 'another process';
  const stop = owner ? `stop it (Ctrl-C in its terminal, or kill ${owner.pid})` : 'stop it';
  const serving = owner?.command.endsWith(' serve') === true;
  return new AppError('STORE', `The embedded state store in ${dataDir} is in use by ${who}`, {
    hint: serving
      ? `PGlite serves one process. A second \`revgap serve\` on the same data cannot run: ${stop}, give ` +
        'this one another REVGAP_DATA_DIR, or set DATABASE_URL so that instances share a PostgreSQL server. ' +
        '(`revgap digest` next to a running bot asks the bot to post.)'
      : `PGlite serves one process at a time: wait for it to finish or ${stop}, use another REVGAP_DATA_DIR, ` +
        `or set DATABASE_URL to share a PostgreSQL server (if no revgap runs, delete ${ownerFileOf(dataDir)})`,
  });
}

const ageMs = (file: string): number => {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes `dataDir` for this process, or throws `dataDirBusyError`. Returns the release, which is
 * idempotent.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  mkdirSync(dataDir, { recursive: true });
  const file = ownerFileOf(dataDir);
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        const owner: DataDirOwner = {
          pid: process.pid,
          host: hostname(),
          command: currentCommand(),
          since: new Date().toISOString(),
        };
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      HELD.add(dataDir);
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        HELD.delete(dataDir);
        rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readDataDirOwner(dataDir);
    // Unreadable and young: its process may be writing it right now. Look again.
    if (holder === null && ageMs(file) < FRESH_LOCK_MS) {
      await sleep(FRESH_LOCK_MS / 4);
      continue;
    }
    if (holder && ownerState(holder, dataDir) === 'alive') throw dataDirBusyError(dataDir, holder);
    // Left by a process that died (or unreadable and old): take it over.
    rmSync(file, { force: true });
  }
  throw dataDirBusyError(dataDir, readDataDirOwner(dataDir));
}
