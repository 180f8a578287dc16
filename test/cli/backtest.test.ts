/**
 * `revgap backtest` run as a child process on generated sample data (60 customers x 30 weeks):
 * markdown sections, a JSON document whose rates agree with its own counts, and bad flags.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'revgap.mjs');
const work = mkdtempSync(join(tmpdir(), 'revgap-backtest-'));
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(REVGAP_|SLACK_|DATABASE_URL$|PORT$)/.test(k)),
);

function revgap(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, env: BASE_ENV }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const DATA = ['--sales', join(work, 'sales.csv'), '--customers', join(work, 'customers.csv')];

beforeAll(async () => {
  const r = await revgap([
    'sample',
    '--out',
    work,
    '--customers',
    '60',
    '--periods',
    '30',
    '--end',
    '2026-11-22',
  ]);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('revgap backtest', () => {
  it('prints the markdown backtest with its sections; the replay points run back from A - h', async () => {
    const r = await revgap(['backtest', ...DATA, '--horizon', '6', '--step', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('## '))).toEqual([
      '## All replay points',
      '## Recently (last 4 replay points: week of 2026-08-24 to week of 2026-10-05)',
      '## By cadence group',
      '## Calibrated risk',
      '## How to read this',
    ]);
    // As of the week of 2026-11-16; h = 6: the latest replay point is the week of 2026-10-05.
    expect(r.stdout).toMatch(
      /As of week of 2026-11-16; horizon 6 weeks; \d+ replay points from week of \S+ to week of 2026-10-05 \(every 2 weeks\)/,
    );
  });

  it('writes JSON whose rates are its own counts divided out', async () => {
    const r = await revgap(['backtest', ...DATA, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ kind: 'revgap-backtest', horizon: 8, step: 1, topN: 20 });
    const { overall } = doc;
    expect(overall.population).toBeGreaterThan(0);
    expect(overall.baseRate).toBeCloseTo(overall.lost / overall.population, 4);
    for (const s of Object.values(overall.flagSets) as {
      flagged: number;
      lostFlagged: number;
      precision: number | null;
      recall: number | null;
    }[]) {
      expect(s.precision).toBe(s.flagged > 0 ? Number((s.lostFlagged / s.flagged).toFixed(4)) : null);
      expect(s.recall).toBe(overall.lost > 0 ? Number((s.lostFlagged / overall.lost).toFixed(4)) : null);
    }
    const sum = (key: 'population' | 'lost') =>
      (Object.values(doc.byCadence) as Record<string, number>[]).reduce((a, g) => a + (g[key] ?? 0), 0);
    expect([sum('population'), sum('lost')]).toEqual([overall.population, overall.lost]);
    expect(doc.perPoint).toHaveLength(doc.replayPoints.count);
  });

  it('lists every bad backtest flag at once (exit 2, nothing on stdout)', async () => {
    const r = await revgap(['backtest', ...DATA, '--horizon', '0', '--step', 'two', '--from', '2026-02-30']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--horizon = "0"');
    expect(r.stderr).toContain('--step = "two"');
    expect(r.stderr).toContain('--from = "2026-02-30"');
  });
});
