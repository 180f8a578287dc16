/**
 * Measured recovery (evidence.md section 5) on a hand-checkable fixture; every expected figure is
 * worked out in the comments (docs/analysis-formulas.md, "Measured recovery").
 */
import { describe, expect, it } from 'vitest';
import { dayFromIso, periodOfDay } from '../../src/core/periods.ts';
import {
  defaultHorizon,
  type FollowedUpGap,
  followedUpGapOf,
  followUpResultRow,
  measureRecovery,
  summarizeFollowUpResults,
} from '../../src/core/recovery.ts';
import type { CustomerAnalysis, FollowUpEvent, PeriodSpec } from '../../src/core/types.ts';

// b0 = $1,000/period, c0 = $200/period, t0 = period 10. Series from period 5:
// p5..p9 $1,000 each, p10 $200, p11 $500, p12 $1,200, p13 $900.
const gap = { customerId: 'C1', startPeriod: 10, baselineCents: 100_000, recentCents: 20_000 };
const customer = {
  seriesStartPeriod: 5,
  series: [100_000, 100_000, 100_000, 100_000, 100_000, 20_000, 50_000, 120_000, 90_000],
};
const options = { horizon: 8, recentWindow: 4 };

describe('measureRecovery', () => {
  it('counts revenue back above c0, up to b0, over t0+1..A and calls it recovered at 80% of b0', () => {
    const m = measureRecovery(gap, customer, 13, options);
    // p11: min(500,1000)-200 = 300; p12: min(1200,1000)-200 = 800; p13: min(900,1000)-200 = 700 -> $1,800.
    expect(m.periodsSince).toBe(3);
    expect(m.recoveredCents).toBe(180_000);
    // Fewer than R = 4 periods: the mean of all 3 = (500+1200+900)/3 = $866.67 = 86.7% of b0 >= 80%.
    expect(m.recentMeanCents).toBeCloseTo(86_666.67, 1);
    expect(m.usualShare).toBeCloseTo(0.8667, 3);
    expect(m.recovered).toBe(true);
    expect(m.final).toBe(false);
  });

  it('is not recovered while the recent mean is below 80% of b0', () => {
    const m = measureRecovery(gap, customer, 11, options);
    // p11 only: 500 - 200 = $300 back; mean $500 = 50% of b0.
    expect(m).toMatchObject({ periodsSince: 1, recoveredCents: 30_000, usualShare: 0.5, recovered: false });
  });

  it('measures nothing before a full period has passed since t0', () => {
    const m = measureRecovery(gap, customer, 10, options);
    expect(m).toMatchObject({ periodsSince: 0, recoveredCents: 0, recentMeanCents: null, recovered: false });
  });

  it('stops at the horizon, takes the last R periods, and never counts refunds as negative', () => {
    // p11..p20: -$50 (refund), $1,000 x 9. Horizon 8 -> p11..p18; last 4 = p15..p18 = $1,000.
    const long = { seriesStartPeriod: 11, series: [-5_000, ...Array(9).fill(100_000)] };
    const m = measureRecovery(gap, long, 20, options);
    // p11: max(0, -50 - 200) = 0; p12..p18: 7 x (1000 - 200) = $5,600.
    expect(m).toMatchObject({
      periodsSince: 8,
      recoveredCents: 560_000,
      usualShare: 1,
      recovered: true,
      final: true,
    });
  });
});

const spec: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const analysed = {
  customerId: 'C1',
  metrics: { baselineCents: 100_000, recentCents: 20_000 },
  gapAmountCents: 320_000,
  gaps: [
    { type: 'below_baseline', amountCents: 320_000, rationale: '', severity: 'high' },
    { type: 'declining_revenue', amountCents: 250_000, rationale: '', severity: 'high' },
  ],
} as unknown as CustomerAnalysis;
const claim: FollowUpEvent = {
  id: 'e1',
  customerId: 'C1',
  kind: 'claim',
  userId: 'U_BOB',
  at: '2026-11-04T10:00:00.000Z',
};
const week = (iso: string) => periodOfDay(dayFromIso(iso), spec);

describe('followedUpGapOf', () => {
  it('starts at the week of the action, with b0, c0 and the largest gap type of the analysis shown', () => {
    const shown = { period: spec, asOfPeriod: week('2026-10-26') };
    expect(followedUpGapOf(claim, analysed, shown, [], 8)).toEqual({
      customerId: 'C1',
      startPeriod: week('2026-11-02'),
      periodKind: 'week',
      startedAt: claim.at,
      userId: 'U_BOB',
      firstAction: 'claim',
      baselineCents: 100_000,
      recentCents: 20_000,
      gapType: 'below_baseline',
      gapAmountCents: 320_000,
      shownAsOfPeriod: week('2026-10-26'),
    });
  });

  it('never starts before the as-of period of the analysis that showed the gap', () => {
    const shown = { period: spec, asOfPeriod: week('2026-11-16') };
    expect(followedUpGapOf(claim, analysed, shown, [], 8)?.startPeriod).toBe(week('2026-11-16'));
  });

  it('starts nothing for a snooze, or while an earlier followed-up gap is within its horizon', () => {
    const shown = { period: spec, asOfPeriod: week('2026-10-26') };
    expect(followedUpGapOf({ ...claim, kind: 'snooze' }, analysed, shown, [], 8)).toBeNull();
    const t0 = week('2026-11-02');
    expect(followedUpGapOf(claim, analysed, shown, [t0 - 8], 8)).toBeNull();
    expect(followedUpGapOf(claim, analysed, shown, [t0 - 9], 8)).not.toBeNull();
  });

  it('uses a horizon of 8 weeks or 3 months', () => {
    expect(defaultHorizon({ kind: 'week' })).toBe(8);
    expect(defaultHorizon({ kind: 'month' })).toBe(3);
  });
});

describe('follow-up results', () => {
  const base: FollowedUpGap = {
    customerId: 'C1',
    startPeriod: 10,
    periodKind: 'week',
    startedAt: '2026-11-04T10:00:00.000Z',
    userId: 'U_BOB',
    firstAction: 'claim',
    baselineCents: 100_000,
    recentCents: 20_000,
    gapType: 'below_baseline',
    gapAmountCents: 0,
    shownAsOfPeriod: 9,
  };
  const events: FollowUpEvent[] = [
    {
      id: 'old',
      customerId: 'C1',
      kind: 'follow_up',
      userId: 'U_ANA',
      outcome: 'lost',
      at: '2026-10-01T00:00:00.000Z',
    },
    claim,
    {
      id: 'e2',
      customerId: 'C1',
      kind: 'follow_up',
      userId: 'U_BOB',
      outcome: 'contacted',
      at: '2026-11-05T00:00:00.000Z',
    },
    {
      id: 'e3',
      customerId: 'C1',
      kind: 'follow_up',
      userId: 'U_BOB',
      outcome: 'recovering',
      at: '2026-11-12T00:00:00.000Z',
    },
  ];

  it('takes the last outcome logged since the start and the owner of the gap', () => {
    const row = followUpResultRow(base, null, events);
    expect(row.outcome).toBe('recovering');
    expect(row.ownerUserId).toBe('U_BOB');
    expect(followUpResultRow(base, null, [claim]).outcome).toBe('none');
  });

  it('groups by outcome, owner and gap type: followed up, recovered, rate, recovered revenue', () => {
    const m = measureRecovery(base, customer, 13, options); // recovered, $1,800 back
    const other = { ...base, customerId: 'C2', userId: 'U_ANA', gapType: 'churn_risk' as const };
    const m2 = measureRecovery(other, { seriesStartPeriod: 5, series: Array(9).fill(0) }, 13, options); // $0
    const rows = [
      followUpResultRow(base, m, events),
      followUpResultRow(other, m2, []),
      followUpResultRow({ ...other, customerId: 'C3' }, null, []), // not measured yet
    ];
    const results = summarizeFollowUpResults(rows);
    expect(results.total).toEqual({
      key: 'all',
      followedUp: 3,
      measured: 2,
      recovered: 1,
      recoveryRate: 0.5,
      recoveredCents: 180_000,
    });
    expect(results.byOutcome.map((g) => [g.key, g.followedUp, g.recovered])).toEqual([
      ['recovering', 1, 1],
      ['none', 2, 0],
    ]);
    expect(results.byOwner.map((g) => [g.key, g.recoveredCents])).toEqual([
      ['U_BOB', 180_000],
      ['U_ANA', 0],
    ]);
    expect(results.byGapType.find((g) => g.key === 'churn_risk')).toMatchObject({
      followedUp: 2,
      measured: 1,
      recoveryRate: 0,
    });
  });
});
