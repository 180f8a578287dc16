import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createLedgerBuilder,
  type LedgerPart,
  ledgerFromPart,
  mergeLedgerParts,
  mergePartitionedParts,
  partitionOfId,
} from '../../src/core/ledger.ts';
import { dayFromIso, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import type { PeriodSpec, SaleRow } from '../../src/core/types.ts';
import { expectLedgerMatchesNaiveFold } from '../helpers/naive-ledger.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** Numbers in [0, 1) from `seed`, the same each run (a linear congruential generator). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/**
 * Cents of a row: mostly everyday amounts, some near the 32-bit limit, so that sums of a customer
 * period leave that range (the builder's blocks and the parts keep 32-bit cents while they fit).
 */
const centsArb = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -50_00, max: 500_00 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 }) },
);

/**
 * A part's rows per store as [customer id, [store id, rows][]] by customer id, stores by id: its
 * content, whatever the order of the columns' entries. Each (customer, store) pair must be there
 * once.
 */
function storeRowsByCustomer(part: LedgerPart): [string, [string, number][]][] {
  const counts = part.storeRows;
  if (counts === undefined) return [];
  const byCustomer = new Map<string, [string, number][]>();
  const seen = new Set<string>();
  for (let e = 0; e < counts.customer.length; e++) {
    const c = counts.customer[e] as number;
    const id = part.ids.slice(c === 0 ? 0 : part.idEnds[c - 1], part.idEnds[c]);
    const store = counts.storeIds[counts.store[e] as number] as string;
    expect(seen.has(`${id}\u0000${store}`)).toBe(false);
    seen.add(`${id}\u0000${store}`);
    byCustomer.set(id, [...(byCustomer.get(id) ?? []), [store, counts.rows[e] as number]]);
  }
  const byId = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
  return [...byCustomer]
    .map(([id, stores]): [string, [string, number][]] => [id, stores.sort(byId)])
    .sort(byId);
}
const months: PeriodSpec = { kind: 'month', weekStartsOn: 1 };

function row(customerId: string, iso: string, amountCents: number): SaleRow {
  return { customerId, day: dayFromIso(iso), amountCents };
}

describe('createLedgerBuilder', () => {
  it('sums each customer’s rows per week, with zeros for empty weeks', () => {
    const b = createLedgerBuilder(weeks);
    // Monday weeks: 2026-11-02..08, 11-09..15, 11-16..22.
    b.add(row('A', '2026-11-02', 10_00));
    b.add(row('A', '2026-11-08', 5_00));
    b.add(row('A', '2026-11-16', 7_00));
    const ledger = b.build();
    const a = ledger.customers.get('A');
    expect(a?.startPeriod).toBe(periodOfDay(dayFromIso('2026-11-02'), weeks));
    expect(a?.net).toEqual([15_00, 0, 7_00]);
    expect(Array.from(a?.positive ?? [])).toEqual([1, 0, 1]);
    expect(a?.rows).toBe(3);
    expect(ledger.rows).toBe(3);
    expect(ledger.minDay).toBe(dayFromIso('2026-11-02'));
    expect(ledger.maxDay).toBe(dayFromIso('2026-11-16'));
    expect(ledger.period).toEqual(weeks);
  });

  it('reads a customer id from ASCII bytes (addSaleBytes) as the same customer as its text', () => {
    // Short ids (up to 23 characters, kept in the table slot), longer ones (compared with the id),
    // pairs with the same table hash on either side of that length, ids of 13+ characters, and ids
    // on either side of 64 characters (held back with a copy of their bytes up to there), in lines
    // of a buffer as a CSV reader passes them, mixed with text rows.
    const ids = [
      'A',
      'C000123',
      'C0001234',
      'customer-000000042',
      'C000124',
      'B',
      'C00539599',
      'C00722382',
      'x'.repeat(23),
      'x'.repeat(24),
      `${'x'.repeat(22)}y`,
      'customer-account-000174628',
      'customer-account-001872066',
      // Held back with their bytes copied up to 64 characters (UUIDs), looked up at once beyond.
      'd3b07384-d113-4ec6-a1b7-35b3c0e4f2a1',
      'd3b07384-d113-4ec6-a1b7-35b3c0e4f2a2',
      `${'k'.repeat(30)}-first-of-a-pair`,
      `${'k'.repeat(30)}-other-of-a-pair`,
      'z'.repeat(64),
      'z'.repeat(65),
    ];
    const text = createLedgerBuilder(weeks);
    const mixed = createLedgerBuilder(weeks);
    for (let w = 0; w < 6; w++) {
      ids.forEach((id, i) => {
        const day = dayFromIso('2026-01-05') + 7 * w + i;
        const amount = 100 * (i + 1) + w;
        text.addSale(`x,${id},y`, 2, 2 + id.length, day, amount, w * 10 + i, undefined);
        if ((w + i) % 2 === 0) {
          const bytes = Buffer.from(`line ${w},${id},${amount}\n`, 'latin1');
          const from = bytes.indexOf(',') + 1;
          mixed.addSaleBytes(bytes, from, from + id.length, day, amount, w * 10 + i, undefined);
          bytes.fill(0x7e); // the reader reuses its buffer
        } else {
          mixed.addSale(id, 0, id.length, day, amount, w * 10 + i, undefined);
        }
      });
    }
    const expected = text.build();
    const ledger = mixed.build();
    expect([...ledger.customers.keys()]).toEqual(ids);
    for (const id of ids) {
      const a = ledger.customers.get(id);
      const b = expected.customers.get(id);
      expect(Array.from(a?.net ?? [])).toEqual(Array.from(b?.net ?? []));
      expect(a?.rows).toBe(6);
    }
    expect(ledger.latestRows).toEqual(expected.latestRows);
  });

  it('nets refunds against their own week and does not count them as sales', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2026-11-02', 10_00));
    b.add(row('A', '2026-11-03', -4_00));
    b.add(row('A', '2026-11-10', -3_00)); // a refund alone: net -3, no sale
    const a = b.build().customers.get('A');
    expect(a?.net).toEqual([6_00, -3_00]);
    expect(Array.from(a?.positive ?? [])).toEqual([1, 0]);
  });

  it('gives the same ledger whatever order the rows arrive in', () => {
    const rows: SaleRow[] = [];
    // Two customers over 100 weeks, so buffers must grow several times at either end.
    for (let w = 0; w < 100; w++) {
      rows.push({ customerId: 'A', day: dayFromIso('2024-01-01') + 7 * w, amountCents: 100 + w });
      if (w % 3 === 0) rows.push({ customerId: 'B', day: dayFromIso('2024-01-03') + 7 * w, amountCents: 5 });
    }
    const forward = createLedgerBuilder(weeks);
    for (const r of rows) forward.add(r);
    const backward = createLedgerBuilder(weeks);
    for (const r of [...rows].reverse()) backward.add(r);
    // Middle out (67, 66, 68, 65, ...): grows at both ends alternately.
    const middleOut = createLedgerBuilder(weeks);
    for (let k = 0; k < 67; k++) {
      for (const r of [rows[67 + k], rows[66 - k]]) if (r) middleOut.add(r);
    }

    const expectedA = Array.from({ length: 100 }, (_, w) => 100 + w);
    for (const b of [forward, backward, middleOut]) {
      const ledger = b.build();
      expect(ledger.customers.get('A')?.net).toEqual(expectedA);
      expect(ledger.customers.get('A')?.startPeriod).toBe(periodOfDay(dayFromIso('2024-01-01'), weeks));
      expect(ledger.customers.get('B')?.net).toEqual(
        Array.from({ length: 100 }, (_, w) => (w % 3 === 0 ? 5 : 0)),
      );
      expect(ledger.rows).toBe(134);
    }
  });

  it('grows a buffer far past its first period in one step', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2020-01-06', 1));
    b.add(row('A', '2026-01-05', 2)); // 313 weeks later
    b.add(row('A', '2010-01-04', 3)); // 522 weeks earlier
    const a = b.build().customers.get('A');
    expect(a?.net.length).toBe(522 + 313 + 1);
    expect(a?.net[0]).toBe(3);
    expect(a?.net[522]).toBe(1);
    expect(a?.net[835]).toBe(2);
    expect(Array.from(a?.net ?? []).reduce((s, x) => s + x, 0)).toBe(6);
  });

  it('folds days into calendar months', () => {
    const b = createLedgerBuilder(months);
    b.add(row('A', '2026-12-31', 1_00));
    b.add(row('A', '2027-01-01', 2_00));
    b.add(row('A', '2026-12-01', 4_00));
    b.add(row('A', '2026-10-15', 8_00));
    const a = b.build().customers.get('A');
    expect(a?.startPeriod).toBe(2026 * 12 + 9);
    expect(a?.net).toEqual([8_00, 0, 5_00, 2_00]);
  });

  it('counts rows per period across customers', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2026-11-16', 1));
    b.add(row('B', '2026-11-17', 1));
    b.add(row('A', '2026-11-02', 1));
    b.add(row('C', '2026-11-22', 0));
    const ledger = b.build();
    expect(ledger.rowsByPeriod).toEqual({
      startPeriod: periodOfDay(dayFromIso('2026-11-02'), weeks),
      counts: [1, 0, 3],
    });
    // A zero-amount row is a row but not a sale.
    expect(Array.from(ledger.customers.get('C')?.positive ?? [])).toEqual([0]);
  });

  it('counts rows by weekday and rows on their period’s first day', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2026-11-16', 1)); // Monday: a week start
    b.add(row('B', '2026-11-16', 1)); // same day again (the cached path)
    b.add(row('A', '2026-11-21', 1)); // Saturday
    b.add(row('C', '2026-11-22', -1)); // Sunday, a refund: still a row
    const ledger = b.build();
    expect(ledger.weekdayRows).toEqual([1, 2, 0, 0, 0, 0, 1]);
    expect(ledger.rowsOnPeriodStart).toBe(2);
  });

  it('counts the 1st of the month as a period start with month periods', () => {
    const b = createLedgerBuilder(months);
    b.add(row('A', '2026-11-01', 1)); // a Sunday, and the 1st
    b.add(row('A', '2026-11-02', 1)); // a Monday, but not a month start
    b.add(row('A', '2026-12-01', 1));
    expect(b.build().rowsOnPeriodStart).toBe(2);
  });

  it('refuses rows after build, which has released its buffers', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2026-11-02', 1));
    b.build();
    expect(() => b.add(row('A', '2026-11-03', 1))).toThrow(/after build/);
  });

  it('builds an empty ledger from no rows', () => {
    const ledger = createLedgerBuilder(weeks).build();
    expect(ledger.customers.size).toBe(0);
    expect(ledger.minDay).toBeNull();
    expect(ledger.maxDay).toBeNull();
    expect(ledger.rows).toBe(0);
    expect(ledger.rowsByPeriod).toBeUndefined();
    expect(ledger.weekdayRows).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(ledger.rowsOnPeriodStart).toBe(0);
  });
});

describe('createLedgerBuilder on random rows', () => {
  it('matches a naive fold for any rows in any order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customerId: fc.constantFrom('a', 'b', 'c', 'd'),
            day: fc.integer({ min: 20_000, max: 21_500 }),
            amountCents: centsArb,
          }),
          { minLength: 1, maxLength: 300 },
        ),
        fc.constantFrom<PeriodSpec>(weeks, months, { kind: 'week', weekStartsOn: 6 }),
        (rows, spec) => {
          const b = createLedgerBuilder(spec);
          for (const r of rows) b.add(r);
          const ledger = b.build();
          expectLedgerMatchesNaiveFold(ledger, rows, spec);
          expect(ledger.rows).toBe(rows.length);
          expect(ledger.rowsByPeriod?.counts.reduce((s, n) => s + n, 0)).toBe(rows.length);
          expect(ledger.minDay).toBe(Math.min(...rows.map((r) => r.day)));
          expect(ledger.maxDay).toBe(Math.max(...rows.map((r) => r.day)));
          expect(ledger.weekdayRows?.reduce((s, n) => s + n, 0)).toBe(rows.length);
          expect(ledger.rowsOnPeriodStart).toBe(
            rows.filter((r) => periodStartDay(periodOfDay(r.day, spec), spec) === r.day).length,
          );
        },
      ),
    );
  });
});

describe('createLedgerBuilder on rows in no date order, many customers (the blocks)', () => {
  it('matches a naive fold when most periods are sparse and the periods seen widen as rows come', () => {
    // Thousands of rows over spans around 16 weeks (a first block's size) and a long one, shuffled
    // or by customer: a few customers with many rows (their blocks grow inside the periods seen so
    // far) among many with few, so that periods stay sparse and rows go to the customers' blocks.
    // (Rows drawn from a seed: fast-check's own arrays stay short, and this needs thousands.)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.constantFrom(100, 105, 110, 112, 113, 119, 280),
        fc.constantFrom(50, 600, 20_000),
        fc.boolean(),
        (seed, spanDays, customers, byCustomer) => {
          const next = seededRandom(seed);
          const rows: SaleRow[] = [];
          for (let i = 0; i < 3_000; i++) {
            const customer = next() < 0.5 ? Math.floor(next() * 30) : Math.floor(next() * customers);
            rows.push({
              customerId: `C${customer}`,
              day: 20_000 + Math.floor(next() * spanDays),
              amountCents: Math.floor(next() * 100_000) - 5_000,
            });
          }
          if (byCustomer) rows.sort((a, b) => a.customerId.localeCompare(b.customerId) || a.day - b.day);
          const b = createLedgerBuilder(weeks);
          for (const r of rows) b.add(r);
          expectLedgerMatchesNaiveFold(b.build(), rows, weeks);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('sums past 32 bits (the blocks and the parts keep 32-bit cents while they fit)', () => {
  it('match a naive fold in one builder and through merged byte-range parts, in any order', () => {
    // Many customers, so that periods stay sparse and rows go to the blocks; a few hot customers
    // and weeks take most of the huge amounts, so that cells go past 32 bits, get more rows there,
    // and some come back within range. (Rows drawn from a seed, as above.)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 30 }), fc.boolean(), (seed, dateOrder) => {
        const next = seededRandom(seed);
        const rows: SaleRow[] = [];
        for (let i = 0; i < 2_000; i++) {
          const hot = next() < 0.3;
          const huge = [2 ** 31 - 1, -(2 ** 31), 2 ** 30 + 7, -(2 ** 30) - 3][
            Math.floor(next() * 4)
          ] as number;
          rows.push({
            customerId: `C${hot ? Math.floor(next() * 4) : Math.floor(next() * 800)}`,
            day: 20_000 + (hot ? 7 * Math.floor(next() * 3) : Math.floor(next() * 200)),
            amountCents: hot ? huge : Math.floor(next() * 100_000) - 5_000,
          });
        }
        if (dateOrder) rows.sort((a, b) => a.day - b.day);
        const partOf = (some: readonly SaleRow[]) => {
          const b = createLedgerBuilder(weeks);
          for (const r of some) b.add(r);
          return b.buildPart();
        };
        expectLedgerMatchesNaiveFold(ledgerFromPart(weeks, partOf(rows)), rows, weeks);
        const cut = Math.floor(next() * rows.length);
        const merged = mergeLedgerParts([partOf(rows.slice(0, cut)), partOf(rows.slice(cut))]);
        expectLedgerMatchesNaiveFold(ledgerFromPart(weeks, merged), rows, weeks);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps 32-bit cents in parts and merges whose sums fit', () => {
    const rows = [row('A', '2026-03-02', 2 ** 31 - 2), row('B', '2026-01-05', 5), row('A', '2026-03-03', 1)];
    const b = createLedgerBuilder(weeks);
    for (const r of rows) b.add(r);
    const part = b.buildPart();
    expect(part.net).toBeInstanceOf(Int32Array);
    const again = createLedgerBuilder(weeks);
    again.add(row('A', '2026-03-04', 1));
    const merged = mergeLedgerParts([part, again.buildPart()]);
    expect(merged.net).toBeInstanceOf(Float64Array);
    expect(ledgerFromPart(weeks, merged).customers.get('A')?.net[0]).toBe(2 ** 31);
  });
});

describe('createLedgerBuilder on date-ordered rows (the period-major window)', () => {
  it('matches a naive fold for many customers in date order with some late rows', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customer: fc.integer({ min: 0, max: 2_999 }),
            day: fc.integer({ min: 20_000, max: 20_400 }),
            amountCents: fc.integer({ min: -50_00, max: 500_00 }),
          }),
          { minLength: 1, maxLength: 4_000 },
        ),
        fc.integer({ min: 0, max: 40 }),
        (drawn, late) => {
          // Date order (as most exports are), then `late` rows moved to the end: they land before
          // the window and take the slow path.
          const rows: SaleRow[] = drawn
            .map((d) => ({ customerId: `C${d.customer}`, day: d.day, amountCents: d.amountCents }))
            .sort((a, b) => a.day - b.day);
          const moved = rows.splice(0, Math.min(late, rows.length - 1));
          rows.push(...moved);
          const b = createLedgerBuilder(weeks);
          for (const r of rows) b.add(r);
          const ledger = b.build();
          expectLedgerMatchesNaiveFold(ledger, rows, weeks);
          const counts = new Map<number, number>();
          for (const r of rows)
            counts.set(periodOfDay(r.day, weeks), (counts.get(periodOfDay(r.day, weeks)) ?? 0) + 1);
          const start = Math.min(...counts.keys());
          expect(ledger.rowsByPeriod?.startPeriod).toBe(start);
          for (const [p, n] of counts) expect(ledger.rowsByPeriod?.counts[p - start]).toBe(n);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('keeps a period that the window has already passed when its rows come late', () => {
    const b = createLedgerBuilder(weeks);
    // Weeks 0..9 in order for A, then a row back in week 1 for A and one for a new customer B.
    for (let w = 0; w < 10; w++) b.add(row('A', isoWeek(w), 1_00));
    b.add(row('A', isoWeek(1), 50));
    b.add(row('B', isoWeek(0), -2_00));
    const ledger = b.build();
    expect(ledger.customers.get('A')?.net).toEqual([100, 150, 100, 100, 100, 100, 100, 100, 100, 100]);
    expect(ledger.customers.get('B')?.net).toEqual([-200]);
    expect(Array.from(ledger.customers.get('B')?.positive ?? [])).toEqual([0]);
    expect(ledger.rowsByPeriod?.counts).toEqual([2, 2, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('keeps apart customer ids that differ only in case, length or characters, or share a hash', () => {
    // C449599 and C612382 have the same 32-bit FNV-1a hash, the ledger's table hash (ids of up to
    // 23 characters are compared in the table slot); so do CUST539599 and CUST722382, and
    // customer-account-000174628 and customer-account-001872066 (longer ids are compared with the
    // id string). 'A' and 'A\u0000' pack to the same bytes but differ in length.
    const ids = [
      'a',
      'A',
      'aa',
      '',
      'é',
      'e\u0301',
      'C449599',
      'C612382',
      '１',
      'A\u0000',
      'C4495990',
      'CUST539599',
      'CUST722382',
      'customer-account-000174628',
      'customer-account-001872066',
      'x'.repeat(23),
      `${'x'.repeat(23)}\u0000`,
      'ÿ'.repeat(23),
      'ÿÿÿÿÿÿÿ',
      '客户',
    ];
    const b = createLedgerBuilder(weeks);
    ids.forEach((id, i) => {
      b.add(row(id, '2026-11-02', i + 1));
      b.add(row(id, '2026-11-03', 100));
    });
    const ledger = b.build();
    expect([...ledger.customers.keys()]).toEqual(ids);
    ids.forEach((id, i) => {
      expect(ledger.customers.get(id)?.net).toEqual([i + 101]);
      expect(ledger.customers.get(id)?.rows).toBe(2);
    });
  });

  it('records a zero-amount row as a period with a row but no sale, inside the window', () => {
    const b = createLedgerBuilder(weeks);
    b.add(row('A', '2026-11-02', 5_00));
    b.add(row('A', '2026-11-16', 0)); // two weeks later: the week between has no row
    const a = b.build().customers.get('A');
    expect(a?.net).toEqual([5_00, 0, 0]);
    expect(Array.from(a?.positive ?? [])).toEqual([1, 0, 0]);
  });
});

/** Monday of the `w`-th week from 2026-01-05. */
function isoWeek(w: number): string {
  return new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10);
}

describe('ledger parts without per-weekday counts or latest rows', () => {
  function partOf(rows: SaleRow[]) {
    const b = createLedgerBuilder(weeks);
    for (const r of rows) b.add(r);
    return b.buildPart();
  }

  it('gives a ledger without them, as a source that does not know them (a database) says', () => {
    const part = partOf([row('A', '2026-11-02', 10_00), row('B', '2026-11-10', 5_00)]);
    delete part.weekdayRows;
    delete part.latestRows;
    const ledger = ledgerFromPart(weeks, part);
    expect('weekdayRows' in ledger).toBe(false);
    expect('latestRows' in ledger).toBe(false);
    expect(ledger.customers.get('B')?.net).toEqual([5_00]);
  });

  it('merges to no per-weekday counts when one part lacks them, and keeps the latest rows it has', () => {
    const first = partOf([row('A', '2026-11-02', 10_00)]);
    const second = partOf([row('B', '2026-11-10', 5_00)]);
    delete second.weekdayRows;
    delete second.latestRows;
    const merged = mergeLedgerParts([first, second]);
    expect(merged.weekdayRows).toBeUndefined();
    expect(merged.latestRows).toEqual([{ day: dayFromIso('2026-11-02'), customerId: 'A' }]);
    expect(mergeLedgerParts([first, partOf([row('B', '2026-11-10', 5_00)])]).weekdayRows).toEqual([
      0, 1, 1, 0, 0, 0, 0,
    ]);
  });
});

describe('mergeLedgerParts', () => {
  const partOf = (rows: readonly SaleRow[]) => {
    const b = createLedgerBuilder(weeks);
    for (const r of rows) b.add(r);
    return b.buildPart();
  };
  // Short, long (beyond the packed keys), non-ASCII ids and ids that are prefixes of each other.
  const idArb = fc.oneof(
    fc.constantFrom(
      'A',
      'AB',
      'ABC',
      'Ünal GmbH',
      'C000001',
      'C0000010',
      'x'.repeat(40),
      `${'x'.repeat(40)}y`,
    ),
    fc.string({ minLength: 1, maxLength: 6 }),
  );
  const rowArb = fc.record(
    {
      customerId: idArb,
      day: fc.integer({ min: dayFromIso('2026-01-05'), max: dayFromIso('2026-12-27') }),
      amountCents: centsArb,
      storeId: fc.constantFrom('ST1', 'ST2', 'ST3', 'ST4'),
    },
    { requiredKeys: ['customerId', 'day', 'amountCents'] },
  );

  it('gives the part one builder makes of all the rows, wherever they are split', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        (rows, cuts) => {
          const at = [...new Set(cuts.map((c) => c % (rows.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...at, rows.length]
            .slice(1)
            .map((end, k, ends) => rows.slice(k === 0 ? 0 : ends[k - 1], end));
          const merged = mergeLedgerParts(pieces.map(partOf));
          const whole = partOf(rows);
          expect(merged.ids).toBe(whole.ids);
          expect(Array.from(merged.idEnds)).toEqual(Array.from(whole.idEnds));
          expect(Array.from(merged.startPeriod)).toEqual(Array.from(whole.startPeriod));
          expect(Array.from(merged.length)).toEqual(Array.from(whole.length));
          expect(Array.from(merged.customerRows)).toEqual(Array.from(whole.customerRows));
          expect(Array.from(merged.net)).toEqual(Array.from(whole.net));
          expect(Array.from(merged.sale)).toEqual(Array.from(whole.sale));
          expect(storeRowsByCustomer(merged)).toEqual(storeRowsByCustomer(whole));
          expect([...(ledgerFromPart(weeks, merged).customerStores ?? [])]).toEqual([
            ...(ledgerFromPart(weeks, whole).customerStores ?? []),
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('tells apart ids with the same hash, of the same length or not', () => {
    // FNV-1a pairs: C00539599 / C00722382, C824619 / C1719080.
    const rows = ['C00539599', 'C824619', 'C00722382', 'C1719080', 'C00539599', 'C1719080'].map((id, i) =>
      row(id, isoWeek(i), (i + 1) * 1_00),
    );
    const merged = mergeLedgerParts([
      partOf(rows.slice(0, 2)),
      partOf(rows.slice(2, 4)),
      partOf(rows.slice(4)),
    ]);
    expect(merged.ids).toBe('C00539599C824619C00722382C1719080');
    expect(Array.from(merged.customerRows)).toEqual([2, 1, 1, 2]);
    expect(Array.from(merged.net)).toEqual(Array.from(partOf(rows).net));
  });

  it('stops, before allocating, parts whose joined spans outgrow the memory cap', () => {
    // Each part spans one week per customer; joined, 5,000 customers span 1900 to 2990.
    const ids = Array.from({ length: 5_000 }, (_, i) => `C${i}`);
    const early = partOf(ids.map((id) => row(id, '1900-01-01', 1_00)));
    const late = partOf(ids.map((id) => row(id, '2990-12-31', 1_00)));
    expect(() => mergeLedgerParts([early, late])).toThrow(/span too many periods .* these 10,000 rows/);
    const near = partOf(ids.map((id) => row(id, '1900-02-05', 1_00)));
    expect(mergeLedgerParts([early, near]).net.length).toBe(5_000 * 6);
  });

  it('finds 20,000 customers met in every part, in another order in each', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `C${String(i).padStart(6, '0')}`);
    const early = ids.map((id, i) => row(id, '2026-03-02', i + 1));
    const late = [...ids].reverse().map((id) => row(id, '2026-09-07', 1_00));
    const merged = mergeLedgerParts([partOf(early), partOf(late)]);
    const whole = partOf([...early, ...late]);
    expect(merged.idEnds.length).toBe(20_000);
    expect(merged.ids).toBe(whole.ids);
    expect(Array.from(merged.net)).toEqual(Array.from(whole.net));
  });
});

describe('partitioned builders', () => {
  // Rows with lines and, for some, a store; ids short, long, non-ASCII; through add and addSaleBytes.
  const rowArb = fc.record({
    customerId: fc.oneof(
      fc.constantFrom('A', 'B', 'C000001', 'C00539599', 'C00722382', 'Ünal', 'x'.repeat(30)),
      fc.stringMatching(/^[A-Z0-9]{1,8}$/),
    ),
    day: fc.integer({ min: dayFromIso('2026-01-05'), max: dayFromIso('2026-12-27') }),
    amountCents: fc.integer({ min: -50_00, max: 500_00 }),
    store: fc.option(fc.constantFrom('S1', 'S2'), { nil: undefined }),
    bytes: fc.boolean(),
  });
  const fold = (
    rows: readonly {
      customerId: string;
      day: number;
      amountCents: number;
      store: string | undefined;
      bytes: boolean;
    }[],
    partition?: { index: number; count: number },
  ) => {
    const b = createLedgerBuilder(weeks, { partition });
    rows.forEach((r, i) => {
      const ascii = /^[\x20-\x7e]*$/.test(r.customerId);
      if (r.bytes && ascii) {
        const text = `${r.customerId},`;
        b.addSaleBytes(
          Buffer.from(text, 'latin1'),
          0,
          r.customerId.length,
          r.day,
          r.amountCents,
          i + 2,
          r.store,
        );
      } else {
        b.addSale(r.customerId, 0, r.customerId.length, r.day, r.amountCents, i + 2, r.store);
      }
    });
    return b.buildPart();
  };
  const plain = (part: ReturnType<typeof fold>) => {
    const { firstLines: _f, ...rest } = part;
    return JSON.parse(
      JSON.stringify({
        ...rest,
        idEnds: Array.from(rest.idEnds),
        startPeriod: Array.from(rest.startPeriod),
        length: Array.from(rest.length),
        customerRows: Array.from(rest.customerRows),
        net: Array.from(rest.net),
        sale: Array.from(rest.sale),
        periodRows: Array.from(rest.periodRows),
        storeRows: rest.storeRows === undefined ? null : storeRowsByCustomer(part),
      }),
    );
  };

  it('fold each customer into exactly one partition, and merge to the one-builder part', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { minLength: 1, maxLength: 150 }),
        fc.integer({ min: 2, max: 4 }),
        (rows, count) => {
          const parts = Array.from({ length: count }, (_, index) => fold(rows, { index, count }));
          const seen = parts.flatMap((p) => [...ledgerFromPart(weeks, p).customers.keys()]);
          expect(new Set(seen).size).toBe(seen.length);
          for (const [k, p] of parts.entries()) {
            for (const id of ledgerFromPart(weeks, p).customers.keys())
              expect(partitionOfId(id, count)).toBe(k);
          }
          expect(plain(mergePartitionedParts(parts))).toEqual(plain(fold(rows)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the latest rows of equal days in row order across partitions', () => {
    // 60 customers on one day: more than LATEST_ROWS_KEPT ties.
    const rows = Array.from({ length: 60 }, (_, i) => ({
      customerId: `C${i}`,
      day: dayFromIso('2026-06-01'),
      amountCents: 1_00,
      store: undefined,
      bytes: false,
    }));
    const merged = mergePartitionedParts([
      fold(rows, { index: 0, count: 2 }),
      fold(rows, { index: 1, count: 2 }),
    ]);
    expect(merged.latestRows?.map((r) => r.line)).toEqual(fold(rows).latestRows?.map((r) => r.line));
    expect(merged.latestRows?.[0]?.customerId).toBe('C0');
  });

  it('refuses a part without first lines, and a partition outside its count', () => {
    expect(() => mergePartitionedParts([fold([]), fold([])])).toThrow(/first lines/);
    expect(() => createLedgerBuilder(weeks, { partition: { index: 2, count: 2 } })).toThrow(
      /partition 2 of 2/,
    );
  });
});

describe('createLedgerBuilder: rows per store', () => {
  it('counts each customer’s rows per store, as a naive count does', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            customer: fc.integer({ min: 0, max: 400 }),
            store: fc.option(fc.integer({ min: 0, max: 11 }), { nil: undefined }),
            day: fc.integer({ min: 20_000, max: 20_200 }),
          }),
          { minLength: 1, maxLength: 3_000, size: 'max' },
        ),
        (drawn) => {
          const rows: SaleRow[] = drawn.map((d) => ({
            customerId: `C${d.customer}`,
            day: d.day,
            amountCents: 100,
            ...(d.store === undefined ? {} : { storeId: `ST${d.store}` }),
          }));
          // The naive count: a map per customer, made at its first row with a store.
          const expected = new Map<string, Map<string, number>>();
          for (const r of rows) {
            if (r.storeId === undefined) continue;
            let counts = expected.get(r.customerId);
            if (counts === undefined) {
              counts = new Map();
              expected.set(r.customerId, counts);
            }
            counts.set(r.storeId, (counts.get(r.storeId) ?? 0) + 1);
          }
          const b = createLedgerBuilder(weeks);
          for (const r of rows) b.add(r);
          const part = b.buildPart();
          expect(storeRowsByCustomer(part)).toEqual(
            [...expected]
              .map(([c, counts]): [string, [string, number][]] => [
                c,
                [...counts].sort(([a], [b]) => (a < b ? -1 : 1)),
              ])
              .sort(([a], [b]) => (a < b ? -1 : 1)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
