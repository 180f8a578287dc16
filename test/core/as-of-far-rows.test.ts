/**
 * Issue 13 finding 1: a handful of rows dated far after all the others (a mistyped year) no longer
 * move the default as-of date; they are set aside and named with their line. Repro: 2 customers x 16
 * weekly rows from 2026-01-05 (C2 drops from $100 to $10 after 12 weeks), plus `C1,2062-04-20,100`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, chooseAsOf, FAR_GAP_PERIODS, farRowsAllowed } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, isoFromDay, periodOfDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { PeriodSpec, SaleRow, SalesLedger } from '../../src/core/types.ts';
import { emptyQuality } from '../../src/use-cases/run-analysis.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

function ledgerOf(rows: SaleRow[], spec: PeriodSpec = weeks): SalesLedger {
  const builder = createLedgerBuilder(spec);
  for (const row of rows) builder.add(row);
  return builder.build();
}

function reproRows(): SaleRow[] {
  const rows: SaleRow[] = [];
  const start = dayFromIso('2026-01-05');
  let line = 2;
  for (let w = 0; w < 16; w++) {
    rows.push({ customerId: 'C1', day: start + 7 * w, amountCents: 100_00, line: line++ });
    rows.push({ customerId: 'C2', day: start + 7 * w, amountCents: w < 12 ? 100_00 : 10_00, line: line++ });
  }
  return rows;
}

describe('far-future rows and the as-of date (issue 13, finding 1)', () => {
  it('repro: one mistyped 2062 row is set aside, named with its line, and the gap is still found', () => {
    const settings = defaultAnalysisSettings();
    const quality = { ...emptyQuality('s.csv'), rowsRead: 33, rowsAccepted: 33 };
    const clean = analyze({ ledger: ledgerOf(reproRows()), customers: [], dataQuality: quality }, settings);
    const withTypo = analyze(
      {
        ledger: ledgerOf([
          ...reproRows(),
          { customerId: 'C1', day: dayFromIso('2062-04-20'), amountCents: 100_00, line: 34 },
        ]),
        customers: [],
        dataQuality: quality,
      },
      settings,
    );
    expect(clean.summary.customersWithGaps).toBe(1);
    expect(clean.summary.totalGapCents).toBe(360_00);
    expect(withTypo.asOf).toEqual(clean.asOf);
    expect(withTypo.summary.customersWithGaps).toBe(1);
    expect(withTypo.summary.totalGapCents).toBe(360_00);
    expect(withTypo.dataQuality.setAsideRows).toEqual([{ customerId: 'C1', date: '2062-04-20', line: 34 }]);
    expect(withTypo.dataQuality.rowsAfterAsOf).toBe(0);
  });

  it('an explicit as-of date overrides: nothing is set aside', () => {
    const ledger = ledgerOf([
      ...reproRows(),
      { customerId: 'C1', day: dayFromIso('2062-04-20'), amountCents: 1, line: 34 },
    ]);
    const choice = chooseAsOf(ledger, '2062-04-23');
    expect(choice.setAside).toEqual([]);
    expect(isoFromDay(choice.asOf.endDay)).toBe('2062-04-23');
  });

  it('rows after a short pause are the data going on, not set aside', () => {
    const rows = reproRows();
    // 10 empty weeks, then one row: fewer than FAR_GAP_PERIODS.week empty periods.
    const late = dayFromIso('2026-04-20') + 7 * 11;
    const ledger = ledgerOf([...rows, { customerId: 'C1', day: late, amountCents: 100, line: 34 }]);
    expect(chooseAsOf(ledger, undefined).setAside).toEqual([]);
  });

  it('property: up to the allowed handful of rows past a long empty stretch never move the as-of date', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ c: fc.integer({ min: 0, max: 30 }), d: fc.integer({ min: 0, max: 150 }) }), {
          minLength: 12,
          maxLength: 300,
        }),
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 2 }),
        (bulk, farOffsets, order) => {
          const base = dayFromIso('2024-01-01');
          const rows: SaleRow[] = bulk.map((r, i) => ({
            customerId: `C${r.c}`,
            day: base + r.d,
            amountCents: 100,
            line: i + 2,
          }));
          const bulkMax = Math.max(...rows.map((r) => r.day));
          const allowed = farRowsAllowed(rows.length + farOffsets.length);
          const far = farOffsets.slice(0, allowed).map((o, i) => ({
            customerId: `F${i}`,
            // At least FAR_GAP_PERIODS.week whole weeks with no row between the bulk and these rows.
            day: bulkMax + 7 * (FAR_GAP_PERIODS.week + 1) + o,
            amountCents: 100,
            line: 1000 + i,
          }));
          const all = [...rows, ...far];
          if (order === 1) all.reverse();
          if (order === 2) all.sort((a, b) => a.day - b.day);
          const choice = chooseAsOf(ledgerOf(all), undefined);
          const bulkOnly = chooseAsOf(ledgerOf(rows), undefined);
          expect(choice.asOf).toEqual(bulkOnly.asOf);
          expect(choice.setAside.map((r) => r.line).sort()).toEqual(far.map((r) => r.line).sort());
          // Without far rows, nothing is set aside.
          expect(bulkOnly.setAside).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('more rows than a handful past the gap are not set aside: the as-of date follows them', () => {
    const rows = reproRows();
    const far = dayFromIso('2062-04-20');
    const extra: SaleRow[] = [];
    for (let i = 0; i < farRowsAllowed(rows.length + 10) + 1; i++)
      extra.push({ customerId: `F${i}`, day: far, amountCents: 1 });
    const choice = chooseAsOf(ledgerOf([...rows, ...extra]), undefined);
    expect(choice.setAside).toEqual([]);
    expect(choice.asOf.period).toBeGreaterThanOrEqual(periodOfDay(far, weeks) - 1);
  });
});

describe('ledger memory follows the rows, not the date span (issue 13, finding 5)', () => {
  it('5,000 customers with one row in 1900 and one in 2999 are refused with the span named', () => {
    const builder = createLedgerBuilder(weeks);
    const add = () => {
      for (let i = 0; i < 5000; i++) {
        builder.add({
          customerId: `C${i}`,
          day: dayFromIso('1900-01-01'),
          amountCents: 100,
          line: 2 * i + 2,
        });
        builder.add({
          customerId: `C${i}`,
          day: dayFromIso('2999-12-31'),
          amountCents: 100,
          line: 2 * i + 3,
        });
      }
      builder.build();
    };
    expect(add).toThrow(/span too many weeks.*1900-01-01 to 2999-12-31/s);
  });

  it('a few customers with a wide span still fit', () => {
    const rows: SaleRow[] = [];
    for (let i = 0; i < 20; i++) {
      rows.push({ customerId: `C${i}`, day: dayFromIso('1900-01-01'), amountCents: 100 });
      rows.push({ customerId: `C${i}`, day: dayFromIso('2999-12-31'), amountCents: 100 });
    }
    expect(ledgerOf(rows).customers.size).toBe(20);
  });
});
