/**
 * "Follow-up results" (shared/spec/evidence.md section 5): what followed-up gaps brought back, by
 * outcome logged, by account manager and by gap type, as markdown (report section and
 * `revgap results`) and as one line per gap for the deep dive. Pure.
 */

import type { HoldoutComparison } from '../core/holdout.ts';
import type {
  FollowedUpGap,
  FollowUpResultGroup,
  FollowUpResults,
  RecoveryMeasure,
} from '../core/recovery.ts';
import { RECOVERED_SHARE } from '../core/recovery.ts';
import type { FollowUpOutcome, GapType, PeriodSpec } from '../core/types.ts';
import {
  escapeMarkdown,
  formatCount,
  formatPct,
  GAP_TYPE_LABELS,
  markdownTable,
  OUTCOME_LABELS,
  periodNoun,
  plural,
} from './format.ts';

/** "Since <@U1>'s claim on 2026-11-02: $3,120.00 back, 84% of usual (recovered)". Mrkdwn. */
export function describeRecoverySince(
  gap: Pick<FollowedUpGap, 'userId' | 'firstAction' | 'startedAt'>,
  measure: RecoveryMeasure | null,
  options: {
    money: (cents: number) => string;
    spec: Pick<PeriodSpec, 'kind'>;
    horizon: number;
    user?: (id: string) => string;
  },
): string {
  const who = options.user ? options.user(gap.userId) : `<@${gap.userId}>`;
  const what = gap.firstAction === 'claim' ? 'claim' : 'follow-up';
  const head = `Since ${who}'s ${what} on ${gap.startedAt.slice(0, 10)}`;
  const noun = (n: number) => periodNoun({ kind: options.spec.kind, weekStartsOn: 1 }, n);
  if (!measure || measure.periodsSince === 0 || measure.usualShare === null)
    return `${head}: no complete ${noun(1)} of data since yet.`;
  const status = measure.recovered
    ? 'recovered'
    : measure.final
      ? `not recovered within ${plural(options.horizon, noun(1))}`
      : `not recovered yet, ${formatCount(measure.periodsSince)} of ${plural(options.horizon, noun(1))} measured`;
  return `${head}: ${options.money(measure.recoveredCents)} back, ${formatPct(measure.usualShare)} of usual (${status}).`;
}

const OUTCOME_ROW_LABELS: Readonly<Record<FollowUpOutcome | 'none', string>> = {
  ...OUTCOME_LABELS,
  none: 'claimed, nothing logged',
};

function groupRows(
  groups: readonly FollowUpResultGroup[],
  label: (key: string) => string,
  money: (cents: number) => string,
): string[][] {
  return groups.map((g) => [
    label(g.key),
    formatCount(g.followedUp),
    formatCount(g.recovered),
    g.recoveryRate === null ? 'n/a' : `${formatPct(g.recoveryRate)} of ${formatCount(g.measured)}`,
    money(g.recoveredCents),
  ]);
}

/**
 * The "Follow-up results" markdown section (heading level 2), or a short note when nothing was
 * followed up yet. `user` renders an account manager's Slack id (default: the id as written).
 */
export function renderFollowUpResultsMarkdown(
  results: FollowUpResults,
  options: {
    money: (cents: number) => string;
    spec: Pick<PeriodSpec, 'kind'>;
    horizon: number;
    recentWindow: number;
    user?: (id: string) => string;
    heading?: string;
  },
): string {
  const lines = [`## ${options.heading ?? 'Follow-up results'}`, ''];
  const t = results.total;
  const noun = (n: number) => periodNoun({ kind: options.spec.kind, weekStartsOn: 1 }, n);
  if (t.followedUp === 0) {
    lines.push('No gap has been claimed or followed up yet: nothing to measure.');
    return lines.join('\n');
  }
  lines.push(
    `${plural(t.followedUp, 'followed-up gap')}; ${formatCount(t.measured)} with at least one ${noun(1)} of data since, ` +
      `${formatCount(t.recovered)} recovered${t.recoveryRate === null ? '' : ` (${formatPct(t.recoveryRate)})`}, ` +
      `${options.money(t.recoveredCents)} recovered revenue.`,
    '',
    `A followed-up gap starts at its first claim or logged follow-up (${noun(1)} t0, with the baseline b0 and ` +
      `run-rate c0 of the analysis that showed it). Over the ${plural(options.horizon, noun(1))} after t0, ` +
      'recovered revenue = sum(max(0, min(v, b0) - c0)), and the gap is recovered once the mean of the last ' +
      `${plural(options.recentWindow, noun(1))} is at least ${formatPct(RECOVERED_SHARE)} of b0. ` +
      'This is what happened, not what the follow-ups caused: customers also recover alone.',
  );
  const header = ['', 'Followed up', 'Recovered', 'Recovery rate', 'Recovered revenue'];
  const align: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r'];
  const user = options.user ?? ((id: string) => escapeMarkdown(id));
  const table = (title: string, first: string, rows: string[][]) => {
    lines.push('', `### ${title}`, '', markdownTable([first, ...header.slice(1)], align, rows));
  };
  table(
    'By outcome logged',
    'Outcome',
    groupRows(
      results.byOutcome,
      (k) => OUTCOME_ROW_LABELS[k as FollowUpOutcome | 'none'] ?? k,
      options.money,
    ),
  );
  table('By account manager', 'Account manager', groupRows(results.byOwner, user, options.money));
  table(
    'By gap type',
    'Gap type',
    groupRows(results.byGapType, (k) => GAP_TYPE_LABELS[k as GapType] ?? 'No gap then', options.money),
  );
  return lines.join('\n');
}

const pctPoints = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} points`;

/**
 * The holdout comparison (markdown, heading level 3): recovery rate and mean recovered revenue per
 * group, the differences with 95% intervals and the incremental recovered revenue; or how many more
 * customers past the horizon each group needs.
 */
export function renderHoldoutComparisonMarkdown(
  comparison: HoldoutComparison,
  options: { money: (cents: number) => string; horizon: number; spec: Pick<PeriodSpec, 'kind'> },
): string {
  const noun = (n: number) => periodNoun({ kind: options.spec.kind, weekStartsOn: 1 }, n);
  const lines = ['### Shown vs holdout (what the follow-ups caused)', ''];
  const { shown, holdout } = comparison;
  lines.push(
    `Every customer newly in the top N was assigned by a stable hash: ${plural(shown.assigned, 'customer')} shown, ` +
      `${plural(holdout.assigned, 'customer')} held out (not shown to account managers until ${plural(options.horizon, noun(1))} had passed). ` +
      'Shown means in the top N and shown, claimed or not (intention to treat).',
    '',
  );
  if (!comparison.ready) {
    const need = comparison.moreNeeded;
    const parts = [
      need.shown > 0 ? `${plural(need.shown, 'more shown customer')}` : null,
      need.holdout > 0 ? `${plural(need.holdout, 'more held-out customer')}` : null,
    ].filter((x): x is string => x !== null);
    lines.push(
      `Not enough customers past the horizon yet to compare (${formatCount(shown.pastHorizon)} shown, ${formatCount(holdout.pastHorizon)} held out; ` +
        `at least 30 in each group): ${parts.join(' and ')} needed.`,
    );
    return lines.join('\n');
  }
  const rate = (g: typeof shown) => (g.recoveryRate === null ? 'n/a' : formatPct(g.recoveryRate, 1));
  const mean = (g: typeof shown) =>
    g.meanRecoveredCents === null ? 'n/a' : options.money(g.meanRecoveredCents);
  lines.push(
    markdownTable(
      ['Group', 'Past the horizon', 'Recovered', 'Recovery rate', 'Mean recovered revenue'],
      ['l', 'r', 'r', 'r', 'r'],
      [
        ['Shown', formatCount(shown.pastHorizon), formatCount(shown.recovered), rate(shown), mean(shown)],
        [
          'Holdout',
          formatCount(holdout.pastHorizon),
          formatCount(holdout.recovered),
          rate(holdout),
          mean(holdout),
        ],
      ],
    ),
    '',
    `- Recovery rate, shown minus holdout: ${pctPoints(comparison.rateDifference.estimate)} ` +
      `(95% interval ${pctPoints(comparison.rateDifference.low)} to ${pctPoints(comparison.rateDifference.high)}; difference of proportions, unpooled standard error).`,
    `- Mean recovered revenue per customer, shown minus holdout: ${options.money(comparison.meanDifference.estimate)} ` +
      `(95% interval ${options.money(comparison.meanDifference.low)} to ${options.money(comparison.meanDifference.high)}; Welch's standard error, t with ${comparison.meanDifference.df.toFixed(1)} degrees of freedom).`,
    `- Incremental recovered revenue = (mean shown - mean holdout) x ${formatCount(shown.pastHorizon)} shown customers: ` +
      `${options.money(comparison.incrementalCents.estimate)} (95% interval ${options.money(comparison.incrementalCents.low)} to ${options.money(comparison.incrementalCents.high)}).`,
  );
  return lines.join('\n');
}
