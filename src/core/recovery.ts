/**
 * Measured recovery of followed-up gaps (shared/spec/evidence.md section 5). Pure: the analysis
 * result, the recorded start of each followed-up gap and its follow-up events come in as arguments.
 *
 * A followed-up gap starts at the first claim or logged follow-up on a customer: t0 is the period of
 * that action (never before the as-of period of the analysis that showed the gap, so that a period
 * already in that analysis is never counted as "after"), b0 and c0 are the customer's baseline and
 * recent run-rate in that analysis. Every later analysis (as of A) measures, over the periods
 * t0+1 .. min(t0+h, A):
 * - recovered revenue = sum(max(0, min(v(p), b0) - c0)): revenue back above the run-rate at flag
 *   time, counted up to the usual level;
 * - recovered = the mean of v over the last R of those periods (all of them while fewer than R have
 *   passed) is at least 0.8 x b0.
 * Formulas and worked examples: docs/analysis-formulas.md, "Measured recovery".
 */
import { deriveGapState } from './gap-state.ts';
import { dayFromIso, periodOfDay } from './periods.ts';
import type { CustomerAnalysis, FollowUpEvent, FollowUpOutcome, GapType, PeriodSpec } from './types.ts';

/** Share of b0 the recent mean must reach for the gap to count as recovered. */
export const RECOVERED_SHARE = 0.8;

/** Default horizon h: 8 weeks, or 3 months (as the backtest's). */
export function defaultHorizon(spec: Pick<PeriodSpec, 'kind'>): number {
  return spec.kind === 'week' ? 8 : 3;
}

/** A followed-up gap as recorded at its first claim or logged follow-up. */
export interface FollowedUpGap {
  customerId: string;
  /** t0: period of the first action (not before `shownAsOfPeriod`). */
  startPeriod: number;
  /** Period granularity t0 and the analysis were in ('week' or 'month'). */
  periodKind: PeriodSpec['kind'];
  /** ISO timestamp of the first action. */
  startedAt: string;
  /** Slack user id of who acted first. */
  userId: string;
  /** First action: a claim or a logged follow-up. */
  firstAction: 'claim' | 'follow_up';
  /** b0: baseline (cents per period) in the analysis that showed the gap. */
  baselineCents: number;
  /** c0: recent run-rate (cents per period) in that analysis. */
  recentCents: number;
  /** The customer's largest gap type then (null when it had no gap). */
  gapType: GapType | null;
  gapAmountCents: number;
  /** As-of period of the analysis that showed the gap. */
  shownAsOfPeriod: number;
}

/** What one analysis measured for a followed-up gap. */
export interface RecoveryMeasure {
  customerId: string;
  startPeriod: number;
  /** As-of period A of the measuring analysis. */
  asOfPeriod: number;
  /** Periods counted: min(t0+h, A) - t0 (0 while A <= t0). */
  periodsSince: number;
  /** sum(max(0, min(v(p), b0) - c0)) over the periods counted. */
  recoveredCents: number;
  /** Mean of v over the last min(R, periodsSince) periods counted; null when none yet. */
  recentMeanCents: number | null;
  /** recentMeanCents / b0 ("84% of usual"); null when none yet. */
  usualShare: number | null;
  recovered: boolean;
  /** True once the horizon has passed (A >= t0 + h): the figures no longer change. */
  final: boolean;
}

export interface RecoveryOptions {
  /** Horizon h in periods. */
  horizon: number;
  /** Recent window R in periods. */
  recentWindow: number;
}

/** Net revenue of period p from a customer's series (0 outside it). */
function valueAt(customer: Pick<CustomerAnalysis, 'series' | 'seriesStartPeriod'>, period: number): number {
  const i = period - customer.seriesStartPeriod;
  return i >= 0 && i < customer.series.length ? (customer.series[i] ?? 0) : 0;
}

/**
 * Measures one followed-up gap against an analysis as of `asOfPeriod`. `customer` is the customer
 * in that analysis (its series covers the periods up to A).
 */
export function measureRecovery(
  gap: Pick<FollowedUpGap, 'customerId' | 'startPeriod' | 'baselineCents' | 'recentCents'>,
  customer: Pick<CustomerAnalysis, 'series' | 'seriesStartPeriod'>,
  asOfPeriod: number,
  options: RecoveryOptions,
): RecoveryMeasure {
  const t0 = gap.startPeriod;
  const b0 = gap.baselineCents;
  const c0 = gap.recentCents;
  const last = Math.min(t0 + options.horizon, asOfPeriod);
  const periodsSince = Math.max(0, last - t0);
  let recoveredCents = 0;
  const values: number[] = [];
  for (let p = t0 + 1; p <= last; p++) {
    const v = valueAt(customer, p);
    values.push(v);
    recoveredCents += Math.max(0, Math.min(v, b0) - c0);
  }
  const tail = values.slice(-Math.max(1, options.recentWindow));
  const recentMeanCents = tail.length > 0 ? tail.reduce((s, v) => s + v, 0) / tail.length : null;
  const usualShare = recentMeanCents !== null && b0 > 0 ? recentMeanCents / b0 : null;
  return {
    customerId: gap.customerId,
    startPeriod: t0,
    asOfPeriod,
    periodsSince,
    recoveredCents,
    recentMeanCents,
    usualShare,
    recovered: recentMeanCents !== null && b0 > 0 && recentMeanCents >= RECOVERED_SHARE * b0,
    final: asOfPeriod >= t0 + options.horizon,
  };
}

/**
 * The followed-up gap an action starts, or null when it starts none: only claims and logged
 * follow-ups count (a snooze does not), and a customer whose previous followed-up gap is still
 * within its horizon (t0 <= previous t0 + h) keeps that one.
 */
export function followedUpGapOf(
  event: FollowUpEvent,
  customer: CustomerAnalysis | undefined,
  shown: { period: PeriodSpec; asOfPeriod: number },
  previousStarts: readonly number[],
  horizon: number,
): FollowedUpGap | null {
  if (event.kind !== 'claim' && event.kind !== 'follow_up') return null;
  const actionPeriod = periodOfDay(dayFromIso(event.at.slice(0, 10)), shown.period);
  const startPeriod = Math.max(actionPeriod, shown.asOfPeriod);
  if (previousStarts.some((s) => startPeriod <= s + horizon)) return null;
  const largest = customer?.gaps.reduce<CustomerAnalysis['gaps'][number] | null>(
    (best, g) => (best === null || g.amountCents > best.amountCents ? g : best),
    null,
  );
  return {
    customerId: event.customerId,
    startPeriod,
    periodKind: shown.period.kind,
    startedAt: event.at,
    userId: event.userId,
    firstAction: event.kind,
    baselineCents: customer?.metrics?.baselineCents ?? 0,
    recentCents: customer?.metrics?.recentCents ?? 0,
    gapType: largest?.type ?? null,
    gapAmountCents: customer?.gapAmountCents ?? 0,
    shownAsOfPeriod: shown.asOfPeriod,
  };
}

/** A followed-up gap with its latest measure and what was logged on it, for the results. */
export interface FollowUpResultRow {
  gap: FollowedUpGap;
  measure: RecoveryMeasure | null;
  /** Last outcome logged since the gap's start; 'none' when only claimed (or notes). */
  outcome: FollowUpOutcome | 'none';
  /** Who has the gap: the owner after its events (claims, logs), else who acted first. */
  ownerUserId: string;
}

/** Outcome and owner of a followed-up gap from the customer's events since its start. */
export function followUpResultRow(
  gap: FollowedUpGap,
  measure: RecoveryMeasure | null,
  customerEvents: readonly FollowUpEvent[],
): FollowUpResultRow {
  const since = customerEvents.filter((e) => e.at >= gap.startedAt);
  let outcome: FollowUpOutcome | 'none' = 'none';
  for (const e of since) if (e.kind === 'follow_up' && e.outcome) outcome = e.outcome;
  const owner = deriveGapState(gap.customerId, since, { ignoreSnoozes: true }).ownerUserId;
  return { gap, measure, outcome, ownerUserId: owner ?? gap.userId };
}

/** One line of "Follow-up results": a group's counts and recovered revenue. */
export interface FollowUpResultGroup {
  key: string;
  followedUp: number;
  /** Gaps with at least one period measured. */
  measured: number;
  recovered: number;
  /** recovered / measured; null when nothing is measured yet. */
  recoveryRate: number | null;
  recoveredCents: number;
}

/** Groups rows by `keyOf` (groups sorted by recovered revenue, then followed up, then key). */
export function groupFollowUpResults(
  rows: readonly FollowUpResultRow[],
  keyOf: (row: FollowUpResultRow) => string,
): FollowUpResultGroup[] {
  const groups = new Map<string, FollowUpResultGroup>();
  for (const row of rows) {
    const key = keyOf(row);
    let g = groups.get(key);
    if (!g) {
      g = { key, followedUp: 0, measured: 0, recovered: 0, recoveryRate: null, recoveredCents: 0 };
      groups.set(key, g);
    }
    g.followedUp++;
    if (row.measure && row.measure.periodsSince > 0) {
      g.measured++;
      if (row.measure.recovered) g.recovered++;
      g.recoveredCents += row.measure.recoveredCents;
    }
  }
  for (const g of groups.values()) g.recoveryRate = g.measured > 0 ? g.recovered / g.measured : null;
  return [...groups.values()].sort(
    (a, b) =>
      b.recoveredCents - a.recoveredCents || b.followedUp - a.followedUp || a.key.localeCompare(b.key),
  );
}

/** The three breakdowns of spec 5 plus the total. */
export interface FollowUpResults {
  total: FollowUpResultGroup;
  byOutcome: FollowUpResultGroup[];
  byOwner: FollowUpResultGroup[];
  byGapType: FollowUpResultGroup[];
  rows: FollowUpResultRow[];
}

export function summarizeFollowUpResults(rows: readonly FollowUpResultRow[]): FollowUpResults {
  const [total] = groupFollowUpResults(rows, () => 'all');
  return {
    total: total ?? {
      key: 'all',
      followedUp: 0,
      measured: 0,
      recovered: 0,
      recoveryRate: null,
      recoveredCents: 0,
    },
    byOutcome: groupFollowUpResults(rows, (r) => r.outcome),
    byOwner: groupFollowUpResults(rows, (r) => r.ownerUserId),
    byGapType: groupFollowUpResults(rows, (r) => r.gap.gapType ?? 'no_gap'),
    rows: [...rows],
  };
}
