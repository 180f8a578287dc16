/**
 * Worker-thread entry of `analysis-in-worker.ts`: builds the analysis request from the config it is
 * given (as the bot would), runs the analysis without pauses (this thread answers nobody), then
 * sends the result: the small part at once, the customers as JSON slices, one per request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  type AnalysisWorkerInput,
  type AnalysisWorkerMessage,
  type AnalysisWorkerRequest,
  LONG_LISTS,
  type LongList,
} from './analysis-in-worker.ts';
import { analysisRequestFromConfig } from './sources/open-sources.ts';
import { runAnalysis } from './use-cases/run-analysis.ts';
import { workerErrorFields } from './worker-error.ts';

const port = parentPort!;
const { config, today, customersPerMessage } = workerData as AnalysisWorkerInput;
const post = (message: AnalysisWorkerMessage): void => port.postMessage(message);

try {
  const request = analysisRequestFromConfig(config, today, {
    logger: {
      info: (fields: object, message?: string) =>
        post({ type: 'log', fields: { ...fields }, message: message ?? '' }),
    },
  });
  // The first pause comes once the data is read. No real pause: this thread answers nobody.
  let read = false;
  const result = await runAnalysis(request, {
    pause: () => {
      if (!read) post({ type: 'stage', stage: 'analysis' });
      read = true;
      return Promise.resolve();
    },
  });
  post({ type: 'stage', stage: 'transfer' });
  const { customers, churnRisk, ...head } = result;
  const lists: Record<LongList, readonly unknown[]> = { customers, churnRisk };
  post({
    type: 'head',
    head,
    source: request.sales.description,
    lengths: { customers: customers.length, churnRisk: churnRisk.length },
  });
  // Where the next slice starts: in the customers first, then in the churn risk list.
  let list = 0;
  let from = 0;
  port.on('message', (message: AnalysisWorkerRequest) => {
    if (message.type !== 'next') return;
    try {
      while (list < LONG_LISTS.length && from >= lists[LONG_LISTS[list] as LongList].length) {
        list++;
        from = 0;
      }
      const name = LONG_LISTS[list];
      if (name === undefined) return; // all sent: the caller has what it asked for
      const slice = lists[name].slice(from, from + customersPerMessage);
      from += slice.length;
      post({ type: 'slice', list: name, json: JSON.stringify(slice) });
    } catch (error) {
      post({ type: 'error', ...workerErrorFields(error) });
    }
  });
} catch (error) {
  post({ type: 'error', ...workerErrorFields(error) });
}
