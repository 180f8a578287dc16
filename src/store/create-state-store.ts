/**
 * Picks the state store backend: a PostgreSQL server when `databaseUrl` is set, else PGlite in
 * `<dataDir>/pglite`. Nothing connects until the first call (or `ready()`).
 */
import { createPgliteStore } from './pglite-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import type { CreateStateStoreOptions, StateStore } from './state-store.ts';

export type { CreateStateStoreOptions, StateStore } from './state-store.ts';

export function createStateStore(options: CreateStateStoreOptions): StateStore {
  if (options.databaseUrl) {
    return createPostgresStore({
      databaseUrl: options.databaseUrl,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    });
  }
  return createPgliteStore({ dataDir: options.dataDir });
}
