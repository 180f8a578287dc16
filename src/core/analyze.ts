/**
 * The revgap rules end to end: as-of period, per-customer metrics, gaps, scores, ranking, and the
 * summaries the report and Slack show (analysis spec sections 2-6). Pure: the as-of date comes in
 * through the settings, never from a clock.
 */
import { ConfigError, InputError } from '../errors.ts';
import { type BgnbdFit, bgnbdData, expectedSalesPeriods, fitBgnbd, probabilityAlive } from './bgnbd.ts';
import { NO_GAPS, NO_SERIES } from './compact-series.ts';
import { type AliveFacts, detectGapsInContext, GAP_URGENCY, largestGapCents } from './detect-gaps.ts';
import { LATEST_ROWS_KEPT, SERIES_PERIODS } from './ledger.ts';
import { type CustomerFacts, computeCustomerFacts, metricsSettingsOf } from './metrics.ts';
import { formatMoney } from './money.ts';
import {
  formatPeriod,
  isoFromDay,
  parseIsoDay,
  periodEndDay,
  periodInText,
  periodOfDay,
  periodStartDay,
  periodWord,
  toPeriodSpec,
  WEEK_DAY_NAMES,
} from './periods.ts';
import { comparePriority } from './rank.ts';
import { componentSettingsOf, scoreComponents, weighScore } from './score.ts';
import { type AnalysisSettings, TOP_ALL } from './settings.ts';
import { COLLECT, CUSTOMERS_PER_STEP, drainSteps, type Steps, sortSteps } from './steps.ts';
import {
  type AnalysisResult,
  type ChurnRiskEntry,
  type CustomerAnalysis,
  type CustomerInfo,
  type CustomerLedger,
  type DataQuality,
  GAP_TYPES,
  type GapType,
  type GapTypeSummary,
  type LatestRow,
  type NetCents,
  type PeriodSpec,
  type Priority,
  type SalesLedger,
} from './types.ts';

/** What the analysis reads: the folded sales, optional customer master data, and how the read went. */
export interface AnalysisInput {
  ledger: SalesLedger;
  customers: CustomerInfo[];
  /**
   * The same customers by id (unique ids, the list's order), when the source made it while reading
   * (LoadedCustomers.byId): the analysis takes it over (it empties it) instead of building its own
   * from the list, and notes the listed customers without sales rows (`unlistedSalesNote`) from
   * what it leaves. Absent, or not the list's size (emptied by an analysis before): built from
   * `customers`.
   */
  customersById?: Map<string, CustomerInfo> | undefined;
  dataQuality: DataQuality;
}

/**
 * A note when some, but not all, customers of the customers file have no sales rows at all ("120 of
 * 200 customers in customers.csv have no sales rows"). None matching is `describeUnmatchedCustomersFile`'s
 * warning (render/format.ts); all matching needs no word.
 */
export function unlistedSalesNote(missing: number, listed: number, source: string): string | null {
  if (missing === 0 || missing === listed) return null;
  const n = missing.toLocaleString('en-US');
  return (
    `${n} of ${listed.toLocaleString('en-US')} customers in ${source} ${missing === 1 ? 'has' : 'have'} no sales rows ` +
    '(listed as no sales on record); if more of them should have sales, check that both files use the same customer ids.'
  );
}

/** Periods of series kept per customer for sparklines and deep dives (defined next to the ledger, which pads to it). */
export { SERIES_PERIODS };

export interface AsOfChoice {
  asOf: AnalysisResult['asOf'];
  partialPeriod: AnalysisResult['partialPeriod'];
  rowsAfterAsOf: number;
  /** The default as-of date fell on period-stamped data, so the latest row's period was kept. */
  periodStamped: boolean;
  /** Far-future rows set aside by the default as-of choice (`farFutureRows`), latest first. */
  setAside: LatestRow[];
}

/** Periods with no rows at all (weeks, months) that make the rows after them "far beyond the rest". */
export const FAR_GAP_PERIODS = { week: 26, month: 6 } as const;

/** At most this many rows (and at most 1% of them, at least 3, never more than a quarter) are set aside. */
export function farRowsAllowed(rows: number): number {
  return Math.min(LATEST_ROWS_KEPT - 1, Math.max(3, Math.floor(rows / 100)), Math.floor(rows / 4));
}

/**
 * The rows "far beyond the rest": the latest rows, when they are a handful (`farRowsAllowed`) and
 * at least `FAR_GAP_PERIODS` periods with no rows at all separate them from the others. A mistyped
 * year (2062 for 2026) is the usual cause; taking the as-of date from such a row would make every
 * customer look lapsed. Returns them (latest first) and the latest day of the rest, or null when
 * there are none (or the ledger lacks the counts to tell).
 */
export function farFutureRows(ledger: SalesLedger): { rows: LatestRow[]; lastDay: number } | null {
  const latest = ledger.latestRows;
  const byPeriod = ledger.rowsByPeriod;
  if (!latest || !byPeriod || latest.length === 0) return null;
  const allowed = farRowsAllowed(ledger.rows);
  const gap = FAR_GAP_PERIODS[ledger.period.kind];
  const counts = byPeriod.counts;
  let tail = 0;
  let setAside = 0;
  let i = counts.length - 1;
  while (i >= 0 && (counts[i] ?? 0) === 0) i--;
  while (i >= 0) {
    tail += counts[i] ?? 0;
    if (tail > allowed) break;
    let j = i - 1;
    while (j >= 0 && (counts[j] ?? 0) === 0) j--;
    if (j < 0) break;
    if (i - j - 1 >= gap) setAside = tail;
    i = j;
  }
  if (setAside === 0 || setAside >= latest.length) return null;
  return { rows: latest.slice(0, setAside), lastDay: (latest[setAside] as LatestRow).day };
}

/**
 * Period-stamped data: every row is dated on the first day of its period, as exports of weekly
 * totals (dated on the week's start) or monthly totals (dated on the 1st) are. Such a row stands for
 * the whole period, not for sales on that one day. Rows must span at least two periods: one day of
 * rows that happens to be a Monday (or a 1st) says nothing about how the source dates its rows.
 */
export function isPeriodStamped(ledger: SalesLedger, setAside: readonly LatestRow[] = []): boolean {
  const { period: spec } = ledger;
  let { rows, rowsOnPeriodStart, maxDay } = ledger;
  const { minDay } = ledger;
  if (setAside.length > 0 && rowsOnPeriodStart !== undefined) {
    // Rows set aside by the as-of choice say nothing about how the rest are dated.
    rows -= setAside.length;
    for (const r of setAside)
      if (r.day === periodStartDay(periodOfDay(r.day, spec), spec)) rowsOnPeriodStart--;
    maxDay = farFutureRows(ledger)?.lastDay ?? maxDay;
  }
  return (
    rows > 0 &&
    rowsOnPeriodStart === rows &&
    minDay !== null &&
    maxDay !== null &&
    periodOfDay(minDay, spec) < periodOfDay(maxDay, spec)
  );
}

/**
 * Stops the run when, with no as-of date given, the default as-of date would land far after the
 * run's `today` (ISO date; the caller's clock, core stays pure): rows dated at least
 * `FAR_GAP_PERIODS` periods after today's period that `farFutureRows` did not set aside (more than
 * the handful it allows). Sales cannot be dated half a year ahead; analysing as of such a date
 * would make every other customer look lapsed. Rows a little ahead (invoices dated next month)
 * and an as-of date given explicitly are left alone.
 * @throws InputError naming how many rows, the first few with line and date, and the fixes.
 */
export function checkFarFutureRows(
  ledger: SalesLedger,
  asOfIso: string | undefined,
  today: string,
  source: string,
): void {
  const todayDay = parseIsoDay(today);
  if (asOfIso !== undefined || todayDay === null) return;
  const spec = ledger.period;
  const threshold = periodOfDay(todayDay, spec) + FAR_GAP_PERIODS[spec.kind];
  const far = rowsIn(ledger, threshold, Number.POSITIVE_INFINITY);
  const remaining = far - (farFutureRows(ledger)?.rows.length ?? 0);
  if (remaining <= 0) return;
  const fromDay = periodStartDay(threshold, spec);
  const named = (ledger.latestRows ?? []).filter((r) => r.day >= fromDay).slice(0, 5);
  const shown = named
    .map(
      (r) =>
        `${r.line !== undefined ? `line ${r.line}: ` : ''}${isoFromDay(r.day)}, customer ${JSON.stringify(r.customerId)}`,
    )
    .join('; ');
  const count = far.toLocaleString('en-US');
  throw new InputError(
    `${count} ${far === 1 ? 'row' : 'rows'} of ${source} ${far === 1 ? 'is' : 'are'} dated on or after ${isoFromDay(fromDay)}, ` +
      `${FAR_GAP_PERIODS[spec.kind]} ${spec.kind}s or more after today (${today})${shown ? ` (${shown}${far > named.length ? '; ...' : ''})` : ''}. ` +
      'The as-of date would follow them and every other customer would look lapsed, so nothing was analysed.',
    {
      hint:
        'Correct those dates in the data (a mistyped year?), or pass --as-of YYYY-MM-DD (the last day to analyse; ' +
        'rows after it are ignored and counted).',
    },
  );
}

function rowsIn(ledger: SalesLedger, from: number, to: number): number {
  const rows = ledger.rowsByPeriod;
  if (!rows) return 0;
  let total = 0;
  const lo = Math.max(from, rows.startPeriod);
  const hi = Math.min(to, rows.startPeriod + rows.counts.length - 1);
  for (let p = lo; p <= hi; p++) total += rows.counts[p - rows.startPeriod] ?? 0;
  return total;
}

/**
 * The as-of period: the last complete period on or before the as-of date (default: the latest day
 * with a row). The period containing the date is complete only when the date is its last day;
 * otherwise it is left out and, when it holds rows, reported as `partialPeriod`. Rows in periods
 * after that one are counted as `rowsAfterAsOf` (so the two counts never overlap).
 * Exception: with no as-of date given and period-stamped data (`isPeriodStamped`), the latest row
 * is a whole period's total, so the period containing it is complete.
 */
export function chooseAsOf(ledger: SalesLedger, asOfIso: string | undefined): AsOfChoice {
  const spec = ledger.period;
  const far = asOfIso === undefined ? farFutureRows(ledger) : null;
  const lastDay = far ? far.lastDay : ledger.maxDay;
  const asOfDay = asOfIso === undefined ? lastDay : parseIsoDay(asOfIso);
  if (asOfIso !== undefined && asOfDay === null) {
    throw new ConfigError([`asOf: "${asOfIso}" is not a calendar date (use YYYY-MM-DD)`]);
  }
  if (asOfDay === null) {
    throw new InputError('There are no sales rows to analyse.', {
      hint: 'Check that the sales source has data rows, or pass an as-of date.',
    });
  }
  const containing = periodOfDay(asOfDay, spec);
  const periodStamped = asOfIso === undefined && isPeriodStamped(ledger, far ? far.rows : []);
  const complete = periodStamped || asOfDay === periodEndDay(containing, spec);
  const period = complete ? containing : containing - 1;
  const asOf = { period, startDay: periodStartDay(period, spec), endDay: periodEndDay(period, spec) };
  let partialPeriod: AnalysisResult['partialPeriod'] = null;
  if (!complete && lastDay !== null && lastDay >= periodStartDay(containing, spec)) {
    partialPeriod = {
      period: containing,
      startDay: periodStartDay(containing, spec),
      endDay: periodEndDay(containing, spec),
      rows: rowsIn(ledger, containing, containing),
    };
  }
  return {
    asOf,
    partialPeriod,
    rowsAfterAsOf: rowsIn(ledger, containing + 1, Number.POSITIVE_INFINITY) - (far ? far.rows.length : 0),
    periodStamped,
    setAside: far ? far.rows : [],
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Hints about how the rows are dated, for the report and the CLI:
 * - weekly analysis where every row falls on one weekday that is not the week start (weekly totals
 *   dated on, say, Saturdays, cut into Monday weeks): each row lands mid-week, so the latest week
 *   looks partial and is dropped. Needs rows on at least two dates. Not when that weekday is the
 *   week's last day: totals dated on the week's end already fall one per week, and the latest week
 *   is complete.
 * - period-stamped data with an explicit as-of date that leaves the latest row's period out.
 */
function buildHints(ledger: SalesLedger, choice: AsOfChoice, settings: AnalysisSettings): string[] {
  const spec = ledger.period;
  const hints: string[] = [];
  const weekdays = ledger.weekdayRows;
  if (
    spec.kind === 'week' &&
    weekdays !== undefined &&
    ledger.rows > 0 &&
    ledger.minDay !== null &&
    ledger.maxDay !== null &&
    ledger.minDay < ledger.maxDay
  ) {
    const only = weekdays.indexOf(ledger.rows);
    const lastWeekday = (spec.weekStartsOn + 6) % 7;
    if (only >= 0 && only !== spec.weekStartsOn && only !== lastWeekday) {
      const name = WEEK_DAY_NAMES[only] ?? 'sunday';
      hints.push(
        `Every row is dated on a ${capitalise(name)}: this looks like weekly totals stamped at the week's start. ` +
          `Run with --week-start ${name} (or set weekStartsOn: ${name}) so each row is its own week.`,
      );
    }
  }
  if (settings.asOf !== undefined && choice.partialPeriod !== null && isPeriodStamped(ledger)) {
    const word = periodWord(spec);
    hints.push(
      `Every row is dated on the first day of its ${word}, but the as-of date ${settings.asOf} is not the last day ` +
        `of its ${word} (${formatPeriod(choice.partialPeriod.period, spec)}), so that ${word} was left out; ` +
        `pass --as-of ${isoFromDay(choice.partialPeriod.endDay)} (or no as-of date) to include it.`,
    );
  }
  return hints;
}

/** "1 customer", "1,234 customers": the count with the word that fits it. */
export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/**
 * A customer before any facts are known: `no_sales`, no series, metrics, gaps, score or rank. The
 * identity (name, and segment / account manager where known) follows `customerId`, in that order.
 * Both rule sets start every customer from it.
 */
export function noSalesAnalysis(
  customerId: string,
  identity: Pick<CustomerAnalysis, 'name' | 'segment' | 'accountManager'>,
  seriesStartPeriod: number,
): CustomerAnalysis {
  // One literal with every field (no spread): V8 then keeps all of them in the object itself. A
  // spread put the fields after it in a separate property array (~40 MB per 1,000,000 customers).
  // A segment or account manager not known stays undefined, which JSON leaves out as before.
  return {
    customerId,
    name: identity.name,
    segment: identity.segment,
    accountManager: identity.accountManager,
    status: 'no_sales',
    series: [],
    seriesStartPeriod,
    metrics: null,
    gaps: [],
    gapAmountCents: 0,
    score: null,
    components: null,
    contributions: null,
    recoveryPotentialCents: 0,
    rank: null,
    recommendation: null,
  };
}

/**
 * Count, amount and share of the summed amounts per gap type, the counts alone, the summed amount
 * and how many gaps there are. Both rule sets summarise their gaps with it.
 */
export function summariseGapTypes(gaps: Iterable<{ type: GapType; amountCents: number }>): {
  byType: Record<GapType, GapTypeSummary>;
  counts: Record<GapType, number>;
  totalCents: number;
  gapCount: number;
} {
  const byType = {} as Record<GapType, GapTypeSummary>;
  const counts = {} as Record<GapType, number>;
  for (const t of GAP_TYPES) {
    byType[t] = { count: 0, amountCents: 0, share: 0 };
    counts[t] = 0;
  }
  let totalCents = 0;
  let gapCount = 0;
  for (const { type, amountCents } of gaps) {
    byType[type].count++;
    byType[type].amountCents += amountCents;
    counts[type]++;
    totalCents += amountCents;
    gapCount++;
  }
  for (const t of GAP_TYPES) byType[t].share = totalCents > 0 ? byType[t].amountCents / totalCents : 0;
  return { byType, counts, totalCents, gapCount };
}

/**
 * The priority line of a scored customer (revgap rules: one per customer), or null for a customer
 * without a rank, score or components. Segment and account manager come last, where known.
 */
export function priorityOfCustomer(analysis: CustomerAnalysis): Priority | null {
  if (analysis.rank === null || analysis.score === null || !analysis.components || !analysis.contributions)
    return null;
  const priority: Priority = {
    rank: analysis.rank,
    customerId: analysis.customerId,
    customerName: analysis.name,
    gapTypes: analysis.gaps.map((g) => g.type),
    gapAmountCents: analysis.gapAmountCents,
    recoveryPotentialCents: analysis.recoveryPotentialCents,
    score: analysis.score,
    components: analysis.components,
    contributions: analysis.contributions,
    rationale: analysis.gaps.map((g) => g.rationale),
    recommendation: analysis.recommendation ?? '',
  };
  if (analysis.segment) priority.segment = analysis.segment;
  if (analysis.accountManager) priority.accountManager = analysis.accountManager;
  if (analysis.cadence !== undefined) priority.cadence = analysis.cadence;
  if (analysis.pAlive !== undefined) priority.pAlive = analysis.pAlive;
  const firedBy = analysis.gaps.find((g) => g.type === 'churn_risk')?.firedBy;
  if (firedBy) priority.churnFiredBy = [...firedBy];
  return priority;
}

/**
 * The analysis' priorities followed by every other scored customer in rank order, lazily: a digest
 * that skips snoozed gaps reads only as far as it needs. (Seed rules list one row per gap; their
 * customers are not repeated.)
 */
export function* rankedPriorities(result: {
  priorities: readonly Priority[];
  customers: readonly CustomerAnalysis[];
}): Generator<Priority> {
  const seen = new Set<string>();
  let lastRank = 0;
  for (const p of result.priorities) {
    seen.add(p.customerId);
    lastRank = Math.max(lastRank, p.rank);
    yield p;
  }
  // `customers` holds the ranked ones first, in rank order.
  for (const customer of result.customers) {
    if (customer.rank === null) break;
    if (customer.rank <= lastRank || seen.has(customer.customerId)) continue;
    const priority = priorityOfCustomer(customer);
    if (priority) yield priority;
  }
}

/** The customer's series up to the as-of period, at most the last `SERIES_PERIODS` periods. */
function seriesOf(
  ledger: CustomerLedger,
  first: number,
  asOfPeriod: number,
): { start: number; series: NetCents } {
  const start = Math.max(first, asOfPeriod - SERIES_PERIODS + 1);
  const end = ledger.startPeriod + ledger.net.length - 1;
  // The common case (no rows after the as-of period, history within 52 periods) shares the array.
  if (start === ledger.startPeriod && end === asOfPeriod) return { start, series: ledger.net };
  if (end >= asOfPeriod)
    return {
      start,
      // A compact net is read through a view of the same cells (a copy would be a buffer of its own).
      series:
        ledger.net instanceof Int32Array
          ? ledger.net.subarray(start - ledger.startPeriod, asOfPeriod - ledger.startPeriod + 1)
          : ledger.net.slice(start - ledger.startPeriod, asOfPeriod - ledger.startPeriod + 1),
    };
  // Rows stop before the as-of period: pad with zeros (all zeros for a long-lapsed customer), in an
  // array of the exact size (pushing onto a slice grows its capacity by half again).
  const series = new Array<number>(asOfPeriod - start + 1);
  for (let p = start; p <= asOfPeriod; p++) {
    series[p - start] = p <= end ? (ledger.net[p - ledger.startPeriod] as number) : 0;
  }
  return { start, series };
}

/** Strategic lines from the gap mix, most urgent type first, then the groups that need other handling. */
function buildRecommendations(
  result: Pick<AnalysisResult, 'gapsByType' | 'summary' | 'suggestMonthly' | 'asOf'>,
  scored: CustomerAnalysis[],
  settings: AnalysisSettings,
  spec: PeriodSpec,
): string[] {
  const money = (cents: number) => formatMoney(cents, settings.currency, { compact: true });
  const r = settings.recentWindow;
  const lastR = `the last ${plural(r, periodWord(spec), periodWord(spec, r))}`;
  const lines: string[] = [];
  // Most urgent first (stopped buying before buying less), as in each customer's rationale.
  for (const type of GAP_URGENCY) {
    if (result.gapsByType[type].count === 0) continue;
    const { count, amountCents } = result.gapsByType[type];
    const who = plural(count, 'customer', 'customers');
    const verb = count === 1 ? 'has' : 'have';
    const play = settings.recommendations[type];
    if (type === 'churn_risk') {
      lines.push(
        `${who} ${verb} stopped buying (no revenue for ${settings.churnZeroStreak}+ ${periodWord(spec, 2)} in a row; ${money(amountCents)} at stake over ${lastR}). ${play}`,
      );
    } else if (type === 'zero_spend') {
      lines.push(
        `${who} skipped orders in ${lastR} (${money(amountCents)} of usual revenue missed). ${play}`,
      );
    } else if (type === 'declining_revenue') {
      lines.push(
        `${who} ${count === 1 ? 'is' : 'are'} trending down (${money(amountCents)} below their usual over ${lastR}). ${play}`,
      );
    } else {
      lines.push(
        `${who} bought less than ${Math.round(settings.belowBaselineRatio * 100)}% of their usual over ${lastR} (${money(amountCents)} short). ${play}`,
      );
    }
  }
  const { summary } = result;
  if (scored.length > settings.topN && summary.totalGapCents > 0) {
    let top = 0;
    for (let i = 0; i < settings.topN; i++) top += scored[i]?.gapAmountCents ?? 0;
    const share = top / summary.totalGapCents;
    const held = `${share < 0.01 ? 'less than 1%' : `${Math.round(share * 100)}%`} of the total gap (${money(top)} of ${money(summary.totalGapCents)})`;
    lines.push(
      share >= 0.25
        ? `The top ${settings.topN} priorities hold ${held}: start there.`
        : `The gap is spread widely: the top ${settings.topN} priorities hold ${held}; look for a common cause (pricing, a product, the season) as well as calling accounts.`,
    );
  }
  if (summary.customersLapsed > 0) {
    lines.push(
      `${plural(summary.customersLapsed, 'customer has', 'customers have')} lapsed (no sale in the last ${plural(settings.lookback, periodWord(spec), periodWord(spec, 2))}): a win-back campaign suits them better than account-manager time.`,
    );
  }
  if (summary.customersTooNew > 0) {
    lines.push(
      `${plural(summary.customersTooNew, 'customer is', 'customers are')} too new to judge (under ${plural(settings.minHistory, periodWord(spec), periodWord(spec, 2))} of history); they are scored once they have ${settings.minHistory}.`,
    );
  }
  if (result.suggestMonthly) {
    lines.push(
      'Most customer-weeks have no revenue: monthly periods (--period month) give steadier baselines for a business this sparse.',
    );
  }
  if (summary.gapsDetected === 0) {
    lines.unshift(
      `No revenue gaps among the ${plural(summary.customersAnalyzed, 'customer', 'customers')} analysed as of the end of ${periodInText(result.asOf.period, spec)}.`,
    );
  }
  return lines;
}

/** Runs the revgap rules over a ledger. Throws `InputError` when there is nothing to analyse. */
export function analyze(input: AnalysisInput, settings: AnalysisSettings): AnalysisResult {
  return drainSteps(analyzeSteps(input, settings));
}

/**
 * `analyze` as a generator that pauses every `CUSTOMERS_PER_STEP` customers (src/core/steps.ts),
 * for a caller that keeps an event loop answering meanwhile.
 */
export function analyzeSteps(input: AnalysisInput, settings: AnalysisSettings): Steps<AnalysisResult> {
  // Not a generator itself: it hands the parts on and keeps no reference to `input`, so that the
  // customers list can be let go once read (see analyzeParts), if the caller lets go of it too.
  return analyzeParts(
    input.ledger,
    { list: input.customers, byId: input.customersById ?? null },
    input.dataQuality,
    settings,
  );
}

/**
 * The analysis, its input in parts. `listed.list`, the customers list, is read into a map at the
 * start, then dropped (set to null), and the map is emptied once every customer has its analysis:
 * a caller that let go of the list too (runAnalysis) frees its objects (~90 MB at 1,000,000
 * customers) before the end of the run, where its memory peaks.
 */
function* analyzeParts(
  ledger: SalesLedger,
  listed: { list: CustomerInfo[] | null; byId: Map<string, CustomerInfo> | null },
  inputQuality: DataQuality,
  settings: AnalysisSettings,
): Steps<AnalysisResult> {
  if (settings.rules !== 'revgap') {
    throw new Error(`analyze() runs the revgap rules; rules "${settings.rules}" go to their own entry point`);
  }
  const spec = ledger.period;
  const wanted = toPeriodSpec(settings);
  if (spec.kind !== wanted.kind || (spec.kind === 'week' && spec.weekStartsOn !== wanted.weekStartsOn)) {
    // A caller bug (the ledger must be built with toPeriodSpec(settings)), not bad input.
    throw new Error(
      `ledger was built with ${spec.kind} periods (week start ${spec.weekStartsOn}) but the settings ask for ` +
        `${wanted.kind} periods (week start ${wanted.weekStartsOn})`,
    );
  }
  const choice = chooseAsOf(ledger, settings.asOf);
  const { asOf, partialPeriod, rowsAfterAsOf } = choice;
  const A = asOf.period;
  // The customers list by id: the source's (it made it while it read the file), or made here. The
  // source's is emptied below; one already used (by an analysis of the same input before) has lost
  // its size, and the list is read again.
  const given = listed.byId !== null && listed.byId.size === (listed.list?.length ?? 0) ? listed.byId : null;
  const info = given ?? new Map<string, CustomerInfo>();
  let met = 0;
  if (given === null) {
    for (const c of listed.list ?? []) {
      if (++met % CUSTOMERS_PER_STEP === 0) yield;
      info.set(c.customerId, c);
    }
  }
  listed.list = null;
  listed.byId = null;
  const listedCount = info.size;

  const working: CustomerAnalysis[] = [];
  // churnModel bgnbd: gaps wait for the fit over every customer's facts.
  const pending: { analysis: CustomerAnalysis; facts: CustomerFacts }[] = [];
  const useModel = settings.churnModel === 'bgnbd';
  const metricsSettings = metricsSettingsOf(settings, spec.kind);
  const judge = (analysis: CustomerAnalysis, facts: CustomerFacts, alive?: AliveFacts): void => {
    const detection = detectGapsInContext(facts, settings, spec, alive);
    analysis.gaps = detection.gaps.length === 0 ? NO_GAPS : detection.gaps;
    analysis.gapAmountCents = largestGapCents(analysis.gaps);
    analysis.status = analysis.gaps.length > 0 ? 'scored' : 'no_gap';
    if ((facts.cadence ?? 1) !== 1) analysis.cadence = facts.cadence;
    if (facts.seasonal && detection.seasonalSuppressed.length > 0) {
      analysis.seasonal = {
        lastSeasonRecentCents: facts.seasonal.lastSeasonRecentCents,
        expectedCents: facts.seasonal.expectedCents,
        suppressed: detection.seasonalSuppressed,
      };
    }
  };
  const windowsOf = new Map<CustomerAnalysis, number>();
  let zeroCustomerPeriods = 0;
  let customerPeriods = 0;
  const blank = (customerId: string): CustomerAnalysis => {
    const c = info.get(customerId);
    const identity: Pick<CustomerAnalysis, 'name' | 'segment' | 'accountManager'> = {
      name: c?.name || customerId,
    };
    if (c?.segment) identity.segment = c.segment;
    if (c?.accountManager) identity.accountManager = c.accountManager;
    const analysis = noSalesAnalysis(customerId, identity, A + 1);
    // One shared, frozen empty array each instead of two new ones per customer (most keep at least
    // one of them): ~30 MB less at 1,000,000 customers. Nothing appends to a result's arrays.
    analysis.series = NO_SERIES;
    analysis.gaps = NO_GAPS;
    return analysis;
  };

  for (const [customerId, customerLedger] of ledger.customers) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    const facts = computeCustomerFacts(customerLedger, A, metricsSettings);
    const analysis = blank(customerId);
    // Seen: what stays in `info` afterwards is the customers on file without sales rows (found
    // without looking each id of the file up in the ledger).
    info.delete(customerId);
    if (facts.metrics !== null && facts.firstSalePeriod !== null) {
      const { start, series } = seriesOf(customerLedger, facts.firstSalePeriod, A);
      analysis.series = series;
      analysis.seriesStartPeriod = start;
      analysis.metrics = facts.metrics;
      zeroCustomerPeriods += facts.zeroPeriodsInHistory;
      customerPeriods += facts.metrics.history;
      const k = facts.cadenceMultiple ?? 1;
      if (k !== 1) windowsOf.set(analysis, k);
      if (useModel) pending.push({ analysis, facts });
      if (facts.standing === 'judged') {
        if (!useModel) judge(analysis, facts);
      } else {
        analysis.status = facts.standing;
      }
    } else if (customerLedger.startPeriod <= A) {
      // Refunds only, no sale: still no_sales (nothing to judge), but the net series keeps the
      // refunds visible in the deep dive.
      const { start, series } = seriesOf(customerLedger, customerLedger.startPeriod, A);
      analysis.series = series;
      analysis.seriesStartPeriod = start;
    }
    working.push(analysis);
  }
  let fit: BgnbdFit | null = null;
  const aliveOf = new Map<CustomerAnalysis, number>();
  if (useModel) {
    // BG/NBD over every customer with a sale on or before A (judged or not), in periods.
    const summary = (f: CustomerFacts) => {
      const first = f.firstSalePeriod ?? A;
      const last = f.metrics?.lastSalePeriod ?? first;
      return { x: (f.salePeriods ?? 1) - 1, tx: last - first, T: A - first };
    };
    fit = fitBgnbd(bgnbdData(pending.map((p) => summary(p.facts))));
    for (const { analysis, facts } of pending) {
      if (++met % CUSTOMERS_PER_STEP === 0) yield;
      const s = summary(facts);
      const pAlive = probabilityAlive(fit.params, s);
      analysis.pAlive = pAlive;
      analysis.expectedSalePeriods = expectedSalesPeriods(fit.params, s, settings.recentWindow);
      aliveOf.set(analysis, pAlive);
      if (facts.standing === 'judged') judge(analysis, facts, { pAlive });
    }
  }
  // Customers on file with no sales rows at all (those left in `info`, in the file's order): listed
  // as "no sales on record".
  for (const customerId of info.keys()) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    working.push(blank(customerId));
  }
  // A customers file was read (its quality is there): some of it without sales rows is noted.
  const unlistedNote =
    inputQuality.customers !== undefined
      ? unlistedSalesNote(info.size, listedCount, inputQuality.customers.source)
      : null;
  // The working maps are done with: emptied, so that they are not held (the generator's scope keeps
  // them) at the end of the run, where its memory peaks (~50 MB at 1,000,000 customers).
  info.clear();
  pending.length = 0;
  // What the per-customer pass left (its facts, the maps' spent tables, the list) is garbage now,
  // before the scores add ~170 bytes a scored customer: a caller's full collection here lowers the
  // run's peak (1,000,000 customers: ~1,480-1,540 -> ~1,400 MB).
  yield COLLECT;

  // Scores are relative to the scored customers: the largest gap and lifetime value among them are 1.
  const scored: CustomerAnalysis[] = [];
  let maxGapCents = 0;
  let largestLifetimeValueCents = 0;
  for (const analysis of working) {
    if (analysis.status !== 'scored' || analysis.metrics === null) continue;
    scored.push(analysis);
    maxGapCents = Math.max(maxGapCents, analysis.gapAmountCents);
    largestLifetimeValueCents = Math.max(largestLifetimeValueCents, analysis.metrics.lifetimeValueCents);
  }
  const scale = { largestGapCents: maxGapCents, largestLifetimeValueCents };
  for (const analysis of scored) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    if (analysis.metrics === null) continue;
    const k = windowsOf.get(analysis) ?? 1;
    const pAlive = aliveOf.get(analysis);
    const components = scoreComponents(
      analysis.metrics,
      analysis.gapAmountCents,
      scale,
      componentSettingsOf(settings, k, pAlive),
    );
    const { score, contributions } = weighScore(components, settings.weights);
    analysis.components = components;
    analysis.contributions = contributions;
    analysis.score = score;
    analysis.recoveryPotentialCents = Math.round(analysis.gapAmountCents * components.recoveryProbability);
    const urgent = GAP_URGENCY.find((t) => analysis.gaps.some((g) => g.type === t));
    analysis.recommendation = urgent ? settings.recommendations[urgent] : null;
  }
  windowsOf.clear();
  aliveOf.clear();
  // rankCustomers, in steps.
  yield* sortSteps(scored, comparePriority);
  for (let i = 0; i < scored.length; i++) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    (scored[i] as CustomerAnalysis).rank = i + 1;
  }

  // Types overlap (one customer can count under several), so shares are of the summed type amounts.
  const gapTypes = summariseGapTypes(scored.flatMap((analysis) => analysis.gaps));
  const gapsByType = gapTypes.byType;
  const gapCounts = gapTypes.counts;
  const gapsDetected = gapTypes.gapCount;
  let totalGapCents = 0;
  const churnRisk: ChurnRiskEntry[] = [];
  for (const analysis of scored) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    totalGapCents += analysis.gapAmountCents;
    for (const gap of analysis.gaps) {
      if (gap.type === 'churn_risk' && analysis.metrics && analysis.components) {
        const entry: ChurnRiskEntry = {
          customerId: analysis.customerId,
          customerName: analysis.name,
          zeroStreak: analysis.metrics.zeroStreak,
          baselineCents: analysis.metrics.baselineCents,
          atRiskCents: gap.amountCents,
          lastSalePeriod: analysis.metrics.lastSalePeriod,
          churnRisk: analysis.components.churnRisk,
        };
        if (analysis.accountManager) entry.accountManager = analysis.accountManager;
        churnRisk.push(entry);
      }
    }
  }
  yield* sortSteps(
    churnRisk,
    (a, b) =>
      b.atRiskCents - a.atRiskCents ||
      b.zeroStreak - a.zeroStreak ||
      (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0),
  );

  const priorities: Priority[] = [];
  let recoveryPotentialTopNCents = 0;
  for (const analysis of scored.slice(0, settings.topN)) {
    const priority = priorityOfCustomer(analysis);
    if (priority === null) continue;
    recoveryPotentialTopNCents += analysis.recoveryPotentialCents;
    priorities.push(priority);
  }

  let tooNew = 0;
  let lapsed = 0;
  let noSales = 0;
  let judged = 0;
  const rest: CustomerAnalysis[] = [];
  for (const analysis of working) {
    if (++met % CUSTOMERS_PER_STEP === 0) yield;
    if (analysis.status === 'too_new') tooNew++;
    else if (analysis.status === 'lapsed') lapsed++;
    else if (analysis.status === 'no_sales') noSales++;
    else judged++;
    if (analysis.status !== 'scored') rest.push(analysis);
  }
  working.length = 0;
  yield* sortSteps(rest, (a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0));

  const dataQuality: DataQuality = { ...inputQuality, rowsAfterAsOf };
  if (unlistedNote !== null) dataQuality.notes = [...(inputQuality.notes ?? []), unlistedNote];
  if (choice.setAside.length > 0) {
    dataQuality.setAsideRows = choice.setAside.map((r) => ({
      customerId: r.customerId,
      date: isoFromDay(r.day),
      ...(r.line !== undefined ? { line: r.line } : {}),
    }));
  }
  const summary: AnalysisResult['summary'] = {
    customersAnalyzed: judged,
    customersWithGaps: scored.length,
    customersTooNew: tooNew,
    customersLapsed: lapsed,
    customersNoSales: noSales,
    gapsDetected,
    gapsByType: gapCounts,
    churnRiskCustomers: gapsByType.churn_risk.count,
    totalGapCents,
    recoveryPotentialTopNCents,
    // `topN: all`: the number listed, i.e. every ranked customer.
    topN: settings.topN >= TOP_ALL ? scored.length : settings.topN,
    rowsRead: dataQuality.rowsRead,
    rowsRejected: dataQuality.rowsRejected,
  };
  const suggestMonthly =
    spec.kind === 'week' && customerPeriods > 0 && zeroCustomerPeriods * 2 > customerPeriods;
  const recommendations = buildRecommendations(
    { gapsByType, summary, suggestMonthly, asOf },
    scored,
    settings,
    spec,
  );

  const result: AnalysisResult = {
    rules: 'revgap',
    period: spec,
    asOf,
    partialPeriod,
    summary,
    priorities,
    churnRisk,
    gapsByType,
    customers: scored.concat(rest),
    recommendations,
    dataQuality,
    suggestMonthly,
  };
  // Optional fields stay absent unless they say something, so existing snapshots are unchanged.
  if (choice.periodStamped) result.periodStamped = true;
  if (fit !== null) {
    result.bgnbd = { ...fit.params, logLikelihood: fit.logLikelihood, customers: fit.customers };
  }
  const hints = buildHints(ledger, choice, settings);
  if (hints.length > 0) result.hints = hints;
  return result;
}
