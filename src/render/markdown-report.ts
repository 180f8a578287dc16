/**
 * The markdown report (spec section 6). Pure: the result and the settings in, one string out.
 *
 * Section order (revgap rules): Executive summary, Top priority gaps, Churn-risk customers, Gap
 * analysis by type, Strategic recommendations, Customers not scored, Data quality, Method.
 * Seed rules keep the original system's order and headings: Executive Summary, Top Priority Gaps,
 * Churn Risk Customers, Strategic Recommendations, Gap Analysis by Type, then the rest.
 * Customer names, ids, owners, file names and problem reasons are user data and are escaped.
 */

import type { HoldoutComparison } from '../core/holdout.ts';
import { MIN_SALES_TO_JUDGE } from '../core/metrics.ts';
import { formatMoney } from '../core/money.ts';
import { formatPeriod, isoFromDay, periodFileStem, periodTitle } from '../core/periods.ts';
import { defaultHorizon, type FollowUpResults } from '../core/recovery.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import {
  type AnalysisResult,
  type CustomerAnalysis,
  GAP_TYPES,
  type Priority,
  type ScoreComponents,
} from '../core/types.ts';
import { evidenceCell, evidenceLong, horizonText, reliabilitySection } from './backtest-report.ts';
import { renderFollowUpResultsMarkdown, renderHoldoutComparisonMarkdown } from './follow-up-results.ts';
import {
  COMPONENT_LABELS,
  COMPONENT_ORDER,
  describeAsOfAfterData,
  describeAsOfBeforeData,
  describeCurrencies,
  describeNoSales,
  describeOneCustomer,
  describeSetAsideRows,
  describeTooShortHistory,
  describeUnmatchedCustomersFile,
  duplicateLinesText,
  escapeMarkdown,
  formatComponent,
  formatContributions,
  formatCount,
  formatGapTypes,
  formatPct,
  formatScore,
  GAP_TYPE_LABELS,
  markdownCustomer,
  markdownTable,
  periodInText,
  periodNoun,
  perPeriod,
  plural,
  singleLine,
  weekStartName,
} from './format.ts';
import { renderSparkline } from './sparkline.ts';

export interface MarkdownReportOptions {
  /** Longest list printed in full (churn-risk table, too new / lapsed / no sales); the JSON has all. Default 50. */
  listLimit?: number;
  /** ISO timestamp shown under the title, when the caller wants one (renderers never read the clock). */
  generatedAt?: string;
  /** Followed-up gaps and what they brought back: adds "Follow-up results" (callers with a store). */
  followUpResults?: FollowUpResults;
  /**
   * A holdout is running: how many customers are held out now (left out of this report's lists;
   * the method says how many, never who) and the shown-vs-holdout comparison.
   */
  holdout?: { heldOutNow: number; percent: number; comparison?: HoldoutComparison };
}

const DEFAULT_LIST_LIMIT = 50;

interface Ctx {
  result: AnalysisResult;
  settings: AnalysisSettings;
  money: (cents: number) => string;
  period: (p: number) => string;
  /** The priorities' customers by id (`prioritiesById`). */
  byId: Map<string, CustomerAnalysis>;
  listLimit: number;
  seed: boolean;
}

/**
 * The analysed customers the priority list names, by id (their sparklines): only those, since a
 * map of every customer was ~100 MB more at the end of a 1,000,000-customer run, where its memory peaks.
 */
function prioritiesById(result: AnalysisResult): Map<string, CustomerAnalysis> {
  const wanted = new Set(result.priorities.map((p) => p.customerId));
  const byId = new Map<string, CustomerAnalysis>();
  for (const c of result.customers) {
    // The ranked customers come first: the search ends with the last priority found, not after
    // every customer (~0.2 s at 1,000,000).
    if (byId.size === wanted.size) break;
    if (wanted.has(c.customerId)) byId.set(c.customerId, c);
  }
  return byId;
}

/** Renders the full markdown report. */
export function renderMarkdownReport(
  result: AnalysisResult,
  settings: AnalysisSettings,
  options: MarkdownReportOptions = {},
): string {
  const ctx: Ctx = {
    result,
    settings,
    money: (cents) => formatMoney(Math.round(cents), settings.currency),
    period: (p) => formatPeriod(p, result.period),
    byId: prioritiesById(result),
    listLimit: options.listLimit ?? DEFAULT_LIST_LIMIT,
    seed: result.rules === 'seed',
  };
  const title = ctx.seed ? 'Revenue Gap Report' : 'Revenue gap report';
  const head = [`# ${title}: ${asOfLabel(ctx)}`, ''];
  if (options.generatedAt) head.push(`Generated ${escapeMarkdown(options.generatedAt)}.`, '');

  const sections = ctx.seed
    ? [
        executiveSummary(ctx, 'Executive Summary'),
        topPriorities(ctx, 'Top Priority Gaps'),
        churnRisk(ctx, 'Churn Risk Customers'),
        strategicRecommendations(ctx, 'Strategic Recommendations'),
        gapAnalysis(ctx, 'Gap Analysis by Type'),
      ]
    : [
        executiveSummary(ctx, 'Executive summary'),
        topPriorities(ctx, 'Top priority gaps'),
        churnRisk(ctx, 'Churn-risk customers'),
        gapAnalysis(ctx, 'Gap analysis by type'),
        strategicRecommendations(ctx, 'Strategic recommendations'),
      ];
  if (!ctx.seed && result.backtest)
    sections.splice(2, 0, reliabilitySection(result.backtest, settings.currency));
  const horizon = defaultHorizon(result.period);
  if (options.followUpResults) {
    const parts = [
      renderFollowUpResultsMarkdown(options.followUpResults, {
        money: ctx.money,
        spec: result.period,
        horizon,
        recentWindow: settings.recentWindow,
      }),
    ];
    if (options.holdout?.comparison) {
      parts.push(
        renderHoldoutComparisonMarkdown(options.holdout.comparison, {
          money: ctx.money,
          horizon,
          spec: result.period,
        }),
      );
    }
    sections.push(parts.join('\n\n'));
  }
  sections.push(notScored(ctx), dataQuality(ctx), method(ctx, options.holdout));
  return `${[...head, sections.join('\n\n')].join('\n').trimEnd()}\n`;
}

function asOfLabel(ctx: Ctx): string {
  return periodTitle(ctx.result.asOf.period, ctx.result.period);
}

/**
 * The report file's name and title, named by its as-of period as the digest and the answers name
 * it: `revgap-report-week-of-2026-11-23.md`, "revgap report, week of Mon 23 Nov 2026 (to 29 Nov)".
 */
export function reportFileNames(result: Pick<AnalysisResult, 'asOf' | 'period'>): {
  filename: string;
  title: string;
  period: string;
} {
  const period = periodTitle(result.asOf.period, result.period);
  return {
    filename: `revgap-report-${periodFileStem(result.asOf.period, result.period)}.md`,
    title: `revgap report, ${period}`,
    period,
  };
}

function cell(text: string): string {
  return escapeMarkdown(text);
}

function executiveSummary(ctx: Ctx, heading: string): string {
  const s = ctx.result.summary;
  const unit = periodNoun(ctx.result.period);
  const byType = GAP_TYPES.map(
    (t) => `${GAP_TYPE_LABELS[t].toLowerCase()} ${formatCount(s.gapsByType[t])}`,
  ).join(', ');
  const analysedLabel = ctx.seed ? 'Customers analysed (with a gap)' : 'Customers analysed';
  const shownTop = Math.min(s.topN, ctx.result.priorities.length);
  const rows: string[][] = [
    [analysedLabel, formatCount(s.customersAnalyzed)],
    ['Customers with gaps', formatCount(s.customersWithGaps)],
    [
      `Too new to judge (< ${ctx.settings.minHistory} ${periodNoun(ctx.result.period, 2)}${fewSalesClause(ctx)})`,
      formatCount(s.customersTooNew),
    ],
    [
      `Lapsed (no sale in ${ctx.settings.lookback} ${periodNoun(ctx.result.period, 2)})`,
      formatCount(s.customersLapsed),
    ],
    ['No sales on record', formatCount(s.customersNoSales)],
    ['Gaps detected', `${formatCount(s.gapsDetected)} (${byType})`],
    ['Churn-risk customers', formatCount(s.churnRiskCustomers)],
    ['Total gap', ctx.money(s.totalGapCents)],
    // As many as were listed: "top 500" over 85 scored customers would overstate the list.
    [`Recovery potential (top ${formatCount(shownTop)})`, ctx.money(s.recoveryPotentialTopNCents)],
    ['Rows read / rejected', `${formatCount(s.rowsRead)} / ${formatCount(s.rowsRejected)}`],
    [`As of (last complete ${unit})`, asOfLabel(ctx)],
  ];
  const headline =
    s.customersWithGaps === 0
      ? `No revenue gaps found among ${plural(s.customersAnalyzed, 'customer')} analysed.`
      : `${plural(s.customersWithGaps, 'customer')} of ${formatCount(s.customersAnalyzed)} analysed ` +
        `${s.customersWithGaps === 1 ? 'shows' : 'show'} a revenue gap, ${ctx.money(s.totalGapCents)} in total; ` +
        `the top ${formatCount(shownTop)} could recover about ` +
        `${ctx.money(s.recoveryPotentialTopNCents)}.`;
  return [`## ${heading}`, '', headline, '', markdownTable(['Metric', 'Value'], ['l', 'r'], rows)].join('\n');
}

function topPriorities(ctx: Ctx, heading: string): string {
  const { priorities } = ctx.result;
  if (priorities.length === 0) return [`## ${heading}`, '', 'No gaps to prioritise.'].join('\n');
  const intro = ctx.seed
    ? `One row per gap, highest score first (a customer can appear more than once).`
    : `One row per customer, highest score first. A customer's gap is the largest of its gaps.`;
  // With a backtest: each row's calibrated risk (share of past flags like it that were lost, n).
  // The column only when some row has a figure (a short history gives none: the section says why).
  const withEvidence = ctx.result.backtest !== undefined && priorities.some((p) => p.evidence !== undefined);
  const rows = priorities.map((p) => [
    String(p.rank),
    markdownCustomer(p.customerName, p.customerId),
    formatGapTypes(p.gapTypes),
    ctx.money(p.gapAmountCents),
    ctx.money(p.recoveryPotentialCents),
    formatScore(p.score),
    ...(withEvidence ? [evidenceCell(p.evidence)] : []),
    p.accountManager ? cell(p.accountManager) : '—',
  ]);
  const evidenceIntro =
    withEvidence && ctx.result.backtest
      ? ` "Past flags lost": the share of customers flagged like this in the backtest on this history that lost half their revenue within ${horizonText(ctx.result.backtest)} (n = customers flagged; no figure below 30).`
      : '';
  const parts = [
    `## ${heading}`,
    '',
    `${intro}${evidenceIntro}`,
    '',
    markdownTable(
      [
        '#',
        'Customer',
        'Gap types',
        'Gap',
        'Recovery',
        'Score',
        ...(withEvidence ? ['Past flags lost'] : []),
        'Owner',
      ],
      ['r', 'l', 'l', 'r', 'r', 'r', ...(withEvidence ? (['r'] as const) : []), 'l'],
      rows,
    ),
  ];
  for (const p of priorities) parts.push('', priorityParagraph(ctx, p));
  return parts.join('\n');
}

/** "Score 79.5 = revenue impact 1.00 × 35% (35.0 pts) + …". */
export function scoreBreakdown(
  score: number,
  components: ScoreComponents,
  contributions: ScoreComponents,
  weights: ScoreComponents,
): string {
  const points = formatContributions(score, contributions);
  const terms = COMPONENT_ORDER.map(
    (k) =>
      `${COMPONENT_LABELS[k].toLowerCase()} ${formatComponent(components[k])} × ${formatPct(weights[k])} ` +
      `(${points[k]} pts)`,
  );
  return `Score ${formatScore(score)} = ${terms.join(' + ')}`;
}

function priorityParagraph(ctx: Ctx, p: Priority): string {
  const suffix = ctx.seed ? ` — ${formatGapTypes(p.gapTypes)}` : '';
  const lines = [`### ${p.rank}. ${markdownCustomer(p.customerName, p.customerId)}${suffix}`, ''];
  const facts = [
    `Gap ${ctx.money(p.gapAmountCents)}`,
    `recovery potential ${ctx.money(p.recoveryPotentialCents)}`,
    `score ${formatScore(p.score)}`,
    `owner ${p.accountManager ? cell(p.accountManager) : 'none'}`,
  ];
  if (p.segment) facts.push(`segment ${cell(p.segment)}`);
  lines.push(`${facts.join(' · ')}.`, '');
  for (const r of p.rationale) lines.push(`- ${singleLine(r)}`);
  if (p.rationale.length > 0) lines.push('');
  if (p.evidence) lines.push(evidenceLong(p.evidence, p.gapTypes, p.score, ctx.result.period), '');
  lines.push(`${scoreBreakdown(p.score, p.components, p.contributions, ctx.settings.weights)}.`, '');
  if (p.supplyMark) {
    const skus = p.supplyMark.skusOut.map((x) => `${cell(x.sku)} (${x.periods.join(', ')})`).join('; ');
    lines.push(
      `**Possibly supply-caused:** store ${cell(p.supplyMark.storeId)} had ${formatPct(p.supplyMark.recentStockoutShare)} of its SKUs out in the recent window ` +
        `(baseline ${formatPct(p.supplyMark.baselineStockoutShare)}); out: ${skus}.`,
      '',
    );
  }
  lines.push(`**Recommendation:** ${singleLine(p.recommendation)}`);
  const spark = sparklineLine(ctx, ctx.byId.get(p.customerId));
  if (spark) lines.push('', spark);
  return lines.join('\n');
}

/** "Last 12 weeks: `▅▅▅▁` ($500.00 → $0.00)", over the lookback window. */
function sparklineLine(ctx: Ctx, customer: CustomerAnalysis | undefined): string | null {
  if (!customer || customer.series.length === 0) return null;
  const values = customer.series.slice(-ctx.settings.lookback);
  const first = values[0] ?? 0;
  const last = values[values.length - 1] ?? 0;
  return (
    `Last ${plural(values.length, periodNoun(ctx.result.period))}: \`${renderSparkline(values)}\` ` +
    `(${ctx.money(first)} → ${ctx.money(last)})`
  );
}

function moreLine(shown: number, total: number, what: string): string {
  return `…and ${formatCount(total - shown)} more ${what}; the JSON output (\`--format json\`) lists them all.`;
}

function churnRisk(ctx: Ctx, heading: string): string {
  const list = ctx.result.churnRisk;
  const streakRule = `${ctx.settings.churnZeroStreak}+ ${periodNoun(ctx.result.period, 2)} in a row with no sales`;
  if (list.length === 0) return [`## ${heading}`, '', `No customer has ${streakRule}.`].join('\n');
  const shown = list.slice(0, ctx.listLimit);
  const rows = shown.map((c) => [
    markdownCustomer(c.customerName, c.customerId),
    formatCount(c.zeroStreak),
    `${ctx.money(c.baselineCents)}${perPeriod(ctx.result.period)}`,
    ctx.money(c.atRiskCents),
    c.lastSalePeriod === null ? 'never' : ctx.period(c.lastSalePeriod),
    formatPct(c.churnRisk),
    c.accountManager ? cell(c.accountManager) : '—',
  ]);
  const parts = [
    `## ${heading}`,
    '',
    `${plural(list.length, 'customer')} with ${streakRule}. At risk = usual revenue × ${ctx.settings.recentWindow} ${periodNoun(ctx.result.period, 2)}.`,
    '',
    markdownTable(
      [
        'Customer',
        `Zero ${periodNoun(ctx.result.period, 2)}`,
        'Usual',
        'At risk',
        'Last sale',
        'Churn risk',
        'Owner',
      ],
      ['l', 'r', 'r', 'r', 'l', 'r', 'l'],
      rows,
    ),
  ];
  if (list.length > shown.length) parts.push('', moreLine(shown.length, list.length, 'churn-risk customers'));
  return parts.join('\n');
}

function gapAnalysis(ctx: Ctx, heading: string): string {
  const rows = GAP_TYPES.map((t) => {
    const g = ctx.result.gapsByType[t];
    return [GAP_TYPE_LABELS[t], formatCount(g.count), ctx.money(g.amountCents), formatPct(g.share)];
  });
  const note = ctx.seed
    ? 'Share = the type’s amount over the total gap.'
    : // core's share is of the summed type amounts (docs/analysis-formulas.md, Summaries), not of the total gap.
      'Share = the type’s amount over the sum of all four types’ amounts (the shares add up to 100%). ' +
      'Types overlap (a customer can have several), so the type amounts add up to more than the total gap, ' +
      'which counts each customer once, at its largest gap.';
  return [
    `## ${heading}`,
    '',
    markdownTable(['Gap type', 'Count', 'Amount', 'Share'], ['l', 'r', 'r', 'r'], rows),
    '',
    note,
  ].join('\n');
}

function strategicRecommendations(ctx: Ctx, heading: string): string {
  const recs = ctx.result.recommendations;
  const body =
    recs.length === 0
      ? ['No gaps, so nothing to recommend this time.']
      : recs.map((r) => `- ${singleLine(r)}`);
  return [`## ${heading}`, '', ...body].join('\n');
}

function compactList(
  ctx: Ctx,
  customers: CustomerAnalysis[],
  describe: (c: CustomerAnalysis) => string,
): string {
  if (customers.length === 0) return 'None.';
  const shown = customers.slice(0, ctx.listLimit).map((c) => {
    const extra = describe(c);
    return markdownCustomer(c.name, c.customerId) + (extra ? ` ${extra}` : '');
  });
  const text = `${shown.join('; ')}.`;
  return customers.length > shown.length
    ? `${text} ${moreLine(shown.length, customers.length, 'customers')}`
    : text;
}

/**
 * The cadence-aware rules also hold back a customer with fewer than MIN_SALES_TO_JUDGE periods with a
 * sale (its rhythm is unknown): the labels say so, so the count is not read as history alone.
 */
function fewSalesClause(ctx: Ctx, form: 'short' | 'long' = 'short'): string {
  if (ctx.seed || ctx.settings.cadenceAware !== true) return '';
  const spec = ctx.result.period;
  return form === 'short'
    ? `, or < ${MIN_SALES_TO_JUDGE} ${periodNoun(spec, 2)} with a sale`
    : `, or fewer than ${MIN_SALES_TO_JUDGE} ${periodNoun(spec, 2)} with a sale (how often it buys is not known yet)`;
}

function notScored(ctx: Ctx): string {
  const spec = ctx.result.period;
  // One pass over the customers for the three lists.
  const tooNew: CustomerAnalysis[] = [];
  const lapsed: CustomerAnalysis[] = [];
  const noSales: CustomerAnalysis[] = [];
  for (const c of ctx.result.customers) {
    if (c.status === 'too_new') tooNew.push(c);
    else if (c.status === 'lapsed') lapsed.push(c);
    else if (c.status === 'no_sales') noSales.push(c);
  }
  return [
    '## Customers not scored',
    '',
    `**Too new to judge (${formatCount(tooNew.length)})**: fewer than ${plural(ctx.settings.minHistory, periodNoun(spec))} of history${fewSalesClause(ctx, 'long')}.`,
    '',
    compactList(ctx, tooNew, (c) => (c.metrics ? `— ${plural(c.metrics.history, periodNoun(spec))}` : '')),
    '',
    `**Lapsed (${formatCount(lapsed.length)})**: no sale in the last ${plural(ctx.settings.lookback, periodNoun(spec))}; already gone, not a gap to chase.`,
    '',
    compactList(ctx, lapsed, (c) =>
      c.metrics?.lastSalePeriod != null ? `— last sale ${ctx.period(c.metrics.lastSalePeriod)}` : '',
    ),
    '',
    `**No sales on record (${formatCount(noSales.length)})**: no sale (a positive amount) up to the as-of ${periodNoun(spec)}: in the customers file without sales rows, or with only refunds (or only rows after the as-of ${periodNoun(spec)}).`,
    '',
    compactList(ctx, noSales, () => ''),
  ].join('\n');
}

function dataQuality(ctx: Ctx): string {
  const dq = ctx.result.dataQuality;
  const spec = ctx.result.period;
  const lines = [
    '## Data quality',
    '',
    `- Source: ${cell(dq.source)}`,
    `- Rows read: ${formatCount(dq.rowsRead)}; accepted ${formatCount(dq.rowsAccepted)}; rejected ${formatCount(dq.rowsRejected)}.`,
  ];
  const codes = Object.entries(dq.rejectedByCode).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (codes.length > 0) {
    lines.push(
      `- Rejected by reason: ${codes.map(([code, n]) => `${cell(code)} ${formatCount(n)}`).join(', ')}.`,
    );
  }
  lines.push(
    dq.duplicateRows === 0
      ? '- Duplicates: none.'
      : `- Duplicates: ${plural(dq.duplicateRows, 'exact duplicate row')} (every field equal), ${dq.duplicatesDropped ? `dropped${duplicateLinesText(dq)}` : 'kept (counted as sales)'}.`,
  );
  // The reader's notes name columns of the file: user data, escaped.
  for (const note of dq.notes ?? [])
    lines.push(`- Warning: ${cell(note.charAt(0).toUpperCase() + note.slice(1))}`);
  const setAside = describeSetAsideRows(ctx.result);
  if (setAside) lines.push(`- Warning: ${cell(setAside.charAt(0).toUpperCase() + setAside.slice(1))}`);
  const tooShort = describeTooShortHistory(ctx.result, ctx.settings.minHistory);
  if (tooShort) lines.push(`- Warning: ${tooShort.charAt(0).toUpperCase()}${tooShort.slice(1)}`);
  const currencies = describeCurrencies(dq, ctx.settings.currency);
  if (currencies) lines.push(`- Warning: ${currencies.charAt(0).toUpperCase()}${currencies.slice(1)}`);
  const afterData = describeAsOfAfterData(ctx.result);
  if (afterData) lines.push(`- Warning: ${afterData.charAt(0).toUpperCase()}${afterData.slice(1)}`);
  if (dq.rowsAfterAsOf) {
    lines.push(
      `- Rows dated after the as-of ${periodNoun(spec)}: ${formatCount(dq.rowsAfterAsOf)} (ignored).`,
    );
  }
  const partial = ctx.result.partialPeriod;
  if (partial) {
    lines.push(
      `- Partial period: ${periodInText(partial.period, spec)} (${isoFromDay(partial.startDay)} to ` +
        `${isoFromDay(partial.endDay)}, ${plural(partial.rows, 'row')}) is not complete and was left out.`,
    );
  }
  if (ctx.result.periodStamped) {
    // Core read each row as a whole period's total (every row dated on its period's first day).
    const unit = periodNoun(spec);
    lines.push(
      `- Rows are dated on the first day of each ${unit}: each row is treated as that ${unit}’s total, ` +
        `so the latest ${unit} (${ctx.period(ctx.result.asOf.period)}) is complete and included.`,
    );
  }
  for (const hint of ctx.result.hints ?? []) lines.push(`- Hint: ${cell(hint)}`);
  if (dq.customers) {
    const c = dq.customers;
    lines.push(
      `- Customers file ${cell(c.source)}: ${formatCount(c.rowsRead)} rows read, ${formatCount(c.rowsRejected)} rejected.`,
    );
  }
  const beforeData = describeAsOfBeforeData(ctx.result);
  if (beforeData) lines.push(`- Warning: ${beforeData.charAt(0).toUpperCase()}${beforeData.slice(1)}`);
  const noSales = describeNoSales(ctx.result);
  if (noSales) lines.push(`- Warning: ${noSales.charAt(0).toUpperCase()}${noSales.slice(1)}`);
  const oneCustomer = describeOneCustomer(ctx.result);
  if (oneCustomer)
    lines.push(`- Warning: ${cell(oneCustomer.charAt(0).toUpperCase() + oneCustomer.slice(1))}`);
  const unmatched = describeUnmatchedCustomersFile(ctx.result);
  if (unmatched) lines.push(`- Warning: ${cell(unmatched.charAt(0).toUpperCase() + unmatched.slice(1))}`);
  if (ctx.result.suggestMonthly && !afterData) {
    lines.push(
      `- Most customer-weeks have no sales: the data looks too sparse for weekly analysis; consider \`--period month\`.`,
    );
  }
  const problems = [...dq.problems, ...(dq.customers?.problems ?? [])];
  const shown = problems.slice(0, ctx.settings.maxProblemsListed);
  if (shown.length > 0) {
    lines.push(
      '',
      `First ${plural(shown.length, 'problem')}:`,
      '',
      markdownTable(
        ['File', 'Line', 'Column', 'Reason'],
        ['l', 'r', 'l', 'l'],
        shown.map((p) => [cell(p.file), String(p.line), p.column ? cell(p.column) : '—', cell(p.reason)]),
      ),
    );
  }
  const totalRejected = dq.rowsRejected + (dq.customers?.rowsRejected ?? 0);
  if (totalRejected > shown.length) {
    lines.push(
      '',
      `${formatCount(totalRejected - shown.length)} more rejected rows are counted above but not listed.`,
    );
  }
  return lines.join('\n');
}

function method(ctx: Ctx, holdout?: MarkdownReportOptions['holdout']): string {
  const s = ctx.settings;
  const spec = ctx.result.period;
  const unit = periodNoun(spec);
  const units = periodNoun(spec, 2);
  const w = s.weights;
  const periodLine =
    spec.kind === 'week' ? `weekly, weeks start on ${weekStartName(s)}` : 'monthly (calendar months)';
  return [
    '## Method',
    '',
    `- Rules: ${ctx.result.rules}${ctx.seed ? ' (the original system’s rules)' : ''}.`,
    `- Period: ${periodLine}; as of the last complete ${unit}, ${asOfLabel(ctx)}.`,
    `- Lookback L = ${s.lookback} ${units}; recent window R = ${s.recentWindow} ${units}; at least ${s.minHistory} ${units} of history to be judged.`,
    `- Baseline = mean revenue over the ${s.lookback - s.recentWindow} ${units} before the recent window; recent = mean over the last ${s.recentWindow}.`,
    `- Thresholds: declining revenue when the trend is ${formatPct(s.decliningTrendPct, 1)} a ${unit} or worse and recent < baseline; ` +
      `below baseline when recent < ${formatPct(s.belowBaselineRatio)} of baseline; zero spend on a zero ${unit} in the recent window; ` +
      `churn risk at ${s.churnZeroStreak} zero ${units} in a row.`,
    `- Score = 100 × (${formatPct(w.revenueImpact)} revenue impact + ${formatPct(w.churnRisk)} churn risk + ` +
      `${formatPct(w.customerValue)} customer value + ${formatPct(w.recoveryProbability)} recovery probability).`,
    `- Recovery potential = gap × recovery probability. Top N = ${s.topN}.`,
    `- Currency: ${cell(s.currency)}; bad rows: ${s.badRows}; duplicates: ${s.dropDuplicates ? 'dropped' : 'kept'}.`,
    ...(holdout
      ? [
          `- Holdout: ${formatPct(holdout.percent / 100)} of the customers newly in the top N are held back from account managers to measure what follow-ups cause; ` +
            `${plural(holdout.heldOutNow, 'customer is', 'customers are')} held out now and left out of this report's lists (admins: \`revgap results --format json\`).`,
        ]
      : []),
    ...(ctx.result.supply
      ? [
          `- Supply-side causes (${cell(ctx.result.supply.source)}): ${plural(ctx.result.supply.marked, 'gap', 'gaps')} marked possibly supply-caused, ` +
            `of ${plural(ctx.result.supply.gapsWithStock, 'customer', 'customers')} with a gap whose store has stock rows ` +
            `(${ctx.result.supply.gapsWithStore} with a known store); ${ctx.result.supply.rule}. A marked gap's recommendation is to fix availability first.`,
        ]
      : []),
  ].join('\n');
}
