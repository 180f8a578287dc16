import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { readSalesCsv } from '../../../src/sources/csv/read-sales-csv.ts';
import { day, fixture, readSales, rejectionOf } from './_helpers.ts';

const ENGINES = ['fast', 'csv-parse'] as const;

describe.each(ENGINES)('readSalesCsv (%s engine)', (engine) => {
  it('reads customer, day, cents and line of every row', async () => {
    const { rows, quality } = await readSales({ path: fixture('sales-basic.csv'), engine });
    expect(rows).toEqual([
      { customerId: 'C001', day: day('2026-01-05'), amountCents: 10000, line: 2 },
      { customerId: 'C002', day: day('2026-01-06'), amountCents: 25050, line: 3 },
      { customerId: 'C001', day: day('2026-01-12'), amountCents: -2000, line: 4 },
    ]);
    expect(quality).toEqual({
      source: fixture('sales-basic.csv'),
      rowsRead: 3,
      rowsAccepted: 3,
      rowsRejected: 0,
      rejectedByCode: {},
      problems: [],
      duplicateRows: 0,
      duplicatesDropped: false,
    });
  });

  it('skips a row with an impossible date on line 7 and reports file, line, column and reason', async () => {
    const path = fixture('sales-bad-date-line-7.csv');
    const { rows, quality } = await readSales({ path, engine });
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 8]);
    expect(quality.problems).toEqual([
      {
        file: path,
        line: 7,
        column: 'date',
        code: 'bad_date',
        reason: 'date "2026-02-30" is not a real date (2026-02 has 28 days)',
      },
    ]);
    expect(quality).toMatchObject({
      rowsRead: 7,
      rowsAccepted: 6,
      rowsRejected: 1,
      rejectedByCode: { bad_date: 1 },
    });
  });

  it('reports a non-numeric amount, empty values and a wrong field count', async () => {
    const { rows, quality } = await readSales({ path: fixture('sales-bad-amount.csv'), engine });
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(quality.problems.map((p) => [p.line, p.column, p.code])).toEqual([
      [3, 'amount', 'bad_amount'],
      [4, 'amount', 'missing_value'],
      [5, 'customer_id', 'missing_value'],
      [6, undefined, 'column_count'],
    ]);
    expect(quality.problems[0]?.reason).toBe(
      'amount "twelve" is not a number (expected e.g. 1234.56, $1,234.56 or (12.00))',
    );
    expect(quality.rejectedByCode).toEqual({ bad_amount: 1, missing_value: 2, column_count: 1 });
  });

  it('explains an unquoted thousands separator as a field count problem', async () => {
    const { rows, quality } = await readSales({ path: fixture('sales-column-count.csv'), engine });
    expect(rows.map((r) => r.customerId)).toEqual(['C003']);
    expect(quality.problems[0]?.reason).toContain('expected 3 fields as in the header, found 4');
    expect(quality.problems[0]?.reason).toContain('"1,234.56"');
    expect(quality.problems[1]?.reason).toBe('expected 3 fields as in the header, found 2');
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks, numbering lines physically', async () => {
    const { rows, quality } = await readSales({ path: fixture('sales-quoted.csv'), engine });
    expect(rows).toEqual([
      { customerId: 'C001', day: day('2026-01-05'), amountCents: 123456, product: 'Widget, large', line: 2 },
      { customerId: 'C002', day: day('2026-01-05'), amountCents: 500, product: 'The "best" gadget', line: 3 },
      {
        customerId: 'C003',
        day: day('2026-01-06'),
        amountCents: 700,
        product: 'Line one\nline two',
        line: 4,
      },
    ]);
    // The row after the two-line record is on physical line 6.
    expect(quality.problems.map((p) => [p.line, p.code])).toEqual([[6, 'bad_amount']]);
  });

  it('reads currency symbols and codes, thousands separators and parenthesised refunds', async () => {
    const { rows } = await readSales({ path: fixture('sales-currency.csv'), engine });
    expect(rows.map((r) => [r.customerId, r.amountCents])).toEqual([
      ['C001', 123456],
      ['C002', 1200],
      ['C003', -4500],
      ['C004', -500],
      ['C005', 1200],
      ['C006', 300],
      ['C007', 750],
      ['C008', -100010],
      ['C009', 13],
      ['C010', -13],
    ]);
  });

  it('notes a refunds column beside the amount, which it does not subtract', async () => {
    const { quality } = await readSales({
      path: 'shop.csv',
      text: 'Email,Created at,Total,Amount Refunded\nann@x.com,2026-03-04 10:22:11 +0100,99.00,10.00\n',
    });
    expect(quality.notes).toEqual([
      'column "Amount Refunded" is not used: revenue comes from "Total" only, so refunds in it are not subtracted; ' +
        'export net amounts (or refunds as rows with negative amounts), or map the net column with --map amount=...',
    ]);
    const plain = await readSales({ path: 'p.csv', text: 'customer_id,date,amount\nC1,2026-01-05,1\n' });
    expect(plain.quality.notes).toBeUndefined();
    // Stripe's Status and Shopify's Financial Status: failed or voided payments would count as revenue.
    const stripe = await readSales({
      path: 's.csv',
      text: 'Created date (UTC),Amount,Customer ID,Status\n2026-01-05 10:00:00,5.00,cus_1,Failed\n',
    });
    expect(stripe.quality.notes).toEqual([
      'column "Status" is not used: every row counts as revenue whatever its status, so failed, voided or pending ' +
        'payments in the export count too; filter them out before exporting if there are any',
    ]);
  });

  it('stops at a Windows-1252 byte after the first KiB, naming its line, rather than garbling ids', async () => {
    // 100 plain rows (over 1 KiB, past the up-front encoding check), then "Müller" in Latin-1 on line 102.
    const plain = Array.from({ length: 100 }, (_, i) => `C${i},2026-01-05,1\n`).join('');
    const latin1 = Buffer.from(`customer_id,date,amount\n${plain}M\xfcller,2026-01-05,1\n`, 'latin1');
    const error = await rejectionOf(readSales({ path: 'w.csv', input: [latin1] }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('w.csv is not valid UTF-8: line 102');
  });

  it('counts the rows per currency written, so a file mixing $, € and £ can be flagged', async () => {
    // $ x3 (C001, C004, C008) + USD 7.5 (C007) = 4 USD; € and EUR = 2 EUR; £ = 1 GBP; bare numbers uncounted.
    const { quality } = await readSales({ path: fixture('sales-currency.csv') });
    expect(quality.currencies).toEqual({ USD: 4, EUR: 2, GBP: 1 });
    const plain = await readSales({
      path: 'p.csv',
      text: 'customer_id,date,amount\nC1,2026-01-05,-12.50\nC2,2026-01-05,.5\n',
    });
    expect(plain.quality.currencies).toBeUndefined();
  });

  it('strips a UTF-8 BOM and detects ; with CRLF line endings', async () => {
    const { rows } = await readSales({ path: fixture('sales-semicolon-bom-headers.csv'), engine });
    expect(rows).toEqual([
      { customerId: 'C001', day: day('2026-01-05'), amountCents: 1234, line: 2 },
      { customerId: 'C002', day: day('2026-01-06'), amountCents: 500, line: 3 },
    ]);
  });

  it('reads a European file with --map and a decimal comma', async () => {
    const { rows } = await readSales({
      path: fixture('sales-semicolon-bom.csv'),
      engine,
      map: { customer_id: 'Kunde', date: 'Datum', amount: 'Umsatz' },
      decimal: ',',
    });
    expect(rows.map((r) => [r.customerId, r.amountCents])).toEqual([
      ['C001', 123456],
      ['C002', -750],
    ]);
  });

  it('detects tab-separated files', async () => {
    const { rows } = await readSales({ path: fixture('sales-tab.tsv'), engine });
    expect(rows.map((r) => [r.customerId, r.amountCents])).toEqual([
      ['C001', 100000],
      ['C002', 250],
    ]);
  });

  it('uses a given delimiter instead of detecting one', async () => {
    const text = 'customer_id;date;amount\nC1;2026-01-05;7\n';
    const { rows } = await readSales({ path: 'x.csv', text, engine, delimiter: 'semicolon' });
    expect(rows.map((r) => r.amountCents)).toEqual([700]);
    const error = await rejectionOf(readSales({ path: 'x.csv', text, engine, delimiter: ',' }));
    expect(error.message).toContain('The header has a single column: is the delimiter right? (--delimiter)');
  });

  it('maps header aliases and reads the optional columns', async () => {
    const { rows } = await readSales({ path: fixture('sales-aliases.csv'), engine });
    expect(rows).toEqual([
      {
        customerId: 'ACME-1',
        day: day('2026-01-05'),
        amountCents: 1000,
        orderId: 'INV-1',
        product: 'W-1',
        storeId: 'S1',
        quantity: 2,
        line: 2,
      },
      {
        customerId: 'ACME-2',
        day: day('2026-01-06'),
        amountCents: 2000,
        orderId: 'INV-2',
        product: 'W-2',
        storeId: 'S2',
        line: 3,
      },
    ]);
  });

  it("reads the original system's weekly export (week_start_date, weekly_spend)", async () => {
    const { rows } = await readSales({ path: fixture('sales-seed-weekly.csv'), engine });
    expect(rows.map((r) => [r.customerId, r.day, r.amountCents, r.storeId])).toEqual([
      ['1', day('2025-09-06'), 5012, '101'],
      ['1', day('2025-09-13'), 4195, '101'],
      ['2', day('2025-09-06'), 0, '102'],
    ]);
  });

  it('reads MM/DD/YYYY and DD/MM/YYYY dates when told to', async () => {
    const mdy = await readSales({ path: fixture('sales-mdy.csv'), engine, dateFormat: 'MM/DD/YYYY' });
    expect(mdy.rows.map((r) => r.day)).toEqual([day('2026-01-05'), day('2026-01-06'), day('2025-12-31')]);
    expect(mdy.quality.problems.map((p) => [p.line, p.code])).toEqual([[4, 'bad_date']]);
    const dmy = await readSales({ path: fixture('sales-dmy.csv'), engine, dateFormat: 'DD/MM/YYYY' });
    expect(dmy.rows.map((r) => r.day)).toEqual([day('2026-01-05'), day('2026-01-06'), day('2024-02-29')]);
    expect(dmy.quality.problems.map((p) => [p.line, p.code])).toEqual([[5, 'bad_date']]);
  });

  it('ignores the time after an ISO date, and requires one with YYYY-MM-DD HH:mm', async () => {
    const iso = await readSales({ path: fixture('sales-iso-time.csv'), engine });
    expect(iso.rows.map((r) => r.customerId)).toEqual(['C001', 'C002', 'C004']);
    const timed = await readSales({
      path: fixture('sales-iso-time.csv'),
      engine,
      dateFormat: 'YYYY-MM-DD HH:mm',
    });
    expect(timed.rows.map((r) => r.customerId)).toEqual(['C001', 'C002']);
  });

  it('counts only rows with every field equal as duplicates, a shared order id is not enough (issue 13, finding 4)', async () => {
    const { rows, quality } = await readSales({ path: fixture('sales-duplicates-order-id.csv'), engine });
    // Line 4 repeats line 2 field for field; line 5 shares order O-1 but is another customer and
    // amount; line 7 repeats line 6 (no order id) -> 2 duplicates, all kept by default.
    expect(quality.duplicateRows).toBe(2);
    expect(quality.duplicatesDropped).toBe(false);
    expect(quality.duplicateLines).toBeUndefined();
    expect(rows).toHaveLength(6);
  });

  it('drops duplicates when asked, keeping the first of each and listing the dropped lines', async () => {
    const { rows, quality } = await readSales({
      path: fixture('sales-duplicates-order-id.csv'),
      engine,
      dropDuplicates: true,
    });
    expect(rows.map((r) => r.line)).toEqual([2, 3, 5, 6]);
    expect(quality).toMatchObject({
      rowsRead: 6,
      rowsAccepted: 4,
      rowsRejected: 0,
      duplicateRows: 2,
      duplicatesDropped: true,
      duplicateLines: [4, 7],
    });
  });

  it('repro: a refund and another customer sharing an order id are not dropped (issue 13, finding 4)', async () => {
    const text =
      'customer_id,date,amount,order_id\nC1,2026-04-13,100.00,O1\nC1,2026-04-15,-100.00,O1\nC2,2026-04-14,500.00,O1\n';
    const { rows, quality } = await readSales({ path: 'o.csv', text, engine, dropDuplicates: true });
    expect(rows.map((r) => r.amountCents)).toEqual([100_00, -100_00, 500_00]);
    expect(quality.duplicateRows).toBe(0);
  });

  it('compares all fields, as written, when there is no order id', async () => {
    const { quality } = await readSales({ path: fixture('sales-duplicates.csv'), engine });
    // Lines 3 and 6 repeat line 2; "10.0" on line 4 is written differently, line 5 is another customer.
    expect(quality.duplicateRows).toBe(2);
  });

  it('counts a repeated line of a line-item file (same order, product and amount) once', async () => {
    const { quality } = await readSales({ path: fixture('sales-line-items.csv'), engine });
    expect(quality.duplicateRows).toBe(1);
  });

  it('lists at most maxProblemsListed problems but counts them all', async () => {
    const text = `customer_id,date,amount\n${'C1,bad,1\n'.repeat(30)}C1,2026-01-05,1\n`;
    const { quality } = await readSales({ path: 'many.csv', text, engine, maxProblemsListed: 5 });
    expect(quality.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6]);
    expect(quality.rowsRejected).toBe(30);
    expect(quality.rejectedByCode).toEqual({ bad_date: 30 });
  });

  it('stops at the first bad row in strict mode, naming file, line, column, value and fix', async () => {
    const path = fixture('sales-bad-date-line-7.csv');
    const error = await rejectionOf(readSales({ path, engine, badRows: 'strict' }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`${path} line 7, column "date": date "2026-02-30" is not a real date`);
    expect(error.message).toContain('Fix: correct the date, or set the format with --date-format');
  });

  it('gives one fix in strict mode when the reason already names the flag', async () => {
    const text = 'customer_id,date,amount\nC1,2026-01-05,"12,50"\n';
    const error = await rejectionOf(readSales({ path: 'eu.csv', text, engine, badRows: 'strict' }));
    expect(error.message).toContain(
      'eu.csv line 2, column "amount": amount "12,50" looks like it uses a decimal comma',
    );
    expect(error.message).toContain('(--decimal ,)');
    expect(error.message).not.toContain('Fix: write the amount as a number');
  });

  it('reads a valid file the same in strict mode', async () => {
    const { rows } = await readSales({ path: fixture('sales-basic.csv'), engine, badRows: 'strict' });
    expect(rows).toHaveLength(3);
  });

  it('reports progress in bytes, ending with the file size', async () => {
    const calls: [number, number][] = [];
    await readSalesCsv(
      { path: fixture('sales-basic.csv'), engine, onProgress: (a, b) => calls.push([a, b]) },
      () => {},
    );
    const { size } = statSync(fixture('sales-basic.csv'));
    expect(calls).toEqual([[size, size]]);
  });

  it('reports progress about every 5% of a larger file, so the CLI can print a line per 10%', async () => {
    // Ten 1 MiB chunks of whole lines: once per chunk (5% of 10 MiB is under the 1 MiB floor).
    const line = 'C1,2026-01-05,1.00\n';
    const chunk = `${line.repeat(Math.floor((1 << 20) / line.length))}`;
    const chunks = ['customer_id,date,amount\n', ...Array.from({ length: 10 }, () => chunk)];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const calls: number[] = [];
    await readSalesCsv(
      { path: 'p.csv', input: chunks, totalBytes: total, engine, onProgress: (a) => calls.push(a) },
      () => {},
    );
    expect(calls.length).toBeGreaterThanOrEqual(9);
    expect(calls.at(-1)).toBe(total);
  });
});

describe('readSalesCsv fatal problems', () => {
  it('names a missing file', async () => {
    const error = await rejectionOf(readSales({ path: fixture('no-such-file.csv') }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(`File not found: ${fixture('no-such-file.csv')}`);
  });

  it('refuses an empty file and a file of blank lines', async () => {
    for (const name of ['empty.csv', 'blank-lines.csv']) {
      const error = await rejectionOf(readSales({ path: fixture(name) }));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain(`${fixture(name)} is empty`);
    }
  });

  it('refuses a header without data rows', async () => {
    const error = await rejectionOf(readSales({ path: fixture('header-only.csv') }));
    expect(error.message).toContain('has a header line but no data rows');
  });

  it('refuses a file missing a required column, listing headers, aliases and --map', async () => {
    const error = await rejectionOf(readSales({ path: fixture('sales-semicolon-bom.csv') }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('Headers found: "Kunde", "Datum", "Umsatz"');
    expect(error.message).toContain('--map customer_id="Your Header"');
  });

  it('refuses binary files, workbooks and other encodings', async () => {
    await expect(readSales({ path: fixture('binary.bin') })).rejects.toThrow(
      /is not a CSV file: it holds binary data/,
    );
    await expect(readSales({ path: fixture('workbook.xlsx') })).rejects.toThrow(/Excel \.xlsx/);
    await expect(readSales({ path: fixture('utf16.csv') })).rejects.toThrow(/UTF-16/);
    await expect(readSales({ path: fixture('latin1.csv') })).rejects.toThrow(/not valid UTF-8/);
  });

  it('refuses a directory', async () => {
    await expect(readSales({ path: fixture('') })).rejects.toThrow(/is a directory/);
  });

  it('refuses a file where no row can be used, showing the first problems', async () => {
    const text = 'customer_id,date,amount\nC1,01/05/2026,1\nC2,01/06/2026,2\n';
    const error = await rejectionOf(readSales({ path: 'us.csv', text }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('None of the 2 data rows in us.csv could be used');
    expect(error.message).toContain('line 2 (date): date "01/05/2026" is not YYYY-MM-DD');
  });

  it.each(ENGINES)(
    'stops a line-less stream with a clear message after reading only about maxRecordBytes (%s)',
    async (engine) => {
      let pulled = 0;
      const chunk = Buffer.alloc(1 << 20, 'a'.charCodeAt(0));
      // An endless stream with no line break: the read must stop by itself, whatever the size.
      async function* endless(): AsyncGenerator<Buffer> {
        yield Buffer.from('customer_id,date,amount\n');
        for (;;) {
          pulled++;
          yield chunk;
        }
      }
      const error = await rejectionOf(readSales({ path: 'huge.csv', input: endless(), engine }));
      expect(error).toBeInstanceOf(InputError);
      expect(error.message).toContain('huge.csv: line 2 runs past 1048576 bytes without a line break');
      expect(pulled).toBeLessThanOrEqual(2);
    },
  );

  it('applies the same guard to a real file of tens of megabytes without a line break', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'revgap-csv-'));
    const path = join(dir, 'lineless.csv');
    await writeFile(path, Buffer.alloc(24 << 20, 'x'.charCodeAt(0)));
    let bytesSeen = 0;
    try {
      const error = await rejectionOf(
        readSalesCsv({ path, onProgress: (bytes) => (bytesSeen = bytes) }, () => {}),
      );
      expect(error.message).toContain('line 1 runs past 1048576 bytes without a line break');
      expect(bytesSeen).toBe(0); // stopped before the first 8 MiB progress report
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});

describe('readSalesCsv and Excel', () => {
  it.each(['fast', 'csv-parse'] as const)("follows Excel's sep=; line and skips it (%s)", async (engine) => {
    const text = 'sep=;\r\ncustomer_id;date;amount\r\nC1;2026-01-05;"1,50"\r\n';
    const { rows } = await readSales({ path: 'excel.csv', text, engine, decimal: ',' });
    expect(rows).toEqual([{ customerId: 'C1', day: day('2026-01-05'), amountCents: 150, line: 3 }]);
  });
});

describe('readSalesCsv on chunks with and without non-ASCII text', () => {
  // An all-ASCII chunk is read from its bytes (the fingerprint, the date, the amount), any other
  // from its decoded text: both must see the same rows, and a duplicate pair split between them.
  const header = 'customer_id,date,amount,note\n';
  // Over 1 KiB, so that the first chunk is read before the second arrives.
  const filler = Array.from({ length: 60 }, (_, i) => `F${i},2026-01-0${(i % 5) + 1},${i}.25,x\n`).join('');
  const asciiChunk = `${header}${filler}C1,2026-01-05,10.00,a b\nC2,2026-01-05,1.5,z\n`;
  const otherChunk =
    'C3,2026-01-06,3.00,Müller\nC1,2026-01-05,10.00,a b\nC2,2026-01-05,1.50,z\nC1,2026-01-05,10.00,a c\n';

  it.each(ENGINES)('counts the duplicate pair split between them (%s engine)', async (engine) => {
    const { rows, quality } = await readSales({
      path: 'mixed.csv',
      text: [asciiChunk, otherChunk],
      engine,
      dropDuplicates: true,
    });
    // Line 65 repeats line 62; 1.50 on line 66 is written differently from 1.5 on line 63.
    expect(quality.duplicateRows).toBe(1);
    expect(quality.duplicateLines).toEqual([65]);
    expect(rows.slice(-5)).toEqual([
      { customerId: 'C1', day: day('2026-01-05'), amountCents: 1000, line: 62 },
      { customerId: 'C2', day: day('2026-01-05'), amountCents: 150, line: 63 },
      { customerId: 'C3', day: day('2026-01-06'), amountCents: 300, line: 64 },
      { customerId: 'C2', day: day('2026-01-05'), amountCents: 150, line: 66 },
      { customerId: 'C1', day: day('2026-01-05'), amountCents: 1000, line: 67 },
    ]);
    const counted = await readSales({ path: 'mixed.csv', text: [asciiChunk, otherChunk], engine });
    expect(counted.quality.duplicateRows).toBe(1);
  });

  it('reads the same rows and notes from ASCII bytes as csv-parse reads from text', async () => {
    // Dates that differ in their last characters only, and every amount with three decimals (the
    // dot may then separate thousands: a note).
    const threeDecimals = (chunk: string): string =>
      chunk.replace(
        /,(\d+)\.(\d+),/g,
        (_, units: string, cents: string) => `,${units}.${cents.padEnd(3, '0')},`,
      );
    const text = [threeDecimals(asciiChunk), threeDecimals(otherChunk.replace('ü', 'u'))];
    const fast = await readSales({ path: 'a.csv', text, engine: 'fast' });
    const reference = await readSales({ path: 'a.csv', text, engine: 'csv-parse' });
    expect(fast).toEqual(reference);
    expect(new Set(fast.rows.map((r) => r.day)).size).toBe(6);
    expect(fast.quality.notes?.[0]).toMatch(
      /^every amount with a dot in a\.csv has exactly three digits after it \(66 rows/,
    );
  });
});

describe('readSalesCsv and blank lines', () => {
  it.each(['fast', 'csv-parse'] as const)(
    'skips lines holding only spaces, keeping line numbers (%s)',
    async (engine) => {
      const text = 'customer_id,date,amount\n   \nC1,2026-01-05,1\n\t\nC2,2026-01-05,x\n  ';
      const { rows, quality } = await readSales({ path: 'b.csv', text, engine });
      expect(rows.map((r) => r.line)).toEqual([3]);
      expect(quality.problems.map((p) => [p.line, p.code])).toEqual([[5, 'bad_amount']]);
      expect(quality.rowsRead).toBe(2);
    },
  );
});

describe('readSalesCsv on a large binary file', () => {
  it('says binary rather than "line too long" when there is no line break in the first megabytes', async () => {
    const blob = Buffer.alloc(3 << 20, 0);
    const error = await rejectionOf(readSales({ path: 'image.bin', input: [blob] }));
    expect(error.message).toContain('image.bin is not a CSV file: it holds binary data');
  });
});

describe('readSalesCsv and old Mac line endings', () => {
  it('names CR-only line endings instead of reading one long line', async () => {
    const text = 'customer_id,date,amount\rC1,2026-01-05,1\rC2,2026-01-05,2\r';
    const error = await rejectionOf(readSales({ path: 'mac.csv', text }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('mac.csv ends its lines with a lone CR');
  });
});
