/**
 * The Postgres sales source beyond the contract suite: strict mode, read-only transactions, quoted
 * identifiers, and no password in any error. Needs the test server (skipped, saying why, without).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { toPeriodSpec } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import { openSources } from '../../src/sources/open-sources.ts';
import {
  postgresSalesSource,
  quoteQualified,
  redactPostgresUrl,
} from '../../src/sources/postgres/postgres-sales-source.ts';
import type { SalesReadOptions } from '../../src/sources/sales-source.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';

const unreachable = await probeTestPostgres();
if (unreachable) console.warn(`postgres sales source: skipped (${unreachable})`);

const read = (overrides: Partial<SalesReadOptions> = {}): SalesReadOptions => ({
  period: toPeriodSpec(defaultAnalysisSettings()),
  badRows: 'lenient',
  dropDuplicates: false,
  maxProblemsListed: 20,
  ...overrides,
});

describe('names and URLs', () => {
  it('quotes each part of a qualified name and keeps quoted parts', () => {
    expect(quoteQualified('public.sales')).toBe('"public"."sales"');
    expect(quoteQualified('sa"les')).toBe('"sa""les"');
    expect(quoteQualified('"my.schema".sales')).toBe('"my.schema"."sales"');
  });
  it('drops the password and query parameters from a URL', () => {
    expect(redactPostgresUrl('postgres://ann:s3cret@db.example:5432/shop?password=x')).toBe(
      'postgres://ann@db.example:5432/shop',
    );
  });
  it('asks for a table or a query, not both or neither', () => {
    const spec = { salesPath: 'postgres://u@h/db', today: '2026-11-24', settings: defaultAnalysisSettings() };
    expect(() => openSources(spec)).toThrow(/neither --table nor --query/);
    expect(() => openSources({ ...spec, database: { table: 't', query: 'select 1' } })).toThrow(
      /both --table and --query/,
    );
  });
});

describe.skipIf(unreachable !== null)('postgres sales source', () => {
  const schema = randomTestSchema();
  const url = new URL(TEST_DATABASE_URL);
  url.password = 'hunter2-not-logged';
  const secretUrl = url.toString();
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(`CREATE SEQUENCE "${schema}".seq`);
    await client.query(
      `CREATE TABLE "${schema}"."Sales Rows" (id int, client text, day date, net numeric(12,2))`,
    );
    await client.query(
      `INSERT INTO "${schema}"."Sales Rows" VALUES (1,'A','2026-11-02',10.005),(2,'A','2026-11-09',-2),(7,NULL,'2026-11-09',5),(9,'B','2026-11-16',3)`,
    );
    await client.end();
  });
  afterAll(() => dropTestSchemas([schema]));

  it('sums per customer and period in cents and reports a bad row under its key', async () => {
    const source = postgresSalesSource({
      url: secretUrl,
      relation: { table: `${schema}.Sales Rows` },
      map: { customer_id: 'client', date: 'day', amount: 'net' },
      rowKey: 'id',
    });
    expect(source.description).not.toContain('hunter2');
    const { ledger, dataQuality } = await source.load(read());
    // numeric(12,2) stored 10.01; the week of 2026-11-02 then of 2026-11-09, and a zero for the
    // ledger's last week (B's, 2026-11-16): nets are padded to it, as the CSV source's are.
    expect(ledger.customers.get('A')?.net).toEqual([1001, -200, 0]);
    expect(Array.from(ledger.customers.get('A')?.positive ?? [])).toEqual([1, 0]);
    expect(dataQuality.rowsRead).toBe(4);
    expect(dataQuality.rejectedByCode).toEqual({ missing_value: 1 });
    expect(dataQuality.problems).toMatchObject([{ line: 7, column: 'client', code: 'missing_value' }]);
    // So the analysis shares A's net as its series instead of copying it with the zero appended.
    const result = analyze(
      { ledger, customers: [], dataQuality },
      { ...defaultAnalysisSettings(), minHistory: 1 },
    );
    expect(result.customers.find((c) => c.customerId === 'A')?.series).toBe(ledger.customers.get('A')?.net);
  });

  it('stops at the first bad row in strict mode, naming its key', async () => {
    const source = postgresSalesSource({
      url: secretUrl,
      relation: {
        query: `SELECT id, client AS customer_id, day AS date, net AS amount FROM "${schema}"."Sales Rows"`,
      },
      rowKey: 'id',
    });
    await expect(source.load(read({ badRows: 'strict' }))).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('id = 7, column "customer_id": customer id is empty'),
    });
  });

  it('reads in a read-only transaction', async () => {
    const source = postgresSalesSource({
      url: secretUrl,
      relation: {
        // nextval() writes: refused in a read-only transaction.
        query: `SELECT client AS customer_id, day AS date, net + nextval('"${schema}".seq') AS amount FROM "${schema}"."Sales Rows"`,
      },
    });
    const error = await source.load(read()).catch((e: Error) => e);
    expect(String(error)).toMatch(/read-only transaction/);
  });

  it('never puts the password in an error', async () => {
    const wrongDb = new URL(secretUrl);
    wrongDb.pathname = '/no_such_database_revgap';
    const source = postgresSalesSource({ url: wrongDb.toString(), relation: { table: 'sales' } });
    const error = await source.load(read()).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect(`${(error as Error).message} ${(error as { hint?: string }).hint}`).not.toContain('hunter2');
    expect((error as Error).message).toContain('no_such_database_revgap');
  });
});

describe('the sales URL password in logs', () => {
  it('is a config secret, so the logger masks it wherever it shows up', async () => {
    const { loadConfig, configSecrets } = await import('../../src/config.ts');
    const { scrubSecrets } = await import('../../src/logger.ts');
    const config = loadConfig({
      cwd: process.cwd(),
      env: { REVGAP_SALES: 'postgres://ann:p%40ss-w0rd-9@db.example/shop', REVGAP_TABLE: 'sales' },
      flags: {},
    });
    expect(configSecrets(config)).toContain('p@ss-w0rd-9');
    expect(scrubSecrets('connecting with p@ss-w0rd-9 failed', configSecrets(config))).not.toContain(
      'p@ss-w0rd-9',
    );
  });
});
