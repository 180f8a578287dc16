/**
 * The backtest hand fixture (worked out in test/core/backtest.test.ts): six customers over eight
 * weeks P0 = week of Monday 2026-01-05 ... P7, L = 4, R = 2, minHistory 4, top 1, as of P7.
 */
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, isoFromDay, periodEndDay, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { DataQuality, PeriodSpec, SaleRow, SalesLedger } from '../../src/core/types.ts';

export const WEEK: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
export const P0 = periodOfDay(dayFromIso('2026-01-05'), WEEK);
export const QUALITY: DataQuality = {
  source: 'test',
  rowsRead: 0,
  rowsAccepted: 0,
  rowsRejected: 0,
  rejectedByCode: {},
  problems: [],
  duplicateRows: 0,
  duplicatesDropped: false,
};

export function ledgerOf(rows: SaleRow[]): SalesLedger {
  const builder = createLedgerBuilder(WEEK);
  for (const row of rows) builder.add(row);
  return builder.build();
}

/** One row per non-null dollar amount, on the Wednesday of week P0 + i. */
export function rowsOf(table: Record<string, (number | null)[]>): SaleRow[] {
  const rows: SaleRow[] = [];
  for (const [customerId, dollars] of Object.entries(table)) {
    dollars.forEach((d, i) => {
      if (d !== null) rows.push({ customerId, day: periodStartDay(P0 + i, WEEK) + 2, amountCents: d * 100 });
    });
  }
  return rows;
}

export const HAND = rowsOf({
  A: [100, 100, 100, 100, 100, 100, 100, 100],
  B: [100, 100, 100, 100, 0, 0, 0, 0],
  C: [100, 100, 100, 100, 0, 120, 100, 100],
  D: [100, 100, 100, 100, 70, 40, 20, 0],
  E: [null, null, null, 50, 50, 50, 50, 50],
  F: [100, 0, 100, 0, 100, 0, 100, 0],
});
// cadenceAware off: this fixture pins the rules of analysis spec section 4 and the backtest's
// arithmetic for every customer, F (every other week) included; the cadence-aware rules have their
// own hand fixtures (test/core/cadence.test.ts).
export const HAND_SETTINGS = defaultAnalysisSettings({
  cadenceAware: false,
  lookback: 4,
  recentWindow: 2,
  minHistory: 4,
  topN: 1,
  asOf: isoFromDay(periodEndDay(P0 + 7, WEEK)),
});
