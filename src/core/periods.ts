/**
 * Calendar days and analysis periods as plain integers.
 *
 * A day is the number of days since 1970-01-01 (a UTC calendar date: no time zones, no clocks).
 * A period is an integer index: for weeks, whole weeks since an epoch aligned to the configured
 * week start (week 0 is the week containing 1970-01-01); for months, `year * 12 + (month - 1)`.
 * Integer arithmetic keeps the hot path (one `periodOfDay` per sales row) free of `Date` objects.
 */
import type { PeriodKind, PeriodSpec, WeekStart } from './types.ts';

/** Settings names of the week days, in `Date.getUTCDay` order (0 = Sunday). */
export const WEEK_DAY_NAMES = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
] as const;

export type WeekDayName = (typeof WEEK_DAY_NAMES)[number];

// 1970-01-01 was a Thursday (getUTCDay 4).
const EPOCH_WEEKDAY = 4;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, dayOfMonth: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12; // March = 0, so the leap day is the last day of the year
  const doy = Math.floor((153 * mp + 2) / 5) + dayOfMonth - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day number (H. Hinnant's civil_from_days). */
export function civilFromDays(day: number): { year: number; month: number; day: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const dayOfMonth = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day: dayOfMonth };
}

/** Days in a month (1-12) of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;

/**
 * Day number of an ISO date `YYYY-MM-DD` (a trailing time after `T` or a space is ignored), or null
 * when the text is not a real calendar date (`2026-02-30`).
 */
export function parseIsoDay(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const dayOfMonth = Number(m[3]);
  if (month < 1 || month > 12 || dayOfMonth < 1 || dayOfMonth > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, dayOfMonth);
}

/** Day number of an ISO date; throws a RangeError for text that is not a calendar date. */
export function dayFromIso(iso: string): number {
  const day = parseIsoDay(iso);
  if (day === null) throw new RangeError(`"${iso}" is not a date in YYYY-MM-DD form`);
  return day;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function formatYear(year: number): string {
  return year >= 0 && year < 10000 ? String(year).padStart(4, '0') : String(year);
}

/** ISO `YYYY-MM-DD` of a day number. */
export function isoFromDay(day: number): string {
  const c = civilFromDays(day);
  return `${formatYear(c.year)}-${pad2(c.month)}-${pad2(c.day)}`;
}

/** Day of the week of a day number, 0 = Sunday ... 6 = Saturday (as `Date.getUTCDay`). */
export function weekdayOfDay(day: number): WeekStart {
  return ((((day + EPOCH_WEEKDAY) % 7) + 7) % 7) as WeekStart;
}

/** The period settings (`period`, `weekStartsOn` by name) as a `PeriodSpec`. */
export function toPeriodSpec(settings: { period: PeriodKind; weekStartsOn: WeekDayName }): PeriodSpec {
  const weekStartsOn = WEEK_DAY_NAMES.indexOf(settings.weekStartsOn);
  if (weekStartsOn < 0) throw new RangeError(`unknown week start "${settings.weekStartsOn}"`);
  return { kind: settings.period, weekStartsOn: weekStartsOn as WeekStart };
}

/** Days from the start of week 0 (the week containing 1970-01-01) to 1970-01-01. */
function weekOffset(weekStartsOn: WeekStart): number {
  return (EPOCH_WEEKDAY - weekStartsOn + 7) % 7;
}

/** Period index of a day. */
export function periodOfDay(day: number, spec: PeriodSpec): number {
  if (spec.kind === 'week') return Math.floor((day + weekOffset(spec.weekStartsOn)) / 7);
  const c = civilFromDays(day);
  return c.year * 12 + c.month - 1;
}

/** First day of a period. */
export function periodStartDay(period: number, spec: PeriodSpec): number {
  if (spec.kind === 'week') return period * 7 - weekOffset(spec.weekStartsOn);
  const year = Math.floor(period / 12);
  return daysFromCivil(year, period - year * 12 + 1, 1);
}

/** Last day of a period (inclusive). */
export function periodEndDay(period: number, spec: PeriodSpec): number {
  return periodStartDay(period + 1, spec) - 1;
}

/** A period for people: "week of 2026-11-16" or "2026-11". */
export function formatPeriod(period: number, spec: PeriodSpec): string {
  if (spec.kind === 'week') return `week of ${isoFromDay(periodStartDay(period, spec))}`;
  const year = Math.floor(period / 12);
  return `${formatYear(year)}-${pad2(period - year * 12 + 1)}`;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTH_SHORT = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;
const MONTH_LONG = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/**
 * The name of the period the digest, the report (title, heading, file name's period) and the
 * answers all use for an as-of period: "week of Mon 23 Nov 2026 (to 29 Nov)" (the year of the last
 * day too when it differs), "November 2026".
 */
export function periodTitle(period: number, spec: PeriodSpec): string {
  if (spec.kind === 'month') {
    const year = Math.floor(period / 12);
    return `${MONTH_LONG[period - year * 12]!} ${formatYear(year)}`;
  }
  const startDay = periodStartDay(period, spec);
  const start = civilFromDays(startDay);
  const end = civilFromDays(periodEndDay(period, spec));
  const endYear = end.year === start.year ? '' : ` ${formatYear(end.year)}`;
  return (
    `week of ${DAY_NAMES[weekdayOfDay(startDay)]!} ${start.day} ${MONTH_SHORT[start.month - 1]!} ${formatYear(start.year)} ` +
    `(to ${end.day} ${MONTH_SHORT[end.month - 1]!}${endYear})`
  );
}

/** `periodTitle` inside a sentence: "the week of Mon 23 Nov 2026 (to 29 Nov)", "November 2026". */
export function periodTitleInText(period: number, spec: PeriodSpec): string {
  return `${spec.kind === 'week' ? 'the ' : ''}${periodTitle(period, spec)}`;
}

/** The period in a file name, sortable: "week-of-2026-11-23", "2026-11". */
export function periodFileStem(period: number, spec: PeriodSpec): string {
  return spec.kind === 'week'
    ? `week-of-${isoFromDay(periodStartDay(period, spec))}`
    : formatPeriod(period, spec);
}

/** A period inside a sentence: "the week of 2026-11-16", but "2026-11" (never "the 2026-11"). */
export function periodInText(period: number, spec: PeriodSpec): string {
  return `${spec.kind === 'week' ? 'the ' : ''}${formatPeriod(period, spec)}`;
}

/** The period word, singular or plural: "week"/"weeks", "month"/"months". */
export function periodWord(spec: PeriodSpec, count = 1): string {
  return count === 1 ? spec.kind : `${spec.kind}s`;
}

/** Short per-period unit for rates: "wk" or "mo" (as in "$412/wk"). */
export function periodUnit(spec: PeriodSpec): string {
  return spec.kind === 'week' ? 'wk' : 'mo';
}
