/**
 * Test-only loader for the hand-written fixtures in test/fixtures/hand/: plain comma-separated
 * `customer_id,date,amount[,order_id]` with ISO dates and amounts in dollars. Deliberately tiny and
 * independent of the real CSV reader (src/sources/csv), so core tests do not depend on it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnalysisInput } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso } from '../../src/core/periods.ts';
import type { CustomerInfo, PeriodSpec, SaleRow } from '../../src/core/types.ts';

const HAND_DIR = fileURLToPath(new URL('../fixtures/hand/', import.meta.url));

/** The rows of a hand fixture, in file order. Lines starting with `#` are comments. */
export function readHandRows(name: string): SaleRow[] {
  const text = readFileSync(`${HAND_DIR}${name}`, 'utf8');
  const rows: SaleRow[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (i === 0 || line === '' || line.startsWith('#')) return;
    const [customerId, date, amount, orderId] = line.split(',');
    if (!customerId || !date || amount === undefined) throw new Error(`${name}:${i + 1}: bad line "${line}"`);
    const row: SaleRow = {
      customerId,
      day: dayFromIso(date),
      amountCents: Math.round(Number(amount) * 100),
      line: i + 1,
    };
    if (Number.isNaN(row.amountCents)) throw new Error(`${name}:${i + 1}: bad amount "${amount}"`);
    if (orderId) row.orderId = orderId;
    rows.push(row);
  });
  return rows;
}

/** A hand fixture folded into an `AnalysisInput` for the given periods. */
export function loadHandFixture(
  name: string,
  spec: PeriodSpec,
  customers: CustomerInfo[] = [],
): AnalysisInput {
  const rows = readHandRows(name);
  const builder = createLedgerBuilder(spec);
  for (const row of rows) builder.add(row);
  return {
    ledger: builder.build(),
    customers,
    dataQuality: {
      source: `test/fixtures/hand/${name}`,
      rowsRead: rows.length,
      rowsAccepted: rows.length,
      rowsRejected: 0,
      rejectedByCode: {},
      problems: [],
      duplicateRows: 0,
      duplicatesDropped: false,
    },
  };
}
