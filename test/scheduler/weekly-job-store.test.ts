/**
 * The weekly job on the real store: two instances on one Postgres database (each with its own
 * connection pool, as two processes would have) post a slot once; a restarted bot neither re-posts
 * nor loses an interrupted run. (Postgres rather than PGlite: PGlite takes seconds to start here,
 * and both backends pass the same store contract.)
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createWeeklyJob, type DigestJobContext } from '../../src/scheduler/weekly-job.ts';
import { createStateStore } from '../../src/store/create-state-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';

const DATABASE_URL = TEST_DATABASE_URL;
const NOW = new Date('2026-11-23T08:00:30Z'); // 30 s after Monday 09:00 Berlin

const hasPostgres = (await probeTestPostgres()) === null;
const schemas: string[] = [];
const stores: StateStore[] = [];

afterAll(async () => {
  for (const store of stores) await store.close();
  if (!hasPostgres || schemas.length === 0) return;
  await dropTestSchemas(schemas);
});

function jobOn(store: StateStore, runDigest: (context: DigestJobContext) => Promise<void>) {
  return createWeeklyJob({
    schedule: '0 9 * * 1',
    timezone: 'Europe/Berlin',
    channel: 'C01REVENUE',
    store,
    logger: captureLogs().logger,
    now: () => NOW,
    runDigest,
    startTicker: () => ({ stop: () => undefined }),
  });
}

describe.skipIf(!hasPostgres)('weekly job on one Postgres shared by two instances', () => {
  it('posts the slot once when both instances check at the same moment', async () => {
    const schema = randomTestSchema();
    schemas.push(schema);
    const a = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'unused', schema });
    const b = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'unused', schema });
    stores.push(a, b);
    await a.ready();
    await b.ready();
    const posted: string[] = [];
    const slowPost = (who: string) => async () => {
      await new Promise((r) => setTimeout(r, 100));
      posted.push(who);
    };
    const outcomes = await Promise.all([
      jobOn(a, slowPost('a')).checkNow(),
      jobOn(b, slowPost('b')).checkNow(),
    ]);
    expect(posted).toHaveLength(1);
    expect([...outcomes].sort()).toEqual(['completed', 'locked_elsewhere']);
    // Each instance looks again (the next minute) and finds the run done.
    expect(await jobOn(a, slowPost('a')).checkNow()).toBe('already_done');
    expect(await jobOn(b, slowPost('b')).checkNow()).toBe('already_done');
    expect(posted).toHaveLength(1);
  });
});

describe.skipIf(!hasPostgres)('weekly job on Postgres across restarts', () => {
  it('resumes a run abandoned mid-digest after a restart, then never posts it again', async () => {
    const schema = randomTestSchema();
    schemas.push(schema);
    const store = createStateStore({ databaseUrl: DATABASE_URL, dataDir: 'unused', schema });
    stores.push(store);
    let partPosted: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => {
      partPosted = resolve;
    });
    const first = jobOn(store, async ({ run, signal }) => {
      await store.recordDigestMessage(run.id, 0, '1795496859.000001');
      partPosted();
      // Hangs after the parent message until shutdown aborts it.
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    });
    const running = first.checkNow();
    await posted;
    expect(await first.stop({ deadlineMs: 10, graceMs: 2000 })).toBe('abandoned');
    expect(await running).toBe('abandoned');

    const resumedWith: number[][] = [];
    const restarted = jobOn(store, async ({ run, resumed }) => {
      expect(resumed).toBe(true);
      resumedWith.push(run.parts.map((p) => p.partIndex));
      await store.recordDigestMessage(run.id, 1, '1795496859.000002');
    });
    expect(await restarted.checkNow()).toBe('completed');
    expect(resumedWith).toEqual([[0]]);

    const third = jobOn(store, async () => {
      throw new Error('must not run');
    });
    expect(await third.checkNow()).toBe('already_done');
    const runs = await store.listDigestRuns();
    expect(runs.map((r) => [r.status, r.parts.length, r.attempts])).toEqual([['completed', 2, 1]]);
  });
});
