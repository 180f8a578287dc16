/**
 * The revgap rules on test/fixtures/hand/twelve-weeks.csv: 19 customers written by hand over twelve
 * Monday weeks, W1 = week of 2026-08-31 ... W12 = week of 2026-11-16, plus one row in W13 (Tuesday
 * 2026-11-24) that makes W13 a partial trailing week. Every expected number below is worked out by
 * hand in the comments (dollars unless marked cents); L = 12, R = 4, so for a 12-week history the
 * baseline is the mean of W1-W8 and the recent mean is W9-W12.
 *
 * Least squares over 12 weeks (x = 0..11, mean x 5.5): Sxx = 143 and, because the deviations sum
 * to 0, slope = sum((x - 5.5) * y) / 143. Handy sums: sum over x = 0..7 of (x - 5.5) = -16, over
 * x = 8..11 = +16, over x = 0..9 = -10, over x = 0..10 = -5.5.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { dayFromIso, periodOfDay } from '../../src/core/periods.ts';
import { analyzeSeed } from '../../src/core/seed-rules.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, PeriodSpec } from '../../src/core/types.ts';
import { loadHandFixture } from '../helpers/load-hand-fixture.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const week = (mondayIso: string) => periodOfDay(dayFromIso(mondayIso), weeks);
const W1 = week('2026-08-31');
const W8 = week('2026-10-19');
const W12 = week('2026-11-16');
const W13 = week('2026-11-23');

const customersOnFile = [
  { customerId: 'BIG', name: 'Big Box Stores', segment: 'enterprise', accountManager: 'U0BIGAM' },
  { customerId: 'GHOST', name: 'Ghost Ltd' },
];

function run(overrides: Parameters<typeof defaultAnalysisSettings>[0] = {}): AnalysisResult {
  const input = loadHandFixture('twelve-weeks.csv', weeks, customersOnFile);
  return analyze(input, defaultAnalysisSettings(overrides));
}

function customer(result: AnalysisResult, id: string): CustomerAnalysis {
  const found = result.customers.find((c) => c.customerId === id);
  if (!found) throw new Error(`no customer ${id}`);
  return found;
}

const gapTypes = (c: CustomerAnalysis) => c.gaps.map((g) => g.type);
const gapOf = (c: CustomerAnalysis, type: string) => c.gaps.find((g) => g.type === type);

describe('analyze: the as-of period', () => {
  it('leaves out a partial trailing week and says how many rows it held', () => {
    const r = run();
    // The latest row is Tuesday 2026-11-24, inside W13 (2026-11-23..29): W13 is incomplete, so the
    // as-of week is W12; W13 holds exactly that one row.
    expect(r.asOf).toEqual({
      period: W12,
      startDay: dayFromIso('2026-11-16'),
      endDay: dayFromIso('2026-11-22'),
    });
    expect(r.partialPeriod).toEqual({
      period: W13,
      startDay: dayFromIso('2026-11-23'),
      endDay: dayFromIso('2026-11-29'),
      rows: 1,
    });
    expect(r.dataQuality.rowsAfterAsOf).toBe(0);
    // STEADY's W13 row is not in its series: 12 weeks of $100.
    expect(customer(r, 'STEADY').series).toEqual(Array(12).fill(100_00));
  });

  it('takes an as-of date on the last day of a week as that week, and counts later rows', () => {
    const r = run({ asOf: '2026-11-22' });
    expect(r.asOf.period).toBe(W12);
    expect(r.partialPeriod).toBeNull();
    expect(r.dataQuality.rowsAfterAsOf).toBe(1);
  });

  it('moves the analysis back with an earlier as-of date and ignores the rows after it', () => {
    // 2026-11-15 is the Sunday ending W11. Rows after W11: the 14 customers with a W12 row (STEADY,
    // DECLINE, DECLINE2X, TREND5, TREND49, BELOW80, BELOW79, ZERO1, ZERO0, REFUND, NEWBIE, JUST6,
    // TWIN-A, TWIN-B) plus STEADY's W13 row = 15.
    const r = run({ asOf: '2026-11-15' });
    expect(r.asOf.period).toBe(W12 - 1);
    expect(r.partialPeriod).toBeNull();
    expect(r.dataQuality.rowsAfterAsOf).toBe(15);
    // CHURN1 (W1-W11 $100, W12 nothing) is clean as of W11: its zero week is not there yet.
    const churn1 = customer(r, 'CHURN1');
    expect(churn1.metrics?.history).toBe(11);
    expect(churn1.metrics?.zeroStreak).toBe(0);
    expect(churn1.status).toBe('no_gap');
    // BIG has been empty for W9-W11: a streak of 3.
    expect(customer(r, 'BIG').metrics?.zeroStreak).toBe(3);
  });

  it('uses the week before a mid-week as-of date and reports that week as partial', () => {
    // Wednesday 2026-11-18 is inside W12: W12 is partial (its 14 rows), W13 is after (1 row).
    const r = run({ asOf: '2026-11-18' });
    expect(r.asOf.period).toBe(W12 - 1);
    expect(r.partialPeriod?.period).toBe(W12);
    expect(r.partialPeriod?.rows).toBe(14);
    expect(r.dataQuality.rowsAfterAsOf).toBe(1);
  });
});

describe('analyze: per-customer metrics', () => {
  it('computes baseline, recent, trend, forecast and value for a declining customer', () => {
    // DECLINE: $100 in W1-W8, $50 in W9-W12 (rows listed newest first in the file).
    const m = customer(run(), 'DECLINE').metrics;
    expect(m?.history).toBe(12);
    expect(m?.baselineCents).toBe(100_00);
    expect(m?.recentCents).toBe(50_00);
    // slope = (100 x -16 + 50 x 16) / 143 = -800 / 143 = -$5.5944/wk = -559.44 cents.
    expect(m?.trendCentsPerPeriod).toBeCloseTo(-80_000 / 143, 9);
    expect(m?.trendPct).toBeCloseTo(-0.0559441, 6);
    // forecast = mean + slope x (12 - 5.5) = 83.333 - 36.364 = $46.97.
    expect(m?.forecastCents).toBe(46_97);
    expect(m?.zeroStreak).toBe(0);
    expect(m?.lifetimeValueCents).toBe(1000_00);
    expect(m?.activeShare).toBe(1);
    expect(m?.lastSalePeriod).toBe(W12);
  });

  it('floors the forecast at zero for a customer that stopped', () => {
    // BIG: $1,000 a week W1-W8 (W1 in two orders of $600 and $400), nothing since.
    // slope = 1000 x -16 / 143 = -$111.89; mean 666.67; forecast 666.67 - 727.27 < 0 -> 0.
    const m = customer(run(), 'BIG').metrics;
    expect(m?.baselineCents).toBe(1000_00);
    expect(m?.recentCents).toBe(0);
    expect(m?.forecastCents).toBe(0);
    expect(m?.zeroStreak).toBe(4);
    expect(m?.activeShare).toBeCloseTo(8 / 12, 12);
    expect(m?.lastSalePeriod).toBe(W8);
    expect(m?.lifetimeValueCents).toBe(8000_00);
  });

  it('counts refunds against the week they fall in', () => {
    // REFUND: $100 a week, but -$30 on 2026-10-01 (W5 -> $70) and -$100 on 2026-11-12 (W11 -> $0).
    // baseline = (800 - 30) / 8 = $96.25; recent = (100 + 100 + 0 + 100) / 4 = $75.
    const c = customer(run(), 'REFUND');
    expect(c.series).toEqual([100, 100, 100, 100, 70, 100, 100, 100, 100, 100, 0, 100].map((d) => d * 100));
    expect(c.metrics?.baselineCents).toBe(96_25);
    expect(c.metrics?.recentCents).toBe(75_00);
    expect(c.metrics?.lifetimeValueCents).toBe(1070_00);
    // W11 had a sale, but its net is 0: it is a zero week for zero_spend and activeShare (11/12).
    expect(c.metrics?.activeShare).toBeCloseTo(11 / 12, 12);
    expect(c.metrics?.lastSalePeriod).toBe(W12);
  });

  it('uses the whole history when it is shorter than the lookback', () => {
    // JUST6: $100 in W7-W12. history 6 -> baseline over W7-W8, recent over W9-W12, no gaps.
    const c = customer(run(), 'JUST6');
    expect(c.status).toBe('no_gap');
    expect(c.metrics?.history).toBe(6);
    expect(c.metrics?.baselineCents).toBe(100_00);
    expect(c.series).toHaveLength(6);
    expect(c.seriesStartPeriod).toBe(week('2026-10-12'));
  });
});

describe('analyze: customers that are not judged', () => {
  it('lists a customer with under 6 weeks of history as too new', () => {
    // NEWBIE: first sale in W8 -> history W8..W12 = 5 < 6.
    const r = run();
    const c = customer(r, 'NEWBIE');
    expect(c.status).toBe('too_new');
    expect(c.metrics?.history).toBe(5);
    expect(c.gaps).toEqual([]);
    expect(c.score).toBeNull();
    expect(r.summary.customersTooNew).toBe(1);
  });

  it('lists a customer with no sale in the last 12 weeks as lapsed, even with a later refund', () => {
    // GONE: $500 on 2026-06-10 and 2026-07-15, then only a -$50 refund in W6: a refund is not a sale.
    const r = run();
    const c = customer(r, 'GONE');
    expect(c.status).toBe('lapsed');
    expect(c.metrics?.lastSalePeriod).toBe(week('2026-07-13'));
    // Weeks of 2026-07-20 .. 2026-11-16 without revenue: 119 / 7 + 1 = 18.
    expect(c.metrics?.zeroStreak).toBe(18);
    // History from the week of 2026-06-08: 161 / 7 + 1 = 24 weeks.
    expect(c.metrics?.history).toBe(24);
    expect(c.metrics?.lifetimeValueCents).toBe(950_00);
    expect(c.score).toBeNull();
    expect(r.summary.customersLapsed).toBe(1);
  });

  it('treats refunds alone, and customers on file without rows, as no sales on record', () => {
    const r = run();
    expect(customer(r, 'REFUNDONLY').status).toBe('no_sales');
    expect(customer(r, 'REFUNDONLY').metrics).toBeNull();
    // Its one row, -$40 on Wednesday 2026-11-04, falls in W10 (week of 2026-11-02): the net series
    // runs W10..W12 so the deep dive still shows the refund.
    expect(customer(r, 'REFUNDONLY')).toMatchObject({ series: [-40_00, 0, 0], seriesStartPeriod: W12 - 2 });
    expect(customer(r, 'GHOST')).toMatchObject({ status: 'no_sales', name: 'Ghost Ltd', series: [] });
    expect(r.summary.customersNoSales).toBe(2);
  });
});

describe('analyze: gap rules at their thresholds', () => {
  const r = run();

  it('fires declining_revenue at exactly -5% a week, with the shortfall as its amount', () => {
    // TREND5: 47, 45, ..., 25 -> slope exactly -$2/wk; baseline (47 + 33) / 2 = $40; -2 / 40 = -5%.
    // recent (31 + 25) / 2 = $28 < 40; amount (40 - 28) x 4 = $48.
    const c = customer(r, 'TREND5');
    expect(c.metrics?.trendPct).toBe(-0.05);
    expect(gapOf(c, 'declining_revenue')?.amountCents).toBe(48_00);
  });

  it('does not fire declining_revenue at -4.9% a week', () => {
    // TREND49: 48, 46, ..., 26 -> slope -$2/wk; baseline $41; -2 / 41 = -4.88%.
    const c = customer(r, 'TREND49');
    expect(c.metrics?.trendPct).toBeCloseTo(-2 / 41, 12);
    expect(gapTypes(c)).not.toContain('declining_revenue');
    // ...but recent $29 < 0.8 x 41 = $32.80: below_baseline, (41 - 29) x 4 = $48.
    expect(gapTypes(c)).toEqual(['below_baseline']);
    expect(c.gapAmountCents).toBe(48_00);
  });

  it('fires below_baseline just under 80% of the baseline, not at 80%', () => {
    // BELOW79: recent $79 < $80 -> (100 - 79) x 4 = $84. Trend (-1600 + 1264) / 143 = -2.35%: no decline.
    const below = customer(r, 'BELOW79');
    expect(gapTypes(below)).toEqual(['below_baseline']);
    expect(below.gapAmountCents).toBe(84_00);
    expect(below.gaps[0]?.rationale).toBe('the last 4 weeks averaged $79/wk, 79% of the usual $100/wk');
    expect(below.gaps[0]?.severity).toBe('medium');
    // BELOW80: recent exactly $80 = 0.8 x 100: not below.
    expect(customer(r, 'BELOW80').status).toBe('no_gap');
  });

  it('fires zero_spend for one empty week inside the recent window, not just before it', () => {
    // ZERO1: W9 $150, W10 nothing, W11 $150, W12 $100 -> recent $100 = baseline, trend 0, one zero.
    const zero = customer(r, 'ZERO1');
    expect(gapTypes(zero)).toEqual(['zero_spend']);
    expect(zero.gapAmountCents).toBe(100_00);
    expect(zero.gaps[0]?.rationale).toBe('no revenue in 1 of the last 4 weeks; usually $100/wk');
    expect(zero.gaps[0]?.severity).toBe('low');
    // ZERO0: its empty week is W8, before the window: baseline 700 / 8 = $87.50, recent $100.
    const clean = customer(r, 'ZERO0');
    expect(clean.metrics?.baselineCents).toBe(87_50);
    expect(clean.status).toBe('no_gap');
  });

  it('counts a week refunded to zero as an empty week', () => {
    // REFUND: W11 nets to $0 -> zero_spend $96.25 x 1; recent $75 < 0.8 x 96.25 = $77 -> below
    // (96.25 - 75) x 4 = $85. Trend: (-30 x -1.5 - 100 x 4.5) / 143 = -405 / 143 = -$2.83 (-2.9%).
    const c = customer(r, 'REFUND');
    expect(gapTypes(c)).toEqual(['zero_spend', 'below_baseline']);
    expect(gapOf(c, 'zero_spend')?.amountCents).toBe(96_25);
    expect(gapOf(c, 'below_baseline')?.amountCents).toBe(85_00);
    expect(c.gapAmountCents).toBe(96_25);
  });

  it('fires churn_risk at two empty weeks in a row, not at one', () => {
    // CHURN2: $100 W1-W10, nothing in W11-W12. baseline $100, recent $50, streak 2.
    // churn_risk 100 x 4 = $400; zero_spend 100 x 2 = $200; below (100 - 50) x 4 = $200;
    // declining: slope 100 x -10 / 143 = -6.99% <= -5% -> $200. Gap amount: the largest, $400.
    const churn2 = customer(r, 'CHURN2');
    expect(gapTypes(churn2)).toEqual(['churn_risk', 'zero_spend', 'declining_revenue', 'below_baseline']);
    expect(churn2.gaps.map((g) => g.amountCents)).toEqual([400_00, 200_00, 200_00, 200_00]);
    expect(churn2.gapAmountCents).toBe(400_00);
    expect(churn2.gaps[0]?.rationale).toBe(
      'no revenue for 2 weeks in a row, last sale in the week of 2026-11-02; usually $100/wk',
    );
    expect(churn2.gaps[0]?.severity).toBe('medium');
    // CHURN1: only W12 empty -> streak 1: zero_spend $100 and below (recent $75) $100, no churn_risk;
    // trend 100 x -5.5 / 143 = -3.85%: no decline.
    const churn1 = customer(r, 'CHURN1');
    expect(churn1.metrics?.zeroStreak).toBe(1);
    expect(gapTypes(churn1)).toEqual(['zero_spend', 'below_baseline']);
  });

  it('writes the rationale in plain words with the period unit', () => {
    const decline = customer(r, 'DECLINE');
    expect(gapTypes(decline)).toEqual(['declining_revenue', 'below_baseline']);
    expect(decline.gaps[0]?.rationale).toBe(
      'revenue fell from $100/wk to $50/wk over the last 4 weeks, trending down $5.59/wk (6% a week)',
    );
    expect(decline.gaps[1]?.rationale).toBe('the last 4 weeks averaged $50/wk, 50% of the usual $100/wk');
    expect(decline.gaps.map((g) => g.severity)).toEqual(['high', 'high']);
    const big = customer(r, 'BIG');
    expect(big.gaps[0]?.rationale).toBe(
      'no revenue for 4 weeks in a row, last sale in the week of 2026-10-19; usually $1,000/wk',
    );
    expect(big.gaps.map((g) => g.severity)).toEqual(['high', 'high', 'high', 'high']);
  });

  it('follows configured thresholds', () => {
    const strict = run({ decliningTrendPct: -0.06, belowBaselineRatio: 0.7, churnZeroStreak: 1 });
    // DECLINE trends at -5.59%: no longer declining; recent 50 < 70 still below.
    expect(gapTypes(customer(strict, 'DECLINE'))).toEqual(['below_baseline']);
    // BELOW79 (79 >= 70) has no gap left; CHURN1's one empty week is now a churn risk.
    expect(customer(strict, 'BELOW79').status).toBe('no_gap');
    expect(gapTypes(customer(strict, 'CHURN1'))).toContain('churn_risk');
  });
});

describe('analyze: score and rank', () => {
  const r = run();
  // Normalisers over the 12 scored customers: largest gap BIG's $4,000, largest lifetime value BIG's $8,000.

  it('scores the customer that stopped buying: 91.75', () => {
    // BIG: revenueImpact 4000/4000 = 1; churnRisk 1 (streak 4 >= R); customerValue 8000/8000 = 1;
    // recovery 0.05 + 0.9 x activeShare 8/12 x (1 - 4/12) = 0.05 + 0.9 x 4/9 = 0.45.
    // score = 35 + 30 + 20 + 15 x 0.45 = 91.75.
    const big = customer(r, 'BIG');
    expect(big.components).toEqual({
      revenueImpact: 1,
      churnRisk: 1,
      customerValue: 1,
      recoveryProbability: 0.45,
    });
    expect(big.contributions).toEqual({
      revenueImpact: 35,
      churnRisk: 30,
      customerValue: 20,
      recoveryProbability: 6.75,
    });
    expect(big.score).toBe(91.75);
    // recovery potential 4000 x 0.45 = $1,800.
    expect(big.recoveryPotentialCents).toBe(1800_00);
    expect(big.recommendation).toBe('Call this week; offer a retention check-in.');
    expect(big).toMatchObject({ name: 'Big Box Stores', segment: 'enterprise', accountManager: 'U0BIGAM' });
  });

  it('scores a customer with one empty week: 17.00', () => {
    // ZERO1: revenueImpact 100/4000 = 0.025 -> 0.875 points; churnRisk 0 (no streak, recent = baseline,
    // flat trend); customerValue (800 + 150 + 150 + 100) / 8000 = 0.15 -> 3 points;
    // recovery 0.05 + 0.9 x 11/12 = 0.875 -> 13.125 points. score = 17.
    const zero = customer(r, 'ZERO1');
    expect(zero.components?.revenueImpact).toBeCloseTo(0.025, 12);
    expect(zero.components?.churnRisk).toBe(0);
    expect(zero.components?.customerValue).toBeCloseTo(0.15, 12);
    expect(zero.components?.recoveryProbability).toBeCloseTo(0.875, 12);
    expect(zero.score).toBe(17);
    expect(zero.recoveryPotentialCents).toBe(87_50);
    expect(zero.recommendation).toBe(
      'Reach out about the missed orders; check for supply or service issues.',
    );
  });

  it('scores a customer two weeks into a streak: 29.80', () => {
    // CHURN2: revenueImpact 400/4000 = 0.1 -> 3.5.
    // churnRisk = 0.5 x 2/4 + 0.3 x (1 - 50/100) + 0.2 x (4 x 10/143) = 0.25 + 0.15 + 8/143 = 0.455944
    //   -> 30 x 0.455944 = 13.678.
    // customerValue 1000/8000 = 0.125 -> 2.5. recovery 0.05 + 0.9 x 10/12 x (1 - 2/12) = 0.675 -> 10.125.
    // score = 3.5 + 13.678 + 2.5 + 10.125 = 29.803 -> 29.80.
    const c = customer(r, 'CHURN2');
    expect(c.components?.churnRisk).toBeCloseTo(0.4 + 8 / 143, 12);
    expect(c.components?.recoveryProbability).toBeCloseTo(0.675, 12);
    expect(c.contributions?.churnRisk).toBe(13.68);
    expect(c.score).toBe(29.8);
  });

  it('ranks by score, then gap amount, then id', () => {
    // Hand totals (see docs/analysis-formulas.md for the formulas):
    // BIG 91.75; CHURN2 29.80; DECLINE2X 3.5 + 5.843 + 5 + 14.25 = 28.59; TWIN-A = TWIN-B =
    // 2.1 + 3.506 + 5.4 + 14.25 = 25.26 (same score and gap: by id); DECLINE 24.34; CHURN1 22.64;
    // BELOW79 20.23; TREND5 0.42 + 3.9 + 1.08 + 14.25 = 19.65; TREND49 19.58; REFUND 19.34; ZERO1 17.
    expect(r.priorities.map((p) => p.customerId)).toEqual([
      'BIG',
      'CHURN2',
      'DECLINE2X',
      'TWIN-A',
      'TWIN-B',
      'DECLINE',
      'CHURN1',
      'BELOW79',
      'TREND5',
      'TREND49',
      'REFUND',
      'ZERO1',
    ]);
    expect(r.priorities.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(customer(r, 'TWIN-A').score).toBe(customer(r, 'TWIN-B').score);
    expect(customer(r, 'TREND5').score).toBe(19.65);
  });

  it('breaks a score tie by the larger gap', () => {
    // With only churn risk and recovery weighted, DECLINE ($100 -> $50) and DECLINE2X ($200 -> $100)
    // score the same (same ratios, trend share and activity); DECLINE2X's gap is $400 against $200.
    const r2 = run({
      weights: { revenueImpact: 0, churnRisk: 0.5, customerValue: 0, recoveryProbability: 0.5 },
    });
    const a = customer(r2, 'DECLINE');
    const b = customer(r2, 'DECLINE2X');
    expect(a.score).toBe(b.score);
    expect(b.rank).toBe((a.rank ?? 0) - 1);
  });

  it('lists the top N and their recovery potential', () => {
    const top3 = run({ topN: 3 });
    expect(top3.priorities.map((p) => p.customerId)).toEqual(['BIG', 'CHURN2', 'DECLINE2X']);
    // 4000 x 0.45 + 400 x 0.675 + 400 x 0.95 = 1800 + 270 + 380 = $2,450.
    expect(top3.summary.recoveryPotentialTopNCents).toBe(2450_00);
    // Ranks still cover every scored customer.
    expect(customer(top3, 'ZERO1').rank).toBe(12);
    expect(top3.priorities[0]).toMatchObject({
      customerName: 'Big Box Stores',
      accountManager: 'U0BIGAM',
      segment: 'enterprise',
      gapTypes: ['churn_risk', 'zero_spend', 'declining_revenue', 'below_baseline'],
      gapAmountCents: 4000_00,
      recoveryPotentialCents: 1800_00,
      score: 91.75,
      recommendation: 'Call this week; offer a retention check-in.',
    });
    expect(top3.priorities[0]?.rationale).toHaveLength(4);
  });
});

describe('analyze: summary and lists', () => {
  const r = run();

  it('counts customers by standing and gaps by type', () => {
    expect(r.summary).toMatchObject({
      // judged: 12 with gaps + STEADY, BELOW80, ZERO0, JUST6 without.
      customersAnalyzed: 16,
      customersWithGaps: 12,
      customersTooNew: 1,
      customersLapsed: 1,
      customersNoSales: 2,
      // declining: DECLINE, DECLINE2X, TREND5, CHURN2, BIG; below: every scored customer but ZERO1;
      // zero_spend: ZERO1, CHURN2, CHURN1, BIG, REFUND; churn_risk: CHURN2, BIG.
      gapsDetected: 23,
      gapsByType: { declining_revenue: 5, below_baseline: 11, zero_spend: 5, churn_risk: 2 },
      churnRiskCustomers: 2,
      topN: 20,
      rowsRead: 190,
      rowsRejected: 0,
    });
  });

  it('totals the largest gap per customer, not the sum of overlapping types', () => {
    // 200 + 400 + 48 + 48 + 84 + 100 + 400 + 100 + 4000 + 96.25 + 240 + 240 = $5,956.25.
    expect(r.summary.totalGapCents).toBe(5956_25);
  });

  it('sums each gap type and its share of all type amounts', () => {
    // declining 200 + 400 + 48 + 200 + 4000 = 4848; below 200 + 400 + 48 + 48 + 84 + 200 + 100 + 4000
    // + 85 + 240 + 240 = 5645; zero 100 + 200 + 100 + 4000 + 96.25 = 4496.25; churn 400 + 4000 = 4400.
    // All types: 19,389.25.
    expect(r.gapsByType.declining_revenue).toEqual({
      count: 5,
      amountCents: 4848_00,
      share: 4848 / 19389.25,
    });
    expect(r.gapsByType.below_baseline.amountCents).toBe(5645_00);
    expect(r.gapsByType.zero_spend.amountCents).toBe(4496_25);
    expect(r.gapsByType.churn_risk.amountCents).toBe(4400_00);
    const shares = Object.values(r.gapsByType).reduce((s, t) => s + t.share, 0);
    expect(shares).toBeCloseTo(1, 12);
  });

  it('lists churn-risk customers, most revenue at stake first', () => {
    expect(r.churnRisk).toEqual([
      {
        customerId: 'BIG',
        customerName: 'Big Box Stores',
        accountManager: 'U0BIGAM',
        zeroStreak: 4,
        baselineCents: 1000_00,
        atRiskCents: 4000_00,
        lastSalePeriod: W8,
        churnRisk: 1,
      },
      {
        customerId: 'CHURN2',
        customerName: 'CHURN2',
        zeroStreak: 2,
        baselineCents: 100_00,
        atRiskCents: 400_00,
        lastSalePeriod: week('2026-11-02'),
        churnRisk: 0.4 + 8 / 143,
      },
    ]);
  });

  it('lists every customer: ranked first, then the rest by id', () => {
    expect(r.customers.map((c) => c.customerId)).toEqual([
      ...r.priorities.map((p) => p.customerId),
      'BELOW80',
      'GHOST',
      'GONE',
      'JUST6',
      'NEWBIE',
      'REFUNDONLY',
      'STEADY',
      'ZERO0',
    ]);
    expect(customer(r, 'STEADY')).toMatchObject({ status: 'no_gap', score: null, rank: null, gaps: [] });
    expect(customer(r, 'STEADY').seriesStartPeriod).toBe(W1);
  });

  it('writes strategic recommendations from the gap mix, most urgent first', () => {
    expect(r.recommendations).toEqual([
      '2 customers have stopped buying (no revenue for 2+ weeks in a row; $4,400 at stake over the last 4 weeks). Call this week; offer a retention check-in.',
      '5 customers skipped orders in the last 4 weeks ($4,496 of usual revenue missed). Reach out about the missed orders; check for supply or service issues.',
      '5 customers are trending down ($4,848 below their usual over the last 4 weeks). Review the order mix with the buyer; look for lost product lines.',
      '11 customers bought less than 80% of their usual over the last 4 weeks ($5,645 short). Schedule an account review; compare against their usual basket.',
      '1 customer has lapsed (no sale in the last 12 weeks): a win-back campaign suits them better than account-manager time.',
      '1 customer is too new to judge (under 6 weeks of history); they are scored once they have 6.',
    ]);
  });

  it('points at where to start when a few customers hold most of the gap', () => {
    // Top 3: BIG 4000 + CHURN2 400 + DECLINE2X 400 = 4800 of 5956.25 = 81%.
    const top3 = run({ topN: 3 });
    expect(top3.recommendations).toContain(
      'The top 3 priorities hold 81% of the total gap ($4,800 of $5,956): start there.',
    );
  });

  it('does not suggest monthly periods when most weeks have sales', () => {
    expect(r.suggestMonthly).toBe(false);
    expect(r.rules).toBe('revgap');
    expect(r.period).toEqual(weeks);
  });
});

describe('the customers list by id (AnalysisInput.customersById)', () => {
  const withFile = () => {
    const input = loadHandFixture('twelve-weeks.csv', weeks, customersOnFile);
    input.dataQuality.customers = { source: 'customers.csv', rowsRead: 2, rowsRejected: 0, problems: [] };
    return input;
  };

  it('gives the same result as the list, is taken over (emptied), and an input analysed again reads the list', () => {
    const settings = defaultAnalysisSettings();
    const fromList = analyze(withFile(), settings);
    const input = withFile();
    const byId = new Map(customersOnFile.map((c) => [c.customerId, c]));
    input.customersById = byId;
    const fromMap = analyze(input, settings);
    expect(fromMap).toEqual(fromList);
    expect(byId.size).toBe(0);
    // The emptied map no longer matches the list: the list is read again, with the same result.
    expect(analyze(input, settings)).toEqual(fromList);
    expect(customer(fromMap, 'BIG').name).toBe('Big Box Stores');
  });

  it('notes the listed customers without sales rows when some, not all, have none', () => {
    const result = analyze(withFile(), defaultAnalysisSettings());
    expect(customer(result, 'GHOST').status).toBe('no_sales');
    expect(result.dataQuality.notes).toContain(
      '1 of 2 customers in customers.csv has no sales rows (listed as no sales on record); ' +
        'if more of them should have sales, check that both files use the same customer ids.',
    );
    const noFile = analyze(
      loadHandFixture('twelve-weeks.csv', weeks, customersOnFile),
      defaultAnalysisSettings(),
    );
    expect(noFile.dataQuality.notes ?? []).toEqual([]);
  });

  it('the seed rules note them alike, from their own join', () => {
    const seed = analyzeSeed(withFile(), defaultAnalysisSettings({ rules: 'seed' }));
    expect(seed.dataQuality.notes).toEqual([
      '1 of 2 customers in customers.csv has no sales rows (listed as no sales on record); ' +
        'if more of them should have sales, check that both files use the same customer ids.',
    ]);
  });
});
