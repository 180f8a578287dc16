/**
 * The ledger from the sums query's COPY text (sums-ledger.ts), on hand-written lines: customer
 * values trimmed and merged, NULL and blank customers, COPY escapes, float sums printed with an
 * exponent, bad-row groups by code, and lines split anywhere across chunks; many customers in
 * the database's hash order, built in steps.
 */
import { describe, expect, it } from 'vitest';
import { SERIES_PERIODS } from '../../src/core/ledger.ts';
import { CUSTOMERS_PER_STEP } from '../../src/core/steps.ts';
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
    // Nets run on with zeros to the ledger's last period (102), as the CSV source's; the sale flags
    // keep the span of the rows.
    expect(ledger.customers.get('C2')).toMatchObject({ startPeriod: 101, net: [1e16, 0], rows: 1 });
    expect(Array.from(ledger.customers.get('C2')!.positive)).toEqual([1]);
    expect(ledger.customers.get('C\\4')).toMatchObject({ startPeriod: 100, net: [1, 0, 0], rows: 1 });
    expect(Array.from(ledger.customers.get('C\\4')!.positive)).toEqual([1]);
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

  it('builds many customers in steps, sorted by id, each series as the groups say', () => {
    // 3 steps' worth of customers, 1-8 groups each in a shuffled order (as a hash aggregate sends
    // them), more groups than one block of the group store, and customers with only bad rows.
    const customers = CUSTOMERS_PER_STEP * 3 + 17;
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const expected = new Map<string, Map<number, { cents: number; sale: boolean }>>();
    const lines: string[] = [];
    for (let c = 0; c < customers; c++) {
      const id = `K${Math.floor(random() * 1e9)}-${c}`;
      if (c % 50 === 0) {
        lines.push(`${id}\t${BAD_PERIOD - 3}\t\\N\t1\t\\N\t\\N\t0`);
        continue;
      }
      const periods = new Map<number, { cents: number; sale: boolean }>();
      const first = 2800 + Math.floor(random() * 40);
      for (let k = 0; k < 1 + Math.floor(random() * 8); k++) {
        const period = first + Math.floor(random() * 12);
        if (periods.has(period)) continue;
        const cents = Math.floor(random() * 20_000) - 2_000;
        periods.set(period, { cents, sale: cents > 0 });
        lines.push(`${id}\t${period}\t${cents}\t1\t${cents > 0 ? 't' : 'f'}\t1\t1`);
      }
      expected.set(id, periods);
    }
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    expect(lines.length).toBeGreaterThan(16_384);
    const bytes = new TextEncoder().encode(`${lines.join('\n')}\n`);
    const builder = sumsLedgerBuilder(monday);
    for (let at = 0; at < bytes.length; at += 4096) builder.add(bytes.subarray(at, at + 4096));
    const steps = builder.buildSteps();
    let pauses = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) pauses++;
    const { ledger, bad } = next.value;
    expect(pauses).toBeGreaterThan(6);
    expect(bad).toEqual([0, 0, 0, Math.ceil(customers / 50), 0, 0]);
    expect([...ledger.customers.keys()]).toEqual([...expected.keys()].sort());
    // Every net runs on with zeros to the last period of all (every span here fits in the series).
    const lastPeriod = Math.max(...[...expected.values()].flatMap((periods) => [...periods.keys()]));
    for (const [id, periods] of expected) {
      const keys = [...periods.keys()];
      const start = Math.min(...keys);
      expect(lastPeriod - start + 1).toBeLessThanOrEqual(SERIES_PERIODS);
      const net = new Array<number>(lastPeriod - start + 1).fill(0);
      const positive = new Array<number>(Math.max(...keys) - start + 1).fill(0);
      for (const [period, { cents, sale }] of periods) {
        net[period - start] = cents;
        positive[period - start] = sale ? 1 : 0;
      }
      const customer = ledger.customers.get(id)!;
      expect(customer.startPeriod).toBe(start);
      expect(customer.net).toEqual(net);
      expect(Array.from(customer.positive)).toEqual(positive);
      expect(customer.rows).toBe(periods.size);
    }
    expect(ledger.rows).toBe([...expected.values()].reduce((sum, p) => sum + p.size, 0));
    expect(ledger.weekdayRows).toEqual([0, 1, 0, 0, 0, 0, 0].map((n) => n * ledger.rows));
    expect(ledger.latestRows).toBeUndefined();
  });

  it('refuses more text once built', () => {
    const builder = sumsLedgerBuilder(monday);
    builder.add(text);
    builder.build();
    expect(() => builder.add(text)).toThrow(/after build/);
  });
});
