/**
 * Per-customer metrics (analysis spec section 3): history, baseline, recent mean, least-squares
 * trend, forecast, zero streak, lifetime value, active share, and whether the customer can be judged.
 *
 * Means are rounded to whole cents and every later rule (gaps, scores) uses the rounded values, so
 * each number a reader sees can be re-derived from the other numbers shown. The trend slope is a
 * rate and keeps its fractions.
 */
import { CompactCustomerLedger } from './ledger.ts';
import type { CustomerLedger, CustomerMetrics } from './types.ts';

export interface MetricsSettings {
  /** Lookback window L in periods. */
  lookback: number;
  /** Recent window R in periods (R < L). */
  recentWindow: number;
  /** Periods of history needed to be judged. */
  minHistory: number;
  /**
   * Cadence-aware windows for customers who do not buy every period (evidence spec section 8;
   * docs/analysis-formulas.md "Cadence"). Off unless true (the analysis passes its
   * `cadenceAware` setting, default true); off keeps every customer on L and R.
   */
  cadenceAware?: boolean;
  /**
   * Periods in a season (52 weeks, 12 months): with at least two seasons of history the facts carry
   * the same windows one season earlier (evidence spec section 4). Absent or 0: no seasonal facts.
   */
  seasonPeriods?: number;
}

/**
 * The metrics settings of the live analysis (and of the backtest, so both judge alike): L, R,
 * minHistory, cadence-aware windows and, with seasonality on, the season of the period kind
 * (52 weeks or 12 months).
 */
export function metricsSettingsOf(
  settings: MetricsSettings & { seasonality?: boolean },
  kind: 'week' | 'month',
): MetricsSettings {
  return {
    lookback: settings.lookback,
    recentWindow: settings.recentWindow,
    minHistory: settings.minHistory,
    cadenceAware: settings.cadenceAware === true,
    seasonPeriods: settings.seasonality === true ? (kind === 'week' ? 52 : 12) : 0,
  };
}

/** Cadence-aware: customers with fewer sale periods than this are too new to judge. */
export const MIN_SALES_TO_JUDGE = 3;

/** The largest window multiple a sparse buyer's windows get (L x k, R x k). */
export const MAX_CADENCE_MULTIPLE = 4;

/** The customer's windows one season earlier (evidence spec section 4). */
export interface SeasonalFacts {
  /** Season length S in periods. */
  seasonPeriods: number;
  /** Mean of v(p - S) over the recent window, rounded to cents ("last year the same weeks averaged"). */
  lastSeasonRecentCents: number;
  /** b_S: mean of v over the baseline window shifted back by S, rounded to cents. */
  lastSeasonBaselineCents: number;
  /** s = lastSeasonRecent x (b / b_S), rounded; null when b_S <= 0 (no seasonal expectation). */
  expectedCents: number | null;
  /** Every zero period of the recent window was a zero period one season earlier too (at least one zero). */
  recentZerosAlsoLastSeason: boolean;
  /** Every period of the current zero streak was a zero period one season earlier too (streak >= 1). */
  streakAlsoLastSeason: boolean;
}

/** Whether a customer can be judged for gaps, and if not why. */
export type Standing = 'judged' | 'too_new' | 'lapsed' | 'no_sales';

export interface CustomerFacts {
  standing: Standing;
  /** Period of the first sale (positive row) on or before the as-of period, or null. */
  firstSalePeriod: number | null;
  /** Null when the customer has no sale on or before the as-of period. */
  metrics: CustomerMetrics | null;
  /** Periods in the recent window actually used: R, fewer only when the history is shorter than R + 1. */
  recentPeriods: number;
  /** Periods in the lookback actually used: min(L, history). */
  lookbackPeriods: number;
  /** Zero (or net-negative) periods in the recent window. */
  zeroPeriodsInRecent: number;
  /** Zero (or net-negative) periods from the first sale to the as-of period. */
  zeroPeriodsInHistory: number;
  // The four below are always set by computeCustomerFacts; optional so hand-built facts may omit
  // them (then: g = 1, k = 1, no seasonal facts).
  /**
   * Cadence g: the median number of periods between consecutive periods with a sale, up to the
   * as-of period; 1 below 3 sale periods.
   */
  cadence?: number;
  /** Window multiple k = min(4, round(g)) (1 when cadence-aware windows are off): L x k and R x k. */
  cadenceMultiple?: number;
  /** Periods with a sale from the first sale to the as-of period. */
  salePeriods?: number;
  /** Null below two full seasons of history, or without `seasonPeriods`. */
  seasonal?: SeasonalFacts | null;
}

const NO_SALES: CustomerFacts = {
  standing: 'no_sales',
  firstSalePeriod: null,
  metrics: null,
  recentPeriods: 0,
  lookbackPeriods: 0,
  zeroPeriodsInRecent: 0,
  zeroPeriodsInHistory: 0,
  cadence: 1,
  cadenceMultiple: 1,
  salePeriods: 0,
  seasonal: null,
};

/**
 * The windows the metrics of a customer are computed over: the window multiple k (cadence-aware
 * windows), the lookback L x k (at most the history) and the recent window R x k (see the comments
 * inside). The rest of the lookback is the baseline window. Exported for the deep dive's chart,
 * which shades the same recent window the figures come from.
 */
export function analysisWindows(
  history: number,
  cadence: number,
  settings: Pick<MetricsSettings, 'lookback' | 'recentWindow' | 'cadenceAware'>,
): { k: number; lookbackPeriods: number; recentPeriods: number } {
  const k =
    settings.cadenceAware !== true ? 1 : Math.min(MAX_CADENCE_MULTIPLE, Math.max(1, Math.round(cadence)));
  const lookbackPeriods = Math.min(settings.lookback * k, history);
  // Keep at least one baseline period: only matters when minHistory <= R (non-default settings).
  // Sparse buyers (k >= 2): R x k, but no more than half the lookback (at least R), so a short
  // history keeps a baseline as long as its recent window.
  const recentPeriods =
    k === 1
      ? Math.max(1, Math.min(settings.recentWindow, lookbackPeriods - 1))
      : Math.max(
          1,
          Math.min(
            settings.recentWindow * k,
            Math.max(settings.recentWindow, Math.floor(lookbackPeriods / 2)),
            lookbackPeriods - 1,
          ),
        );
  return { k, lookbackPeriods, recentPeriods };
}

/**
 * Cadence g of the sale periods in flags[at + first .. at + last] (both sale periods), given their
 * count: the median gap between consecutive ones, 1 below 3 sale periods. Called only when at most
 * half the gaps are 1 (otherwise the median is 1, which computeCustomerFacts settles while it
 * counts the sale periods).
 *
 * The gaps are whole numbers below last - first + 1, so they are counted by size (no list, no
 * sort: this ran for every customer who skips periods, at every replay point) and the median read
 * from the counts: the middle gap, or the mean of the two middle ones, as a sort would give.
 */
function medianSaleGap(
  flags: ArrayLike<number>,
  at: number,
  first: number,
  last: number,
  sales: number,
): number {
  const gaps = sales - 1;
  const span = last - first + 1;
  if (gapCounts.length < span) gapCounts = new Int32Array(Math.max(span, gapCounts.length * 2));
  const counts = gapCounts;
  let previous = -1;
  for (let i = first; i <= last; i++) {
    if (flags[at + i] !== 1) continue;
    if (previous >= 0) counts[i - previous] = (counts[i - previous] as number) + 1;
    previous = i;
  }
  // The gaps of 0-based sorted positions mid - 1 and mid (mid alone when the count is odd).
  const mid = gaps >> 1;
  let below = -1;
  let middle = -1;
  let seen = 0;
  for (let g = 1; g < span; g++) {
    const n = counts[g] as number;
    if (n === 0) continue;
    counts[g] = 0;
    if (middle >= 0) continue;
    if (below < 0 && seen + n > mid - 1) below = g;
    if (seen + n > mid) middle = g;
    seen += n;
  }
  return gaps % 2 === 1 ? middle : (below + middle) / 2;
}

/** Counts of gaps by size, reused by medianSaleGap (all zero between calls). */
let gapCounts = new Int32Array(64);

/** Facts with metrics, for `computeCustomerFacts` to fill in place (`scratchFacts`). */
export type ScratchFacts = CustomerFacts & { metrics: CustomerMetrics };

/** A facts object to reuse with `computeCustomerFacts(..., into)`: every field is overwritten. */
export function scratchFacts(): ScratchFacts {
  return {
    ...NO_SALES,
    metrics: {
      history: 0,
      baselineCents: 0,
      recentCents: 0,
      trendCentsPerPeriod: 0,
      trendPct: 0,
      forecastCents: 0,
      zeroStreak: 0,
      lifetimeValueCents: 0,
      activeShare: 0,
      lastSalePeriod: 0,
    },
  };
}

/**
 * The sums of computeCustomerFacts' pass from a customer's first sale, kept per customer (by an
 * index the caller gives) from one call to the next: the backtest asks for the facts of every
 * customer at as-of periods one after the other, and each call then reads only the periods since
 * the last one instead of the whole history again. Sums of cents are whole numbers (exact), and are
 * added in the same order as one pass would. 28 bytes a customer, for as long as the caller keeps it.
 */
export class FactsPrefixes {
  /** Last index summed (-1: none yet). */
  readonly upTo: Int32Array;
  readonly zeros: Int32Array;
  readonly sales: Int32Array;
  readonly ones: Int32Array;
  readonly previous: Int32Array;
  readonly lifetime: Float64Array;
  constructor(customers: number) {
    const buffer = new ArrayBuffer(customers * 28);
    this.lifetime = new Float64Array(buffer, 0, customers);
    const at = customers * 8;
    this.upTo = new Int32Array(buffer, at, customers).fill(-1);
    this.zeros = new Int32Array(buffer, at + customers * 4, customers);
    this.sales = new Int32Array(buffer, at + customers * 8, customers);
    this.ones = new Int32Array(buffer, at + customers * 12, customers);
    this.previous = new Int32Array(buffer, at + customers * 16, customers);
  }
}

/**
 * Metrics of one customer as of the end of period `asOfPeriod`. Rows after that period are ignored;
 * periods without rows count as 0. With `into`, the facts (and their metrics) are written into it
 * and it is returned, unless the customer has no sale by then (the shared no-sales facts): the
 * backtest replays millions of customer-points, and a fresh pair of objects for each, on a heap that
 * holds a million-customer analysis, cost it more collection time than the rules themselves.
 * With `prefixes`, the customer's running sums are kept there at `index` (see `FactsPrefixes`).
 */
export function computeCustomerFacts(
  customer: CustomerLedger,
  asOfPeriod: number,
  settings: MetricsSettings,
  into?: ScratchFacts,
  prefixes?: FactsPrefixes,
  index = 0,
): CustomerFacts {
  const { net, startPeriod } = customer;
  // The sale flags: positive[i] is flags[at + i] for i < flagCount (read in place: a compact
  // ledger's `positive` makes a view at each read).
  let flags: ArrayLike<number>;
  let at = 0;
  let flagCount: number;
  if (customer instanceof CompactCustomerLedger) {
    flags = customer.flagBuffer;
    at = customer.flagOffset;
    flagCount = customer.flagLength;
  } else {
    flags = customer.positive;
    flagCount = flags.length;
  }
  // Index of the as-of period in the ledger arrays; may lie past their end (trailing zeros).
  const asOfIndex = asOfPeriod - startPeriod;
  const lastIndex = Math.min(net.length - 1, asOfIndex);
  // The last index with a flag to read (positive may be shorter than net: no sale past its end).
  const lastFlag = Math.min(lastIndex, flagCount - 1);

  let first = -1;
  for (let i = 0; i <= lastFlag; i++) {
    if (flags[at + i] === 1) {
      first = i;
      break;
    }
  }
  if (first < 0) return NO_SALES;

  const history = asOfIndex - first + 1;
  // One pass from the first sale: lifetime value and zero periods (net), and the sale periods and
  // how many of the gaps between them are 1 (flags; none lies past the last sale) for the cadence.
  // With `prefixes`, the pass starts where the customer's last call ended, from its sums there.
  let lifetimeValue = 0;
  let zeros = 0;
  let salePeriods = 0;
  let ones = 0;
  let previous = -1;
  let from = first;
  if (prefixes !== undefined) {
    const upTo = prefixes.upTo[index] as number;
    // The first sale is the customer's first wherever the as-of period is, once there is one.
    if (upTo >= first && upTo <= lastIndex) {
      lifetimeValue = prefixes.lifetime[index] as number;
      zeros = prefixes.zeros[index] as number;
      salePeriods = prefixes.sales[index] as number;
      ones = prefixes.ones[index] as number;
      previous = prefixes.previous[index] as number;
      from = upTo + 1;
    }
  }
  for (let i = from; i <= lastIndex; i++) {
    const v = net[i] ?? 0;
    lifetimeValue += v;
    if (v <= 0) zeros++;
    if (i <= lastFlag && flags[at + i] === 1) {
      salePeriods++;
      if (previous >= 0 && i - previous === 1) ones++;
      previous = i;
    }
  }
  if (prefixes !== undefined) {
    prefixes.upTo[index] = lastIndex;
    prefixes.lifetime[index] = lifetimeValue;
    prefixes.zeros[index] = zeros;
    prefixes.sales[index] = salePeriods;
    prefixes.ones[index] = ones;
    prefixes.previous[index] = previous;
  }
  // Periods after the ledger's last row (up to the as-of period) are zeros.
  const zeroPeriodsInHistory = asOfIndex - lastIndex + zeros;
  // The last sale period seen is the last sale (first is one).
  const lastSale = previous;
  // Cadence g: the median gap between consecutive sale periods, 1 below 3 of them, and 1 without
  // sorting when more than half the gaps are 1 (customers who buy most periods).
  const cadence =
    salePeriods < 3 || ones * 2 > salePeriods - 1
      ? 1
      : medianSaleGap(flags, at, first, lastSale, salePeriods);
  const { k, lookbackPeriods, recentPeriods } = analysisWindows(history, cadence, settings);
  const baselinePeriods = lookbackPeriods - recentPeriods;
  const windowStart = asOfIndex - lookbackPeriods + 1;
  const recentStart = asOfIndex - recentPeriods + 1;

  let baselineSum = 0;
  let recentSum = 0;
  let zeroPeriodsInRecent = 0;
  let activePeriods = 0;
  // Least squares over x = 0 .. n-1: slope = (n*Sxy - Sx*Sy) / (n*Sxx - Sx^2).
  let sxy = 0;
  for (let i = windowStart; i <= asOfIndex; i++) {
    const v = i <= lastIndex ? (net[i] ?? 0) : 0;
    if (i < recentStart) baselineSum += v;
    else {
      recentSum += v;
      if (v <= 0) zeroPeriodsInRecent++;
    }
    if (v > 0) activePeriods++;
    sxy += (i - windowStart) * v;
  }
  const n = lookbackPeriods;
  const sy = baselineSum + recentSum;
  const sx = (n * (n - 1)) / 2;
  const sxx = ((n - 1) * n * (2 * n - 1)) / 6;
  const denominator = n * sxx - sx * sx;
  const slope = denominator === 0 ? 0 : (n * sxy - sx * sy) / denominator;
  // The fitted line at x = n (the next period): mean + slope * (n - mean x).
  const forecast = sy / n + slope * (n - (n - 1) / 2);

  let zeroStreak = asOfIndex - lastIndex;
  for (let i = lastIndex; i >= first && (net[i] ?? 0) <= 0; i--) zeroStreak++;

  const baselineCents = baselinePeriods > 0 ? Math.round(baselineSum / baselinePeriods) : 0;
  const recentCents = Math.round(recentSum / recentPeriods);
  const S = settings.seasonPeriods ?? 0;
  let seasonal: SeasonalFacts | null = null;
  if (S > 0 && history >= 2 * S) {
    // v one season earlier; indices before the ledger's start are periods without rows.
    const earlier = (i: number): number => {
      const j = i - S;
      return j >= 0 && j <= lastIndex ? (net[j] ?? 0) : 0;
    };
    const now = (i: number): number => (i <= lastIndex ? (net[i] ?? 0) : 0);
    let lastRecent = 0;
    let lastBaseline = 0;
    let recentZeros = 0;
    let recentZerosBefore = 0;
    for (let i = windowStart; i <= asOfIndex; i++) {
      const before = earlier(i);
      if (i < recentStart) lastBaseline += before;
      else {
        lastRecent += before;
        if (now(i) <= 0) {
          recentZeros++;
          if (before <= 0) recentZerosBefore++;
        }
      }
    }
    let streakBefore = 0;
    for (let i = asOfIndex - zeroStreak + 1; i <= asOfIndex; i++) if (earlier(i) <= 0) streakBefore++;
    const lastSeasonRecentCents = Math.round(lastRecent / recentPeriods);
    const lastSeasonBaselineCents = baselinePeriods > 0 ? Math.round(lastBaseline / baselinePeriods) : 0;
    seasonal = {
      seasonPeriods: S,
      lastSeasonRecentCents,
      lastSeasonBaselineCents,
      expectedCents:
        lastSeasonBaselineCents > 0
          ? Math.round((lastSeasonRecentCents * baselineCents) / lastSeasonBaselineCents)
          : null,
      recentZerosAlsoLastSeason: recentZeros > 0 && recentZerosBefore === recentZeros,
      streakAlsoLastSeason: zeroStreak > 0 && streakBefore === zeroStreak,
    };
  }
  // Lapsed before too-new: with minHistory > L a customer could be both, and gone is the stronger fact.
  let standing: Standing = 'judged';
  if (lastSale < asOfIndex - settings.lookback + 1) standing = 'lapsed';
  else if (history < settings.minHistory) standing = 'too_new';
  // Cadence-aware: fewer than 3 sale periods give no rhythm to judge quiet periods against (the
  // spec's g = 1 would flag every one of them for any empty period), so they are too new to judge.
  else if (k === 1 && settings.cadenceAware === true && salePeriods < MIN_SALES_TO_JUDGE)
    standing = 'too_new';

  if (into !== undefined) {
    // The same values as the literals below, field by field.
    const m = into.metrics;
    m.history = history;
    m.baselineCents = baselineCents;
    m.recentCents = recentCents;
    m.trendCentsPerPeriod = slope;
    m.trendPct = baselineCents > 0 ? slope / baselineCents : 0;
    m.forecastCents = Math.max(0, Math.round(forecast));
    m.zeroStreak = zeroStreak;
    m.lifetimeValueCents = lifetimeValue;
    m.activeShare = activePeriods / lookbackPeriods;
    m.lastSalePeriod = startPeriod + lastSale;
    into.standing = standing;
    into.firstSalePeriod = startPeriod + first;
    into.recentPeriods = recentPeriods;
    into.lookbackPeriods = lookbackPeriods;
    into.zeroPeriodsInRecent = zeroPeriodsInRecent;
    into.zeroPeriodsInHistory = zeroPeriodsInHistory;
    into.cadence = cadence;
    into.cadenceMultiple = k;
    into.salePeriods = salePeriods;
    into.seasonal = seasonal;
    return into;
  }
  const metrics: CustomerMetrics = {
    history,
    baselineCents,
    recentCents,
    trendCentsPerPeriod: slope,
    trendPct: baselineCents > 0 ? slope / baselineCents : 0,
    forecastCents: Math.max(0, Math.round(forecast)),
    zeroStreak,
    lifetimeValueCents: lifetimeValue,
    activeShare: activePeriods / lookbackPeriods,
    lastSalePeriod: startPeriod + lastSale,
  };

  return {
    standing,
    firstSalePeriod: startPeriod + first,
    metrics,
    recentPeriods,
    lookbackPeriods,
    zeroPeriodsInRecent,
    zeroPeriodsInHistory,
    cadence,
    cadenceMultiple: k,
    salePeriods,
    seasonal,
  };
}
