/**
 * Streams a sales CSV into `SaleRow`s: maps the header, validates every row, and reports every row
 * it cannot use (file, line, column, reason) instead of dropping it silently. See docs/csv-input.md.
 *
 * Memory stays flat whatever the file size: the file is read in 1 MiB chunks, rows are handed to
 * `onRow` one at a time, and duplicates are tracked as 8-byte fingerprints (`duplicate-set.ts`).
 */

import { stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import type { DataQuality, SaleRow } from '../../core/types.ts';
import { readSalesInThread } from './_read-sales-in-thread.ts';
import { readSalesInWorker } from './_read-sales-in-worker.ts';
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
  /**
   * Parse in a worker thread, so that parsing overlaps the caller's `onRow` work (the ledger) on a
   * second core. `auto` (default): for files of 32 MiB or more, when a CPU is idle (2+ CPUs and a
   * 1-minute load average at most CPUs - 1). `background`: for files of 1 MiB or more, whatever
   * the load, so the caller's event loop only folds batches of rows in (the bot's refresh).
   */
  threads?: boolean | 'auto' | 'background' | undefined;
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
  // Parallel parsing pays only when a core is free: the worker spends ~0.5-1 CPU-s more in total
  // (startup, batching), and saves the main thread ~1.3 s (docs/csv-input.md).
  const cpus = availableParallelism();
  if (cpus < 2 || loadavg()[0]! > cpus - 1) return false;
  try {
    return (await stat(options.path)).size >= WORKER_MIN_BYTES;
  } catch {
    return false; // the in-thread reader reports the problem
  }
}
