/**
 * The ledger builder's reference: a fold of sale rows into maps (per customer, period -> net cents
 * and whether a row was positive), slow and obviously right, and the check that a ledger says the
 * same. Shared by the builder's property tests (test/core/ledger.test.ts, ledger-columns.test.ts).
 */
import { expect } from 'vitest';
import { periodOfDay } from '../../src/core/periods.ts';
import type { PeriodSpec, SaleRow, SalesLedger } from '../../src/core/types.ts';

/** Per customer, period -> [net cents, 1 if a row was positive else 0]. */
export function naiveLedgerFold(
  rows: readonly SaleRow[],
  spec: PeriodSpec,
): Map<string, Map<number, [number, number]>> {
  const naive = new Map<string, Map<number, [number, number]>>();
  for (const r of rows) {
    const p = periodOfDay(r.day, spec);
    const c = naive.get(r.customerId) ?? new Map<number, [number, number]>();
    const [net, sale] = c.get(p) ?? [0, 0];
    c.set(p, [net + r.amountCents, r.amountCents > 0 ? 1 : sale]);
    naive.set(r.customerId, c);
  }
  return naive;
}

/**
 * Expects `ledger` to hold exactly the customers of `rows`, each with the naive fold's span (first
 * to last period with a row), nets, sale flags and row count.
 */
export function expectLedgerMatchesNaiveFold(
  ledger: SalesLedger,
  rows: readonly SaleRow[],
  spec: PeriodSpec,
): void {
  const naive = naiveLedgerFold(rows, spec);
  expect(ledger.customers.size).toBe(naive.size);
  for (const [id, periods] of naive) {
    const got = ledger.customers.get(id);
    const first = Math.min(...periods.keys());
    const last = Math.max(...periods.keys());
    expect(got?.startPeriod).toBe(first);
    const net: number[] = [];
    const positive: number[] = [];
    for (let p = first; p <= last; p++) {
      net.push(periods.get(p)?.[0] ?? 0);
      positive.push(periods.get(p)?.[1] ?? 0);
    }
    expect(got?.net).toEqual(net);
    expect(Array.from(got?.positive ?? [])).toEqual(positive);
    expect(got?.rows).toBe(rows.filter((r) => r.customerId === id).length);
  }
}
