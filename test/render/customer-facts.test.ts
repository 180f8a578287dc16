import { describe, expect, it } from 'vitest';
import { detectGaps } from '../../src/core/detect-gaps.ts';
import type { CustomerFacts } from '../../src/core/metrics.ts';
import { formatMoney } from '../../src/core/money.ts';
import type { FollowUpEvent, PeriodSpec } from '../../src/core/types.ts';
import { claimStateFromHistory, trendText } from '../../src/render/_customer-facts.ts';
import { buildMetrics, WEEKLY } from '../helpers/build-result.ts';

const MONTHLY: PeriodSpec = { kind: 'month', weekStartsOn: 1 };
const usd = (cents: number) => formatMoney(cents, 'USD');

describe('trendText', () => {
  it('says the direction, the change per period once, and the share of usual as a whole percent', () => {
    // -$261.16 a week on a $2,651.96 baseline: 26,116 / 265,196 = 9.85% -> 10%.
    const m = { trendCentsPerPeriod: -26_116, trendPct: -26_116 / 265_196, baselineCents: 265_196 };
    expect(trendText(m, WEEKLY, usd)).toBe('down $261.16/wk each week (10% of usual)');
  });

  it('words a rising monthly trend', () => {
    // +$5.00 a month on $250.00: 2%.
    const m = { trendCentsPerPeriod: 500, trendPct: 0.02, baselineCents: 25_000 };
    expect(trendText(m, MONTHLY, usd)).toBe('up $5.00/mo each month (2% of usual)');
  });

  it('is "flat" when the slope rounds to no cents, and leaves out the percentage without a baseline', () => {
    expect(trendText({ trendCentsPerPeriod: 0.4, trendPct: 0, baselineCents: 100 }, WEEKLY, usd)).toBe(
      'flat',
    );
    expect(trendText({ trendCentsPerPeriod: -300, trendPct: 0, baselineCents: 0 }, WEEKLY, usd)).toBe(
      'down $3.00/wk each week',
    );
  });

  it('rounds the percentage like the declining-revenue rationale, so both show the same number', () => {
    // Baseline $1,000.00/wk, recent $800.00/wk: the declining-revenue gap fires for these slopes.
    for (const slope of [-9_800, -12_500, -5_049, -30_550, -99_500]) {
      const metrics = buildMetrics({
        baselineCents: 100_000,
        recentCents: 80_000,
        trendCentsPerPeriod: slope,
        trendPct: slope / 100_000,
      });
      const facts: CustomerFacts = {
        standing: 'judged',
        firstSalePeriod: 0,
        metrics,
        recentPeriods: 4,
        lookbackPeriods: 12,
        zeroPeriodsInRecent: 0,
        zeroPeriodsInHistory: 0,
      };
      const settings = {
        decliningTrendPct: -0.05,
        belowBaselineRatio: 0.8,
        churnZeroStreak: 2,
        recentWindow: 4,
        currency: 'USD',
      };
      const declining = detectGaps(facts, settings, WEEKLY).find((g) => g.type === 'declining_revenue');
      const core = /\((\d+)% a week\)/.exec(declining?.rationale ?? '')?.[1];
      const render = /\((\d+)% of usual\)/.exec(trendText(metrics, WEEKLY, usd))?.[1];
      expect(core).toMatch(/^\d+$/);
      expect({ slope, render }).toEqual({ slope, render: core });
    }
  });

  it('rounds halves up, as core does (12.5% -> 13%)', () => {
    const m = { trendCentsPerPeriod: -12_500, trendPct: -0.125, baselineCents: 100_000 };
    expect(trendText(m, WEEKLY, usd)).toBe('down $125.00/wk each week (13% of usual)');
  });
});

describe('claimStateFromHistory', () => {
  const ev = (e: Partial<FollowUpEvent> & Pick<FollowUpEvent, 'kind' | 'userId' | 'at'>): FollowUpEvent => ({
    id: e.at,
    customerId: 'C1',
    ...e,
  });

  it('is undefined without claims or outcomes (a note or a snooze alone)', () => {
    expect(claimStateFromHistory('C1', [])).toBeUndefined();
    expect(
      claimStateFromHistory('C1', [
        ev({ kind: 'follow_up', userId: 'U1', note: 'left a voicemail', at: '2026-11-20T10:00:00Z' }),
        ev({ kind: 'snooze', userId: 'U1', snoozeUntil: '2026-12-01', at: '2026-11-21T10:00:00Z' }),
      ]),
    ).toBeUndefined();
  });

  it('follows claims and outcomes in time order: a later claim reassigns, an outcome keeps the owner', () => {
    const events = [
      ev({ kind: 'follow_up', userId: 'U2', outcome: 'contacted', at: '2026-11-22T10:00:00Z' }),
      ev({ kind: 'claim', userId: 'U1', at: '2026-11-20T10:00:00Z' }),
      ev({ kind: 'claim', userId: 'U2', at: '2026-11-21T10:00:00Z' }),
    ];
    expect(claimStateFromHistory('C1', events)).toEqual({
      customerId: 'C1',
      status: 'contacted',
      ownerUserId: 'U2',
    });
  });

  it('makes whoever logs an outcome the owner when nobody had claimed it, except for "not a real gap"', () => {
    expect(
      claimStateFromHistory('C1', [
        ev({ kind: 'follow_up', userId: 'U3', outcome: 'lost', at: '2026-11-20T10:00:00Z' }),
      ]),
    ).toEqual({ customerId: 'C1', status: 'lost', ownerUserId: 'U3' });
    expect(
      claimStateFromHistory('C1', [
        ev({ kind: 'follow_up', userId: 'U3', outcome: 'not_a_gap', at: '2026-11-20T10:00:00Z' }),
      ]),
    ).toEqual({ customerId: 'C1', status: 'dismissed' });
  });
});
