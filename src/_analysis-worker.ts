/**
 * Worker-thread entry of `analysis-in-worker.ts`: builds the analysis request from the config it is
 * given (as the bot would), runs the analysis without pauses (this thread answers nobody), then
 * sends the result: the small part at once, the customers as JSON slices, one per request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type {
  AnalysisWorkerInput,
  AnalysisWorkerMessage,
  AnalysisWorkerRequest,
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
  const { customers, ...head } = result;
  post({ type: 'head', head, source: request.sales.description, customers: customers.length });
  let from = 0;
  port.on('message', (message: AnalysisWorkerRequest) => {
    if (message.type !== 'next') return;
    try {
      const slice = customers.slice(from, from + customersPerMessage);
      from += slice.length;
      post({ type: 'slice', json: JSON.stringify(slice) });
    } catch (error) {
      post({ type: 'error', ...workerErrorFields(error) });
    }
  });
} catch (error) {
  post({ type: 'error', ...workerErrorFields(error) });
}
