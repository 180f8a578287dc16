/**
 * The row-posting sales reader worker (see `_read-sales-in-worker.ts`), started through
 * `_sales-csv-worker.ts`: reads the file with `readSalesInThread` and posts accepted rows in
 * batches, waiting when the main thread falls MAX_AHEAD batches behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SaleRow } from '../../core/types.ts';
import { workerErrorFields } from '../../worker-error.ts';
import { readSalesInThread } from './_read-sales-in-thread.ts';
import {
  BATCH_ROWS,
  MAX_AHEAD,
  type TextColumn,
  type WorkerInput,
  type WorkerMessage,
} from './_read-sales-in-worker.ts';

const port = parentPort!;
const { options, consumed } = workerData as WorkerInput;
const counter = new Int32Array(consumed);

/** Accumulates one optional text column of a batch (joined once at the end: no long cons-strings). */
class TextBuilder {
  parts: string[] = [];
  length = 0;
  ends = new Int32Array(BATCH_ROWS);
  used = false;

  add(i: number, value: string | undefined): void {
    if (value === undefined) {
      this.ends[i] = ~this.length;
    } else {
      this.parts.push(value);
      this.length += value.length;
      this.ends[i] = this.length;
      this.used = true;
    }
  }

  take(): TextColumn | undefined {
    const column = this.used ? { text: this.parts.join(''), ends: this.ends } : undefined;
    this.parts = [];
    this.length = 0;
    this.ends = new Int32Array(BATCH_ROWS);
    this.used = false;
    return column;
  }
}

const customer = new TextBuilder();
let day = new Int32Array(BATCH_ROWS);
let cents = new Float64Array(BATCH_ROWS);
let line = new Int32Array(BATCH_ROWS);
let quantity: Float64Array | undefined;
const orderId = new TextBuilder();
const product = new TextBuilder();
const storeId = new TextBuilder();
let count = 0;
let sent = 0;

function flush(): void {
  if (count === 0) return;
  // Back-pressure: wait until the main thread is less than MAX_AHEAD batches behind.
  for (;;) {
    const done = Atomics.load(counter, 0);
    if (sent - done < MAX_AHEAD) break;
    Atomics.wait(counter, 0, done, 1000);
  }
  const message: WorkerMessage = { type: 'rows', count, customer: customer.take()!, day, cents, line };
  const o = orderId.take();
  if (o !== undefined) message.orderId = o;
  const p = product.take();
  if (p !== undefined) message.product = p;
  const s = storeId.take();
  if (s !== undefined) message.storeId = s;
  if (quantity !== undefined) message.quantity = quantity;
  port.postMessage(message, [day.buffer, cents.buffer, line.buffer]);
  sent++;
  day = new Int32Array(BATCH_ROWS);
  cents = new Float64Array(BATCH_ROWS);
  line = new Int32Array(BATCH_ROWS);
  quantity = undefined;
  count = 0;
}

function onRow(row: SaleRow): void {
  // Ids cross as text, not as indexes into a table: a Map lookup per row cost more (cache misses
  // over 100k ids) than the slicing on the other side.
  customer.add(count, row.customerId);
  day[count] = row.day;
  cents[count] = row.amountCents;
  line[count] = row.line ?? 0;
  orderId.add(count, row.orderId);
  product.add(count, row.product);
  storeId.add(count, row.storeId);
  if (row.quantity !== undefined) {
    quantity ??= new Float64Array(BATCH_ROWS).fill(Number.NaN);
    quantity[count] = row.quantity;
  }
  count++;
  if (count === BATCH_ROWS) flush();
}

try {
  const { progress, ...readOptions } = options;
  const quality = await readSalesInThread(
    {
      ...readOptions,
      onProgress: progress
        ? (bytesRead, totalBytes) =>
            port.postMessage({ type: 'progress', bytesRead, totalBytes } satisfies WorkerMessage)
        : undefined,
    },
    onRow,
  );
  flush();
  port.postMessage({ type: 'done', quality } satisfies WorkerMessage);
} catch (error) {
  // Rows before the error are delivered first, as on a single thread.
  flush();
  port.postMessage({ type: 'error', ...workerErrorFields(error) } satisfies WorkerMessage);
}
