/**
 * revgap's CSV read alone: `readSalesLedgerCsv` on a sales file with the defaults `revgap analyze`
 * uses (byte ranges on a free core, else one thread), i.e. the file read, every row checked, the
 * duplicates counted and the per-customer weekly sums built, without the analysis and evidence that
 * `revgap analyze` runs after it. What DuckDB's `read_csv + GROUP BY customer, week` does, plus the
 * row checks. Prints one line: wall seconds, CPU seconds, customers, rows.
 *
 *   node --import tsx bench/csv-ledger-read.ts bench/.data/c100000-w52-s42-v3/sales.csv
 *
 * bench/run.ts runs it from dist/ (built by `npm run bench`) beside `revgap analyze` and DuckDB, so
 * the note can say how much of revgap's total is the read and how much the analysis.
 */
import { existsSync } from 'node:fs';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: csv-ledger-read.ts FILE.csv');
const built = existsSync(new URL('../dist/sources/csv/read-sales-csv.js', import.meta.url));
const { readSalesLedgerCsv } = (await import(
  built ? '../dist/sources/csv/read-sales-csv.js' : '../src/sources/csv/read-sales-csv.ts'
)) as typeof import('../src/sources/csv/read-sales-csv.ts');
// The same module instance the reader counts its worker reads in.
const { ledgerReadStats } = (await import(
  built ? '../dist/sources/csv/_read-sales-ledger.js' : '../src/sources/csv/_read-sales-ledger.ts'
)) as typeof import('../src/sources/csv/_read-sales-ledger.ts');

const readsBefore = ledgerReadStats.reads;
const started = performance.now();
const cpu = process.cpuUsage();
const { ledger, dataQuality } = await readSalesLedgerCsv({ path }, { kind: 'week', weekStartsOn: 1 });
const used = process.cpuUsage(cpu);
// How the read split the work: a run on one thread (a file under the reader's worker size, or no
// second core free: `readSalesLedgerCsv` decides) is slower than the same read on two, and the
// bench's line should say which it measured.
const split =
  ledgerReadStats.reads > readsBefore
    ? `${ledgerReadStats.lastRanges} worker thread${ledgerReadStats.lastRanges === 1 ? '' : 's'} (${ledgerReadStats.lastSplit === 'partitions' ? 'partitions of the customers' : 'byte ranges'})`
    : 'one thread';
process.stdout.write(
  `read ${((performance.now() - started) / 1000).toFixed(2)} s wall, ` +
    `${((used.user + used.system) / 1e6).toFixed(2)} CPU-s (all threads), ` +
    `${ledger.customers.size.toLocaleString('en-US')} customers, ` +
    `${dataQuality.rowsAccepted.toLocaleString('en-US')} rows, on ${split}\n`,
);
