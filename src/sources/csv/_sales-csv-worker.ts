/**
 * Worker-thread entry of the sales reader: the row-posting reader (`_read-sales-in-worker.ts`,
 * `readSalesCsv` with `onRow`) or a ledger-building range reader (`_read-sales-ledger.ts`). One
 * entry file, so that the build has one worker URL to point at dist/.
 */
import { workerData } from 'node:worker_threads';

if ((workerData as { mode?: string }).mode === 'ledger') await import('./_sales-ledger-worker.ts');
else await import('./_sales-rows-worker.ts');
