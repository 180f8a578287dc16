/**
 * The StateStore contract: one suite, run against every backend by test/store/<backend>.test.ts.
 * Each `describe` block opens its own empty store, so tests inside a block use distinct keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../src/core/types.ts';
import { AppError } from '../../src/errors.ts';
import type { DigestRunClaim, StateStore } from '../../src/store/state-store.ts';
import { makeAnalysisResult } from './analysis-result-fixture.ts';

export interface StoreHarness {
  /** A store on a new, empty database (PGlite in memory, or a new Postgres schema). */
  fresh(): Promise<StateStore>;
  /**
   * A place that survives `close()`: `open()` returns a new store on the same data each time
   * (PGlite: the same temp directory; Postgres: the same schema).
   */
  persistent(): Promise<{ open(): StateStore }>;
  /** True when several stores may be open on the same data at once (Postgres). */
  sharedAccess: boolean;
}

const event = (
  partial: Partial<FollowUpEvent> & Pick<FollowUpEvent, 'id' | 'customerId' | 'at'>,
): FollowUpEvent => ({
  kind: 'claim',
  userId: 'U_ANA',
  ...partial,
});

const claimFor = (runKey: string, extra: Partial<DigestRunClaim> = {}): DigestRunClaim => ({
  runKey,
  channel: 'C_REVENUE',
  slot: '2026-11-23T08:00:00.000Z',
  createdAt: '2026-11-23T08:00:05.000Z',
  late: false,
  ...extra,
});

/** Opens a store per block and closes it after, whatever happened. */
function useStore(harness: StoreHarness): () => StateStore {
  let store: StateStore | undefined;
  beforeAll(async () => {
    store = await harness.fresh();
  });
  afterAll(async () => {
    await store?.close();
  });
  return () => {
    if (!store) throw new Error('store not opened');
    return store;
  };
}

export function describeStateStoreContract(harness: StoreHarness): void {
  describe('snapshots', () => {
    const store = useStore(harness);

    it('has no snapshot and a clean refresh status before the first save', async () => {
      expect(await store().loadLatestSnapshot()).toBeNull();
      expect(await store().getRefreshStatus()).toEqual({
        latest: null,
        lastFailure: null,
        failuresSinceLatest: 0,
      });
    });

    it('stores a failure reason holding a NUL character, with the NUL replaced', async () => {
      await store().recordSnapshotFailure('bad byte \0 in sales.csv', '2026-11-19T09:00:00.000Z');
      expect((await store().getRefreshStatus()).lastFailure?.reason).toBe('bad byte \uFFFD in sales.csv');
    });

    it('reports failed refreshes when no snapshot exists yet', async () => {
      await store().recordSnapshotFailure('sales.csv not found', '2026-11-20T09:00:00.000Z');
      const status = await store().getRefreshStatus();
      expect(status.lastFailure).toEqual({ reason: 'sales.csv not found', at: '2026-11-20T09:00:00.000Z' });
      expect(status.failuresSinceLatest).toBe(2);
    });

    it('loads back exactly the analysis and settings it saved', async () => {
      const result = makeAnalysisResult(40);
      const settings = { topN: 20, currency: 'EUR' } as never;
      await store().saveSnapshot({
        id: 'snap-a',
        createdAt: '2026-11-21T09:00:00.000Z',
        asOfPeriod: 2916,
        source: 'data/sales.csv',
        result,
        settings,
      });
      const loaded = await store().loadLatestSnapshot();
      expect(loaded).toEqual({
        id: 'snap-a',
        createdAt: '2026-11-21T09:00:00.000Z',
        asOfPeriod: 2916,
        source: 'data/sales.csv',
        result,
        settings,
      });
      expect(await store().loadSnapshot('snap-a')).toEqual(loaded);
    });

    it('forgets failures older than the latest snapshot and reports newer ones', async () => {
      expect((await store().getRefreshStatus()).failuresSinceLatest).toBe(0);
      await store().recordSnapshotFailure('connection refused', '2026-11-22T09:00:00.000Z');
      await store().recordSnapshotFailure('timeout after 60 s', '2026-11-23T09:00:00.000Z');
      const status = await store().getRefreshStatus();
      expect(status.latest?.id).toBe('snap-a');
      expect(status.lastFailure).toEqual({ reason: 'timeout after 60 s', at: '2026-11-23T09:00:00.000Z' });
      expect(status.failuresSinceLatest).toBe(2);
    });

    it('answers with the newest createdAt, not the last saved', async () => {
      await store().saveSnapshot({
        id: 'snap-old',
        createdAt: '2026-11-01T09:00:00.000Z',
        asOfPeriod: 2913,
        source: 'x',
        result: makeAnalysisResult(1),
      });
      expect((await store().loadLatestSnapshot())?.id).toBe('snap-a');
    });

    it('keeps the first snapshot when an id is saved twice', async () => {
      await store().saveSnapshot({
        id: 'snap-a',
        createdAt: '2026-11-30T09:00:00.000Z',
        asOfPeriod: 1,
        source: 'other',
        result: makeAnalysisResult(1),
      });
      const again = await store().loadSnapshot('snap-a');
      expect(again?.source).toBe('data/sales.csv');
      expect(again?.result.customers).toHaveLength(40);
    });

    it('keeps only the newest three snapshots by default, and fewer when asked', async () => {
      for (const day of [24, 25, 26]) {
        await store().saveSnapshot({
          id: `snap-${day}`,
          createdAt: `2026-11-${day}T09:00:00.000Z`,
          asOfPeriod: 2917,
          source: 'data/sales.csv',
          result: makeAnalysisResult(2),
        });
      }
      const listed = await store().listSnapshots();
      expect(listed.map((s) => s.id)).toEqual(['snap-26', 'snap-25', 'snap-24']);
      expect(listed[0]?.resultChars).toBe(JSON.stringify(makeAnalysisResult(2)).length);
      expect(await store().loadSnapshot('snap-a')).toBeNull();

      expect(await store().pruneSnapshots(1)).toBe(2);
      expect((await store().listSnapshots()).map((s) => s.id)).toEqual(['snap-26']);

      await store().saveSnapshot(
        {
          id: 'snap-27',
          createdAt: '2026-11-27T09:00:00.000Z',
          asOfPeriod: 2917,
          source: 's',
          result: makeAnalysisResult(1),
        },
        { keep: 1 },
      );
      expect((await store().listSnapshots()).map((s) => s.id)).toEqual(['snap-27']);
    });

    it('round-trips a large analysis (10,000 customers)', async () => {
      const result = makeAnalysisResult(10_000);
      await store().saveSnapshot({
        id: 'snap-big',
        createdAt: '2026-12-01T09:00:00.000Z',
        asOfPeriod: 2918,
        source: 'big.csv',
        result,
      });
      const loaded = await store().loadLatestSnapshot();
      expect(loaded?.result.customers).toHaveLength(10_000);
      expect(loaded?.result).toEqual(result);
    });
  });

  describe('digest runs', () => {
    const store = useStore(harness);

    it('claims a run key once: the second claim sees the first run and its posted parts', async () => {
      const first = await store().claimDigestRun(claimFor('C_REVENUE:2917:2026-11-23T08:00Z'));
      expect(first.claimed).toBe(true);
      expect(first.run).toMatchObject({
        runKey: 'C_REVENUE:2917:2026-11-23T08:00Z',
        channel: 'C_REVENUE',
        slot: '2026-11-23T08:00:00.000Z',
        late: false,
        status: 'running',
        createdAt: '2026-11-23T08:00:05.000Z',
        parts: [],
        priorities: [],
        fileId: null,
        attempts: 0,
      });
      expect(await store().recordDigestMessage(first.run.id, 0, '1732350000.000100')).toBe(true);
      expect(await store().recordDigestMessage(first.run.id, 1, '1732350001.000200')).toBe(true);

      const second = await store().claimDigestRun(
        claimFor('C_REVENUE:2917:2026-11-23T08:00Z', { createdAt: '2026-11-23T08:05:00.000Z', late: true }),
      );
      expect(second.claimed).toBe(false);
      expect(second.run.id).toBe(first.run.id);
      expect(second.run.createdAt).toBe('2026-11-23T08:00:05.000Z');
      expect(second.run.late).toBe(false);
      expect(second.run.parts).toEqual([
        { partIndex: 0, ts: '1732350000.000100' },
        { partIndex: 1, ts: '1732350001.000200' },
      ]);
    });

    it('lets exactly one of several concurrent claims win', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store().claimDigestRun(claimFor('race-key', { id: `race-${i}` })),
        ),
      );
      expect(results.filter((r) => r.claimed)).toHaveLength(1);
      const winner = results.find((r) => r.claimed)?.run.id;
      expect(new Set(results.map((r) => r.run.id))).toEqual(new Set([winner]));
    });

    it('uses the caller id when given one', async () => {
      const { run } = await store().claimDigestRun(
        claimFor('with-id', { id: 'run-42', snapshotId: 'snap-1' }),
      );
      expect(run.id).toBe('run-42');
      expect(run.snapshotId).toBe('snap-1');
      expect((await store().getDigestRunById('run-42'))?.runKey).toBe('with-id');
      expect(await store().getDigestRunById('run-missing')).toBeNull();
      expect(await store().getDigestRun('key-missing')).toBeNull();
    });

    it('keeps the first ts when a part is recorded twice, and lists parts in order', async () => {
      const { run } = await store().claimDigestRun(claimFor('parts'));
      await store().recordDigestMessage(run.id, 2, '300.0');
      expect(await store().recordDigestMessage(run.id, 0, '100.0')).toBe(true);
      expect(await store().recordDigestMessage(run.id, 0, '100.0')).toBe(true);
      expect(await store().recordDigestMessage(run.id, 0, '999.0')).toBe(false);
      expect((await store().getDigestRun('parts'))?.parts).toEqual([
        { partIndex: 0, ts: '100.0' },
        { partIndex: 2, ts: '300.0' },
      ]);
    });

    it('rejects progress on an unknown run with NOT_FOUND', async () => {
      await expect(store().recordDigestMessage('nope', 0, '1.0')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store().markDigestCompleted('nope', '2026-11-23T08:00:00Z')).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store().recordDigestAttempt('nope', 'x')).rejects.toBeInstanceOf(AppError);
    });

    it('keeps the first priorities written, so a resumed run shows the same cards', async () => {
      const { run } = await store().claimDigestRun(claimFor('priorities'));
      const shown = [
        { customerId: 'C-104', rank: 1, gapAmountCents: 412_00, partIndex: 0 },
        { customerId: 'C-007', rank: 2, gapAmountCents: 98_50, partIndex: 1 },
      ];
      expect(await store().recordDigestPriorities(run.id, shown, 'snap-9')).toEqual(shown);
      const later = [{ customerId: 'C-999', rank: 1, gapAmountCents: 1 }];
      expect(await store().recordDigestPriorities(run.id, later, 'snap-10')).toEqual(shown);
      const loaded = await store().getDigestRun('priorities');
      expect(loaded?.priorities).toEqual(shown);
      expect(loaded?.snapshotId).toBe('snap-9');
    });

    it('records the file, attempts, completion, and never turns a completed run into a failed one', async () => {
      const { run } = await store().claimDigestRun(claimFor('lifecycle'));
      await store().recordDigestAttempt(run.id, 'ratelimited');
      await store().recordDigestAttempt(run.id, 'fatal_error');
      await store().markDigestFileUploaded(run.id, 'F0123');
      await store().markDigestCompleted(run.id, '2026-11-23T08:01:00.000Z');
      await store().markDigestFailed(run.id, 'late report from a stale attempt', '2026-11-23T08:02:00.000Z');
      expect(await store().getDigestRun('lifecycle')).toMatchObject({
        status: 'completed',
        fileId: 'F0123',
        attempts: 2,
        lastError: 'fatal_error',
        completedAt: '2026-11-23T08:01:00.000Z',
      });
    });

    it('marks a run failed with its reason', async () => {
      const { run } = await store().claimDigestRun(claimFor('failing'));
      await store().markDigestFailed(run.id, 'channel_not_found', '2026-11-23T08:03:00.000Z');
      const again = await store().claimDigestRun(claimFor('failing'));
      expect(again.claimed).toBe(false);
      expect(again.run).toMatchObject({
        status: 'failed',
        failureReason: 'channel_not_found',
        failedAt: '2026-11-23T08:03:00.000Z',
        completedAt: null,
      });
    });

    it('finds a run by any of its messages, in that channel only', async () => {
      const { run } = await store().claimDigestRun(claimFor('find-me', { channel: 'C_SALES' }));
      await store().recordDigestMessage(run.id, 0, '500.000001');
      await store().recordDigestMessage(run.id, 1, '500.000002');
      expect((await store().findDigestByMessage('C_SALES', '500.000001'))?.id).toBe(run.id);
      expect((await store().findDigestByMessage('C_SALES', '500.000002'))?.runKey).toBe('find-me');
      expect(await store().findDigestByMessage('C_OTHER', '500.000001')).toBeNull();
      expect(await store().findDigestByMessage('C_SALES', '500.000003')).toBeNull();
    });
  });

  describe('digest run listing', () => {
    const store = useStore(harness);

    it('lists runs newest first, with their parts, up to the limit', async () => {
      for (const day of [16, 23, 9]) {
        const { run } = await store().claimDigestRun(
          claimFor(`C:${day}`, { createdAt: `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z` }),
        );
        await store().recordDigestMessage(run.id, 0, `${day}.0`);
      }
      const runs = await store().listDigestRuns(2);
      expect(runs.map((r) => r.runKey)).toEqual(['C:23', 'C:16']);
      expect(runs.map((r) => r.parts)).toEqual([
        [{ partIndex: 0, ts: '23.0' }],
        [{ partIndex: 0, ts: '16.0' }],
      ]);
      expect(await store().listDigestRuns()).toHaveLength(3);
    });
  });

  describe('follow-ups', () => {
    const store = useStore(harness);

    it('records an event once per id', async () => {
      const claim = event({
        id: 'ev-1',
        customerId: 'C-1',
        at: '2026-11-23T10:00:00.000Z',
        digestRunId: 'run-1',
      });
      expect(await store().recordFollowUp(claim)).toBe(true);
      expect(await store().recordFollowUp({ ...claim, userId: 'U_OTHER' })).toBe(false);
      expect(await store().listFollowUps('C-1')).toEqual([claim]);
    });

    it('lists one customer history oldest first, whatever the recording order', async () => {
      const later = event({
        id: 'ev-3',
        customerId: 'C-2',
        kind: 'follow_up',
        outcome: 'contacted',
        nextStep: 'send the new price list',
        note: 'Spoke to the buyer',
        at: '2026-11-24T15:30:00.000Z',
      });
      const earlier = event({ id: 'ev-2', customerId: 'C-2', at: '2026-11-23T11:00:00.000Z' });
      await store().recordFollowUp(later);
      await store().recordFollowUp(earlier);
      expect(await store().listFollowUps('C-2')).toEqual([earlier, later]);
      expect(await store().listFollowUps('C-unknown')).toEqual([]);
    });

    it('lists events since an instant, the boundary included', async () => {
      const since = await store().listFollowUpsSince('2026-11-23T11:00:00.000Z');
      expect(since.map((e) => e.id)).toEqual(['ev-2', 'ev-3']);
      expect(await store().listFollowUpsSince('2026-11-25T00:00:00Z')).toEqual([]);
    });

    it('derives each customer gap state from its events', async () => {
      const events: FollowUpEvent[] = [
        event({ id: 's-1', customerId: 'G-claimed', at: '2026-11-23T09:00:00.000Z', userId: 'U_BO' }),
        event({ id: 's-2', customerId: 'G-recovering', at: '2026-11-23T09:00:00.000Z', userId: 'U_BO' }),
        event({
          id: 's-3',
          customerId: 'G-recovering',
          kind: 'follow_up',
          outcome: 'recovering',
          userId: 'U_CY',
          at: '2026-11-24T09:00:00.000Z',
        }),
        event({
          id: 's-4',
          customerId: 'G-dismissed',
          kind: 'follow_up',
          outcome: 'not_a_gap',
          gapAmountCents: 250_00,
          at: '2026-11-23T09:00:00.000Z',
        }),
        event({
          id: 's-5',
          customerId: 'G-snoozed',
          kind: 'snooze',
          snoozeUntil: '2026-12-07',
          gapAmountCents: 90_00,
          at: '2026-11-23T09:00:00.000Z',
        }),
      ];
      for (const e of events) await store().recordFollowUp(e);

      const states = await store().getGapStates([
        'G-claimed',
        'G-recovering',
        'G-dismissed',
        'G-snoozed',
        'G-none',
      ]);
      expect([...states.keys()].sort()).toEqual(['G-claimed', 'G-dismissed', 'G-recovering', 'G-snoozed']);
      expect(states.get('G-claimed')).toEqual({
        customerId: 'G-claimed',
        status: 'claimed',
        ownerUserId: 'U_BO',
        lastActionAt: '2026-11-23T09:00:00.000Z',
      });
      expect(states.get('G-recovering')).toEqual({
        customerId: 'G-recovering',
        status: 'recovering',
        ownerUserId: 'U_BO',
        lastActionAt: '2026-11-24T09:00:00.000Z',
      });
      expect(states.get('G-dismissed')).toMatchObject({
        status: 'dismissed',
        gapAmountCentsAtDecision: 250_00,
      });
      expect(states.get('G-snoozed')).toMatchObject({
        status: 'snoozed',
        snoozedUntil: '2026-12-07',
        gapAmountCentsAtDecision: 90_00,
      });

      const afterSnooze = await store().getGapStates(['G-snoozed'], { today: '2026-12-07' });
      expect(afterSnooze.get('G-snoozed')?.status).toBe('open');

      const all = await store().getGapStates();
      expect(all.get('C-2')?.status).toBe('contacted');
      expect(all.size).toBe(6);
    });

    it('returns an empty map for an empty id list', async () => {
      expect((await store().getGapStates([])).size).toBe(0);
    });
  });

  describe('deliveries', () => {
    const store = useStore(harness);

    it('says true the first time a key is seen and false after', async () => {
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T09:00:00.000Z')).toBe(true);
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T09:00:01.000Z')).toBe(false);
      expect(await store().recordDelivery('event:Ev02', '2026-11-23T09:00:01.000Z')).toBe(true);
    });

    it('gives at most one true among concurrent deliveries of one key', async () => {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => store().recordDelivery('event:burst', '2026-11-23T09:00:00.000Z')),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('lets an expiring key be claimed again once its window has passed', async () => {
      const opts = { expiresAt: '2026-11-23T09:00:05.000Z' };
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:00.000Z', opts)).toBe(true);
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:04.999Z', opts)).toBe(false);
      expect(
        await store().recordDelivery('intent:btn', '2026-11-23T09:00:05.000Z', {
          expiresAt: '2026-11-23T09:00:10.000Z',
        }),
      ).toBe(true);
      expect(await store().recordDelivery('intent:btn', '2026-11-23T09:00:06.000Z')).toBe(false);
    });

    it('prunes keys recorded before an instant, which can then be seen again', async () => {
      await store().recordDelivery('old:1', '2026-11-01T00:00:00.000Z');
      await store().recordDelivery('old:2', '2026-11-02T00:00:00.000Z');
      expect(await store().pruneDeliveries('2026-11-03T00:00:00.000Z')).toBe(2);
      expect(await store().recordDelivery('old:1', '2026-11-23T10:00:00.000Z')).toBe(true);
      expect(await store().recordDelivery('event:Ev01', '2026-11-23T10:00:00.000Z')).toBe(false);
    });
  });

  describe('job locks', () => {
    const store = useStore(harness);

    it('refuses a held lock and grants it again after release', async () => {
      const lock = await store().tryAcquireJobLock('weekly-digest');
      expect(lock?.isHeld()).toBe(true);
      expect(await store().tryAcquireJobLock('weekly-digest')).toBeNull();
      const other = await store().tryAcquireJobLock('refresh');
      expect(other).not.toBeNull();
      await lock?.release();
      await lock?.release();
      expect(lock?.isHeld()).toBe(false);
      const again = await store().tryAcquireJobLock('weekly-digest');
      expect(again).not.toBeNull();
      await again?.release();
      await other?.release();
    });

    it('runs a function under the lock and releases it, even when the function throws', async () => {
      const result = await store().withJobLock('job-a', async (lock) => {
        expect(lock.isHeld()).toBe(true);
        const inner = await store().withJobLock('job-a', async () => 'never');
        return inner;
      });
      expect(result).toEqual({ acquired: true, value: { acquired: false } });

      await expect(
        store().withJobLock('job-a', async () => {
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store().withJobLock('job-a', async () => 7)).toEqual({ acquired: true, value: 7 });
    });
  });

  describe('closing', () => {
    it('rejects calls after close with a STORE error, and closes idempotently', async () => {
      const store = await harness.fresh();
      await store.ready();
      await store.close();
      await store.close();
      await expect(store.recordDelivery('k', '2026-11-23T09:00:00Z')).rejects.toMatchObject({
        code: 'STORE',
      });
    });

    it('closes a store that was never used', async () => {
      const store = await harness.fresh();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });

  describe('persistence and migrations', () => {
    it('keeps its data across close and reopen, migrating only once', async () => {
      const place = await harness.persistent();
      const first = place.open();
      await first.ready();
      await first.ready();
      await first.recordDelivery('persist:1', '2026-11-23T09:00:00.000Z');
      const { run } = await first.claimDigestRun(claimFor('persist-run'));
      await first.recordDigestMessage(run.id, 0, '42.0');
      await first.close();

      const second = place.open();
      try {
        expect(await second.recordDelivery('persist:1', '2026-11-23T09:00:01.000Z')).toBe(false);
        expect((await second.getDigestRun('persist-run'))?.parts).toEqual([{ partIndex: 0, ts: '42.0' }]);
      } finally {
        await second.close();
      }
    });
  });

  describe.runIf(harness.sharedAccess)('several stores on the same data', () => {
    it('migrates once when two stores start at once, and both work', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        await Promise.all([a.ready(), b.ready()]);
        expect(await a.recordDelivery('shared:1', '2026-11-23T09:00:00.000Z')).toBe(true);
        expect(await b.recordDelivery('shared:1', '2026-11-23T09:00:00.000Z')).toBe(false);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('gives a digest run to exactly one store', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        const results = await Promise.all([
          a.claimDigestRun(claimFor('two-instances', { id: 'from-a' })),
          b.claimDigestRun(claimFor('two-instances', { id: 'from-b' })),
        ]);
        expect(results.filter((r) => r.claimed)).toHaveLength(1);
        expect(results[0]?.run.id).toBe(results[1]?.run.id);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('refuses a job lock held by another store until that store closes', async () => {
      const place = await harness.persistent();
      const a = place.open();
      const b = place.open();
      try {
        const held = await a.tryAcquireJobLock('weekly-digest');
        expect(held).not.toBeNull();
        expect(await b.tryAcquireJobLock('weekly-digest')).toBeNull();
        expect(await b.withJobLock('weekly-digest', async () => 'ran')).toEqual({ acquired: false });
        await a.close();
        expect(held?.isHeld()).toBe(false);
        const taken = await b.tryAcquireJobLock('weekly-digest');
        expect(taken).not.toBeNull();
        await taken?.release();
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
