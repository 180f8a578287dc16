/**
 * Streams a sales CSV into `SaleRow`s: maps the header, validates every row, and reports every row
 * it cannot use (file, line, column, reason) instead of dropping it silently. See docs/csv-input.md.
 *
 * Memory stays flat whatever the file size: the file is read in 1 MiB chunks, rows are handed to
 * `onRow` one at a time, and duplicates are tracked as 8-byte fingerprints (`duplicate-set.ts`).
 */

import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { createLedgerBuilder, ledgerFromPart } from '../../core/ledger.ts';
import type { DataQuality, PeriodSpec, SaleRow, SalesLedger } from '../../core/types.ts';
import { secondCoreFree } from './_free-core.ts';
import { finishSalesRead, readSalesInThread, readSalesRange } from './_read-sales-in-thread.ts';
import { readSalesInWorker } from './_read-sales-in-worker.ts';
import { readSalesLedgerInWorkers, WorkerBootError } from './_read-sales-ledger.ts';
import type { SalesField } from './map-headers.ts';
import type { DecimalSeparator } from './parse-amount.ts';
import type { DateFormat } from './parse-date.ts';
import type { CsvEngine, CsvInput } from './read-csv-file.ts';

/** What to do with a row that cannot be used. */
export type BadRowPolicy = 'lenient' | 'strict';

export interface SalesCsvOptions {
  /** The CSV file. */
  path: string;
  /** Field -> header name, e.g. `{ customer_id: 'Customer ID' }`; wins over the built-in aliases. */
  map?: Partial<Record<SalesField, string>> | undefined;
  /** Default `YYYY-MM-DD` (a time after it is allowed). */
  dateFormat?: DateFormat | undefined;
  /** Decimal separator of amounts: `.` (default, `,` groups thousands) or `,` (`.` groups thousands). */
  decimal?: DecimalSeparator | undefined;
  /** `,` `;` tab `|`; default: detected from the header line. */
  delimiter?: string | undefined;
  /** `lenient` (default): skip bad rows and report them; `strict`: throw `InputError` at the first one. */
  badRows?: BadRowPolicy | undefined;
  /** Drop exact duplicates instead of only counting them (default false). */
  dropDuplicates?: boolean | undefined;
  /** Problems kept in full in `DataQuality.problems` (default 20); all are counted. */
  maxProblemsListed?: number | undefined;
  /** Called about every 8 MiB read, and once at the end. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** `fast` (default) or `csv-parse` (slower reference tokenizer, same results). */
  engine?: CsvEngine | undefined;
  /** Longest record / line in bytes (default 1 MiB); a longer line stops the read. */
  maxRecordBytes?: number | undefined;
  /** Read these bytes instead of opening `path` (stdin, tests); `path` still names the source. */
  input?: CsvInput | undefined;
  totalBytes?: number | undefined;
  /** Stops the read (its threads too) and rejects once aborted. */
  signal?: AbortSignal | undefined;
  /**
   * Parse in a worker thread, so that parsing overlaps the caller's `onRow` work (the ledger) on a
   * second core. `auto` (default): for files of 32 MiB or more, when a core is free (2+ CPUs, and
   * one sat idle since start-up: `_free-core.ts`). `background`: for files of 1 MiB or more, whatever
   * the load, so the caller's event loop only folds batches of rows in (the bot's refresh).
   */
  threads?: boolean | 'auto' | 'background' | undefined;
  /**
   * `readSalesLedgerCsv` in worker threads: byte ranges of the file read in parallel (default under
   * `auto`: one per RANGE_MIN_BYTES of file, at most one per CPU, one above RANGES_MAX_BYTES; one
   * under `background`). Setting it reads in workers whatever the size (tests split 20-line files).
   */
  ranges?: number | undefined;
  /**
   * `readSalesLedgerCsv` in this many worker threads that each read the whole file for a share of
   * the customers (default under `auto`: for files above RANGES_MAX_BYTES, PARTITIONS_MAX when a
   * core is free). Setting it reads so whatever the size (tests); `ranges` wins when both are set.
   */
  partitions?: number | undefined;
}

/**
 * Files at least this large are parsed in a worker thread under `threads: 'background'` (a running
 * bot: its event loop must keep answering while a refresh reads the file), whatever the load.
 */
export const BACKGROUND_MIN_BYTES = 1 << 20;

/** Files at least this large are parsed in a worker thread under `threads: 'auto'`. */
export const WORKER_MIN_BYTES = 32 << 20;

/**
 * Reads the sales CSV at `options.path`, calling `onRow` for every accepted row in file order, and
 * resolves with the data-quality summary. Throws `InputError` for a file that cannot be read as
 * sales data, and in `strict` mode at the first bad row (after the rows before it were passed on).
 */
export async function readSalesCsv(
  options: SalesCsvOptions,
  onRow: (row: SaleRow) => void,
): Promise<DataQuality> {
  if (await shouldUseWorker(options)) return readSalesInWorker(options, onRow);
  return readSalesInThread(options, onRow);
}

/** A file is split into byte ranges read in parallel only when each range gets at least this much. */
export const RANGE_MIN_BYTES = 16 << 20;
/**
 * Larger files are not split in byte ranges: every range numbers and stores every customer it
 * meets, so on date-sorted files (each range meets most customers) two ranges of 46M rows and
 * 1,000,000 customers took 64 CPU-s and 3.3 GB against 48 CPU-s and 2.2 GB for one
 * (docs/cli.md#benchmark). They are read in partitions of the customers instead, when a core is free.
 */
export const RANGES_MAX_BYTES = 512 << 20;

/**
 * Partition readers of a file above RANGES_MAX_BYTES: each tokenises and checks the whole file, so
 * more of them add that CPU again for a smaller share of the folding; measured on 2 cores only.
 */
export const PARTITIONS_MAX = 2;

/**
 * Reads the sales CSV at `options.path` straight into a ledger for `spec`: the same rows, checks
 * and errors as `readSalesCsv`, without a `SaleRow` per row. Large files are read in worker threads,
 * in byte ranges in parallel on every CPU (`_read-sales-ledger.ts`), so the calling thread stays
 * free; `threads`, `ranges` and `input` choose as for `readSalesCsv`.
 */
export async function readSalesLedgerCsv(
  options: SalesCsvOptions,
  spec: PeriodSpec,
): Promise<{ ledger: SalesLedger; dataQuality: DataQuality }> {
  const ranges = options.ranges;
  const forced = (ranges ?? options.partitions) !== undefined && options.input === undefined;
  if (forced || (await shouldUseWorker(options))) {
    // Only a regular file can be read in ranges; anything else (missing, a directory, a pipe) is
    // read, or reported, on this thread.
    const size = await stat(options.path).then(
      (info) => (info.isFile() && info.size > 0 ? info.size : -1),
      () => -1,
    );
    if (size < 0) return readLedgerHere(options, spec);
    const { split, count } = planWorkers(options, size);
    // One range in a worker only frees this thread's event loop (the bot's refresh): elsewhere it
    // reads no sooner than this thread and holds more memory (46M rows: 53 CPU-s and 2.6 GB in a
    // worker, 51 CPU-s and 2.1 GB here, where the phases' garbage can be collected).
    if (count === 1 && !forced && (options.threads ?? 'auto') === 'auto') {
      return readLedgerHere(options, spec);
    }
    try {
      return await readSalesLedgerInWorkers(options, spec, size, count, split);
    } catch (error) {
      if (!(error instanceof WorkerBootError)) throw error;
      // No worker could start (no row was read): read on this thread instead.
    }
  }
  return readLedgerHere(options, spec);
}

/** How a file of `size` bytes is read in worker threads: byte ranges or partitions, and how many. */
function planWorkers(
  options: SalesCsvOptions,
  size: number,
): { split: 'ranges' | 'partitions'; count: number } {
  if (options.ranges !== undefined) return { split: 'ranges', count: options.ranges };
  if (options.partitions !== undefined) return { split: 'partitions', count: options.partitions };
  // The bot (`background`) reads in one range: its refresh is not in a hurry, and every range
  // holds its own copy of the customers (584 against 386 MiB for 4.6M rows in 2 ranges).
  if (options.threads === 'background' || options.engine === 'csv-parse')
    return { split: 'ranges', count: 1 };
  const cpus = availableParallelism();
  if (size > RANGES_MAX_BYTES) {
    // Dropping duplicates needs the answer row by row in file order: one range.
    return options.dropDuplicates === true
      ? { split: 'ranges', count: 1 }
      : { split: 'partitions', count: Math.min(cpus, PARTITIONS_MAX) };
  }
  return { split: 'ranges', count: Math.max(1, Math.min(cpus, Math.floor(size / RANGE_MIN_BYTES))) };
}

/** From this many rows a read on this thread collects its spent memory between phases. */
const COLLECT_MIN_ROWS = 200_000;

async function readLedgerHere(
  options: SalesCsvOptions,
  spec: PeriodSpec,
): Promise<{ ledger: SalesLedger; dataQuality: DataQuality }> {
  const builder = createLedgerBuilder(spec);
  const dataQuality = await readSalesRange(options, { ledger: builder }).then(({ stats, duplicates }) =>
    finishSalesRead(options, stats, duplicates?.count() ?? stats.duplicateRows),
  );
  // Each phase's spent memory is collected before the next allocates (the fingerprints, then the
  // builder's blocks): 2.2 -> 1.x GB peak on 46M rows (docs/cli.md#benchmark). Not for a small file:
  // each full collection is still ~10-15 ms, a tenth of a run of a few thousand rows.
  const collect = dataQuality.rowsRead >= COLLECT_MIN_ROWS;
  if (collect) collectGarbage();
  const part = builder.buildPart();
  if (collect) collectGarbage();
  return { ledger: ledgerFromPart(spec, part, { padToLastPeriod: true }), dataQuality };
}

/**
 * A full garbage collection, when the launcher exposes `gc` (`bin/revgap.mjs` does; elsewhere, e.g.
 * tests, this is a no-op). ~50 ms on 100,000 customers.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function shouldUseWorker(options: SalesCsvOptions): Promise<boolean> {
  const threads = options.threads ?? 'auto';
  if (threads === false || options.input !== undefined) return false;
  if (threads === true) return true;
  if (threads === 'background') {
    try {
      return (await stat(options.path)).size >= BACKGROUND_MIN_BYTES;
    } catch {
      return false; // the in-thread reader reports the problem
    }
  }
  // Parallel reading pays only when a core is free: on 4.6M rows two byte ranges cost ~1 CPU-s more
  // in total than one thread (each worker numbers every customer, then the merge), for a read that
  // ends sooner (docs/cli.md#benchmark).
  if (!(await secondCoreFree())) return false;
  try {
    return (await stat(options.path)).size >= WORKER_MIN_BYTES;
  } catch {
    return false; // the in-thread reader reports the problem
  }
}
