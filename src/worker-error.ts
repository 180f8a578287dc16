/**
 * An error crossing from a worker thread to the thread that started it (see worker-bootstrap.ts),
 * shared by the CSV readers' workers (`sources/csv/_sales-rows-worker.ts`,
 * `sources/csv/_sales-ledger-worker.ts`) and the analysis worker (`_analysis-worker.ts`):
 * an InputError stays an InputError with its hint (the user's "what is wrong, how to fix it"),
 * anything else keeps its name and stack.
 */
import { InputError } from './errors.ts';

export interface WorkerErrorFields {
  name: string;
  message: string;
  hint?: string;
  stack?: string;
}

/** What a worker posts for `error` (any thrown value). */
export function workerErrorFields(error: unknown): WorkerErrorFields {
  const e = error instanceof Error ? error : new Error(String(error));
  const hint = (e as { hint?: unknown }).hint;
  return {
    name: e.name,
    message: e.message,
    ...(typeof hint === 'string' ? { hint } : {}),
    ...(e.stack === undefined ? {} : { stack: e.stack }),
  };
}

/** The error a worker posted, rebuilt on this thread. */
export function errorFromWorker(fields: WorkerErrorFields): Error {
  return fields.name === 'InputError'
    ? new InputError(fields.message, fields.hint === undefined ? {} : { hint: fields.hint })
    : Object.assign(new Error(fields.message), {
        name: fields.name,
        ...(fields.stack === undefined ? {} : { stack: fields.stack }),
      });
}
