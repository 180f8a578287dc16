/**
 * Reads a large sales CSV into a ledger on every core: the file is split at line breaks into byte
 * ranges, each read by a worker thread into a ledger builder of its own (its own customer
 * numbering; no row crosses a thread), and the results are merged. The calling thread only starts
 * the workers, relays a few messages and turns the merged ledger into `SalesLedger` objects, in
 * steps, so a running bot keeps answering while a refresh reads the file.
 *
 * What makes the ranges give the same answer as one read of the file (docs/ARCHITECTURE.md):
 * - A line break is a record boundary unless a quoted value holds it. The range before each split
 *   read the text up to it and says whether a record was still open there (`endsInsideRecord`);
 *   if one was, the ranges after it started mid-record and the file is read again in one range.
 * - Line numbers count from 1 in each range; the lines of the ranges before are added afterwards
 *   (problems, the date and amount samples, the latest rows).
 * - Duplicates: every range keeps its rows' fingerprints in shared memory; each worker then counts
 *   one slice of the fingerprint partitions across all ranges, so a pair split between two ranges
 *   counts as in one read. `--drop-duplicates` needs the answer row by row in file order: one range.
 * - Strict mode: the earliest bad line of the file wins: a later range's stop waits for the ranges
 *   before it, and counts only if they read to their end without a bad row.
 * - Any other failure in a later range (a line too long, bytes that are not UTF-8) is read again
 *   in one range, which reports it with the line counted from the start of the file.
 */
import { open } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { type LedgerPart, ledgerFromPartSteps } from '../../core/ledger.ts';
import { runSteps } from '../../core/steps.ts';
import { storeRowBuffers } from '../../core/store-rows.ts';
import type { DataQuality, PeriodSpec, RowProblem, SalesLedger } from '../../core/types.ts';
import { InputError } from '../../errors.ts';
import { errorFromWorker } from '../../worker-error.ts';
import {
  BadRowError,
  finishSalesRead,
  mergeSalesStats,
  type SalesReadStats,
} from './_read-sales-in-thread.ts';
import { bootstrapSource } from './_read-sales-in-worker.ts';
import { type CounterFingerprints, PARTITIONS } from './duplicate-set.ts';
import type { SalesCsvOptions } from './read-sales-csv.ts';

/** What a range worker is given. */
export interface LedgerWorkerInput {
  mode: 'ledger';
  options: Omit<SalesCsvOptions, 'onProgress' | 'input'> & { progress: boolean };
  spec: PeriodSpec;
  range: {
    index: number;
    start: number;
    end: number;
    last: boolean;
    /** Partitions mode: the whole file, the rows of this share of the customers only. */
    partition?: { index: number; count: number };
  };
}

/** Main thread -> range worker. */
export type LedgerWorkerCommand =
  | { type: 'header'; names: string[]; delimiter: string }
  | { type: 'count'; sets: CounterFingerprints[]; from: number; to: number }
  /** Build the range's part and send it (the worker then ends). */
  | { type: 'part' }
  /** Build the range's part and keep it for `merge` (the first range, while the others build theirs). */
  | { type: 'build' }
  /** Build the range's part, merge `parts` (the later ranges', in order) into it, send it, end. */
  | { type: 'merge'; parts: LedgerPart[] }
  | { type: 'stop' };

/** Range worker -> main thread. */
export type LedgerWorkerMessage =
  | { type: 'header'; names: string[]; delimiter: string }
  | { type: 'progress'; index: number; bytesRead: number }
  | { type: 'read'; stats: SalesReadStats; fingerprints: CounterFingerprints | undefined }
  | { type: 'counted'; duplicates: number }
  | { type: 'part'; part: LedgerPart }
  | { type: 'merged'; part: LedgerPart }
  | { type: 'error'; name: string; message: string; hint?: string; stack?: string; badRow?: RowProblem };

/** Reads done by range workers, and the ranges of the last one (for tests and diagnostics). */
export const ledgerReadStats = {
  reads: 0,
  lastRanges: 0,
  /** How the last read split the work: byte ranges, or partitions of the customers. */
  lastSplit: 'ranges' as 'ranges' | 'partitions',
  rereadInOneRange: 0,
};

/** The buffers of a part, to transfer rather than copy. */
export function partTransferList(part: LedgerPart): ArrayBuffer[] {
  return [
    part.idEnds.buffer,
    part.startPeriod.buffer,
    part.length.buffer,
    part.customerRows.buffer,
    part.net.buffer,
    part.sale.buffer,
    part.periodRows.buffer,
    ...(part.firstLines === undefined ? [] : [part.firstLines.buffer]),
    ...(part.storeRows === undefined ? [] : storeRowBuffers(part.storeRows)),
  ] as ArrayBuffer[];
}

/** No worker thread could start: the caller reads on its own thread. */
export class WorkerBootError extends Error {}

/** Why the ranges cannot stand: read the file again in one range. */
class ReadAgainInOneRange extends Error {}

/**
 * The ledger and data quality of the sales CSV at `options.path` (a regular file of `size` bytes,
 * as the caller found it), read in (up to) `ranges` byte ranges in parallel, or
 * (`split: 'partitions'`) by `ranges` workers each reading the whole file for a share of the
 * customers. Same results and errors as reading it on one thread.
 */
export async function readSalesLedgerInWorkers(
  options: SalesCsvOptions,
  spec: PeriodSpec,
  size: number,
  ranges: number,
  split: 'ranges' | 'partitions' = 'ranges',
): Promise<{ ledger: SalesLedger; dataQuality: DataQuality }> {
  if (ranges > 1 && options.dropDuplicates !== true) {
    let plan: ReadPlan | null = null;
    if (split === 'partitions') {
      plan = { split, count: ranges, size };
    } else {
      const splits = await splitAtLines(options.path, size, ranges);
      if (splits !== null) plan = { split, splits };
    }
    if (plan !== null) {
      try {
        return await readRanges(options, spec, plan);
      } catch (error) {
        if (!(error instanceof ReadAgainInOneRange)) throw error;
        ledgerReadStats.rereadInOneRange++;
      }
    }
  }
  return readRanges(options, spec, { split: 'ranges', splits: [0, size] });
}

/**
 * How the workers share a read: byte ranges between the splits, or `count` partitions of the
 * customers, each reading the file's `size` bytes.
 */
type ReadPlan = { split: 'ranges'; splits: number[] } | { split: 'partitions'; count: number; size: number };

/**
 * Byte offsets [0, s1, ..., size]: about equal ranges, each split just after a line break, or null
 * when the file is too small or has no line break near a split.
 */
async function splitAtLines(path: string, size: number, ranges: number): Promise<number[] | null> {
  const handle = await open(path, 'r');
  try {
    const splits = [0];
    const buffer = Buffer.alloc(64 * 1024);
    for (let k = 1; k < ranges; k++) {
      let at = Math.max(Math.floor((size * k) / ranges), (splits[splits.length - 1] as number) + 1);
      let split = -1;
      // A line break within 1 MiB of the target (a longer line stops the read anyway).
      for (let scanned = 0; split < 0 && at < size && scanned < 1 << 20; scanned += buffer.length) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
        if (bytesRead === 0) break;
        const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
        if (newline >= 0) split = at + newline + 1;
        else at += bytesRead;
      }
      if (split < 0 || split >= size) return null;
      splits.push(split);
    }
    splits.push(size);
    return splits;
  } finally {
    await handle.close();
  }
}

type RangeOutcome =
  | { kind: 'read'; stats: SalesReadStats; fingerprints: CounterFingerprints | undefined }
  | { kind: 'failed'; error: Error; badRow?: RowProblem };

/**
 * Reads the file in `splits.length - 1` workers: byte ranges between the splits, or (`partitions`)
 * the whole file in each, each worker folding in, and fingerprinting for the duplicates, the rows
 * of its share of the customers only (its partition; an exact duplicate is of the same customer).
 * Each partition reader tokenises and checks every row, so the first one's counts are the file's:
 * more CPU than byte ranges, but no customer is held by two threads, so a file of a million
 * customers takes no more memory than one read.
 */
async function readRanges(
  options: SalesCsvOptions,
  spec: PeriodSpec,
  plan: ReadPlan,
): Promise<{ ledger: SalesLedger; dataQuality: DataQuality }> {
  const { onProgress, input: _input, signal, ...rest } = options;
  const partitions = plan.split === 'partitions';
  const count = plan.split === 'partitions' ? plan.count : plan.splits.length - 1;
  const total = plan.split === 'partitions' ? plan.size : (plan.splits[count] as number);
  const progress = new Float64Array(count);
  const workers: Worker[] = [];
  const outcomes: Promise<RangeOutcome>[] = [];
  /** Replies to commands, per worker, in order. */
  const replies: Array<Array<(message: LedgerWorkerMessage) => void>> = [];
  let crashed: ((error: Error) => void) | undefined;
  const crash = new Promise<never>((_, reject) => {
    crashed = reject;
  });
  crash.catch(() => {});
  const stopAll = (): void => {
    for (const worker of workers) void worker.terminate();
  };
  // Not wanted any more: every worker stops, and the read rejects with the signal's reason.
  const abort = (): void => crashed?.(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));

  try {
    for (let index = 0; index < count; index++) {
      const workerData: LedgerWorkerInput = {
        mode: 'ledger',
        // Partitions: the first reader's progress is the read's.
        options: { ...rest, progress: onProgress !== undefined && (!partitions || index === 0) },
        spec,
        range:
          plan.split === 'partitions'
            ? { index, start: 0, end: total, last: true, partition: { index, count } }
            : {
                index,
                start: plan.splits[index] as number,
                end: plan.splits[index + 1] as number,
                last: index === count - 1,
              },
      };
      // A smaller young generation than V8's default: less RSS for the same CPU (measured with
      // the row reader).
      const worker = new Worker(bootstrapSource(), {
        eval: true,
        workerData,
        resourceLimits: { maxYoungGenerationSizeMb: 16 },
      });
      workers.push(worker);
      replies.push([]);
      let settle: ((outcome: RangeOutcome) => void) | undefined;
      let settled = false;
      outcomes.push(
        new Promise<RangeOutcome>((resolve) => {
          settle = (outcome) => {
            settled = true;
            resolve(outcome);
          };
        }),
      );
      worker.on('message', (message: LedgerWorkerMessage | { type: 'boot-error'; message: string }) => {
        switch (message.type) {
          case 'header':
            if (!partitions) {
              for (const other of workers.slice(1)) other.postMessage(message satisfies LedgerWorkerCommand);
            }
            break;
          case 'progress':
            progress[message.index] = message.bytesRead;
            onProgress?.(
              progress.reduce((a, b) => a + b, 0),
              total,
            );
            break;
          case 'read':
            settle?.({ kind: 'read', stats: message.stats, fingerprints: message.fingerprints });
            break;
          case 'error': {
            const error = errorFromWorker(message);
            // After its read, a range's failure (counting, building its part) fails the whole read;
            // a problem with the data found then (the memory cap, met when the last periods are
            // placed) is said by one read of the file, which counts the file's rows, not a share.
            if (settled)
              crashed?.(error instanceof InputError && count > 1 ? new ReadAgainInOneRange() : error);
            settle?.({
              kind: 'failed',
              error,
              ...(message.badRow === undefined ? {} : { badRow: message.badRow }),
            });
            break;
          }
          case 'boot-error':
            crashed?.(new WorkerBootError(`CSV reader worker failed to start: ${message.message}`));
            break;
          default:
            replies[index]?.shift()?.(message);
        }
      });
      worker.on('error', (error) => crashed?.(new Error('CSV reader worker crashed', { cause: error })));
      worker.on('exit', (code) => {
        if (code !== 0 && code !== 1) crashed?.(new Error(`CSV reader worker exited early (code ${code})`));
      });
    }
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    // A failing range makes the ranges after it pointless: stop them at once.
    if (!partitions) {
      outcomes.forEach((outcome, index) => {
        void outcome.then((o) => {
          if (o.kind === 'failed') for (const later of workers.slice(index + 1)) void later.terminate();
        });
      });
    }

    // In file order: the first failure counts only if every range before it read to a record
    // boundary (otherwise the failing range started mid-record).
    const read: Array<Extract<RangeOutcome, { kind: 'read' }>> = [];
    /** Lines of the ranges before each range. */
    const linesBefore: number[] = [];
    let lines = 0;
    if (partitions) {
      const all = await Promise.race([Promise.all(outcomes), crash]);
      for (const outcome of all) {
        if (outcome.kind === 'read') {
          read.push(outcome);
          linesBefore.push(0);
        }
      }
      const first = all[0] as RangeOutcome;
      // Every reader checks every row: the first's bad row in strict mode is the file's, unless
      // another reader stopped on something else (the memory cap of its share). Anything else is
      // read again in one range, which says it as one read of the file does.
      if (first.kind === 'failed') {
        const consistent = all.every((o) => o.kind === 'read' || o.badRow !== undefined);
        if (first.badRow !== undefined && consistent) throw new BadRowError(first.badRow);
        throw new ReadAgainInOneRange();
      }
      if (read.length < count) throw new ReadAgainInOneRange();
    } else {
      for (let index = 0; index < count; index++) {
        const outcome = await Promise.race([outcomes[index] as Promise<RangeOutcome>, crash]);
        if (outcome.kind === 'failed') {
          if (index === 0) throw outcome.error;
          if (outcome.badRow !== undefined)
            throw new BadRowError({ ...outcome.badRow, line: outcome.badRow.line + lines });
          throw new ReadAgainInOneRange();
        }
        if (index < count - 1 && outcome.stats.endsInsideRecord) throw new ReadAgainInOneRange();
        linesBefore.push(lines);
        lines += outcome.stats.lines;
        read.push(outcome);
      }
    }

    // Duplicates: each worker counts a slice of the partitions, across every range's fingerprints.
    let sets = read.flatMap((r) => (r.fingerprints === undefined ? [] : [r.fingerprints]));
    const ask = (index: number, command: LedgerWorkerCommand, transfer: ArrayBuffer[] = []) =>
      new Promise<LedgerWorkerMessage>((resolve) => {
        replies[index]?.push(resolve);
        workers[index]?.postMessage(command, transfer);
      });
    const counted =
      sets.length === 0
        ? []
        : await Promise.race([
            Promise.all(
              workers.map((_, index) =>
                ask(index, {
                  type: 'count',
                  sets,
                  from: Math.floor((PARTITIONS * index) / count),
                  to: Math.floor((PARTITIONS * (index + 1)) / count),
                }),
              ),
            ),
            crash,
          ]);
    let duplicateRows = 0;
    for (const answer of counted) if (answer.type === 'counted') duplicateRows += answer.duplicates;
    // Every range has counted: the fingerprints go (in shared memory, freed once no thread holds
    // them) before the workers build their parts; then each later range sends its part and ends,
    // and the first merges them into its own and ends (docs/ARCHITECTURE.md, memory).
    sets = [];
    for (const r of read) r.fingerprints = undefined;
    (globalThis as { gc?: () => void }).gc?.();
    workers[0]?.postMessage({ type: 'build' } satisfies LedgerWorkerCommand);
    const laterParts = await Promise.race([
      Promise.all(workers.slice(1).map((_, k) => ask(k + 1, { type: 'part' }))),
      crash,
    ]);
    const parts = laterParts.map((answer, k) => {
      if (answer.type !== 'part') throw new Error(`CSV reader worker: unexpected ${answer.type}`);
      // The later ranges' latest rows, with lines from the start of the file (a partition's are).
      const before = linesBefore[k + 1] as number;
      for (const row of answer.part.latestRows ?? []) if (row.line !== undefined) row.line += before;
      return answer.part;
    });
    const mergedAnswer = await Promise.race([
      ask(0, { type: 'merge', parts }, parts.flatMap(partTransferList)),
      crash,
    ]);
    if (mergedAnswer.type !== 'merged') throw new Error(`CSV reader worker: unexpected ${mergedAnswer.type}`);
    stopAll();

    // Partitions: the first reader's counts are the file's (each reader saw every row).
    const stats = mergeSalesStats(
      (partitions ? read.slice(0, 1) : read).map((r) => r.stats),
      options.maxProblemsListed ?? 20,
    );
    const dataQuality = finishSalesRead(
      options,
      stats,
      options.dropDuplicates ? stats.duplicateRows : duplicateRows,
    );
    ledgerReadStats.reads++;
    ledgerReadStats.lastRanges = count;
    ledgerReadStats.lastSplit = partitions ? 'partitions' : 'ranges';
    // The objects are made in steps, with the event loop free in between (a bot answering).
    const ledger = await runSteps(
      ledgerFromPartSteps(spec, mergedAnswer.part, { padToLastPeriod: true }),
      () => setImmediate(),
    );
    return { ledger, dataQuality };
  } finally {
    signal?.removeEventListener('abort', abort);
    stopAll();
  }
}
