/**
 * Cadence-aware gaps (evidence spec section 8), seasonality (section 4) and the bgnbd churn model
 * (section 3) on hand fixtures. The figures were worked out by hand and re-checked with numpy
 * (median, means, np.polyfit for the slope).
 *
 * Cadence g = median gap between sale periods (1 below 3 sale periods); k = min(4, round(g)).
 * k = 1: the rules of analysis spec section 4 unchanged. k >= 2: lookback L x k and recent window
 * R x k (at most half the lookback, at least R), churn_risk at a zero streak >= ceil(2 g),
 * zero_spend at >= ceil(1.5 g) (amount b x min(streak, r)), declining when trendPct x k <= -5%.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { probabilityAlive, summariseSalePeriods } from '../../src/core/bgnbd.ts';
import { detectGaps, findGaps } from '../../src/core/detect-gaps.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { computeCustomerFacts, type MetricsSettings } from '../../src/core/metrics.ts';
import { dayFromIso, isoFromDay, periodEndDay, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { CustomerLedger, DataQuality, PeriodSpec, SaleRow } from '../../src/core/types.ts';
import { renderDeepDiveMarkdown } from '../../src/render/deep-dive.ts';

const MONTH: PeriodSpec = { kind: 'month', weekStartsOn: 1 };
const WEEK: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const CADENCE: MetricsSettings = { lookback: 12, recentWindow: 4, minHistory: 6, cadenceAware: true };
const GAPS = { ...defaultAnalysisSettings(), currency: 'USD' };

function ledgerOf(net: number[], startPeriod = 100): CustomerLedger {
  return { customerId: 'x', startPeriod, net, positive: net.map((v) => (v > 0 ? 1 : 0)), rows: net.length };
}

/** $400 every 4 periods from period 100: sales at 100, 104, ..., 120; nothing after. */
const EVERY_FOUR = Array.from({ length: 21 }, (_, i) => (i % 4 === 0 ? 40_000 : 0));

describe('cadence-aware gaps: a customer who buys every four months', () => {
  it('is not flagged after two quiet months', () => {
    // As of 122: history 23, sales at 0,4,...,20 -> gaps [4,4,4,4,4], g = 4, k = 4.
    // Lookback min(48, 23) = 23; recent min(16, max(4, floor(23/2) = 11), 22) = 11 (periods 12..22:
    // sales at 12, 16, 20 = $1,200 / 11 = $109.09); baseline periods 0..11 (sales at 0, 4, 8 =
    // $1,200 / 12 = $100). Zero streak 2 < ceil(1.5 x 4) = 6: no zero spend; recent >= baseline.
    const facts = computeCustomerFacts(ledgerOf(EVERY_FOUR), 122, CADENCE);
    expect(facts.cadence).toBe(4);
    expect(facts.cadenceMultiple).toBe(4);
    expect(facts.recentPeriods).toBe(11);
    expect(facts.metrics?.baselineCents).toBe(10_000);
    expect(facts.metrics?.recentCents).toBe(10_909);
    expect(facts.metrics?.zeroStreak).toBe(2);
    expect(findGaps(facts, GAPS)).toEqual([]);
    // Without cadence (the spec section 4 table): zero spend and churn risk after two quiet months.
    const plain = computeCustomerFacts(ledgerOf(EVERY_FOUR), 122, { ...CADENCE, cadenceAware: false });
    expect(findGaps(plain, GAPS).map((f) => f.type)).toEqual(['churn_risk', 'zero_spend']);
  });

  it('is overdue (zero spend) after six quiet months', () => {
    // As of 126: history 27, lookback 27, recent min(16, 13, 26) = 13 (periods 14..26: sales at 16
    // and 20 = $800 / 13 = $61.54); baseline periods 0..13 (sales at 0, 4, 8, 12 = $1,600 / 14 =
    // $114.29). Streak 6 >= 6: zero spend, b x min(6, 13) = $114.29 x 6 = $685.74.
    // Slope over the 27 periods -439.56 c/period (np.polyfit): trendPct -3.846% x k 4 = -15.4%
    // <= -5% and recent 61.54 < 0.8 x 114.29 = 91.43: declining, (114.29 - 61.54) x 13 = $685.75.
    // Below baseline for a sparse buyer needs recent < 0.5 x 114.29 = 57.15: not (61.54).
    // Churn risk needs a streak of 8: not yet.
    const facts = computeCustomerFacts(ledgerOf(EVERY_FOUR), 126, CADENCE);
    expect(facts.metrics?.baselineCents).toBe(11_429);
    expect(facts.metrics?.recentCents).toBe(6_154);
    expect(facts.metrics?.trendCentsPerPeriod).toBeCloseTo(-439.56043956, 6);
    expect(findGaps(facts, GAPS)).toEqual([
      { type: 'zero_spend', amountCents: 68_574 },
      { type: 'declining_revenue', amountCents: 68_575 },
    ]);
    const gaps = detectGaps(facts, GAPS, MONTH);
    expect(gaps[0]?.rationale).toBe('no sale for 6 months; usually buys every 4 months, $114/mo on average');
  });

  it('is a churn risk after eight quiet months (two missed orders)', () => {
    // As of 128: history 29, recent min(16, 14, 28) = 14, baseline periods 0..14 (4 sales, $1,600 /
    // 15 = $106.67); streak 8 >= ceil(2 x 4) = 8: churn risk, b x r = $106.67 x 14 = $1,493.38.
    const facts = computeCustomerFacts(ledgerOf(EVERY_FOUR), 128, CADENCE);
    expect(facts.recentPeriods).toBe(14);
    expect(facts.metrics?.baselineCents).toBe(10_667);
    expect(findGaps(facts, GAPS)[0]).toEqual({ type: 'churn_risk', amountCents: 149_338 });
  });
});

describe('cadence-aware gaps: weekly and fortnightly buyers', () => {
  it('a fortnightly buyer with its usual empty week is not flagged', () => {
    // $200 every other week, periods 0..29, as of 29 (an empty week): g = 2, k = 2, lookback
    // min(24, 30) = 24, recent min(8, 12, 23) = 8: 4 sales in each 8 weeks, b = c = $100/wk.
    const net = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 20_000 : 0));
    const facts = computeCustomerFacts(ledgerOf(net), 129, CADENCE);
    expect(facts.cadence).toBe(2);
    expect(facts.recentPeriods).toBe(8);
    expect(facts.metrics?.baselineCents).toBe(10_000);
    expect(facts.metrics?.recentCents).toBe(10_000);
    expect(findGaps(facts, GAPS)).toEqual([]);
  });

  it('a weekly buyer is still flagged after two quiet weeks, exactly as the spec table says', () => {
    // $100 for 20 weeks, then 2 zeros: g = 1, L = 12, R = 4: b = $100, c = $50; two zeros in the
    // window; streak 2; slope -6.99 $/wk (-7%).
    const net = [...Array(20).fill(10_000), 0, 0];
    const on = computeCustomerFacts(ledgerOf(net), 121, CADENCE);
    const off = computeCustomerFacts(ledgerOf(net), 121, { ...CADENCE, cadenceAware: false });
    expect(on.cadence).toBe(1);
    expect(findGaps(on, GAPS)).toEqual(findGaps(off, GAPS));
    expect(findGaps(on, GAPS)).toEqual([
      { type: 'churn_risk', amountCents: 40_000 },
      { type: 'zero_spend', amountCents: 20_000 },
      { type: 'declining_revenue', amountCents: 20_000 },
      { type: 'below_baseline', amountCents: 20_000 },
    ]);
  });

  it('fewer than 3 sale periods: too new to judge under cadence-aware rules (judged by the table without)', () => {
    // Sales in periods 0 and 3 only, as of 11: history 12 >= 6, but 2 sale periods < 3.
    const net = [500, 0, 0, 500, 0, 0, 0, 0, 0, 0, 0, 0].map((d) => d * 100);
    expect(computeCustomerFacts(ledgerOf(net), 111, CADENCE).standing).toBe('too_new');
    expect(computeCustomerFacts(ledgerOf(net), 111, { ...CADENCE, cadenceAware: false }).standing).toBe(
      'judged',
    );
  });

  it('cadence: the median gap, with an even count averaging the middle two; 1 below three sales', () => {
    // Sales at 0, 1, 4, 7, 9: gaps [1, 3, 3, 2] -> sorted [1, 2, 3, 3], median (2 + 3) / 2 = 2.5; k = round(2.5) = 3.
    const net = [5, 5, 0, 0, 5, 0, 0, 5, 0, 5].map((d) => d * 100);
    const facts = computeCustomerFacts(ledgerOf(net), 109, CADENCE);
    expect(facts.cadence).toBe(2.5);
    expect(facts.cadenceMultiple).toBe(3);
    expect(computeCustomerFacts(ledgerOf([500, 0, 0, 0, 0, 0, 0, 500]), 107, CADENCE).cadence).toBe(1);
  });
});

const QUALITY: DataQuality = {
  source: 'test',
  rowsRead: 0,
  rowsAccepted: 0,
  rowsRejected: 0,
  rejectedByCode: {},
  problems: [],
  duplicateRows: 0,
  duplicatesDropped: false,
};

function analyzeWeekly(table: Record<string, number[]>, start: string, overrides = {}) {
  const builder = createLedgerBuilder(WEEK);
  const p0 = periodOfDay(dayFromIso(start), WEEK);
  let last = p0;
  for (const [customerId, dollars] of Object.entries(table)) {
    dollars.forEach((d, i) => {
      last = Math.max(last, p0 + i);
      if (d > 0)
        builder.add({ customerId, day: periodStartDay(p0 + i, WEEK) + 2, amountCents: d * 100 } as SaleRow);
    });
  }
  const settings = defaultAnalysisSettings({ asOf: isoFromDay(periodEndDay(last, WEEK)), ...overrides });
  return {
    result: analyze({ ledger: builder.build(), customers: [], dataQuality: QUALITY }, settings),
    settings,
  };
}

/** Two years of weeks from Monday 2024-02-05: $100 a week, $300 in weeks 44-47 of each year (December). */
function seasonal(lastFour: number): number[] {
  return Array.from({ length: 104 }, (_, i) =>
    i >= 100 ? lastFour : i % 52 >= 44 && i % 52 <= 47 ? 300 : 100,
  );
}

describe('seasonality (two full years of history)', () => {
  // As of week 103 (January): recent = weeks 100..103, baseline = weeks 92..99 ($100 x 4 in
  // November, $300 x 4 in December) = $200. The same weeks a year earlier: recent 48..51 = $100,
  // baseline 40..47 = $200 -> s = 100 x 200 / 200 = $100.
  it('a December peak followed by a normal January raises no gap', () => {
    // c = $100 < 0.8 x $200: below baseline by the plain rule; c >= 0.8 x s = $80: in season.
    // The trend over [100 x 4, 300 x 4, 100 x 4] is flat: not declining.
    const { result, settings } = analyzeWeekly({ S: seasonal(100) }, '2024-02-05');
    const c = result.customers.find((x) => x.customerId === 'S');
    expect(c?.status).toBe('no_gap');
    expect(c?.seasonal).toEqual({
      lastSeasonRecentCents: 10_000,
      expectedCents: 10_000,
      suppressed: ['below_baseline'],
    });
    const page = renderDeepDiveMarkdown(c!, result, settings);
    expect(page).toContain('usual for this time of year: last year the same weeks averaged $100/wk');
    // With seasonality off the same customer is below baseline.
    const off = analyzeWeekly({ S: seasonal(100) }, '2024-02-05', { seasonality: false }).result;
    expect(off.customers.find((x) => x.customerId === 'S')?.gaps.map((g) => g.type)).toEqual([
      'below_baseline',
    ]);
  });

  it('the same customer with a real drop in January is flagged', () => {
    // c = $40 < 0.8 x s = $80: below baseline, (200 - 40) x 4 = $640. Slope -6.71 $/wk (-3.4%): not declining.
    const { result } = analyzeWeekly({ S: seasonal(40) }, '2024-02-05');
    const c = result.customers.find((x) => x.customerId === 'S');
    expect(c?.status).toBe('scored');
    expect(c?.gaps.map((g) => [g.type, g.amountCents])).toEqual([['below_baseline', 64_000]]);
    expect(c?.seasonal).toBeUndefined();
  });
});

describe('churnModel bgnbd', () => {
  const table = {
    A: Array(30).fill(100),
    B: [...Array(26).fill(100), 0, 0, 0, 0],
    C: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 300 : 0)),
    D: [
      ...Array(20).fill(100),
      ...Array(10)
        .fill(0)
        .map((_, i) => (i < 2 ? 100 : 0)),
      0,
    ].slice(0, 30),
    E: Array.from({ length: 30 }, (_, i) => (i % 2 === 1 ? 150 : 0)),
  };
  it('churn risk is 1 - P(alive) from the fit, and the gap says which check fired', () => {
    const { result, settings } = analyzeWeekly(table, '2026-01-05', { churnModel: 'bgnbd' });
    expect(result.bgnbd?.customers).toBe(5);
    const params = result.bgnbd!;
    for (const c of result.customers) {
      const ledgerSummary = summariseSalePeriods(
        c.series.map((v) => (v > 0 ? 1 : 0)),
        c.seriesStartPeriod,
        result.asOf.period,
      );
      expect(c.pAlive).toBeCloseTo(probabilityAlive(params, ledgerSummary!), 12);
    }
    const b = result.customers.find((c) => c.customerId === 'B')!;
    // B bought 26 weeks in a row and then nothing for 4: the cadence check fires (streak 4 >= 2).
    // Fitted on these five customers only, the model still gives B about 71%: the cadence check
    // alone raised the gap, which is why both are kept and the gap names the one that fired.
    expect(b.pAlive).toBeGreaterThan(0.5);
    expect(b.gaps[0]?.type).toBe('churn_risk');
    expect(b.gaps[0]?.firedBy).toEqual(['cadence']);
    expect(b.components?.churnRisk).toBeCloseTo(1 - b.pAlive!, 12);
    const page = renderDeepDiveMarkdown(b, result, settings);
    expect(page).toContain('Probability still buying (BG/NBD)');
    expect(page).toContain('Churn risk raised by the cadence check');
    // Rules (default): no model fields.
    const rules = analyzeWeekly(table, '2026-01-05').result;
    expect(rules.bgnbd).toBeUndefined();
    expect(rules.customers.every((c) => c.pAlive === undefined)).toBe(true);
  });
});
