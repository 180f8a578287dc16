import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, isoFromDay } from '../../src/core/periods.ts';
import {
  analyzeSeed,
  detectSeedChurnRisk,
  detectSeedGaps,
  measureSeedCustomer,
} from '../../src/core/seed-rules.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { DataQuality, PeriodSpec, SaleRow, WeekStart } from '../../src/core/types.ts';
import { InputError } from '../../src/errors.ts';

const SATURDAY: WeekStart = 6;
const MONDAY: WeekStart = 1;

function quality(rows: number): DataQuality {
  return {
    source: 'test',
    rowsRead: rows,
    rowsAccepted: rows,
    rowsRejected: 0,
    rejectedByCode: {},
    problems: [],
    duplicateRows: 0,
    duplicatesDropped: false,
  };
}

/** Weekly amounts (dollars) per customer, one row a week from Saturday 2025-09-06. */
function weeklyRows(customers: Record<string, number[]>): SaleRow[] {
  const first = dayFromIso('2025-09-06');
  const rows: SaleRow[] = [];
  for (const [customerId, amounts] of Object.entries(customers)) {
    amounts.forEach((dollars, week) => {
      rows.push({ customerId, day: first + 7 * week, amountCents: Math.round(dollars * 100) });
    });
  }
  return rows;
}

function run(rows: SaleRow[], weekStartsOn: WeekStart = SATURDAY, overrides = {}) {
  const spec: PeriodSpec = { kind: 'week', weekStartsOn };
  const builder = createLedgerBuilder(spec);
  for (const row of rows) builder.add(row);
  const settings = defaultAnalysisSettings({
    rules: 'seed',
    weekStartsOn: weekStartsOn === SATURDAY ? 'saturday' : 'monday',
    ...overrides,
  });
  return analyzeSeed({ ledger: builder.build(), customers: [], dataQuality: quality(rows.length) }, settings);
}

/** The shared data (a copy of the original's test file), parsed with a few lines. */
function sharedDataRows(): SaleRow[] {
  const text = readFileSync(new URL('../fixtures/seed/retail_weekly_sales.csv', import.meta.url), 'utf8');
  const [header, ...lines] = text.trim().split('\n');
  const columns = (header ?? '').split(',');
  const id = columns.indexOf('customer_id');
  const date = columns.indexOf('week_start_date');
  const spend = columns.indexOf('weekly_spend');
  return lines.map((line) => {
    const cells = line.split(',');
    return {
      customerId: cells[id] ?? '',
      day: dayFromIso(cells[date] ?? ''),
      amountCents: Math.round(Number(cells[spend]) * 100),
    };
  });
}

describe('analyzeSeed on the original system’s published test run', () => {
  const rows = sharedDataRows();

  it.each([
    ['Saturday', SATURDAY],
    ['Monday', MONDAY],
  ])('reproduces every published figure with weeks starting %s', (_name, weekStartsOn) => {
    const result = run(rows, weekStartsOn);
    expect(result.rules).toBe('seed');
    expect(result.summary.customersAnalyzed).toBe(155);
    expect(result.summary.gapsDetected).toBe(343);
    expect(result.summary.churnRiskCustomers).toBe(46);
    expect(result.summary.totalGapCents).toBe(2_258_322);
    expect(result.summary.recoveryPotentialTopNCents).toBe(320_096);
    expect(result.summary.gapsByType).toEqual({
      declining_revenue: 155,
      below_baseline: 135,
      zero_spend: 53,
      churn_risk: 0,
    });
  });

  it('lists the top 20 gaps, one gap type each, with a customer free to appear more than once', () => {
    const { priorities } = run(rows);
    expect(priorities).toHaveLength(20);
    for (const p of priorities) expect(p.gapTypes).toHaveLength(1);
    const customer154 = priorities.filter((p) => p.customerId === '154').map((p) => p.gapTypes[0]);
    expect(customer154).toEqual(['below_baseline', 'declining_revenue', 'zero_spend']);
    // Customer 154 bought nothing in its last 4 weeks: every gap is its whole $186.26 baseline.
    expect(priorities[0]).toMatchObject({ rank: 1, customerId: '154', gapAmountCents: 18_626, score: 83.5 });
  });

  it('counts the week of the latest row in full (weekly rows are whole weeks)', () => {
    const result = run(rows);
    expect(isoFromDay(result.asOf.startDay)).toBe('2025-11-22');
    expect(result.partialPeriod).toBeNull();
  });
});

describe('measureSeedCustomer and detectSeedGaps: one rule at a time', () => {
  const baseline = [100, 100, 100, 100];
  const typesOf = (spend: number[]) => detectSeedGaps('c', measureSeedCustomer(spend)).map((g) => g.type);

  it('calls a fall to 84 from 100 (-16%) declining, and exactly -15% (85) not, as the strict "< -15%" label says', () => {
    expect(typesOf([...baseline, 84, 84, 84, 84])).toContain('declining_revenue');
    expect(typesOf([...baseline, 85, 85, 85, 85])).toEqual([]);
    expect(measureSeedCustomer([...baseline, 85, 85, 85, 85]).trend).toBe('stable');
  });

  it('labels a rise above +15% growing, which is never a gap', () => {
    const m = measureSeedCustomer([...baseline, 116, 116, 116, 116]);
    expect(m.trend).toBe('growing');
    expect(detectSeedGaps('c', m)).toEqual([]);
  });

  it('flags below baseline at a recent mean of 80% of the baseline or less', () => {
    expect(typesOf([...baseline, 80, 80, 80, 80])).toEqual(['declining_revenue', 'below_baseline']);
    expect(typesOf([...baseline, 81, 81, 81, 81])).toEqual(['declining_revenue']);
  });

  it('sizes declining and below-baseline gaps as recent minus baseline (one week’s shortfall)', () => {
    const gaps = detectSeedGaps('c', measureSeedCustomer([...baseline, 70, 70, 70, 70]));
    expect(gaps.map((g) => [g.type, g.amount, g.gapPct, g.severity])).toEqual([
      ['declining_revenue', -30, -30, 'high'],
      ['below_baseline', -30, -30, 'high'],
    ]);
  });

  it('flags zero spend for any zero week in the last 4, sized at one week of baseline, always high', () => {
    // Recent mean (130 + 130 + 0 + 140) / 4 = 100: no decline, only the zero week.
    const gaps = detectSeedGaps('c', measureSeedCustomer([...baseline, 130, 130, 0, 140]));
    expect(gaps).toEqual([
      { customerId: 'c', type: 'zero_spend', amount: -100, gapPct: -100, severity: 'high', periodsAtRisk: 1 },
    ]);
    expect(typesOf([...baseline, 0, 100, 100, 100, 100])).toEqual([]);
  });

  it('judges a customer with fewer than 4 weeks on zero spend only, against the mean of its weeks', () => {
    const m = measureSeedCustomer([100, 0, 50]);
    expect(m.trend).toBe('insufficient_data');
    expect(detectSeedGaps('c', m).map((g) => [g.type, g.amount])).toEqual([['zero_spend', -50]]);
  });

  it('puts a customer on the churn list from 2 zero weeks in a row at the end', () => {
    const churn = (spend: number[]) => detectSeedChurnRisk('c', measureSeedCustomer(spend));
    expect(churn([...baseline, 100, 100, 100, 0])).toBeNull();
    expect(churn([...baseline, 100, 0, 100, 0])).toBeNull();
    expect(churn([...baseline, 100, 100, 0, 0])).toEqual({
      customerId: 'c',
      zeroStreak: 2,
      score: 0.5,
      probability: 0.45,
    });
    expect(churn([...baseline, 100, 0, 0, 0])).toMatchObject({ score: 0.75, probability: 0.68 });
    expect(churn([...baseline, 0, 0, 0, 0, 0, 0])).toMatchObject({
      zeroStreak: 6,
      score: 1,
      probability: 0.9,
    });
  });
});

describe('analyzeSeed scoring, by hand', () => {
  // A: baseline 100, recent 60 -> declining and below baseline, 40 short (-40%).
  // B: baseline 200, recent (180 + 180 + 180 + 0) / 4 = 135 -> declining and below (-65, -32.5%),
  //    and zero spend (one zero week, sized at the 200 baseline).
  // Totals: A 640, B 1,340: A is at the 50th percentile (value 6), B at the 100th (value 10).
  const rows = weeklyRows({
    A: [100, 100, 100, 100, 60, 60, 60, 60],
    B: [200, 200, 200, 200, 180, 180, 180, 0],
  });

  it('scores B’s zero-spend gap 0.35 x 10 + 0.30 x 8 + 0.20 x 10 + 0.15 x 6 = 8.8 and ranks it first', () => {
    const top = run(rows).priorities[0];
    // Revenue impact 200 / 200 (the largest gap) x 10 = 10; churn 7 + 1 zero week = 8;
    // recovery 6 (one zero week).
    expect(top).toMatchObject({
      rank: 1,
      customerId: 'B',
      gapTypes: ['zero_spend'],
      gapAmountCents: 20_000,
      recoveryPotentialCents: 20_000,
      score: 88,
      components: { revenueImpact: 1, churnRisk: 0.8, customerValue: 1, recoveryProbability: 0.6 },
      contributions: { revenueImpact: 35, churnRisk: 24, customerValue: 20, recoveryProbability: 9 },
    });
  });

  it('orders the five gaps by score: B zero 8.8, B below 6.14, B declining 5.84, A below 5.35, A declining 5.05', () => {
    // B below: 0.35 x 3.25 + 0.30 x 6.5 + 0.20 x 10 + 0.15 x 7 = 6.1375 -> 6.14
    // B declining: recovery 5 instead of 7 -> 5.8375 -> 5.84
    // A below: 0.35 x 2 + 0.30 x 8 + 0.20 x 6 + 0.15 x 7 = 5.35; A declining: recovery 5 -> 5.05
    const result = run(rows, SATURDAY, { topN: 5 });
    expect(result.priorities.map((p) => [p.customerId, p.gapTypes[0], p.score])).toEqual([
      ['B', 'zero_spend', 88],
      ['B', 'below_baseline', 61.4],
      ['B', 'declining_revenue', 58.4],
      ['A', 'below_baseline', 53.5],
      ['A', 'declining_revenue', 50.5],
    ]);
  });

  it('totals every gap, and sums the top N gap amounts as the recovery potential', () => {
    const { summary, gapsByType } = run(rows, SATURDAY, { topN: 2 });
    // 200 + 65 + 65 + 40 + 40 = 410.00; top 2: 200 + 65.
    expect(summary.totalGapCents).toBe(41_000);
    expect(summary.recoveryPotentialTopNCents).toBe(26_500);
    expect(summary.customersAnalyzed).toBe(2);
    expect(gapsByType.declining_revenue).toEqual({ count: 2, amountCents: 10_500, share: 105 / 410 });
  });

  it('ranks customers by their best gap and keeps every gap on the customer', () => {
    const { customers } = run(rows);
    expect(customers.map((c) => [c.customerId, c.rank, c.gapAmountCents, c.gaps.length])).toEqual([
      ['B', 1, 20_000, 3],
      ['A', 2, 4_000, 2],
    ]);
  });

  it('refuses to run on no rows at all', () => {
    expect(() => run([])).toThrow(InputError);
  });

  it('ignores rows after the as-of date and counts them', () => {
    const later = weeklyRows({ A: [100, 100, 100, 100, 60, 60, 60, 60, 500] });
    const result = run(later, SATURDAY, { asOf: '2025-10-25' });
    expect(result.dataQuality.rowsAfterAsOf).toBe(1);
    expect(result.summary.gapsByType.declining_revenue).toBe(1);
  });
});
