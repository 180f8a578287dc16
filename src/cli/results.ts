/**
 * `revgap results`: what the followed-up gaps brought back (shared/spec/evidence.md section 5), read
 * from the state store: by outcome logged, by account manager and by gap type, then one line per
 * followed-up gap. Markdown (default) or JSON. The measures are those of the latest analysis the
 * bot (or `revgap digest`) ran; this command reads no sales data.
 */

import type { HoldoutComparison } from '../core/holdout.ts';
import { formatMoney } from '../core/money.ts';
import { defaultHorizon } from '../core/recovery.ts';
import type { PeriodSpec } from '../core/types.ts';
import { openConfiguredStore } from '../main.ts';
import {
  renderFollowUpResultsMarkdown,
  renderHoldoutComparisonMarkdown,
} from '../render/follow-up-results.ts';
import { escapeMarkdown, formatPct, markdownTable } from '../render/format.ts';
import { loadHoldoutComparison } from '../use-cases/holdout.ts';
import { loadFollowUpResults } from '../use-cases/measure-recovery.ts';
import { loadCommandConfig } from './_analysis-flags.ts';
import type { CliCommand } from './_context.ts';
import { checkOutputPath, readOutputFormat, writeOutput } from './_output.ts';

/** The holdout comparison in major units (rates as shares, money in the currency's units). */
function comparisonJson(c: HoldoutComparison) {
  const major = (cents: number | null) => (cents === null ? null : cents / 100);
  const group = (g: HoldoutComparison['shown']) => ({
    ...g,
    meanRecoveredCents: undefined,
    meanRecoveredRevenue: major(g.meanRecoveredCents),
  });
  if (!c.ready)
    return { ready: false, shown: group(c.shown), holdout: group(c.holdout), moreNeeded: c.moreNeeded };
  const interval = (i: { estimate: number; low: number; high: number }, scale = 1) => ({
    estimate: i.estimate * scale,
    low: i.low * scale,
    high: i.high * scale,
  });
  return {
    ready: true,
    shown: group(c.shown),
    holdout: group(c.holdout),
    recoveryRateDifference: {
      ...interval(c.rateDifference),
      method: 'difference of proportions, unpooled standard error, 95%',
    },
    meanRecoveredRevenueDifference: {
      ...interval(c.meanDifference, 0.01),
      method: `Welch standard error, t with ${c.meanDifference.df.toFixed(1)} degrees of freedom, 95%`,
    },
    incrementalRecoveredRevenue: interval(c.incrementalCents, 0.01),
  };
}

export const command: CliCommand = {
  name: 'results',
  summary: 'What followed-up gaps brought back (from the state store)',
  usage: `Usage: revgap results [--format markdown|json] [--out FILE] [--data-dir DIR]

Reads the state store (REVGAP_DATA_DIR, or DATABASE_URL) and prints the follow-up results: every
gap claimed or followed up in Slack, the revenue back since (measured by each analysis the bot ran),
by outcome logged, by account manager and by gap type, and, when a holdout runs (REVGAP_HOLDOUT),
shown vs held-out customers with 95% intervals (the JSON lists who is held out: admins only). Stop the bot first when it uses PGlite
(REVGAP_DATA_DIR): the embedded database takes one process.

  --format markdown|json  output format (default markdown)
  --out FILE              write to FILE instead of stdout
  --data-dir DIR          revgap's data directory (default ./.revgap)
  --config FILE           config file (default: revgap.config.json|yaml|yml in this directory)

Exit codes: 0 done, 2 bad settings, 1 unexpected error (e.g. the store is in use).`,
  options: {
    format: { type: 'string' },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
    config: { type: 'string' },
    currency: { type: 'string' },
  },
  async run(context) {
    const { format, issues } = readOutputFormat(context);
    const config = loadCommandConfig(context, issues);
    checkOutputPath(context);
    const store = openConfiguredStore(config);
    try {
      const results = await loadFollowUpResults(store, store);
      const { comparison, records: holdoutRecords } = await loadHoldoutComparison(store);
      const latest = await store.listSnapshots(1);
      const snapshot = latest[0] ? await store.loadSnapshot(latest[0].id) : null;
      const names = new Map(snapshot?.result.customers.map((c) => [c.customerId, c.name]) ?? []);
      const spec: Pick<PeriodSpec, 'kind'> = snapshot?.result.period ?? { kind: config.analysis.period };
      const horizon = defaultHorizon(spec);
      if (format === 'json') {
        const major = (cents: number) => cents / 100;
        const group = (g: (typeof results.byOutcome)[number]) => ({
          key: g.key,
          followedUp: g.followedUp,
          measured: g.measured,
          recovered: g.recovered,
          recoveryRate: g.recoveryRate,
          recoveredRevenue: major(g.recoveredCents),
        });
        const doc = {
          currency: config.analysis.currency,
          horizon: { periods: horizon, period: spec.kind },
          total: group(results.total),
          byOutcome: results.byOutcome.map(group),
          byAccountManager: results.byOwner.map(group),
          byGapType: results.byGapType.map(group),
          holdout: {
            percent: config.holdoutPercent,
            comparison: holdoutRecords.length === 0 ? null : comparisonJson(comparison),
            // Admin-only: who is held out (the Slack channel never sees these names).
            assignments: holdoutRecords.map((r) => ({
              customerId: r.assignment.customerId,
              customerName: names.get(r.assignment.customerId) ?? null,
              heldOut: r.assignment.heldOut,
              firstPeriod: r.assignment.firstPeriod,
              assignedAt: r.assignment.assignedAt,
              share: r.assignment.share,
              pastHorizon: r.measure?.final ?? false,
              recovered: r.measure?.recovered ?? false,
              recoveredRevenue: major(r.measure?.recoveredCents ?? 0),
            })),
          },
          gaps: results.rows.map((r) => ({
            customerId: r.gap.customerId,
            customerName: names.get(r.gap.customerId) ?? null,
            startedAt: r.gap.startedAt,
            startPeriod: r.gap.startPeriod,
            firstAction: r.gap.firstAction,
            accountManager: r.ownerUserId,
            outcome: r.outcome,
            gapType: r.gap.gapType,
            baseline: major(r.gap.baselineCents),
            runRateAtFollowUp: major(r.gap.recentCents),
            periodsSince: r.measure?.periodsSince ?? 0,
            recoveredRevenue: major(r.measure?.recoveredCents ?? 0),
            usualShare: r.measure?.usualShare ?? null,
            recovered: r.measure?.recovered ?? false,
            final: r.measure?.final ?? false,
          })),
        };
        writeOutput(context, `${JSON.stringify(doc, null, 2)}\n`, 'results');
        return 0;
      }
      const money = (cents: number) => formatMoney(Math.round(cents), config.analysis.currency);
      const text = [
        '# revgap follow-up results',
        '',
        renderFollowUpResultsMarkdown(results, {
          money,
          spec,
          horizon,
          recentWindow: config.analysis.recentWindow,
          heading: 'Summary',
        }),
      ];
      if (holdoutRecords.length > 0) {
        text.push('', renderHoldoutComparisonMarkdown(comparison, { money, horizon, spec }));
      }
      if (results.rows.length > 0) {
        text.push(
          '',
          '## Followed-up gaps',
          '',
          markdownTable(
            [
              'Customer',
              'Since',
              'Account manager',
              'Outcome',
              'Periods',
              'Recovered revenue',
              'Of usual',
              'Recovered',
            ],
            ['l', 'l', 'l', 'l', 'r', 'r', 'r', 'l'],
            results.rows.map((r) => [
              escapeMarkdown(names.get(r.gap.customerId) ?? r.gap.customerId),
              r.gap.startedAt.slice(0, 10),
              escapeMarkdown(r.ownerUserId),
              r.outcome,
              String(r.measure?.periodsSince ?? 0),
              money(r.measure?.recoveredCents ?? 0),
              r.measure?.usualShare == null ? 'n/a' : formatPct(r.measure.usualShare),
              r.measure?.recovered ? 'yes' : 'no',
            ]),
          ),
        );
      }
      writeOutput(context, `${text.join('\n')}\n`, 'results');
      return 0;
    } finally {
      await store.close();
    }
  },
};
