/**
 * The markdown deep dive for one customer: status, priority and score components, every gap,
 * every metric, the series (sparkline and table), and the follow-up history. Pure.
 */

import { evidenceOf } from '../core/backtest.ts';
import { formatMoney } from '../core/money.ts';
import { periodTitleInText } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, FollowUpEvent } from '../core/types.ts';
import { followUpParts, metricRows, rankLabel, seriesRows, statusSentence } from './_customer-facts.ts';
import { evidenceLong } from './backtest-report.ts';
import {
  COMPONENT_LABELS,
  COMPONENT_ORDER,
  escapeMarkdown,
  formatComponent,
  formatContributions,
  formatPct,
  formatScore,
  GAP_TYPE_LABELS,
  markdownCustomer,
  markdownTable,
  periodNoun,
  plural,
  singleLine,
} from './format.ts';
import { scoreBreakdown } from './markdown-report.ts';
import { renderSparkline } from './sparkline.ts';

/**
 * What the cadence, the season and the churn model say about this customer (docs/analysis-formulas.md
 * "Cadence", "Seasonality", "Probability alive"): one line each, only where they apply.
 */
export function modelContext(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
): string[] {
  const spec = result.period;
  const lines: string[] = [];
  const money = (c: number) => formatMoney(c, settings.currency, { compact: true });
  const unit = periodNoun(spec);
  if (customer.seasonal) {
    const labels = customer.seasonal.suppressed.map((t) => GAP_TYPE_LABELS[t].toLowerCase());
    lines.push(
      `**Season:** usual for this time of year: last year the same ${periodNoun(spec, 2)} averaged ` +
        `${money(customer.seasonal.lastSeasonRecentCents)}/${spec.kind === 'week' ? 'wk' : 'mo'}` +
        (customer.seasonal.expectedCents === null
          ? ''
          : ` (seasonal expectation ${money(customer.seasonal.expectedCents)}/${spec.kind === 'week' ? 'wk' : 'mo'})`) +
        `, so no ${labels.join(' or ')} gap is raised.`,
    );
  }
  if (customer.cadence !== undefined) {
    const g = Number.isInteger(customer.cadence) ? String(customer.cadence) : customer.cadence.toFixed(1);
    lines.push(
      `**Cadence:** buys every ${g} ${periodNoun(spec, customer.cadence)} (median gap between sales); quiet ${periodNoun(spec, 2)} are judged against that rhythm.`,
    );
  }
  if (customer.pAlive !== undefined) {
    const expected =
      customer.expectedSalePeriods === undefined
        ? ''
        : `; expected ${unit}s with a sale in the next ${settings.recentWindow}: ${customer.expectedSalePeriods.toFixed(1)}`;
    const churn = customer.gaps.find((g) => g.type === 'churn_risk');
    const fired =
      churn?.firedBy === undefined
        ? ''
        : ` Churn risk raised by ${churn.firedBy.map((f) => (f === 'cadence' ? 'the cadence check (time since the last sale against its usual gap)' : 'the model (P(alive) below 50%)')).join(' and ')}.`;
    lines.push(`**Probability still buying (BG/NBD):** ${formatPct(customer.pAlive)}${expected}.${fired}`);
  }
  return lines;
}

/**
 * Renders the deep dive. `history` is the customer's follow-up events (oldest first) from the
 * state store; leave it out when the caller has no store (the section is then omitted).
 */
export function renderDeepDiveMarkdown(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
  history?: readonly FollowUpEvent[],
): string {
  const spec = result.period;
  const money = (c: number) => formatMoney(c, settings.currency);
  const title = markdownCustomer(customer.name, customer.customerId);
  const facts = [
    `Segment: ${customer.segment ? escapeMarkdown(customer.segment) : 'none'}`,
    `Account manager: ${customer.accountManager ? escapeMarkdown(customer.accountManager) : 'none'}`,
    `As of ${periodTitleInText(result.asOf.period, spec)}`,
  ];
  const out: string[] = [
    `# ${title}`,
    '',
    `${facts.join(' · ')}.`,
    '',
    `**Status:** ${statusSentence(customer, result, settings)}`,
  ];

  if (customer.score !== null && customer.components && customer.contributions) {
    const w = settings.weights;
    const c = customer.components;
    const p = customer.contributions;
    const points = formatContributions(customer.score, p);
    out.push(
      '',
      '## Priority',
      '',
      `Score ${formatScore(customer.score)}, rank ${rankLabel(customer, result) ?? 'none'}. ` +
        `Gap ${money(customer.gapAmountCents)} (the largest of its gaps); recovery potential ` +
        `${money(customer.recoveryPotentialCents)}.`,
      '',
      markdownTable(
        ['Component', 'Value', 'Weight', 'Points'],
        ['l', 'r', 'r', 'r'],
        COMPONENT_ORDER.map((k) => [COMPONENT_LABELS[k], formatComponent(c[k]), formatPct(w[k]), points[k]]),
      ),
      '',
      `${scoreBreakdown(customer.score, c, p, w)}.`,
    );
    const evidence = evidenceOf(
      result,
      customer.gaps.map((g) => g.type),
      customer.score,
    );
    if (evidence)
      out.push(
        '',
        evidenceLong(
          evidence,
          customer.gaps.map((g) => g.type),
          customer.score,
          spec,
        ),
      );
  }
  if (customer.recommendation) out.push('', `**Recommendation:** ${singleLine(customer.recommendation)}`);

  out.push('', '## Gaps', '');
  if (customer.gaps.length === 0) {
    out.push(
      customer.status === 'scored' || customer.status === 'no_gap'
        ? 'No gaps detected.'
        : 'Not judged, so no gaps.',
    );
  } else {
    out.push(
      markdownTable(
        ['Gap type', 'Amount', 'Severity', 'Why'],
        ['l', 'r', 'l', 'l'],
        customer.gaps.map((g) => [
          GAP_TYPE_LABELS[g.type],
          money(g.amountCents),
          g.severity,
          singleLine(g.rationale).replace(/\|/g, '\\|'),
        ]),
      ),
    );
  }

  const context = modelContext(customer, result, settings);
  if (context.length > 0) out.push('', ...context);

  const metrics = metricRows(customer, result, settings);
  out.push('', '## Metrics', '');
  out.push(
    metrics.length === 0
      ? 'No metrics: no sales to compute them from.'
      : markdownTable(['Metric', 'Value'], ['l', 'r'], metrics),
  );

  const series = seriesRows(customer, result);
  out.push('', `## Revenue by ${periodNoun(spec)}`, '');
  if (series.length === 0) {
    out.push(`No ${periodNoun(spec, 2)} with revenue to show.`);
  } else {
    const first = series[0]!;
    const last = series[series.length - 1]!;
    out.push(
      `\`${renderSparkline(customer.series)}\` ${plural(series.length, periodNoun(spec))}, ${first.label} to ${last.label}.`,
      '',
      markdownTable(
        [periodNoun(spec).replace(/^./, (ch) => ch.toUpperCase()), 'Revenue'],
        ['l', 'r'],
        series.map((s) => [s.label, money(s.cents)]),
      ),
    );
  }

  if (history !== undefined) {
    out.push('', '## Follow-up history', '');
    if (history.length === 0) out.push('No follow-ups recorded yet.');
    for (const event of history) {
      const f = followUpParts(event);
      const from = f.fromUserId ? ` from ${escapeMarkdown(f.fromUserId)}` : '';
      let line = `- ${f.when}: ${escapeMarkdown(f.userId)} ${f.action}${from}.`;
      if (f.nextStep) line += ` Next step: ${escapeMarkdown(f.nextStep)}.`;
      if (f.note) line += ` Note: ${escapeMarkdown(f.note)}`;
      out.push(line);
    }
  }
  return `${out.join('\n')}\n`;
}
