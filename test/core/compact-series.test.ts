import { describe, expect, it } from 'vitest';
import { compactParsedCustomers, PackedComponents, PackedMetrics } from '../../src/core/compact-series.ts';
import { IntCents } from '../../src/core/ledger.ts';
import type { CustomerAnalysis, CustomerMetrics } from '../../src/core/types.ts';
import { makeAnalysisResult } from '../store/analysis-result-fixture.ts';

/** Customers as a saved snapshot gives them back: parsed from JSON, plain arrays everywhere. */
function parsedCustomers(n: number): CustomerAnalysis[] {
  return JSON.parse(JSON.stringify(makeAnalysisResult(n).customers)) as CustomerAnalysis[];
}

describe('compactParsedCustomers', () => {
  it('makes every series an IntCents view of one shared buffer, with the same cents and JSON', () => {
    const customers = parsedCustomers(50);
    customers[7]!.series = [-2550, 0, 2 ** 31 - 1, -(2 ** 31)];
    const before = JSON.stringify(customers);
    const plain = customers.map((c) => [...c.series]);
    expect(compactParsedCustomers(customers)).toBe(true);
    const buffers = new Set(customers.map((c) => (c.series as IntCents).buffer));
    expect(buffers.size).toBe(1);
    customers.forEach((c, i) => {
      expect(c.series).toBeInstanceOf(IntCents);
      expect(Array.from(c.series)).toEqual(plain[i]);
    });
    // Negative cents and the 32-bit extremes survive too.
    expect(Array.from(customers[7]!.series)).toEqual([-2550, 0, 2 ** 31 - 1, -(2 ** 31)]);
    expect(JSON.stringify(customers)).toBe(before);
  });

  it('shares one frozen empty list among customers without a series or without gaps', () => {
    const customers = parsedCustomers(6);
    customers[1]!.series = [];
    customers[4]!.series = [];
    compactParsedCustomers(customers);
    expect(customers[1]!.series).toBe(customers[4]!.series);
    expect(customers[1]!.series).toEqual([]);
    // Customers 1, 2, 4 and 5 are not scored: no gaps.
    expect(customers[1]!.gaps).toBe(customers[2]!.gaps);
    expect(customers[5]!.gaps).toBe(customers[2]!.gaps);
    expect(Object.isFrozen(customers[2]!.gaps)).toBe(true);
    expect(customers[0]!.gaps).toHaveLength(1);
  });

  it('keeps one string for each value that customers share (status, segment, manager, recommendation, gap type)', () => {
    const customers = parsedCustomers(40);
    customers[3]!.segment = 'Enterprise';
    customers[9]!.segment = 'Enterprise';
    const before = JSON.stringify(customers);
    const strings = new Map<string, string>();
    compactParsedCustomers(customers.slice(0, 20), strings);
    compactParsedCustomers(customers.slice(20), strings);
    const statuses = new Set(customers.map((c) => c.status));
    for (const status of statuses) expect(strings.get(status)).toBe(status);
    expect(strings.get('Enterprise')).toBe('Enterprise');
    for (const c of customers) {
      if (c.recommendation !== null) expect(strings.has(c.recommendation)).toBe(true);
      for (const gap of c.gaps) expect(strings.has(gap.type) && strings.has(gap.severity)).toBe(true);
    }
    // Names, ids and rationales are each customer's own: not kept.
    expect(strings.has(customers[0]!.customerId)).toBe(false);
    expect(strings.has(customers[0]!.name)).toBe(false);
    expect(JSON.stringify(customers)).toBe(before);
  });

  it('packs the metrics in rows of one Float64Array: same values, null kept, same JSON', () => {
    const customers = parsedCustomers(30);
    const withMetrics = customers.filter((c) => c.metrics !== null);
    expect(withMetrics.length).toBeGreaterThan(2);
    const first = withMetrics[0]!;
    first.metrics = { ...first.metrics!, trendPct: -0.0668866756, lastSalePeriod: null };
    // Metrics of another shape (an extra key) stay as they are.
    const odd = withMetrics[1]!;
    odd.metrics = { ...odd.metrics!, extra: 1 } as unknown as CustomerMetrics;
    const before = JSON.stringify(customers);
    const plain = customers.map((c) => (c.metrics === null ? null : { ...c.metrics }));
    compactParsedCustomers(customers);
    expect(first.metrics).toBeInstanceOf(PackedMetrics);
    expect(first.metrics?.trendPct).toBe(-0.0668866756);
    expect(first.metrics?.lastSalePeriod).toBeNull();
    expect(odd.metrics).not.toBeInstanceOf(PackedMetrics);
    customers.forEach((c, i) => {
      if (c.metrics === null) return;
      for (const key of Object.keys(plain[i]!) as (keyof CustomerMetrics)[]) {
        expect(c.metrics[key]).toBe(plain[i]![key]);
      }
    });
    expect(JSON.stringify(customers)).toBe(before);
  });

  it("packs a scored customer's components and contributions the same way", () => {
    const customers = parsedCustomers(30);
    const scored = customers.filter((c) => c.components !== null && c.contributions !== null);
    expect(scored.length).toBeGreaterThan(1);
    const before = JSON.stringify(customers);
    const plain = scored.map((c) => [{ ...c.components! }, { ...c.contributions! }] as const);
    compactParsedCustomers(customers);
    scored.forEach((c, i) => {
      expect(c.components).toBeInstanceOf(PackedComponents);
      expect(c.contributions).toBeInstanceOf(PackedComponents);
      expect(Object.keys(c.components!)).toEqual([]);
      for (const key of ['revenueImpact', 'churnRisk', 'customerValue', 'recoveryProbability'] as const) {
        expect(c.components![key]).toBe(plain[i]![0][key]);
        expect(c.contributions![key]).toBe(plain[i]![1][key]);
      }
    });
    expect(JSON.stringify(customers)).toBe(before);
  });

  it('keeps plain series when a value is not whole cents within 32 bits', () => {
    for (const odd of [2 ** 31, -(2 ** 31) - 1, 12.5]) {
      const customers = parsedCustomers(4);
      customers[2]!.series = [1, odd, 3];
      const before = customers.map((c) => c.series);
      expect(compactParsedCustomers(customers)).toBe(false);
      customers.forEach((c, i) => {
        expect(Array.isArray(c.series)).toBe(true);
        expect(c.series).toBe(before[i]);
      });
    }
  });

  it('leaves series that are already compact as they are', () => {
    const customers = parsedCustomers(3);
    const view = IntCents.from([5, 6, 7]);
    customers[0]!.series = view;
    expect(compactParsedCustomers(customers)).toBe(true);
    expect(customers[0]!.series).toBe(view);
    expect(customers[1]!.series).toBeInstanceOf(IntCents);
  });
});
