/**
 * Versioned schema migrations, one set for both backends: `migrations/NNNN_name.sql`, applied in
 * order inside one transaction and recorded in `revgap_migrations`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { SqlExecutor } from './_sql-executor.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

let cached: Migration[] | undefined;

/** The migrations shipped with this version of revgap, oldest first. */
export function loadMigrations(): Migration[] {
  if (cached) return cached;
  const migrations: Migration[] = [];
  for (const file of readdirSync(MIGRATIONS_DIR)) {
    const match = MIGRATION_FILE.exec(file);
    if (!match) continue;
    migrations.push({
      version: Number(match[1]),
      name: match[2] ?? file,
      sql: readFileSync(new URL(file, MIGRATIONS_DIR), 'utf8'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  cached = migrations;
  return migrations;
}

/**
 * Applies the pending migrations in one transaction. `beforeMigrate` runs first inside it: the
 * Postgres backend takes a transaction-level advisory lock there, so two processes starting at once
 * migrate one after the other and the second finds nothing left to do. Returns the versions applied.
 * A database migrated by a newer revgap (versions unknown here) is left alone: migrations only add.
 */
export async function applyMigrations(
  executor: SqlExecutor,
  beforeMigrate?: (tx: SqlExecutor) => Promise<void>,
): Promise<number[]> {
  const migrations = loadMigrations();
  return executor.transaction(async (tx) => {
    if (beforeMigrate) await beforeMigrate(tx);
    await tx.exec(
      `CREATE TABLE IF NOT EXISTS revgap_migrations (
        version integer PRIMARY KEY,
        name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`,
    );
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM revgap_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO revgap_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
