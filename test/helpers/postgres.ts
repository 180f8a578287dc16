/**
 * The test PostgreSQL server: 127.0.0.1:5432 database `test` (or REVGAP_TEST_DATABASE_URL), whether
 * it answers, fresh `revgap_test_<random>` schema names, and dropping them after a suite.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactDatabaseUrl } from '../../src/store/redact-database-url.ts';

export const TEST_DATABASE_URL =
  process.env.REVGAP_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Null when the server answers a query; otherwise why not (the URL without its password). */
export async function probeTestPostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return `${redactDatabaseUrl(TEST_DATABASE_URL)} unreachable: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fresh schema name, `revgap_test_` + 12 random hex digits. */
export function randomTestSchema(): string {
  return `revgap_test_${randomBytes(6).toString('hex')}`;
}

/** Drops the schemas (and all in them) from the test server. */
export async function dropTestSchemas(schemas: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
