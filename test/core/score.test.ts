import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparePriority, rankCustomers } from '../../src/core/rank.ts';
import { churnRiskOf, recoveryProbabilityOf, scoreComponents, weighScore } from '../../src/core/score.ts';
import type { CustomerMetrics } from '../../src/core/types.ts';

const windows = { lookback: 12, recentWindow: 4 };

function metrics(overrides: Partial<CustomerMetrics>): CustomerMetrics {
  return {
    history: 12,
    baselineCents: 100_00,
    recentCents: 100_00,
    trendCentsPerPeriod: 0,
    trendPct: 0,
    forecastCents: 100_00,
    zeroStreak: 0,
    lifetimeValueCents: 1200_00,
    activeShare: 1,
    lastSalePeriod: 0,
    ...overrides,
  };
}

const arbitraryMetrics = fc.record({
  baselineCents: fc.integer({ min: 0, max: 10_000_000 }),
  recentCents: fc.integer({ min: -1_000_000, max: 10_000_000 }),
  trendPct: fc.double({ min: -5, max: 5, noNaN: true }),
  zeroStreak: fc.integer({ min: 0, max: 12 }),
  activeShare: fc.double({ min: 0, max: 1, noNaN: true }),
  lifetimeValueCents: fc.integer({ min: -1_000_000, max: 100_000_000 }),
});

describe('churn risk', () => {
  it('is 1 once the zero streak covers the recent window', () => {
    expect(churnRiskOf(metrics({ zeroStreak: 4, recentCents: 0 }), windows)).toBe(1);
    expect(churnRiskOf(metrics({ zeroStreak: 9, recentCents: 0 }), windows)).toBe(1);
  });

  it('blends streak, decline and downtrend below a full streak', () => {
    // 0.5 x 1/4 + 0.3 x (1 - 60/100) + 0.2 x (0.1 x 4) = 0.125 + 0.12 + 0.08 = 0.325.
    expect(churnRiskOf(metrics({ zeroStreak: 1, recentCents: 60_00, trendPct: -0.1 }), windows)).toBeCloseTo(
      0.325,
      12,
    );
    // Growth does not lower it below the streak part: decline and downtrend clamp at 0.
    expect(churnRiskOf(metrics({ zeroStreak: 2, recentCents: 150_00, trendPct: 0.2 }), windows)).toBe(0.25);
  });

  it('stays in [0, 1) for any customer short of a full streak', () => {
    fc.assert(
      fc.property(arbitraryMetrics, (m) => {
        const risk = churnRiskOf(metrics({ ...m, zeroStreak: Math.min(m.zeroStreak, 3) }), windows);
        expect(risk).toBeGreaterThanOrEqual(0);
        expect(risk).toBeLessThan(1);
      }),
    );
  });
});

describe('recovery probability', () => {
  it('is 0.95 for a customer who bought every period up to now', () => {
    expect(recoveryProbabilityOf(metrics({}), windows)).toBe(0.95);
  });

  it('falls with the zero streak and sporadic buying', () => {
    // 0.05 + 0.9 x 0.5 x (1 - 6/12) = 0.275.
    expect(recoveryProbabilityOf(metrics({ activeShare: 0.5, zeroStreak: 6 }), windows)).toBeCloseTo(
      0.275,
      12,
    );
    expect(recoveryProbabilityOf(metrics({ activeShare: 0.25, zeroStreak: 12 }), windows)).toBe(0.05);
  });

  it('stays in [0.05, 0.95]', () => {
    fc.assert(
      fc.property(arbitraryMetrics, (m) => {
        const p = recoveryProbabilityOf(metrics(m), windows);
        expect(p).toBeGreaterThanOrEqual(0.05);
        expect(p).toBeLessThanOrEqual(0.95);
      }),
    );
  });
});

describe('score', () => {
  it('keeps every component in [0, 1] and the score in [0, 100]', () => {
    const weights = { revenueImpact: 0.35, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 };
    fc.assert(
      fc.property(arbitraryMetrics, fc.integer({ min: 0, max: 1_000_000 }), (m, gap) => {
        const c = scoreComponents(
          metrics(m),
          gap,
          { largestGapCents: 1_000_000, largestLifetimeValueCents: 100_000_000 },
          windows,
        );
        for (const v of Object.values(c)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        const { score } = weighScore(c, weights);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('weighs the components into points', () => {
    const { score, contributions } = weighScore(
      { revenueImpact: 0.5, churnRisk: 0.25, customerValue: 0.1, recoveryProbability: 0.9 },
      { revenueImpact: 0.35, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 },
    );
    // 17.5 + 7.5 + 2 + 13.5 = 40.5.
    expect(contributions).toEqual({
      revenueImpact: 17.5,
      churnRisk: 7.5,
      customerValue: 2,
      recoveryProbability: 13.5,
    });
    expect(score).toBe(40.5);
  });

  it('gives no revenue impact or value when every scored customer has none', () => {
    const c = scoreComponents(metrics({}), 0, { largestGapCents: 0, largestLifetimeValueCents: 0 }, windows);
    expect(c.revenueImpact).toBe(0);
    expect(c.customerValue).toBe(0);
  });
});

describe('rank', () => {
  it('orders by score, then gap amount, then id', () => {
    const items = [
      { customerId: 'b', score: 50, gapAmountCents: 10, rank: null as number | null },
      { customerId: 'a', score: 50, gapAmountCents: 10, rank: null as number | null },
      { customerId: 'c', score: 50, gapAmountCents: 20, rank: null as number | null },
      { customerId: 'd', score: 70, gapAmountCents: 1, rank: null as number | null },
    ];
    rankCustomers(items);
    expect(items.map((i) => `${i.rank}:${i.customerId}`)).toEqual(['1:d', '2:c', '3:a', '4:b']);
    expect(comparePriority(items[2] as never, items[2] as never)).toBe(0);
  });
});
