/**
 * The contract on PGlite (in memory for speed, a temp directory where data must survive), plus
 * what only the embedded backend does: its directory lock and its files on disk.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { describeStoreContracts } from './contract/index.ts';

const tempDirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'revgap-store-'));
  tempDirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

// One directory for every on-disk check, used in order: initdb on disk is the slow part.
const diskDir = tempDir();

// initdb costs a second or more per database; in-memory stores start from one initialised copy.
let template: Promise<Blob> | undefined;
const initialisedDump = (): Promise<Blob> => {
  template ??= PGlite.create().then(async (db) => {
    const dump = await db.dumpDataDir('none');
    await db.close();
    return dump;
  });
  return template;
};

/** A data directory lock as a process that held it left it: its lock directory (a minute old) and owner file. */
function leaveLock(owner: { pid: number; host: string; command: string; since: string }): void {
  const lockDir = join(diskDir, 'pglite.lock.d');
  mkdirSync(lockDir, { recursive: true });
  const minuteAgo = new Date(Date.now() - 60_000);
  utimesSync(lockDir, minuteAgo, minuteAgo);
  writeFileSync(join(diskDir, 'pglite.owner.json'), JSON.stringify(owner));
}

describe('PGlite state store', () => {
  it('is the default backend, in <dataDir>/pglite', () => {
    const store = createStateStore({ dataDir: '/var/lib/revgap' });
    expect(store.backend).toBe('pglite');
    expect(store.location).toBe('/var/lib/revgap/pglite');
  });

  describeStoreContracts({
    fresh: async () => createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedDump() }),
    persistent: async () => ({ open: () => createStateStore({ dataDir: diskDir }) }),
    sharedAccess: false,
  });

  describe('on disk', () => {
    const dataDir = diskDir;

    it('keeps its files in <dataDir>/pglite and records each migration once', async () => {
      for (let i = 0; i < 2; i++) {
        const store = createStateStore({ dataDir });
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
      const first = createStateStore({ dataDir });
      await first.ready();
      const second = createStateStore({ dataDir });
      try {
        await expect(second.ready()).rejects.toMatchObject({
          code: 'STORE',
          message: expect.stringContaining(`(pid ${process.pid}, since `),
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

    it('takes over a lock left by a process that died, without waiting for it to go stale', async () => {
      // pid 2^22 + 1 is above Linux's largest pid_max, so no live process has it.
      leaveLock({ pid: 4194305, host: hostname(), command: 'revgap serve', since: '2026-11-23T09:00:00Z' });
      const started = Date.now();
      const store = createStateStore({ dataDir });
      await expect(store.ready()).resolves.toBeUndefined();
      await store.close();
      expect(Date.now() - started).toBeLessThan(30_000);
    });

    it('refuses a directory held by a live process on this host, even when its heartbeat is late', async () => {
      // The parent process is alive; its lock is a minute old (an event loop blocked by an analysis).
      leaveLock({
        pid: process.ppid,
        host: hostname(),
        command: 'revgap serve',
        since: '2026-11-23T09:00:00Z',
      });
      const store = createStateStore({ dataDir });
      try {
        await expect(store.ready()).rejects.toMatchObject({
          code: 'STORE',
          message: `The embedded state store in ${dataDir} is in use by \`revgap serve\` (pid ${process.ppid}, since 2026-11-23T09:00:00Z)`,
          hint: expect.stringMatching(/kill \d+.*REVGAP_DATA_DIR.*DATABASE_URL/),
        });
      } finally {
        await store.close();
        rmSync(join(dataDir, 'pglite.lock.d'), { recursive: true, force: true });
        rmSync(join(dataDir, 'pglite.owner.json'), { force: true });
      }
    });

    it('keeps every committed write of a process killed without closing, and opens after it', async () => {
      const child = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          fileURLToPath(new URL('../fixtures/store/crash-after-writes.ts', import.meta.url)),
          dataDir,
        ],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.signal).toBe('SIGKILL');
      const store = createStateStore({ dataDir });
      try {
        expect(await store.recordDelivery('crash:1', '2026-11-23T09:00:01.000Z')).toBe(false);
        expect((await store.getDigestRun('crash-run'))?.parts).toEqual([
          { partIndex: 0, ts: '1700000000.000100' },
        ]);
      } finally {
        await store.close();
      }
    });

    it('takes over a lock naming its own pid from a previous life (a restarted container)', async () => {
      leaveLock({
        pid: process.pid,
        host: hostname(),
        command: 'revgap serve',
        since: '2026-11-23T09:00:00Z',
      });
      const store = createStateStore({ dataDir });
      await expect(store.ready()).resolves.toBeUndefined();
      await store.close();
    });
  });
});
