/**
 * The ledger from the sums query's COPY text (sums-ledger.ts), on hand-written lines: customer
 * values trimmed and merged, NULL and blank customers, COPY escapes, float sums printed with an
 * exponent, bad-row groups by code, and lines split anywhere across chunks.
 */
import { describe, expect, it } from 'vitest';
import type { PeriodSpec } from '../../src/core/types.ts';
import { BAD_PERIOD, sumsLedgerBuilder } from '../../src/sources/postgres/sums-ledger.ts';

const monday: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
// c, p, cents, n, pos, days (bit i: the period's day i had rows), ons (rows on the period's first day)
const lines = [
  'C1\t100\t1250\t2\tt\t1\t2', // 12.50 in week 100, two rows on its Monday
  ' C1\u00a0\t102\t-300\t1\tf\t4\t0', // the same customer once trimmed: a refund on a Wednesday
  'C2\t101\t1e+16\t1\tt\t64\t0', // a sum printed with an exponent, on a Sunday
  '\\N\t100\t500\t3\tt\t1\t3', // NULL customer: three rows "customer id is empty"
  '\u00a0 \t-1000000002\t\\N\t2\t\\N\t\\N\t0', // blank customer, rows without a date: still "empty customer"
  `C2\t${BAD_PERIOD - 3}\t700\t1\tt\t\\N\t0`, // one bad date
  `C3\t${BAD_PERIOD - 5}\t\\N\t4\t\\N\t\\N\t0`, // four bad amounts, the customer's only rows
  'C\\\\4\t100\t1\t1\tt\t1\t1', // a backslash in the id, escaped by COPY
];
const text = new TextEncoder().encode(`${lines.join('\n')}\n`);

function build(chunks: Uint8Array[]) {
  const builder = sumsLedgerBuilder(monday);
  for (const chunk of chunks) builder.add(chunk);
  return { ...builder.build(), groups: builder.groups };
}

describe('sums ledger from COPY text', () => {
  it('folds the groups into per-customer series and counts bad rows by code', () => {
    const { ledger, bad, groups } = build([text]);
    expect(groups).toBe(8);
    expect([...ledger.customers.keys()]).toEqual(['C1', 'C2', 'C\\4']);
    const c1 = ledger.customers.get('C1')!;
    expect(c1.startPeriod).toBe(100);
    expect(c1.net).toEqual([1250, 0, -300]);
    expect(Array.from(c1.positive)).toEqual([1, 0, 0]);
    expect(c1.rows).toBe(3);
    expect(ledger.customers.get('C2')).toMatchObject({ startPeriod: 101, net: [1e16], rows: 1 });
    expect(ledger.customers.get('C\\4')).toMatchObject({ startPeriod: 100, net: [1], rows: 1 });
    expect(ledger.rows).toBe(5);
    expect(ledger.rowsOnPeriodStart).toBe(3);
    expect(ledger.rowsByPeriod).toEqual({ startPeriod: 100, counts: [3, 1, 1] });
    // Week 100 starts on day 697 (Monday 1971-11-29); the last row is week 102's Wednesday.
    expect(ledger.minDay).toBe(697);
    expect(ledger.maxDay).toBe(713);
    expect(ledger.weekdayRows).toBeUndefined(); // rows on Monday, Wednesday and Sunday
    expect(bad).toEqual([0, 5, 0, 1, 0, 4]);
  });

  it('gives the same ledger when every line is split across chunks', () => {
    const whole = build([text]);
    const bytes = build([...text].map((b) => Uint8Array.of(b)));
    expect(bytes.ledger).toEqual(whole.ledger);
    expect(bytes.bad).toEqual(whole.bad);
  });

  it('reports the weekday when every row falls on one', () => {
    const one = new TextEncoder().encode('A\t100\t100\t2\tt\t4\t0\nB\t101\t200\t1\tt\t4\t0\n');
    const { ledger } = build([one]);
    // Day offset 2 of a Monday week: every row is on a Wednesday (3).
    expect(ledger.weekdayRows).toEqual([0, 0, 0, 3, 0, 0, 0]);
    expect(ledger.customers.get('A')!.positive).toBe(ledger.customers.get('B')!.positive); // shared all-ones
  });

  it('refuses output that ends in the middle of a line', () => {
    const builder = sumsLedgerBuilder(monday);
    builder.add(new TextEncoder().encode('A\t100\t1'));
    expect(() => builder.build()).toThrow(/middle of a line/);
  });
});
