/**
 * The running bot re-reads the sales file when it changes between digests (wired in main.ts), so
 * `/revgap` answers from the new data; a broken export keeps the last good analysis.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { analyzeConfiguredData } from '../../src/main.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import { type BotUnderTest, startBotUnderTest } from './_harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-refresh-e2e-'));
const sales = join(dir, 'sales.csv');
const env = { REVGAP_SALES: sales, REVGAP_PERIOD: 'month', REVGAP_AS_OF: '2026-10-31' };
let t: BotUnderTest;
let stopped = false;
let logs: CapturedLogs;

/** Rewrites the export with a new modification time, as a nightly job would. */
function exportSales(text: string, mtimeSeconds: number): void {
  writeFileSync(sales, text);
  utimesSync(sales, mtimeSeconds, mtimeSeconds);
}

const octoberOfA = () => t.bot.snapshots.current()?.snapshot.result.customers[0]?.series.at(-1);

beforeAll(async () => {
  exportSales('customer_id,date,amount\nA,2026-09-10,100.00\nA,2026-10-10,100.00\n', 1_700_000_000);
  const analyze = analyzeConfiguredData(loadConfig({ env, cwd: dir }), () => new Date());
  logs = captureLogs({ level: 'warn' });
  t = await startBotUnderTest('socket', { env, analyze, logger: logs.logger });
}, 60_000);

afterAll(async () => {
  if (!stopped) await t?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('polls the sales file every 15 minutes by default', () => {
  expect(t.bot.config.refreshMinutes).toBe(15);
  expect(t.bot.dataWatch.polling()).toBe(true);
  expect(octoberOfA()).toBe(10_000);
  expect(t.analyses()).toBe(1); // start-up
});

it('does not read an unchanged file again', async () => {
  expect(await t.bot.dataWatch.checkNow()).toBe('unchanged');
  expect(t.analyses()).toBe(1);
});

it('answers from the new export once the file changed', async () => {
  exportSales(
    'customer_id,date,amount\nA,2026-09-10,100.00\nA,2026-10-10,100.00\nA,2026-10-20,250.00\n',
    1_700_000_900,
  );
  expect(await t.bot.dataWatch.checkNow()).toBe('refreshed');
  expect(octoberOfA()).toBe(35_000);
  expect(t.analyses()).toBe(2);
});

it('keeps the last good analysis when the new export is broken, records why and tells the admins once', async () => {
  exportSales('customer_id,date\nA,2026-10-10\n', 1_700_001_800);
  expect(await t.bot.dataWatch.checkNow()).toBe('failed');
  expect(octoberOfA()).toBe(35_000);
  expect((await t.bot.store.getRefreshStatus()).lastFailure?.reason).toMatch(/amount/i);
  expect(await t.bot.dataWatch.checkNow()).toBe('unchanged');
  expect(t.analyses()).toBe(3);
  // No admin channel here: the notice goes to the log, once.
  expect(logs.find('failure needs an admin').map((r) => r.what)).toEqual([
    'read the sales data after it changed',
  ]);
});

it('stops polling when the bot stops', async () => {
  await t.stop();
  stopped = true;
  expect(t.bot.dataWatch.polling()).toBe(false);
});
