/**
 * Date text to a day number (days since 1970-01-01), for the date formats revgap accepts. Only
 * real calendar dates pass (2026-02-30 is rejected). A time of day, when allowed, is checked for
 * shape but otherwise ignored: the sale counts on the calendar date written in the file, with no
 * time-zone conversion (a timestamp `2026-01-05T23:30:00-08:00` is a sale on 2026-01-05).
 */

import { daysFromCivil, daysInMonth } from '../../core/periods.ts';

/** Accepted `dateFormat` settings. */
export const DATE_FORMATS = ['YYYY-MM-DD', 'MM/DD/YYYY', 'DD/MM/YYYY', 'YYYY-MM-DD HH:mm'] as const;

/**
 * - `YYYY-MM-DD` (default): ISO date, optionally followed by `T` or a space and a time.
 * - `MM/DD/YYYY`, `DD/MM/YYYY`: one- or two-digit month and day, `/`, `-` or `.` between the parts,
 *   optionally followed by a space and a time.
 * - `YYYY-MM-DD HH:mm`: ISO date and a time `HH:mm` (optionally `:ss`), space or `T` between.
 */
export type DateFormat = (typeof DATE_FORMATS)[number];

const MIN_YEAR = 1900;
const MAX_YEAR = 2999;

function digit(s: string, i: number): number {
  const d = s.charCodeAt(i) - 0x30;
  return d >= 0 && d <= 9 ? d : -1000; // poisons any sum it joins
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0;
}

/** Day number of the first of each month from MIN_YEAR to MAX_YEAR, built on first use. */
let monthStarts: Int32Array | undefined;
/** Days in each of those months. */
let monthLengths: Uint8Array | undefined;

function buildMonthTables(): void {
  const months = (MAX_YEAR - MIN_YEAR + 1) * 12;
  monthStarts = new Int32Array(months);
  monthLengths = new Uint8Array(months);
  for (let i = 0; i < months; i++) {
    const year = MIN_YEAR + Math.floor(i / 12);
    const month = (i % 12) + 1;
    monthStarts[i] = daysFromCivil(year, month, 1);
    monthLengths[i] = daysInMonth(year, month);
  }
}

function validDay(year: number, month: number, day: number): number {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return Number.NaN;
  // A table lookup instead of calendar arithmetic: this runs once per CSV row.
  if (monthStarts === undefined) buildMonthTables();
  const index = (year - MIN_YEAR) * 12 + month - 1;
  if (day > monthLengths![index]!) return Number.NaN;
  return monthStarts![index]! + day - 1;
}

/** `HH:mm` or `HH:mm:ss` (optionally with fraction and zone) from `i` to `end`. */
function validTime(s: string, i: number, end: number): boolean {
  if (end - i < 5) return false;
  const hours = digit(s, i) * 10 + digit(s, i + 1);
  const minutes = digit(s, i + 3) * 10 + digit(s, i + 4);
  if (s.charCodeAt(i + 2) !== 0x3a || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return false;
  if (end - i === 5) return true;
  if (s.charCodeAt(i + 5) !== 0x3a) return false;
  const seconds = digit(s, i + 6) * 10 + digit(s, i + 7);
  return end - i >= 8 && seconds >= 0 && seconds <= 60;
}

function parseIso(s: string, start: number, end: number, timeRequired: boolean): number {
  if (end - start < 10) return Number.NaN;
  if (s.charCodeAt(start + 4) !== 0x2d || s.charCodeAt(start + 7) !== 0x2d) return Number.NaN;
  const year =
    digit(s, start) * 1000 + digit(s, start + 1) * 100 + digit(s, start + 2) * 10 + digit(s, start + 3);
  const month = digit(s, start + 5) * 10 + digit(s, start + 6);
  const day = digit(s, start + 8) * 10 + digit(s, start + 9);
  const rest = start + 10;
  if (rest === end) return timeRequired ? Number.NaN : validDay(year, month, day);
  const sep = s.charCodeAt(rest);
  if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return Number.NaN; // T, space, t
  // A time must at least start as HH:mm; seconds, fractions and a zone may follow.
  if (!validTime(s, rest + 1, timeRequired ? end : Math.min(end, rest + 6))) return Number.NaN;
  return validDay(year, month, day);
}

/** `M/D/YYYY` or `D/M/YYYY` with 1-2 digit month and day and a four-digit year. */
function parseSlashed(s: string, start: number, end: number, monthFirst: boolean): number {
  let i = start;
  const a = readSmall(s, i, end);
  if (a < 0) return Number.NaN;
  i += smallLength(s, i, end);
  const sep = s.charCodeAt(i);
  if (sep !== 0x2f && sep !== 0x2d && sep !== 0x2e) return Number.NaN;
  i++;
  const b = readSmall(s, i, end);
  if (b < 0) return Number.NaN;
  i += smallLength(s, i, end);
  if (s.charCodeAt(i) !== sep) return Number.NaN;
  i++;
  if (end - i < 4) return Number.NaN;
  const year = digit(s, i) * 1000 + digit(s, i + 1) * 100 + digit(s, i + 2) * 10 + digit(s, i + 3);
  i += 4;
  if (i < end) {
    // Only a time may follow ("1/5/2026 13:45", "1/5/2026 1:45 PM"), after a space.
    if (!isSpace(s.charCodeAt(i)) || i + 1 >= end || digit(s, i + 1) < 0) return Number.NaN;
  }
  return monthFirst ? validDay(year, a, b) : validDay(year, b, a);
}

function smallLength(s: string, i: number, end: number): number {
  return i + 1 < end && digit(s, i + 1) >= 0 ? 2 : 1;
}

function readSmall(s: string, i: number, end: number): number {
  if (i >= end) return -1;
  const first = digit(s, i);
  if (first < 0) return -1;
  return smallLength(s, i, end) === 2 ? first * 10 + digit(s, i + 1) : first;
}

/**
 * Day number of `s.slice(start, end)` in `format`, or NaN when it is not a valid date in that format
 * (including an empty value). Allocation-free: the CSV reader calls it once per row.
 */
export function parseDateDay(
  s: string,
  start = 0,
  end = s.length,
  format: DateFormat = 'YYYY-MM-DD',
): number {
  while (start < end && isSpace(s.charCodeAt(start))) start++;
  while (end > start && isSpace(s.charCodeAt(end - 1))) end--;
  switch (format) {
    case 'YYYY-MM-DD':
      return parseIso(s, start, end, false);
    case 'YYYY-MM-DD HH:mm':
      return parseIso(s, start, end, true);
    case 'MM/DD/YYYY':
      return parseSlashed(s, start, end, true);
    case 'DD/MM/YYYY':
      return parseSlashed(s, start, end, false);
  }
}

/** Plain-words reason why `value` is not a date in `format` (called only for rejected rows). */
export function describeBadDate(value: string, format: DateFormat): string {
  const shown = JSON.stringify(value);
  const trimmed = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(trimmed);
  const slashed = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\b/.exec(trimmed);
  if (iso && format.startsWith('YYYY')) {
    const [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
    if (year < MIN_YEAR || year > MAX_YEAR) return `date ${shown} has a year outside ${MIN_YEAR}-${MAX_YEAR}`;
    if (month < 1 || month > 12) return `date ${shown} has no month ${month}`;
    if (day < 1 || day > daysInMonth(year, month)) {
      return `date ${shown} is not a real date (${year}-${iso[2]} has ${daysInMonth(year, month)} days)`;
    }
    if (format === 'YYYY-MM-DD HH:mm')
      return `date ${shown} is not YYYY-MM-DD HH:mm (a time like 13:45 is required)`;
    return `date ${shown} is not YYYY-MM-DD (optionally followed by T or a space and a time)`;
  }
  if (iso) return `date ${shown} is not ${format}; it looks like YYYY-MM-DD: set --date-format YYYY-MM-DD`;
  if (slashed) {
    if (slashed[3]?.length === 2)
      return `date ${shown} has a two-digit year; export dates with four-digit years`;
    if (format.startsWith('YYYY')) {
      return `date ${shown} is not ${format}; it looks like MM/DD/YYYY or DD/MM/YYYY: set --date-format`;
    }
    return `date ${shown} is not a real date in ${format}`;
  }
  // Common exports that are dates but in no accepted format: say what they look like.
  if (/^\d{4}[/.]\d{1,2}[/.]\d{1,2}\b/.test(trimmed)) {
    return `date ${shown} is year-first with "/" or "."; write it as YYYY-MM-DD (e.g. 2026-03-04)`;
  }
  if (/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(trimmed)) {
    return `date ${shown} looks like YYYYMMDD without separators; export it as YYYY-MM-DD`;
  }
  if (/^\d{5}(\.\d+)?$/.test(trimmed) && Number(trimmed) >= 20000 && Number(trimmed) < 80000) {
    return `date ${shown} looks like a spreadsheet serial number (days since 1899-12-30); format the column as a date (YYYY-MM-DD) before exporting`;
  }
  return `date ${shown} is not a date in ${format}`;
}

/**
 * The accepted formats other than `current` in which every one of `texts` is a valid date (the
 * column-wide check of a `--date-format` that only half works: DD.MM.YYYY data read as MM/DD/YYYY
 * rejects days over 12 and silently swaps the rest). Empty when `texts` is empty.
 */
export function formatsFittingAll(texts: readonly string[], current: DateFormat): DateFormat[] {
  if (texts.length === 0) return [];
  return DATE_FORMATS.filter(
    (format) => format !== current && texts.every((t) => !Number.isNaN(parseDateDay(t, 0, t.length, format))),
  );
}
