import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { analyzeConfiguredData } from '../../src/main.ts';
import {
  createRefreshOnChange,
  type FileStamp,
  type RefreshOnChangeOptions,
} from '../../src/scheduler/refresh-on-change.ts';
import type { AnalysisSnapshot, SnapshotStore } from '../../src/store/state-store.ts';
import { createSnapshotHolder, refreshSnapshot } from '../../src/use-cases/refresh-snapshot.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { partialPort } from '../helpers/partial-port.ts';

/** A watcher over fake files whose stamps the test sets, with a timer the test fires by hand. */
function fakeWatch(overrides: Partial<RefreshOnChangeOptions> = {}) {
  const stamps = new Map<string, FileStamp>([
    ['/data/sales.csv', { size: 100, mtimeMs: 1000 }],
    ['/data/customers.csv', { size: 50, mtimeMs: 1000 }],
  ]);
  const timers: { intervalMs: number; stopped: boolean; fire: () => void }[] = [];
  let analyses = 0;
  const failures: unknown[] = [];
  const watch = createRefreshOnChange({
    files: ['/data/sales.csv', '/data/customers.csv'],
    intervalMinutes: 15,
    refresh: async () => {
      analyses++;
    },
    onFailure: (error) => void failures.push(error),
    logger: captureLogs().logger,
    stat: async (path) => stamps.get(path) ?? null,
    startTimer: (onTick, intervalMs) => {
      const timer = { intervalMs, stopped: false, fire: onTick };
      timers.push(timer);
      return {
        stop: () => {
          timer.stopped = true;
        },
      };
    },
    ...overrides,
  });
  return { watch, stamps, timers, failures, analyses: () => analyses };
}

describe('createRefreshOnChange: when it reads the data again', () => {
  it('runs no analysis while the files keep their size and modification time', async () => {
    const f = fakeWatch();
    await f.watch.refresh(); // start-up
    expect(await f.watch.checkNow()).toBe('unchanged');
    expect(await f.watch.checkNow()).toBe('unchanged');
    expect(f.analyses()).toBe(1);
  });

  it('runs the analysis once when the sales file got a new modification time, then not again', async () => {
    const f = fakeWatch();
    await f.watch.refresh();
    f.stamps.set('/data/sales.csv', { size: 100, mtimeMs: 2000 });
    expect(await f.watch.checkNow()).toBe('refreshed');
    expect(await f.watch.checkNow()).toBe('unchanged');
    expect(f.analyses()).toBe(2);
  });

  it('sees a changed size of the customers file, and a file that disappeared', async () => {
    const f = fakeWatch();
    await f.watch.refresh();
    f.stamps.set('/data/customers.csv', { size: 51, mtimeMs: 1000 });
    expect(await f.watch.checkNow()).toBe('refreshed');
    f.stamps.delete('/data/sales.csv');
    expect(await f.watch.checkNow()).toBe('refreshed');
    expect(f.analyses()).toBe(3);
  });

  it('counts the digest’s own refresh: a change it already read is not read again by the poll', async () => {
    const f = fakeWatch();
    await f.watch.refresh();
    f.stamps.set('/data/sales.csv', { size: 120, mtimeMs: 3000 });
    await f.watch.refresh(); // the digest's refresh
    expect(await f.watch.checkNow()).toBe('unchanged');
    expect(f.analyses()).toBe(2);
  });

  it('skips the look while a digest is being posted and reads the change at the next one', async () => {
    let posting = true;
    const f = fakeWatch({ isBusy: () => posting });
    await f.watch.refresh();
    f.stamps.set('/data/sales.csv', { size: 120, mtimeMs: 3000 });
    expect(await f.watch.checkNow()).toBe('busy');
    expect(f.analyses()).toBe(1);
    posting = false;
    expect(await f.watch.checkNow()).toBe('refreshed');
    expect(f.analyses()).toBe(2);
  });

  it('never runs two analyses at once: a look or a refresh during one waits for or skips it', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const analysing = new Promise<void>((resolve) => {
      started = resolve;
    });
    let running = 0;
    let most = 0;
    let analyses = 0;
    const f = fakeWatch({
      refresh: async () => {
        analyses++;
        running++;
        most = Math.max(most, running);
        started();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        running--;
      },
    });
    const first = f.watch.refresh();
    await analysing;
    const second = f.watch.refresh();
    f.stamps.set('/data/sales.csv', { size: 120, mtimeMs: 3000 });
    expect(await f.watch.checkNow()).toBe('busy');
    release();
    await Promise.all([first, second]);
    expect(analyses).toBe(1);
    expect(most).toBe(1);
  });

  it('reports a failed analysis once and does not re-read the same broken file every interval', async () => {
    let broken = false;
    const f = fakeWatch({
      refresh: async () => {
        if (broken) throw new Error('line 3: amount "abc" is not a number');
      },
    });
    await f.watch.refresh();
    broken = true;
    f.stamps.set('/data/sales.csv', { size: 130, mtimeMs: 4000 });
    expect(await f.watch.checkNow()).toBe('failed');
    expect(await f.watch.checkNow()).toBe('unchanged');
    expect(f.failures.map((e) => (e as Error).message)).toEqual(['line 3: amount "abc" is not a number']);
    broken = false;
    f.stamps.set('/data/sales.csv', { size: 131, mtimeMs: 5000 });
    expect(await f.watch.checkNow()).toBe('refreshed');
  });
});

describe('createRefreshOnChange: the timer', () => {
  it('looks every 15 minutes once started, and stops on stop()', async () => {
    const f = fakeWatch();
    await f.watch.refresh();
    f.watch.start();
    expect(f.watch.polling()).toBe(true);
    expect(f.timers.map((t) => t.intervalMs)).toEqual([900_000]);
    f.stamps.set('/data/sales.csv', { size: 140, mtimeMs: 6000 });
    f.timers[0]!.fire();
    await vi.waitFor(() => expect(f.analyses()).toBe(2));
    await f.watch.stop();
    expect(f.timers[0]!.stopped).toBe(true);
    expect(f.watch.polling()).toBe(false);
    expect(await f.watch.checkNow()).toBe('busy');
  });

  it('does not poll the bundled sample (no files) nor with an interval of 0', () => {
    const sample = fakeWatch({ files: [] });
    sample.watch.start();
    const off = fakeWatch({ intervalMinutes: 0 });
    off.watch.start();
    expect(sample.timers.length + off.timers.length).toBe(0);
    expect(sample.watch.polling() || off.watch.polling()).toBe(false);
  });
});

describe('createRefreshOnChange with a real CSV and the snapshot refresh', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('answers from the new data after the file changes, and keeps the last good snapshot when it breaks', async () => {
    dir = mkdtempSync(join(tmpdir(), 'revgap-refresh-'));
    const sales = join(dir, 'sales.csv');
    // Monthly periods; the as-of period is the last complete month on or before the as-of date.
    writeFileSync(sales, 'customer_id,date,amount\nA,2026-09-10,100.00\nA,2026-10-10,100.00\n');
    utimesSync(sales, 1_700_000_000, 1_700_000_000);
    const config = loadConfig({
      cwd: dir,
      env: { REVGAP_SALES: sales, REVGAP_PERIOD: 'month', REVGAP_AS_OF: '2026-10-31' },
    });
    const saved: AnalysisSnapshot[] = [];
    const failures: string[] = [];
    const store = partialPort<SnapshotStore>({
      saveSnapshot: async (s: AnalysisSnapshot) => void saved.push(s),
      recordSnapshotFailure: async (reason: string) => void failures.push(reason),
      loadLatestSnapshot: async () => saved.at(-1) ?? null,
    });
    const now = () => new Date('2026-11-24T06:00:00Z');
    const logger = captureLogs().logger;
    const holder = createSnapshotHolder({ store, settings: config.analysis });
    const analyze = analyzeConfiguredData(config, now);
    let analyses = 0;
    const watch = createRefreshOnChange({
      files: [sales],
      intervalMinutes: 15,
      refresh: async () => {
        analyses++;
        await refreshSnapshot({ analyze, settings: config.analysis, store, holder, now, logger });
      },
      logger,
    });
    const totalOf = () => holder.current()?.snapshot.result.customers[0]?.series.at(-1);

    await watch.refresh();
    expect(totalOf()).toBe(10_000); // October: $100.00

    expect(await watch.checkNow()).toBe('unchanged');
    expect(analyses).toBe(1);

    // The nightly export corrects October: 100 + 250 = $350.00.
    writeFileSync(
      sales,
      'customer_id,date,amount\nA,2026-09-10,100.00\nA,2026-10-10,100.00\nA,2026-10-20,250.00\n',
    );
    utimesSync(sales, 1_700_000_900, 1_700_000_900);
    expect(await watch.checkNow()).toBe('refreshed');
    expect(totalOf()).toBe(35_000);
    const good = holder.current()?.snapshot.id;

    // A broken export: no amount column. The previous snapshot keeps answering; the failure is recorded.
    writeFileSync(sales, 'customer_id,date\nA,2026-10-10\n');
    utimesSync(sales, 1_700_001_800, 1_700_001_800);
    expect(await watch.checkNow()).toBe('failed');
    expect(holder.current()?.snapshot.id).toBe(good);
    expect(totalOf()).toBe(35_000);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/amount/i);
    expect(saved).toHaveLength(2);
    expect(analyses).toBe(3);
  });
});
