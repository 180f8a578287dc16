/**
 * Holdout (evidence.md section 6): the stable draw, assignment that is never re-drawn, the
 * intervals on hand-checkable figures, and a simulation with a known effect.
 */
import { describe, expect, it } from 'vitest';
import {
  compareHoldout,
  differenceOfProportions,
  drawAssignments,
  type HoldoutAssignment,
  holdoutDraw,
  measureAssignment,
  t975,
  welchDifference,
} from '../../src/core/holdout.ts';
import type { CustomerAnalysis, Priority } from '../../src/core/types.ts';

/** mulberry32: a small seeded PRNG for the simulation. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const priority = (customerId: string, rank: number) => ({ customerId, rank }) as Priority;
const metrics = (ids: string[]) =>
  new Map(
    ids.map((id) => [
      id,
      { metrics: { baselineCents: 100_000, recentCents: 20_000 } } as Pick<CustomerAnalysis, 'metrics'>,
    ]),
  );

describe('holdoutDraw', () => {
  it('is stable for the same customer, period and salt, and changes with each of them', () => {
    const x = holdoutDraw('C-1042', 2920, 'salt-a');
    expect(holdoutDraw('C-1042', 2920, 'salt-a')).toBe(x);
    expect(x).toBeGreaterThanOrEqual(0);
    expect(x).toBeLessThan(1);
    expect(holdoutDraw('C-1043', 2920, 'salt-a')).not.toBe(x);
    expect(holdoutDraw('C-1042', 2921, 'salt-a')).not.toBe(x);
    expect(holdoutDraw('C-1042', 2920, 'salt-b')).not.toBe(x);
  });
});

describe('drawAssignments', () => {
  const ids = Array.from({ length: 40 }, (_, i) => `C${i}`);
  const ranked = ids.map((id, i) => priority(id, i + 1));
  const base = {
    share: 0.25,
    salt: 'install-1',
    asOfPeriod: 100,
    periodKind: 'week' as const,
    at: '2026-11-23T08:00:00.000Z',
  };

  it('draws nothing while q is 0', () => {
    expect(
      drawAssignments(ranked, metrics(ids), { ...base, share: 0, recorded: new Map(), topN: 10 }),
    ).toEqual([]);
  });

  it('assigns until N customers are shown, and never re-draws a recorded one (later period, larger N)', () => {
    const first = drawAssignments(ranked, metrics(ids), { ...base, recorded: new Map(), topN: 10 });
    expect(first.filter((a) => !a.heldOut)).toHaveLength(10);
    expect(first.every((a) => a.heldOut === holdoutDraw(a.customerId, 100, 'install-1') < 0.25)).toBe(true);
    expect(first[0]).toMatchObject({
      firstPeriod: 100,
      baselineCents: 100_000,
      recentCents: 20_000,
      share: 0.25,
    });
    // A week later with top N 20 and the opposite recorded outcome for everyone: kept as recorded.
    const recorded = new Map(first.map((a) => [a.customerId, { heldOut: !a.heldOut }]));
    const later = drawAssignments(ranked, metrics(ids), { ...base, asOfPeriod: 101, recorded, topN: 20 });
    expect(later.some((a) => recorded.has(a.customerId))).toBe(false);
    expect(later.every((a) => a.firstPeriod === 101)).toBe(true);
    const shownLater =
      [...recorded.values()].filter((r) => !r.heldOut).length + later.filter((a) => !a.heldOut).length;
    expect(shownLater).toBe(20);
  });
});

describe('intervals', () => {
  it('difference of proportions: 45/100 - 30/100, unpooled standard error', () => {
    // se = sqrt(.45 x .55 / 100 + .3 x .7 / 100) = sqrt(0.002475 + 0.0021) = 0.067639
    const d = differenceOfProportions(45, 100, 30, 100);
    expect(d.estimate).toBeCloseTo(0.15, 10);
    expect(d.standardError).toBeCloseTo(0.067639, 6);
    expect(d.low).toBeCloseTo(0.15 - 1.959964 * 0.067639, 5);
    expect(d.high).toBeCloseTo(0.15 + 1.959964 * 0.067639, 5);
  });

  it('Welch: means 4 and 2, variances 2.5 and 1 over 5 values each, 6.9 degrees of freedom', () => {
    // shown 2,3,4,5,6: mean 4, s² 2.5; holdout 1,1,2,3,3: mean 2, s² 1.
    // se = sqrt(2.5/5 + 1/5) = sqrt(0.7) = 0.83666; df = 0.7² / (0.5²/4 + 0.2²/4) = 0.49 / 0.0725 = 6.7586
    const d = welchDifference([2, 3, 4, 5, 6], [1, 1, 2, 3, 3]);
    expect(d.estimate).toBe(2);
    expect(d.standardError).toBeCloseTo(0.83666, 5);
    expect(d.df).toBeCloseTo(6.7586, 4);
  });

  it('t quantile (97.5%) against tables: df 10 2.228, 30 2.042, 100 1.984', () => {
    expect(t975(10)).toBeCloseTo(2.228, 3);
    expect(t975(30)).toBeCloseTo(2.042, 3);
    expect(t975(100)).toBeCloseTo(1.984, 3);
  });

  it('says how many more customers each group needs below 30 past the horizon', () => {
    const row = (heldOut: boolean, final: boolean) => ({
      assignment: { heldOut },
      measure: { final, recovered: false, recoveredCents: 0 } as never,
    });
    const rows = [
      ...Array.from({ length: 40 }, () => row(false, true)),
      ...Array.from({ length: 12 }, () => row(true, true)),
      row(true, false),
    ];
    const c = compareHoldout(rows);
    expect(c.ready).toBe(false);
    if (!c.ready) expect(c.moreNeeded).toEqual({ shown: 0, holdout: 18 });
    expect(c.holdout).toMatchObject({ assigned: 13, pastHorizon: 12 });
  });
});

describe('simulation: 2,000 flagged customers, shown recover 15 points more often', () => {
  it('covers the true difference in at least 90 of 100 seeded runs, with the holdout share within 2 points of q', () => {
    const q = 0.1;
    const ids = Array.from({ length: 2000 }, (_, i) => `CUST-${i}`);
    const ranked = ids.map((id, i) => priority(id, i + 1));
    const byId = metrics(ids);
    let covered = 0;
    const shares: number[] = [];
    for (let run = 0; run < 100; run++) {
      const random = prng(run + 1);
      const assignments: HoldoutAssignment[] = drawAssignments(ranked, byId, {
        recorded: new Map(),
        topN: 2000,
        share: q,
        salt: `installation-${run}`,
        asOfPeriod: 100,
        periodKind: 'week',
        at: '2026-01-05T00:00:00.000Z',
      });
      const assigned = assignments.slice(0, 2000);
      shares.push(assigned.filter((a) => a.heldOut).length / assigned.length);
      // Recovery: 30% of held-out customers, 45% of shown ones. A recovered customer buys 80-120% of
      // b0 after t0, the others 0-60% of c0 ... b0; measured through the real formula.
      const rows = assigned.map((a) => {
        const back = random() < (a.heldOut ? 0.3 : 0.45);
        const series = Array.from({ length: 8 }, () =>
          Math.round(back ? 100_000 * (0.8 + 0.4 * random()) : 20_000 + 40_000 * random()),
        );
        const measure = measureAssignment(a, { seriesStartPeriod: 101, series }, 108, {
          horizon: 8,
          recentWindow: 4,
        });
        return { assignment: a, measure };
      });
      const c = compareHoldout(rows);
      if (!c.ready) throw new Error('groups too small');
      if (c.rateDifference.low <= 0.15 && 0.15 <= c.rateDifference.high) covered++;
    }
    const worst = Math.max(...shares.map((s) => Math.abs(s - q)));
    console.info(
      `holdout simulation: 95% interval covered 15 points in ${covered}/100 runs; holdout share ${Math.min(...shares).toFixed(4)}-${Math.max(...shares).toFixed(4)} (q = ${q})`,
    );
    expect(covered).toBeGreaterThanOrEqual(90);
    expect(worst).toBeLessThanOrEqual(0.02);
  });
});
