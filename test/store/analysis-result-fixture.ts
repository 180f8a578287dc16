/**
 * A deterministic AnalysisResult of `customers` customers, shaped like a real one (series, metrics,
 * gaps, nested data quality), for snapshot round trips. Values are arbitrary but reproducible.
 */
import type { AnalysisResult, CustomerAnalysis, Priority } from '../../src/core/types.ts';

const components = { revenueImpact: 0.8, churnRisk: 0.5, customerValue: 0.25, recoveryProbability: 0.125 };

export function makeAnalysisResult(customers: number): AnalysisResult {
  const list: CustomerAnalysis[] = [];
  for (let i = 0; i < customers; i++) {
    const scored = i % 3 === 0;
    list.push({
      customerId: `C-${String(i).padStart(6, '0')}`,
      name: i % 7 === 0 ? `Kunde "Müller" & Söhne ${i} ✓` : `Customer ${i}`,
      ...(i % 2 === 0 ? { segment: 'SMB', accountManager: 'U0AM' } : {}),
      status: scored ? 'scored' : 'no_gap',
      series: Array.from({ length: 12 }, (_, p) => ((i * 37 + p * 101) % 5000) * 100 - (p === 3 ? 2550 : 0)),
      seriesStartPeriod: 2905,
      metrics: {
        history: 40,
        baselineCents: 41_200,
        recentCents: 15_500,
        trendCentsPerPeriod: -1_234.5,
        trendPct: -1234.5 / 41_200,
        forecastCents: 12_000,
        zeroStreak: i % 4,
        lifetimeValueCents: 1_234_567 + i,
        activeShare: 0.75,
        lastSalePeriod: i % 5 === 0 ? null : 2916,
      },
      gaps: scored
        ? [
            {
              type: 'declining_revenue',
              amountCents: 25_700,
              rationale: 'revenue fell from $412/wk to $155/wk over 4 weeks',
              severity: 'high',
            },
          ]
        : [],
      gapAmountCents: scored ? 25_700 : 0,
      score: scored ? 61.25 : null,
      components: scored ? components : null,
      contributions: scored ? components : null,
      recoveryPotentialCents: scored ? 12_850 : 0,
      rank: scored ? i / 3 + 1 : null,
      recommendation: scored ? 'Review the order mix with the buyer; look for lost product lines.' : null,
    });
  }
  const priorities: Priority[] = list
    .filter((c) => c.rank !== null)
    .slice(0, 20)
    .map((c) => ({
      rank: c.rank ?? 0,
      customerId: c.customerId,
      customerName: c.name,
      gapTypes: ['declining_revenue'],
      gapAmountCents: c.gapAmountCents,
      recoveryPotentialCents: c.recoveryPotentialCents,
      score: 61.25,
      components,
      contributions: components,
      rationale: ['revenue fell from $412/wk to $155/wk over 4 weeks'],
      recommendation: 'Review the order mix with the buyer; look for lost product lines.',
    }));
  const gapSummary = { count: priorities.length, amountCents: 25_700 * priorities.length, share: 1 };
  const empty = { count: 0, amountCents: 0, share: 0 };
  return {
    rules: 'revgap',
    period: { kind: 'week', weekStartsOn: 1 },
    asOf: { period: 2916, startDay: 20_412, endDay: 20_418 },
    partialPeriod: { period: 2917, startDay: 20_419, endDay: 20_425, rows: 12 },
    summary: {
      customersAnalyzed: customers,
      customersWithGaps: Math.ceil(customers / 3),
      customersTooNew: 0,
      customersLapsed: 0,
      customersNoSales: 0,
      gapsDetected: Math.ceil(customers / 3),
      gapsByType: {
        declining_revenue: Math.ceil(customers / 3),
        below_baseline: 0,
        zero_spend: 0,
        churn_risk: 0,
      },
      churnRiskCustomers: 0,
      totalGapCents: 25_700 * Math.ceil(customers / 3),
      recoveryPotentialTopNCents: 12_850 * priorities.length,
      topN: 20,
      rowsRead: customers * 52,
      rowsRejected: 1,
    },
    priorities,
    churnRisk: [],
    gapsByType: {
      declining_revenue: gapSummary,
      below_baseline: empty,
      zero_spend: empty,
      churn_risk: empty,
    },
    customers: list,
    recommendations: ['Call the top 5 this week.'],
    dataQuality: {
      source: 'data/sales.csv',
      rowsRead: customers * 52,
      rowsAccepted: customers * 52 - 1,
      rowsRejected: 1,
      rejectedByCode: { bad_amount: 1 },
      problems: [
        {
          file: 'data/sales.csv',
          line: 7,
          column: 'amount',
          reason: 'amount "12,3x" is not a number',
          code: 'bad_amount',
        },
      ],
      duplicateRows: 0,
      duplicatesDropped: false,
    },
    suggestMonthly: false,
  };
}
