import { describe, expect, it } from 'vitest';
import { centsToMajor, formatMoney, formatMoneyShort } from '../../src/core/money.ts';

describe('formatMoney', () => {
  it('writes dollars with thousands separators and two decimals', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(100_000_000_00, 'USD')).toBe('$100,000,000.00');
  });

  it('puts the minus sign before the symbol', () => {
    expect(formatMoney(-500, 'USD')).toBe('-$5.00');
    expect(formatMoney(-123456789, 'USD')).toBe('-$1,234,567.89');
  });

  it('rounds fractional cents and never shows a negative zero', () => {
    expect(formatMoney(1234.5, 'USD')).toBe('$12.35');
    expect(formatMoney(-0.4, 'USD')).toBe('$0.00');
  });

  it('uses the currency symbol, or the code for less common currencies', () => {
    expect(formatMoney(123456, 'EUR')).toBe('€1,234.56');
    expect(formatMoney(123456, 'gbp')).toBe('£1,234.56');
    expect(formatMoney(123456, 'CHF')).toBe('CHF 1,234.56');
  });

  it('shows currencies without minor units in whole units', () => {
    // Amounts are hundredths of the unit whatever the currency: 123456 is 1,234.56 yen.
    expect(formatMoney(123456, 'JPY')).toBe('¥1,235');
    expect(formatMoney(-5000, 'KRW')).toBe('-₩50');
  });

  it('drops the cents in compact form from 100 units up, and for whole amounts', () => {
    expect(formatMoney(41237, 'USD', { compact: true })).toBe('$412');
    expect(formatMoney(41250, 'USD', { compact: true })).toBe('$413');
    expect(formatMoney(123456789, 'USD', { compact: true })).toBe('$1,234,568');
    expect(formatMoney(9999, 'USD', { compact: true })).toBe('$99.99');
    expect(formatMoney(-41237, 'USD', { compact: true })).toBe('-$412');
    expect(formatMoney(5000, 'USD', { compact: true })).toBe('$50');
    expect(formatMoney(559.44, 'USD', { compact: true })).toBe('$5.59');
  });
});

describe('centsToMajor', () => {
  it('converts cents to the major unit for JSON', () => {
    expect(centsToMajor(123456)).toBe(1234.56);
    expect(centsToMajor(-5)).toBe(-0.05);
    expect(centsToMajor(1234.6)).toBe(12.35);
    // A half cent rounds away from zero in both directions, matching formatMoney.
    expect(centsToMajor(-12.5)).toBe(-0.13);
    expect(centsToMajor(12.5)).toBe(0.13);
    expect(formatMoney(-12.5, 'USD')).toBe('-$0.13');
  });
});

describe('formatMoneyShort', () => {
  it('rounds to whole units below 1,000 and to k or M with one decimal above', () => {
    expect(formatMoneyShort(41_237, 'USD')).toBe('$412');
    expect(formatMoneyShort(371_274, 'USD')).toBe('$3.7k');
    expect(formatMoneyShort(1_090_000, 'USD')).toBe('$10.9k');
    expect(formatMoneyShort(400_000, 'USD')).toBe('$4k');
    expect(formatMoneyShort(12_345_600, 'USD')).toBe('$123k');
    expect(formatMoneyShort(123_456_700, 'EUR')).toBe('€1.2M');
    expect(formatMoneyShort(-250_000, 'USD')).toBe('-$2.5k');
    expect(formatMoneyShort(-20, 'USD')).toBe('$0');
  });

  it('carries to the next unit instead of showing "$1,000k" or "$100.0k"', () => {
    expect(formatMoneyShort(9_996_000, 'USD')).toBe('$100k');
    expect(formatMoneyShort(99_996_000, 'USD')).toBe('$1M');
    expect(formatMoneyShort(99_949_900, 'USD')).toBe('$999k');
    expect(formatMoneyShort(500_000_000_000, 'USD')).toBe('$5,000M');
  });
});
