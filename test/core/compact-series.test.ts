import { describe, expect, it } from 'vitest';
import { compactParsedCustomers } from '../../src/core/compact-series.ts';
import { IntCents } from '../../src/core/ledger.ts';
import type { CustomerAnalysis } from '../../src/core/types.ts';
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
