/**
 * The plain-line reader (`plainLine` in _read-sales-in-thread.ts) takes most lines of a sales file
 * whole, without a record; every other line goes through the tokenizer and `onRecord`. Over files
 * that mix both kinds line by line, the ledger and the data quality must be those of the csv-parse
 * engine, which never offers a line to the plain-line reader.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodSpec } from '../../../src/core/types.ts';
import { plainLineStats } from '../../../src/sources/csv/_read-sales-in-thread.ts';
import { readSalesLedgerCsv, type SalesCsvOptions } from '../../../src/sources/csv/read-sales-csv.ts';

const WEEKS: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const RUNS = Number(process.env.CSV_PROPERTY_RUNS ?? 120);

/** The ledger and data quality as plain JSON, to compare two reads. */
async function readLedger(options: Partial<SalesCsvOptions> & { path: string }): Promise<unknown> {
  const { ledger, dataQuality } = await readSalesLedgerCsv({ threads: false, ...options }, WEEKS);
  return JSON.parse(
    JSON.stringify({
      dataQuality: { ...dataQuality, source: '' },
      ledger: {
        ...ledger,
        customers: [...ledger.customers.values()].map((c) => ({
          ...c,
          net: Array.from(c.net),
          positive: Array.from(c.positive),
        })),
        customerStores: ledger.customerStores === undefined ? null : [...ledger.customerStores],
      },
    }),
  );
}

/**
 * `readLedger` of `options.path`, and how many of its lines the plain-line reader took; the ledger
 * and data quality must be the csv-parse engine's too (which never offers a line to that reader).
 */
async function readCountingPlain<T = unknown>(
  options: Partial<SalesCsvOptions> & { path: string },
): Promise<{ fast: T; plainLines: number }> {
  const before = plainLineStats.lines;
  const fast = await readLedger(options);
  const plainLines = plainLineStats.lines - before;
  expect(fast).toEqual(await readLedger({ ...options, engine: 'csv-parse' }));
  return { fast: fast as T, plainLines };
}

/** Fields as written: plain ones, and each way a value can leave the plain path. */
const customer = fc.constantFrom('C1', 'C2', 'C3', 'C10', ' C1', 'C2 ', '"C3"', '', 'C\t4', 'Cé');
const date = fc.constantFrom(
  '2026-03-02',
  '2026-03-02',
  '2026-03-09',
  '2026-03-16',
  '2026-03-16T10:00:00Z',
  ' 2026-03-09',
  '2026-03-09 ',
  '"2026-03-16"',
  '2026-13-01',
  '',
);
const amount = fc.constantFrom(
  '10',
  '10.5',
  '10.50',
  '-3.25',
  '0',
  '-0',
  '12.',
  '.5',
  '1.234',
  '$12.00',
  '12 ',
  ' 12',
  '"1,234.50"',
  '12,5',
  'abc',
  '1e3',
  '+4',
  '12345678901234',
  '',
);
const order = fc.constantFrom('S1', 'S2', '', '"S,3"');
const line = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(customer, date, amount, order).map((fields) => fields.join(',')) },
  // A field too many or too few, a blank line, a line of spaces.
  { weight: 1, arbitrary: fc.constantFrom('C1,2026-03-02,5,S1,extra', 'C1,2026-03-02', '', '   ') },
);

/** Quantities: plain ones, and each way one can leave the plain path (or be rejected). */
const quantity = fc.constantFrom(
  '3',
  '3',
  '-2',
  '1.5',
  '0',
  '',
  ' 3',
  '3 ',
  '3.',
  '.5',
  '1,000',
  '+4',
  '1e3',
  'x',
  '-',
  '2.5.1',
);
const lineWithQuantity = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.tuple(customer, date, amount, order, quantity).map((fields) => fields.join(',')),
  },
  { weight: 1, arbitrary: fc.constantFrom('C1,2026-03-02,5,S1', 'C1,2026-03-02,5,S1,2,extra', '') },
);

describe('the plain-line reader', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revgap-plain-line-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /**
   * Files of `header`, a good first row (a file with no data row fails alike, and is not the point)
   * and drawn lines, LF or CRLF: the fast engine gives csv-parse's ledger and data quality, or its
   * error.
   */
  async function expectEnginesAgree(
    name: string,
    header: string,
    first: string,
    line: fc.Arbitrary<string>,
    options: Partial<SalesCsvOptions> = {},
  ): Promise<void> {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 40 }), fc.boolean(), async (lines, crlf) => {
        const eol = crlf ? '\r\n' : '\n';
        const path = join(dir, `${name}-${run++}.csv`);
        await writeFile(path, `${header}${eol}${[first, ...lines].join(eol)}${eol}`);
        const reference = await readLedger({ path, ...options, engine: 'csv-parse' }).catch(
          (error: Error) => error.message,
        );
        const fast = await readLedger({ path, ...options }).catch((error: Error) => error.message);
        expect(fast).toEqual(reference);
      }),
      { numRuns: RUNS },
    );
  }

  it('gives the ledger and data quality of the csv-parse engine, line endings LF or CRLF', async () => {
    await expectEnginesAgree('sales', 'customer_id,date,amount,order_id', 'C1,2026-03-02,1,S0', line);
  });

  it('gives the ledger and data quality of the csv-parse engine with a quantity column', async () => {
    await expectEnginesAgree(
      'sales-quantity',
      'customer_id,date,amount,order_id,quantity',
      'C1,2026-03-02,1,S0,1',
      lineWithQuantity,
    );
  });

  it('gives the ledger and data quality of the csv-parse engine with a decimal comma (--decimal ,)', async () => {
    const commaAmount = fc.constantFrom(
      '10',
      '10,5',
      '10,50',
      '-3,25',
      '0',
      '12,',
      ',5',
      '1.234,50',
      '1.234',
      '12,345',
      '12.5',
      '€12,00',
      ' 12,5',
      '',
    );
    const commaLine = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.tuple(customer, date, commaAmount, order).map((fields) => fields.join(';')),
      },
      { weight: 1, arbitrary: fc.constantFrom('C1;2026-03-02;5;S1;extra', 'C1;2026-03-02', '') },
    );
    await expectEnginesAgree(
      'sales-comma',
      'customer_id;date;amount;order_id',
      'C1;2026-03-02;1,5;S0',
      commaLine,
      {
        decimal: ',',
      },
    );
    // The plain path is taken: the lines after the first of a date.
    const path = join(dir, 'comma-plain.csv');
    await writeFile(
      path,
      'customer_id;date;amount;order_id\nC1;2026-03-02;1,5;S1\nC2;2026-03-02;2,50;S2\nC3;2026-03-02;-3;S3\n',
    );
    const { plainLines } = await readCountingPlain({ path, decimal: ',' });
    expect(plainLines).toBe(2);
  });

  it('gives the ledger (stores included) and data quality of the csv-parse engine with a store column', async () => {
    const store = fc.constantFrom(
      'ST1',
      'ST1',
      'ST2',
      'Main Street',
      '',
      ' ST1',
      'ST2 ',
      '"ST,3"',
      'a-store-id-longer-than-thirty-two-characters',
    );
    const storeLine = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.tuple(customer, date, amount, order, store).map((fields) => fields.join(',')),
      },
      { weight: 1, arbitrary: fc.constantFrom('C1,2026-03-02,5,S1', '') },
    );
    await expectEnginesAgree(
      'sales-store',
      'customer_id,date,amount,order_id,store_id',
      'C1,2026-03-02,1,S0,ST1',
      storeLine,
    );
    // The plain path is taken, and each customer's main store is the one of most of its rows.
    const path = join(dir, 'store-plain.csv');
    const lines = [
      'C1,2026-03-02,1,S1,ST1',
      'C1,2026-03-02,2,S2,ST2',
      'C1,2026-03-02,3,S3,ST2',
      'C2,2026-03-02,4,S4,',
      'C2,2026-03-02,5,S5,ST1',
      'C3,2026-03-02,6,S6, ST3',
    ];
    await writeFile(path, `customer_id,date,amount,order_id,store_id\n${lines.join('\n')}\n`);
    const {
      fast: { ledger },
      plainLines,
    } = await readCountingPlain<{ ledger: { customerStores: [string, string][] } }>({ path });
    expect(plainLines).toBe(4);
    expect(ledger.customerStores).toEqual([
      ['C1', 'ST2'],
      ['C2', 'ST1'],
      ['C3', 'ST3'],
    ]);
  });

  it('takes the long ASCII runs of a file with accents whole, decodes the rest, duplicates in both counted', async () => {
    const path = join(dir, 'accents.csv');
    // Lines with a character past ASCII are decoded and tokenised, with the short ASCII runs
    // between them; runs of 1 KiB and more are read as bytes. A duplicate pair is two equal lines,
    // so both take the same path; a quoted value holding a line break and an accent is decoded whole.
    const run = (from: number): string[] =>
      Array.from({ length: 50 }, (_, k) => `C${from + k},2026-03-02,${k + 1},T${from + k},Tea`);
    const first = run(100);
    first[10] = first[9] as string; // an ASCII duplicate pair
    const lines = [
      'C1,2026-03-02,10,S1,Café',
      ...first,
      'C4,2026-03-02,7,S4,Crème brûlée',
      'C4,2026-03-02,7,S4,Crème brûlée',
      'C5,2026-03-02,8,S5,"two',
      'lines, é"',
      ...run(200),
      'Cé,2026-03-02,1,S7,Bagel',
      'C7,2026-03-02,2,S8,Bagel',
    ];
    await writeFile(path, `customer_id,date,amount,order_id,product\n${lines.join('\n')}\n`);
    const { fast, plainLines } = await readCountingPlain<{
      dataQuality: { duplicateRows: number; rowsAccepted: number };
    }>({ path });
    expect(plainLines).toBe(101);
    expect(fast.dataQuality.duplicateRows).toBe(2);
    expect(fast.dataQuality.rowsAccepted).toBe(106);
  });

  it('gives the ledger and data quality of the csv-parse engine with fields quoted, each or all', async () => {
    // Any field of a drawn line may be quoted ("..."), with an escaped quote or a line break inside
    // now and then (well-formed quoting only: the two engines word a malformed quote differently;
    // a field holding a quote already is left as drawn).
    const quoting = fc.constantFrom('', '', '"', 'doubled', 'break');
    const quoted = fc
      .tuple(customer, date, amount, order, quoting, quoting, quoting, quoting)
      .map(([c, d, a, o, ...how]) =>
        [c, d, a, o]
          .map((field, k) => {
            const q = how[k];
            if (field.includes('"') || q === '') return field;
            if (q === 'doubled') return `"${field}""x"`;
            if (q === 'break') return `"${field}\nnext"`;
            return `"${field}"`;
          })
          .join(','),
      );
    await expectEnginesAgree(
      'sales-quoted',
      'customer_id,date,amount,order_id',
      '"C1","2026-03-02","1","S0"',
      quoted,
    );
    // Every field quoted: the lines after the first of a date are taken whole.
    const path = join(dir, 'quoted-plain.csv');
    await writeFile(
      path,
      'customer_id,date,amount,order_id\n"C1","2026-03-02","10","S1"\n"C2","2026-03-02","5.50","S2"\n"C3","2026-03-02","-3",""\n',
    );
    const { plainLines } = await readCountingPlain({ path });
    expect(plainLines).toBe(2);
  });

  it('gives the ledger and data quality of the csv-parse engine with timestamps for dates', async () => {
    // Dates with a time (exports that write when each order was placed): the day is the date's,
    // the time checked for shape only; malformed times, blank padding and bare dates mixed in.
    const stamp = fc.constantFrom(
      '2026-03-02',
      '2026-03-09',
      '2026-03-02T10:15:00Z',
      '2026-03-02 23:59:59',
      '2026-03-02t00:00',
      '2026-03-09T08:30:00.123+01:00',
      '2026-03-09 24:00:00',
      '2026-03-09 12:60:00',
      '2026-03-09T1:30:00',
      '2026-03-09T',
      '2026-03-09 10:15:00 ',
      '2026-03-09_10:15:00',
      '2026-02-30 10:00:00',
    );
    const stampLine = fc.tuple(customer, stamp, amount, order).map((fields) => fields.join(','));
    await expectEnginesAgree(
      'sales-stamp',
      'customer_id,date,amount,order_id',
      'C1,2026-03-02,1,S0',
      stampLine,
    );
    // A time on every line: after the first of a date, the lines are taken whole.
    const path = join(dir, 'stamps.csv');
    const lines = [
      'C1,2026-03-02T09:00:00Z,10,S1',
      'C2,2026-03-02T09:05:17Z,5,S2',
      'C3,2026-03-02 23:59:59,5,S3',
      'C4,2026-03-02T24:00:00Z,5,S4',
    ];
    await writeFile(path, `customer_id,date,amount,order_id\n${lines.join('\n')}\n`);
    const { fast, plainLines } = await readCountingPlain<{ dataQuality: { rowsRejected: number } }>({ path });
    expect(plainLines).toBe(2);
    expect(fast.dataQuality.rowsRejected).toBe(1);
  });

  it('gives the ledger and data quality of the csv-parse engine with US dates and times (MM/DD/YYYY)', async () => {
    const usDate = fc.constantFrom(
      '3/2/2026',
      '03/09/2026',
      '3/2/2026 10:15',
      '3/2/2026 1:45 PM',
      '03/09/2026 23:59:59',
      '3/9/2026 x',
      '3/9/2026  10:15',
      '3/9/2026 10:15 ',
      '3/9/20261 10:15',
      '2/30/2026 10:00',
      '3/9/2026\t10:15 AM',
    );
    const usLine = fc.tuple(customer, usDate, amount, order).map((fields) => fields.join(','));
    await expectEnginesAgree('sales-us', 'customer_id,date,amount,order_id', 'C1,3/2/2026,1,S0', usLine, {
      dateFormat: 'MM/DD/YYYY',
    });
    // A time on every line: after the first of a date, the lines are taken whole.
    const path = join(dir, 'us-stamps.csv');
    const lines = ['C1,11/24/2025 9:00,10,S1', 'C2,11/24/2025 9:05,5,S2', 'C3,11/24/2025 1:45 PM,5,S3'];
    await writeFile(path, `customer_id,date,amount,order_id\n${lines.join('\n')}\n`);
    const { plainLines } = await readCountingPlain({ path, dateFormat: 'MM/DD/YYYY' });
    expect(plainLines).toBe(2);
  });

  it('takes lines with a plain quantity whole, and leaves the others to the tokenizer', async () => {
    const path = join(dir, 'quantity.csv');
    // After the first line (a new date), the plain quantities (whole, negative, decimal, empty) are
    // taken; " 3", "3." and "1,000" go to the tokenizer (still good rows), "x" is rejected there.
    const lines = [
      'C1,2026-03-02,10,S1,1',
      'C2,2026-03-02,5,S2,2',
      'C3,2026-03-02,5,S3,-1',
      'C4,2026-03-02,5,S4,1.5',
      'C5,2026-03-02,5,S5,',
      'C6,2026-03-02,5,S6, 3',
      'C7,2026-03-02,5,S7,3.',
      'C8,2026-03-02,5,S8,"1,000"',
      'C9,2026-03-02,5,S9,x',
    ];
    await writeFile(path, `customer_id,date,amount,order_id,quantity\n${lines.join('\n')}\n`);
    const { fast, plainLines } = await readCountingPlain<{
      dataQuality: { rowsAccepted: number; rowsRejected: number; problems: { line: number }[] };
    }>({ path });
    expect(plainLines).toBe(4);
    expect(fast.dataQuality.rowsAccepted).toBe(8);
    expect(fast.dataQuality.problems.map((p) => p.line)).toEqual([10]);
  });

  it('reads the plain lines whole: the same ledger as the tokenizer would give', async () => {
    const path = join(dir, 'plain.csv');
    // The first line of each date is parsed (a new date); the lines after it are plain, two of
    // them duplicates of the line before, which the counts must still find. The one amount with
    // three decimals is not "every amount with a dot" (the plain lines' dots count too).
    const lines = [
      'C1,2026-03-02,10,S1',
      'C2,2026-03-02,5.50,S2',
      'C3,2026-03-02,-2.5,S3',
      'C3,2026-03-02,-2.5,S3',
      'C1,2026-03-09,7,S4',
      'C2,2026-03-09,1.234,S5',
      'C10,2026-03-09,3.10,S6',
      'C10,2026-03-09,3.10,S6',
    ];
    await writeFile(path, `customer_id,date,amount,order_id\r\n${lines.join('\r\n')}\r\n`);
    const { fast, plainLines } = await readCountingPlain<{
      dataQuality: { duplicateRows: number; rowsAccepted: number; notes?: string[] };
    }>({ path });
    expect(plainLines).toBe(5);
    expect((fast.dataQuality.notes ?? []).join(' ')).not.toContain('three digits');
    expect(fast.dataQuality.rowsAccepted).toBe(8);
    expect(fast.dataQuality.duplicateRows).toBe(2);
  });

  it('takes a line whose date was parsed on any line before, not only the last (a file sorted by customer)', async () => {
    const path = join(dir, 'by-customer.csv');
    // Each customer's rows in date order, so the date changes on every line: the first line of
    // each date is parsed, every later one is plain. A bad date is never remembered: both of its
    // lines are reported.
    const lines = [
      'C1,2026-03-02,10,S1',
      'C1,2026-03-09,7,S2',
      'C1,2026-13-01,1,S3',
      'C2,2026-03-02,5.50,S4',
      'C2,2026-03-09,1.25,S5',
      'C2,2026-13-01,2,S6',
      'C3,2026-03-02,-2.5,S7',
      'C3,2026-03-09,3,S8',
    ];
    await writeFile(path, `customer_id,date,amount,order_id\n${lines.join('\n')}\n`);
    const { fast, plainLines } = await readCountingPlain<{
      dataQuality: { rowsAccepted: number; rowsRejected: number; problems: { line: number }[] };
    }>({ path });
    expect(plainLines).toBe(4);
    expect(fast.dataQuality.rowsAccepted).toBe(6);
    expect(fast.dataQuality.problems.map((p) => p.line)).toEqual([4, 7]);
  });

  it('does not take a line whose fields only line up with a quoted date that held the delimiter', async () => {
    const path = join(dir, 'quoted-date.csv');
    // "2026-03-02 08:30,5" is a date (fractional minutes); the line after it, unquoted, has five
    // fields for four columns, whatever its bytes share with that date.
    const lines = ['C1,"2026-03-02 08:30,5",7,S1', 'C2,2026-03-02 08:30,5,7,S2', 'C3,2026-03-02 08:30,9,S3'];
    await writeFile(path, `customer_id,date,amount,order_id\n${lines.join('\n')}\n`);
    const fast = (await readLedger({ path })) as {
      dataQuality: { rowsRejected: number; rowsAccepted: number };
    };
    expect(fast.dataQuality.rowsRejected).toBe(1);
    expect(fast.dataQuality.rowsAccepted).toBe(2);
    expect(fast).toEqual(await readLedger({ path, engine: 'csv-parse' }));
  });

  it('reads tab- and semicolon-separated plain lines as csv-parse does', async () => {
    for (const delimiter of ['\t', ';']) {
      const path = join(dir, `delimited-${delimiter === ';' ? 'semicolon' : 'tab'}.csv`);
      const lines = [
        ['C1', '2026-03-02', '10', 'S1'],
        ['C2', '2026-03-02', '5.50', 'S2'],
        ['C2', '2026-03-02', '5.50', 'S2'],
        ['C3', '2026-03-02', ' 4', 'S3'],
        ['C1', '2026-03-09', '7', 'S4'],
        ['C4', '2026-03-09', '-1.25', ''],
      ].map((fields) => fields.join(delimiter));
      const header = ['customer_id', 'date', 'amount', 'order_id'].join(delimiter);
      await writeFile(path, `${header}\n${lines.join('\n')}\n`);
      const { fast, plainLines } = await readCountingPlain<{ dataQuality: { duplicateRows: number } }>({
        path,
      });
      // The lines after each new date, but the one with a blank before its amount.
      expect(plainLines).toBe(3);
      expect(fast.dataQuality.duplicateRows).toBe(1);
    }
  });

  it('reads plain lines in byte ranges as in one read', async () => {
    const path = join(dir, 'ranges.csv');
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const day = String(2 + 7 * Math.floor(i / 20)).padStart(2, '0');
      // Every 7th line a duplicate of the one before, wherever the ranges split.
      lines.push(i % 7 === 6 ? (lines[i - 1] as string) : `C${i % 9},2026-03-${day},${i}.${i % 10}5,S${i}`);
    }
    await writeFile(path, `customer_id,date,amount,order_id\n${lines.join('\n')}\n`);
    const three = (await readLedger({ path, ranges: 3 })) as { dataQuality: { duplicateRows: number } };
    expect(three.dataQuality.duplicateRows).toBe(8);
    expect(three).toEqual(await readLedger({ path, engine: 'csv-parse' }));
  });
});
