/**
 * The contract on PGlite (in memory for speed, a temp directory where data must survive), plus
 * what only the embedded backend does: its directory lock and its files on disk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { describeStateStoreContract } from './state-store.contract.ts';

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'revgap-store-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('PGlite state store', () => {
  describeStateStoreContract({
    fresh: async () => createStateStore({ dataDir: 'memory://' }),
    persistent: async () => {
      const dataDir = tempDir();
      return { open: () => createStateStore({ dataDir }) };
    },
    sharedAccess: false,
  });

  it('keeps its files in <dataDir>/pglite and records each migration once', async () => {
    const dataDir = tempDir();
    for (let i = 0; i < 2; i++) {
      const store = createStateStore({ dataDir });
      expect(store.backend).toBe('pglite');
      expect(store.location).toBe(join(dataDir, 'pglite'));
      await store.ready();
      await store.close();
    }
    const db = await PGlite.create(join(dataDir, 'pglite'));
    try {
      const { rows } = await db.query<{ version: number; n: number }>(
        'SELECT version, count(*)::int AS n FROM revgap_migrations GROUP BY version ORDER BY version',
      );
      expect(rows[0]).toEqual({ version: 1, n: 1 });
      expect(rows.every((row) => row.n === 1)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('refuses a second store on a directory that is in use, naming the process', async () => {
    const dataDir = tempDir();
    const first = createStateStore({ dataDir });
    await first.ready();
    const second = createStateStore({ dataDir });
    try {
      await expect(second.ready()).rejects.toMatchObject({
        code: 'STORE',
        message: expect.stringContaining(`in use by process ${process.pid}`),
        hint: expect.stringContaining('DATABASE_URL'),
      });
    } finally {
      await second.close();
      await first.close();
    }
    // Closing the first frees the directory.
    const third = createStateStore({ dataDir });
    await expect(third.ready()).resolves.toBeUndefined();
    await third.close();
  });

  it('takes over a lock file left by a process that died', async () => {
    const dataDir = tempDir();
    // pid 2^22 + 1 is above Linux's default pid_max, so no live process has it.
    writeFileSync(join(dataDir, 'pglite.lock'), '4194305\n');
    const store = createStateStore({ dataDir });
    await expect(store.ready()).resolves.toBeUndefined();
    await store.close();
  });
});
