/**
 * The write-through follow-up view (src/store/follow-up-view.ts): the FollowUpStore and
 * RecoveryStore contracts hold through it, what was recorded before it opened is there, what is
 * recorded through it shows in the next read, and a loaded view reads one customer from memory.
 * On a Postgres server (skipped when none answers): another instance's writes reach the view.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { FollowedUpGap } from '../../src/core/recovery.ts';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { withFollowUpView } from '../../src/store/follow-up-view.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';
import { event } from './contract/_harness.ts';
import { describeFollowUpStoreContract } from './contract/follow-up-store.ts';
import { describeRecoveryStoreContract } from './contract/recovery-store.ts';

let template: Promise<Blob> | undefined;
const emptyStore = async (): Promise<StateStore> => {
  template ??= PGlite.create().then(async (db) => {
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  });
  return createPgliteStore({ dataDir: 'memory://', loadDataDir: await template });
};

const viewOf = async (store: StateStore) => {
  const view = withFollowUpView(store);
  expect(await view.loaded).toBe(true);
  return view;
};

const unsupported = () => Promise.reject(new Error('not used by these contracts'));
describeFollowUpStoreContract({
  fresh: async () => viewOf(await emptyStore()),
  persistent: unsupported,
  sharedAccess: false,
});
describeRecoveryStoreContract({ fresh: async () => viewOf(await emptyStore()) });

const gap = (customerId: string, startPeriod: number): FollowedUpGap => ({
  customerId,
  startPeriod,
  periodKind: 'week',
  startedAt: '2026-11-23T10:00:00.000Z',
  userId: 'U_BOB',
  firstAction: 'claim',
  baselineCents: 100_000,
  recentCents: 20_000,
  gapType: 'below_baseline',
  gapAmountCents: 320_000,
  shownAsOfPeriod: startPeriod - 1,
});

/** The store, counting the single-customer reads that reach it. */
function counting(store: StateStore): { store: StateStore; reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    store: {
      ...store,
      listFollowUps: (id) => {
        reads.push(`listFollowUps ${id}`);
        return store.listFollowUps(id);
      },
      listFollowedUpGaps: (ids) => {
        reads.push(`listFollowedUpGaps ${ids?.join(',') ?? 'all'}`);
        return store.listFollowedUpGaps(ids);
      },
    },
  };
}

describe('the follow-up view', () => {
  let store: StateStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('holds what was recorded before it opened, and answers one customer without a query', async () => {
    store = await emptyStore();
    const claim = event({ id: 'ev-1', customerId: 'C-1', at: '2026-11-23T10:00:00.000Z' });
    await store.recordFollowUp(claim);
    await store.startFollowedUpGap(gap('C-1', 100));
    const spy = counting(store);
    const view = await viewOf(spy.store);
    spy.reads.length = 0;
    expect(await view.listFollowUps('C-1')).toEqual([claim]);
    expect((await view.listFollowedUpGaps(['C-1'])).map((r) => r.gap.startPeriod)).toEqual([100]);
    expect(await view.listFollowUps('C-2')).toEqual([]);
    expect(await view.listFollowedUpGaps(['C-2'])).toEqual([]);
    expect(spy.reads).toEqual([]);
  });

  it('shows a follow-up recorded through it in the next read, in the store order', async () => {
    store = await emptyStore();
    const view = await viewOf(store);
    const later = event({ id: 'ev-2', customerId: 'C-3', at: '2026-11-24T15:30:00.000Z' });
    const earlier = event({ id: 'ev-3', customerId: 'C-3', kind: 'release', at: '2026-11-23T11:00:00.000Z' });
    expect(await view.listFollowUps('C-3')).toEqual([]);
    expect(await view.recordFollowUp(later)).toBe(true);
    expect(await view.listFollowUps('C-3')).toEqual([later]);
    expect(await view.recordFollowUp(earlier)).toBe(true);
    expect(await view.listFollowUps('C-3')).toEqual([earlier, later]);
    expect(await view.listFollowUps('C-3')).toEqual(await store.listFollowUps('C-3'));
  });

  it('shows a followed-up gap and its measure recorded through it in the next read', async () => {
    store = await emptyStore();
    const view = await viewOf(store);
    await view.startFollowedUpGap(gap('C-4', 100));
    await view.saveRecoveryMeasures(
      [
        {
          customerId: 'C-4',
          startPeriod: 100,
          asOfPeriod: 103,
          periodsSince: 3,
          recoveredCents: 80_000,
          recentMeanCents: 100_000,
          usualShare: 1,
          recovered: true,
          final: false,
        },
      ],
      '2026-11-30T08:00:00.000Z',
    );
    const [record] = await view.listFollowedUpGaps(['C-4']);
    expect([record?.measure?.asOfPeriod, record?.recoveredAt]).toEqual([103, '2026-11-30T08:00:00.000Z']);
    expect(await view.listFollowedUpGaps(['C-4'])).toEqual(await store.listFollowedUpGaps(['C-4']));
  });

  it('reads a customer from the store while its write is in flight', async () => {
    store = await emptyStore();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let committed: () => void = () => undefined;
    const wasCommitted = new Promise<void>((resolve) => {
      committed = resolve;
    });
    const base = store;
    const slow: StateStore = {
      ...base,
      recordFollowUp: async (e) => {
        const recorded = await base.recordFollowUp(e);
        committed();
        await held;
        return recorded;
      },
    };
    const spy = counting(slow);
    const view = await viewOf(spy.store);
    const claim = event({ id: 'ev-5', customerId: 'C-5', at: '2026-11-23T10:00:00.000Z' });
    const writing = view.recordFollowUp(claim);
    // Committed in the store, not yet re-read into the view: the read goes to the store and sees it.
    await wasCommitted;
    spy.reads.length = 0;
    expect(await view.listFollowUps('C-5')).toEqual([claim]);
    expect(spy.reads).toEqual(['listFollowUps C-5']);
    release();
    await writing;
    spy.reads.length = 0;
    expect(await view.listFollowUps('C-5')).toEqual([claim]);
    expect(spy.reads).toEqual([]);
  });
});

describe('the follow-up view with change notifications (as on a shared Postgres)', () => {
  let store: StateStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  type Handlers = Parameters<NonNullable<StateStore['listenFollowUpChanges']>>[0];
  it('re-reads a customer another instance wrote to when told, and reads the store while notifications may be lost', async () => {
    store = await emptyStore();
    let feed: Handlers | undefined;
    const spy = counting({
      ...store,
      listenFollowUpChanges: async (handlers) => {
        feed = handlers;
        return async () => undefined;
      },
    });
    const view = await viewOf(spy.store);
    const first = event({ id: 'ev-a', customerId: 'C-6', at: '2026-11-23T10:00:00.000Z' });
    // Written by "another instance": straight into the store, then notified.
    await store.recordFollowUp(first);
    expect(await view.listFollowUps('C-6')).toEqual([]);
    feed?.change('C-6');
    await vi.waitFor(async () => {
      spy.reads.length = 0;
      expect(await view.listFollowUps('C-6')).toEqual([first]);
      expect(spy.reads).toEqual([]);
    });
    feed?.lost();
    const second = event({ id: 'ev-b', customerId: 'C-6', kind: 'release', at: '2026-11-24T10:00:00.000Z' });
    await store.recordFollowUp(second);
    spy.reads.length = 0;
    expect(await view.listFollowUps('C-6')).toEqual([first, second]);
    expect(spy.reads).toEqual(['listFollowUps C-6']);
    feed?.reset();
    await vi.waitFor(async () => {
      spy.reads.length = 0;
      expect(await view.listFollowUps('C-6')).toEqual([first, second]);
      expect(spy.reads).toEqual([]);
    });
  });
});

const unreachable = await probeTestPostgres();
const schemas: string[] = [];
afterAll(async () => {
  if (!unreachable && schemas.length > 0) await dropTestSchemas(schemas);
});

describe.skipIf(unreachable !== null)(
  `the follow-up view on a shared Postgres${unreachable ? ` (skipped: ${unreachable})` : ''}`,
  () => {
    const onSchema = (schema: string) =>
      createStateStore({ databaseUrl: TEST_DATABASE_URL, dataDir: 'unused', schema });
    const fresh = async () => {
      const schema = randomTestSchema();
      schemas.push(schema);
      return viewOf(onSchema(schema));
    };
    describeFollowUpStoreContract({ fresh, persistent: unsupported, sharedAccess: true });
    describeRecoveryStoreContract({ fresh });

    it("shows another instance's follow-up and followed-up gap once notified, then from memory", async () => {
      const schema = randomTestSchema();
      schemas.push(schema);
      const mine = onSchema(schema);
      await mine.ready();
      const spy = counting(mine);
      // The spy's copy has no listener of its own: hand the view the real one.
      const view = await viewOf({ ...spy.store, listenFollowUpChanges: mine.listenFollowUpChanges });
      const other = onSchema(schema);
      try {
        const claim = event({ id: 'ev-9', customerId: 'C 9', at: '2026-11-23T10:00:00.000Z' });
        expect(await view.listFollowUps('C 9')).toEqual([]);
        await other.recordFollowUp(claim);
        await other.startFollowedUpGap(gap('C 9', 100));
        // Until the notifications have been handled, reads go to the store (or find nothing yet);
        // then both come from memory, with the other instance's writes.
        await vi.waitFor(async () => {
          spy.reads.length = 0;
          expect(await view.listFollowUps('C 9')).toEqual([claim]);
          expect((await view.listFollowedUpGaps(['C 9'])).map((r) => r.gap.startPeriod)).toEqual([100]);
          expect(spy.reads).toEqual([]);
        });
      } finally {
        await other.close();
        await view.close();
      }
    });
  },
);
