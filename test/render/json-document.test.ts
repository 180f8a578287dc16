import { describe, expect, it } from 'vitest';
import { analysisDocumentSchema, buildJsonDocument, centsToMajor } from '../../src/render/json-document.ts';
import {
  buildDataQuality,
  buildLargeResult,
  buildSampleResult,
  sampleSettings,
} from '../helpers/build-result.ts';

describe('centsToMajor', () => {
  it('converts integer cents to the major unit exactly', () => {
    expect(centsToMajor(123_456)).toBe(1234.56);
    expect(centsToMajor(-5)).toBe(-0.05);
    expect(centsToMajor(10)).toBe(0.1);
    expect(centsToMajor(0)).toBe(0);
    expect(centsToMajor(900_719_925_474_099)).toBe(9_007_199_254_740.99);
  });

  it('rounds fractional cents (means) to whole cents', () => {
    expect(centsToMajor(12.5)).toBe(0.13);
    expect(centsToMajor(1234.4)).toBe(12.34);
  });
});

describe('buildJsonDocument', () => {
  const doc = buildJsonDocument(buildSampleResult(), sampleSettings());

  it('passes its own schema', () => {
    expect(analysisDocumentSchema.safeParse(doc).success).toBe(true);
  });

  it('lists the set-aside rows and dropped duplicate lines as fields, empty for clean data (issue 13)', () => {
    expect(doc.dataQuality.setAsideRows).toEqual([]);
    expect(doc.dataQuality.duplicateLines).toEqual([]);
    const odd = buildJsonDocument(
      buildSampleResult({
        dataQuality: buildDataQuality({
          setAsideRows: [
            { customerId: 'C1', date: '2062-04-20', line: 34 },
            { customerId: 'C9', date: '2061-01-01' },
          ],
          duplicateRows: 2,
          duplicatesDropped: true,
          duplicateLines: [7, 12],
        }),
      }),
      sampleSettings(),
    );
    expect(analysisDocumentSchema.safeParse(odd).success).toBe(true);
    expect(odd.dataQuality.setAsideRows).toEqual([
      { customerId: 'C1', date: '2062-04-20', line: 34 },
      { customerId: 'C9', date: '2061-01-01', line: null },
    ]);
    expect(odd.dataQuality.duplicateLines).toEqual([7, 12]);
    // The sentences stay too: the warning names the first set-aside row's line.
    expect(odd.dataQuality.warnings.join(' ')).toContain('line 34: 2062-04-20');
  });

  it('carries the currencies read and the report’s warnings, and none for clean data', () => {
    expect(doc.dataQuality.warnings).toEqual([]);
    expect(doc.dataQuality.currencies).toBeUndefined();
    const mixed = buildJsonDocument(
      buildSampleResult({ dataQuality: buildDataQuality({ currencies: { USD: 3, EUR: 1 } }) }),
      sampleSettings(),
    );
    expect(mixed.dataQuality.currencies).toEqual({ USD: 3, EUR: 1 });
    expect(mixed.dataQuality.warnings).toEqual([
      'The amounts are in several currencies (USD 3 rows, EUR 1 row) and were added up as written: revgap does not convert currencies; export one currency per file, or convert the amounts first.',
    ]);
    expect(analysisDocumentSchema.safeParse(mixed).success).toBe(true);
  });

  it('names the summary fields as the spec does, with amounts in dollars', () => {
    expect(doc.summary).toMatchObject({
      customersAnalyzed: 3,
      gapsDetected: 5,
      churnRiskCustomers: 1,
      totalGapAmount: 2600,
      recoveryPotentialTopN: 1140,
      gapsByType: { declining_revenue: 1, below_baseline: 2, zero_spend: 1, churn_risk: 1 },
    });
  });

  it('lists priorities with rank, amounts, components and rationale', () => {
    expect(doc.priorities[0]).toEqual({
      rank: 1,
      customerId: 'C001',
      customerName: 'Acme | *Corp*',
      segment: 'Retail',
      gapTypes: ['churn_risk', 'zero_spend', 'below_baseline'],
      gapAmount: 2000,
      recoveryPotential: 600,
      score: 79.5,
      components: { revenueImpact: 1, churnRisk: 1, customerValue: 0.5, recoveryProbability: 0.3 },
      contributions: { revenueImpact: 35, churnRisk: 30, customerValue: 10, recoveryProbability: 4.5 },
      rationale: [
        'no sales for 4 weeks after $500.00/wk',
        '4 of the last 4 weeks had no sales',
        'recent $0.00/wk is 0% of the usual $500.00/wk',
      ],
      recommendation: 'Call this week; offer a retention check-in.',
      accountManager: 'U0ACME01',
      // No backtest in this hand-built result: no calibrated risk.
      evidence: null,
    });
    expect(doc.priorities[1]?.accountManager).toBe('jane@example.com');
    expect(doc.priorities[1]?.segment).toBeNull();
  });

  it('gives the as-of week and the partial week as ISO dates with labels', () => {
    expect(doc.asOf).toEqual({ label: 'week of 2026-11-16', startDate: '2026-11-16', endDate: '2026-11-22' });
    expect(doc.partialPeriod).toEqual({
      label: 'week of 2026-11-23',
      startDate: '2026-11-23',
      endDate: '2026-11-29',
      rows: 3,
    });
  });

  it('lists churn risk, too new, lapsed and no-sales customers', () => {
    expect(doc.churnRisk).toEqual([
      {
        customerId: 'C001',
        customerName: 'Acme | *Corp*',
        accountManager: 'U0ACME01',
        zeroStreak: 4,
        baseline: 500,
        atRisk: 2000,
        lastSale: { label: 'week of 2026-10-19', startDate: '2026-10-19', endDate: '2026-10-25' },
        churnRisk: 1,
      },
    ]);
    expect(doc.tooNew).toEqual([
      { customerId: 'C004', customerName: 'Newbie Ltd', segment: null, accountManager: null, history: 3 },
    ]);
    expect(doc.lapsed.map((c) => [c.customerId, c.lastSale?.label])).toEqual([
      ['C005', 'week of 2026-06-29'],
    ]);
    expect(doc.noSales.map((c) => c.customerId)).toEqual(['C006']);
  });

  it('rounds gap shares to four decimals and amounts to cents', () => {
    expect(doc.gapsByType.declining_revenue).toEqual({ count: 1, amount: 600, share: 0.2308 });
    expect(doc.gapsByType.zero_spend).toEqual({ count: 1, amount: 2000, share: 0.7692 });
  });

  it('carries data quality and the settings used', () => {
    expect(doc.dataQuality.problems[0]).toEqual({
      file: 'sales.csv',
      line: 7,
      column: 'date',
      reason: 'date "2026-13-01" is not a valid date',
      code: 'bad_date',
    });
    expect(doc.dataQuality.rowsAfterAsOf).toBe(3);
    expect(doc.dataQuality.suggestMonthly).toBe(false);
    expect(doc.method).toMatchObject({
      rules: 'revgap',
      period: 'week',
      weekStartsOn: 'monday',
      lookback: 12,
      recentWindow: 4,
      topN: 20,
      weights: { revenueImpact: 0.35, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 },
      thresholds: { decliningTrendPct: -0.05, belowBaselineRatio: 0.8, churnZeroStreak: 2 },
    });
    expect(doc.generatedAt).toBeNull();
  });

  it('includes the generated-at time only when given', () => {
    const withTime = buildJsonDocument(buildSampleResult(), sampleSettings(), {
      generatedAt: '2026-11-24T07:00:00Z',
    });
    expect(withTime.generatedAt).toBe('2026-11-24T07:00:00Z');
  });

  it('survives a JSON round trip and still passes the schema', () => {
    const parsed: unknown = JSON.parse(JSON.stringify(doc));
    expect(analysisDocumentSchema.parse(parsed)).toEqual(doc);
  });

  it('rejects a document with a misspelled field', () => {
    const bad = { ...doc, summary: { ...doc.summary, customersAnalysed: 3 } };
    expect(analysisDocumentSchema.safeParse(bad).success).toBe(false);
  });

  it('handles a large result with huge amounts', () => {
    const big = buildJsonDocument(buildLargeResult(200, 300), sampleSettings({ topN: 200 }));
    expect(analysisDocumentSchema.safeParse(big).success).toBe(true);
    // 9,000,000,000,000 cents = $90,000,000,000.00.
    expect(big.priorities[0]?.gapAmount).toBe(90_000_000_000);
    expect(big.priorities[1]?.gapAmount).toBe(89_999_999_999.99);
  });
});
