import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerBuilder } from '../../../src/core/ledger.ts';
import { dayFromIso } from '../../../src/core/periods.ts';
import type { PeriodSpec } from '../../../src/core/types.ts';
import { InputError } from '../../../src/errors.ts';
import { ledgerReadStats } from '../../../src/sources/csv/_read-sales-ledger.ts';
import { readSalesLedgerCsv, type SalesCsvOptions } from '../../../src/sources/csv/read-sales-csv.ts';
import { rejectionOf } from './_helpers.ts';

const WEEKS: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** The ledger and data quality as plain JSON (Maps and typed arrays spelled out), to compare reads. */
async function readLedger(options: Partial<SalesCsvOptions> & { path: string }): Promise<unknown> {
  const { ledger, dataQuality } = await readSalesLedgerCsv(options, WEEKS);
  return JSON.parse(
    JSON.stringify({
      dataQuality,
      ledger: {
        ...ledger,
        customers: [...ledger.customers.values()].map((c) => ({ ...c, positive: Array.from(c.positive) })),
        customerStores: ledger.customerStores === undefined ? null : [...ledger.customerStores],
      },
    }),
  );
}

/** 20 data lines of equal length (customers A..E over four weeks), so the splits are predictable. */
function twentyLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 20; i++) {
    const customer = 'ABCDE'[i % 5];
    const day = String(2 + 7 * Math.floor(i / 5)).padStart(2, '0');
    lines.push(`${customer},2026-03-${day},${10 + i}.00,S${i % 2}`);
  }
  return lines;
}

describe('readSalesLedgerCsv in byte ranges', () => {
  let dir = '';
  /** Line of the file that holds the middle byte (where a 2-range read splits, at the next line break). */
  let middleLine = 0;
  const write = async (name: string, lines: string[]): Promise<string> => {
    const path = join(dir, name);
    const text = `customer_id,date,amount,store_id\n${lines.join('\n')}\n`;
    middleLine = text.slice(0, Math.floor(text.length / 2)).split('\n').length;
    await writeFile(path, text);
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revgap-csv-ranges-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same ledger and data quality in 2 or 3 ranges as in one read', async () => {
    const lines = twentyLines();
    lines[3] = 'D,2026-03-02,oops,S1'; // a bad amount in the first range
    lines[16] = 'B,2026-03-45,10.00,S0'; // a bad date in the last range
    const path = await write('twenty.csv', lines);
    const one = await readLedger({ path, threads: false });
    const before = ledgerReadStats.reads;
    expect(await readLedger({ path, ranges: 2 })).toEqual(one);
    expect(ledgerReadStats.lastRanges).toBe(2);
    expect(await readLedger({ path, ranges: 3 })).toEqual(one);
    expect(ledgerReadStats.lastRanges).toBe(3);
    expect(ledgerReadStats.reads).toBe(before + 2);
    // The problems carry the lines of the file, not of a range.
    expect(
      (one as { dataQuality: { problems: { line: number }[] } }).dataQuality.problems.map((p) => p.line),
    ).toEqual([5, 18]);
  });

  it('reads the file again in one range when a quoted value holds the line break at a split', async () => {
    const lines = twentyLines().map((line) => line.replace(/,S(\d)$/, ',"S$1"'));
    // Line 11's store spans six physical lines around the middle of the file.
    lines[9] = 'E,2026-03-09,19.00,"a\nb\nc\nd\ne\nf"';
    const path = await write('quoted.csv', lines);
    expect(middleLine).toBe(11);
    const one = await readLedger({ path, threads: false });
    const rereads = ledgerReadStats.rereadInOneRange;
    expect(await readLedger({ path, ranges: 2 })).toEqual(one);
    expect(ledgerReadStats.rereadInOneRange).toBe(rereads + 1);
    expect(ledgerReadStats.lastRanges).toBe(1);
  });

  it('counts a duplicate pair split between two ranges', async () => {
    const lines = twentyLines();
    lines[18] = lines[1] as string; // the same row in the first and the last range
    const path = await write('duplicates.csv', lines);
    const one = (await readSalesLedgerCsv({ path, threads: false }, WEEKS)).dataQuality;
    const two = (await readSalesLedgerCsv({ path, ranges: 2 }, WEEKS)).dataQuality;
    expect(one.duplicateRows).toBe(1);
    expect(two.duplicateRows).toBe(1);
  });

  it('stops at the earliest bad line in strict mode, even when a later range fails first', async () => {
    const lines = twentyLines();
    lines[9] = 'E,2026-03-09,bad!!,S1'; // line 11: the last line of the first range
    lines[10] = 'A,2026-03-16,worse,S0'; // line 12: the first line of the second range, met at once
    const path = await write('strict.csv', lines);
    expect(middleLine).toBe(11);
    const error = await rejectionOf(readSalesLedgerCsv({ path, ranges: 2, badRows: 'strict' }, WEEKS));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('line 11, column "amount"');
  });

  it('names the line of the file when the first bad line in strict mode is in a later range', async () => {
    const lines = twentyLines();
    lines[15] = 'A,2026-03-23,,S0'; // line 17
    const path = await write('strict-late.csv', lines);
    const one = await rejectionOf(readSalesLedgerCsv({ path, threads: false, badRows: 'strict' }, WEEKS));
    const three = await rejectionOf(readSalesLedgerCsv({ path, ranges: 3, badRows: 'strict' }, WEEKS));
    expect(three.message).toBe(one.message);
    expect(three.message).toContain('line 17, column "amount"');
    expect((three as InputError).hint).toBe((one as InputError).hint);
  });

  it('reads a BOM, an Excel "sep=;" line and CRLF line ends in ranges as in one read', async () => {
    const lines = twentyLines().map((line) => line.replaceAll(',', ';'));
    const path = join(dir, 'excel.csv');
    await writeFile(path, `\uFEFFsep=;\r\ncustomer_id;date;amount;store_id\r\n${lines.join('\r\n')}\r\n`);
    const one = await readLedger({ path, threads: false });
    expect(await readLedger({ path, ranges: 3 })).toEqual(one);
    expect(ledgerReadStats.lastRanges).toBe(3);
  });

  it('reports a path that is not a file as one read does', async () => {
    const one = await rejectionOf(readSalesLedgerCsv({ path: dir, threads: false }, WEEKS));
    const two = await rejectionOf(readSalesLedgerCsv({ path: dir, ranges: 2 }, WEEKS));
    expect(two).toBeInstanceOf(InputError);
    expect(two.message).toBe(one.message);
  });
});

describe('readSalesLedgerCsv in partitions of the customers', () => {
  let dir = '';
  const write = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const csv = (lines: string[]) => `customer_id,date,amount,store_id\n${lines.join('\n')}\n`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revgap-csv-partitions-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same ledger and data quality in 2 or 3 partitions as in one read', async () => {
    const lines = twentyLines();
    lines[3] = 'D,2026-03-02,oops,S1';
    lines[16] = 'B,2026-03-45,10.00,S0';
    lines[18] = lines[1] as string; // a duplicate pair
    lines.push(
      '"F ""quoted""",2026-03-30,"1,234.50","S\n2"',
      'G,2026-03-30,-5.00,',
      'Ünal,2026-03-31,7.00,S1',
    );
    const path = await write('twenty.csv', csv(lines));
    const one = await readLedger({ path, threads: false });
    for (const partitions of [2, 3]) {
      expect(await readLedger({ path, partitions })).toEqual(one);
      expect(ledgerReadStats.lastSplit).toBe('partitions');
      expect(ledgerReadStats.lastRanges).toBe(partitions);
    }
    const quality = (one as { dataQuality: { duplicateRows: number; problems: { line: number }[] } })
      .dataQuality;
    expect(quality.duplicateRows).toBe(1);
    expect(quality.problems.map((p) => p.line)).toEqual([5, 18]);
  });

  it('reads quoted line breaks anywhere without reading the file again', async () => {
    const lines = twentyLines().map((line) => line.replace(/,S(\d)$/, ',"S$1"'));
    lines[9] = 'E,2026-03-09,19.00,"a\nb\nc\nd\ne\nf"';
    const path = await write('quoted.csv', csv(lines));
    const one = await readLedger({ path, threads: false });
    const rereads = ledgerReadStats.rereadInOneRange;
    expect(await readLedger({ path, partitions: 2 })).toEqual(one);
    expect(ledgerReadStats.rereadInOneRange).toBe(rereads);
    expect(ledgerReadStats.lastSplit).toBe('partitions');
  });

  it('stops at the first bad line in strict mode with the message of one read', async () => {
    const lines = twentyLines();
    lines[15] = 'A,2026-03-23,,S0'; // line 17
    lines[17] = 'C,2026-03-23,bad!!,S0'; // line 19
    const path = await write('strict.csv', csv(lines));
    const one = await rejectionOf(readSalesLedgerCsv({ path, threads: false, badRows: 'strict' }, WEEKS));
    const two = await rejectionOf(readSalesLedgerCsv({ path, partitions: 2, badRows: 'strict' }, WEEKS));
    expect(two).toBeInstanceOf(InputError);
    expect(two.message).toBe(one.message);
    expect(two.message).toContain('line 17, column "amount"');
    expect((two as InputError).hint).toBe((one as InputError).hint);
  });

  it('reads a BOM, an Excel "sep=;" line and CRLF line ends as one read does', async () => {
    const lines = twentyLines().map((line) => line.replaceAll(',', ';'));
    const path = await write(
      'excel.csv',
      `\uFEFFsep=;\r\ncustomer_id;date;amount;store_id\r\n${lines.join('\r\n')}\r\n`,
    );
    const one = await readLedger({ path, threads: false });
    expect(await readLedger({ path, partitions: 2 })).toEqual(one);
  });

  it('reads a file of 3,000 customers over 30 weeks as one read does, each worker folding its share', async () => {
    const lines: string[] = [];
    for (let w = 0; w < 30; w++) {
      for (let c = 0; c < 3000; c++) {
        if ((c * 7 + w) % 5 === 0) continue;
        const day = new Date(Date.UTC(2026, 0, 5 + 7 * w + (c % 7))).toISOString().slice(0, 10);
        lines.push(`C${c},${day},${(c % 97) + w}.${String(c % 100).padStart(2, '0')},S${c % 3}`);
      }
    }
    const path = await write('large.csv', csv(lines));
    const one = await readLedger({ path, threads: false });
    expect(await readLedger({ path, partitions: 2 })).toEqual(one);
    expect(ledgerReadStats.lastSplit).toBe('partitions');
  });

  it('reports a path that is not a file as one read does', async () => {
    const one = await rejectionOf(readSalesLedgerCsv({ path: dir, threads: false }, WEEKS));
    const two = await rejectionOf(readSalesLedgerCsv({ path: dir, partitions: 2 }, WEEKS));
    expect(two.message).toBe(one.message);
  });

  it('stops reading, in workers or on this thread, once its signal is aborted', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60_000; i++)
      lines.push(`C${i % 5000},2026-03-${String(2 + (i % 20)).padStart(2, '0')},1.00,S1`);
    const path = await write('abort.csv', csv(lines));
    for (const how of [{ partitions: 2 }, { ranges: 2 }, { threads: false as const }]) {
      const stop = new AbortController();
      const reason = new Error('not wanted');
      const read = readSalesLedgerCsv({ path, ...how, signal: stop.signal }, WEEKS);
      setTimeout(() => stop.abort(reason), 1);
      await expect(read).rejects.toBe(reason);
    }
    const already = AbortSignal.abort(new Error('already'));
    await expect(readSalesLedgerCsv({ path, partitions: 2, signal: already }, WEEKS)).rejects.toThrow(
      'already',
    );
  });

  it('says what one read says when the rows span too many weeks (read again in one range)', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 5000; i++) rows.push(`C${i},1900-01-01,1.00,`);
    for (let i = 0; i < 5000; i++) rows.push(`C${i},2990-12-31,1.00,`);
    const path = await write('wide.csv', csv(rows));
    const one = await rejectionOf(readSalesLedgerCsv({ path, threads: false }, WEEKS));
    const rereads = ledgerReadStats.rereadInOneRange;
    const two = await rejectionOf(readSalesLedgerCsv({ path, partitions: 2 }, WEEKS));
    expect(one.message).toMatch(/span too many weeks/);
    expect(one.message).toContain('these 10,000 rows');
    expect(two.message).toBe(one.message);
    expect(ledgerReadStats.rereadInOneRange).toBe(rereads + 1);
    // Byte ranges too: the cap met as a range builds its part is said for the whole file.
    const ranges = await rejectionOf(readSalesLedgerCsv({ path, ranges: 2 }, WEEKS));
    expect(ranges.message).toBe(one.message);
  });
});

describe('readSalesLedgerCsv with rows the ledger holds back', () => {
  it('stops on the memory cap at its row when a bad row follows it in strict mode', async () => {
    // 5,000 customers with a row in 1900 and one in 2990: the ledger refuses them at some row k
    // (its memory cap: here the first row of 2999, which moves 2990 out of its window). With a bad
    // row right after row k, the cap is still what the read says, though the ledger held row k
    // back to look its customer up with later ones.
    const rows: string[] = [];
    for (let i = 0; i < 5000; i++) rows.push(`C${i},1900-01-01,1.00`);
    for (let i = 0; i < 5000; i++) rows.push(`C${i},2990-12-31,1.00`);
    for (let i = 0; i < 10; i++) rows.push(`C${i},2999-01-0${1 + (i % 7)},1.00`);
    const builder = createLedgerBuilder(WEEKS);
    let k = -1;
    for (let r = 0; r < rows.length && k < 0; r++) {
      const [customerId = '', date = ''] = (rows[r] as string).split(',');
      try {
        builder.add({ customerId, day: dayFromIso(date), amountCents: 100 });
      } catch {
        k = r;
      }
    }
    expect(k).toBeGreaterThan(0);
    const text = [
      'customer_id,date,amount',
      ...rows.slice(0, k + 1),
      'C1,2026-13-45,1.00',
      ...rows.slice(k + 1),
    ];
    const read = readSalesLedgerCsv(
      { path: 'wide.csv', input: [`${text.join('\n')}\n`], threads: false, badRows: 'strict' },
      WEEKS,
    );
    await expect(read).rejects.toThrow(/span too many weeks/);
  });
});
