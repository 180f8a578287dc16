/**
 * The backtest (evidence spec section 1) on a hand fixture, the no-leak property and the fast
 * replay against a full `analyze` per replay point.
 *
 * Hand fixture: weekly periods P0 = week of Monday 2026-01-05 ... P7; settings L = 4, R = 2,
 * minHistory 4, topN 1, horizon h = 2, as of the end of P7. Dollars per week:
 *
 *        P0  P1  P2  P3  P4  P5  P6  P7
 *   A   100 100 100 100 100 100 100 100   steady
 *   B   100 100 100 100   0   0   0   0   stops
 *   C   100 100 100 100   0 120 100 100   skips one week, comes back
 *   D   100 100 100 100  70  40  20   0   fades
 *   E     -   -   - 50  50  50  50  50    new at P3 (too new at every replay point)
 *   F   100   0 100   0 100   0 100   0   buys every other week
 *
 * Replay points: first judgeable = first sale P0 + minHistory 4 - 1 = P3; last = A - h = P5:
 * P3, P4, P5. Baseline b = mean of the window's first 2 periods, recent c = mean of its last 2.
 * Least squares over x = 0..3: slope = (4 Sxy - 6 Sy) / 20.
 * Lost at t: 2 x sum(v(t+1..t+2)) <= b x 2; lost revenue = max(0, 2b - sum).
 *
 * P3 (windows P0..P3): A, B, C, D all 100s: no gap. F: b = 50, c = 50, one zero in the recent
 *   window -> zero_spend only (declining needs c < b; below needs c < 40). E too new.
 *   Outcomes: A 200 no; B 0 -> lost, 200; C 0 + 120 = 120, 240 > 200 no; D 110 no; F 100 > 50 no.
 *   Top 1: F (the only one flagged), not lost.
 * P4 (P1..P4): B = C = (100, 100, 100, 0): b 100, c 50, Sxy 300, Sy 300, slope -30 (-30%):
 *   zero_spend, declining, below. D (100,100,100,70): c 85, Sxy 510, Sy 370, slope -9 (-9%):
 *   declining only (85 >= 80). F (0,100,0,100): zero_spend only (slope +20).
 *   Outcomes: B 0 -> lost 200; C 120 + 100 no; D 40 + 20 = 60 -> lost, 200 - 60 = 140; F no; A no.
 *   Top 1: B (score 75.97, tied with C on score and gap; B's id comes first).
 * P5 (P2..P5): B (100,100,0,0): zero streak 2 -> churn_risk, zero_spend, declining (slope -40),
 *   below. C (100,100,0,120): c 60, Sxy 460, Sy 320, slope -4 (-4%, not declining): zero_spend,
 *   below. D (100,100,70,40): c 55, slope -21: declining, below. F (100,0,100,0): zero_spend.
 *   Outcomes: B lost 200; D 20 -> lost 180; C 200 no; F 100 no; A no. Top 1: B (churn 1, gap 200).
 *
 * Pooled: population 5 + 5 + 5 = 15; lost 1 + 2 + 2 = 5; base rate 5/15 = 1/3; lost revenue
 * 200 + 200 + 140 + 200 + 180 = 920.
 *   any gap: F3, B4 C4 D4 F4, B5 C5 D5 F5 = 9 flagged, 4 lost (B4 D4 B5 D5): precision 4/9,
 *     recall 4/5, lift (4/9)/(1/3) = 4/3, revenue coverage (200+140+200+180)/920 = 720/920.
 *   churn_risk: B5: 1/1, recall 1/5, lift 3, coverage 200/920.
 *   zero_spend: F3 B4 C4 F4 B5 C5 F5 = 7, lost 2 (B4 B5): 2/7, recall 2/5, lift 6/7, 400/920.
 *   declining: B4 C4 D4 B5 D5 = 5, lost 4: 4/5, recall 4/5, lift 12/5, 720/920.
 *   below: B4 C4 B5 C5 D5 = 5, lost 3 (B4 B5 D5): 3/5, recall 3/5, lift 9/5, 580/920.
 *   top 1: F3 B4 B5 = 3, lost 2: 2/3, recall 2/5, lift 2, 400/920.
 * Cadence (median gap between sale periods up to t; 1 below 3 sales): F has 2 sales at P3 (g = 1,
 * every period), gaps [2, 2] at P4 and P5 (every 2-4); everyone else buys every period. So "every
 * 2-4": population 2 (F4, F5), 0 lost, base rate 0, zero_spend 2 flagged; "every period" the other 13.
 * Calibration by most urgent type: churn_risk B5 (1 of 1 lost); zero_spend F3 B4 C4 F4 C5 F5
 * (1 of 6: B4); declining D4 D5 (2 of 2); any gap 4 of 9. Fewer than 30 lost: too short to judge.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import {
  type Calibration,
  cadenceGroupOf,
  calibratedRisk,
  type FlagSetKey,
  medianGap,
  type ReplayEntry,
  replay,
  runBacktest,
  SCORE_BANDS,
  scoreBand,
} from '../../src/core/backtest.ts';
import { GAP_URGENCY } from '../../src/core/detect-gaps.ts';
import { isoFromDay, periodEndDay, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import { type AnalysisSettings, defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { SalesLedger } from '../../src/core/types.ts';
import { HAND, HAND_SETTINGS, ledgerOf, P0, QUALITY, WEEK } from '../helpers/backtest-fixture.ts';

describe('backtest on the hand fixture', () => {
  const result = runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2 });
  const set = (key: FlagSetKey) => {
    const found = result.overall.sets.find((s) => s.set === key);
    if (!found) throw new Error(key);
    return found;
  };

  it('replays P3 to A - h = P5 and pools the population, the lost and their revenue', () => {
    expect(result.points).toEqual([P0 + 3, P0 + 4, P0 + 5]);
    expect(result.horizon).toBe(2);
    expect(result.perPoint.map((p) => [p.population, p.lost, p.lostRevenueCents])).toEqual([
      [5, 1, 20000],
      [5, 2, 34000],
      [5, 2, 38000],
    ]);
    expect(result.overall).toMatchObject({ points: 3, population: 15, lost: 5, lostRevenueCents: 92000 });
    expect(result.overall.baseRate).toBeCloseTo(1 / 3, 12);
    expect(result.tooShort).toBe(true);
  });

  it('gives precision, recall, lift and revenue coverage per flag set as worked out above', () => {
    const expected: Record<FlagSetKey, [number, number, number, number, number, number]> = {
      // flagged, lost among flagged, precision, recall, lift, revenue coverage
      any_gap: [9, 4, 4 / 9, 4 / 5, 4 / 3, 720 / 920],
      churn_risk: [1, 1, 1, 1 / 5, 3, 200 / 920],
      zero_spend: [7, 2, 2 / 7, 2 / 5, 6 / 7, 400 / 920],
      declining_revenue: [5, 4, 4 / 5, 4 / 5, 12 / 5, 720 / 920],
      below_baseline: [5, 3, 3 / 5, 3 / 5, 9 / 5, 580 / 920],
      top_n: [3, 2, 2 / 3, 2 / 5, 2, 400 / 920],
    };
    for (const [key, [flagged, lost, precision, recall, lift, coverage]] of Object.entries(expected)) {
      const s = set(key as FlagSetKey);
      expect([key, s.flagged, s.lostFlagged]).toEqual([key, flagged, lost]);
      expect(s.precision).toBeCloseTo(precision, 12);
      expect(s.recall).toBeCloseTo(recall, 12);
      expect(s.lift).toBeCloseTo(lift, 12);
      expect(s.revenueCoverage).toBeCloseTo(coverage, 12);
    }
    // zero_spend (lift 6/7) is no better than the base rate; below 1.2 is the line.
    expect(set('zero_spend').noBetterThanBase).toBe(true);
    expect(set('declining_revenue').noBetterThanBase).toBe(false);
  });

  it('"recently" pools the last 4 replay points (here all 3)', () => {
    expect(result.recent).toMatchObject({ points: 3, population: 15, lost: 5 });
    expect([result.recent.fromPeriod, result.recent.toPeriod]).toEqual([P0 + 3, P0 + 5]);
  });

  it('splits by cadence group: F buys every other week from P4 on', () => {
    const rare = result.byCadence.every_2_to_4;
    expect([rare.population, rare.lost, rare.baseRate]).toEqual([2, 0, 0]);
    expect(rare.sets.find((s) => s.set === 'zero_spend')).toMatchObject({
      flagged: 2,
      lostFlagged: 0,
      lift: null,
    });
    expect([result.byCadence.every_period.population, result.byCadence.every_period.lost]).toEqual([13, 5]);
    expect(result.byCadence.rarer.population).toBe(0);
  });

  it('counts flagged customers by most urgent type for the calibrated risk', () => {
    const { byType, any } = result.calibration;
    expect(byType.churn_risk).toEqual({ flagged: 1, lost: 1 });
    expect(byType.zero_spend).toEqual({ flagged: 6, lost: 1 });
    expect(byType.declining_revenue).toEqual({ flagged: 2, lost: 2 });
    expect(byType.below_baseline).toEqual({ flagged: 0, lost: 0 });
    expect(any).toEqual({ flagged: 9, lost: 4 });
    // Every cell n < 30: no figure.
    expect(calibratedRisk(result.calibration, 2, ['zero_spend'], 50)).toBeNull();
  });

  it('starts at --from when that is later, and steps back from A - h', () => {
    expect(runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2, fromPeriod: P0 + 4 }).points).toEqual([
      P0 + 4,
      P0 + 5,
    ]);
    expect(runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2, step: 2 }).points).toEqual([
      P0 + 3,
      P0 + 5,
    ]);
    expect(runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 5 }).points).toEqual([]);
  });

  it('refuses a horizon or step below 1 and the seed rules, saying which setting', () => {
    expect(() => runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 0 })).toThrow(/horizon/);
    expect(() => runBacktest(ledgerOf(HAND), HAND_SETTINGS, { step: 0 })).toThrow(/step/);
    expect(() => runBacktest(ledgerOf(HAND), { ...HAND_SETTINGS, rules: 'seed' })).toThrow(/revgap rules/);
  });
});

describe('cadence, bands and calibrated risk', () => {
  it('takes the median gap between sale periods, 1 below 3 sales', () => {
    expect(medianGap([])).toBe(1);
    expect(medianGap([4])).toBe(1);
    expect(medianGap([1, 2, 6])).toBe(2);
    expect(medianGap([1, 2, 4, 6])).toBe(3);
    expect([1, 1.5, 4, 4.5, 13].map(cadenceGroupOf)).toEqual([
      'every_period',
      'every_2_to_4',
      'every_2_to_4',
      'rarer',
      'rarer',
    ]);
  });

  it('bands scores by 20 points, 100 in the top band', () => {
    expect([0, 19.99, 20, 59.5, 80, 100].map(scoreBand)).toEqual([0, 0, 1, 2, 4, 4]);
    expect(SCORE_BANDS).toHaveLength(5);
  });

  it('falls back from type and band to type to any gap, and to nothing below n = 30', () => {
    const zero = () => SCORE_BANDS.map(() => ({ flagged: 0, lost: 0 }));
    const cells = Object.fromEntries(GAP_URGENCY.map((t) => [t, zero()])) as Calibration['cells'];
    cells.churn_risk[4] = { flagged: 40, lost: 30 };
    cells.churn_risk[3] = { flagged: 10, lost: 5 };
    const calibration: Calibration = {
      cells,
      byType: {
        churn_risk: { flagged: 50, lost: 35 },
        zero_spend: { flagged: 20, lost: 2 },
        declining_revenue: { flagged: 0, lost: 0 },
        below_baseline: { flagged: 0, lost: 0 },
      },
      any: { flagged: 70, lost: 37 },
      baseRate: 0.1,
    };
    // Score 85: band 80-100 holds 40 -> 30/40.
    expect(calibratedRisk(calibration, 8, ['zero_spend', 'churn_risk'], 85)).toEqual({
      lostShare: 0.75,
      n: 40,
      horizon: 8,
      basis: 'type_and_band',
      baseRate: 0.1,
    });
    // Score 65: band 60-80 holds 10 -> the type: 35/50.
    expect(calibratedRisk(calibration, 8, ['churn_risk'], 65)).toMatchObject({
      lostShare: 0.7,
      n: 50,
      basis: 'type',
    });
    // zero_spend: 20 in the type -> any gap: 37/70.
    expect(calibratedRisk(calibration, 8, ['zero_spend'], 65)).toMatchObject({ n: 70, basis: 'any_gap' });
    expect(
      calibratedRisk({ ...calibration, any: { flagged: 29, lost: 3 } }, 8, ['zero_spend'], 65),
    ).toBeNull();
    expect(calibratedRisk(calibration, 8, [], null)).toBeNull();
  });
});

// --- random histories -------------------------------------------------------------------------

const RANDOM_WEEKS = 16;
const RANDOM_SETTINGS: AnalysisSettings = defaultAnalysisSettings({
  lookback: 6,
  recentWindow: 2,
  minHistory: 3,
  topN: 3,
  asOf: isoFromDay(periodEndDay(P0 + RANDOM_WEEKS - 1, WEEK)),
});
const HORIZON = 3;

/** 3-9 customers, each with a random start, rows in some weeks, dollars -50..400 (refunds too). */
const historyArb = fc
  .array(
    fc.record({
      start: fc.integer({ min: 0, max: 8 }),
      weeks: fc.array(fc.option(fc.integer({ min: -50, max: 400 }), { nil: null, freq: 3 }), {
        minLength: RANDOM_WEEKS,
        maxLength: RANDOM_WEEKS,
      }),
    }),
    { minLength: 3, maxLength: 9 },
  )
  .map((customers) =>
    customers.flatMap(({ start, weeks }, c) =>
      weeks.flatMap((dollars, i) =>
        dollars === null || i < start
          ? []
          : [
              {
                customerId: `C${c}`,
                day: periodStartDay(P0 + i, WEEK) + (i % 7),
                amountCents: dollars * 100,
              },
            ],
      ),
    ),
  );

interface PointFlags {
  population: string[];
  sets: Record<string, string[]>;
  scores: Record<string, number>;
}

function flagsByPoint(ledger: SalesLedger, settings: AnalysisSettings): Map<number, PointFlags> {
  const out = new Map<number, PointFlags>();
  replay(ledger, settings, { horizon: HORIZON }, (t, e: ReplayEntry) => {
    let point = out.get(t);
    if (!point) {
      point = { population: [], sets: {}, scores: {} };
      out.set(t, point);
    }
    point.population.push(e.customerId);
    const add = (key: string) => {
      point.sets[key] ??= [];
      point.sets[key].push(e.customerId);
    };
    for (const type of e.types) add(type);
    if (e.types.length > 0) add('any_gap');
    if (e.topN) add('top_n');
    if (e.score !== null) point.scores[e.customerId] = e.score;
  });
  for (const point of out.values()) {
    point.population.sort();
    for (const ids of Object.values(point.sets)) ids.sort();
  }
  return out;
}

describe('backtest on random histories', () => {
  it('flags at t do not change when rows after t are added (nothing leaks from the future)', () => {
    fc.assert(
      fc.property(
        historyArb,
        historyArb,
        fc.integer({ min: 4, max: RANDOM_WEEKS - HORIZON - 1 }),
        (rows, extra, k) => {
          const t = P0 + k;
          const later = extra.filter((r) => periodOfDay(r.day, WEEK) > t);
          // Keep the as-of period the same: the extra rows stay inside the 16 weeks.
          const before = flagsByPoint(ledgerOf(rows), RANDOM_SETTINGS).get(t);
          const after = flagsByPoint(ledgerOf([...rows, ...later]), RANDOM_SETTINGS).get(t);
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('the fast replay flags what a full analyze as of each replay point flags', () => {
    fc.assert(
      fc.property(historyArb, (rows) => {
        const ledger = ledgerOf(rows);
        const fast = flagsByPoint(ledger, RANDOM_SETTINGS);
        const points = runBacktest(ledger, RANDOM_SETTINGS, { horizon: HORIZON }).points;
        for (const t of points) {
          const result = analyze(
            { ledger, customers: [], dataQuality: QUALITY },
            { ...RANDOM_SETTINGS, asOf: isoFromDay(periodEndDay(t, WEEK)) },
          );
          const naive: PointFlags = { population: [], sets: {}, scores: {} };
          for (const c of result.customers) {
            if (
              (c.status !== 'scored' && c.status !== 'no_gap') ||
              !c.metrics ||
              c.metrics.baselineCents <= 0
            )
              continue;
            naive.population.push(c.customerId);
            const add = (key: string) => {
              naive.sets[key] ??= [];
              naive.sets[key].push(c.customerId);
            };
            for (const g of c.gaps) add(g.type);
            if (c.gaps.length > 0) add('any_gap');
            if (c.rank !== null && c.rank <= RANDOM_SETTINGS.topN) add('top_n');
            if (c.score !== null) naive.scores[c.customerId] = c.score;
          }
          naive.population.sort();
          for (const ids of Object.values(naive.sets)) ids.sort();
          expect(fast.get(t) ?? { population: [], sets: {}, scores: {} }).toEqual(naive);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('counts lost customers from the rows after t, independently of the ledger', () => {
    fc.assert(
      fc.property(historyArb, (rows) => {
        const ledger = ledgerOf(rows);
        const net = new Map<string, number>();
        for (const r of rows) {
          const key = `${r.customerId}@${periodOfDay(r.day, WEEK)}`;
          net.set(key, (net.get(key) ?? 0) + r.amountCents);
        }
        replay(ledger, RANDOM_SETTINGS, { horizon: HORIZON }, (t, e) => {
          let future = 0;
          for (let p = t + 1; p <= t + HORIZON; p++) future += net.get(`${e.customerId}@${p}`) ?? 0;
          expect(e.lost).toBe(future / HORIZON <= 0.5 * e.baselineCents);
          expect(e.lostRevenueCents).toBe(Math.max(0, e.baselineCents * HORIZON - future));
        });
      }),
      { numRuns: 40 },
    );
  });
});
