/**
 * DuckDB's bare aggregation of a sales CSV, for `npm run bench` to compare against: read the file
 * and sum the amounts per customer and Monday week into an in-memory table (no transfer to
 * JavaScript). Run as a child process so its peak RSS is its own. Prints one JSON line:
 * { groups, seconds }. Benchmark only: @duckdb/node-api is a devDependency.
 *
 *   node --import tsx bench/duckdb-aggregate.ts FILE.csv
 */

/** The part of @duckdb/node-api used here (typed by hand, so type-checking the project never loads it). */
interface DuckDb {
  DuckDBInstance: {
    create(path: string): Promise<{
      connect(): Promise<{
        run(sql: string): Promise<unknown>;
        runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
      }>;
    }>;
  };
}
// A variable specifier: type-checking must not need the package (a devDependency for the bench only).
const packageName = '@duckdb/node-api';
const { DuckDBInstance } = (await import(packageName)) as DuckDb;

const path = process.argv[2];
if (!path) throw new Error('usage: duckdb-aggregate.ts FILE.csv');
const started = performance.now();
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const quoted = `'${path.replaceAll("'", "''")}'`;
await connection.run(
  `CREATE TABLE sums AS SELECT customer_id, date_trunc('week', date) AS week, sum(amount) AS amount
   FROM read_csv(${quoted}, header = true, columns = {'customer_id': 'VARCHAR', 'date': 'DATE', 'amount': 'DECIMAL(18,2)', 'order_id': 'VARCHAR'})
   GROUP BY ALL`,
);
const reader = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM sums');
const groups = Number(reader.getRows()[0]?.[0]);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`${JSON.stringify({ groups, seconds })}\n`);
