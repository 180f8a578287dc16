/**
 * The bot's analysis in a worker thread (issue 12: `/revgap help` answered within 200 ms while a
 * 52 M-row refresh runs in the same process).
 *
 * Why a thread of its own: the bot's event loop shares its heap with the snapshot it answers from,
 * a million customers' objects. Reading and analysing a 52 M-row file on that thread (even with
 * pauses between steps) allocated gigabytes there, and every full collection had to mark the whole
 * heap; on two busy cores V8 finished that marking on the main thread, in steps of up to 400 ms
 * (docs/cli.md, "where the stalls come from"). In a worker, the read, the ledger and the analysis
 * allocate in the worker's own heap, collected without stopping the bot; the bot only receives the
 * result.
 *
 * How the result crosses: the small part (summary, priorities, data quality, evidence...) as one
 * structured clone; the customers (and the churn risk list) as JSON text in slices of
 * CUSTOMERS_PER_MESSAGE, one slice per request from the bot, each parsed (and made compact, as a snapshot loaded from the store is) in
 * its own event-loop task. So the bot holds the same customer objects a restarted bot loading the
 * saved snapshot would hold (test/analysis-in-worker.test.ts renders both the same), and no task of
 * the transfer takes more than a slice's parse. Should the worker not start, the caller analyses on
 * its own thread.
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { AppConfig } from './config.ts';
import { compactParsedCustomers, compactsCustomers } from './core/compact-series.ts';
import type { AnalysisResult, ChurnRiskEntry, CustomerAnalysis } from './core/types.ts';
import { isPostgresUrl } from './sources/postgres/postgres-sales-source.ts';
import {
  type CustomerIndex,
  type CustomerIndexBuilder,
  createIndexBuilder,
} from './use-cases/find-customer.ts';
import { workerBootstrapSource } from './worker-bootstrap.ts';
import { errorFromWorker, type WorkerErrorFields } from './worker-error.ts';

/** What the worker needs to build the analysis request itself (sources cannot cross threads). */
export type AnalysisWorkerConfig = Pick<AppConfig, 'analysis' | 'data'> &
  Partial<Pick<AppConfig, 'timezone'>>;

export interface AnalysisWorkerInput {
  config: AnalysisWorkerConfig;
  today: string;
  customersPerMessage: number;
}

/** Worker -> caller. */
export type AnalysisWorkerMessage =
  | { type: 'log'; fields: Record<string, unknown>; message: string }
  | { type: 'stage'; stage: AnalysisWorkerStage }
  | { type: 'head'; head: Omit<AnalysisResult, LongList>; source: string; lengths: Record<LongList, number> }
  | { type: 'slice'; list: LongList; json: string }
  | ({ type: 'error' } & WorkerErrorFields);

/**
 * The result's lists that grow with the customers, sent in slices: the customers, and the churn
 * risk list (about one customer in ten: 1.9 MB of JSON at 100,000 customers, whose structured
 * clone in one message held the bot's event loop ~240 ms at 1,000,000).
 */
export type LongList = 'customers' | 'churnRisk';
export const LONG_LISTS: readonly LongList[] = ['customers', 'churnRisk'];

/** Where the worker is: `analysis` once the data is read, `transfer` once the analysis is done. */
export type AnalysisWorkerStage = 'analysis' | 'transfer';

/** Caller -> worker: send the next slice (the customers', then the churn risk list's). */
export interface AnalysisWorkerRequest {
  type: 'next';
}

/**
 * Customers per message: ~60-150 KB of JSON (~1 KB a customer, 2-3 KB with gaps), parsed in about
 * a millisecond. Small on purpose: a string under V8's large-object size (128 KB) is allocated in
 * the young generation and dies there, while the 1-2 MB strings of 1,000 customers went straight
 * to the old generation, ~1 GB of garbage over a 1,000,000-customer transfer, which set off full
 * collections of the bot's heap (each marking both snapshots) during the transfer.
 */
export const CUSTOMERS_PER_MESSAGE = 64;

/**
 * Sales files from this size on are analysed in a worker by the bot (about 10,000 customers x 52
 * weeks). Below it the analysis takes well under a second and a worker's start (~50 ms from dist/,
 * ~0.3 s through tsx) is not worth it. A database source is always analysed in a worker: it is how
 * data too large to export is read.
 */
export const ANALYSIS_WORKER_MIN_BYTES = 16 << 20;

/** Whether the bot should analyse `config`'s data in a worker (see ANALYSIS_WORKER_MIN_BYTES). */
export async function shouldAnalyzeInWorker(config: AnalysisWorkerConfig): Promise<boolean> {
  const sales = config.data.sales;
  if (sales === undefined) return false; // the bundled sample: 200 customers
  if (isPostgresUrl(sales)) return true;
  try {
    const info = await stat(sales);
    return info.isFile() && info.size >= ANALYSIS_WORKER_MIN_BYTES;
  } catch {
    return false; // the in-thread read reports the problem in its own words
  }
}

export interface AnalyzeInWorkerHooks {
  /** A log line of the worker's (a database source says how it read). */
  log?: (fields: Record<string, unknown>, message: string) => void;
  /** The worker read the data (`analysis`) or finished the analysis (`transfer`: its result is sent). */
  onStage?: (stage: AnalysisWorkerStage) => void;
  /** Called between two slices of the transfer and awaited (the bot passes `setImmediate`). */
  pause?: () => Promise<void>;
  /** Customers per message (tests use small slices); default CUSTOMERS_PER_MESSAGE. */
  customersPerMessage?: number;
  /**
   * Also build the customer index, each slice as it arrives, and resolve with it: the bot's
   * refresh then has no index pass of its own, whose allocations beside two snapshots set off a
   * full collection of its heap (bench/help-during-refresh.ts).
   */
  index?: boolean;
}

/** The worker could not be started (no analysis ran): the caller analyses on its own thread. */
export class AnalysisWorkerBootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalysisWorkerBootError';
  }
}

/**
 * Runs the analysis `config` describes in a worker thread and resolves with its result, rebuilt on
 * this thread. Rejects with the analysis' own error (an `InputError` keeps its hint), or with
 * `AnalysisWorkerBootError` when the worker could not start.
 */
export function analyzeInWorker(
  config: AnalysisWorkerConfig,
  today: string,
  hooks: AnalyzeInWorkerHooks = {},
): Promise<{ result: AnalysisResult; source: string; index?: CustomerIndex }> {
  const workerData: AnalysisWorkerInput = {
    config,
    today,
    customersPerMessage: hooks.customersPerMessage ?? CUSTOMERS_PER_MESSAGE,
  };
  let worker: Worker;
  try {
    worker = new Worker(workerBootstrapSource(new URL('./_analysis-worker.ts', import.meta.url).href), {
      eval: true,
      workerData,
    });
  } catch (error) {
    return Promise.reject(new AnalysisWorkerBootError(String(error)));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let head: Extract<AnalysisWorkerMessage, { type: 'head' }> | null = null;
    const customers: CustomerAnalysis[] = [];
    const churnRisk: ChurnRiskEntry[] = [];
    let compact = false;
    const strings = new Map<string, string>();
    let indexer: CustomerIndexBuilder | null = null;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (error) reject(error);
      else if (head) {
        const result = { ...head.head, customers, churnRisk } as AnalysisResult;
        resolve({ result, source: head.source, ...(indexer ? { index: indexer.finish() } : {}) });
      }
    };
    const next = (): void => {
      if (head && customers.length >= head.lengths.customers && churnRisk.length >= head.lengths.churnRisk) {
        finish(null);
        return;
      }
      worker.postMessage({ type: 'next' } satisfies AnalysisWorkerRequest);
    };
    const receive = (message: Extract<AnalysisWorkerMessage, { type: 'slice' }>): void => {
      if (message.list === 'churnRisk') {
        for (const entry of JSON.parse(message.json) as ChurnRiskEntry[]) churnRisk.push(entry);
        return;
      }
      const parsed = JSON.parse(message.json) as CustomerAnalysis[];
      if (compact) compactParsedCustomers(parsed, strings);
      const from = customers.length;
      for (const customer of parsed) customers.push(customer);
      indexer?.addRange(from, customers.length);
    };
    worker.on('message', (message: AnalysisWorkerMessage | { type: 'boot-error'; message: string }) => {
      try {
        switch (message.type) {
          case 'log':
            hooks.log?.(message.fields, message.message);
            return;
          case 'stage':
            hooks.onStage?.(message.stage);
            return;
          case 'head':
            head = message;
            // As a snapshot loaded from the store.
            compact = compactsCustomers(message.lengths.customers);
            if (hooks.index) indexer = createIndexBuilder(customers, message.lengths.customers);
            next();
            return;
          case 'slice':
            receive(message);
            if (hooks.pause) hooks.pause().then(next, (error: unknown) => finish(asError(error)));
            else next();
            return;
          case 'error':
            finish(errorFromWorker(message));
            return;
          case 'boot-error':
            finish(new AnalysisWorkerBootError(message.message));
            return;
        }
      } catch (error) {
        finish(asError(error));
      }
    });
    worker.on('error', (error) => finish(error));
    worker.on('exit', (code) => {
      finish(new Error(`the analysis worker stopped (exit code ${code}) before sending its result`));
    });
  });
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
