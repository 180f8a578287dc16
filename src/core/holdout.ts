/**
 * Holdout: what follow-ups caused (shared/spec/evidence.md section 6). Pure.
 *
 * Each customer newly in the top N is assigned to the holdout with probability q by a stable hash
 * of (customer id, first period it was flagged, per-installation salt); the assignment is recorded
 * and never re-drawn. After the horizon, the shown group (everyone assigned and not held out:
 * intention to treat) is compared with the holdout on recovery rate and mean recovered revenue.
 * Formulas: docs/analysis-formulas.md, "Holdout".
 */
import { measureRecovery, type RecoveryMeasure, type RecoveryOptions } from './recovery.ts';
import type { CustomerAnalysis, PeriodSpec, Priority } from './types.ts';

/** Fewer customers past the horizon than this in either group: no figure, say how many are missing. */
export const MIN_GROUP_SIZE = 30;

/** 32-bit FNV-1a of a string's UTF-16 code units, finished with murmur3's fmix32 (avalanche). */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A uniform number in [0, 1) from (customer id, first period flagged, salt): two independent 32-bit
 * hashes make 53 bits. The same inputs always give the same number.
 */
export function holdoutDraw(customerId: string, firstPeriod: number, salt: string): number {
  const key = `${salt}\u0000${firstPeriod}\u0000${customerId}`;
  const high = hash32(key, 0x9e3779b9) >>> 11; // 21 bits
  const low = hash32(key, 0x7f4a7c15); // 32 bits
  return (high * 2 ** 32 + low) / 2 ** 53;
}

/** One customer's recorded assignment. */
export interface HoldoutAssignment {
  customerId: string;
  /** As-of period of the analysis in which it was first in the top N (t0 of its measure). */
  firstPeriod: number;
  periodKind: PeriodSpec['kind'];
  heldOut: boolean;
  /** q in force when it was drawn. */
  share: number;
  /** ISO timestamp of the analysis that drew it. */
  assignedAt: string;
  /** b0 and c0 in that analysis (cents per period). */
  baselineCents: number;
  recentCents: number;
}

/**
 * Assignments for customers newly in the top N: walks the ranked priorities, keeps every recorded
 * assignment as it is, draws the new ones, and stops once `topN` customers are shown (held-out
 * customers leave room for the next ones, so a digest still shows N cards). With q = 0 nothing is
 * drawn (no holdout running). Returns only the new assignments.
 */
export function drawAssignments(
  ranked: Iterable<Priority>,
  customers: Pick<ReadonlyMap<string, Pick<CustomerAnalysis, 'metrics'>>, 'get'>,
  options: {
    recorded: ReadonlyMap<string, Pick<HoldoutAssignment, 'heldOut'>>;
    topN: number;
    share: number;
    salt: string;
    asOfPeriod: number;
    periodKind: PeriodSpec['kind'];
    at: string;
  },
): HoldoutAssignment[] {
  if (options.share <= 0) return [];
  const fresh: HoldoutAssignment[] = [];
  const seen = new Set<string>();
  let shown = 0;
  for (const p of ranked) {
    if (shown >= options.topN) break;
    if (seen.has(p.customerId)) continue;
    seen.add(p.customerId);
    const known = options.recorded.get(p.customerId);
    let heldOut: boolean;
    if (known) heldOut = known.heldOut;
    else {
      heldOut = holdoutDraw(p.customerId, options.asOfPeriod, options.salt) < options.share;
      const metrics = customers.get(p.customerId)?.metrics;
      fresh.push({
        customerId: p.customerId,
        firstPeriod: options.asOfPeriod,
        periodKind: options.periodKind,
        heldOut,
        share: options.share,
        assignedAt: options.at,
        baselineCents: metrics?.baselineCents ?? 0,
        recentCents: metrics?.recentCents ?? 0,
      });
    }
    if (!heldOut) shown++;
  }
  return fresh;
}

/** Measures an assigned customer like a followed-up gap starting at its first flagged period. */
export function measureAssignment(
  assignment: HoldoutAssignment,
  customer: Pick<CustomerAnalysis, 'series' | 'seriesStartPeriod'>,
  asOfPeriod: number,
  options: RecoveryOptions,
): RecoveryMeasure {
  return measureRecovery(
    {
      customerId: assignment.customerId,
      startPeriod: assignment.firstPeriod,
      baselineCents: assignment.baselineCents,
      recentCents: assignment.recentCents,
    },
    customer,
    asOfPeriod,
    options,
  );
}

/** A two-sided 95% interval. */
export interface Interval {
  estimate: number;
  low: number;
  high: number;
  standardError: number;
}

const Z95 = 1.959963984540054;

/**
 * Student t quantile for 97.5% with `df` degrees of freedom: the Cornish-Fisher expansion around
 * the normal quantile (Abramowitz & Stegun 26.7.5), within 0.001 of tables for df >= 10.
 */
export function t975(df: number): number {
  if (!Number.isFinite(df) || df > 1e6) return Z95;
  const z = Z95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  const z9 = z ** 9;
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df ** 4)
  );
}

/** Difference of proportions k1/n1 - k0/n0 with the unpooled (Wald) standard error. */
export function differenceOfProportions(k1: number, n1: number, k0: number, n0: number): Interval {
  const p1 = k1 / n1;
  const p0 = k0 / n0;
  const se = Math.sqrt((p1 * (1 - p1)) / n1 + (p0 * (1 - p0)) / n0);
  const d = p1 - p0;
  return { estimate: d, low: d - Z95 * se, high: d + Z95 * se, standardError: se };
}

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, variance };
}

/**
 * Difference of means with Welch's standard error sqrt(s1²/n1 + s0²/n0) and the t quantile at the
 * Welch-Satterthwaite degrees of freedom.
 */
export function welchDifference(
  shown: readonly number[],
  holdout: readonly number[],
): Interval & { df: number } {
  const a = meanAndVariance(shown);
  const b = meanAndVariance(holdout);
  const va = a.variance / shown.length;
  const vb = b.variance / holdout.length;
  const se = Math.sqrt(va + vb);
  const denominator = va ** 2 / (shown.length - 1) + vb ** 2 / (holdout.length - 1);
  const df = denominator > 0 ? (va + vb) ** 2 / denominator : Number.POSITIVE_INFINITY;
  const t = t975(df);
  const d = a.mean - b.mean;
  return { estimate: d, low: d - t * se, high: d + t * se, standardError: se, df };
}

/** One group's outcome after the horizon. */
export interface HoldoutGroup {
  /** Assigned customers in the group. */
  assigned: number;
  /** Of those, past the horizon (final measure). */
  pastHorizon: number;
  recovered: number;
  /** recovered / pastHorizon (null with none). */
  recoveryRate: number | null;
  /** Mean recovered revenue per customer past the horizon, cents (null with none). */
  meanRecoveredCents: number | null;
}

export type HoldoutComparison =
  | {
      ready: true;
      shown: HoldoutGroup;
      holdout: HoldoutGroup;
      /** Shown minus holdout recovery rate (proportions). */
      rateDifference: Interval;
      /** Shown minus holdout mean recovered revenue (cents), Welch. */
      meanDifference: Interval & { df: number };
      /** (mean shown - mean holdout) x customers shown past the horizon (cents), with its interval. */
      incrementalCents: Interval;
    }
  | {
      ready: false;
      shown: HoldoutGroup;
      holdout: HoldoutGroup;
      /** Customers past the horizon still needed in each group to reach MIN_GROUP_SIZE. */
      moreNeeded: { shown: number; holdout: number };
    };

function group(rows: readonly { measure: RecoveryMeasure | null }[]): HoldoutGroup & { values: number[] } {
  const past = rows.filter((r) => r.measure?.final);
  const values = past.map((r) => r.measure?.recoveredCents ?? 0);
  const recovered = past.filter((r) => r.measure?.recovered).length;
  return {
    assigned: rows.length,
    pastHorizon: past.length,
    recovered,
    recoveryRate: past.length > 0 ? recovered / past.length : null,
    meanRecoveredCents: past.length > 0 ? values.reduce((s, v) => s + v, 0) / past.length : null,
    values,
  };
}

/** Shown vs holdout after the horizon, or how many more customers each group needs. */
export function compareHoldout(
  rows: readonly { assignment: Pick<HoldoutAssignment, 'heldOut'>; measure: RecoveryMeasure | null }[],
  minGroup = MIN_GROUP_SIZE,
): HoldoutComparison {
  const { values: shownValues, ...shown } = group(rows.filter((r) => !r.assignment.heldOut));
  const { values: holdoutValues, ...holdout } = group(rows.filter((r) => r.assignment.heldOut));
  if (shown.pastHorizon < minGroup || holdout.pastHorizon < minGroup) {
    return {
      ready: false,
      shown,
      holdout,
      moreNeeded: {
        shown: Math.max(0, minGroup - shown.pastHorizon),
        holdout: Math.max(0, minGroup - holdout.pastHorizon),
      },
    };
  }
  const meanDifference = welchDifference(shownValues, holdoutValues);
  const n = shown.pastHorizon;
  return {
    ready: true,
    shown,
    holdout,
    rateDifference: differenceOfProportions(shown.recovered, n, holdout.recovered, holdout.pastHorizon),
    meanDifference,
    incrementalCents: {
      estimate: meanDifference.estimate * n,
      low: meanDifference.low * n,
      high: meanDifference.high * n,
      standardError: meanDifference.standardError * n,
    },
  };
}
