/**
 * What every store contract suite (test/store/contract/*.ts) runs against: a backend's way to open
 * stores. test/store/pglite.test.ts and test/store/postgres.test.ts pass one to `describeStoreContracts`.
 */
import { afterAll, beforeAll } from 'vitest';
import type { FollowUpEvent } from '../../../src/core/types.ts';
import type { DigestRunClaim, StateStore } from '../../../src/store/state-store.ts';

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

export const event = (
  partial: Partial<FollowUpEvent> & Pick<FollowUpEvent, 'id' | 'customerId' | 'at'>,
): FollowUpEvent => ({
  kind: 'claim',
  userId: 'U_ANA',
  ...partial,
});

export const claimFor = (runKey: string, extra: Partial<DigestRunClaim> = {}): DigestRunClaim => ({
  runKey,
  channel: 'C_REVENUE',
  slot: '2026-11-23T08:00:00.000Z',
  createdAt: '2026-11-23T08:00:05.000Z',
  late: false,
  ...extra,
});

/**
 * Opens a store for the enclosing block and closes it after, whatever happened. Suites assign it
 * to their port (`const store: () => SnapshotStore = useStore(harness)`), so that they can only call
 * the port they test.
 */
export function useStore(harness: StoreHarness): () => StateStore {
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
