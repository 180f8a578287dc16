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
import type { Gap, GapType, PeriodSpec } from './types.ts';

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
}

/**
 * The gap types and amounts of one judged customer, most urgent first (empty for customers that
 * are not judged): the rules themselves, without rationale or severity. `detectGaps` puts words on
 * them; the backtest calls this one at every replay point, where millions of rationales would cost
 * more than the rules.
 */
export function findGaps(facts: CustomerFacts, settings: GapSettings): GapFinding[] {
  const m = facts.metrics;
  if (facts.standing !== 'judged' || m === null || m.baselineCents <= 0) return [];
  const baseline = m.baselineCents;
  const recent = m.recentCents;
  const r = facts.recentPeriods;
  const findings: GapFinding[] = [];
  if (m.zeroStreak >= settings.churnZeroStreak) {
    findings.push({ type: 'churn_risk', amountCents: baseline * r });
  }
  if (facts.zeroPeriodsInRecent > 0) {
    findings.push({ type: 'zero_spend', amountCents: baseline * facts.zeroPeriodsInRecent });
  }
  const shortfall = (baseline - recent) * r;
  if (m.trendPct <= settings.decliningTrendPct && recent < baseline) {
    findings.push({ type: 'declining_revenue', amountCents: shortfall });
  }
  if (recent < settings.belowBaselineRatio * baseline) {
    findings.push({ type: 'below_baseline', amountCents: shortfall });
  }
  return findings;
}

/** The gaps of one judged customer, most urgent first (empty for customers that are not judged). */
export function detectGaps(facts: CustomerFacts, settings: GapSettings, spec: PeriodSpec): Gap[] {
  const findings = findGaps(facts, settings);
  const m = facts.metrics;
  if (findings.length === 0 || m === null) return [];
  const baseline = m.baselineCents;
  const recent = m.recentCents;
  const r = facts.recentPeriods;
  const currency = settings.currency;
  const lastR = lastPeriods(spec, r);
  const gaps: Gap[] = [];
  for (const { type, amountCents } of findings) {
    if (type === 'churn_risk') {
      const last =
        m.lastSalePeriod === null
          ? ''
          : `, last sale in ${spec.kind === 'week' ? 'the ' : ''}${formatPeriod(m.lastSalePeriod, spec)}`;
      gaps.push({
        type,
        amountCents,
        rationale: `no revenue for ${m.zeroStreak} ${periodWord(spec, m.zeroStreak)} in a row${last}; usually ${rate(baseline, currency, spec)}`,
        severity: m.zeroStreak >= settings.recentWindow ? 'high' : 'medium',
      });
    } else if (type === 'zero_spend') {
      const zeros = facts.zeroPeriodsInRecent;
      gaps.push({
        type,
        amountCents,
        rationale: `no revenue in ${zeros} of ${lastR}; usually ${rate(baseline, currency, spec)}`,
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
  return gaps;
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
