/**
 * The embedded store's directory lock: PGlite is one process's database, and two processes opening
 * the same directory would corrupt it.
 *
 * proper-lockfile does the locking: an atomic `mkdir` of `<dataDir>/pglite.lock.d`, its mtime
 * refreshed every 5 s while held, the directory removed on release and on process exit. What it
 * cannot say is who holds the lock, so next to it `<dataDir>/pglite.owner.json` names the holder
 * (pid, host, command, since): a refusal says what is running and what to do, and a lock whose
 * holder is known dead (same host, pid gone) is taken over at once instead of after the 30 s stale
 * period, so a bot restarted after a crash (kill -9, OOM) starts without waiting. A holder alive on
 * this host is never taken over, however late its heartbeat (an event loop blocked by a large
 * analysis would otherwise lose the lock). Only a holder on another host (a shared volume) is judged
 * by the heartbeat alone.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import lockfile from 'proper-lockfile';
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

const STALE_MS = 30_000;
const UPDATE_MS = 5_000;
/** A lock younger than this may belong to a process that has not written its owner file yet. */
const FRESH_LOCK_MS = 1_000;

export const lockDirOf = (dataDir: string): string => join(dataDir, 'pglite.lock.d');
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
        `or set DATABASE_URL to share a PostgreSQL server (if no revgap runs, delete ${lockDirOf(dataDir)})`,
  });
}

function writeOwner(dataDir: string): void {
  const owner: DataDirOwner = {
    pid: process.pid,
    host: hostname(),
    command: currentCommand(),
    since: new Date().toISOString(),
  };
  const file = ownerFileOf(dataDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(owner)}\n`);
  renameSync(`${file}.tmp`, file);
}

const lockAgeMs = (dataDir: string): number => {
  try {
    return Date.now() - statSync(lockDirOf(dataDir)).mtimeMs;
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
  const options = {
    lockfilePath: lockDirOf(dataDir),
    realpath: false,
    stale: STALE_MS,
    update: UPDATE_MS,
    // Only when the heartbeat could not be written for 30 s: keep running (the default throws from a
    // timer and would crash the bot) but say so.
    onCompromised: (error: Error) =>
      process.emitWarning(`revgap: the lock on ${dataDir} was compromised: ${error.message}`),
  };
  for (let attempt = 0; ; attempt++) {
    const owner = readDataDirOwner(dataDir);
    // A live holder on this host keeps the directory, however late its heartbeat.
    if (owner && ownerState(owner, dataDir) === 'alive') throw dataDirBusyError(dataDir, owner);
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(dataDir, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const holder = readDataDirOwner(dataDir);
      // Left by a process that died (or by this pid in a previous life: a container restarted as
      // pid 1). A lock this young may be a live process's that has not named itself yet: look again.
      if (holder && ownerState(holder, dataDir) === 'dead' && attempt < 10) {
        if (lockAgeMs(dataDir) >= FRESH_LOCK_MS) rmSync(lockDirOf(dataDir), { recursive: true, force: true });
        else await sleep(FRESH_LOCK_MS / 4);
        continue;
      }
      throw dataDirBusyError(dataDir, holder);
    }
    HELD.add(dataDir);
    writeOwner(dataDir);
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      HELD.delete(dataDir);
      rmSync(ownerFileOf(dataDir), { force: true });
      await release().catch(() => undefined);
    };
  }
}
