/**
 * The four gap types (analysis spec section 4), each with its amount, a one-line rationale in plain
 * words and a severity. A customer can have several; they overlap, so a customer's gap amount for
 * ranking is the largest of them, not the sum.
 *
 * Every rule needs a positive baseline: a customer whose normal is zero or net-negative (refunds
 * exceeding sales) has no revenue to lose, and "below a negative baseline" would be meaningless.
 */

import type { CustomerFacts } from './metrics.ts';
import { formatMoney } from './money.ts';
import { formatPeriod, periodUnit, periodWord } from './periods.ts';
import type { ChurnCheck, Gap, GapType, PeriodSpec } from './types.ts';

export interface GapSettings {
  /** declining_revenue fires when trendPct <= this (a negative fraction per period)... */
  decliningTrendPct: number;
  /** ...and recent < baseline. below_baseline fires when recent < this x baseline. */
  belowBaselineRatio: number;
  /** churn_risk fires at this many zero periods in a row. */
  churnZeroStreak: number;
  /** Recent window R. */
  recentWindow: number;
  currency: string;
}

/** Sparse buyers (cadence multiple k >= 2): zero_spend fires once the zero streak reaches this x g. */
export const CADENCE_OVERDUE_FACTOR = 1.5;
/** Sparse buyers (k >= 2): below_baseline fires when recent < this x baseline (0.8 for k = 1). */
export const SPARSE_BELOW_BASELINE_RATIO = 0.5;
/** Seasonality: below-baseline and declining are not raised when recent >= this x the seasonal expectation. */
export const SEASONAL_TOLERANCE = 0.8;
/** churnModel bgnbd: the model's check fires when P(alive) is below this. */
export const P_ALIVE_THRESHOLD = 0.5;

/** What the probability-alive model says about a customer (churnModel bgnbd). */
export interface AliveFacts {
  pAlive: number;
}

/** The zero streak at which churn_risk fires: churnZeroStreak for k = 1, ceil(churnZeroStreak x g) for sparse buyers. */
export function churnStreakThreshold(
  facts: CustomerFacts,
  settings: Pick<GapSettings, 'churnZeroStreak'>,
): number {
  return (facts.cadenceMultiple ?? 1) === 1
    ? settings.churnZeroStreak
    : Math.ceil(settings.churnZeroStreak * (facts.cadence ?? 1) - 1e-9);
}

/** The zero streak at which a sparse buyer's zero_spend fires: ceil(1.5 x g). */
export function overdueStreakThreshold(facts: CustomerFacts): number {
  return Math.ceil(CADENCE_OVERDUE_FACTOR * (facts.cadence ?? 1) - 1e-9);
}

/** Most urgent first: the order gaps are listed in, and the order recommendations are chosen by. */
export const GAP_URGENCY: readonly GapType[] = [
  'churn_risk',
  'zero_spend',
  'declining_revenue',
  'below_baseline',
];

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** Severity of a revenue drop: half or more of the baseline gone is high, a fifth or more medium. */
function dropSeverity(baseline: number, recent: number): Gap['severity'] {
  const drop = 1 - recent / baseline;
  if (drop >= 0.5) return 'high';
  if (drop >= 0.2) return 'medium';
  return 'low';
}

const COMPACT = { compact: true } as const;

/** A money rate in rationales: "$412/wk". */
function rate(cents: number, currency: string, spec: PeriodSpec): string {
  return `${formatMoney(cents, currency, COMPACT)}/${periodUnit(spec)}`;
}

/** "the last 4 weeks", "the last month". */
export function lastPeriods(spec: PeriodSpec, count: number): string {
  return count === 1 ? `the last ${periodWord(spec)}` : `the last ${count} ${periodWord(spec, count)}`;
}

/** A gap's type and amount, without words: what the backtest replays (`findGaps`). */
export interface GapFinding {
  type: GapType;
  amountCents: number;
  /** churn_risk under churnModel bgnbd: which check fired. */
  firedBy?: ChurnCheck[];
}

/** `findGaps` with the gap types it left out because the customer is in line with its season. */
export interface GapFindings {
  findings: GapFinding[];
  seasonalSuppressed: GapType[];
}

/**
 * The gap types and amounts of one judged customer, most urgent first (empty for customers that
 * are not judged): the rules themselves, without rationale or severity. `detectGaps` puts words on
 * them; the backtest calls this one at every replay point, where millions of rationales would cost
 * more than the rules.
 */
export function findGaps(facts: CustomerFacts, settings: GapSettings, alive?: AliveFacts): GapFinding[] {
  return findGapsInContext(facts, settings, alive).findings;
}

/**
 * The rules (docs/analysis-formulas.md "Gaps", "Cadence", "Seasonality"): for a customer who buys
 * (nearly) every period (k = 1) the table of analysis spec section 4 as written; for sparse buyers
 * (k >= 2) churn_risk at a zero streak of ceil(2 g), zero_spend at ceil(1.5 g), declining with
 * trendPct x k; with two seasons of history, below-baseline and declining are left out when
 * recent >= 0.8 x the seasonal expectation, zero-spend and churn-risk only when the same periods a
 * season earlier were zero too. `alive` (churnModel bgnbd) adds the model's churn check.
 */
export function findGapsInContext(
  facts: CustomerFacts,
  settings: GapSettings,
  alive?: AliveFacts,
): GapFindings {
  const seasonalSuppressed: GapType[] = [];
  const findings: GapFinding[] = [];
  visitGaps(facts, settings, alive, {
    found(type, amountCents, firedBy) {
      const finding: GapFinding = { type, amountCents };
      if (firedBy !== undefined) finding.firedBy = firedBy;
      findings.push(finding);
    },
    suppressed(type) {
      seasonalSuppressed.push(type);
    },
  });
  return { findings, seasonalSuppressed };
}

/** Where `visitGaps` puts what the rules find: `findGapsInContext`'s lists, or a tally. */
export interface GapSink {
  /** A gap, most urgent first; `firedBy` under churnModel bgnbd (churn_risk only). */
  found(type: GapType, amountCents: number, firedBy: ChurnCheck[] | undefined): void;
  /** A gap type left out because the customer is in line with its season. */
  suppressed(type: GapType): void;
}

/**
 * The rules of `findGapsInContext`, handing each gap (or type left out) to `sink` as found: the
 * backtest tallies them at every replay point without a list or an object per gap.
 */
export function visitGaps(
  facts: CustomerFacts,
  settings: GapSettings,
  alive: AliveFacts | undefined,
  sink: GapSink,
): void {
  const m = facts.metrics;
  if (facts.standing !== 'judged' || m === null || m.baselineCents <= 0) return;
  const baseline = m.baselineCents;
  const recent = m.recentCents;
  const r = facts.recentPeriods;
  const k = facts.cadenceMultiple ?? 1;
  const seasonal = facts.seasonal ?? null;

  const cadenceChurn = m.zeroStreak >= churnStreakThreshold(facts, settings);
  const modelChurn = alive !== undefined && alive.pAlive < P_ALIVE_THRESHOLD;
  if (cadenceChurn || modelChurn) {
    if (seasonal?.streakAlsoLastSeason) sink.suppressed('churn_risk');
    else {
      let firedBy: ChurnCheck[] | undefined;
      if (alive !== undefined) {
        firedBy = [];
        if (cadenceChurn) firedBy.push('cadence');
        if (modelChurn) firedBy.push('p_alive');
      }
      sink.found('churn_risk', baseline * r, firedBy);
    }
  }
  if (k === 1 && facts.zeroPeriodsInRecent > 0) {
    if (seasonal?.recentZerosAlsoLastSeason) sink.suppressed('zero_spend');
    else sink.found('zero_spend', baseline * facts.zeroPeriodsInRecent, undefined);
  } else if (k > 1 && m.zeroStreak >= overdueStreakThreshold(facts)) {
    if (seasonal?.streakAlsoLastSeason) sink.suppressed('zero_spend');
    else sink.found('zero_spend', baseline * Math.min(m.zeroStreak, r), undefined);
  }
  // In line with its own season: recent >= 0.8 x the seasonal expectation s.
  const inSeason =
    seasonal !== null &&
    seasonal.expectedCents !== null &&
    recent >= SEASONAL_TOLERANCE * seasonal.expectedCents;
  const shortfall = (baseline - recent) * r;
  // Sparse buyers: a purchase more or less moves a window's mean a lot, so their drop must be
  // larger: declining needs recent < 0.8 b (not just < b), below baseline recent < 0.5 b.
  const decliningBelow = k === 1 ? baseline : settings.belowBaselineRatio * baseline;
  const belowRatio = k === 1 ? settings.belowBaselineRatio : SPARSE_BELOW_BASELINE_RATIO;
  if (m.trendPct * k <= settings.decliningTrendPct && recent < decliningBelow) {
    if (inSeason) sink.suppressed('declining_revenue');
    else sink.found('declining_revenue', shortfall, undefined);
  }
  if (recent < belowRatio * baseline) {
    if (inSeason) sink.suppressed('below_baseline');
    else sink.found('below_baseline', shortfall, undefined);
  }
}

/** "every 4 weeks", "every 2.5 months". */
function everyPeriods(g: number, spec: PeriodSpec): string {
  const n = Number.isInteger(g) ? String(g) : g.toFixed(1);
  return `every ${n} ${periodWord(spec, g)}`;
}

/**
 * The gaps of one judged customer, most urgent first (empty for customers that are not judged).
 * `alive` is the probability-alive model's view (churnModel bgnbd), absent with the rules.
 */
export function detectGaps(
  facts: CustomerFacts,
  settings: GapSettings,
  spec: PeriodSpec,
  alive?: AliveFacts,
): Gap[] {
  return detectGapsInContext(facts, settings, spec, alive).gaps;
}

/** `detectGaps`, also naming the gap types left out for seasonality. */
export function detectGapsInContext(
  facts: CustomerFacts,
  settings: GapSettings,
  spec: PeriodSpec,
  alive?: AliveFacts,
): { gaps: Gap[]; seasonalSuppressed: GapType[] } {
  const { findings, seasonalSuppressed } = findGapsInContext(facts, settings, alive);
  const m = facts.metrics;
  if (findings.length === 0 || m === null) return { gaps: [], seasonalSuppressed };
  const baseline = m.baselineCents;
  const recent = m.recentCents;
  const r = facts.recentPeriods;
  const k = facts.cadenceMultiple ?? 1;
  const currency = settings.currency;
  const lastR = lastPeriods(spec, r);
  const usually =
    k === 1
      ? rate(baseline, currency, spec)
      : `buys ${everyPeriods(facts.cadence ?? 1, spec)}, ${rate(baseline, currency, spec)} on average`;
  const gaps: Gap[] = [];
  for (const { type, amountCents, firedBy } of findings) {
    if (type === 'churn_risk') {
      const last =
        m.lastSalePeriod === null
          ? ''
          : `, last sale in ${spec.kind === 'week' ? 'the ' : ''}${formatPeriod(m.lastSalePeriod, spec)}`;
      const model =
        alive === undefined ? '' : `; ${Math.round(alive.pAlive * 100)}% likely still buying (BG/NBD)`;
      const gap: Gap = {
        type,
        amountCents,
        rationale: `no revenue for ${m.zeroStreak} ${periodWord(spec, m.zeroStreak)} in a row${last}; usually ${usually}${model}`,
        severity: m.zeroStreak >= settings.recentWindow * k ? 'high' : 'medium',
      };
      if (firedBy) gap.firedBy = firedBy;
      gaps.push(gap);
    } else if (type === 'zero_spend' && k > 1) {
      gaps.push({
        type,
        amountCents,
        rationale: `no sale for ${m.zeroStreak} ${periodWord(spec, m.zeroStreak)}; usually ${usually}`,
        severity: m.zeroStreak >= r ? 'high' : 'medium',
      });
    } else if (type === 'zero_spend') {
      const zeros = facts.zeroPeriodsInRecent;
      gaps.push({
        type,
        amountCents,
        rationale: `no revenue in ${zeros} of ${lastR}; usually ${usually}`,
        severity: zeros >= r ? 'high' : zeros * 2 >= r ? 'medium' : 'low',
      });
    } else if (type === 'declining_revenue') {
      const slope = m.trendCentsPerPeriod;
      gaps.push({
        type,
        amountCents,
        rationale:
          `revenue fell from ${rate(baseline, currency, spec)} to ${rate(recent, currency, spec)} over ${lastR}, ` +
          `trending down ${rate(-slope, currency, spec)} (${percent(-m.trendPct)} a ${periodWord(spec)})`,
        severity: dropSeverity(baseline, recent),
      });
    } else {
      gaps.push({
        type,
        amountCents,
        rationale: `${lastR} averaged ${rate(recent, currency, spec)}, ${percent(recent / baseline)} of the usual ${rate(baseline, currency, spec)}`,
        severity: dropSeverity(baseline, recent),
      });
    }
  }
  for (const gap of gaps) flattenString(gap.rationale);
  return { gaps, seasonalSuppressed };
}

/**
 * V8 keeps a string built by concatenation as a tree of pieces, several times the size of the flat
 * text; with a rationale per gap on 100,000-customer inputs that is ~20 MB. Converting the string
 * to a number flattens it in place (the trick of the `flatstr` package, used by pino).
 */
function flattenString(text: string): void {
  Number(text);
}

/** The largest gap amount of a customer (the types overlap, so not the sum). */
export function largestGapCents(gaps: readonly Gap[]): number {
  let largest = 0;
  for (const gap of gaps) if (gap.amountCents > largest) largest = gap.amountCents;
  return largest;
}
