/**
 * The original system's rules ("seed" rule set): the rule-based core of the Revenue Gap Orchestrator
 * notebook, reproduced to the cent on its published test run (155 customers analysed, 343 gaps,
 * 46 churn-risk customers, $22,583.22 total gap, $3,200.96 for the top 20). docs/seed-rules.md
 * has every rule, where each constant comes from, and how the published figures were matched.
 *
 * In short: per customer, baseline = mean of the first 4 periods, recent = mean of the last 4;
 * gaps (declining, below baseline, zero spend) are scored one by one on four 0-10 components and the
 * top N *gaps* are the priorities (a customer can appear several times). Churn risk is a separate
 * list. The original computed in binary floating point on dollar amounts and rounded with Python's
 * `round` at fixed points; the published cents depend on that, so this module does the same
 * arithmetic on doubles (amounts are cents / 100, exactly as parsing the CSV text gives) and turns
 * the results into integer cents at the end.
 *
 * Periods: each period of the ledger is one "record" of the original (its data has one row per
 * customer and week). A customer's records run from its first period with rows to the as-of period,
 * with 0 for periods without rows; the period of the latest row counts in full (a weekly row is a
 * whole week's total), so there is no partial-period exclusion. Any configured week start works:
 * the rules only use the order of the periods.
 */

import { InputError } from '../errors.ts';
import type { AnalysisInput } from './analyze.ts';
import { noSalesAnalysis, plural, SERIES_PERIODS, summariseGapTypes, unlistedSalesNote } from './analyze.ts';
import { formatMoney } from './money.ts';
import { dayFromIso, periodEndDay, periodOfDay, periodStartDay } from './periods.ts';
import { roundLikePython } from './seed-round.ts';
import type { AnalysisSettings } from './settings.ts';
import type {
  AnalysisResult,
  ChurnRiskEntry,
  CustomerAnalysis,
  CustomerInfo,
  CustomerLedger,
  CustomerMetrics,
  DataQuality,
  Gap,
  GapType,
  GapTypeSummary,
  Priority,
  SalesLedger,
  ScoreComponents,
} from './types.ts';

export type { AnalysisInput };

/** The original's constants (all fixed: the seed rule set exists to reproduce it, not to be tuned). */
export const SEED_RULES = {
  /** Periods averaged for the baseline (the first ones) and for "recent" (the last ones). */
  baselinePeriods: 4,
  recentPeriods: 4,
  /** Trend labels: below -15% is declining, above +15% growing (strict). */
  trendBandPct: 15,
  /** declining_revenue: declining trend and trend % (to 0.01) <= -15. */
  decliningThresholdPct: -15,
  /** below_baseline: (recent - baseline) / baseline <= -20%. */
  belowBaselineThresholdPct: -20,
  /** Severity of declining / below-baseline gaps: <= -30% high, <= -15% medium, else low. */
  severityHighPct: -30,
  severityMediumPct: -15,
  /** Churn risk: this many zero periods in a row at the end; score = zeros / 4 (max 1). */
  churnZeroStreak: 2,
  churnFullRiskStreak: 4,
  /** Predicted churn probability = score x 0.9. */
  churnProbabilityFactor: 0.9,
  /** Churn component of a zero-spend gap: 7 + 1 per zero period (max 10). */
  zeroSpendChurnBase: 7,
  /** Churn component of other gaps without a churn-risk entry: |gap %| / 50 x 10 (max 10). */
  declineForFullChurnPct: 50,
  /** Customer value by percentile of total revenue: >= 90 -> 10, >= 75 -> 8, >= 50 -> 6, >= 25 -> 4, else 2. */
  customerValueSteps: [
    [90, 10],
    [75, 8],
    [50, 6],
    [25, 4],
  ] as const,
  customerValueFloor: 2,
  /** Recovery component by gap type (0-10). */
  recoveryZeroSpend: { threeOrMore: 2, two: 4, one: 6 },
  recoveryDeclining: { whileDeclining: 5, otherwise: 7 },
  recoveryBelowBaseline: 7,
  /** Normaliser for revenue impact when every gap is 0. */
  defaultMaxGap: 1000,
} as const;

/** Order the original's detectors run in for one customer (ties in the ranking keep this order). */
const DETECTION_ORDER: readonly GapType[] = ['declining_revenue', 'below_baseline', 'zero_spend'];

/** One customer as the original saw it: dollar amounts per period, oldest first. */
interface SeedCustomer {
  customerId: string;
  ledger: CustomerLedger;
  /** Period of `spend[0]`. */
  startPeriod: number;
  spend: number[];
  metrics: SeedMetrics;
}

/** The original's per-customer revenue analysis (dollars; rounded where the original rounded). */
export interface SeedMetrics {
  records: number;
  /** Total revenue, to the cent (Python `round(total, 2)`). */
  totalRevenue: number;
  /** Unrounded means, as the published figures need (see docs/seed-rules.md). */
  baselineAvg: number;
  recentAvg: number;
  /** ((recent - baseline) / baseline) x 100, unrounded (0 without a positive baseline). */
  trendPct: number;
  trend: 'declining' | 'stable' | 'growing' | 'insufficient_data';
  /** Zero periods among the last 4 and zero periods in a row at the end. */
  recentZeroPeriods: number;
  zeroStreak: number;
}

/** A detected gap with the original's fields. */
export interface SeedGap {
  customerId: string;
  type: Exclude<GapType, 'churn_risk'>;
  /** Gap amount in dollars, to the cent (negative: revenue below expectation). */
  amount: number;
  /** Gap percentage to 0.01 (-100 for zero spend). */
  gapPct: number;
  severity: Gap['severity'];
  /** Zero periods in the recent window for zero spend, 0 otherwise (as in the original). */
  periodsAtRisk: number;
}

/** A churn-risk entry with the original's fields. */
export interface SeedChurnRisk {
  customerId: string;
  zeroStreak: number;
  /** zeros / 4, max 1, to 0.01. */
  score: number;
  /** score x 0.9, to 0.01. */
  probability: number;
}

/** The four 0-10 components and the weighted 0-10 score of one gap. */
export interface SeedScores {
  revenueImpact: number;
  churnRisk: number;
  customerValue: number;
  recoveryProbability: number;
  final: number;
}

function sumInOrder(values: readonly number[], from: number, to: number): number {
  // Left to right from 0, like Python's sum(): float addition is not associative.
  let total = 0;
  for (let i = from; i < to; i++) total += values[i] ?? 0;
  return total;
}

/** The original's revenue analysis of one customer's per-period amounts (dollars, oldest first). */
export function measureSeedCustomer(spend: readonly number[]): SeedMetrics {
  const n = spend.length;
  const { baselinePeriods: B, recentPeriods: R } = SEED_RULES;
  const totalRevenue = roundLikePython(sumInOrder(spend, 0, n), 2);
  let recentZeroPeriods = 0;
  for (let i = Math.max(0, n - R); i < n; i++) if (spend[i] === 0) recentZeroPeriods++;
  let zeroStreak = 0;
  for (let i = n - 1; i >= 0 && spend[i] === 0; i--) zeroStreak++;
  if (n < Math.max(B, R)) {
    // Too few records for a trend: the original reports "insufficient_data" with zero averages.
    const baselineAvg = n > 0 ? sumInOrder(spend, 0, n) / n : 0;
    return {
      records: n,
      totalRevenue,
      baselineAvg,
      recentAvg: 0,
      trendPct: 0,
      trend: 'insufficient_data',
      recentZeroPeriods,
      zeroStreak,
    };
  }
  const baselineAvg = sumInOrder(spend, 0, B) / B;
  const recentAvg = sumInOrder(spend, n - R, n) / R;
  const trendPct = baselineAvg > 0 ? ((recentAvg - baselineAvg) / baselineAvg) * 100 : 0;
  const band = SEED_RULES.trendBandPct;
  const trend = trendPct < -band ? 'declining' : trendPct > band ? 'growing' : 'stable';
  return { records: n, totalRevenue, baselineAvg, recentAvg, trendPct, trend, recentZeroPeriods, zeroStreak };
}

function severityOf(gapPct: number): Gap['severity'] {
  if (gapPct <= SEED_RULES.severityHighPct) return 'high';
  if (gapPct <= SEED_RULES.severityMediumPct) return 'medium';
  return 'low';
}

/** The original's three detectors, in its order. */
export function detectSeedGaps(customerId: string, m: SeedMetrics): SeedGap[] {
  const gaps: SeedGap[] = [];
  const enoughData = m.trend !== 'insufficient_data';
  const trendPct = roundLikePython(m.trendPct, 2);
  if (enoughData && m.trend === 'declining' && trendPct <= SEED_RULES.decliningThresholdPct) {
    gaps.push({
      customerId,
      type: 'declining_revenue',
      amount: roundLikePython(m.recentAvg - m.baselineAvg, 2),
      gapPct: trendPct,
      severity: severityOf(trendPct),
      periodsAtRisk: 0,
    });
  }
  if (enoughData && m.baselineAvg > 0) {
    const pct = ((m.recentAvg - m.baselineAvg) / m.baselineAvg) * 100;
    if (pct <= SEED_RULES.belowBaselineThresholdPct) {
      gaps.push({
        customerId,
        type: 'below_baseline',
        amount: roundLikePython(m.recentAvg - m.baselineAvg, 2),
        gapPct: roundLikePython(pct, 2),
        severity: severityOf(pct),
        periodsAtRisk: 0,
      });
    }
  }
  if (m.recentZeroPeriods > 0) {
    // The expected revenue of a zero-spend gap is the baseline mean (of all records when fewer than 4).
    gaps.push({
      customerId,
      type: 'zero_spend',
      amount: roundLikePython(0 - m.baselineAvg, 2),
      gapPct: m.baselineAvg > 0 ? -100 : 0,
      severity: 'high',
      periodsAtRisk: m.recentZeroPeriods,
    });
  }
  return gaps;
}

/** The churn-risk entry of a customer, or null below a 2-period zero streak. */
export function detectSeedChurnRisk(customerId: string, m: SeedMetrics): SeedChurnRisk | null {
  if (m.zeroStreak < SEED_RULES.churnZeroStreak) return null;
  const score = roundLikePython(Math.min(1, m.zeroStreak / SEED_RULES.churnFullRiskStreak), 2);
  return {
    customerId,
    zeroStreak: m.zeroStreak,
    score,
    probability: roundLikePython(score * SEED_RULES.churnProbabilityFactor, 2),
  };
}

/** Customer value (0-10) from the percentile of a total among all totals (ties count as below). */
export function seedCustomerValue(total: number, sortedTotals: readonly number[]): number {
  if (sortedTotals.length === 0) return 5;
  // Count of totals <= this one, by binary search over the ascending list.
  let lo = 0;
  let hi = sortedTotals.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sortedTotals[mid] ?? 0) <= total) lo = mid + 1;
    else hi = mid;
  }
  const percentile = (lo / sortedTotals.length) * 100;
  for (const [atLeast, score] of SEED_RULES.customerValueSteps) if (percentile >= atLeast) return score;
  return SEED_RULES.customerValueFloor;
}

function churnComponent(gap: SeedGap, churn: SeedChurnRisk | undefined): number {
  let score: number;
  if (gap.type === 'zero_spend') score = Math.min(10, SEED_RULES.zeroSpendChurnBase + gap.periodsAtRisk * 1);
  else if (churn) score = churn.score * 10;
  else score = Math.min(10, (Math.abs(gap.gapPct) / SEED_RULES.declineForFullChurnPct) * 10);
  return roundLikePython(score, 2);
}

function recoveryComponent(gap: SeedGap, m: SeedMetrics): number {
  const w = gap.periodsAtRisk;
  let score: number;
  if (gap.type === 'zero_spend') {
    const r = SEED_RULES.recoveryZeroSpend;
    score = w >= 3 ? r.threeOrMore : w === 2 ? r.two : r.one;
  } else if (gap.type === 'declining_revenue') {
    const r = SEED_RULES.recoveryDeclining;
    score = m.trend === 'declining' ? r.whileDeclining : r.otherwise;
  } else {
    score = SEED_RULES.recoveryBelowBaseline;
  }
  // Longer gaps are harder to win back.
  if (w > 4) score *= 0.7;
  else if (w > 2) score *= 0.85;
  return roundLikePython(Math.max(0, Math.min(10, score)), 2);
}

/** Scores one gap (components 0-10, weighted score 0-10 to 0.01), as the original's score_gap. */
export function scoreSeedGap(
  gap: SeedGap,
  metrics: SeedMetrics,
  churn: SeedChurnRisk | undefined,
  maxGapAmount: number,
  sortedTotals: readonly number[],
  weights: ScoreComponents,
): SeedScores {
  const amount = Math.abs(gap.amount);
  const revenueImpact = roundLikePython(maxGapAmount > 0 ? Math.min(10, (amount / maxGapAmount) * 10) : 0, 2);
  const churnRisk = churnComponent(gap, churn);
  const customerValue = roundLikePython(seedCustomerValue(metrics.totalRevenue, sortedTotals), 2);
  const recoveryProbability = recoveryComponent(gap, metrics);
  const final = roundLikePython(
    revenueImpact * weights.revenueImpact +
      churnRisk * weights.churnRisk +
      customerValue * weights.customerValue +
      recoveryProbability * weights.recoveryProbability,
    2,
  );
  return { revenueImpact, churnRisk, customerValue, recoveryProbability, final };
}

/** Dollars (to the cent) as integer cents. */
function toCents(dollars: number): number {
  return Math.round(dollars * 100);
}

/** Customer ids in numeric order when they are all whole numbers (as the original's data), else text order. */
function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) {
    const x = a.replace(/^0+(?=\d)/, '');
    const y = b.replace(/^0+(?=\d)/, '');
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function pct(x: number): string {
  return `${Math.abs(x).toFixed(1)}%`;
}

/** One line in plain words, in the original's phrasing plus the amounts behind it. */
function rationaleOf(gap: SeedGap, m: SeedMetrics, money: (cents: number) => string, unit: string): string {
  const baseline = money(toCents(roundLikePython(m.baselineAvg, 2)));
  const recent = money(toCents(roundLikePython(m.recentAvg, 2)));
  switch (gap.type) {
    case 'declining_revenue':
      return `Customer revenue declined ${pct(gap.gapPct)} from baseline (${baseline}/${unit} in the first 4 ${unit}s, ${recent}/${unit} in the last 4)`;
    case 'below_baseline':
      return `Customer revenue ${pct(gap.gapPct)} below baseline (${recent}/${unit} against ${baseline}/${unit})`;
    default:
      return `Customer had ${gap.periodsAtRisk} zero spend ${unit}(s) in recent period (usual ${baseline}/${unit})`;
  }
}

/** A scored gap, with the customer it belongs to. */
interface RankedGap {
  gap: SeedGap;
  customer: SeedCustomer;
  scores: SeedScores;
}

/** How one run presents amounts and names (currency, period word, customer master data). */
interface Presentation {
  money: (cents: number) => string;
  unit: string;
  describe: (customerId: string) => Pick<CustomerAnalysis, 'name' | 'segment' | 'accountManager'>;
  settings: AnalysisSettings;
}

/** Each customer's records: its first period with rows .. the as-of period (0 where no rows). */
function loadSeedCustomers(ledger: SalesLedger, asOfPeriod: number): SeedCustomer[] {
  const customers: SeedCustomer[] = [];
  for (const customerId of [...ledger.customers.keys()].sort(compareIds)) {
    const cl = ledger.customers.get(customerId);
    if (!cl || cl.startPeriod > asOfPeriod) continue;
    const last = cl.startPeriod + cl.net.length - 1;
    const spend = new Array<number>(asOfPeriod - cl.startPeriod + 1);
    for (let p = cl.startPeriod; p <= asOfPeriod; p++) {
      // cents / 100 is the double nearest the decimal amount: what parsing "50.12" gives in Python.
      spend[p - cl.startPeriod] = p <= last ? (cl.net[p - cl.startPeriod] ?? 0) / 100 : 0;
    }
    customers.push({
      customerId,
      ledger: cl,
      startPeriod: cl.startPeriod,
      spend,
      metrics: measureSeedCustomer(spend),
    });
  }
  return customers;
}

/** Detects every gap and churn risk, scores the gaps relative to the run, and sorts them. */
function detectAndRank(
  customers: SeedCustomer[],
  weights: ScoreComponents,
): { inDetectionOrder: RankedGap[]; ranked: RankedGap[]; churnById: Map<string, SeedChurnRisk> } {
  const found: { gap: SeedGap; customer: SeedCustomer }[] = [];
  const churnById = new Map<string, SeedChurnRisk>();
  for (const customer of customers) {
    for (const gap of detectSeedGaps(customer.customerId, customer.metrics)) found.push({ gap, customer });
    const churn = detectSeedChurnRisk(customer.customerId, customer.metrics);
    if (churn) churnById.set(customer.customerId, churn);
  }
  let maxGapAmount = 0;
  for (const { gap } of found) maxGapAmount = Math.max(maxGapAmount, Math.abs(gap.amount));
  if (maxGapAmount === 0) maxGapAmount = SEED_RULES.defaultMaxGap;
  const sortedTotals = customers.map((c) => c.metrics.totalRevenue).sort((a, b) => a - b);
  const inDetectionOrder = found.map(({ gap, customer }) => ({
    gap,
    customer,
    scores: scoreSeedGap(
      gap,
      customer.metrics,
      churnById.get(customer.customerId),
      maxGapAmount,
      sortedTotals,
      weights,
    ),
  }));
  // Stable: equal scores keep customer order, then detection order (Python's sorted(reverse=True)).
  const ranked = [...inDetectionOrder].sort((a, b) => b.scores.final - a.scores.final);
  return { inDetectionOrder, ranked, churnById };
}

/** A 0-10 score to 0.01 as a [0, 1] component to 0.001 (integer steps keep 0.912, not 0.9119...). */
function toUnit(score: number): number {
  return Math.round(score * 100) / 1000;
}

function componentsOf(s: SeedScores): ScoreComponents {
  return {
    revenueImpact: toUnit(s.revenueImpact),
    churnRisk: toUnit(s.churnRisk),
    customerValue: toUnit(s.customerValue),
    recoveryProbability: toUnit(s.recoveryProbability),
  };
}

/** Points out of 100 each component contributes (weight x 0-10 score x 10, to 0.01). */
function contributionsOf(s: SeedScores, w: ScoreComponents): ScoreComponents {
  const points = (score: number, weight: number) => Math.round(score * weight * 1000) / 100;
  return {
    revenueImpact: points(s.revenueImpact, w.revenueImpact),
    churnRisk: points(s.churnRisk, w.churnRisk),
    customerValue: points(s.customerValue, w.customerValue),
    recoveryProbability: points(s.recoveryProbability, w.recoveryProbability),
  };
}

/** The 0-10 score (to 0.01) on the shared 0-100 scale (to 0.1). */
function score100(s: SeedScores): number {
  return Math.round(s.final * 100) / 10;
}

/** The original's quantities in the shared metrics shape. */
function metricsOf(customer: SeedCustomer, asOfPeriod: number): CustomerMetrics {
  const m = customer.metrics;
  let active = 0;
  let lastSalePeriod: number | null = null;
  const { positive } = customer.ledger;
  for (let p = customer.startPeriod; p <= asOfPeriod; p++) {
    const i = p - customer.startPeriod;
    if ((customer.spend[i] ?? 0) !== 0) active++;
    if (positive[i] === 1) lastSalePeriod = p;
  }
  return {
    history: m.records,
    baselineCents: toCents(roundLikePython(m.baselineAvg, 2)),
    recentCents: toCents(roundLikePython(m.recentAvg, 2)),
    // The original's "trend per week": (recent - baseline) / records; it fits no regression line.
    trendCentsPerPeriod: m.records > 0 ? ((m.recentAvg - m.baselineAvg) / m.records) * 100 : 0,
    trendPct: roundLikePython(m.trendPct, 2) / 100,
    // The original predicts the next period with the recent (moving) average.
    forecastCents: toCents(roundLikePython(m.recentAvg, 2)),
    zeroStreak: m.zeroStreak,
    lifetimeValueCents: toCents(m.totalRevenue),
    activeShare: m.records > 0 ? active / m.records : 0,
    lastSalePeriod,
  };
}

function emptyAnalysis(customerId: string, show: Presentation, seriesStartPeriod: number): CustomerAnalysis {
  return noSalesAnalysis(customerId, show.describe(customerId), seriesStartPeriod);
}

/**
 * Every customer with records, its gaps in detection order, and (for customers with gaps) the score
 * of its best gap; `rank` numbers customers by their best gap. Returns customers with gaps in rank
 * order and the others.
 */
function buildCustomerAnalyses(
  customers: SeedCustomer[],
  inDetectionOrder: RankedGap[],
  ranked: RankedGap[],
  asOfPeriod: number,
  show: Presentation,
): { scored: CustomerAnalysis[]; others: CustomerAnalysis[] } {
  const byId = new Map<string, CustomerAnalysis>();
  for (const customer of customers) {
    const a = emptyAnalysis(customer.customerId, show, 0);
    a.status = 'no_gap';
    a.metrics = metricsOf(customer, asOfPeriod);
    a.seriesStartPeriod = Math.max(customer.startPeriod, asOfPeriod - SERIES_PERIODS + 1);
    const series: number[] = [];
    for (let p = a.seriesStartPeriod; p <= asOfPeriod; p++) {
      series.push(toCents(customer.spend[p - customer.startPeriod] ?? 0));
    }
    a.series = series;
    byId.set(customer.customerId, a);
  }
  for (const { gap, customer } of inDetectionOrder) {
    const a = byId.get(customer.customerId);
    if (!a) continue;
    const amountCents = toCents(Math.abs(gap.amount));
    a.gaps.push({
      type: gap.type,
      amountCents,
      rationale: rationaleOf(gap, customer.metrics, show.money, show.unit),
      severity: gap.severity,
    });
    a.gapAmountCents = Math.max(a.gapAmountCents, amountCents);
    a.status = 'scored';
  }
  const scored: CustomerAnalysis[] = [];
  for (const r of ranked) {
    const a = byId.get(r.customer.customerId);
    if (!a || a.rank !== null) continue;
    a.rank = scored.length + 1;
    a.score = score100(r.scores);
    a.components = componentsOf(r.scores);
    a.contributions = contributionsOf(r.scores, show.settings.weights);
    // The original's "recovery potential" of a gap is its amount (see docs/seed-rules.md).
    a.recoveryPotentialCents = toCents(Math.abs(r.gap.amount));
    a.recommendation = show.settings.recommendations[r.gap.type];
    scored.push(a);
  }
  const others = [...byId.values()].filter((a) => a.status !== 'scored');
  return { scored, others };
}

/** The top N gaps as priorities (one gap type each). */
function buildPriorities(ranked: RankedGap[], show: Presentation): Priority[] {
  return ranked.slice(0, show.settings.topN).map((r, i) => {
    const described = show.describe(r.customer.customerId);
    const amountCents = toCents(Math.abs(r.gap.amount));
    const priority: Priority = {
      rank: i + 1,
      customerId: r.customer.customerId,
      customerName: described.name,
      gapTypes: [r.gap.type],
      gapAmountCents: amountCents,
      recoveryPotentialCents: amountCents,
      score: score100(r.scores),
      components: componentsOf(r.scores),
      contributions: contributionsOf(r.scores, show.settings.weights),
      rationale: [rationaleOf(r.gap, r.customer.metrics, show.money, show.unit)],
      recommendation: show.settings.recommendations[r.gap.type],
    };
    if (described.segment) priority.segment = described.segment;
    if (described.accountManager) priority.accountManager = described.accountManager;
    return priority;
  });
}

/** The churn-risk list, highest score first (then customer order). */
function buildChurnList(
  customers: SeedCustomer[],
  churnById: Map<string, SeedChurnRisk>,
  analyses: Map<string, CustomerAnalysis>,
): ChurnRiskEntry[] {
  const list: ChurnRiskEntry[] = [];
  for (const customer of customers) {
    const churn = churnById.get(customer.customerId);
    const a = analyses.get(customer.customerId);
    if (!churn || !a?.metrics) continue;
    const entry: ChurnRiskEntry = {
      customerId: customer.customerId,
      customerName: a.name,
      zeroStreak: churn.zeroStreak,
      baselineCents: a.metrics.baselineCents,
      // The original gives no amount; this is the report's "usual revenue x recent window".
      atRiskCents: a.metrics.baselineCents * SEED_RULES.recentPeriods,
      lastSalePeriod: a.metrics.lastSalePeriod,
      churnRisk: churn.score,
      churnProbability: churn.probability,
    };
    if (a.accountManager) entry.accountManager = a.accountManager;
    list.push(entry);
  }
  return list.sort((x, y) => y.churnRisk - x.churnRisk);
}

/**
 * Runs the original system's rules over a ledger (see the module comment and docs/seed-rules.md).
 * @throws InputError when there are no sales rows and no as-of date.
 */
export function analyzeSeed(input: AnalysisInput, settings: AnalysisSettings): AnalysisResult {
  const { ledger } = input;
  const spec = ledger.period;
  const info = new Map<string, CustomerInfo>();
  for (const c of input.customers) info.set(c.customerId, c);
  const show: Presentation = {
    money: (cents) => formatMoney(cents, settings.currency),
    unit: spec.kind,
    describe: (customerId) => {
      const c = info.get(customerId);
      const out: Pick<CustomerAnalysis, 'name' | 'segment' | 'accountManager'> = {
        name: c?.name || customerId,
      };
      if (c?.segment) out.segment = c.segment;
      if (c?.accountManager) out.accountManager = c.accountManager;
      return out;
    },
    settings,
  };

  // As-of: the period of the as-of date (default: of the latest row), counted in full.
  const asOfDay = settings.asOf !== undefined ? dayFromIso(settings.asOf) : ledger.maxDay;
  if (asOfDay === null) {
    throw new InputError('There are no sales rows to analyse.', {
      hint: 'Check that the sales source has data rows, or pass an as-of date.',
    });
  }
  const asOfPeriod = periodOfDay(asOfDay, spec);
  const asOf = {
    period: asOfPeriod,
    startDay: periodStartDay(asOfPeriod, spec),
    endDay: periodEndDay(asOfPeriod, spec),
  };

  const customers = loadSeedCustomers(ledger, asOfPeriod);
  const { inDetectionOrder, ranked, churnById } = detectAndRank(customers, settings.weights);
  const { scored, others } = buildCustomerAnalyses(customers, inDetectionOrder, ranked, asOfPeriod, show);
  const priorities = buildPriorities(ranked, show);
  // Churn risk is a list in the original, never a gap: it is not among these.
  const gapTypes = summariseGapTypes(
    inDetectionOrder.map(({ gap }) => ({ type: gap.type, amountCents: toCents(Math.abs(gap.amount)) })),
  );
  const analyses = new Map<string, CustomerAnalysis>();
  for (const a of scored.concat(others)) analyses.set(a.customerId, a);
  const churnRisk = buildChurnList(customers, churnById, analyses);

  // Customers on file with no sales rows are listed as such.
  const noSales: CustomerAnalysis[] = [];
  for (const customerId of info.keys()) {
    if (!ledger.customers.has(customerId)) noSales.push(emptyAnalysis(customerId, show, asOfPeriod + 1));
  }
  const rest = others.concat(noSales).sort((x, y) => compareIds(x.customerId, y.customerId));

  let recoveryPotentialTopNCents = 0;
  for (const p of priorities) recoveryPotentialTopNCents += p.recoveryPotentialCents;
  const dataQuality: DataQuality = { ...input.dataQuality, rowsAfterAsOf: rowsAfter(ledger, asOfPeriod) };
  // A customers file was read: some of it without sales rows is noted, as the revgap analysis does.
  const unlisted = input.dataQuality.customers;
  const note = unlisted === undefined ? null : unlistedSalesNote(noSales.length, info.size, unlisted.source);
  if (note !== null) dataQuality.notes = [...(input.dataQuality.notes ?? []), note];
  const summary: AnalysisResult['summary'] = {
    customersAnalyzed: scored.length,
    customersWithGaps: scored.length,
    customersTooNew: 0,
    customersLapsed: 0,
    customersNoSales: noSales.length,
    gapsDetected: inDetectionOrder.length,
    gapsByType: gapTypes.counts,
    churnRiskCustomers: churnRisk.length,
    totalGapCents: gapTypes.totalCents,
    recoveryPotentialTopNCents,
    topN: settings.topN,
    rowsRead: dataQuality.rowsRead,
    rowsRejected: dataQuality.rowsRejected,
  };

  return {
    rules: 'seed',
    period: spec,
    asOf,
    partialPeriod: null,
    summary,
    priorities,
    churnRisk,
    gapsByType: gapTypes.byType,
    customers: scored.concat(rest),
    recommendations: buildSeedRecommendations(summary, gapTypes.byType, show),
    dataQuality,
    suggestMonthly: false,
  };
}

/** Rows dated in periods after the as-of period (ignored, and counted for the data-quality section). */
function rowsAfter(ledger: SalesLedger, asOfPeriod: number): number {
  const rows = ledger.rowsByPeriod;
  if (!rows) return 0;
  let total = 0;
  for (let i = Math.max(0, asOfPeriod + 1 - rows.startPeriod); i < rows.counts.length; i++) {
    total += rows.counts[i] ?? 0;
  }
  return total;
}

/** Strategic lines: one per gap type present (largest amount first), the churn list, the top-N share. */
function buildSeedRecommendations(
  summary: AnalysisResult['summary'],
  gapsByType: Record<GapType, GapTypeSummary>,
  show: Presentation,
): string[] {
  const { settings, money, unit } = show;
  const lines: string[] = [];
  if (summary.churnRiskCustomers > 0) {
    lines.push(
      `${plural(summary.churnRiskCustomers, 'customer has', 'customers have')} bought nothing for ${SEED_RULES.churnZeroStreak}+ ${unit}s in a row: ${settings.recommendations.churn_risk}`,
    );
  }
  const types = DETECTION_ORDER.filter((t) => gapsByType[t].count > 0).sort(
    (a, b) => gapsByType[b].amountCents - gapsByType[a].amountCents,
  );
  const labels: Record<GapType, string> = {
    declining_revenue: 'declining revenue',
    below_baseline: 'below baseline',
    zero_spend: 'zero spend',
    churn_risk: 'churn risk',
  };
  for (const t of types) {
    const g = gapsByType[t];
    lines.push(
      `${plural(g.count, `${labels[t]} gap`, `${labels[t]} gaps`)} (${money(g.amountCents)}, ${Math.round(g.share * 100)}% of the total): ${settings.recommendations[t]}`,
    );
  }
  if (summary.gapsDetected > summary.topN && summary.totalGapCents > 0) {
    const share = Math.round((summary.recoveryPotentialTopNCents / summary.totalGapCents) * 100);
    lines.push(
      `The top ${summary.topN} gaps hold ${money(summary.recoveryPotentialTopNCents)} (${share}% of ${money(summary.totalGapCents)}): work them first.`,
    );
  }
  if (summary.gapsDetected === 0) lines.push('No revenue gaps found.');
  return lines;
}
