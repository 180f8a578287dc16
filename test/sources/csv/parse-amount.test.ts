import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeBadAmount,
  parseAmountCents,
  plainAmountCentsOfBytes,
} from '../../../src/sources/csv/parse-amount.ts';

describe('parseAmountCents', () => {
  it('reads any plain amount (minus, digits, up to two decimals) exactly, with either separator', () => {
    // Such amounts take a one-pass path; the cents are checked against digit arithmetic here.
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.stringMatching(/^[0-9]{1,13}$/),
        fc.option(fc.stringMatching(/^[0-9]{0,3}$/)),
        fc.constantFrom<'.' | ','>('.', ','),
        (negative, whole, decimals, separator) => {
          const text = `${negative ? '-' : ''}${whole}${decimals === null ? '' : separator + decimals}`;
          const fraction = (decimals ?? '').slice(0, 2).padEnd(2, '0');
          const roundUp = (decimals ?? '').length === 3 && Number(decimals?.[2]) >= 5 ? 1 : 0;
          const cents = Number(whole) * 100 + Number(fraction) + roundUp;
          const expected = cents === 0 ? 0 : negative ? -cents : cents;
          expect(parseAmountCents(text, 0, text.length, separator)).toBe(expected);
          // Surrounded by other text, read as a range.
          const line = `C1,${text},x`;
          expect(parseAmountCents(line, 3, 3 + text.length, separator)).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['123.45', 12345],
    ['0.29', 29],
    ['0.1', 10],
    ['7', 700],
    ['.5', 50],
    ['5.', 500],
    ['+5', 500],
    ['-123.45', -12345],
    ['1,234.56', 123456],
    ['1,234,567.89', 123456789],
    [' 42.00 ', 4200],
    ['1 234.56', 123456],
    ['1\u00a0234\u00a0567', 123456700],
    ["1'234.50", 123450],
  ])('reads the plain decimal %j as %i cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it.each([
    ['$1,234.56', 123456],
    ['€ 12.00', 1200],
    ['£3', 300],
    ['¥100', 10000],
    ['12.00 EUR', 1200],
    ['USD 7.5', 750],
    ['US$9.99', 999],
    ['-$5.00', -500],
    ['$-5.00', -500],
    ['USD -5', -500],
  ])('reads the currency amount %j as %i cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it.each([
    ['(45.00)', -4500],
    ['($1,000.10)', -100010],
    ['(0.01)', -1],
  ])('reads the parenthesised refund %j as %i cents', (text, cents) => {
    expect(parseAmountCents(text)).toBe(cents);
  });

  it('rounds a third decimal half away from zero', () => {
    expect(parseAmountCents('1.005')).toBe(101);
    expect(parseAmountCents('1.0049')).toBe(100);
    expect(parseAmountCents('-1.005')).toBe(-101);
    expect(parseAmountCents('0.125')).toBe(13);
    expect(parseAmountCents('2.675')).toBe(268); // 2.675 is 2.67499... as a float
  });

  it('keeps cents exact where float arithmetic would drift', () => {
    expect(parseAmountCents('0.29')).toBe(29); // 0.29 * 100 = 28.999999999999996
    expect(parseAmountCents('1234567890123.45')).toBe(123456789012345);
  });

  it('gives 0 (not -0) for a negative zero', () => {
    expect(Object.is(parseAmountCents('-0.00'), 0)).toBe(true);
  });

  it.each([
    '',
    '   ',
    'twelve',
    '12,50',
    '1234,567',
    ',123',
    '1.2.3',
    '1e5',
    '$',
    '-',
    '(-5)',
    '(5',
    '5-',
    '12 34',
    '$5$',
    '99999999999999999999',
    '1 234,567.00',
    '1,234,',
  ])('rejects %j', (text) => {
    expect(parseAmountCents(text)).toBeNaN();
  });

  it('reads a decimal comma when told to', () => {
    expect(parseAmountCents('1.234,56', 0, 8, ',')).toBe(123456);
    expect(parseAmountCents('-7,5', 0, 4, ',')).toBe(-750);
    expect(parseAmountCents('12,50 €', 0, 7, ',')).toBe(1250);
    expect(parseAmountCents('1 234,56 EUR', 0, 12, ',')).toBe(123456);
    expect(parseAmountCents('1,234.56', 0, 8, ',')).toBeNaN();
  });

  it('reads only the given range of a longer text', () => {
    const line = 'C1,2026-01-05,12.34,x';
    expect(parseAmountCents(line, 14, 19)).toBe(1234);
  });
});

describe('plainAmountCentsOfBytes', () => {
  it('gives the cents parseAmountCents gives, or NaN, for any ASCII amount-like text read from its bytes', () => {
    const unit = fc.constantFrom('0', '1', '5', '9', '.', ',', '-', '+', ' ', '$', 'E', '(', ')');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.stringMatching(/^[-+]?[0-9]{0,14}(?:[.,][0-9]{0,4})?$/),
          fc.string({ unit, maxLength: 18 }),
        ),
        fc.nat(3),
        fc.constantFrom<'.' | ','>('.', ','),
        (text, pad, decimal) => {
          // At an offset into a longer line, as the CSV reader passes it.
          const line = `${'x'.repeat(pad)}${text},`;
          const fromBytes = plainAmountCentsOfBytes(
            Buffer.from(line, 'latin1'),
            pad,
            pad + text.length,
            decimal,
          );
          if (!Number.isNaN(fromBytes))
            expect(fromBytes).toBe(parseAmountCents(line, pad, pad + text.length, decimal));
        },
      ),
    );
  });

  it('reads plain amounts (the common case) and leaves everything else to the full parser', () => {
    const cents = (text: string, decimal: '.' | ',' = '.'): number =>
      plainAmountCentsOfBytes(Buffer.from(text, 'latin1'), 0, text.length, decimal);
    expect([cents('259.42'), cents('-3'), cents('1.5'), cents('007.05'), cents('12,5', ',')]).toEqual([
      25942, -300, 150, 705, 1250,
    ]);
    expect(cents('1234567890123.99')).toBe(123456789012399);
    for (const other of ['', '-', '$5', '1,234.56', '1.005', '+5', '(5)', '5 ', '12,50', '12345678901234'])
      expect(cents(other)).toBeNaN();
  });
});

describe('describeBadAmount', () => {
  it('names scientific notation', () => {
    expect(describeBadAmount('1.2E+3')).toContain('scientific notation');
  });

  it('suggests a decimal comma for 12,50', () => {
    expect(describeBadAmount('12,50')).toContain('decimal comma');
  });

  it('suggests a decimal comma for European amounts with dots grouping thousands', () => {
    expect(describeBadAmount('1.234,56')).toContain('--decimal ,');
    expect(describeBadAmount('-€ 12.345.678,9')).toContain('--decimal ,');
    expect(describeBadAmount('1.23,45')).not.toContain('decimal comma');
  });

  it('quotes the value and shows accepted forms otherwise', () => {
    expect(describeBadAmount('twelve')).toBe(
      'amount "twelve" is not a number (expected e.g. 1234.56, $1,234.56 or (12.00))',
    );
  });
});
