/**
 * Fresh answers between digests: every few minutes, look at the data files' size and modification
 * time (a cheap `stat`, never a read) and, when they differ from what the last analysis read, run the
 * analysis again through the snapshot refresh (which keeps the last good snapshot when the new data
 * is bad, and records the failure so the digest says the data is stale).
 *
 * Every refresh of the process goes through `refresh()` here (start-up, the digest's own refresh,
 * the poll), so there is never more than one analysis at a time and the files' stamps are taken
 * just before each analysis reads them. A refresh that fails remembers the stamps too: a broken
 * file is not re-read every interval, only once it changes again. A file still being written when
 * it is read is read again at the next poll, since finishing the write changes its stamp.
 */
import { stat as fsStat } from 'node:fs/promises';
import type { Logger } from '../logger.ts';

/** What `stat` says about one file; null when it does not exist (or cannot be read). */
export type FileStamp = { size: number; mtimeMs: number } | null;

export type RefreshCheckOutcome =
  /** The files changed and the analysis ran and succeeded. */
  | 'refreshed'
  /** The files changed but the analysis failed; the previous snapshot keeps answering. */
  | 'failed'
  | 'unchanged'
  /** A refresh or a digest is in progress, or the watcher is stopped: look again next time. */
  | 'busy';

export interface RefreshOnChangeOptions {
  /** The data files to watch (sales, customers). Empty: nothing to watch, no polling. */
  files: readonly string[];
  /** Minutes between looks; 0 turns polling off (`refresh()` still works). */
  intervalMinutes: number;
  /** Runs the analysis and installs the snapshot; throws when it failed. */
  refresh: () => Promise<void>;
  /** True while a digest is being posted (it refreshes itself): the poll skips then. */
  isBusy?: () => boolean;
  /** Told when a poll-started refresh failed (e.g. a notice in the admin channel); errors only logged. */
  onFailure?: (error: unknown) => Promise<void> | void;
  logger: Logger;
  /** Tests pass a fake; default `fs.stat`. */
  stat?: (path: string) => Promise<FileStamp>;
  /** Starts the repeating timer; default `setInterval` (unref'd). Tests pass one they drive by hand. */
  startTimer?: (onTick: () => void, intervalMs: number) => { stop(): void };
}

export interface RefreshOnChange {
  /** Runs the analysis now (one at a time: a call while one runs waits for that one). */
  refresh(): Promise<void>;
  /** One look now: refresh if the files changed since the last analysis. */
  checkNow(): Promise<RefreshCheckOutcome>;
  /** Starts polling (no-op when there is nothing to watch or the interval is 0). */
  start(): void;
  /** Whether polling is on. */
  polling(): boolean;
  /** Stops polling and waits for a refresh in progress, at most `deadlineMs` (default 5,000). */
  stop(options?: { deadlineMs?: number }): Promise<void>;
  /** Runs `work` (a digest being posted: it refreshes itself) with the poll skipping meanwhile. */
  whileBusy<T>(work: () => Promise<T>): Promise<T>;
}

async function statFile(path: string): Promise<FileStamp> {
  try {
    const s = await fsStat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

const defaultTimer = (onTick: () => void, intervalMs: number): { stop(): void } => {
  const timer = setInterval(onTick, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
};

function sameStamps(a: readonly FileStamp[], b: readonly FileStamp[]): boolean {
  return (
    a.length === b.length &&
    a.every((s, i) => {
      const t = b[i];
      if (s === null || t === null || t === undefined) return s === t;
      return s.size === t.size && s.mtimeMs === t.mtimeMs;
    })
  );
}

export function createRefreshOnChange(options: RefreshOnChangeOptions): RefreshOnChange {
  const stat = options.stat ?? statFile;
  const log = options.logger.child({ component: 'refresh-on-change' });
  const stampAll = () => Promise.all(options.files.map((f) => stat(f)));

  /** The stamps the last analysis (successful or not) read; null before the first one. */
  let analysed: FileStamp[] | null = null;
  let inFlight: Promise<void> | null = null;
  let timer: { stop(): void } | null = null;
  let stopped = false;
  let busy = 0;
  const isBusy = (): boolean => busy > 0 || options.isBusy?.() === true;

  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      // Stamped before reading: a change made while the analysis runs is seen at the next look.
      const stamps = await stampAll();
      try {
        await options.refresh();
      } finally {
        analysed = stamps;
      }
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const checkNow = async (): Promise<RefreshCheckOutcome> => {
    if (stopped || inFlight || isBusy()) return 'busy';
    const stamps = await stampAll();
    if (analysed !== null && sameStamps(stamps, analysed)) return 'unchanged';
    // Looked again after the await: a digest or another refresh may have started meanwhile.
    if (stopped || inFlight || isBusy()) return 'busy';
    log.info({ files: options.files }, 'the data files changed; running the analysis again');
    try {
      await refresh();
      return 'refreshed';
    } catch (error) {
      log.error(
        { err: error },
        'the analysis of the changed data failed; the previous snapshot keeps answering',
      );
      try {
        await options.onFailure?.(error);
      } catch (notifyError) {
        log.error({ err: notifyError }, 'could not report the failed refresh');
      }
      return 'failed';
    }
  };

  return {
    async whileBusy(work) {
      busy++;
      try {
        return await work();
      } finally {
        busy--;
      }
    },
    refresh,
    checkNow,
    start() {
      stopped = false;
      if (timer || options.files.length === 0 || options.intervalMinutes <= 0) return;
      timer = (options.startTimer ?? defaultTimer)(() => {
        void checkNow().catch((error: unknown) => log.error({ err: error }, 'data change check failed'));
      }, options.intervalMinutes * 60_000);
      log.info(
        { files: options.files, everyMinutes: options.intervalMinutes },
        'watching the data files for changes',
      );
    },
    polling: () => timer !== null,
    async stop(stopOptions = {}) {
      stopped = true;
      timer?.stop();
      timer = null;
      const running = inFlight;
      if (!running) return;
      await Promise.race([
        running.catch(() => undefined),
        new Promise<void>((resolve) => setTimeout(resolve, stopOptions.deadlineMs ?? 5000).unref()),
      ]);
    },
  };
}
