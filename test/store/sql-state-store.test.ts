/**
 * The shared SQL layer's own rules, on a PGlite database whose executor can be made to fail the way
 * a Postgres connection does when the server restarts mid-call (code 57P01).
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../src/store/_migrate.ts';
import type { SqlExecutor } from '../../src/store/_sql-executor.ts';
import { createSqlStateStore } from '../../src/store/_sql-state-store.ts';
import { createPgliteExecutor } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';

interface Fault {
  /** Fails the next statement whose SQL contains this text... */
  match: string;
  /** ...before it runs, or after it ran (the answer is lost, the write is not). */
  when: 'before' | 'after';
  code?: string;
}

const terminated = (code = '57P01') =>
  Object.assign(new Error('terminating connection due to administrator command'), { code });

function faulty(inner: SqlExecutor, faults: Fault[], calls: string[]): SqlExecutor {
  const take = (sql: string, when: Fault['when']) => {
    const index = faults.findIndex((f) => f.when === when && sql.includes(f.match));
    if (index < 0) return;
    const [fault] = faults.splice(index, 1);
    throw terminated(fault?.code);
  };
  return {
    async query(sql, params) {
      calls.push(sql);
      take(sql, 'before');
      const result = await inner.query(sql, params);
      take(sql, 'after');
      return result as never;
    },
    exec: (sql) => inner.exec(sql),
    transaction: (fn) => inner.transaction((tx) => fn(faulty(tx, faults, calls))),
  };
}

// One database for the file (initdb is the slow part); every test uses its own keys.
let db: PGlite;
beforeAll(async () => {
  db = await PGlite.create();
  await applyMigrations(createPgliteExecutor(db));
});
afterAll(async () => {
  await db.close();
});

const stores: StateStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function open(faults: Fault[]): { store: StateStore; calls: string[] } {
  const calls: string[] = [];
  const store = createSqlStateStore({
    kind: 'postgres',
    location: 'test',
    secrets: [],
    open: async () => faulty(createPgliteExecutor(db), faults, calls),
    tryAcquireJobLock: async () => null,
    close: async () => undefined,
  });
  stores.push(store);
  return { store, calls };
}

describe('the shared SQL store on a connection that drops', () => {
  it('retries a read that lost its connection', async () => {
    const { store } = open([{ match: 'FROM revgap_digest_runs', when: 'before' }]);
    await expect(store.listDigestRuns()).resolves.toEqual([]);
  });

  it('reports a claim as its own when the first try committed but its answer was lost', async () => {
    const { store } = open([{ match: 'INSERT INTO revgap_digest_runs', when: 'after' }]);
    const result = await store.claimDigestRun({
      runKey: 'k',
      channel: 'C',
      slot: 's',
      createdAt: '2026-11-23T08:00:00.000Z',
      late: false,
    });
    expect(result.claimed).toBe(true);
    const again = await store.claimDigestRun({
      runKey: 'k',
      channel: 'C',
      slot: 's',
      createdAt: '2026-11-23T08:01:00.000Z',
      late: false,
    });
    expect(again).toMatchObject({ claimed: false, run: { id: result.run.id } });
  });

  it('answers true for a digest part whose first recording committed but was not acknowledged', async () => {
    const faults: Fault[] = [];
    const { store } = open(faults);
    const { run } = await store.claimDigestRun({
      runKey: 'k2',
      channel: 'C',
      slot: 's',
      createdAt: '2026-11-23T08:00:00.000Z',
      late: false,
    });
    // Armed once the run exists.
    faults.push({ match: 'INSERT INTO revgap_digest_parts', when: 'after' });
    expect(await store.recordDigestMessage(run.id, 0, '1.0')).toBe(true);
    expect(faults).toEqual([]);
    expect((await store.getDigestRun('k2'))?.parts).toEqual([{ partIndex: 0, ts: '1.0' }]);
  });

  it('does not retry a delivery key: the caller decides (fail open)', async () => {
    const { store, calls } = open([{ match: 'INSERT INTO revgap_deliveries', when: 'before' }]);
    await expect(store.recordDelivery('k', '2026-11-23T08:00:00.000Z')).rejects.toMatchObject({
      code: 'STORE',
    });
    expect(calls.filter((sql) => sql.includes('INSERT INTO revgap_deliveries'))).toHaveLength(1);
  });

  it('does not retry an error that is not about the connection', async () => {
    const { store, calls } = open([{ match: 'FROM revgap_follow_ups', when: 'before', code: '42P01' }]);
    await expect(store.listFollowUps('C-1')).rejects.toMatchObject({ code: 'STORE' });
    expect(calls.filter((sql) => sql.includes('FROM revgap_follow_ups'))).toHaveLength(1);
  });
});
