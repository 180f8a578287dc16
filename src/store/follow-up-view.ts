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
 * to the store. Until the first load has finished (or when it failed), every read goes to the store.
 *
 * It only sees writes made in this process: use it where the store has one writer. PGlite does by
 * construction (the data directory is locked to one process, and a second `revgap` reaches the
 * running bot through its control endpoint). On a shared Postgres, several instances may write,
 * and one instance's view would miss the others' follow-ups, so main.ts leaves it out there.
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
  const events = new Map<string, FollowUpEvent[]>();
  const gaps = new Map<string, FollowedUpGapRecord[]>();
  let ready = false;
  /** Re-reads started per table and customer; only the latest one to start may set the entry. */
  const version = new Map<string, number>();
  /** Customers with a write or a re-read in flight, or whose re-read failed: read from the store. */
  const unsettled = new Map<string, number>();
  const failed = new Set<string>();

  const cached = (customerId: string): boolean =>
    ready && !unsettled.has(customerId) && !failed.has(customerId);

  const loaded = (async () => {
    try {
      const [allEvents, allGaps] = await Promise.all([
        store.listFollowUpsSince(EPOCH),
        store.listFollowedUpGaps(),
      ]);
      // A customer written to while the load ran has been (or is being) re-read on its own, from
      // the store after its write: that entry is the newer one.
      for (const [id, list] of group(allEvents, (e) => e.customerId))
        if (!version.has(`events:${id}`)) events.set(id, list);
      for (const [id, list] of group(allGaps, (g) => g.gap.customerId))
        if (!version.has(`gaps:${id}`)) gaps.set(id, list);
      ready = true;
      return true;
    } catch {
      // Left to the store for good: every read below falls through.
      return false;
    }
  })();

  /** Runs a write touching `customerIds`, then re-reads their `table` rows before resolving. */
  const writing = async <T>(table: Table, customerIds: readonly string[], write: () => Promise<T>) => {
    const ids = [...new Set(customerIds)];
    for (const id of ids) unsettled.set(id, (unsettled.get(id) ?? 0) + 1);
    const versions = new Map<string, number>();
    try {
      return await write();
    } finally {
      for (const id of ids) {
        const v = (version.get(`${table}:${id}`) ?? 0) + 1;
        version.set(`${table}:${id}`, v);
        versions.set(id, v);
      }
      try {
        const fresh =
          table === 'events'
            ? group(await store.listFollowUps(ids[0] ?? ''), (e) => e.customerId)
            : group(await store.listFollowedUpGaps(ids), (g) => g.gap.customerId);
        const target: Map<string, unknown[]> = table === 'events' ? events : gaps;
        for (const id of ids) {
          if (version.get(`${table}:${id}`) !== versions.get(id)) continue;
          const list = fresh.get(id) ?? [];
          if (list.length > 0) target.set(id, list);
          else target.delete(id);
          failed.delete(id);
        }
      } catch {
        for (const id of ids) failed.add(id);
      } finally {
        for (const id of ids) {
          const left = (unsettled.get(id) ?? 1) - 1;
          if (left <= 0) unsettled.delete(id);
          else unsettled.set(id, left);
        }
      }
    }
  };

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
