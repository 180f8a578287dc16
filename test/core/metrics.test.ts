import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeCustomerFacts, FactsPrefixes } from '../../src/core/metrics.ts';
import type { CustomerLedger } from '../../src/core/types.ts';

const settings = { lookback: 12, recentWindow: 4, minHistory: 6 };

function ledgerOf(
  net: number[],
  startPeriod = 100,
  positive = net.map((v) => (v > 0 ? 1 : 0)),
): CustomerLedger {
  return { customerId: 'x', startPeriod, net, positive, rows: net.length };
}

describe('computeCustomerFacts', () => {
  it('ignores periods after the as-of period', () => {
    // As of period 105 (the sixth), the trailing 0 and 999 are not seen.
    const facts = computeCustomerFacts(ledgerOf([10, 10, 10, 10, 10, 10, 0, 999]), 105, settings);
    expect(facts.metrics?.history).toBe(6);
    expect(facts.metrics?.lifetimeValueCents).toBe(60);
    expect(facts.metrics?.zeroStreak).toBe(0);
  });

  it('counts periods between the last row and the as-of period as zeros', () => {
    // Rows in periods 100-107, as of 109: two trailing empty periods.
    const facts = computeCustomerFacts(ledgerOf([10, 10, 10, 10, 10, 10, 10, 10]), 109, settings);
    expect(facts.metrics?.history).toBe(10);
    expect(facts.metrics?.zeroStreak).toBe(2);
    expect(facts.zeroPeriodsInRecent).toBe(2);
    // baseline: periods 100-105 = 10; recent: 106-109 = (10 + 10 + 0 + 0) / 4 = 5.
    expect(facts.metrics?.baselineCents).toBe(10);
    expect(facts.metrics?.recentCents).toBe(5);
  });

  it('starts the history at the first sale, not at an earlier refund', () => {
    // Period 100: a refund only (no sale); the first sale is in 101.
    const facts = computeCustomerFacts(
      ledgerOf([-50, 10, 10, 10, 10, 10, 10], 100, [0, 1, 1, 1, 1, 1, 1]),
      106,
      settings,
    );
    expect(facts.firstSalePeriod).toBe(101);
    expect(facts.metrics?.history).toBe(6);
    expect(facts.metrics?.lifetimeValueCents).toBe(60);
  });

  it('keeps one baseline period when minHistory allows a history no longer than R', () => {
    // history 3 with R = 4: recent window shrinks to 2 periods, baseline is the first period.
    const facts = computeCustomerFacts(ledgerOf([30, 10, 20]), 102, { ...settings, minHistory: 2 });
    expect(facts.standing).toBe('judged');
    expect(facts.recentPeriods).toBe(2);
    expect(facts.metrics?.baselineCents).toBe(30);
    expect(facts.metrics?.recentCents).toBe(15);
  });

  it('agrees with a naive computation on random series', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -2_000, max: 100_000 }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 10 }),
        (values, extra) => {
          const positive = values.map((v) => (v > 0 ? 1 : 0));
          const asOf = 100 + values.length - 1 + extra;
          const facts = computeCustomerFacts(ledgerOf(values, 100, positive), asOf, settings);
          const first = positive.indexOf(1);
          if (first < 0) {
            expect(facts.standing).toBe('no_sales');
            return;
          }
          // The series from the first sale to the as-of period, zeros after the last row.
          const series = [...values.slice(first), ...Array(extra).fill(0)];
          const h = series.length;
          const w = Math.min(12, h);
          const r = Math.max(1, Math.min(4, w - 1));
          const windowed = series.slice(h - w);
          const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
          const baseline = w - r > 0 ? Math.round(mean(windowed.slice(0, w - r))) : 0;
          const recent = Math.round(mean(windowed.slice(w - r)));
          const xBar = (w - 1) / 2;
          const yBar = mean(windowed);
          let num = 0;
          let den = 0;
          windowed.forEach((y, x) => {
            num += (x - xBar) * (y - yBar);
            den += (x - xBar) ** 2;
          });
          const slope = den === 0 ? 0 : num / den;
          let streak = 0;
          for (let i = h - 1; i >= 0 && (series[i] ?? 0) <= 0; i--) streak++;

          const m = facts.metrics;
          expect(m?.history).toBe(h);
          expect(m?.baselineCents).toBe(baseline);
          expect(m?.recentCents).toBe(recent);
          expect(m?.trendCentsPerPeriod).toBeCloseTo(slope, 6);
          // Within a cent: two float routes to the same line can round a half-cent differently.
          const forecast = Math.max(0, Math.round(yBar + slope * (w - xBar)));
          expect(Math.abs((m?.forecastCents ?? Number.NaN) - forecast)).toBeLessThanOrEqual(1);
          expect(m?.zeroStreak).toBe(streak);
          expect(m?.lifetimeValueCents).toBe(series.reduce((s, x) => s + x, 0));
          expect(m?.activeShare).toBeCloseTo(windowed.filter((v) => v > 0).length / w, 12);
          expect(facts.zeroPeriodsInRecent).toBe(windowed.slice(w - r).filter((v) => v <= 0).length);
          const lastSale = positive.lastIndexOf(1);
          expect(m?.lastSalePeriod).toBe(100 + lastSale);
          const lapsed = 100 + lastSale < asOf - 12 + 1;
          expect(facts.standing).toBe(lapsed ? 'lapsed' : h < 6 ? 'too_new' : 'judged');
        },
      ),
    );
  });
});

describe('computeCustomerFacts cadence', () => {
  it('is the median gap between sale periods (the mean of the middle two for an even count), as a sort gives', () => {
    const median = (positive: number[], last: number): number => {
      const sales: number[] = [];
      for (let i = 0; i <= last; i++) if (positive[i] === 1) sales.push(i);
      if (sales.length < 3) return 1;
      const gaps = sales
        .slice(1)
        .map((p, i) => p - (sales[i] as number))
        .sort((a, b) => a - b);
      const mid = gaps.length >> 1;
      return gaps.length % 2 === 1
        ? (gaps[mid] as number)
        : ((gaps[mid - 1] as number) + (gaps[mid] as number)) / 2;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 0, 0, 1), { minLength: 1, maxLength: 140 }),
        fc.nat(150),
        (positive, back) => {
          const net = positive.map((p) => (p === 1 ? 100 : 0));
          const asOf = 100 + Math.max(0, positive.length - 1 - (back % positive.length));
          const facts = computeCustomerFacts(ledgerOf(net, 100, positive), asOf, {
            ...settings,
            cadenceAware: true,
          });
          if (facts.metrics === null) return;
          expect(facts.cadence).toBe(median(positive, asOf - 100));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('computeCustomerFacts with running sums (FactsPrefixes)', () => {
  it('gives the facts of a fresh call at every as-of period, forward, repeated or back', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -300, max: 900 }), { minLength: 1, maxLength: 70 }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 95, max: 180 }), { minLength: 1, maxLength: 20 }),
        fc.boolean(),
        (nets, asOfs, cadenceAware) => {
          // Sale flags that may end before net (positive is shorter: no sale past its end).
          const ledgers = nets.map((net, c) =>
            ledgerOf(
              net,
              100 + c,
              net.slice(0, Math.max(1, net.length - c)).map((v) => (v > 0 ? 1 : 0)),
            ),
          );
          const s = { ...settings, cadenceAware, seasonPeriods: 12 };
          const prefixes = new FactsPrefixes(ledgers.length);
          // Mostly forward, as the backtest goes, with repeats and steps back.
          for (const t of [...asOfs.sort((a, b) => a - b), ...asOfs]) {
            ledgers.forEach((ledger, c) => {
              expect(computeCustomerFacts(ledger, t, s, undefined, prefixes, c)).toEqual(
                computeCustomerFacts(ledger, t, s),
              );
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
