import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import {
  checkTextStart,
  detectDelimiter,
  normalizeDelimiter,
} from '../../../src/sources/csv/detect-format.ts';

describe('detectDelimiter', () => {
  it('picks the separator used most in the header line', () => {
    expect(detectDelimiter('customer_id,date,amount')).toBe(',');
    expect(detectDelimiter('Kunde;Datum;Umsatz')).toBe(';');
    expect(detectDelimiter('customer_id\tdate\tamount')).toBe('\t');
    expect(detectDelimiter('customer|date|amount')).toBe('|');
  });

  it('ignores separators inside quoted header names', () => {
    expect(detectDelimiter('"Amount, USD";"Customer, ID";Date')).toBe(';');
  });

  it('falls back to a comma for a one-column header', () => {
    expect(detectDelimiter('customer_id')).toBe(',');
  });
});

describe('normalizeDelimiter', () => {
  it('accepts names and escapes', () => {
    expect(normalizeDelimiter('tab')).toBe('\t');
    expect(normalizeDelimiter('\\t')).toBe('\t');
    expect(normalizeDelimiter('semicolon')).toBe(';');
    expect(normalizeDelimiter(';')).toBe(';');
  });

  it('refuses a quote or several characters', () => {
    expect(() => normalizeDelimiter('"')).toThrow(InputError);
    expect(() => normalizeDelimiter(',,')).toThrow(InputError);
  });
});

describe('checkTextStart', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('accepts UTF-8 text, even with a character cut at the end of the sample', () => {
    expect(() =>
      checkTextStart('a.csv', bytes('customer_id,date,amount\nCafé,2026-01-05,1\n')),
    ).not.toThrow();
    expect(() => checkTextStart('a.csv', bytes('id\né').subarray(0, 4))).not.toThrow();
  });

  it('refuses NUL bytes as binary data', () => {
    expect(() => checkTextStart('a.csv', new Uint8Array([0x41, 0x00, 0x42]))).toThrow(
      /binary data \(a NUL byte at offset 1\)/,
    );
  });

  it('names UTF-16, zip/xlsx and non-UTF-8 files', () => {
    expect(() => checkTextStart('a.csv', new Uint8Array([0xff, 0xfe, 0x41, 0x00]))).toThrow(/UTF-16/);
    expect(() => checkTextStart('a.csv', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14]))).toThrow(/xlsx/);
    expect(() => checkTextStart('a.csv', new Uint8Array([0x43, 0x61, 0x66, 0xe9, 0x2c]))).toThrow(
      /not valid UTF-8/,
    );
  });
});
