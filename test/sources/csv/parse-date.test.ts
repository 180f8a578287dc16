import { describe, expect, it } from 'vitest';
import { describeBadDate, parseDateDay } from '../../../src/sources/csv/parse-date.ts';
import { day } from './_helpers.ts';

describe('parseDateDay', () => {
  it('reads ISO dates, with or without a time', () => {
    expect(parseDateDay('1970-01-01')).toBe(0);
    expect(parseDateDay('2026-01-05')).toBe(day('2026-01-05'));
    expect(parseDateDay('2026-01-05T23:30:00-08:00')).toBe(day('2026-01-05'));
    expect(parseDateDay('2026-01-05 10:15')).toBe(day('2026-01-05'));
    expect(parseDateDay(' 2024-02-29 ')).toBe(day('2024-02-29'));
  });

  it.each(['2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '1899-12-31'])(
    'rejects %j, which is not a real (or plausible) date',
    (text) => {
      expect(parseDateDay(text)).toBeNaN();
    },
  );

  it.each(['', '2026-1-5', '2026/01/05', '05-01-2026', '2026-01-05x', '2026-01-05T', '20260105'])(
    'rejects %j in the default ISO format',
    (text) => {
      expect(parseDateDay(text)).toBeNaN();
    },
  );

  it('accepts century leap days only when the year is divisible by 400', () => {
    expect(parseDateDay('2000-02-29')).toBe(day('2000-02-29'));
    expect(parseDateDay('2100-02-29')).toBeNaN();
  });

  it('reads MM/DD/YYYY with one- or two-digit parts and an optional time', () => {
    expect(parseDateDay('01/05/2026', 0, 10, 'MM/DD/YYYY')).toBe(day('2026-01-05'));
    expect(parseDateDay('1/6/2026', 0, 8, 'MM/DD/YYYY')).toBe(day('2026-01-06'));
    expect(parseDateDay('12/31/2025 13:45', 0, 16, 'MM/DD/YYYY')).toBe(day('2025-12-31'));
    expect(parseDateDay('02/29/2026', 0, 10, 'MM/DD/YYYY')).toBeNaN();
    expect(parseDateDay('13/01/2026', 0, 10, 'MM/DD/YYYY')).toBeNaN();
    expect(parseDateDay('01/05/26', 0, 8, 'MM/DD/YYYY')).toBeNaN();
  });

  it('reads DD/MM/YYYY with /, - or . between the parts', () => {
    expect(parseDateDay('05/01/2026', 0, 10, 'DD/MM/YYYY')).toBe(day('2026-01-05'));
    expect(parseDateDay('6.1.2026', 0, 8, 'DD/MM/YYYY')).toBe(day('2026-01-06'));
    expect(parseDateDay('29-02-2024', 0, 10, 'DD/MM/YYYY')).toBe(day('2024-02-29'));
    expect(parseDateDay('31/04/2026', 0, 10, 'DD/MM/YYYY')).toBeNaN();
    expect(parseDateDay('05/01-2026', 0, 10, 'DD/MM/YYYY')).toBeNaN();
  });

  it('requires a valid time with YYYY-MM-DD HH:mm', () => {
    const f = 'YYYY-MM-DD HH:mm' as const;
    expect(parseDateDay('2026-01-05 10:15', 0, 16, f)).toBe(day('2026-01-05'));
    expect(parseDateDay('2026-01-05T23:59:59', 0, 19, f)).toBe(day('2026-01-05'));
    expect(parseDateDay('2026-01-05', 0, 10, f)).toBeNaN();
    expect(parseDateDay('2026-01-05 24:00', 0, 16, f)).toBeNaN();
    expect(parseDateDay('2026-01-05 10:60', 0, 16, f)).toBeNaN();
  });

  it('reads only the given range of a longer text', () => {
    expect(parseDateDay('C1,2026-01-05,1', 3, 13)).toBe(day('2026-01-05'));
  });
});

describe('describeBadDate', () => {
  it('says what common unaccepted exports look like: year-first with slashes, YYYYMMDD, spreadsheet serials', () => {
    expect(describeBadDate('2026/03/04', 'YYYY-MM-DD')).toContain('write it as YYYY-MM-DD');
    expect(describeBadDate('20260304', 'YYYY-MM-DD')).toContain('looks like YYYYMMDD');
    // 46085 is 2026-03-04 counted from 1899-12-30, as spreadsheets do.
    expect(describeBadDate('46085', 'YYYY-MM-DD')).toContain('spreadsheet serial number');
    expect(describeBadDate('12345', 'YYYY-MM-DD')).toBe('date "12345" is not a date in YYYY-MM-DD');
  });

  it('says why an impossible date is wrong', () => {
    expect(describeBadDate('2026-02-30', 'YYYY-MM-DD')).toBe(
      'date "2026-02-30" is not a real date (2026-02 has 28 days)',
    );
  });

  it('points to --date-format for a US or European date', () => {
    expect(describeBadDate('01/05/2026', 'YYYY-MM-DD')).toContain('--date-format');
  });

  it('names a two-digit year', () => {
    expect(describeBadDate('1/5/26', 'MM/DD/YYYY')).toContain('two-digit year');
  });
});
