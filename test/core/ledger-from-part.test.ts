import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { createLedgerBuilder, ledgerFromPart, SERIES_PERIODS } from '../../src/core/ledger.ts';
import { dayFromIso, periodOfDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { PeriodSpec, SalesLedger } from '../../src/core/types.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** Monday of the `w`-th week from 2026-01-05. */
function isoWeek(w: number): string {
  return new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10);
}

/**
 * A ledger of: A buying weeks 0-19, B weeks 5-11 (stops 8 weeks before the last), C weeks 0-1 and
 * a refund in week 2 (its padded span would be 20 weeks), D one sale in week -40 (its padded span
 * would exceed SERIES_PERIODS).
 */
function ledgerOf(padToLastPeriod: boolean): SalesLedger {
  const b = createLedgerBuilder(weeks);
  b.add({ customerId: 'D', day: dayFromIso(isoWeek(-40)), amountCents: 9_00 });
  for (let w = 0; w < 20; w++) {
    b.add({ customerId: 'A', day: dayFromIso(isoWeek(w)), amountCents: 1_00 + w });
    if (w >= 5 && w <= 11) b.add({ customerId: 'B', day: dayFromIso(isoWeek(w)), amountCents: 3_00 });
    if (w <= 1) b.add({ customerId: 'C', day: dayFromIso(isoWeek(w)), amountCents: 2_00 });
    if (w === 2) b.add({ customerId: 'C', day: dayFromIso(isoWeek(w)), amountCents: -50 });
  }
  return ledgerFromPart(weeks, b.buildPart(), { padToLastPeriod });
}

describe('ledgerFromPart', () => {
  it('pads a net with zeros to the ledger’s last period when the padded span fits in the series', () => {
    const plain = ledgerOf(false);
    const padded = ledgerOf(true);
    const week0 = periodOfDay(dayFromIso(isoWeek(0)), weeks);
    expect(padded.customers.get('B')?.startPeriod).toBe(week0 + 5);
    expect(plain.customers.get('B')?.net).toEqual([3_00, 3_00, 3_00, 3_00, 3_00, 3_00, 3_00]);
    expect(padded.customers.get('B')?.net).toEqual([...Array(7).fill(3_00), ...Array(8).fill(0)]);
    expect(padded.customers.get('C')?.net).toEqual([2_00, 2_00, -50, ...Array(17).fill(0)]);
    // Already at the last period, or a padded span over SERIES_PERIODS: as is.
    expect(padded.customers.get('A')?.net).toEqual(plain.customers.get('A')?.net);
    expect(padded.customers.get('D')?.net).toEqual([9_00]);
    expect(week0 + 19 - (padded.customers.get('D')?.startPeriod ?? 0) + 1).toBeGreaterThan(SERIES_PERIODS);
    // The sale flags keep the span of the rows.
    for (const id of ['A', 'B', 'C', 'D']) {
      expect(Array.from(padded.customers.get(id)?.positive ?? [])).toEqual(
        Array.from(plain.customers.get(id)?.positive ?? []),
      );
    }
  });

  it('gives the same analysis padded or not, the padded nets shared as series', () => {
    const settings = { ...defaultAnalysisSettings(), minHistory: 3 };
    const input = (ledger: SalesLedger) => ({
      ledger,
      customers: [],
      dataQuality: {
        source: 'test',
        rowsRead: ledger.rows,
        rowsAccepted: ledger.rows,
        rowsRejected: 0,
        rejectedByCode: {},
        problems: [],
        duplicateRows: 0,
        duplicatesDropped: false,
      },
    });
    const padded = ledgerOf(true);
    const result = analyze(input(padded), settings);
    expect(JSON.stringify(result)).toBe(JSON.stringify(analyze(input(ledgerOf(false)), settings)));
    const b = result.customers.find((c) => c.customerId === 'B');
    expect(b?.series).toHaveLength(15);
    expect(b?.series).toBe(padded.customers.get('B')?.net);
  });
});
