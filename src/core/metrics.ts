/**
 * Per-customer metrics (analysis spec section 3): history, baseline, recent mean, least-squares
 * trend, forecast, zero streak, lifetime value, active share, and whether the customer can be judged.
 *
 * Means are rounded to whole cents and every later rule (gaps, scores) uses the rounded values, so
 * each number a reader sees can be re-derived from the other numbers shown. The trend slope is a
 * rate and keeps its fractions.
 */
import type { CustomerLedger, CustomerMetrics } from './types.ts';

export interface MetricsSettings {
  /** Lookback window L in periods. */
  lookback: number;
  /** Recent window R in periods (R < L). */
  recentWindow: number;
  /** Periods of history needed to be judged. */
  minHistory: number;
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
}

const NO_SALES: CustomerFacts = {
  standing: 'no_sales',
  firstSalePeriod: null,
  metrics: null,
  recentPeriods: 0,
  lookbackPeriods: 0,
  zeroPeriodsInRecent: 0,
  zeroPeriodsInHistory: 0,
};

/**
 * Metrics of one customer as of the end of period `asOfPeriod`. Rows after that period are ignored;
 * periods without rows count as 0.
 */
export function computeCustomerFacts(
  customer: CustomerLedger,
  asOfPeriod: number,
  settings: MetricsSettings,
): CustomerFacts {
  const { net, positive, startPeriod } = customer;
  // Index of the as-of period in the ledger arrays; may lie past their end (trailing zeros).
  const asOfIndex = asOfPeriod - startPeriod;
  const lastIndex = Math.min(net.length - 1, asOfIndex);

  let first = -1;
  for (let i = 0; i <= lastIndex; i++) {
    if (positive[i] === 1) {
      first = i;
      break;
    }
  }
  if (first < 0) return NO_SALES;
  let lastSale = first;
  for (let i = lastIndex; i > first; i--) {
    if (positive[i] === 1) {
      lastSale = i;
      break;
    }
  }

  const history = asOfIndex - first + 1;
  const lookbackPeriods = Math.min(settings.lookback, history);
  // Keep at least one baseline period: only matters when minHistory <= R (non-default settings).
  const recentPeriods = Math.max(1, Math.min(settings.recentWindow, lookbackPeriods - 1));
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

  let lifetimeValue = 0;
  // Periods after the ledger's last row (up to the as-of period) are zeros.
  let zeroPeriodsInHistory = asOfIndex - lastIndex;
  for (let i = first; i <= lastIndex; i++) {
    const v = net[i] ?? 0;
    lifetimeValue += v;
    if (v <= 0) zeroPeriodsInHistory++;
  }
  let zeroStreak = asOfIndex - lastIndex;
  for (let i = lastIndex; i >= first && (net[i] ?? 0) <= 0; i--) zeroStreak++;

  const baselineCents = baselinePeriods > 0 ? Math.round(baselineSum / baselinePeriods) : 0;
  const recentCents = Math.round(recentSum / recentPeriods);
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

  // Lapsed before too-new: with minHistory > L a customer could be both, and gone is the stronger fact.
  let standing: Standing = 'judged';
  if (lastSale < asOfIndex - settings.lookback + 1) standing = 'lapsed';
  else if (history < settings.minHistory) standing = 'too_new';

  return {
    standing,
    firstSalePeriod: startPeriod + first,
    metrics,
    recentPeriods,
    lookbackPeriods,
    zeroPeriodsInRecent,
    zeroPeriodsInHistory,
  };
}
