/**
 * Worker-thread entry of the sales reader (see `_read-sales-in-worker.ts`): reads the file with
 * `readSalesInThread` and posts accepted rows in batches, waiting when the main thread falls
 * MAX_AHEAD batches behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SaleRow } from '../../core/types.ts';
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

/** Accumulates one optional text column of a batch. */
class TextBuilder {
  text = '';
  ends = new Int32Array(BATCH_ROWS);
  used = false;

  add(i: number, value: string | undefined): void {
    if (value === undefined) {
      this.ends[i] = ~this.text.length;
    } else {
      this.text += value;
      this.ends[i] = this.text.length;
      this.used = true;
    }
  }

  take(): TextColumn | undefined {
    const column = this.used ? { text: this.text, ends: this.ends } : undefined;
    this.text = '';
    this.ends = new Int32Array(BATCH_ROWS);
    this.used = false;
    return column;
  }
}

const ids = new Map<string, number>();
let newIds: string[] = [];
let customer = new Int32Array(BATCH_ROWS);
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
  const message: WorkerMessage = { type: 'rows', count, newIds, customer, day, cents, line };
  const o = orderId.take();
  if (o !== undefined) message.orderId = o;
  const p = product.take();
  if (p !== undefined) message.product = p;
  const s = storeId.take();
  if (s !== undefined) message.storeId = s;
  if (quantity !== undefined) message.quantity = quantity;
  port.postMessage(message, [customer.buffer, day.buffer, cents.buffer, line.buffer]);
  sent++;
  newIds = [];
  customer = new Int32Array(BATCH_ROWS);
  day = new Int32Array(BATCH_ROWS);
  cents = new Float64Array(BATCH_ROWS);
  line = new Int32Array(BATCH_ROWS);
  quantity = undefined;
  count = 0;
}

function onRow(row: SaleRow): void {
  let index = ids.get(row.customerId);
  if (index === undefined) {
    index = ids.size;
    ids.set(row.customerId, index);
    newIds.push(row.customerId);
  }
  customer[count] = index;
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
  const e = error instanceof Error ? error : new Error(String(error));
  const hint = (e as { hint?: unknown }).hint;
  port.postMessage({
    type: 'error',
    name: e.name,
    message: e.message,
    ...(typeof hint === 'string' ? { hint } : {}),
    ...(e.stack === undefined ? {} : { stack: e.stack }),
  } satisfies WorkerMessage);
}
