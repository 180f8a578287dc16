/**
 * The sales-source contract: the CSV source and the Postgres source give the identical JSON
 * document (summary, priorities, amounts, data quality) for the same data. Each CSV file is loaded
 * into a table of a fresh schema on the test server (127.0.0.1:5432), with a `line` column holding
 * the CSV line so bad rows are reported under the same numbers; columns are typed (date, numeric)
 * where every value allows it, and a second, all-text table exercises the text parsing in SQL.
 * Skipped, saying why, when no server answers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnalysisSettings, defaultAnalysisSettings } from '../../src/core/settings.ts';
import { buildJsonDocument } from '../../src/render/json-document.ts';
import { csvCustomersSource, csvSalesSource } from '../../src/sources/csv/csv-sales-source.ts';
import {
  postgresCustomersSource,
  postgresSalesSource,
  type SqlConnection,
} from '../../src/sources/postgres/postgres-sales-source.ts';
import type { CustomersSource, SalesSource } from '../../src/sources/sales-source.ts';
import { writeSample } from '../../src/sources/sample/write-sample.ts';
import { runAnalysis } from '../../src/use-cases/run-analysis.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';
import { openRefusingCopy, refusedCopy } from '../helpers/refuse-copy.ts';

const unreachable = await probeTestPostgres();
if (unreachable) {
  console.warn(
    `sales-source contract: Postgres half skipped (${unreachable}); start a server on 127.0.0.1:5432`,
  );
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const schema = randomTestSchema();
const workDir = mkdtempSync(join(tmpdir(), 'revgap-contract-'));

/**
 * A hand fixture as a plain CSV file: without its `#` comment lines (the test helpers' notes, not
 * CSV), and with short rows padded to the header's width, so both sources read every row.
 */
function plainCopy(name: string): string {
  const lines = readFileSync(`${FIXTURES}hand/${name}.csv`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
  const width = lines[0]!.split(',').length;
  const out = lines.map((line) => line + ','.repeat(Math.max(0, width - line.split(',').length)));
  const path = join(workDir, `${name}.csv`);
  writeFileSync(path, `${out.join('\n')}\n`);
  return path;
}

/** Loads a CSV into `schema.table` (typed or all text); returns the table's qualified name. */
/** What the loader needs of a database handle (pg.Client and PGlite both have it). */
interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

async function loadCsv(client: Queryable, path: string, table: string, typed: boolean): Promise<string> {
  const records = parse(readFileSync(path, 'utf8'), {
    comment: '#',
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
    bom: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const [header, ...rows] = records;
  const names = header!.record.map((n) => n.trim());
  const kinds = names.map((_, i) => {
    if (!typed) return 'text';
    const values = rows.map((r) => (r.record[i] ?? '').trim()).filter((v) => v !== '');
    if (
      values.length > 0 &&
      values.every((v) => /^\d{4}-\d\d-\d\d$/.test(v) && !Number.isNaN(Date.parse(v)))
    ) {
      return 'date';
    }
    if (values.length > 0 && values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) return 'numeric';
    return 'text';
  });
  const qualified = `"${schema}"."${table}"`;
  await client.query(
    `CREATE TABLE ${qualified} (line int, ${names.map((n, i) => `"${n}" ${kinds[i]}`).join(', ')})`,
  );
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500);
    const values: unknown[] = [];
    const tuples = chunk.map((r) => {
      const cells = [r.info.lines, ...names.map((_, i) => r.record[i] ?? '')].map((v, i) =>
        i > 0 && kinds[i - 1] !== 'text' && String(v).trim() === '' ? null : v,
      );
      const placeholders = cells.map((v) => {
        values.push(v);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await client.query(`INSERT INTO ${qualified} VALUES ${tuples.join(', ')}`, values);
  }
  return `${schema}.${table}`;
}

/** The JSON document with the sources' names (paths, URLs) blanked: the rest must be identical. */
async function document(
  sales: SalesSource,
  customers: CustomersSource | undefined,
  settings: AnalysisSettings,
) {
  const result = await runAnalysis({ sales, customers, settings });
  let json = JSON.stringify(buildJsonDocument(result, settings));
  for (const name of [sales.description, customers?.description]) {
    if (name !== undefined) json = json.replaceAll(JSON.stringify(name).slice(1, -1), '<source>');
  }
  return JSON.parse(json) as Record<string, unknown>;
}

interface Case {
  name: string;
  sales: string;
  customers?: string;
  settings: AnalysisSettings;
}

const cases: Case[] = [
  {
    name: 'refunds, a partial week, bad rows and a customers table',
    sales: `${FIXTURES}sources/contract-sales.csv`,
    customers: `${FIXTURES}sources/contract-customers.csv`,
    settings: defaultAnalysisSettings({ minHistory: 4, lookback: 8, recentWindow: 3 }),
  },
  {
    name: 'the same with a far-future row (a mistyped year), set aside by name',
    sales: `${FIXTURES}sources/contract-sales-far-future.csv`,
    customers: `${FIXTURES}sources/contract-customers.csv`,
    settings: defaultAnalysisSettings({ minHistory: 4, lookback: 8, recentWindow: 3 }),
  },
  {
    name: 'the same by month, strict about nothing',
    sales: `${FIXTURES}sources/contract-sales.csv`,
    settings: defaultAnalysisSettings({ period: 'month', minHistory: 2, lookback: 4, recentWindow: 1 }),
  },
  ...['twelve-weeks', 'daily-dated', 'week-start', 'weekly-stamped'].map((name) => ({
    name: `hand fixture ${name}`,
    sales: plainCopy(name),
    settings: defaultAnalysisSettings({ minHistory: 4, lookback: 8, recentWindow: 2 }),
  })),
  ...['months', 'monthly-stamped'].map((name) => ({
    name: `hand fixture ${name} by month`,
    sales: plainCopy(name),
    settings: defaultAnalysisSettings({ period: 'month', minHistory: 3, lookback: 5, recentWindow: 2 }),
  })),
  {
    name: 'hand fixture weekly-stamped with Saturday weeks',
    sales: plainCopy('weekly-stamped'),
    settings: defaultAnalysisSettings({ weekStartsOn: 'saturday', minHistory: 4, lookback: 8 }),
  },
  {
    name: 'two customers with their customers file',
    sales: `${FIXTURES}use-cases/two-customers.csv`,
    customers: `${FIXTURES}use-cases/two-customers-info.csv`,
    settings: defaultAnalysisSettings(),
  },
];

// The bundled sample (200 customers, 12 weeks) as CSV files, with its customers.
const sampleDir = join(workDir, 'sample');
await writeSample(sampleDir, { end: '2026-11-22' });
cases.push({
  name: 'the bundled sample (200 customers, 12 weeks) with its customers',
  sales: join(sampleDir, 'sales.csv'),
  customers: join(sampleDir, 'customers.csv'),
  settings: defaultAnalysisSettings(),
});

/** Runs every case against one engine: load the CSV files into tables, compare the documents. */
function contractCases(engine: () => { db: Queryable; url: string; open?: () => Promise<SqlConnection> }) {
  let n = 0;
  for (const typed of [true, false]) {
    it.each(cases.map((c) => [c.name, c] as const))(
      `${typed ? 'typed' : 'text'} columns: %s`,
      async (_name, c) => {
        const { db, url, open } = engine();
        n++;
        const table = await loadCsv(db, c.sales, `sales_${n}`, typed);
        const customersTable = c.customers
          ? await loadCsv(db, c.customers, `customers_${n}`, typed)
          : undefined;
        const fromCsv = await document(
          csvSalesSource(c.sales),
          c.customers ? csvCustomersSource(c.customers) : undefined,
          c.settings,
        );
        const fromDatabase = await document(
          postgresSalesSource({ url, relation: { table }, rowKey: 'line', open }),
          customersTable
            ? postgresCustomersSource({ url, relation: { table: customersTable }, open })
            : undefined,
          c.settings,
        );
        expect(fromDatabase).toEqual(fromCsv);
        // Not vacuous: the documents carry customers and amounts.
        expect((fromCsv.dataQuality as { rowsAccepted: number }).rowsAccepted).toBeGreaterThan(0);
      },
    );
  }
}

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe.skipIf(unreachable !== null)(
  'sales-source contract: CSV and Postgres (server) give the same document',
  () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA "${schema}"`);
    });
    afterAll(async () => {
      await client?.end();
      await dropTestSchemas([schema]);
    });
    contractCases(() => ({ db: client, url: TEST_DATABASE_URL }));
  },
);

describe.skipIf(unreachable !== null)(
  'sales-source contract: CSV and Postgres (server) refusing COPY as Redshift does give the same document (the cursor fallback)',
  () => {
    let client: pg.Client;
    const refusing = openRefusingCopy(TEST_DATABASE_URL);
    beforeAll(async () => {
      client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    });
    afterAll(async () => {
      await client?.end();
      await dropTestSchemas([schema]);
      // Not vacuous: the reads' COPY was refused (once per source: its later reads go to the cursor).
      expect(refusing.refusals()).toBe(cases.length * 2);
    });
    contractCases(() => ({ db: client, url: TEST_DATABASE_URL, open: refusing.open }));
  },
);

for (const refuse of [false, true]) {
  describe(`sales-source contract: CSV and PGlite (the same SQL, embedded) give the same document${refuse ? ', COPY refused as Redshift refuses it (the cursor fallback)' : ''}`, () => {
    let pglite: PGlite;
    beforeAll(async () => {
      pglite = await PGlite.create();
      await pglite.query(`CREATE SCHEMA "${schema}"`);
    });
    afterAll(() => pglite?.close());
    // One embedded database for all reads: "ending" a read's connection rolls back what it left open.
    const open = async (): Promise<SqlConnection> => ({
      query: (text, values) => pglite.query(text, values) as never,
      // PGlite has no COPY TO STDOUT; COPY TO '/dev/blob' runs the same SELECT and gives the same text.
      copyOut: (select) =>
        refuse
          ? refusedCopy(pglite)
          : {
              async *[Symbol.asyncIterator]() {
                const { blob } = await pglite.query(`COPY (${select}) TO '/dev/blob'`);
                if (blob) yield new Uint8Array(await blob.arrayBuffer());
              },
            },
      end: async () => {
        await pglite.query('ROLLBACK').catch(() => undefined);
      },
    });
    contractCases(() => ({ db: pglite, url: 'postgres://pglite/memory', open }));
  });
}
