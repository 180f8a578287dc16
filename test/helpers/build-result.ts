/**
 * Hand-built `AnalysisResult`s for renderer tests. Every number here is chosen by hand (see the
 * comments) so tests can state expected output without running the analysis.
 */

import { dayFromIso, periodEndDay, periodOfDay, periodStartDay } from '../../src/core/periods.ts';
import { type AnalysisSettings, defaultAnalysisSettings } from '../../src/core/settings.ts';
import type {
  AnalysisResult,
  CustomerAnalysis,
  CustomerMetrics,
  DataQuality,
  GapType,
  PeriodSpec,
  Priority,
  ScoreComponents,
} from '../../src/core/types.ts';

export const WEEKLY: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** Period index of the week (Monday start) containing an ISO date. */
export function weekOf(iso: string): number {
  return periodOfDay(dayFromIso(iso), WEEKLY);
}

/** As-of week used by the sample: the week of Monday 2026-11-16 (2026-11-16 to 2026-11-22). */
export const AS_OF_WEEK = weekOf('2026-11-16');

export function buildMetrics(overrides: Partial<CustomerMetrics> = {}): CustomerMetrics {
  return {
    history: 12,
    baselineCents: 0,
    recentCents: 0,
    trendCentsPerPeriod: 0,
    trendPct: 0,
    forecastCents: 0,
    zeroStreak: 0,
    lifetimeValueCents: 0,
    activeShare: 1,
    lastSalePeriod: AS_OF_WEEK,
    ...overrides,
  };
}

export function buildCustomer(
  overrides: Partial<CustomerAnalysis> & { customerId: string },
): CustomerAnalysis {
  const series = overrides.series ?? [];
  return {
    name: overrides.customerId,
    status: 'no_gap',
    series,
    seriesStartPeriod: AS_OF_WEEK - series.length + 1,
    metrics: null,
    gaps: [],
    gapAmountCents: 0,
    score: null,
    components: null,
    contributions: null,
    recoveryPotentialCents: 0,
    rank: null,
    recommendation: null,
    ...overrides,
  };
}

/** The Priority line of a scored customer (revgap rules: one per customer). */
export function priorityOf(customer: CustomerAnalysis): Priority {
  if (customer.rank === null || customer.score === null || !customer.components || !customer.contributions) {
    throw new Error(`customer ${customer.customerId} is not scored`);
  }
  return {
    rank: customer.rank,
    customerId: customer.customerId,
    customerName: customer.name,
    ...(customer.segment === undefined ? {} : { segment: customer.segment }),
    ...(customer.accountManager === undefined ? {} : { accountManager: customer.accountManager }),
    gapTypes: customer.gaps.map((g) => g.type),
    gapAmountCents: customer.gapAmountCents,
    recoveryPotentialCents: customer.recoveryPotentialCents,
    score: customer.score,
    components: customer.components,
    contributions: customer.contributions,
    rationale: customer.gaps.map((g) => g.rationale),
    recommendation: customer.recommendation ?? '',
  };
}

export function buildDataQuality(overrides: Partial<DataQuality> = {}): DataQuality {
  return {
    source: 'sales.csv',
    rowsRead: 120,
    rowsAccepted: 118,
    rowsRejected: 2,
    rejectedByCode: { bad_date: 1, bad_amount: 1 },
    problems: [
      {
        file: 'sales.csv',
        line: 7,
        column: 'date',
        reason: 'date "2026-13-01" is not a valid date',
        code: 'bad_date',
      },
      {
        file: 'sales.csv',
        line: 9,
        column: 'amount',
        reason: 'amount "12,3x" is not a number',
        code: 'bad_amount',
      },
    ],
    duplicateRows: 1,
    duplicatesDropped: false,
    rowsAfterAsOf: 3,
    ...overrides,
  };
}

const ZERO_COMPONENTS: ScoreComponents = {
  revenueImpact: 0,
  churnRisk: 0,
  customerValue: 0,
  recoveryProbability: 0,
};

/**
 * Acme: $500/wk for 8 weeks then 4 zero weeks. Baseline $500, recent $0, streak 4.
 * Gaps: churn risk $2,000 (500 x 4), zero spend $2,000, below baseline $2,000. Gap amount $2,000.
 * Components 1.0 / 1.0 / 0.5 / 0.3 -> points 35 + 30 + 10 + 4.5 = 79.5. Recovery 2,000 x 0.3 = $600.
 */
export const ACME = buildCustomer({
  customerId: 'C001',
  name: 'Acme | *Corp*',
  segment: 'Retail',
  accountManager: 'U0ACME01',
  status: 'scored',
  series: [50_000, 50_000, 50_000, 50_000, 50_000, 50_000, 50_000, 50_000, 0, 0, 0, 0],
  metrics: buildMetrics({
    history: 40,
    baselineCents: 50_000,
    recentCents: 0,
    trendCentsPerPeriod: -6_119,
    trendPct: -0.12238,
    forecastCents: 0,
    zeroStreak: 4,
    lifetimeValueCents: 2_000_000,
    activeShare: 8 / 12,
    lastSalePeriod: AS_OF_WEEK - 4,
  }),
  gaps: [
    {
      type: 'churn_risk',
      amountCents: 200_000,
      rationale: 'no sales for 4 weeks after $500.00/wk',
      severity: 'high',
    },
    {
      type: 'zero_spend',
      amountCents: 200_000,
      rationale: '4 of the last 4 weeks had no sales',
      severity: 'high',
    },
    {
      type: 'below_baseline',
      amountCents: 200_000,
      rationale: 'recent $0.00/wk is 0% of the usual $500.00/wk',
      severity: 'high',
    },
  ],
  gapAmountCents: 200_000,
  score: 79.5,
  components: { revenueImpact: 1, churnRisk: 1, customerValue: 0.5, recoveryProbability: 0.3 },
  contributions: { revenueImpact: 35, churnRisk: 30, customerValue: 10, recoveryProbability: 4.5 },
  recoveryPotentialCents: 60_000,
  rank: 1,
  recommendation: 'Call this week; offer a retention check-in.',
});

/**
 * Bolt: baseline $400/wk, recent $250/wk. Gaps: declining and below baseline, (400 - 250) x 4 = $600.
 * Components 0.3 / 0.375 / 1.0 / 0.9 -> points 10.5 + 11.25 + 20 + 13.5 = 55.25. Recovery $540.
 */
export const BOLT = buildCustomer({
  customerId: 'C002',
  name: 'Bolt_Works',
  accountManager: 'jane@example.com',
  status: 'scored',
  series: [40_000, 40_000, 40_000, 40_000, 40_000, 40_000, 40_000, 40_000, 30_000, 25_000, 25_000, 20_000],
  metrics: buildMetrics({
    history: 60,
    baselineCents: 40_000,
    recentCents: 25_000,
    trendCentsPerPeriod: -1_500,
    trendPct: -0.0375,
    forecastCents: 19_000,
    zeroStreak: 0,
    lifetimeValueCents: 4_000_000,
    activeShare: 1,
    lastSalePeriod: AS_OF_WEEK,
  }),
  gaps: [
    {
      type: 'declining_revenue',
      amountCents: 60_000,
      rationale: 'revenue fell from $400.00/wk to $250.00/wk over 4 weeks',
      severity: 'medium',
    },
    {
      type: 'below_baseline',
      amountCents: 60_000,
      rationale: 'recent $250.00/wk is 63% of the usual $400.00/wk',
      severity: 'medium',
    },
  ],
  gapAmountCents: 60_000,
  score: 55.25,
  components: { revenueImpact: 0.3, churnRisk: 0.375, customerValue: 1, recoveryProbability: 0.9 },
  contributions: { revenueImpact: 10.5, churnRisk: 11.25, customerValue: 20, recoveryProbability: 13.5 },
  recoveryPotentialCents: 54_000,
  rank: 2,
  recommendation: 'Review the order mix with the buyer; look for lost product lines.',
});

export const CALM = buildCustomer({
  customerId: 'C003',
  name: 'Calm Co',
  status: 'no_gap',
  series: [10_000, 10_000, 10_000, 10_000, 10_000, 10_000],
  metrics: buildMetrics({
    history: 30,
    baselineCents: 10_000,
    recentCents: 10_000,
    lifetimeValueCents: 300_000,
  }),
});

export const NEWBIE = buildCustomer({
  customerId: 'C004',
  name: 'Newbie Ltd',
  status: 'too_new',
  series: [5_000, 7_000, 6_000],
  metrics: buildMetrics({ history: 3, lifetimeValueCents: 18_000 }),
});

export const GONE = buildCustomer({
  customerId: 'C005',
  name: 'Gone Inc',
  status: 'lapsed',
  series: [],
  metrics: buildMetrics({ history: 50, lifetimeValueCents: 90_000, lastSalePeriod: AS_OF_WEEK - 20 }),
});

export const GHOST = buildCustomer({ customerId: 'C006', name: 'Ghost LLC', status: 'no_sales' });

/** The sample result: 3 judged customers (2 with gaps), 1 too new, 1 lapsed, 1 with no sales. */
export function buildSampleResult(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  const partialWeek = AS_OF_WEEK + 1;
  return {
    rules: 'revgap',
    period: WEEKLY,
    asOf: {
      period: AS_OF_WEEK,
      startDay: periodStartDay(AS_OF_WEEK, WEEKLY),
      endDay: periodEndDay(AS_OF_WEEK, WEEKLY),
    },
    partialPeriod: {
      period: partialWeek,
      startDay: periodStartDay(partialWeek, WEEKLY),
      endDay: periodEndDay(partialWeek, WEEKLY),
      rows: 3,
    },
    summary: {
      customersAnalyzed: 3,
      customersWithGaps: 2,
      customersTooNew: 1,
      customersLapsed: 1,
      customersNoSales: 1,
      gapsDetected: 5,
      gapsByType: { declining_revenue: 1, below_baseline: 2, zero_spend: 1, churn_risk: 1 },
      churnRiskCustomers: 1,
      // 2,000 + 600 (largest gap per customer).
      totalGapCents: 260_000,
      // 600 + 540.
      recoveryPotentialTopNCents: 114_000,
      topN: 20,
      rowsRead: 120,
      rowsRejected: 2,
    },
    priorities: [priorityOf(ACME), priorityOf(BOLT)],
    churnRisk: [
      {
        customerId: 'C001',
        customerName: 'Acme | *Corp*',
        accountManager: 'U0ACME01',
        zeroStreak: 4,
        baselineCents: 50_000,
        atRiskCents: 200_000,
        lastSalePeriod: AS_OF_WEEK - 4,
        churnRisk: 1,
      },
    ],
    gapsByType: {
      declining_revenue: { count: 1, amountCents: 60_000, share: 60_000 / 260_000 },
      below_baseline: { count: 2, amountCents: 260_000, share: 1 },
      zero_spend: { count: 1, amountCents: 200_000, share: 200_000 / 260_000 },
      churn_risk: { count: 1, amountCents: 200_000, share: 200_000 / 260_000 },
    },
    customers: [ACME, BOLT, CALM, GHOST, NEWBIE, GONE].sort((a, b) =>
      a.rank !== null || b.rank !== null
        ? (a.rank ?? Number.POSITIVE_INFINITY) - (b.rank ?? Number.POSITIVE_INFINITY)
        : a.customerId.localeCompare(b.customerId),
    ),
    recommendations: [
      'Call the 1 churn-risk customer this week; $2,000.00 is at stake.',
      'Review order mix with 1 declining customer.',
    ],
    dataQuality: buildDataQuality(),
    suggestMonthly: false,
    ...overrides,
  };
}

export function sampleSettings(
  overrides: Parameters<typeof defaultAnalysisSettings>[0] = {},
): AnalysisSettings {
  return defaultAnalysisSettings(overrides);
}

/**
 * A large synthetic result for limit tests: `count` scored customers with `nameLength`-char names
 * (with markdown and mrkdwn specials in them), huge amounts, every gap type, all in the priorities.
 */
export function buildLargeResult(count: number, nameLength: number): AnalysisResult {
  const types: GapType[] = ['churn_risk', 'zero_spend', 'declining_revenue', 'below_baseline'];
  const customers: CustomerAnalysis[] = [];
  for (let i = 0; i < count; i++) {
    const id = `CUST-${String(i).padStart(6, '0')}-${'x'.repeat(40)}`;
    const stem = `<!channel> *Big* _Customer_ | ${i} & Sons \`ltd\` `;
    const name = (stem + 'Ñ'.repeat(nameLength)).slice(0, nameLength);
    const gapCents = 9_000_000_000_000 - i;
    customers.push(
      buildCustomer({
        customerId: id,
        name,
        accountManager: i % 2 === 0 ? `U${String(i).padStart(10, '0')}` : `${'a'.repeat(200)}@example.com`,
        status: 'scored',
        series: Array.from({ length: 52 }, (_, k) => (k * 7919 + i) % 1_000_000_000),
        metrics: buildMetrics({ history: 200, baselineCents: gapCents, lifetimeValueCents: gapCents * 10 }),
        gaps: types.map((type) => ({
          type,
          amountCents: gapCents,
          rationale: `rationale ${'r'.repeat(250)}`,
          severity: 'high' as const,
        })),
        gapAmountCents: gapCents,
        score: 99.99,
        components: { ...ZERO_COMPONENTS, revenueImpact: 1, churnRisk: 1 },
        contributions: { ...ZERO_COMPONENTS, revenueImpact: 35, churnRisk: 30 },
        recoveryPotentialCents: gapCents,
        rank: i + 1,
        recommendation: 'Call this week; offer a retention check-in.',
      }),
    );
  }
  const base = buildSampleResult();
  return {
    ...base,
    summary: {
      ...base.summary,
      customersAnalyzed: count,
      customersWithGaps: count,
      gapsDetected: count * 4,
      gapsByType: { declining_revenue: count, below_baseline: count, zero_spend: count, churn_risk: count },
      churnRiskCustomers: count,
      totalGapCents: 9_000_000_000_000 * count,
      recoveryPotentialTopNCents: 9_000_000_000_000 * count,
      topN: count,
    },
    priorities: customers.map(priorityOf),
    churnRisk: customers.map((c) => ({
      customerId: c.customerId,
      customerName: c.name,
      zeroStreak: 9,
      baselineCents: c.gapAmountCents,
      atRiskCents: c.gapAmountCents,
      lastSalePeriod: null,
      churnRisk: 1,
    })),
    customers,
  };
}
