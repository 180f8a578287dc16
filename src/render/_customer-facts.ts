/**
 * Facts about one customer in plain words, shared by the markdown deep dive and the Slack deep dive
 * (each escapes user data for its own format). Pure.
 */

import { deriveGapState } from '../core/gap-state.ts';
import { MIN_SALES_TO_JUDGE } from '../core/metrics.ts';
import { formatMoney } from '../core/money.ts';
import { formatPeriod } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type {
  AnalysisResult,
  CustomerAnalysis,
  CustomerMetrics,
  FollowUpEvent,
  GapState,
  PeriodSpec,
} from '../core/types.ts';
import { formatCount, formatPct, OUTCOME_LABELS, periodNoun, perPeriod, plural } from './format.ts';

/** Number of customers that have a rank (the "of N" in "#3 of 155"). */
export function countRanked(result: AnalysisResult): number {
  // A deep dive asks twice per answer; with a million customers each count is a full pass, so the
  // count is kept per result (results are never changed once built).
  let n = rankedCounts.get(result);
  if (n === undefined) {
    n = 0;
    for (const c of result.customers) if (c.rank !== null) n++;
    rankedCounts.set(result, n);
  }
  return n;
}

const rankedCounts = new WeakMap<AnalysisResult, number>();

/** "#3 of 155", or null when the customer is not ranked. */
export function rankLabel(customer: CustomerAnalysis, result: AnalysisResult): string | null {
  return customer.rank === null
    ? null
    : `#${formatCount(customer.rank)} of ${formatCount(countRanked(result))}`;
}

/** One sentence on where the customer stands (no user data in it). */
export function statusSentence(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
): string {
  const spec = result.period;
  const money = (c: number) => formatMoney(c, settings.currency);
  const m = customer.metrics;
  switch (customer.status) {
    case 'scored': {
      const rank = rankLabel(customer, result);
      return (
        `Priority ${rank ?? 'unranked'} among scored customers, with a gap of ${money(customer.gapAmountCents)}` +
        (customer.rank !== null && customer.rank <= result.summary.topN ? ' (in the top list).' : '.')
      );
    }
    case 'no_gap':
      return 'No gap: recent revenue is in line with its usual level.';
    case 'too_new':
      if (m && m.history >= settings.minHistory) {
        // Cadence-aware rules: enough history, but too few sales to know the customer's rhythm.
        return `Too new to judge: ${plural(MIN_SALES_TO_JUDGE - 1, periodNoun(spec), periodNoun(spec, 2))} with a sale at most, ${MIN_SALES_TO_JUDGE} needed to know how often it buys.`;
      }
      return (
        `Too new to judge: ${m ? plural(m.history, periodNoun(spec)) : 'too little'} of history, ` +
        `${plural(settings.minHistory, periodNoun(spec))} needed.`
      );
    case 'lapsed':
      return (
        `Lapsed: no sale in the last ${plural(settings.lookback, periodNoun(spec))}` +
        // "in the week of 2026-06-29", but "in 2026-06" (not "in the 2026-06"), as detect-gaps writes it.
        (m?.lastSalePeriod != null
          ? ` (last sale in ${spec.kind === 'week' ? 'the ' : ''}${formatPeriod(m.lastSalePeriod, spec)}).`
          : '.') +
        ' Already gone, so not scored as a gap.'
      );
    case 'no_sales':
      // Core gives this status to refund-only customers too, and to rows dated only after the as-of period.
      return (
        'No sales on record: no sale (a positive amount) up to the as-of period. Either listed in the ' +
        'customers file without sales rows, or only refunds (or only rows after the as-of period).'
      );
  }
}

/** Metric rows as [label, value] (values contain no user data). Empty when there are no metrics. */
export function metricRows(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
): [string, string][] {
  const m = customer.metrics;
  if (!m) return [];
  const spec = result.period;
  const money = (c: number) => formatMoney(c, settings.currency);
  const per = perPeriod(spec);
  const unit = periodNoun(spec);
  const rows: [string, string][] = [
    ['History', plural(m.history, unit)],
    ['Usual revenue (baseline)', `${money(m.baselineCents)}${per}`],
    [
      `Recent (last ${plural(settings.recentWindow, unit)})`,
      `${money(m.recentCents)}${per}` +
        (m.baselineCents > 0 ? ` (${formatPct(m.recentCents / m.baselineCents)} of usual)` : ''),
    ],
    ['Trend', trendText(m, spec, money)],
    [`Forecast next ${unit}`, money(m.forecastCents)],
    ['Zero streak', plural(m.zeroStreak, unit)],
    ['Lifetime value', money(m.lifetimeValueCents)],
    [`Active ${periodNoun(spec, 2)} in lookback`, formatPct(m.activeShare)],
    ['Last sale', m.lastSalePeriod === null ? 'never' : formatPeriod(m.lastSalePeriod, spec)],
  ];
  return rows;
}

/**
 * The trend in words: "down $261.16/wk each week (10% of usual)", "up $5.00/mo each month (2% of
 * usual)", or "flat". The slope is a change of the per-period revenue per period, so the amount
 * carries "/wk" and the sentence says how often it changes. The percentage (slope / baseline) is
 * rounded to a whole percent the way core's declining-revenue rationale rounds it
 * (`Math.round` of the positive fraction x 100), so both show the same number.
 */
export function trendText(
  m: Pick<CustomerMetrics, 'trendCentsPerPeriod' | 'trendPct' | 'baselineCents'>,
  spec: PeriodSpec,
  money: (cents: number) => string,
): string {
  const slope = m.trendCentsPerPeriod;
  if (!Number.isFinite(slope) || Math.round(Math.abs(slope)) === 0) return 'flat';
  const pct =
    m.baselineCents > 0 && Number.isFinite(m.trendPct)
      ? ` (${Math.round(Math.abs(m.trendPct) * 100)}% of usual)`
      : '';
  return `${slope < 0 ? 'down' : 'up'} ${money(Math.abs(slope))}${perPeriod(spec)} each ${periodNoun(spec)}${pct}`;
}

/** Period labels and values of the customer's series (chronological). */
export function seriesRows(
  customer: CustomerAnalysis,
  result: AnalysisResult,
): { label: string; cents: number }[] {
  return Array.from(customer.series, (cents, i) => ({
    label: formatPeriod(customer.seriesStartPeriod + i, result.period),
    cents,
  }));
}

/** A follow-up event split into parts; `who` and free text are user data, escaped by the caller. */
export interface FollowUpParts {
  /** "2026-11-20 10:04 UTC" from the ISO timestamp (no clock read; "UTC" only for a `Z` timestamp). */
  when: string;
  userId: string;
  /**
   * What happened, no user data: "claimed it", "took it over" (then `fromUserId`), "released it",
   * "logged a follow-up: contacted", "snoozed it until 2026-12-01", "unsnoozed it".
   */
  action: string;
  /** Whose gap it was, when someone else took it over or snoozed it: "took it over from <fromUserId>". */
  fromUserId?: string;
  nextStep?: string;
  note?: string;
}

export function followUpParts(event: FollowUpEvent): FollowUpParts {
  const when =
    event.at.length >= 16
      ? `${event.at.slice(0, 10)} ${event.at.slice(11, 16)}${event.at.endsWith('Z') ? ' UTC' : ''}`
      : event.at;
  let action: string;
  switch (event.kind) {
    case 'claim':
      action = event.previousOwnerUserId ? 'took it over' : 'claimed it';
      break;
    case 'release':
      action = 'released it';
      break;
    case 'snooze':
      action = event.snoozeUntil ? `snoozed it until ${event.snoozeUntil}` : 'snoozed it';
      break;
    case 'unsnooze':
      action = 'unsnoozed it';
      break;
    case 'follow_up':
      action = event.outcome ? `logged a follow-up: ${OUTCOME_LABELS[event.outcome]}` : 'logged a follow-up';
      break;
  }
  return {
    when,
    userId: event.userId,
    action,
    ...(event.kind === 'claim' && event.previousOwnerUserId ? { fromUserId: event.previousOwnerUserId } : {}),
    ...(event.nextStep ? { nextStep: event.nextStep } : {}),
    ...(event.note ? { note: event.note } : {}),
  };
}

/**
 * Who is on a gap and whether it is closed, from its follow-up history (sorted by `at`, ties kept in
 * order), for the Claim button of a deep dive that was given no `GapState`: core's `deriveGapState`
 * (the store's rules, docs/state-store.md) with snoozes left out (the gap counts as it was before
 * the snooze): whether one has ended depends on today's date, which a renderer does not read.
 * Undefined while nobody has claimed the gap or logged an outcome.
 */
export function claimStateFromHistory(
  customerId: string,
  history: readonly FollowUpEvent[],
): GapState | undefined {
  const events = [...history].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const { lastActionAt: _, ...state } = deriveGapState(customerId, events, { ignoreSnoozes: true });
  return state.status === 'open' ? undefined : state;
}
