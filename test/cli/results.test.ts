/** `revgap results`: follow-up results read from the state store (PGlite on disk), markdown and JSON. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FollowedUpGap, measureRecovery } from '../../src/core/recovery.ts';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-results-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process with captured output. */
const run = (...argv: string[]) => runCliCaptured(argv, { cwd: dir, now: new Date('2026-12-07T10:00:00Z') });

const gap: FollowedUpGap = {
  customerId: 'C1',
  startPeriod: 10,
  periodKind: 'week',
  startedAt: '2026-11-02T15:00:00.000Z',
  userId: 'U01BOB',
  firstAction: 'claim',
  baselineCents: 100_000,
  recentCents: 20_000,
  gapType: 'below_baseline',
  gapAmountCents: 320_000,
  shownAsOfPeriod: 9,
};

beforeAll(async () => {
  const store = createStateStore({ dataDir: join(dir, '.revgap') });
  await store.startFollowedUpGap(gap);
  await store.recordFollowUp({
    id: 'e1',
    customerId: 'C1',
    kind: 'claim',
    userId: 'U01BOB',
    at: gap.startedAt,
  });
  // $500 then $1,200: $300 + $800 = $1,100 back; mean $850 = 85% of $1,000 -> recovered.
  const m = measureRecovery(gap, { seriesStartPeriod: 11, series: [50_000, 120_000] }, 12, {
    horizon: 8,
    recentWindow: 4,
  });
  await store.saveRecoveryMeasures([m], '2026-11-23T08:00:00.000Z');
  await store.close();
}, 60_000);

describe('revgap results', () => {
  it('prints the follow-up results as markdown', async () => {
    const r = await run('results');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '1 followed-up gap; 1 with at least one week of data since, 1 recovered (100%), $1,100.00',
    );
    expect(r.stdout).toMatch(/\| C1 \| 2026-11-02 \| U01BOB \| none \| 2 \| \$1,100\.00 \| 85% \| yes \|/);
  }, 30_000);

  it('prints them as JSON, and refuses an unknown format', async () => {
    const r = await run('results', '--format', 'json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.total).toEqual({
      key: 'all',
      followedUp: 1,
      measured: 1,
      recovered: 1,
      recoveryRate: 1,
      recoveredRevenue: 1100,
    });
    expect(doc.gaps[0]).toMatchObject({
      customerId: 'C1',
      accountManager: 'U01BOB',
      recovered: true,
      usualShare: 0.85,
    });
    const bad = await run('results', '--format', 'xml');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format = "xml"');
  }, 30_000);
});
