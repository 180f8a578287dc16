/**
 * revgap's Postgres read alone: `postgresSalesSource(...).load()` on a table (the sums query, its
 * COPY stream and the ledger), without the analysis that `revgap analyze` runs after it. Prints one
 * line: wall seconds, seconds to the first COPY bytes, Node CPU seconds, customers, rows, RSS.
 *
 *   node --import tsx bench/postgres-read.ts postgres://postgres@127.0.0.1:5432/test revgap_bench_c100000_w52
 *
 * `--refuse-copy` refuses the COPY as Redshift does (a syntax error at "(", raised by the server), so
 * the sums come through the cursor fallback (DECLARE/FETCH), for its cost beside the COPY path.
 *
 * bench/run.ts runs it from dist/ (built by `npm run bench`) beside psql and `revgap analyze`, so the
 * note can say how much of revgap's total is the database read and how much the analysis.
 */
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const refuseCopy = args.includes('--refuse-copy');
const [url, table] = args.filter((a) => a !== '--refuse-copy');
if (!url || !table) throw new Error('usage: postgres-read.ts URL TABLE [--refuse-copy]');
const dist = new URL('../dist/sources/postgres/postgres-sales-source.js', import.meta.url);
const { pgConnection, postgresSalesSource } = (await import(
  existsSync(dist) ? dist.href : '../src/sources/postgres/postgres-sales-source.ts'
)) as typeof import('../src/sources/postgres/postgres-sales-source.ts');

const open = refuseCopy
  ? async () => {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const refusal = 'syntax error at or near "(" in context "COPY (", at line 1';
      return {
        ...pgConnection(client),
        copyOut: () => ({
          async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
            await client.query(
              `DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '42601', MESSAGE = '${refusal}'; END $$`,
            );
            yield new Uint8Array(0);
          },
        }),
      };
    }
  : undefined;
const source = postgresSalesSource({ url, relation: { table }, open });
const cpu = process.cpuUsage();
const started = performance.now();
let firstData: number | null = null;
const { ledger } = await source.load({
  period: { kind: 'week', weekStartsOn: 1 },
  badRows: 'lenient',
  dropDuplicates: false,
  maxProblemsListed: 20,
  onProgress: () => {
    firstData ??= performance.now() - started;
  },
});
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
process.stdout.write(
  `read ${seconds.toFixed(2)} s wall, first data after ${((firstData ?? 0) / 1000).toFixed(2)} s, ` +
    `${((used.user + used.system) / 1e6).toFixed(2)} s Node CPU${refuseCopy ? ' (COPY refused: cursor)' : ''}, ${ledger.customers.size.toLocaleString('en-US')} customers, ` +
    `${ledger.rows.toLocaleString('en-US')} rows, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`,
);
