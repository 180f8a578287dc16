/**
 * The backtest (evidence spec section 1): replays the live rules at past periods t with only the
 * data known at t's end, and measures how often the customers flagged at t lost half their revenue
 * over the h periods after t. Also the calibrated risk of spec section 2 (P(lost | most urgent gap
 * type, score band)) and the cadence groups of section 8. Pure: the ledger and settings come in.
 *
 * Fast: the ledger (each customer's dense series, built once from the rows) is shared by every
 * replay point; at each point the core functions of the live analysis (`computeCustomerFacts`,
 * `findGaps`, the score components, `weighScore`, `comparePriority`'s order) run on the prefix of each series
 * up to t. None of the report assembly (series slices, rationales, sorting every customer,
 * summaries) is repeated. A test checks that this equals a full `analyze` per replay point.
 * Formulas and choices: docs/analysis-formulas.md, "Backtest".
 */
import { ConfigError } from '../errors.ts';
import { chooseAsOf } from './analyze.ts';
import { type BgnbdSummary, bgnbdData, fitBgnbd, probabilityAlive, summariseSalePeriods } from './bgnbd.ts';
import { GAP_URGENCY, type GapSink, visitGaps } from './detect-gaps.ts';
import { computeCustomerFacts, FactsPrefixes, metricsSettingsOf, scratchFacts } from './metrics.ts';
import {
  type ComponentSettings,
  churnRiskOf,
  componentSettingsOf,
  componentsOf,
  recoveryProbabilityOf,
  weighScore,
} from './score.ts';
import type { AnalysisSettings } from './settings.ts';
import { CUSTOMERS_PER_STEP, drainSteps, type Steps } from './steps.ts';
import type {
  AnalysisResult,
  CustomerLedger,
  GapType,
  PeriodSpec,
  PriorityEvidence,
  SalesLedger,
} from './types.ts';

/** Flag sets measured: each gap type, any gap, and the top N by score. */
export type FlagSetKey = GapType | 'any_gap' | 'top_n';
export const FLAG_SETS: readonly FlagSetKey[] = [...GAP_URGENCY, 'any_gap', 'top_n'];

/** Cadence groups (evidence spec section 8). */
export type CadenceGroup = 'every_period' | 'every_2_to_4' | 'rarer';
export const CADENCE_GROUPS: readonly CadenceGroup[] = ['every_period', 'every_2_to_4', 'rarer'];

/** Below this many lost customers (pooled) the history is too short to judge the flags. */
export const MIN_LOST_TO_JUDGE = 30;
/** A calibrated-risk cell needs at least this many flagged customers to give a figure. */
export const MIN_CELL_N = 30;
/** Replay points in "recently". */
export const RECENT_POINTS = 4;
/** From this base rate on, lift cannot exceed 1 / base rate = 2.5: the report says it is capped. */
export const LIFT_CAP_BASE_RATE = 0.4;
/** A flag set with a lift below this is "no better than the base rate". */
export const NO_BETTER_LIFT = 1.2;
/** Default horizon h: 8 weeks, or 3 months. */
export function defaultHorizon(spec: PeriodSpec): number {
  return spec.kind === 'week' ? 8 : 3;
}

export interface BacktestOptions {
  /** Horizon h in periods (default 8 weeks / 3 months). */
  horizon?: number;
  /** Periods between replay points (default 1). */
  step?: number;
  /** Earliest replay point (a period index); default: the first period anyone can be judged. */
  fromPeriod?: number;
  /** Called after each replay point (for a progress line). */
  onProgress?: (done: number, total: number) => void;
}

/** Counts of one flag set. */
export interface FlagTally {
  flagged: number;
  lostFlagged: number;
  /** Lost revenue of the flagged customers, cents. */
  lostRevenueFlaggedCents: number;
}

/** Counts of one population (a replay point, a cadence group, all points pooled). */
export interface Tally {
  /** Customer-points judged with a positive baseline. */
  population: number;
  lost: number;
  lostRevenueCents: number;
  sets: Record<FlagSetKey, FlagTally>;
}

/** The metrics of one flag set, each with the counts it is built from; null where undefined (0/0). */
export interface FlagSetMetrics extends FlagTally {
  set: FlagSetKey;
  precision: number | null;
  recall: number | null;
  lift: number | null;
  revenueCoverage: number | null;
  /** lift < NO_BETTER_LIFT: flags of this set are no better than picking customers at random. */
  noBetterThanBase: boolean;
}

export interface GroupReport {
  /** Replay points pooled. */
  points: number;
  population: number;
  lost: number;
  lostRevenueCents: number;
  baseRate: number | null;
  /** Base rate >= LIFT_CAP_BASE_RATE: lift is at most 1 / base rate; a longer horizon judges better. */
  liftCapped: boolean;
  sets: FlagSetMetrics[];
}

export interface PointReport extends Tally {
  period: number;
}

/** Pooled counts of flagged customers by most urgent gap type and score band (spec section 2). */
export interface Calibration {
  /** cells[type][band]: band 0 = score 0-20 ... 4 = 80-100. */
  cells: Record<GapType, { flagged: number; lost: number }[]>;
  byType: Record<GapType, { flagged: number; lost: number }>;
  any: { flagged: number; lost: number };
  /** Base rate of the whole population (for "no better than the base rate"). */
  baseRate: number | null;
}

export interface BacktestResult {
  period: PeriodSpec;
  asOfPeriod: number;
  horizon: number;
  step: number;
  topN: number;
  /** Replay points, oldest first; the last is asOfPeriod - horizon when there is any. */
  points: number[];
  /** Fewer than MIN_LOST_TO_JUDGE lost customers pooled (or no replay point at all). */
  tooShort: boolean;
  overall: GroupReport;
  recent: GroupReport & { fromPeriod: number | null; toPeriod: number | null };
  byCadence: Record<CadenceGroup, GroupReport>;
  /** One entry per replay point, oldest first. */
  perPoint: PointReport[];
  calibration: Calibration;
}

/** What a flag means for one customer: P(lost) among customers flagged like it, with n. */
export type CalibratedRisk = PriorityEvidence;

function emptyTally(): Tally {
  const sets = {} as Record<FlagSetKey, FlagTally>;
  for (const key of FLAG_SETS) sets[key] = { flagged: 0, lostFlagged: 0, lostRevenueFlaggedCents: 0 };
  return { population: 0, lost: 0, lostRevenueCents: 0, sets };
}

function addTally(into: Tally, from: Tally): void {
  into.population += from.population;
  into.lost += from.lost;
  into.lostRevenueCents += from.lostRevenueCents;
  for (const key of FLAG_SETS) {
    const a = into.sets[key];
    const b = from.sets[key];
    a.flagged += b.flagged;
    a.lostFlagged += b.lostFlagged;
    a.lostRevenueFlaggedCents += b.lostRevenueFlaggedCents;
  }
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Precision, recall, base rate, lift and revenue coverage of a pooled tally. */
export function groupReport(tally: Tally, points: number): GroupReport {
  const baseRate = ratio(tally.lost, tally.population);
  const sets: FlagSetMetrics[] = FLAG_SETS.map((set) => {
    const t = tally.sets[set];
    const precision = ratio(t.lostFlagged, t.flagged);
    const lift = precision !== null && baseRate !== null && baseRate > 0 ? precision / baseRate : null;
    return {
      set,
      ...t,
      precision,
      recall: ratio(t.lostFlagged, tally.lost),
      lift,
      revenueCoverage: ratio(t.lostRevenueFlaggedCents, tally.lostRevenueCents),
      noBetterThanBase: lift !== null && lift < NO_BETTER_LIFT,
    };
  });
  return {
    points,
    population: tally.population,
    lost: tally.lost,
    lostRevenueCents: tally.lostRevenueCents,
    baseRate,
    liftCapped: baseRate !== null && baseRate >= LIFT_CAP_BASE_RATE,
    sets,
  };
}

/**
 * Cadence g: the median number of periods between consecutive periods with a sale (evidence spec
 * section 8); 1 below 3 sales. `gaps` is sorted ascending.
 */
export function medianGap(gaps: readonly number[]): number {
  if (gaps.length < 2) return 1;
  const mid = gaps.length >> 1;
  return gaps.length % 2 === 1 ? (gaps[mid] ?? 1) : ((gaps[mid - 1] ?? 1) + (gaps[mid] ?? 1)) / 2;
}

/** Group of a cadence g: under 1.5 every period, up to 4 (4.5 rounds to 5) every 2-4, else rarer. */
export function cadenceGroupOf(g: number): CadenceGroup {
  if (g < 1.5) return 'every_period';
  if (g < 4.5) return 'every_2_to_4';
  return 'rarer';
}

/** Score band of spec section 2: 0 = [0, 20), ... 4 = [80, 100]. */
export function scoreBand(score: number): number {
  return Math.max(0, Math.min(4, Math.floor(score / 20)));
}

export const SCORE_BANDS = ['0-20', '20-40', '40-60', '60-80', '80-100'] as const;

/** One customer judged at one replay point, as the visitor sees it. */
export interface ReplayEntry {
  readonly customerId: string;
  /** Gap types at t (empty: not flagged). */
  types: GapType[];
  /** Largest gap amount at t. */
  gapAmountCents: number;
  /** Priority score at t (null when not flagged). */
  score: number | null;
  /** In the top N at t. */
  topN: boolean;
  lost: boolean;
  lostRevenueCents: number;
  baselineCents: number;
  cadence: CadenceGroup;
}

/** Sum of net cents over periods from..to (inclusive); periods outside the ledger count as 0. */
function sumNet(customer: CustomerLedger, from: number, to: number): number {
  const lo = Math.max(from, customer.startPeriod) - customer.startPeriod;
  const hi = Math.min(to - customer.startPeriod, customer.net.length - 1);
  let sum = 0;
  for (let i = lo; i <= hi; i++) sum += customer.net[i] ?? 0;
  return sum;
}

/** The replay points and horizon for a ledger and settings (throws ConfigError on bad options). */
export function planReplay(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions = {},
): ReplayPlan {
  return drainSteps(planReplaySteps(ledger, settings, options));
}

export interface ReplayPlan {
  asOfPeriod: number;
  horizon: number;
  step: number;
  points: number[];
}

/** `planReplay` pausing every `CUSTOMERS_PER_STEP` customers (it reads every customer's sale flags). */
function* planReplaySteps(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions,
): Steps<ReplayPlan> {
  const horizon = options.horizon ?? defaultHorizon(ledger.period);
  const step = options.step ?? 1;
  const issues: string[] = [];
  if (!Number.isInteger(horizon) || horizon < 1)
    issues.push(`horizon: ${horizon} is not a whole number of periods >= 1`);
  if (!Number.isInteger(step) || step < 1) issues.push(`step: ${step} is not a whole number of periods >= 1`);
  if (issues.length > 0) throw new ConfigError(issues);
  const asOfPeriod = chooseAsOf(ledger, settings.asOf).asOf.period;
  let firstJudgeable = Number.POSITIVE_INFINITY;
  let met = 0;
  for (const customer of ledger.customers.values()) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    const { positive } = customer;
    for (let i = 0; i < positive.length; i++) {
      if (positive[i] === 1) {
        firstJudgeable = Math.min(firstJudgeable, customer.startPeriod + i + settings.minHistory - 1);
        break;
      }
    }
  }
  const first = Math.max(firstJudgeable, options.fromPeriod ?? Number.NEGATIVE_INFINITY);
  const points: number[] = [];
  // Back from A - h, so the latest point is always the one "h periods ago".
  for (let t = asOfPeriod - horizon; t >= first; t -= step) points.push(t);
  points.reverse();
  return { asOfPeriod, horizon, step, points };
}

const NO_TYPES: GapType[] = [];

/** The gap types of each bit set (bit i = GAP_URGENCY[i]), in urgency order as `findGaps` lists them. */
const TYPES_OF_BITS: readonly GapType[][] = Array.from({ length: 1 << GAP_URGENCY.length }, (_, bits) =>
  GAP_URGENCY.filter((_type, i) => (bits & (1 << i)) !== 0),
);
const BIT_OF_TYPE = Object.fromEntries(GAP_URGENCY.map((type, i) => [type, 1 << i])) as Record<
  GapType,
  number
>;

/**
 * The replay's one entry object. Its customer id is read from the customer only when asked for: the
 * backtest's own tally never reads it, and reading it for every flagged customer-point (in priority
 * order: all over the heap) cost a cache miss each.
 */
class EntryAt implements ReplayEntry {
  /** The customer's index in the replay's customers. */
  index = 0;
  types: GapType[] = NO_TYPES;
  gapAmountCents = 0;
  score: number | null = null;
  topN = false;
  lost = false;
  lostRevenueCents = 0;
  baselineCents = 0;
  cadence: CadenceGroup = 'every_period';
  readonly #customers: readonly CustomerLedger[];
  constructor(customers: readonly CustomerLedger[]) {
    this.#customers = customers;
  }
  get customerId(): string {
    return (this.#customers[this.index] as CustomerLedger).customerId;
  }
}

/** What the rules find for one customer-point: how many gaps, their types (bits), the largest amount. */
class GapTally implements GapSink {
  count = 0;
  types = 0;
  largestCents = 0;
  reset(): void {
    this.count = 0;
    this.types = 0;
    this.largestCents = 0;
  }
  found(type: GapType, amountCents: number): void {
    this.count++;
    this.types |= BIT_OF_TYPE[type];
    if (amountCents > this.largestCents) this.largestCents = amountCents;
  }
  suppressed(): void {}
}

/**
 * The flagged customers of one replay point, column by column (typed arrays reused from point to
 * point): an object per flagged customer per point would be millions of objects that outlive the
 * young generation (they wait for the scores) and cost full collections. `churn` and `recovery`
 * are the score components that do not depend on the other customers (`churnRiskOf`,
 * `recoveryProbabilityOf`); the other two wait for the point's largest gap and lifetime value.
 */
class FlaggedAtPoint {
  length = 0;
  index: Int32Array;
  gap: Float64Array;
  ltv: Float64Array;
  churn: Float64Array;
  recovery: Float64Array;
  score: Float64Array;
  lostRevenue: Float64Array;
  baseline: Float64Array;
  /** Bit set of gap types (`TYPES_OF_BITS`). */
  types: Uint8Array;
  /** Bit 0: lost; bits 1-2: cadence group (index in CADENCE_GROUPS); bit 3: in the top N. */
  flags: Uint8Array;

  /**
   * Room for `capacity` slots (one per customer: a point flags each at most once), as views of one
   * buffer. Grown one doubling at a time from 1,024, the columns were ~20 allocations each of up
   * to 8 MB at 1,000,000 customers, which malloc kept after they were freed (~130 MB of the run's
   * peak); one buffer that size is mapped and unmapped whole.
   */
  constructor(capacity: number) {
    const n = Math.max(1024, capacity);
    const buffer = new ArrayBuffer(n * (7 * 8 + 4 + 2));
    let at = 0;
    const f64 = (): Float64Array => {
      const a = new Float64Array(buffer, at, n);
      at += n * 8;
      return a;
    };
    this.gap = f64();
    this.ltv = f64();
    this.churn = f64();
    this.recovery = f64();
    this.score = f64();
    this.lostRevenue = f64();
    this.baseline = f64();
    this.index = new Int32Array(buffer, at, n);
    at += n * 4;
    this.types = new Uint8Array(buffer, at, n);
    this.flags = new Uint8Array(buffer, at + n, n);
  }

  /** Makes room for one more; returns its slot. */
  add(): number {
    if (this.length === this.index.length) {
      const size = Math.max(1024, this.length * 2);
      const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
        const b = make(size);
        b.set(a);
        return b;
      };
      this.index = grow(this.index, (n) => new Int32Array(n));
      this.gap = grow(this.gap, (n) => new Float64Array(n));
      this.ltv = grow(this.ltv, (n) => new Float64Array(n));
      this.churn = grow(this.churn, (n) => new Float64Array(n));
      this.recovery = grow(this.recovery, (n) => new Float64Array(n));
      this.score = grow(this.score, (n) => new Float64Array(n));
      this.lostRevenue = grow(this.lostRevenue, (n) => new Float64Array(n));
      this.baseline = grow(this.baseline, (n) => new Float64Array(n));
      this.types = grow(this.types, (n) => new Uint8Array(n));
      this.flags = grow(this.flags, (n) => new Uint8Array(n));
    }
    return this.length++;
  }
}

/** Replays the rules at each point (see `replaySteps`) in one go. */
export function replay(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions,
  visit: (period: number, entry: ReplayEntry) => void,
): ReplayPlan {
  return drainSteps(replaySteps(ledger, settings, options, visit));
}

/**
 * Replays the rules at each point and hands every judged customer (baseline > 0) to `visit`; the
 * entry object (and its `types` array) is reused between calls, so `visit` copies what it keeps.
 * The flags at t come from the rows dated in periods up to t only; the outcome reads periods
 * t+1..t+h. A generator that pauses (yields) every `CUSTOMERS_PER_STEP` customers, so a caller
 * with an event loop to keep can resume it later (`replay` runs it through at once).
 */
export function* replaySteps(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions,
  visit: (period: number, entry: ReplayEntry) => void,
): Steps<ReplayPlan> {
  if (settings.rules !== 'revgap') {
    throw new ConfigError([`rules: the backtest replays the revgap rules, not "${settings.rules}"`], {
      hint: 'run it with --rules revgap (the default)',
    });
  }
  const plan = yield* planReplaySteps(ledger, settings, options);
  const { horizon, points } = plan;
  const customers: CustomerLedger[] = [];
  for (const customer of ledger.customers.values()) {
    if (customers.length % CUSTOMERS_PER_STEP === CUSTOMERS_PER_STEP - 1) yield;
    customers.push(customer);
  }
  // One entry object for every visit (millions of customer-points): `visit` copies what it keeps.
  const entry = new EntryAt(customers);
  const flagged = new FlaggedAtPoint(customers.length);
  // One facts object filled for every customer-point (read before the next is computed).
  const scratch = scratchFacts();
  // The gaps of one customer-point, tallied as the rules find them (no list per customer-point).
  const gaps = new GapTally();
  // Each customer's sums over its history so far: the points go forward, so each point's facts
  // read only the periods since the last point.
  const prefixes = new FactsPrefixes(customers.length);
  // The live analysis' metrics settings (cadence-aware windows, seasonality), so both judge alike.
  const metricsSettings = metricsSettingsOf(settings, ledger.period.kind);
  // Component settings by cadence multiple k (without P(alive) they depend on k alone).
  const componentSettingsByK = new Map<number, ComponentSettings>();
  const componentSettingsFor = (k: number, pAlive: number | undefined): ComponentSettings => {
    if (pAlive !== undefined) return componentSettingsOf(settings, k, pAlive);
    let s = componentSettingsByK.get(k);
    if (s === undefined) {
      s = componentSettingsOf(settings, k);
      componentSettingsByK.set(k, s);
    }
    return s;
  };
  // Priority order of two flagged slots: `comparePriority` (score, gap, id) on the columns.
  const compareSlots = (a: number, b: number): number => {
    const byScore = (flagged.score[b] as number) - (flagged.score[a] as number);
    if (byScore !== 0) return byScore;
    const byGap = (flagged.gap[b] as number) - (flagged.gap[a] as number);
    if (byGap !== 0) return byGap;
    const idA = (customers[flagged.index[a] as number] as CustomerLedger).customerId;
    const idB = (customers[flagged.index[b] as number] as CustomerLedger).customerId;
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
  const top: number[] = [];
  for (let p = 0; p < points.length; p++) {
    const t = points[p] ?? 0;
    flagged.length = 0;
    // churnModel bgnbd: refit on the data known at t (every customer with a sale by t).
    const alive = settings.churnModel === 'bgnbd' ? aliveAt(customers, t) : null;
    let maxGap = 0;
    let maxLtv = 0;
    for (let i = 0; i < customers.length; i++) {
      if (i % CUSTOMERS_PER_STEP === CUSTOMERS_PER_STEP - 1) yield;
      const customer = customers[i] as CustomerLedger;
      if (customer.startPeriod > t) continue;
      const facts = computeCustomerFacts(customer, t, metricsSettings, scratch, prefixes, i);
      const m = facts.metrics;
      if (facts.standing !== 'judged' || m === null || m.baselineCents <= 0) continue;
      const b = m.baselineCents;
      const future = sumNet(customer, t + 1, t + horizon);
      // mean(v(t+1..t+h)) <= 0.5 b, in integers: 2 x sum <= b x h.
      const lost = 2 * future <= b * horizon;
      const lostRevenueCents = Math.max(0, b * horizon - future);
      // Cadence as of t (metrics' median gap between sale periods, 1 below 3 sales).
      const group = cadenceGroupOf(facts.cadence ?? 1);
      const pAlive = alive?.[i];
      gaps.reset();
      visitGaps(facts, settings, pAlive === undefined ? undefined : { pAlive }, gaps);
      if (gaps.count === 0) {
        entry.index = i;
        entry.types = NO_TYPES;
        entry.gapAmountCents = 0;
        entry.score = null;
        entry.topN = false;
        entry.lost = lost;
        entry.lostRevenueCents = lostRevenueCents;
        entry.baselineCents = b;
        entry.cadence = group;
        visit(t, entry);
        continue;
      }
      const gapAmountCents = gaps.largestCents;
      const types = gaps.types;
      maxGap = Math.max(maxGap, gapAmountCents);
      maxLtv = Math.max(maxLtv, m.lifetimeValueCents);
      const componentSettings = componentSettingsFor(facts.cadenceMultiple ?? 1, pAlive);
      const slot = flagged.add();
      flagged.index[slot] = i;
      flagged.gap[slot] = gapAmountCents;
      flagged.ltv[slot] = m.lifetimeValueCents;
      flagged.churn[slot] = churnRiskOf(m, componentSettings);
      flagged.recovery[slot] = recoveryProbabilityOf(m, componentSettings);
      flagged.lostRevenue[slot] = lostRevenueCents;
      flagged.baseline[slot] = b;
      flagged.types[slot] = types;
      flagged.flags[slot] = (lost ? 1 : 0) | (CADENCE_GROUPS.indexOf(group) << 1);
    }
    // Scores are relative to the customers flagged at t, as in the live analysis.
    const scale = { largestGapCents: maxGap, largestLifetimeValueCents: maxLtv };
    for (let s = 0; s < flagged.length; s++) {
      if (s % CUSTOMERS_PER_STEP === CUSTOMERS_PER_STEP - 1) yield;
      flagged.score[s] = weighScore(
        componentsOf(
          flagged.gap[s] as number,
          flagged.ltv[s] as number,
          scale,
          flagged.churn[s] as number,
          flagged.recovery[s] as number,
        ),
        settings.weights,
      ).score;
    }
    // Top N without sorting everyone: a sorted buffer of at most N (insertion), or a full sort when
    // N is large next to the flagged count.
    top.length = 0;
    const n = settings.topN;
    if (n * 8 >= flagged.length) {
      for (let s = 0; s < flagged.length; s++) top.push(s);
      top.sort(compareSlots);
      top.length = Math.min(top.length, n);
    } else {
      for (let c = 0; c < flagged.length; c++) {
        let k: number;
        if (top.length === n) {
          if (compareSlots(c, top[n - 1] as number) >= 0) continue;
          k = n - 1;
          top[k] = c;
        } else {
          k = top.length;
          top.push(c);
        }
        while (k > 0 && compareSlots(c, top[k - 1] as number) < 0) {
          top[k] = top[k - 1] as number;
          top[k - 1] = c;
          k--;
        }
      }
    }
    for (const s of top) flagged.flags[s] = (flagged.flags[s] as number) | 8;
    for (let s = 0; s < flagged.length; s++) {
      if (s % CUSTOMERS_PER_STEP === CUSTOMERS_PER_STEP - 1) yield;
      const flags = flagged.flags[s] as number;
      entry.index = flagged.index[s] as number;
      entry.types = TYPES_OF_BITS[flagged.types[s] as number] as GapType[];
      entry.gapAmountCents = flagged.gap[s] as number;
      entry.score = flagged.score[s] as number;
      entry.topN = (flags & 8) !== 0;
      entry.lost = (flags & 1) !== 0;
      entry.lostRevenueCents = flagged.lostRevenue[s] as number;
      entry.baselineCents = flagged.baseline[s] as number;
      entry.cadence = CADENCE_GROUPS[(flags >> 1) & 3] as CadenceGroup;
      visit(t, entry);
    }
    options.onProgress?.(p + 1, points.length);
  }
  return plan;
}

/** P(alive) at t of each customer (by index; undefined before its first sale), from a BG/NBD fit on the data up to t. */
function aliveAt(customers: readonly CustomerLedger[], t: number): (number | undefined)[] {
  const summaries = customers.map((c) =>
    c.startPeriod > t ? null : summariseSalePeriods(c.positive, c.startPeriod, t),
  );
  const known: BgnbdSummary[] = [];
  for (const s of summaries) if (s !== null) known.push(s);
  const { params } = fitBgnbd(bgnbdData(known));
  return summaries.map((s) => (s === null ? undefined : probabilityAlive(params, s)));
}

function countInto(tally: Tally, key: FlagSetKey, entry: ReplayEntry): void {
  const s = tally.sets[key];
  s.flagged++;
  if (entry.lost) {
    s.lostFlagged++;
    s.lostRevenueFlaggedCents += entry.lostRevenueCents;
  }
}

function tallyEntry(tally: Tally, entry: ReplayEntry): void {
  tally.population++;
  if (entry.lost) {
    tally.lost++;
    tally.lostRevenueCents += entry.lostRevenueCents;
  }
  if (entry.types.length === 0) return;
  countInto(tally, 'any_gap', entry);
  for (const type of entry.types) countInto(tally, type, entry);
  if (entry.topN) countInto(tally, 'top_n', entry);
}

function emptyCalibration(): Calibration {
  const cells = {} as Calibration['cells'];
  const byType = {} as Calibration['byType'];
  for (const type of GAP_URGENCY) {
    cells[type] = SCORE_BANDS.map(() => ({ flagged: 0, lost: 0 }));
    byType[type] = { flagged: 0, lost: 0 };
  }
  return { cells, byType, any: { flagged: 0, lost: 0 }, baseRate: null };
}

/** Most urgent of a customer's gap types (the order of `GAP_URGENCY`). */
export function mostUrgentType(types: readonly GapType[]): GapType | null {
  for (const type of GAP_URGENCY) if (types.includes(type)) return type;
  return null;
}

/** Runs the backtest: replay, then the pooled, recent, per-cadence and calibration figures. */
export function runBacktest(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions = {},
): BacktestResult {
  return drainSteps(runBacktestSteps(ledger, settings, options));
}

/** `runBacktest` as a generator that pauses every `CUSTOMERS_PER_STEP` customers (`replaySteps`). */
export function* runBacktestSteps(
  ledger: SalesLedger,
  settings: AnalysisSettings,
  options: BacktestOptions = {},
): Steps<BacktestResult> {
  const perPoint = new Map<number, Tally>();
  const byCadence = {} as Record<CadenceGroup, Tally>;
  for (const group of CADENCE_GROUPS) byCadence[group] = emptyTally();
  const calibration = emptyCalibration();
  // The entries come point by point: the point's tally is looked up when the point changes.
  let tallyPeriod = Number.NaN;
  let tally = emptyTally();
  const plan = yield* replaySteps(ledger, settings, options, (period, entry) => {
    if (period !== tallyPeriod) {
      tallyPeriod = period;
      let found = perPoint.get(period);
      if (!found) {
        found = emptyTally();
        perPoint.set(period, found);
      }
      tally = found;
    }
    tallyEntry(tally, entry);
    tallyEntry(byCadence[entry.cadence], entry);
    const urgent = mostUrgentType(entry.types);
    if (urgent !== null && entry.score !== null) {
      const lost = entry.lost ? 1 : 0;
      const cell = calibration.cells[urgent][scoreBand(entry.score)];
      if (cell) {
        cell.flagged++;
        cell.lost += lost;
      }
      calibration.byType[urgent].flagged++;
      calibration.byType[urgent].lost += lost;
      calibration.any.flagged++;
      calibration.any.lost += lost;
    }
  });
  const points: PointReport[] = plan.points.map((period) => ({
    period,
    ...(perPoint.get(period) ?? emptyTally()),
  }));
  const overall = emptyTally();
  for (const point of points) addTally(overall, point);
  const recentPoints = points.slice(-RECENT_POINTS);
  const recent = emptyTally();
  for (const point of recentPoints) addTally(recent, point);
  const overallReport = groupReport(overall, points.length);
  calibration.baseRate = overallReport.baseRate;
  const cadenceReports = {} as Record<CadenceGroup, GroupReport>;
  for (const group of CADENCE_GROUPS) cadenceReports[group] = groupReport(byCadence[group], points.length);
  return {
    period: ledger.period,
    asOfPeriod: plan.asOfPeriod,
    horizon: plan.horizon,
    step: plan.step,
    topN: settings.topN,
    points: plan.points,
    tooShort: overall.lost < MIN_LOST_TO_JUDGE,
    overall: overallReport,
    recent: {
      ...groupReport(recent, recentPoints.length),
      fromPeriod: recentPoints[0]?.period ?? null,
      toPeriod: recentPoints[recentPoints.length - 1]?.period ?? null,
    },
    byCadence: cadenceReports,
    perPoint: points,
    calibration,
  };
}

/**
 * P(lost | most urgent type, score band) for a customer flagged now (spec section 2): the cell's
 * share when it holds at least MIN_CELL_N flagged customers, else the type's, else any gap's; null
 * below MIN_CELL_N there too.
 */
export function calibratedRisk(
  calibration: Calibration,
  horizon: number,
  types: readonly GapType[],
  score: number | null,
): CalibratedRisk | null {
  const urgent = mostUrgentType(types);
  if (urgent === null) return null;
  const pick = (
    cell: { flagged: number; lost: number } | undefined,
    basis: CalibratedRisk['basis'],
  ): CalibratedRisk | null =>
    cell && cell.flagged >= MIN_CELL_N
      ? {
          lostShare: cell.lost / cell.flagged,
          n: cell.flagged,
          horizon,
          basis,
          baseRate: calibration.baseRate,
        }
      : null;
  return (
    (score === null ? null : pick(calibration.cells[urgent][scoreBand(score)], 'type_and_band')) ??
    pick(calibration.byType[urgent], 'type') ??
    pick(calibration.any, 'any_gap')
  );
}

/**
 * Stores the backtest with the analysis result and gives each priority its calibrated risk
 * (`evidence`, when a cell holds n >= 30). Mutates and returns `result`.
 */
export function attachEvidence(result: AnalysisResult, backtest: BacktestResult): AnalysisResult {
  result.backtest = backtest;
  for (const priority of result.priorities) {
    const evidence = calibratedRisk(
      backtest.calibration,
      backtest.horizon,
      priority.gapTypes,
      priority.score,
    );
    if (evidence) priority.evidence = evidence;
  }
  return result;
}

/** The calibrated risk of any scored customer of a result that carries its backtest. */
export function evidenceOf(
  result: Pick<AnalysisResult, 'backtest'>,
  types: readonly GapType[],
  score: number | null,
): PriorityEvidence | null {
  const backtest = result.backtest;
  return backtest ? calibratedRisk(backtest.calibration, backtest.horizon, types, score) : null;
}
