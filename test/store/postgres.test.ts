/**
 * The contract on a PostgreSQL server: 127.0.0.1:5432 database `test` (or REVGAP_TEST_DATABASE_URL).
 * Every store gets a fresh schema `revgap_test_<random>`, all dropped at the end. When no server
 * answers, the suite is skipped and its title says why.
 */
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { jobLockKeys } from '../../src/store/postgres-store.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';
import { describeStoreContracts } from './contract/index.ts';

const DATABASE_URL = TEST_DATABASE_URL;

const unreachable = await probeTestPostgres();
if (unreachable) console.warn(`Skipping the Postgres state store contract: ${unreachable}`);

const schemas: string[] = [];
const newSchema = (): string => {
  const schema = randomTestSchema();
  schemas.push(schema);
  return schema;
};

afterAll(async () => {
  if (unreachable || schemas.length === 0) return;
  await dropTestSchemas(schemas);
});

describe.skipIf(unreachable !== null)(
  `Postgres state store${unreachable ? ` (skipped: ${unreachable})` : ''}`,
  () => {
    describeStoreContracts({
      fresh: async () =>
        createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'unused', schema: newSchema() }),
      persistent: async () => {
        const schema = newSchema();
        return { open: () => createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'unused', schema }) };
      },
      sharedAccess: true,
    });

    it('records each migration once, however many stores migrated the schema', async () => {
      const schema = newSchema();
      const stores = [1, 2, 3].map(() =>
        createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema }),
      );
      await Promise.all(stores.map((store) => store.ready()));
      await Promise.all(stores.map((store) => store.close()));
      const again = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema });
      await again.ready();
      await again.close();

      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      try {
        const { rows } = await client.query(
          `SELECT version, count(*)::int AS n FROM "${schema}".revgap_migrations GROUP BY version ORDER BY version`,
        );
        expect(rows[0]).toEqual({ version: 1, n: 1 });
        expect(rows.every((row) => row.n === 1)).toBe(true);
      } finally {
        await client.end();
      }
    });

    it('keeps stores on different schemas apart, locks included', async () => {
      const a = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema: newSchema() });
      const b = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema: newSchema() });
      try {
        const lockA = await a.tryAcquireJobLock('weekly-digest');
        const lockB = await b.tryAcquireJobLock('weekly-digest');
        expect(lockA).not.toBeNull();
        expect(lockB).not.toBeNull();
        expect(await a.recordDelivery('k', '2026-11-23T09:00:00Z')).toBe(true);
        expect(await b.recordDelivery('k', '2026-11-23T09:00:00Z')).toBe(true);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('explains a missing CREATE permission on the schema', async () => {
      const schema = newSchema();
      const role = `${schema}_user`;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA "${schema}"`);
        await admin.query(`CREATE ROLE "${role}" LOGIN`);
        const url = new URL(DATABASE_URL);
        url.username = role;
        const store = createStateStore({ databaseUrl: url.toString(), dataDir: 'x', schema });
        await expect(store.ready()).rejects.toMatchObject({
          code: 'STORE',
          hint: expect.stringContaining('needs CREATE on the schema'),
        });
        await store.close();
      } finally {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.query(`DROP ROLE IF EXISTS "${role}"`);
        await admin.end();
      }
    });

    it('reports a lock as lost when its connection dies', async () => {
      const schema = newSchema();
      const store = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema });
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        const lock = await store.tryAcquireJobLock('doomed');
        expect(lock?.isHeld()).toBe(true);
        const { classid, objid } = jobLockKeys(schema, 'doomed');
        // Kill the lock's connection as a network failure or a server restart would.
        const killed = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks
           WHERE locktype = 'advisory' AND granted AND classid = $1::bigint::oid AND objid = $2::bigint::oid`,
          [classid, objid],
        );
        expect(killed.rowCount).toBe(1);
        await vi.waitFor(() => expect(lock?.isHeld()).toBe(false), { timeout: 5_000 });
        // The server freed it: the next attempt gets it.
        const again = await store.tryAcquireJobLock('doomed');
        expect(again?.isHeld()).toBe(true);
        await lock?.release();
      } finally {
        await admin.end();
        await store.close();
      }
    });
  },
);

describe('Postgres state store errors', () => {
  it('never shows the database password, not even when it cannot connect', async () => {
    const url = 'postgres://revgap:Sup3r-Secret-pw@127.0.0.1:1/test';
    const store = createStateStore({ databaseUrl: url, dataDir: 'x' });
    expect(store.backend).toBe('postgres');
    expect(store.location).toBe('postgres://revgap:[REDACTED]@127.0.0.1:1/test');
    const error = await store.ready().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'STORE' });
    const shown = `${(error as Error).message} ${(error as { hint?: string }).hint}`;
    expect(shown).not.toContain('Sup3r-Secret-pw');
    expect(shown).toContain('127.0.0.1:1');
    await store.close();
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() =>
      createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'x', schema: 'x"; DROP TABLE y' }),
    ).toThrow(/schema/);
  });
});
