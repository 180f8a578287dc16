/**
 * Period-stamped data (each row a whole period's total, dated on the period's first day) and the
 * week-start hint, on small hand fixtures:
 * - test/fixtures/hand/weekly-stamped.csv: 8 Saturdays, 2026-10-03 to 2026-11-21. S1 $100 every
 *   week; S2 $100 for 4 weeks then $50; S3 $100 for 7 weeks then a $0 row on 2026-11-21.
 * - test/fixtures/hand/monthly-stamped.csv: the 1st of April to November 2026. P1 $200 every month;
 *   P2 $200 April-October, then a $0 row on 2026-11-01.
 * - test/fixtures/hand/daily-dated.csv: D1 on Mondays 2026-11-02/09/16, D2 on Wednesday 11-04,
 *   Thursday 11-12 and Wednesday 11-18 (the latest row, mid-week for Monday weeks).
 */
import { describe, expect, it } from 'vitest';
import { analyze, isPeriodStamped } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, periodOfDay } from '../../src/core/periods.ts';
import { type AnalysisSettings, defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { AnalysisResult, PeriodSpec } from '../../src/core/types.ts';
import { loadHandFixture } from '../helpers/load-hand-fixture.ts';

const saturdayWeeks: PeriodSpec = { kind: 'week', weekStartsOn: 6 };
const mondayWeeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const sundayWeeks: PeriodSpec = { kind: 'week', weekStartsOn: 0 };
const months: PeriodSpec = { kind: 'month', weekStartsOn: 1 };

function run(fixture: string, spec: PeriodSpec, settings: Partial<AnalysisSettings>): AnalysisResult {
  return analyze(loadHandFixture(fixture, spec), defaultAnalysisSettings(settings));
}

const SATURDAY_HINT =
  "Every row is dated on a Saturday: this looks like weekly totals stamped at the week's start. " +
  'Run with --week-start saturday (or set weekStartsOn: saturday) so each row is its own week.';

describe('analyze on weekly totals dated on the week start', () => {
  const r = run('weekly-stamped.csv', saturdayWeeks, { weekStartsOn: 'saturday' });

  it('keeps the latest week: each row is that whole week’s total', () => {
    // Saturday weeks: 2026-11-21 starts the week 11-21..11-27, which is the as-of week.
    expect(r.asOf).toEqual({
      period: periodOfDay(dayFromIso('2026-11-21'), saturdayWeeks),
      startDay: dayFromIso('2026-11-21'),
      endDay: dayFromIso('2026-11-27'),
    });
    expect(r.partialPeriod).toBeNull();
    expect(r.dataQuality.rowsAfterAsOf).toBe(0);
    expect(r.periodStamped).toBe(true);
    expect(r.hints).toBeUndefined();
  });

  it('judges the customers on all 8 weeks', () => {
    const byId = new Map(r.customers.map((c) => [c.customerId, c]));
    expect(byId.get('S1')?.series).toEqual(Array(8).fill(100_00));
    expect(byId.get('S1')?.status).toBe('no_gap');
    // S2: baseline $100 (weeks 1-4), recent $50 (weeks 5-8): below baseline, (100 - 50) x 4 = $200.
    expect(byId.get('S2')?.metrics?.recentCents).toBe(50_00);
    expect(byId.get('S2')?.gapAmountCents).toBe(200_00);
    // S3's $0 week is the latest one, so it shows only because that week is kept: recent
    // (100 x 3 + 0) / 4 = $75 < 80% of $100; one zero week of four (zero spend $100); slope over
    // x = 0..7 is 100 x (0+1+...+6 - 7 x 3.5) / 42 = -350 / 42 = -$8.33/wk, -8.3% <= -5% (declining).
    const s3 = byId.get('S3');
    expect(s3?.metrics?.recentCents).toBe(75_00);
    expect(s3?.metrics?.zeroStreak).toBe(1);
    expect(s3?.gaps.map((g) => g.type)).toEqual(['zero_spend', 'declining_revenue', 'below_baseline']);
  });

  it('with Monday weeks, drops the latest week as partial and hints at --week-start saturday', () => {
    const monday = run('weekly-stamped.csv', mondayWeeks, {});
    // 2026-11-21 is the Saturday of the Monday week 11-16..11-22: incomplete, its 3 rows left out.
    expect(monday.partialPeriod).toEqual({
      period: periodOfDay(dayFromIso('2026-11-16'), mondayWeeks),
      startDay: dayFromIso('2026-11-16'),
      endDay: dayFromIso('2026-11-22'),
      rows: 3,
    });
    expect(monday.asOf.endDay).toBe(dayFromIso('2026-11-15'));
    expect(monday.periodStamped).toBeUndefined();
    expect(monday.hints).toEqual([SATURDAY_HINT]);
    // Without the last week S3 bought $100 every week: no gap.
    expect(monday.customers.find((c) => c.customerId === 'S3')?.status).toBe('no_gap');
  });

  it('gives no hint with Sunday weeks, where each Saturday already ends its own week', () => {
    const sunday = run('weekly-stamped.csv', sundayWeeks, { weekStartsOn: 'sunday' });
    // 2026-11-21 is the last day of the Sunday week 11-15..11-21: complete by the usual rule.
    expect(sunday.asOf.endDay).toBe(dayFromIso('2026-11-21'));
    expect(sunday.partialPeriod).toBeNull();
    expect(sunday.periodStamped).toBeUndefined();
    expect(sunday.hints).toBeUndefined();
  });

  it('applies the usual rule to an explicit as-of date and says how to keep the week', () => {
    const explicit = run('weekly-stamped.csv', saturdayWeeks, {
      weekStartsOn: 'saturday',
      asOf: '2026-11-21',
    });
    expect(explicit.partialPeriod?.startDay).toBe(dayFromIso('2026-11-21'));
    expect(explicit.partialPeriod?.rows).toBe(3);
    expect(explicit.periodStamped).toBeUndefined();
    expect(explicit.hints).toEqual([
      'Every row is dated on the first day of its week, but the as-of date 2026-11-21 is not the last day ' +
        'of its week (week of 2026-11-21), so that week was left out; pass --as-of 2026-11-27 (or no as-of date) to include it.',
    ]);
    const weekEnd = run('weekly-stamped.csv', saturdayWeeks, {
      weekStartsOn: 'saturday',
      asOf: '2026-11-27',
    });
    expect(weekEnd.asOf.startDay).toBe(dayFromIso('2026-11-21'));
    expect(weekEnd.partialPeriod).toBeNull();
    expect(weekEnd.hints).toBeUndefined();
  });
});

describe('analyze on monthly totals dated on the 1st', () => {
  it('keeps the latest month', () => {
    const r = run('monthly-stamped.csv', months, { period: 'month' });
    // Without the rule November (latest row 2026-11-01) would be partial and October the as-of month.
    expect(r.asOf).toEqual({
      period: 2026 * 12 + 10,
      startDay: dayFromIso('2026-11-01'),
      endDay: dayFromIso('2026-11-30'),
    });
    expect(r.partialPeriod).toBeNull();
    expect(r.periodStamped).toBe(true);
    expect(r.hints).toBeUndefined();
    const p2 = r.customers.find((c) => c.customerId === 'P2');
    // As S3 at twice the money: recent (200 x 3 + 0) / 4 = $150, zero streak 1.
    expect(p2?.series).toEqual([200, 200, 200, 200, 200, 200, 200, 0].map((d) => d * 100));
    expect(p2?.metrics?.recentCents).toBe(150_00);
    expect(p2?.status).toBe('scored');
  });

  it('with a mid-month as-of date, leaves the month out and names the date that keeps it', () => {
    const r = run('monthly-stamped.csv', months, { period: 'month', asOf: '2026-11-15' });
    expect(r.asOf.period).toBe(2026 * 12 + 9);
    expect(r.partialPeriod?.rows).toBe(2);
    expect(r.hints).toEqual([
      'Every row is dated on the first day of its month, but the as-of date 2026-11-15 is not the last day ' +
        'of its month (2026-11), so that month was left out; pass --as-of 2026-11-30 (or no as-of date) to include it.',
    ]);
  });
});

describe('analyze on daily-dated rows', () => {
  it('still leaves out the partial latest week', () => {
    const r = run('daily-dated.csv', mondayWeeks, {});
    // D2's rows are not on Mondays, so the data is not period-stamped: Wednesday 2026-11-18 is
    // mid-week, the week of 2026-11-16 (D1's and D2's last rows) is partial.
    expect(r.partialPeriod).toEqual({
      period: periodOfDay(dayFromIso('2026-11-16'), mondayWeeks),
      startDay: dayFromIso('2026-11-16'),
      endDay: dayFromIso('2026-11-22'),
      rows: 2,
    });
    expect(r.asOf.endDay).toBe(dayFromIso('2026-11-15'));
    expect(r.periodStamped).toBeUndefined();
    expect(r.hints).toBeUndefined();
  });
});

describe('isPeriodStamped', () => {
  function ledgerOf(dates: string[], spec: PeriodSpec) {
    const b = createLedgerBuilder(spec);
    for (const date of dates) b.add({ customerId: 'A', day: dayFromIso(date), amountCents: 1_00 });
    return b.build();
  }

  it('needs every row on its period’s first day', () => {
    expect(isPeriodStamped(ledgerOf(['2026-11-02', '2026-11-09'], mondayWeeks))).toBe(true);
    expect(isPeriodStamped(ledgerOf(['2026-11-02', '2026-11-09', '2026-11-10'], mondayWeeks))).toBe(false);
    expect(isPeriodStamped(ledgerOf(['2026-10-01', '2026-11-01'], months))).toBe(true);
    expect(isPeriodStamped(ledgerOf(['2026-10-01', '2026-11-02'], months))).toBe(false);
  });

  it('needs rows in at least two periods, and some rows at all', () => {
    // One Monday of rows could as well be one day of daily sales.
    expect(isPeriodStamped(ledgerOf(['2026-11-16', '2026-11-16'], mondayWeeks))).toBe(false);
    expect(isPeriodStamped(ledgerOf([], mondayWeeks))).toBe(false);
  });
});
