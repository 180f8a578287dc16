/**
 * The evidence backtest on a second core: the ledger is packed into typed arrays (transferred, not
 * copied) and replayed in a worker thread while the calling thread runs the live analysis. The
 * backtest's result is a few aggregate tables, cheap to send back; the analysis' per-customer
 * results never cross threads. Same result as `runBacktest` on this thread (checked by
 * test/use-cases/evidence-in-worker.test.ts); should the worker not start or fail, the caller runs
 * the backtest itself.
 */
import { Worker } from 'node:worker_threads';
import type { BacktestOptions, BacktestResult } from '../core/backtest.ts';
import { type PackedLedger, packedLedgerBuffers } from '../core/ledger.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import { workerBootstrapSource } from '../worker-bootstrap.ts';
import type { WorkerErrorFields } from '../worker-error.ts';

export interface EvidenceWorkerInput {
  packed: PackedLedger;
  settings: AnalysisSettings;
  options: BacktestOptions;
}

export type EvidenceWorkerMessage =
  | { type: 'done'; result: BacktestResult }
  | ({ type: 'error' } & WorkerErrorFields);

/** Worker runs started, and those that failed and were run on the calling thread (diagnostics). */
export const evidenceWorkerStats = { started: 0, failed: 0 };

/**
 * Starts the backtest of a packed ledger (`packLedger`; its buffers are transferred to the worker)
 * in a worker. The promise resolves with its result, or with `null` when the worker could not start
 * or failed (the caller then runs it on its own thread).
 */
export function startEvidenceInWorker(
  packed: PackedLedger,
  settings: AnalysisSettings,
  options: BacktestOptions,
): EvidenceRun {
  const workerData: EvidenceWorkerInput = { packed, settings, options };
  let worker: Worker;
  try {
    worker = new Worker(workerBootstrapSource(new URL('./_evidence-worker.ts', import.meta.url).href), {
      eval: true,
      workerData,
      transferList: packedLedgerBuffers(packed),
      // A smaller young generation than V8's default: less RSS for the same CPU (as the CSV workers).
      resourceLimits: { maxYoungGenerationSizeMb: 16 },
    });
  } catch {
    evidenceWorkerStats.failed++;
    return { result: Promise.resolve(null), stop() {} };
  }
  evidenceWorkerStats.started++;
  const result = new Promise<BacktestResult | null>((resolve) => {
    let settled = false;
    const settle = (result: BacktestResult | null): void => {
      if (settled) return;
      settled = true;
      if (result === null) evidenceWorkerStats.failed++;
      resolve(result);
      void worker.terminate();
    };
    worker.on('message', (message: EvidenceWorkerMessage | { type: 'boot-error' }) => {
      settle(message.type === 'done' ? message.result : null);
    });
    worker.on('error', () => settle(null));
    worker.on('exit', () => settle(null));
  });
  // A worker keeps the process alive: one whose result is no longer wanted is stopped.
  return { result, stop: () => void worker.terminate() };
}

/** A backtest running in a worker: its result (null if it failed), and a way to stop it. */
export interface EvidenceRun {
  result: Promise<BacktestResult | null>;
  stop(): void;
}
