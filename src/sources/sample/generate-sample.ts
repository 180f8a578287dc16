/**
 * Seeded synthetic sales data: realistic enough to demo every part of the report (steady, growing,
 * seasonal, declining, lapsing, churned and new customers, refunds, weekly noise), reproducible from a
 * seed, and streamed so the benchmark can produce 100,000 customers x 52 weeks without holding them.
 *
 * Reproducibility: the customer list comes from one PRNG stream seeded by `seed`, the sales from a
 * second stream consumed in a fixed order (week by week, customer by customer), so the same options
 * always give the same rows. No `Math.random`, no clock: the end date comes in as an argument.
 */
import { isoFromDay } from '../../core/periods.ts';
import type { SaleRow } from '../../core/types.ts';

/** Customer segments, with their usual weekly spend. */
export type SampleSegment = 'Enterprise' | 'Mid-market' | 'SMB';

/** How a customer's revenue behaves over the sample; used to check the analysis finds them. */
export type SamplePattern =
  | 'steady'
  | 'growing'
  | 'seasonal'
  | 'declining'
  | 'lapsing'
  | 'churned'
  | 'new'
  | 'occasional'
  | 'fortnightly'
  | 'monthly'
  | 'fading'
  | 'stopped';

export interface SampleOptions {
  /** Number of customers (default 200). */
  customers?: number;
  /** Number of whole weeks of history (default 12). */
  periods?: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /**
   * Last day of data, `YYYY-MM-DD`. The sample covers whole weeks; the last one is the latest week
   * (starting on `weekStartsOn`) that ends on or before this date.
   */
  end: string;
  /** First day of a week, 0 = Sunday ... 6 = Saturday (default 1, Monday). */
  weekStartsOn?: number;
}

export interface SampleAccountManager {
  name: string;
  email: string;
}

/** The account managers of the sample; the local Slack workspace has users with these emails. */
export const SAMPLE_ACCOUNT_MANAGERS: readonly SampleAccountManager[] = [
  { name: 'Alice Johnson', email: 'alice@example.com' },
  { name: 'Bob Martinez', email: 'bob@example.com' },
  { name: 'Carol Nguyen', email: 'carol@example.com' },
  { name: 'Dan Okafor', email: 'dan@example.com' },
  { name: 'Erin Schmidt', email: 'erin@example.com' },
];

export interface SampleCustomer {
  customerId: string;
  name: string;
  segment: SampleSegment;
  /** Account manager's email (resolved to a Slack user with users.lookupByEmail). */
  accountManager: string;
  pattern: SamplePattern;
}

export const SAMPLE_DEFAULTS = { customers: 200, periods: 104, seed: 42 } as const;

/** Bumped whenever the same options would give different rows (cached data sets key on it). */
export const SAMPLE_VERSION = 3;

/** Everything the sales stream needs per customer (kept in parallel with `SampleCustomer`). */
interface Profile {
  /** Typical weekly spend in cents. */
  baseCents: number;
  /** First and last week index (0-based) in which the customer may buy. */
  startWeek: number;
  stopWeek: number;
  /** Chance of buying at all in a given active week. */
  buyChance: number;
  /** Usual orders per buying week (at least 1). */
  ordersPerWeek: number;
  growthPerWeek: number;
  seasonPhase: number;
  /** Declining customers: week the slide starts, and the level it reaches by the last week. */
  declineStart: number;
  declineTo: number;
  /** Buys only in weeks where (week + phase) is a multiple of this (1 = any week). */
  everyWeeks: number;
  phase: number;
  /** Fading customers: week the fade starts (buy chance and amounts fall to ~15% by stopWeek). */
  fadeStart: number;
}

export interface SampleData {
  customers: SampleCustomer[];
  /** A fresh iterator over the sales rows, in date order. */
  sales(): Generator<SaleRow>;
  /** Day number (days since 1970-01-01) of the first and last day covered. */
  firstDay: number;
  lastDay: number;
}

const MS_PER_DAY = 86_400_000;
/** How much more likely a weekday order is than a weekend one. */
const WEEKEND_WEIGHT = 0.3;
const REFUND_CHANCE = 0.012;

const SEGMENTS: readonly {
  segment: SampleSegment;
  share: number;
  minCents: number;
  maxCents: number;
  orders: number;
}[] = [
  { segment: 'Enterprise', share: 0.1, minCents: 150_000, maxCents: 600_000, orders: 3 },
  { segment: 'Mid-market', share: 0.3, minCents: 35_000, maxCents: 140_000, orders: 1 },
  { segment: 'SMB', share: 0.6, minCents: 4_000, maxCents: 30_000, orders: 1 },
];

/**
 * The mix: weekly buyers (steady, growing, seasonal, declining), fortnightly and monthly buyers,
 * occasional ones (a few orders a quarter, at random), customers who fade before they leave
 * (fewer and smaller orders over 6-12 weeks, then none) and some who stop abruptly, plus lapsing,
 * churned and new ones.
 */
const PATTERNS: readonly { pattern: SamplePattern; share: number }[] = [
  { pattern: 'steady', share: 0.26 },
  { pattern: 'growing', share: 0.07 },
  { pattern: 'seasonal', share: 0.08 },
  { pattern: 'declining', share: 0.08 },
  { pattern: 'fortnightly', share: 0.1 },
  { pattern: 'monthly', share: 0.08 },
  { pattern: 'occasional', share: 0.08 },
  { pattern: 'fading', share: 0.07 },
  { pattern: 'stopped', share: 0.04 },
  { pattern: 'lapsing', share: 0.05 },
  { pattern: 'churned', share: 0.03 },
  { pattern: 'new', share: 0.06 },
];

const NAME_FIRST = [
  'Northwind',
  'Bluebird',
  'Summit',
  'Cedar',
  'Harbor',
  'Redwood',
  'Silverline',
  'Granite',
  'Maple',
  'Brightwater',
  'Ironbridge',
  'Golden Gate',
  'Lakeside',
  'Pinecrest',
  'Riverbend',
  'Starlight',
  'Oakmont',
  'Westfield',
  'Evergreen',
  'Copper Hill',
  'Sunrise',
  'Blue Ridge',
  'Fairview',
  'Highland',
  'Meadowbrook',
  'Stonegate',
  'Crescent',
  'Driftwood',
  'Foxglove',
  'Juniper',
  'Kestrel',
  'Larkspur',
  'Marigold',
  'Nightingale',
  'Orchard',
  'Quarry',
  'Sagebrush',
  'Tidewater',
  'Willow',
  'Zephyr',
];
const NAME_SECOND = [
  'Supply',
  'Bakery',
  'Logistics',
  'Foods',
  'Hardware',
  'Coffee',
  'Outfitters',
  'Pharmacy',
  'Builders',
  'Florists',
  'Brewing',
  'Dental',
  'Motors',
  'Textiles',
  'Kitchens',
  'Printing',
  'Farms',
  'Optics',
  'Electric',
  'Marine',
  'Labs',
  'Grocers',
  'Furniture',
  'Pet Care',
  'Cycles',
  'Studios',
  'Clinics',
  'Restaurants',
  'Hotels',
  'Wholesale',
];
const NAME_SUFFIX = ['', '', '', ' Co.', ' Inc.', ' LLC', ' Group', ' & Sons', ' Ltd.', ' Partners'];

/** mulberry32: a tiny, fast 32-bit PRNG; returns a function giving floats in [0, 1). */
export function createPrng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T extends { share: number }>(items: readonly T[], r: number): T {
  let acc = 0;
  for (const item of items) {
    acc += item.share;
    if (r < acc) return item;
  }
  return items[items.length - 1]!;
}

function intBetween(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Roughly normal noise (sum of three uniforms), mean 0, standard deviation about `sd`. */
function noise(random: () => number, sd: number): number {
  return (random() + random() + random() - 1.5) * 2 * sd;
}

/** Parses `YYYY-MM-DD` to a day number, or throws a RangeError naming the value. */
export function sampleDayFromIso(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (match) {
    const [, y, m, d] = match.map(Number) as [number, number, number, number];
    const ms = Date.UTC(y, m - 1, d);
    const date = new Date(ms);
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) {
      return ms / MS_PER_DAY;
    }
  }
  throw new RangeError(`"${iso}" is not a date in YYYY-MM-DD form`);
}

/** The last day of the latest whole week (starting on `weekStartsOn`) ending on or before `day`. */
export function lastWeekEndOnOrBefore(day: number, weekStartsOn: number): number {
  // 1970-01-01 was a Thursday (4); a week ends on the day before its start day.
  const weekday = (((day + 4) % 7) + 7) % 7;
  const endWeekday = (weekStartsOn + 6) % 7;
  return day - ((weekday - endWeekday + 7) % 7);
}

/** The last day of the last complete Monday-to-Sunday week before `today` (both `YYYY-MM-DD`). */
export function sampleEndDate(today: string): string {
  const day = lastWeekEndOnOrBefore(sampleDayFromIso(today) - 1, 1);
  return isoFromDay(day);
}

function customerIdWidth(count: number): number {
  return Math.max(4, String(count).length);
}

function buildName(random: () => number, used: Set<string>): string {
  for (let attempt = 0; attempt < 8; attempt++) {
    const name =
      NAME_FIRST[Math.floor(random() * NAME_FIRST.length)]! +
      ' ' +
      NAME_SECOND[Math.floor(random() * NAME_SECOND.length)]! +
      NAME_SUFFIX[Math.floor(random() * NAME_SUFFIX.length)]!;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
  // Large samples run out of combinations: number the branches, as real chains do.
  const base = `${NAME_FIRST[Math.floor(random() * NAME_FIRST.length)]!} ${NAME_SECOND[Math.floor(random() * NAME_SECOND.length)]!}`;
  let n = 2;
  while (used.has(`${base} #${n}`)) n++;
  const name = `${base} #${n}`;
  used.add(name);
  return name;
}

function buildProfile(
  random: () => number,
  pattern: SamplePattern,
  baseCents: number,
  orders: number,
  periods: number,
): Profile {
  const last = periods - 1;
  const profile: Profile = {
    baseCents,
    // Most customers were already buying when the sample starts; some joined a little later.
    startWeek: random() < 0.85 ? 0 : intBetween(random, 1, Math.max(1, Math.floor(periods / 4))),
    stopWeek: last,
    buyChance: orders >= 2 ? 0.99 : 0.95,
    ordersPerWeek: orders,
    growthPerWeek: 0,
    seasonPhase: random() * 13,
    declineStart: periods,
    declineTo: 1,
    everyWeeks: 1,
    phase: 0,
    fadeStart: periods,
  };
  switch (pattern) {
    case 'growing':
      profile.growthPerWeek = 0.015 + random() * 0.025;
      break;
    case 'declining':
      profile.startWeek = 0;
      profile.declineStart = Math.max(1, periods - intBetween(random, 4, 8));
      profile.declineTo = 0.15 + random() * 0.45;
      break;
    case 'lapsing':
      profile.startWeek = 0;
      profile.stopWeek = Math.max(0, last - intBetween(random, 2, 4));
      profile.buyChance = 0.97;
      break;
    case 'churned':
      profile.startWeek = 0;
      profile.stopWeek = intBetween(random, 0, Math.max(0, Math.floor(periods / 3) - 1));
      profile.buyChance = 0.97;
      break;
    case 'new':
      profile.startWeek = Math.max(0, last - intBetween(random, 0, 4));
      profile.buyChance = 0.97;
      break;
    case 'occasional':
      // A few orders a quarter, at random weeks: nothing in their history predicts the next one.
      profile.buyChance = 0.12 + random() * 0.18;
      profile.ordersPerWeek = 1;
      profile.baseCents *= 4;
      break;
    case 'fortnightly':
    case 'monthly':
      profile.everyWeeks = pattern === 'fortnightly' ? 2 : 4;
      profile.phase = intBetween(random, 0, profile.everyWeeks - 1);
      profile.buyChance = 0.95;
      profile.ordersPerWeek = 1;
      profile.baseCents *= profile.everyWeeks;
      break;
    case 'fading': {
      // Fewer and smaller orders over 6-12 weeks, then gone, at a random point of the history.
      profile.startWeek = 0;
      const fade = intBetween(random, 6, 12);
      profile.stopWeek = Math.max(fade, intBetween(random, Math.floor(periods / 3), last));
      profile.fadeStart = Math.max(1, profile.stopWeek - fade);
      profile.buyChance = 0.97;
      break;
    }
    case 'stopped':
      // Buys as usual, then nothing from one week to the next.
      profile.startWeek = 0;
      profile.stopWeek = intBetween(random, Math.floor(periods / 3), last);
      profile.buyChance = 0.97;
      break;
    default:
      break;
  }
  return profile;
}

function generateProfiles(options: Required<Omit<SampleOptions, 'end' | 'weekStartsOn'>>): {
  customers: SampleCustomer[];
  profiles: Profile[];
} {
  const random = createPrng(options.seed);
  const width = customerIdWidth(options.customers);
  const used = new Set<string>();
  const customers: SampleCustomer[] = [];
  const profiles: Profile[] = [];
  for (let i = 0; i < options.customers; i++) {
    const seg = pick(SEGMENTS, random());
    const pattern = pick(PATTERNS, random()).pattern;
    // Enterprise accounts go to the first two managers; the rest are spread over everyone.
    const managerIndex =
      seg.segment === 'Enterprise'
        ? Math.floor(random() * 2)
        : Math.floor(random() * SAMPLE_ACCOUNT_MANAGERS.length);
    const baseCents = seg.minCents + random() * (seg.maxCents - seg.minCents);
    customers.push({
      customerId: `C${String(i + 1).padStart(width, '0')}`,
      name: buildName(random, used),
      segment: seg.segment,
      accountManager: SAMPLE_ACCOUNT_MANAGERS[managerIndex]!.email,
      pattern,
    });
    profiles.push(buildProfile(random, pattern, baseCents, seg.orders, options.periods));
  }
  return { customers, profiles };
}

/** Month (1-12) of a day number. */
function monthOfDay(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCMonth() + 1;
}

function weeklyLevel(profile: Profile, pattern: SamplePattern, week: number, weekStart: number): number {
  let factor = 1;
  if (pattern === 'growing') factor = (1 + profile.growthPerWeek) ** week;
  else if (pattern === 'seasonal') {
    // A December peak (twice the usual), a quiet January, and a mild quarterly swing.
    const month = monthOfDay(weekStart + 3);
    factor =
      (month === 12 ? 2 : month === 1 ? 0.85 : 1) *
      (1 + 0.15 * Math.sin((2 * Math.PI * (week + profile.seasonPhase)) / 13));
  } else if (pattern === 'fading' && week >= profile.fadeStart) {
    const span = Math.max(1, profile.stopWeek - profile.fadeStart + 1);
    factor = 1 - (0.85 * (week - profile.fadeStart + 1)) / span;
  } else if (pattern === 'declining' && week >= profile.declineStart) {
    const span = Math.max(1, profile.stopWeek - profile.declineStart + 1);
    factor = 1 - ((1 - profile.declineTo) * (week - profile.declineStart + 1)) / span;
  }
  return profile.baseCents * factor;
}

/** Validates options and fills defaults; throws RangeError naming the bad option. */
function resolveOptions(options: SampleOptions): Required<SampleOptions> {
  const customers = options.customers ?? SAMPLE_DEFAULTS.customers;
  const periods = options.periods ?? SAMPLE_DEFAULTS.periods;
  const seed = options.seed ?? SAMPLE_DEFAULTS.seed;
  const weekStartsOn = options.weekStartsOn ?? 1;
  if (!Number.isInteger(customers) || customers < 1)
    throw new RangeError('customers must be a whole number >= 1');
  if (!Number.isInteger(periods) || periods < 1) throw new RangeError('periods must be a whole number >= 1');
  if (!Number.isInteger(seed)) throw new RangeError('seed must be a whole number');
  if (!Number.isInteger(weekStartsOn) || weekStartsOn < 0 || weekStartsOn > 6) {
    throw new RangeError('weekStartsOn must be 0 (Sunday) to 6 (Saturday)');
  }
  return { customers, periods, seed, end: options.end, weekStartsOn };
}

/** Builds the sample: its customers now, and a sales stream to iterate (as many times as needed). */
export function generateSample(options: SampleOptions): SampleData {
  const resolved = resolveOptions(options);
  const lastDay = lastWeekEndOnOrBefore(sampleDayFromIso(resolved.end), resolved.weekStartsOn);
  const firstDay = lastDay - 7 * resolved.periods + 1;
  const { customers, profiles } = generateProfiles(resolved);
  return {
    customers,
    firstDay,
    lastDay,
    sales: () => generateSales(resolved, customers, profiles, firstDay),
  };
}

function* generateSales(
  options: Required<SampleOptions>,
  customers: SampleCustomer[],
  profiles: Profile[],
  firstDay: number,
): Generator<SaleRow> {
  // A different stream from the profiles', so the customer list does not depend on the sales.
  const random = createPrng((options.seed ^ 0x5eed5a1e) >>> 0);
  let orderNumber = 0;
  const dayWeights = Array.from({ length: 7 }, (_, i) => {
    const weekday = (firstDay + i + 4) % 7;
    return weekday === 0 || weekday === 6 ? WEEKEND_WEIGHT : 1;
  });
  const weightTotal = dayWeights.reduce((a, b) => a + b, 0);
  const pickDay = (): number => {
    let r = random() * weightTotal;
    for (let i = 0; i < 7; i++) {
      r -= dayWeights[i]!;
      if (r < 0) return i;
    }
    return 6;
  };

  for (let week = 0; week < options.periods; week++) {
    const weekStart = firstDay + week * 7;
    // Rows of this week by day, so the file comes out in date order like a real export.
    const byDay: SaleRow[][] = [[], [], [], [], [], [], []];
    for (let c = 0; c < customers.length; c++) {
      const profile = profiles[c]!;
      if (week < profile.startWeek || week > profile.stopWeek) continue;
      if ((week + profile.phase) % profile.everyWeeks !== 0) continue;
      const customer = customers[c]!;
      // Fading customers also buy less often as they fade.
      const chance =
        customer.pattern === 'fading' && week >= profile.fadeStart
          ? profile.buyChance * weeklyLevel(profile, 'fading', week, weekStart)
          : profile.buyChance;
      // Occasional buyers buy in their first week, so every sample customer has a sale on record.
      if (random() >= chance && !(customer.pattern === 'occasional' && week === profile.startWeek)) continue;
      const level =
        weeklyLevel(profile, customer.pattern, week, weekStart) * Math.max(0.2, 1 + noise(random, 0.15));
      const orders = Math.max(1, profile.ordersPerWeek + (random() < 0.3 ? (random() < 0.5 ? -1 : 1) : 0));
      for (let o = 0; o < orders; o++) {
        const amountCents = Math.max(100, Math.round((level / orders) * (0.7 + random() * 0.6)));
        const dayIndex = pickDay();
        orderNumber++;
        byDay[dayIndex]!.push({
          customerId: customer.customerId,
          day: weekStart + dayIndex,
          amountCents,
          orderId: `S${orderNumber}`,
        });
        if (random() < REFUND_CHANCE) {
          // A refund of part or all of the order, a few days later (within the same week).
          const refundDay = Math.min(6, dayIndex + intBetween(random, 0, 3));
          byDay[refundDay]!.push({
            customerId: customer.customerId,
            day: weekStart + refundDay,
            amountCents: -Math.round(amountCents * (random() < 0.5 ? 1 : 0.2 + random() * 0.6)),
            orderId: `S${orderNumber}-R`,
          });
        }
      }
    }
    if (week === options.periods - 1 && byDay[6]!.length === 0) {
      // The analysis takes the latest sale date as the as-of date: make sure the last week ends with
      // a sale, or the whole last week would count as an incomplete period.
      const from = byDay.findLastIndex((rows) => rows.some((row) => row.amountCents > 0));
      const moved = from >= 0 ? byDay[from]!.findLast((row) => row.amountCents > 0) : undefined;
      if (moved) {
        byDay[from]!.splice(byDay[from]!.indexOf(moved), 1);
        moved.day = weekStart + 6;
        byDay[6]!.push(moved);
      }
    }
    for (const rows of byDay) yield* rows;
  }
}
