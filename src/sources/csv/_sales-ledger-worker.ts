/**
 * The ledger-building range reader (see `_read-sales-ledger.ts`), started through
 * `_sales-csv-worker.ts`: reads one byte range of the sales file straight into a ledger builder of
 * its own, reports what it saw, then counts its share of the duplicates, and then builds its ledger
 * part and sends it (later ranges) or merges the others' parts into it (the first range), as the
 * main thread asks, and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  createLedgerBuilder,
  type LedgerBuilder,
  type LedgerPart,
  mergeLedgerParts,
  mergePartitionedParts,
} from '../../core/ledger.ts';
import { workerErrorFields } from '../../worker-error.ts';
import { readSalesRange, type SalesReadStats } from './_read-sales-in-thread.ts';
import {
  type LedgerWorkerCommand,
  type LedgerWorkerInput,
  type LedgerWorkerMessage,
  partTransferList,
} from './_read-sales-ledger.ts';
import { countDuplicates, type DuplicateCounter } from './duplicate-set.ts';
import type { CsvRange } from './read-csv-file.ts';

const port = parentPort!;
const { options, spec, range } = workerData as LedgerWorkerInput;

const inbox: LedgerWorkerCommand[] = [];
let waiting: ((command: LedgerWorkerCommand) => void) | undefined;
port.on('message', (command: LedgerWorkerCommand) => {
  if (waiting === undefined) inbox.push(command);
  else {
    const resolve = waiting;
    waiting = undefined;
    resolve(command);
  }
});
function next(): Promise<LedgerWorkerCommand> {
  const command = inbox.shift();
  return command === undefined ? new Promise((resolve) => (waiting = resolve)) : Promise.resolve(command);
}
function post(message: LedgerWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

/** The range's duplicate counter, let go of once every range has counted its share. */
let duplicates: DuplicateCounter | undefined;
/** The first range's part, built on `build` and merged on `merge`. */
let built: LedgerPart | undefined;

try {
  const csvRange: CsvRange = { start: range.start, end: range.end, last: range.last };
  // A partition reader reads the whole file, its header too; the first byte range says the header
  // to the main thread, which hands it on to the later ranges.
  if (range.partition === undefined && range.index === 0) {
    csvRange.onHeaderAccepted = (names, delimiter) => post({ type: 'header', names, delimiter });
  } else if (range.partition === undefined) {
    const command = await next();
    if (command.type !== 'header') throw new Error(`range reader: expected the header, got ${command.type}`);
    csvRange.header = { names: command.names, delimiter: command.delimiter };
  }
  const builder = createLedgerBuilder(spec, { partition: range.partition });
  const stats = await readRange(builder, csvRange);
  // The fingerprints stay in shared memory, read in place by whoever counts them. The ledger part
  // waits for the main thread to ask: by then every range has counted its duplicates and let go of
  // the fingerprints (~22 MB a range on 100,000 customers x 52 weeks), so they are not held beside
  // the parts while they are built.
  post({ type: 'read', stats, fingerprints: duplicates?.fingerprints() });
  for (;;) {
    const command = await next();
    if (command.type === 'count') {
      post({ type: 'counted', duplicates: countShare(command) });
      // Done with every range's fingerprints: this thread's hold on them goes at once (another
      // thread still counting keeps its own; they are freed when the last one lets go).
      duplicates = undefined;
      collectGarbage();
    } else if (command.type === 'build') {
      // The first range builds its part while the later ones build theirs, then waits for them.
      built = buildPart(builder);
    } else if (command.type === 'part' || command.type === 'merge') {
      const part = built ?? buildPart(builder);
      built = undefined;
      if (command.type === 'part') {
        post({ type: 'part', part }, partTransferList(part));
      } else {
        const merged: LedgerPart = (range.partition === undefined ? mergeLedgerParts : mergePartitionedParts)(
          [part, ...command.parts],
        );
        post({ type: 'merged', part: merged }, partTransferList(merged));
      }
      break; // this range is done: the worker ends, and its memory with it
    } else if (command.type === 'stop') {
      break;
    }
  }
} catch (error) {
  const badRow = (error as { badRow?: unknown } | null)?.badRow;
  post({
    type: 'error',
    ...workerErrorFields(error),
    ...(badRow === undefined ? {} : { badRow: badRow as never }),
  });
}
port.close();

/** This range's share of the duplicates; lets go of `command`'s fingerprints. */
function countShare(command: Extract<LedgerWorkerCommand, { type: 'count' }>): number {
  const count = countDuplicates(command.sets, command.from, command.to);
  command.sets = [];
  return count;
}

/** Reads the range into `builder`; keeps the duplicate counter in `duplicates` only. */
async function readRange(builder: LedgerBuilder, csvRange: CsvRange): Promise<SalesReadStats> {
  const { progress, ...readOptions } = options;
  const read = await readSalesRange(
    {
      ...readOptions,
      onProgress: progress
        ? (bytesRead) => post({ type: 'progress', index: range.index, bytesRead })
        : undefined,
    },
    { ledger: builder },
    csvRange,
  );
  duplicates = read.duplicates;
  return read.stats;
}

/**
 * The range's ledger part. The builder's blocks are garbage once it is built: collected at once
 * (the launcher's --expose-gc reaches workers too; else a no-op).
 */
function buildPart(builder: LedgerBuilder): LedgerPart {
  const part = builder.buildPart();
  collectGarbage();
  return part;
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
