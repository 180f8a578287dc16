/**
 * The scheduled instants ("slots") of a 5-field cron expression in an IANA time zone.
 *
 * node-cron 4 only answers "does this instant match?" and "what is the next run?"; the scheduler
 * also needs "which slot was the latest one before now?" (catch-up after downtime) and a stable,
 * DST-safe answer for wall times that do not exist or exist twice. So the expression is parsed here
 * and wall times are mapped to instants with Intl.DateTimeFormat:
 * - a wall time skipped by a spring-forward gap runs at the same distance after the gap
 *   (02:30 on a Berlin spring-forward day runs at 03:30 CEST), like cron and Temporal's
 *   "compatible" disambiguation, so a daily slot is never silently lost;
 * - a wall time that happens twice (fall-back) runs once, at its first occurrence.
 * Day-of-month and day-of-week follow Vixie cron: when both are restricted, either may match.
 * Pure: no clock, every instant is passed in.
 */

export interface CronSpec {
  source: string;
  minutes: number[];
  hours: number[];
  daysOfMonth: Set<number>;
  months: Set<number>;
  /** 0 = Sunday ... 6 = Saturday. */
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** A cron expression this module cannot read; the message says which field and why. */
export class CronSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronSyntaxError';
  }
}

function parseField(
  text: string,
  name: string,
  min: number,
  max: number,
  names: readonly string[] = [],
  nameBase = 0,
): number[] {
  const value = (token: string): number => {
    const index = names.indexOf(token.toLowerCase());
    if (index >= 0) return index + nameBase;
    if (!/^\d+$/.test(token)) throw new CronSyntaxError(`${name}: "${token}" is not a number`);
    const n = Number(token);
    if (n < min || n > max) throw new CronSyntaxError(`${name}: ${n} is outside ${min}-${max}`);
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText, extra] = part.split('/');
    if (extra !== undefined || range === '') throw new CronSyntaxError(`${name}: cannot read "${part}"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) < 1) {
        throw new CronSyntaxError(`${name}: step "${stepText}" must be a positive number`);
      }
      step = Number(stepText);
    }
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a = '', b = '', more] = range.split('-');
      if (more !== undefined) throw new CronSyntaxError(`${name}: cannot read range "${range}"`);
      lo = value(a);
      hi = value(b);
      if (hi < lo) throw new CronSyntaxError(`${name}: range "${range}" runs backwards`);
    } else {
      lo = value(range);
      // "5/15" means "from 5, every 15", as in Vixie cron.
      hi = stepText === undefined ? lo : max;
    }
    for (let n = lo; n <= hi; n += step) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/** Parses `minute hour day-of-month month day-of-week` (names like `mon`, `jan` allowed). */
export function parseCron(expression: string): CronSpec {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new CronSyntaxError(
      `"${expression}" has ${fields.length} fields; use 5: minute hour day-of-month month day-of-week (e.g. "0 9 * * 1")`,
    );
  }
  const [minute = '', hour = '', dom = '', month = '', dow = ''] = fields;
  const daysOfWeek = new Set(parseField(dow, 'day-of-week', 0, 7, DAY_NAMES).map((d) => d % 7));
  return {
    source: expression,
    minutes: parseField(minute, 'minute', 0, 59),
    hours: parseField(hour, 'hour', 0, 23),
    daysOfMonth: new Set(parseField(dom, 'day-of-month', 1, 31)),
    months: new Set(parseField(month, 'month', 1, 12, MONTH_NAMES, 1)),
    daysOfWeek,
    domRestricted: !dom.startsWith('*'),
    dowRestricted: !dow.startsWith('*'),
  };
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // Throws RangeError for an unknown zone, which is what a caller validating config wants.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at instant `ms`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: (parts.hour ?? 0) % 24,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** The calendar day (YYYY-MM-DD) in `timeZone` at `date`. */
export function dayInZone(date: Date, timeZone: string): string {
  const w = wallTimeAt(date.getTime(), timeZone);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

function wallAsUtc(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (CET: +3,600,000). */
function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallAsUtc(wallTimeAt(whole, timeZone)) - whole;
}

const DAY_MS = 86_400_000;

/**
 * The instant a wall time in `timeZone` names: the first occurrence when it happens twice, and the
 * time shifted forward by the gap when it does not exist (see the module comment).
 */
export function instantOfWallTime(wall: WallTime, timeZone: string): number {
  const guess = wallAsUtc(wall);
  // Real zones change offset at most once within a day, so the offsets a day either side are the
  // two candidates.
  const before = offsetAt(guess - DAY_MS, timeZone);
  const after = offsetAt(guess + DAY_MS, timeZone);
  const candidates = [guess - before, guess - after].filter(
    (t) => wallAsUtc(wallTimeAt(t, timeZone)) === guess,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return guess - before;
}

function civilDayMatches(spec: CronSpec, year: number, month: number, day: number): boolean {
  if (!spec.months.has(month)) return false;
  const dom = spec.daysOfMonth.has(day);
  const dow = spec.daysOfWeek.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  if (spec.domRestricted && spec.dowRestricted) return dom || dow;
  return dom && dow;
}

function slotsOnCivilDay(
  spec: CronSpec,
  timeZone: string,
  year: number,
  month: number,
  day: number,
): number[] {
  if (!civilDayMatches(spec, year, month, day)) return [];
  const out = new Set<number>();
  for (const hour of spec.hours) {
    for (const minute of spec.minutes) {
      out.add(instantOfWallTime({ year, month, day, hour, minute, second: 0 }, timeZone));
    }
  }
  return [...out].sort((a, b) => a - b);
}

function civilDayShift(year: number, month: number, day: number, delta: number): [number, number, number] {
  const d = new Date(Date.UTC(year, month - 1, day + delta));
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

const toSpec = (cron: string | CronSpec): CronSpec => (typeof cron === 'string' ? parseCron(cron) : cron);

/**
 * Every slot with `from <= slot <= to`, ascending. `limit` (default 10,000) bounds the work for
 * dense expressions over long ranges.
 */
export function computeSlots(
  cron: string | CronSpec,
  timeZone: string,
  from: Date,
  to: Date,
  limit = 10_000,
): Date[] {
  const spec = toSpec(cron);
  const start = wallTimeAt(from.getTime(), timeZone);
  const end = wallTimeAt(to.getTime(), timeZone);
  // One civil day of slack either side: a gap-shifted slot can land on the neighbouring day.
  let [y, m, d] = civilDayShift(start.year, start.month, start.day, -1);
  const last = Date.UTC(end.year, end.month - 1, end.day) + DAY_MS;
  const out: Date[] = [];
  const seen = new Set<number>();
  while (Date.UTC(y, m - 1, d) <= last && out.length < limit) {
    for (const t of slotsOnCivilDay(spec, timeZone, y, m, d)) {
      if (t >= from.getTime() && t <= to.getTime() && !seen.has(t)) {
        seen.add(t);
        out.push(new Date(t));
      }
    }
    [y, m, d] = civilDayShift(y, m, d, 1);
  }
  return out.sort((a, b) => a.getTime() - b.getTime()).slice(0, limit);
}

/** How far back/forward to look for a slot: enough for a yearly Feb-29 expression. */
const SEARCH_DAYS = 366 * 8 + 2;

/** The latest slot at or before `now`, or null if the expression never fires within 8 years. */
export function lastSlotAtOrBefore(cron: string | CronSpec, timeZone: string, now: Date): Date | null {
  const spec = toSpec(cron);
  const w = wallTimeAt(now.getTime(), timeZone);
  // Start a day ahead: a gap-shifted slot of tomorrow's civil day cannot be before now, but one of
  // today's can be on either side of now, and scanning one extra day is cheap.
  let [y, m, d] = civilDayShift(w.year, w.month, w.day, 1);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const slots = slotsOnCivilDay(spec, timeZone, y, m, d).filter((t) => t <= now.getTime());
    const latest = slots.at(-1);
    if (latest !== undefined) return new Date(latest);
    [y, m, d] = civilDayShift(y, m, d, -1);
  }
  return null;
}

/** The first slot strictly after `now`, or null if none within 8 years. */
export function nextSlotAfter(cron: string | CronSpec, timeZone: string, now: Date): Date | null {
  const spec = toSpec(cron);
  const w = wallTimeAt(now.getTime(), timeZone);
  let [y, m, d] = civilDayShift(w.year, w.month, w.day, -1);
  for (let i = 0; i < SEARCH_DAYS; i++) {
    const next = slotsOnCivilDay(spec, timeZone, y, m, d).find((t) => t > now.getTime());
    if (next !== undefined) return new Date(next);
    [y, m, d] = civilDayShift(y, m, d, 1);
  }
  return null;
}
