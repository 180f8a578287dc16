/**
 * Supply-side causes (evidence.md section 7) on a fixture: store S1 has SKUs out for three weeks and
 * its customers' spend dips in exactly those weeks; store S2's customers decline without stockouts;
 * store S3 has the same stockouts as S1 but its customers decline steadily whatever the stock. Only
 * S1's gaps are marked. Then the figure on the original system's own data (../shared/seed/data).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, periodOfDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import {
  buildStockoutIndex,
  customerStoresOf,
  markSupplyCausedGaps,
  type StockRow,
  stockoutShare,
} from '../../src/core/stock.ts';
import type { PeriodSpec, SaleRow } from '../../src/core/types.ts';

const WEEKLY: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const FIRST = dayFromIso('2026-08-31'); // a Monday; 12 weeks to the week of 2026-11-16
const week = (w: number) => FIRST + 7 * w;

function analyseRows(rows: SaleRow[], asOf: string, weekStartsOn: 'monday' | 'saturday' = 'monday') {
  const settings = defaultAnalysisSettings({ asOf, weekStartsOn });
  const builder = createLedgerBuilder({ kind: 'week', weekStartsOn: weekStartsOn === 'monday' ? 1 : 6 });
  for (const row of rows) builder.add(row);
  const dataQuality = {
    source: 'test',
    rowsRead: rows.length,
    rowsAccepted: rows.length,
    rowsRejected: 0,
    rejectedByCode: {},
    problems: [],
    duplicateRows: 0,
    duplicatesDropped: false,
  };
  return { result: analyze({ ledger: builder.build(), customers: [], dataQuality }, settings), settings };
}

describe('possibly supply-caused gaps (fixture)', () => {
  // Weeks 0..11; the last three (9, 10, 11) are the stockout weeks of S1 and S3.
  const rows: SaleRow[] = [];
  const stock: StockRow[] = [];
  for (let w = 0; w < 12; w++) {
    const out = w >= 9;
    for (const c of ['C1', 'C2'])
      rows.push({ customerId: c, day: week(w), amountCents: out ? 40_000 : 100_000, storeId: 'S1' });
    // S2 and S3: steady decline, $1,000 down by $50 a week.
    for (const c of ['C3', 'C4'])
      rows.push({ customerId: c, day: week(w), amountCents: 100_000 - 5_000 * w, storeId: 'S2' });
    for (const c of ['C5', 'C6'])
      rows.push({ customerId: c, day: week(w), amountCents: 100_000 - 5_000 * w, storeId: 'S3' });
    for (const sku of ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D']) {
      const gone = out && (sku === 'SKU-A' || sku === 'SKU-B');
      for (const store of ['S1', 'S2', 'S3']) {
        stock.push({
          storeId: store,
          sku,
          weekStartDay: week(w),
          onHandUnits: gone && store !== 'S2' ? 0 : 25,
        });
      }
    }
  }
  const { result, settings } = analyseRows(rows, '2026-11-22');
  const index = buildStockoutIndex(stock, WEEKLY);

  it('computes the stockout share per store and week', () => {
    const w11 = periodOfDay(week(11), WEEKLY);
    expect(stockoutShare(index, 'S1', w11)).toBe(0.5); // 2 of 4 SKUs out
    expect(stockoutShare(index, 'S2', w11)).toBe(0);
    expect(stockoutShare(index, 'S1', w11 - 3)).toBe(0);
  });

  it('marks only the gaps of the store whose customers dipped in exactly its stockout weeks', () => {
    for (const c of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'])
      expect(result.customers.find((x) => x.customerId === c)?.gaps.length, c).toBeGreaterThan(0);
    const { marks, gapsWithStock } = markSupplyCausedGaps(result, customerStoresOf(rows), index, settings);
    expect(gapsWithStock).toBe(6);
    expect([...marks.keys()].sort()).toEqual(['C1', 'C2']);
    const mark = marks.get('C1')!;
    // Recent window (weeks 8-11): 3 of 4 weeks at 50% -> 37.5%; baseline weeks 0-7: 0%.
    expect(mark.recentShare).toBeCloseTo(0.375, 10);
    expect(mark.baselineShare).toBe(0);
    const w9 = periodOfDay(week(9), WEEKLY);
    expect(mark.stockoutPeriods).toEqual([w9, w9 + 1, w9 + 2]);
    expect(mark.skusOut).toEqual([
      { sku: 'SKU-A', periods: [w9, w9 + 1, w9 + 2] },
      { sku: 'SKU-B', periods: [w9, w9 + 1, w9 + 2] },
    ]);
    // Trend through weeks 0-8 is flat at $1,000; the stockout weeks are at $400: $600 below.
    expect(mark.dipCents).toBeCloseTo(-60_000, 6);
  });
});

const SEED = new URL('../../../shared/seed/data/', import.meta.url);

describe.skipIf(!existsSync(new URL('retail_weekly_sales.csv', SEED)))(
  'on the original system’s data',
  () => {
    it('marks few gaps: both stores decline steadily whatever the stock', () => {
      const lines = (name: string) =>
        readFileSync(new URL(name, SEED), 'utf8').trim().split(/\r?\n/).slice(1);
      const rows: SaleRow[] = lines('retail_weekly_sales.csv').map((l) => {
        const [customerId, date, spend, storeId] = l.split(',');
        return {
          customerId: customerId!,
          day: dayFromIso(date!),
          amountCents: Math.round(Number(spend) * 100),
          storeId: storeId!,
        };
      });
      const stock: StockRow[] = lines('stock_availability.csv').map((l) => {
        const [storeId, sku, date, onHand, onOrder, demand] = l.split(',');
        return {
          storeId: storeId!,
          sku: sku!,
          weekStartDay: dayFromIso(date!),
          onHandUnits: Number(onHand),
          onOrderUnits: Number(onOrder),
          avgWeeklyDemand: Number(demand),
        };
      });
      const lastDay = Math.max(...rows.map((r) => r.day));
      const { result, settings } = analyseRows(
        rows,
        new Date((lastDay + 6) * 86_400_000).toISOString().slice(0, 10),
        'saturday',
      );
      const spec: PeriodSpec = { kind: 'week', weekStartsOn: 6 };
      const index = buildStockoutIndex(stock, spec);
      const loose = buildStockoutIndex(stock, spec, { lowStockShare: 1 });
      const stores = customerStoresOf(rows);
      const strict = markSupplyCausedGaps(result, stores, index, settings);
      const lenient = markSupplyCausedGaps(result, stores, loose, settings);
      const gaps = result.customers.filter((c) => c.gaps.length > 0).length;
      console.info(
        `seed data: ${gaps} customers with a gap, ${strict.gapsWithStock} in a store with stock data; ` +
          `marked possibly supply-caused: ${strict.marks.size} (out = 0 on hand), ${lenient.marks.size} (out = below a week of demand)`,
      );
      expect(strict.gapsWithStock).toBeGreaterThan(0);
      expect(strict.marks.size).toBeLessThan(strict.gapsWithStock / 4);
    });
  },
);
