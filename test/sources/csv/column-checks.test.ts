/**
 * Issue 13, findings 2-4: number and date formats are judged on the whole column, and only
 * identical rows are exact duplicates.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { formatsFittingAll } from '../../../src/sources/csv/parse-date.ts';
import { readSales, rejectionOf } from './_helpers.ts';

function weekly(from: string, n: number, fmt: (d: Date) => string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: n }, (_, w) => fmt(new Date(start + w * 7 * 86_400_000)));
}
const pad = (n: number) => String(n).padStart(2, '0');
const dotted = (d: Date) => `${pad(d.getUTCDate())}.${pad(d.getUTCMonth() + 1)}.${d.getUTCFullYear()}`;
const iso = (d: Date) => d.toISOString().slice(0, 10);

describe('amounts with a dot and exactly three decimals (finding 2)', () => {
  const semicolon = [
    'customer;date;amount',
    ...weekly('2026-01-05', 12, iso).map((d) => `K2;${d};2.500`),
    ...weekly('2026-03-30', 4, iso).map((d) => `K2;${d};250`),
  ].join('\n');

  it('repro: a ; file whose dotted amounts all have three decimals is refused, naming --decimal ,', async () => {
    const error = await rejectionOf(readSales({ path: 's.csv', text: semicolon }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('exactly three digits after it (12 rows, e.g. line 2: "2.500")');
    expect((error as InputError).hint).toContain('--decimal ,');
  });

  it('--decimal , reads 2.500 as 2,500; --decimal . confirms the dot', async () => {
    const comma = await readSales({ path: 's.csv', text: semicolon, decimal: ',' });
    expect(comma.rows[0]?.amountCents).toBe(2_500_00);
    const dot = await readSales({ path: 's.csv', text: semicolon, decimal: '.' });
    expect(dot.rows[0]?.amountCents).toBe(2_50);
  });

  it('in a comma file the same column is read but warned about', async () => {
    const text = semicolon.replaceAll(';', ',');
    const { quality } = await readSales({ path: 'c.csv', text });
    expect(quality.notes?.join(' ')).toContain('run with --decimal ,');
  });

  it('table: one amount with another number of decimals (or a comma) means the dot is a decimal point', async () => {
    for (const other of ['2.5', '2.50', '1,250.000', '2.5000']) {
      const text = `customer;date;amount\nK;2026-01-05;2.500\nK;2026-01-12;${other.includes(',') ? `"${other}"` : other}\n`;
      const { quality } = await readSales({ path: 't.csv', text });
      expect(quality.notes ?? []).toEqual([]);
    }
  });
});

describe('a date format that half works (finding 3)', () => {
  const rows = weekly('2026-01-05', 15, dotted).flatMap((d) => [`A,${d},100`, `B,${d},100`, `C,${d},100`]);
  const text = ['customer_id,date,amount', ...rows].join('\n');

  it('repro: DD.MM.YYYY read as MM/DD/YYYY is refused with the format that fits every date', async () => {
    const error = await rejectionOf(readSales({ path: 'd.csv', text, dateFormat: 'MM/DD/YYYY' }));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/24 of 45 dates in d\.csv are not MM\/DD\/YYYY .* fits DD\/MM\/YYYY/);
    expect((error as InputError).hint).toContain('--date-format DD/MM/YYYY');
    const right = await readSales({ path: 'd.csv', text, dateFormat: 'DD/MM/YYYY' });
    expect(right.rows).toHaveLength(45);
  });

  it('a few garbage dates in a good column are only skipped', async () => {
    const good = weekly('2026-01-05', 6, iso).map((d) => `A,${d},1`);
    const { quality } = await readSales({
      path: 'g.csv',
      text: ['customer_id,date,amount', ...good, 'A,soon,1'].join('\n'),
    });
    expect(quality.rowsRejected).toBe(1);
  });

  it('property: dates written in one format are matched to it, and to no format that misreads them', () => {
    const dates = fc.array(
      fc.date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }),
      {
        minLength: 1,
        maxLength: 30,
      },
    );
    fc.assert(
      fc.property(dates, (ds) => {
        const asDotted = formatsFittingAll(ds.map(dotted), 'MM/DD/YYYY');
        expect(asDotted).toContain('DD/MM/YYYY');
        expect(asDotted).not.toContain('YYYY-MM-DD');
        const asIso = formatsFittingAll(ds.map(iso), 'DD/MM/YYYY');
        expect(asIso).toEqual(['YYYY-MM-DD']);
        // MM/DD/YYYY fits dotted dates only when no day is above 12 (then the column is truly ambiguous).
        const ambiguous = ds.every((d) => d.getUTCDate() <= 12);
        expect(formatsFittingAll(ds.map(dotted), 'DD/MM/YYYY').includes('MM/DD/YYYY')).toBe(ambiguous);
      }),
      { numRuns: 200 },
    );
  });
});
