/**
 * A freshly initialised PGlite data directory as a tarball, cached in test/.tmp: creating a PGlite
 * database runs initdb (about 5 s on two cores), loading this dump takes under one. Migrations still
 * run on every store, so a stale cache only costs time, never correctness.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

const CACHE_DIR = join(import.meta.dirname, '../.tmp');
const CACHE_FILE = join(CACHE_DIR, 'pglite-initdb.tar');

let pending: Promise<Blob> | null = null;

export function initialisedPgliteDump(): Promise<Blob> {
  pending ??= (async () => {
    if (existsSync(CACHE_FILE)) return new Blob([readFileSync(CACHE_FILE)]);
    const db = await PGlite.create();
    const dump = await db.dumpDataDir('none');
    await db.close();
    mkdirSync(CACHE_DIR, { recursive: true });
    // Written under a unique name then renamed, so parallel test files never read half a file.
    const temporary = `${CACHE_FILE}.${process.pid}.${Date.now()}`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, CACHE_FILE);
    return dump;
  })();
  return pending;
}
