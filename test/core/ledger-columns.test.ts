import fc from 'fast-check';
import { describe, it } from 'vitest';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso } from '../../src/core/periods.ts';
import type { PeriodSpec, SaleRow } from '../../src/core/types.ts';
import { expectLedgerMatchesNaiveFold } from '../helpers/naive-ledger.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const firstDay = dayFromIso('2026-01-05');

describe('createLedgerBuilder with dense periods (kept as columns) and sparse ones (blocks)', () => {
  it('matches a naive fold when most customers buy most weeks, some weeks are thin and rows come late', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 6 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 29 })), {
          maxLength: 60,
        }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (customers, thinWeeks, late, seed) => {
          // Week w: every customer with (c + w + seed) % 5 !== 0 buys (dense), except thin weeks,
          // where one customer in 20 does; customers join over the first 10 weeks; a refund or a
          // zero row now and then. Then `late` rows (customer, week) come after all the others,
          // into a column when the week has one and the customer was in it, else into a block.
          const rows: SaleRow[] = [];
          for (let w = 0; w < 30; w++) {
            for (let c = 0; c < customers; c++) {
              if (c > (customers * (w + 1)) / 10) continue;
              const buys = thinWeeks.includes(w) ? (c + seed) % 20 === 0 : (c + w + seed) % 5 !== 0;
              if (!buys) continue;
              const amount =
                (c * 7 + w * 13 + seed) % 11 === 0 ? -3_00 : (c * 31 + w) % 17 === 0 ? 0 : 1_00 + c;
              rows.push({ customerId: `C${c}`, day: firstDay + 7 * w + (c % 7), amountCents: amount });
            }
          }
          // Half of them cancel a week's sale exactly: net 0, but a week with a sale.
          late.forEach(([c, w], i) => {
            rows.push({
              customerId: `C${c}`,
              day: firstDay + 7 * w + 3,
              amountCents: i % 2 ? 50 : -(1_00 + c),
            });
          });
          const b = createLedgerBuilder(weeks);
          for (const r of rows) b.add(r);
          const ledger = b.build();
          expectLedgerMatchesNaiveFold(ledger, rows, weeks);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps sums at and past the 32-bit range exact, in a column and when late rows push a column past it', () => {
    // A column holds 32-bit cents while every sum fits and turns to 8 bytes when one does not: at
    // its flush (a week's sum already past the range) or later (a late row pushes a sum past it).
    const near = [1_00, 2 ** 31 - 1, 2 ** 31 - 60, 2 ** 31, -(2 ** 31), -(2 ** 31) + 60, 2 ** 40 + 3];
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 11 })), {
          maxLength: 20,
        }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 59 }),
            fc.integer({ min: 0, max: 11 }),
            fc.constantFrom(100, -100, 2 ** 31, -(2 ** 31), 2 ** 31 - 1),
          ),
          { maxLength: 30 },
        ),
        (customers, big, late) => {
          const rows: SaleRow[] = [];
          for (let w = 0; w < 12; w++) {
            for (let c = 0; c < customers; c++) {
              const at = big.findIndex(([bc, bw]) => bc === c && bw === w);
              const amountCents = at < 0 ? 1_00 + c : (near[at % near.length] as number);
              rows.push({ customerId: `C${c}`, day: firstDay + 7 * w + (c % 7), amountCents });
            }
          }
          for (const [c, w, amountCents] of late) {
            rows.push({ customerId: `C${c % customers}`, day: firstDay + 7 * w + 2, amountCents });
          }
          const b = createLedgerBuilder(weeks);
          for (const r of rows) b.add(r);
          expectLedgerMatchesNaiveFold(b.build(), rows, weeks);
        },
      ),
      { numRuns: 80 },
    );
  });
});
