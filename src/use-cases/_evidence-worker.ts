/**
 * Worker-thread entry of `evidence-in-worker.ts`: unpacks the ledger it is given, runs the
 * evidence backtest on it and posts the result (a few aggregate tables) back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runBacktest } from '../core/backtest.ts';
import { unpackLedger } from '../core/ledger.ts';
import { workerErrorFields } from '../worker-error.ts';
import type { EvidenceWorkerInput, EvidenceWorkerMessage } from './evidence-in-worker.ts';

const port = parentPort!;
const { packed, settings, options } = workerData as EvidenceWorkerInput;
let message: EvidenceWorkerMessage;
try {
  // The backtest only indexes each customer's series: views of the packed buffer serve (the
  // evidence test checks the result equals the backtest on the calling thread).
  const ledger = unpackLedger(packed, { seriesViews: true });
  message = { type: 'done', result: runBacktest(ledger, settings, options) };
} catch (error) {
  message = { type: 'error', ...workerErrorFields(error) };
}
port.postMessage(message);
