/**
 * The ledger-building range reader (see `_read-sales-ledger.ts`), started through
 * `_sales-csv-worker.ts`: reads one byte range of the sales file straight into a ledger builder of
 * its own, reports what it saw, then counts its share of the duplicates and (the first range)
 * merges the ledgers of all ranges, as the main thread asks.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLedgerBuilder, type LedgerPart, mergeLedgerParts } from '../../core/ledger.ts';
import { workerErrorFields } from '../../worker-error.ts';
import { readSalesRange } from './_read-sales-in-thread.ts';
import {
  type LedgerWorkerCommand,
  type LedgerWorkerInput,
  type LedgerWorkerMessage,
  partTransferList,
} from './_read-sales-ledger.ts';
import { countDuplicates } from './duplicate-set.ts';
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

try {
  const csvRange: CsvRange = { start: range.start, end: range.end, last: range.last };
  if (range.index === 0) {
    csvRange.onHeaderAccepted = (names, delimiter) => post({ type: 'header', names, delimiter });
  } else {
    const command = await next();
    if (command.type !== 'header') throw new Error(`range reader: expected the header, got ${command.type}`);
    csvRange.header = { names: command.names, delimiter: command.delimiter };
  }
  const builder = createLedgerBuilder(spec);
  const { progress, ...readOptions } = options;
  const { stats, duplicates } = await readSalesRange(
    {
      ...readOptions,
      onProgress: progress
        ? (bytesRead) => post({ type: 'progress', index: range.index, bytesRead })
        : undefined,
    },
    { ledger: builder },
    csvRange,
  );
  const part = builder.buildPart();
  // The builder's blocks are garbage now; collected at once, they are not held while the parts are
  // merged and turned into objects (the launcher's --expose-gc reaches workers too; else a no-op).
  (globalThis as { gc?: () => void }).gc?.();
  const fingerprints = duplicates?.fingerprints();
  // Later ranges hand their ledger over now (the first range merges them); fingerprints stay in
  // shared memory, read in place by whoever counts them.
  if (range.index === 0) post({ type: 'read', stats, fingerprints });
  else post({ type: 'read', stats, fingerprints, part }, partTransferList(part));
  for (;;) {
    const command = await next();
    if (command.type === 'count') {
      post({ type: 'counted', duplicates: countDuplicates(command.sets, command.from, command.to) });
    } else if (command.type === 'merge') {
      const merged: LedgerPart = mergeLedgerParts([part, ...command.parts]);
      post({ type: 'merged', part: merged }, partTransferList(merged));
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
