/**
 * A synthetic analysis of N customers for the request-path benchmarks (bench/slack-answer.ts,
 * bench/answer-latency.ts): 30% ranked with a declining-revenue gap, ids `C0000000`..., names made of
 * ten words so lookups by name and typos have something to find.
 */
import type { AnalysisResult, CustomerAnalysis, Priority } from '../src/core/types.ts';
import { emptyQuality } from '../src/use-cases/run-analysis.ts';

const WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
];
const SUFFIX = ['Inc', 'LLC', 'Ltd', 'Co', 'Group'];
const ZERO = { revenueImpact: 0, churnRisk: 0, customerValue: 0, recoveryProbability: 0 };

export function syntheticResult(n: number): AnalysisResult {
  const customers: CustomerAnalysis[] = [];
  const scored = Math.floor(n * 0.3);
  for (let i = 0; i < n; i++) {
    const ranked = i < scored;
    customers.push({
      customerId: `C${String(i).padStart(7, '0')}`,
      name: `${WORDS[i % 10]} ${WORDS[Math.floor(i / 10) % 10]} ${SUFFIX[i % 5]} ${i}`,
      accountManager: `am${i % 200}@example.com`,
      status: ranked ? 'scored' : 'no_gap',
      series: [10_000, 9_000, 8_000, 7_000, 6_000, 5_000, 4_000, 3_000],
      seriesStartPeriod: 2960,
      metrics: null,
      gaps: ranked
        ? [
            {
              type: 'declining_revenue',
              amountCents: 100_000 + scored - i,
              rationale: 'revenue fell',
              severity: 'medium',
            },
          ]
        : [],
      gapAmountCents: ranked ? 100_000 + scored - i : 0,
      score: ranked ? 90 - (i / scored) * 80 : null,
      components: ranked ? { ...ZERO, revenueImpact: 0.5 } : null,
      contributions: ranked ? { ...ZERO, revenueImpact: 17.5 } : null,
      recoveryPotentialCents: ranked ? 50_000 : 0,
      rank: ranked ? i + 1 : null,
      recommendation: ranked ? 'Review the order mix.' : null,
    });
  }
  const priorities: Priority[] = customers.slice(0, 20).map((c) => ({
    rank: c.rank!,
    customerId: c.customerId,
    customerName: c.name,
    ...(c.accountManager ? { accountManager: c.accountManager } : {}),
    gapTypes: ['declining_revenue'],
    gapAmountCents: c.gapAmountCents,
    recoveryPotentialCents: c.recoveryPotentialCents,
    score: c.score!,
    components: c.components!,
    contributions: c.contributions!,
    rationale: ['revenue fell'],
    recommendation: c.recommendation!,
  }));
  return {
    rules: 'revgap',
    period: { kind: 'week', weekStartsOn: 1 },
    asOf: { period: 2968, startDay: 20773, endDay: 20779 },
    partialPeriod: null,
    summary: {
      customersAnalyzed: n,
      customersWithGaps: scored,
      customersTooNew: 0,
      customersLapsed: 0,
      customersNoSales: 0,
      gapsDetected: scored,
      gapsByType: { declining_revenue: scored, below_baseline: 0, zero_spend: 0, churn_risk: 0 },
      churnRiskCustomers: 0,
      totalGapCents: 0,
      recoveryPotentialTopNCents: 0,
      topN: 20,
      rowsRead: 0,
      rowsRejected: 0,
    },
    priorities,
    churnRisk: [],
    gapsByType: {
      declining_revenue: { count: scored, amountCents: 0, share: 1 },
      below_baseline: { count: 0, amountCents: 0, share: 0 },
      zero_spend: { count: 0, amountCents: 0, share: 0 },
      churn_risk: { count: 0, amountCents: 0, share: 0 },
    },
    customers,
    recommendations: [],
    dataQuality: emptyQuality('synthetic'),
    suggestMonthly: false,
  };
}
