import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayFromIso,
  formatPeriod,
  isoFromDay,
  parseIsoDay,
  periodEndDay,
  periodFileStem,
  periodOfDay,
  periodStartDay,
  periodTitle,
  periodUnit,
  periodWord,
  toPeriodSpec,
  weekdayOfDay,
} from '../../src/core/periods.ts';
import type { PeriodSpec } from '../../src/core/types.ts';

const monday: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
const sunday: PeriodSpec = { kind: 'week', weekStartsOn: 0 };
const saturday: PeriodSpec = { kind: 'week', weekStartsOn: 6 };
const month: PeriodSpec = { kind: 'month', weekStartsOn: 1 };

describe('ISO day helpers', () => {
  it('counts days from 1970-01-01', () => {
    expect(dayFromIso('1970-01-01')).toBe(0);
    expect(dayFromIso('1969-12-31')).toBe(-1);
    // 2000-01-01: 30 years of 365 days plus 7 leap days (1972..1996) = 10,957.
    expect(dayFromIso('2000-01-01')).toBe(10957);
    // 2026-01-01: 56 years of 365 days plus 14 leap days (1972..2024) = 20,454.
    expect(dayFromIso('2026-01-01')).toBe(20454);
  });

  it('ignores a time after the date', () => {
    expect(dayFromIso('2026-01-01T23:59:59Z')).toBe(20454);
    expect(dayFromIso('2026-01-01 08:00')).toBe(20454);
  });

  it('knows leap days: 2000 and 2024 have one, 1900 and 2100 do not', () => {
    expect(parseIsoDay('2000-02-29')).toBe(dayFromIso('2000-03-01') - 1);
    expect(parseIsoDay('2024-02-29')).not.toBeNull();
    expect(parseIsoDay('1900-02-29')).toBeNull();
    expect(parseIsoDay('2100-02-29')).toBeNull();
  });

  it('rejects text that is not a calendar date', () => {
    expect(parseIsoDay('2026-13-01')).toBeNull();
    expect(parseIsoDay('2026-04-31')).toBeNull();
    expect(parseIsoDay('2026-1-1')).toBeNull();
    expect(parseIsoDay('01/02/2026')).toBeNull();
    expect(() => dayFromIso('2026-02-30')).toThrow(/not a date/);
  });

  it('round-trips every day of years 0 to 9999 against the platform calendar', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_000, max: 2_900_000 }), (day) => {
        const viaDate = new Date(day * 86_400_000);
        expect(isoFromDay(day)).toBe(viaDate.toISOString().slice(0, 10));
        expect(weekdayOfDay(day)).toBe(viaDate.getUTCDay());
        expect(dayFromIso(isoFromDay(day))).toBe(day);
      }),
    );
  });
});

describe('toPeriodSpec', () => {
  it('turns the week-start name into a day number', () => {
    expect(toPeriodSpec({ period: 'week', weekStartsOn: 'monday' })).toEqual({
      kind: 'week',
      weekStartsOn: 1,
    });
    expect(toPeriodSpec({ period: 'week', weekStartsOn: 'sunday' })).toEqual({
      kind: 'week',
      weekStartsOn: 0,
    });
    expect(toPeriodSpec({ period: 'month', weekStartsOn: 'saturday' })).toEqual({
      kind: 'month',
      weekStartsOn: 6,
    });
  });
});

describe('weeks', () => {
  it('puts 1970-01-01 (a Thursday) in week 0 for every week start', () => {
    for (let ws = 0; ws < 7; ws++) {
      expect(periodOfDay(0, { kind: 'week', weekStartsOn: ws as PeriodSpec['weekStartsOn'] })).toBe(0);
    }
  });

  it('starts Monday weeks on Monday: 2026-11-16 to 2026-11-22', () => {
    const p = periodOfDay(dayFromIso('2026-11-18'), monday);
    expect(isoFromDay(periodStartDay(p, monday))).toBe('2026-11-16');
    expect(isoFromDay(periodEndDay(p, monday))).toBe('2026-11-22');
    expect(periodOfDay(dayFromIso('2026-11-16'), monday)).toBe(p);
    expect(periodOfDay(dayFromIso('2026-11-22'), monday)).toBe(p);
    expect(periodOfDay(dayFromIso('2026-11-23'), monday)).toBe(p + 1);
    expect(periodOfDay(dayFromIso('2026-11-15'), monday)).toBe(p - 1);
    expect(formatPeriod(p, monday)).toBe('week of 2026-11-16');
  });

  it('spans the new year: the Monday week of 2026-12-31 runs 2026-12-28 to 2027-01-03', () => {
    const p = periodOfDay(dayFromIso('2026-12-31'), monday);
    expect(isoFromDay(periodStartDay(p, monday))).toBe('2026-12-28');
    expect(isoFromDay(periodEndDay(p, monday))).toBe('2027-01-03');
    expect(periodOfDay(dayFromIso('2027-01-03'), monday)).toBe(p);
    expect(periodOfDay(dayFromIso('2027-01-04'), monday)).toBe(p + 1);
  });

  it('starts Sunday weeks on Sunday: the week of 2026-12-31 runs 2026-12-27 to 2027-01-02', () => {
    const p = periodOfDay(dayFromIso('2026-12-31'), sunday);
    expect(isoFromDay(periodStartDay(p, sunday))).toBe('2026-12-27');
    expect(isoFromDay(periodEndDay(p, sunday))).toBe('2027-01-02');
    expect(periodOfDay(dayFromIso('2027-01-03'), sunday)).toBe(p + 1);
    expect(formatPeriod(p, sunday)).toBe('week of 2026-12-27');
  });

  it('starts Saturday weeks on Saturday: the week of 2026-12-31 runs 2026-12-26 to 2027-01-01', () => {
    const p = periodOfDay(dayFromIso('2026-12-31'), saturday);
    expect(isoFromDay(periodStartDay(p, saturday))).toBe('2026-12-26');
    expect(isoFromDay(periodEndDay(p, saturday))).toBe('2027-01-01');
    expect(periodOfDay(dayFromIso('2027-01-02'), saturday)).toBe(p + 1);
  });

  it('handles days before 1970', () => {
    // 1969-12-29 was a Monday: the first day of Monday-week 0.
    expect(periodOfDay(dayFromIso('1969-12-29'), monday)).toBe(0);
    expect(periodOfDay(dayFromIso('1969-12-28'), monday)).toBe(-1);
    expect(isoFromDay(periodStartDay(-1, monday))).toBe('1969-12-22');
  });

  it('always starts a week on its start day and keeps every day inside its week', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), fc.integer({ min: 0, max: 6 }), (day, ws) => {
        const spec: PeriodSpec = { kind: 'week', weekStartsOn: ws as PeriodSpec['weekStartsOn'] };
        const p = periodOfDay(day, spec);
        expect(weekdayOfDay(periodStartDay(p, spec))).toBe(ws);
        expect(periodStartDay(p, spec)).toBeLessThanOrEqual(day);
        expect(periodEndDay(p, spec)).toBeGreaterThanOrEqual(day);
        expect(periodEndDay(p, spec) - periodStartDay(p, spec)).toBe(6);
      }),
    );
  });
});

describe('months', () => {
  it('numbers months as year x 12 + month - 1', () => {
    expect(periodOfDay(dayFromIso('2026-11-30'), month)).toBe(2026 * 12 + 10);
    expect(periodOfDay(dayFromIso('2027-01-01'), month)).toBe(2027 * 12);
    expect(formatPeriod(2026 * 12 + 10, month)).toBe('2026-11');
    expect(formatPeriod(2027 * 12, month)).toBe('2027-01');
  });

  it('knows month lengths across the year boundary and in leap Februaries', () => {
    expect(isoFromDay(periodStartDay(2026 * 12 + 11, month))).toBe('2026-12-01');
    expect(isoFromDay(periodEndDay(2026 * 12 + 11, month))).toBe('2026-12-31');
    expect(isoFromDay(periodStartDay(2027 * 12, month))).toBe('2027-01-01');
    expect(isoFromDay(periodEndDay(2024 * 12 + 1, month))).toBe('2024-02-29');
    expect(isoFromDay(periodEndDay(2026 * 12 + 1, month))).toBe('2026-02-28');
  });
});

describe('period words', () => {
  it('says week/weeks, month/months and the short rate units', () => {
    expect(periodWord(monday)).toBe('week');
    expect(periodWord(monday, 4)).toBe('weeks');
    expect(periodWord(month, 2)).toBe('months');
    expect(periodUnit(monday)).toBe('wk');
    expect(periodUnit(month)).toBe('mo');
  });
});

describe('periodTitle', () => {
  const monday: PeriodSpec = { kind: 'week', weekStartsOn: 1 };
  it('names a week by its first day, with its last day', () => {
    const week = periodOfDay(dayFromIso('2026-11-25'), monday);
    expect(periodTitle(week, monday)).toBe('week of Mon 23 Nov 2026 (to 29 Nov)');
    expect(periodFileStem(week, monday)).toBe('week-of-2026-11-23');
  });

  it('gives the last day its year when the week crosses into the next one', () => {
    const week = periodOfDay(dayFromIso('2026-12-30'), monday);
    expect(periodTitle(week, monday)).toBe('week of Mon 28 Dec 2026 (to 3 Jan 2027)');
    const sunday: PeriodSpec = { kind: 'week', weekStartsOn: 0 };
    expect(periodTitle(periodOfDay(dayFromIso('2026-11-25'), sunday), sunday)).toBe(
      'week of Sun 22 Nov 2026 (to 28 Nov)',
    );
  });

  it('names a month in words, and its file stem as YYYY-MM', () => {
    const month: PeriodSpec = { kind: 'month', weekStartsOn: 1 };
    const november = periodOfDay(dayFromIso('2026-11-25'), month);
    expect(periodTitle(november, month)).toBe('November 2026');
    expect(periodFileStem(november, month)).toBe('2026-11');
  });
});
