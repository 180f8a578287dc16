/**
 * Month periods, week start days and as-of dates on small hand fixtures:
 * - test/fixtures/hand/months.csv: M1 buys $300 a month January-June 2026, then $100 a month
 *   July-October; M2 buys $100 twice a month (the 5th and the 25th) January-October, plus one row on
 *   2026-11-03.
 * - test/fixtures/hand/week-start.csv: one customer, $10 on Sunday 2026-11-15, $20 on Monday
 *   2026-11-16 and $5 on Sunday 2026-11-22.
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, formatPeriod, periodOfDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { AnalysisResult, PeriodSpec } from '../../src/core/types.ts';
import { ConfigError } from '../../src/errors.ts';
import { loadHandFixture } from '../helpers/load-hand-fixture.ts';

const months: PeriodSpec = { kind: 'month', weekStartsOn: 1 };
const OCT = 2026 * 12 + 9;
const NOV = OCT + 1;

function monthly(asOf?: string): AnalysisResult {
  const settings = defaultAnalysisSettings(asOf ? { period: 'month', asOf } : { period: 'month' });
  return analyze(loadHandFixture('months.csv', months), settings);
}

describe('analyze with month periods', () => {
  it('folds rows into calendar months and finds the drop', () => {
    const r = monthly('2026-10-31');
    const m1 = r.customers.find((c) => c.customerId === 'M1');
    // 2026-10-31 is the last day of October: October is complete and is the as-of month.
    expect(r.asOf.period).toBe(OCT);
    expect(m1?.series).toEqual([300, 300, 300, 300, 300, 300, 100, 100, 100, 100].map((d) => d * 100));
    // History 10 < L = 12: baseline over the 6 months before the 4-month window = $300, recent $100.
    expect(m1?.metrics?.history).toBe(10);
    expect(m1?.metrics?.baselineCents).toBe(300_00);
    expect(m1?.metrics?.recentCents).toBe(100_00);
    // Trend over all 10 months (mean x 4.5, Sxx = 10 x 99 / 12 = 82.5):
    // (300 x (15 - 27) + 100 x (30 - 18)) / 82.5 = -2400 / 82.5 = -$29.09/mo, -9.7% a month.
    expect(m1?.metrics?.trendCentsPerPeriod).toBeCloseTo(-240_000 / 82.5, 9);
    expect(m1?.gaps.map((g) => g.type)).toEqual(['declining_revenue', 'below_baseline']);
    // (300 - 100) x 4 = $800.
    expect(m1?.gapAmountCents).toBe(800_00);
    expect(m1?.gaps[0]?.rationale).toBe(
      'revenue fell from $300/mo to $100/mo over the last 4 months, trending down $29.09/mo (10% a month)',
    );
    // M2's two rows a month add up to a steady $200.
    const m2 = r.customers.find((c) => c.customerId === 'M2');
    expect(m2?.series).toEqual(Array(10).fill(200_00));
    expect(m2?.status).toBe('no_gap');
  });

  it('counts rows after an as-of month end', () => {
    const r = monthly('2026-10-31');
    expect(r.partialPeriod).toBeNull();
    expect(r.dataQuality.rowsAfterAsOf).toBe(1);
  });

  it('leaves out a partial trailing month by default', () => {
    // Latest row 2026-11-03: November is incomplete, October is the as-of month.
    const r = monthly();
    expect(r.asOf).toEqual({
      period: OCT,
      startDay: dayFromIso('2026-10-01'),
      endDay: dayFromIso('2026-10-31'),
    });
    expect(r.partialPeriod).toEqual({
      period: NOV,
      startDay: dayFromIso('2026-11-01'),
      endDay: dayFromIso('2026-11-30'),
      rows: 1,
    });
    expect(r.dataQuality.rowsAfterAsOf).toBe(0);
  });

  it('uses the month before a mid-month as-of date', () => {
    // As of 2026-10-15: September is the last complete month; October (M1's row on the 31st and M2's
    // two rows) is partial; November's row is after it.
    const r = monthly('2026-10-15');
    expect(r.asOf.period).toBe(OCT - 1);
    expect(r.partialPeriod?.rows).toBe(3);
    expect(r.dataQuality.rowsAfterAsOf).toBe(1);
    expect(r.customers.find((c) => c.customerId === 'M1')?.series).toHaveLength(9);
  });

  it('speaks of months in its recommendations and never suggests monthly periods', () => {
    const r = monthly('2026-10-31');
    expect(r.suggestMonthly).toBe(false);
    expect(r.recommendations[0]).toBe(
      '1 customer is trending down ($800 below their usual over the last 4 months). Review the order mix with the buyer; look for lost product lines.',
    );
  });

  it('suggests monthly periods when most customer-weeks are empty', () => {
    // Weekly, M1 has 10 sale weeks and M2 20 out of roughly 43 weeks each: most weeks are 0.
    const r = analyze(
      loadHandFixture('months.csv', { kind: 'week', weekStartsOn: 1 }),
      defaultAnalysisSettings({ asOf: '2026-11-01' }),
    );
    expect(r.suggestMonthly).toBe(true);
    expect(r.recommendations.at(-1)).toMatch(/monthly periods/);
  });

  it('refuses a ledger built with other periods than the settings', () => {
    expect(() => analyze(loadHandFixture('months.csv', months), defaultAnalysisSettings())).toThrow(/month/);
    const sundayWeeks = loadHandFixture('months.csv', { kind: 'week', weekStartsOn: 0 });
    expect(() => analyze(sundayWeeks, defaultAnalysisSettings())).toThrow(/week start 0/);
  });
});

describe('analyze with different week starts', () => {
  it('with Monday weeks, counts Sunday 2026-11-22 as the end of a complete week', () => {
    const monday: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
    const r = analyze(loadHandFixture('week-start.csv', monday), defaultAnalysisSettings());
    // Weeks of 2026-11-09 ($10 on Sunday the 15th) and 2026-11-16 ($20 + $5).
    expect(formatPeriod(r.asOf.period, monday)).toBe('week of 2026-11-16');
    expect(r.partialPeriod).toBeNull();
    expect(r.customers[0]?.series).toEqual([10_00, 25_00]);
    expect(r.customers[0]?.status).toBe('too_new');
  });

  it('with Sunday weeks, starts a new (partial) week on Sunday 2026-11-22', () => {
    const sunday: PeriodSpec = { kind: 'week', weekStartsOn: 0 };
    const r = analyze(
      loadHandFixture('week-start.csv', sunday),
      defaultAnalysisSettings({ weekStartsOn: 'sunday' }),
    );
    // Week of Sunday 2026-11-15 holds $10 + $20; the $5 on the 22nd opens a week that is not over.
    expect(formatPeriod(r.asOf.period, sunday)).toBe('week of 2026-11-15');
    expect(r.customers[0]?.series).toEqual([30_00]);
    expect(r.partialPeriod).toMatchObject({ startDay: dayFromIso('2026-11-22'), rows: 1 });
  });
});

describe('analyze with long histories', () => {
  it('keeps the last 52 weeks of series but all of the lifetime value', () => {
    // $1 on each of 60 Sundays up to 2026-11-22: 60 complete Monday weeks.
    const spec: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
    const builder = createLedgerBuilder(spec);
    const lastSunday = dayFromIso('2026-11-22');
    for (let w = 0; w < 60; w++)
      builder.add({ customerId: 'OLD', day: lastSunday - 7 * w, amountCents: 100 });
    const quality = loadHandFixture('week-start.csv', spec).dataQuality;
    const r = analyze(
      { ledger: builder.build(), customers: [], dataQuality: quality },
      defaultAnalysisSettings(),
    );
    const old = r.customers[0];
    expect(old?.metrics?.history).toBe(60);
    expect(old?.metrics?.lifetimeValueCents).toBe(60_00);
    expect(old?.series).toHaveLength(52);
    expect(old?.seriesStartPeriod).toBe(r.asOf.period - 51);
  });

  it('shows 52 empty weeks for a customer whose only sale was two years ago', () => {
    const spec: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
    const builder = createLedgerBuilder(spec);
    builder.add({ customerId: 'ANCIENT', day: dayFromIso('2024-11-20'), amountCents: 500_00 });
    builder.add({ customerId: 'NOW', day: dayFromIso('2026-11-22'), amountCents: 1_00 });
    const quality = loadHandFixture('week-start.csv', spec).dataQuality;
    const r = analyze(
      { ledger: builder.build(), customers: [], dataQuality: quality },
      defaultAnalysisSettings(),
    );
    const ancient = r.customers.find((c) => c.customerId === 'ANCIENT');
    expect(ancient?.status).toBe('lapsed');
    expect(ancient?.series).toEqual(Array(52).fill(0));
    expect(ancient?.metrics?.lastSalePeriod).toBe(periodOfDay(dayFromIso('2024-11-18'), spec));
  });
});

describe('analyze with nothing to analyse', () => {
  it('reports an as-of date that is not on the calendar as a settings error', () => {
    const input = loadHandFixture('week-start.csv', { kind: 'week', weekStartsOn: 1 });
    expect(() => analyze(input, defaultAnalysisSettings({ asOf: '2026-02-30' }))).toThrow(ConfigError);
  });

  it('stops with an input error when there are no rows and no as-of date', () => {
    const empty = loadHandFixture('week-start.csv', { kind: 'week', weekStartsOn: 1 });
    empty.ledger.customers.clear();
    empty.ledger.minDay = null;
    empty.ledger.maxDay = null;
    expect(() => analyze(empty, defaultAnalysisSettings())).toThrow(/no sales rows/);
  });

  it('lists customers on file as no sales on record when the as-of date comes before every row', () => {
    const input = loadHandFixture('week-start.csv', { kind: 'week', weekStartsOn: 1 }, [{ customerId: 'X' }]);
    const r = analyze(input, defaultAnalysisSettings({ asOf: '2026-11-01' }));
    expect(r.customers.map((c) => [c.customerId, c.status])).toEqual([
      ['WS', 'no_sales'],
      ['X', 'no_sales'],
    ]);
    expect(r.summary.customersAnalyzed).toBe(0);
    expect(r.dataQuality.rowsAfterAsOf).toBe(3);
    expect(r.recommendations[0]).toMatch(/^No revenue gaps among the 0 customers analysed/);
  });

  it('words a month in that sentence as "the end of 2026-10", not "the end of the 2026-10"', () => {
    const input = loadHandFixture('week-start.csv', months);
    const r = analyze(input, defaultAnalysisSettings({ period: 'month', asOf: '2026-10-31' }));
    expect(r.recommendations[0]).toBe(
      'No revenue gaps among the 0 customers analysed as of the end of 2026-10.',
    );
  });
});
