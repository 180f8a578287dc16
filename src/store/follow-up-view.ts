/**
 * An in-memory, write-through view of the follow-up events and followed-up gaps per customer, in
 * front of a store, so a deep dive (`listFollowUps(id)`, `listFollowedUpGaps([id])`) is answered
 * without a query: with a million customers under load, those two queries were most of an
 * answer's CPU on PGlite.
 *
 * The store stays the truth. The view loads both tables once (`listFollowUpsSince` from the
 * beginning, `listFollowedUpGaps()`), and every write made through it (`recordFollowUp`,
 * `startFollowedUpGap`, `saveRecoveryMeasures`) re-reads the customers it touched from the store
 * before it resolves, so a follow-up recorded in this process shows in the next deep dive, in the
 * store's own order. While a customer's write is in flight, or when a re-read failed, its reads go
 * to the store. Until a load has finished (or when it failed), every read goes to the store.
 *
 * Other processes' writes: on PGlite there are none (the data directory is locked to one process,
 * and a second `revgap` reaches the running bot through its control endpoint). On a shared
 * Postgres the store's `listenFollowUpChanges` (a LISTEN connection; migration 0007's triggers
 * notify on every commit, whoever writes) tells the view which customer to re-read; another
 * instance's follow-up shows here once its notification has arrived (milliseconds after its
 * commit). When notifications may have been lost (the connection dropped), reads go to the store
 * until the view has listened again and reloaded everything. A store that can do neither (a
 * Postgres whose LISTEN fails at start) is read directly.
 */
import type { FollowUpEvent } from '../core/types.ts';
import type { FollowedUpGapRecord } from './recovery-store.ts';
import type { StateStore } from './state-store.ts';

const EPOCH = '1970-01-01T00:00:00.000Z';

export interface FollowUpView {
  /** Resolves once the first load has finished (reads go to the store until then); never rejects. */
  loaded: Promise<boolean>;
}

type Table = 'events' | 'gaps';

export function withFollowUpView(store: StateStore): StateStore & FollowUpView {
  let events = new Map<string, FollowUpEvent[]>();
  let gaps = new Map<string, FollowedUpGapRecord[]>();
  let ready = false;
  /** Counts re-reads and loads as they start, so that an older result never replaces a newer one. */
  let tick = 0;
  /** The tick at which the latest re-read of a table and customer started. */
  const version = new Map<string, number>();
  /** Customers with a write or a re-read in flight, or whose re-read failed: read from the store. */
  const unsettled = new Map<string, number>();
  const failed = new Set<string>();

  const cached = (customerId: string): boolean =>
    ready && !unsettled.has(customerId) && !failed.has(customerId);

  /** Loads both tables; customers re-read since the load started keep their own, newer entries. */
  let loads = 0;
  const loadAll = async (): Promise<boolean> => {
    ready = false;
    const started = ++tick;
    const generation = ++loads;
    try {
      const [allEvents, allGaps] = await Promise.all([
        store.listFollowUpsSince(EPOCH),
        store.listFollowedUpGaps(),
      ]);
      if (generation !== loads) return false; // a later load (after another reset) replaces this one
      const nextEvents = group(allEvents, (e) => e.customerId);
      const nextGaps = group(allGaps, (g) => g.gap.customerId);
      for (const [key, at] of version) {
        if (at <= started) continue;
        const [table, id] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
        if (table === 'events') setOrDelete(nextEvents, id, events.get(id) ?? []);
        else setOrDelete(nextGaps, id, gaps.get(id) ?? []);
      }
      events = nextEvents;
      gaps = nextGaps;
      ready = true;
      return true;
    } catch {
      // Left to the store (every read below falls through) until a reset loads again.
      return false;
    }
  };

  /** Re-reads `table` for `ids` from the store into the view. */
  const reread = async (table: Table, ids: readonly string[]): Promise<void> => {
    const versions = new Map<string, number>();
    for (const id of ids) {
      const at = ++tick;
      version.set(`${table}:${id}`, at);
      versions.set(id, at);
    }
    try {
      const fresh =
        table === 'events'
          ? group(await store.listFollowUps(ids[0] ?? ''), (e) => e.customerId)
          : group(await store.listFollowedUpGaps(ids), (g) => g.gap.customerId);
      const target: Map<string, unknown[]> = table === 'events' ? events : gaps;
      for (const id of ids) {
        if (version.get(`${table}:${id}`) !== versions.get(id)) continue;
        setOrDelete(target, id, fresh.get(id) ?? []);
        failed.delete(id);
      }
    } catch {
      for (const id of ids) failed.add(id);
    }
  };

  /** Runs `work` with `customerIds` read from the store meanwhile, then re-reads them. */
  const settling = async <T>(
    customerIds: readonly string[],
    work: () => Promise<T>,
    after: () => Promise<void>,
  ) => {
    const ids = [...new Set(customerIds)];
    for (const id of ids) unsettled.set(id, (unsettled.get(id) ?? 0) + 1);
    try {
      return await work();
    } finally {
      try {
        await after();
      } finally {
        for (const id of ids) {
          const left = (unsettled.get(id) ?? 1) - 1;
          if (left <= 0) unsettled.delete(id);
          else unsettled.set(id, left);
        }
      }
    }
  };
  const writing = <T>(table: Table, customerIds: readonly string[], write: () => Promise<T>): Promise<T> => {
    const ids = [...new Set(customerIds)];
    return settling(ids, write, () => reread(table, ids));
  };

  // Another instance's write (Postgres): re-read that customer; a gap in the notifications: reload.
  const feed = store.listenFollowUpChanges?.({
    change(customerId) {
      void settling(
        [customerId],
        async () => undefined,
        async () => {
          await Promise.all([reread('events', [customerId]), reread('gaps', [customerId])]);
        },
      );
    },
    lost() {
      // Other instances' writes may be missed from now on: the store answers until `reset`.
      ready = false;
      loads++;
    },
    reset() {
      void loadAll();
    },
  });
  const loaded = (async () => {
    if (feed) {
      try {
        await feed;
      } catch {
        // Not listening (yet): other instances' writes would go unseen, so the store answers
        // until the store's retry listens and resets the view.
        return false;
      }
    }
    return loadAll();
  })();

  return {
    ...store,
    loaded,
    async listFollowUps(customerId) {
      if (!cached(customerId)) return store.listFollowUps(customerId);
      return [...(events.get(customerId) ?? [])];
    },
    async listFollowedUpGaps(customerIds) {
      // One customer (a deep dive) from memory; lists of several keep the store's global order.
      const [only] = customerIds ?? [];
      if (customerIds?.length !== 1 || only === undefined || !cached(only))
        return store.listFollowedUpGaps(customerIds);
      return [...(gaps.get(only) ?? [])];
    },
    recordFollowUp(event) {
      return writing('events', [event.customerId], () => store.recordFollowUp(event));
    },
    startFollowedUpGap(gap) {
      return writing('gaps', [gap.customerId], () => store.startFollowedUpGap(gap));
    },
    saveRecoveryMeasures(measures, at) {
      return writing(
        'gaps',
        measures.map((m) => m.customerId),
        () => store.saveRecoveryMeasures(measures, at),
      );
    },
    async close() {
      const stop = await feed?.catch(() => null);
      await stop?.();
      await store.close();
    },
  };
}

function group<T>(items: readonly T[], idOf: (item: T) => string): Map<string, T[]> {
  const byCustomer = new Map<string, T[]>();
  for (const item of items) {
    const id = idOf(item);
    const list = byCustomer.get(id);
    if (list) list.push(item);
    else byCustomer.set(id, [item]);
  }
  return byCustomer;
}

function setOrDelete<T>(map: Map<string, T[]>, customerId: string, items: T[]): void {
  if (items.length > 0) map.set(customerId, items);
  else map.delete(customerId);
}
