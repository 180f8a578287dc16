/**
 * The machine-readable analysis (`--format json`), field names as in shared/spec/analysis.md
 * section 6, and its zod schema (the CLI tests validate output against it).
 *
 * Amounts are numbers in the currency's major unit, rounded to cents (core's `centsToMajor`: integer
 * cents / 100, which IEEE division rounds to the nearest double of the exact decimal, `12345` -> `123.45`).
 * Dates are ISO `YYYY-MM-DD`; periods also carry their label ("week of 2026-11-16").
 */

import { z } from 'zod';
import type { BacktestResult } from '../core/backtest.ts';
import { centsToMajor } from '../core/money.ts';
import { formatPeriod, isoFromDay, periodEndDay, periodStartDay } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import {
  type AnalysisResult,
  type CustomerAnalysis,
  GAP_TYPES,
  type ScoreComponents,
} from '../core/types.ts';
import { reliabilityLine } from './backtest-report.ts';
import { describeWarnings } from './format.ts';

/** Bumped on any incompatible change to the document's shape. */
export const JSON_DOCUMENT_VERSION = 1;

const gapTypeSchema = z.enum(['declining_revenue', 'below_baseline', 'zero_spend', 'churn_risk']);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const amount = z.number().describe('Money in the major unit (e.g. dollars), rounded to cents');
const unit = z.number().min(0).max(1);

const componentsSchema = z.strictObject({
  revenueImpact: unit,
  churnRisk: unit,
  customerValue: unit,
  recoveryProbability: unit,
});
/** Weighted points of each component (they add up to the score). */
const contributionsSchema = z.strictObject({
  revenueImpact: z.number(),
  churnRisk: z.number(),
  customerValue: z.number(),
  recoveryProbability: z.number(),
});

const periodRefSchema = z.strictObject({
  label: z.string(),
  startDate: isoDate,
  endDate: isoDate,
});

const problemSchema = z.strictObject({
  file: z.string(),
  line: z.number().int(),
  column: z.string().nullable(),
  reason: z.string(),
  code: z.string(),
});

const customerRefSchema = z.strictObject({
  customerId: z.string(),
  customerName: z.string(),
  segment: z.string().nullable(),
  accountManager: z.string().nullable(),
});

export const analysisDocumentSchema = z.strictObject({
  version: z.literal(JSON_DOCUMENT_VERSION),
  rules: z.enum(['revgap', 'seed']),
  generatedAt: z.string().nullable(),
  currency: z.string(),
  asOf: periodRefSchema,
  partialPeriod: periodRefSchema.extend({ rows: z.number().int() }).nullable(),
  summary: z.strictObject({
    customersAnalyzed: z.number().int(),
    customersWithGaps: z.number().int(),
    customersTooNew: z.number().int(),
    customersLapsed: z.number().int(),
    customersNoSales: z.number().int(),
    gapsDetected: z.number().int(),
    gapsByType: z.strictObject({
      declining_revenue: z.number().int(),
      below_baseline: z.number().int(),
      zero_spend: z.number().int(),
      churn_risk: z.number().int(),
    }),
    churnRiskCustomers: z.number().int(),
    totalGapAmount: amount,
    recoveryPotentialTopN: amount,
    topN: z.number().int(),
    rowsRead: z.number().int(),
    rowsRejected: z.number().int(),
  }),
  priorities: z.array(
    z.strictObject({
      rank: z.number().int().min(1),
      customerId: z.string(),
      customerName: z.string(),
      segment: z.string().nullable(),
      gapTypes: z.array(gapTypeSchema),
      gapAmount: amount,
      recoveryPotential: amount,
      score: z.number().min(0).max(100),
      components: componentsSchema,
      contributions: contributionsSchema,
      rationale: z.array(z.string()),
      recommendation: z.string(),
      accountManager: z.string().nullable(),
      /** Present only when not 1: the customer's median gap between sale periods. */
      cadence: z.number().positive().optional(),
      /** churnModel bgnbd only: P(alive) and which churn check raised churn_risk. */
      pAlive: unit.optional(),
      churnFiredBy: z.array(z.enum(['cadence', 'p_alive'])).optional(),
      evidence: z
        .strictObject({
          lostShare: unit,
          n: z.number().int(),
          horizon: z.number().int(),
          basis: z.enum(['type_and_band', 'type', 'any_gap']),
          baseRate: unit.nullable(),
        })
        .nullable()
        .describe(
          'Calibrated risk: share of customers flagged like this in the backtest that lost half their revenue within horizon periods (n flagged; null below n = 30 or without a backtest)',
        ),
      supplyMark: z
        .strictObject({
          storeId: z.string(),
          recentStockoutShare: unit,
          baselineStockoutShare: unit,
          stockoutPeriods: z.array(z.string()),
          skusOut: z.array(z.strictObject({ sku: z.string(), periods: z.array(z.string()) })),
          dip: amount,
        })
        .optional()
        .describe(
          "With a stock file: the gap is possibly the store's own stockouts (which SKUs were out and the first days of those periods; dip = mean revenue below trend in them)",
        ),
    }),
  ),
  churnRisk: z.array(
    z.strictObject({
      customerId: z.string(),
      customerName: z.string(),
      accountManager: z.string().nullable(),
      zeroStreak: z.number().int(),
      baseline: amount,
      atRisk: amount,
      lastSale: periodRefSchema.nullable(),
      churnRisk: unit,
    }),
  ),
  gapsByType: z.strictObject({
    declining_revenue: z.strictObject({ count: z.number().int(), amount, share: z.number() }),
    below_baseline: z.strictObject({ count: z.number().int(), amount, share: z.number() }),
    zero_spend: z.strictObject({ count: z.number().int(), amount, share: z.number() }),
    churn_risk: z.strictObject({ count: z.number().int(), amount, share: z.number() }),
  }),
  recommendations: z.array(z.string()),
  tooNew: z.array(customerRefSchema.extend({ history: z.number().int().nullable() })),
  lapsed: z.array(customerRefSchema.extend({ lastSale: periodRefSchema.nullable() })),
  noSales: z.array(customerRefSchema),
  dataQuality: z.strictObject({
    source: z.string(),
    rowsRead: z.number().int(),
    rowsAccepted: z.number().int(),
    rowsRejected: z.number().int(),
    rejectedByCode: z.record(z.string(), z.number().int()),
    problems: z.array(problemSchema),
    duplicateRows: z.number().int(),
    duplicatesDropped: z.boolean(),
    /** Lines of the first dropped duplicate rows (at most maxProblemsListed), in file order; empty when none. */
    duplicateLines: z.array(z.number().int()),
    /** Rows dated far after all the others, left out of the default as-of choice; empty when none. */
    setAsideRows: z.array(
      z.strictObject({ customerId: z.string(), date: z.string(), line: z.number().int().nullable() }),
    ),
    rowsAfterAsOf: z.number().int(),
    customers: z
      .strictObject({
        source: z.string(),
        rowsRead: z.number().int(),
        rowsRejected: z.number().int(),
        problems: z.array(problemSchema),
      })
      .nullable(),
    suggestMonthly: z.boolean(),
    /** Accepted rows by the currency written in the amount; absent when amounts are bare numbers. */
    currencies: z.record(z.string(), z.number().int()).optional(),
    /** The report's Data quality warnings (mixed currencies, as-of after the data, ...); often empty. */
    warnings: z.array(z.string()),
    periodStamped: z
      .boolean()
      .optional()
      .describe(
        'Present (true) when every row is dated on its period’s first day: each row is that period’s total',
      ),
  }),
  method: z.strictObject({
    rules: z.enum(['revgap', 'seed']),
    period: z.enum(['week', 'month']),
    weekStartsOn: z.string(),
    lookback: z.number().int(),
    recentWindow: z.number().int(),
    minHistory: z.number().int(),
    thresholds: z.strictObject({
      decliningTrendPct: z.number(),
      belowBaselineRatio: z.number(),
      churnZeroStreak: z.number().int(),
    }),
    weights: componentsSchema,
    topN: z.number().int(),
    currency: z.string(),
    badRows: z.enum(['lenient', 'strict']),
    dropDuplicates: z.boolean(),
    recommendations: z.strictObject({
      declining_revenue: z.string(),
      below_baseline: z.string(),
      zero_spend: z.string(),
      churn_risk: z.string(),
    }),
  }),
  pastFlags: z
    .strictObject({
      summary: z.string(),
      horizon: z.number().int(),
      replayPoints: z.number().int(),
      tooShort: z.boolean(),
      population: z.number().int(),
      lost: z.number().int(),
      baseRate: unit.nullable(),
      flagSets: z.record(
        z.string(),
        z.strictObject({
          flagged: z.number().int(),
          lostFlagged: z.number().int(),
          precision: unit.nullable(),
          recall: unit.nullable(),
          lift: z.number().nullable(),
          revenueCoverage: unit.nullable(),
        }),
      ),
    })
    .optional()
    .describe(
      'How reliable past flags were: the backtest on this history, pooled over its replay points (revgap rules)',
    ),
  supply: z
    .strictObject({
      source: z.string(),
      rule: z.string(),
      gapsWithStore: z.number().int(),
      gapsWithStock: z.number().int(),
      marked: z.number().int(),
    })
    .optional()
    .describe('With a stock file: how many gaps the supply-side rule marked, and the rule'),
  hints: z
    .array(z.string())
    .optional()
    .describe('Present when the analysis has hints on how the data was read (e.g. a mismatched week start)'),
});

export type AnalysisDocument = z.infer<typeof analysisDocumentSchema>;

export interface JsonDocumentOptions {
  /** ISO timestamp of the run, when the caller wants one in the document (null otherwise). */
  generatedAt?: string;
}

/** Integer cents to a major-unit number rounded to cents (core's conversion), re-exported for callers. */
export { centsToMajor };

/** Rounds to `digits` decimals via the decimal string, so 0.1 + 0.2 style noise does not leak out. */
function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function components(c: ScoreComponents, digits: number): ScoreComponents {
  return {
    revenueImpact: roundTo(c.revenueImpact, digits),
    churnRisk: roundTo(c.churnRisk, digits),
    customerValue: roundTo(c.customerValue, digits),
    recoveryProbability: roundTo(c.recoveryProbability, digits),
  };
}

function customerRef(c: CustomerAnalysis) {
  return {
    customerId: c.customerId,
    customerName: c.name,
    segment: c.segment ?? null,
    accountManager: c.accountManager ?? null,
  };
}

/** Builds the JSON document; `JSON.stringify(doc, null, 2)` is what the CLI prints. */
export function buildJsonDocument(
  result: AnalysisResult,
  settings: AnalysisSettings,
  options: JsonDocumentOptions = {},
): AnalysisDocument {
  const spec = result.period;
  const periodRef = (period: number) => ({
    label: formatPeriod(period, spec),
    startDate: isoFromDay(periodStartDay(period, spec)),
    endDate: isoFromDay(periodEndDay(period, spec)),
  });
  const s = result.summary;
  const dq = result.dataQuality;
  const problem = (p: (typeof dq.problems)[number]) => ({
    file: p.file,
    line: p.line,
    column: p.column ?? null,
    reason: p.reason,
    code: p.code,
  });
  const gapsByType = Object.fromEntries(
    GAP_TYPES.map((t) => {
      const g = result.gapsByType[t];
      return [t, { count: g.count, amount: centsToMajor(g.amountCents), share: roundTo(g.share, 4) }];
    }),
  ) as AnalysisDocument['gapsByType'];

  return {
    version: JSON_DOCUMENT_VERSION,
    rules: result.rules,
    generatedAt: options.generatedAt ?? null,
    currency: settings.currency,
    asOf: {
      label: formatPeriod(result.asOf.period, spec),
      startDate: isoFromDay(result.asOf.startDay),
      endDate: isoFromDay(result.asOf.endDay),
    },
    partialPeriod: result.partialPeriod
      ? {
          label: formatPeriod(result.partialPeriod.period, spec),
          startDate: isoFromDay(result.partialPeriod.startDay),
          endDate: isoFromDay(result.partialPeriod.endDay),
          rows: result.partialPeriod.rows,
        }
      : null,
    summary: {
      customersAnalyzed: s.customersAnalyzed,
      customersWithGaps: s.customersWithGaps,
      customersTooNew: s.customersTooNew,
      customersLapsed: s.customersLapsed,
      customersNoSales: s.customersNoSales,
      gapsDetected: s.gapsDetected,
      gapsByType: { ...s.gapsByType },
      churnRiskCustomers: s.churnRiskCustomers,
      totalGapAmount: centsToMajor(s.totalGapCents),
      recoveryPotentialTopN: centsToMajor(s.recoveryPotentialTopNCents),
      topN: s.topN,
      rowsRead: s.rowsRead,
      rowsRejected: s.rowsRejected,
    },
    priorities: result.priorities.map((p) => ({
      rank: p.rank,
      customerId: p.customerId,
      customerName: p.customerName,
      segment: p.segment ?? null,
      gapTypes: [...p.gapTypes],
      gapAmount: centsToMajor(p.gapAmountCents),
      recoveryPotential: centsToMajor(p.recoveryPotentialCents),
      score: roundTo(p.score, 2),
      components: components(p.components, 4),
      contributions: components(p.contributions, 2),
      rationale: [...p.rationale],
      recommendation: p.recommendation,
      accountManager: p.accountManager ?? null,
      ...(p.cadence === undefined ? {} : { cadence: roundTo(p.cadence, 2) }),
      ...(p.pAlive === undefined ? {} : { pAlive: roundTo(p.pAlive, 4) }),
      ...(p.churnFiredBy === undefined ? {} : { churnFiredBy: [...p.churnFiredBy] }),
      evidence: p.evidence
        ? {
            lostShare: roundTo(p.evidence.lostShare, 4),
            n: p.evidence.n,
            horizon: p.evidence.horizon,
            basis: p.evidence.basis,
            baseRate: p.evidence.baseRate === null ? null : roundTo(p.evidence.baseRate, 4),
          }
        : null,
      ...(p.supplyMark
        ? {
            supplyMark: {
              storeId: p.supplyMark.storeId,
              recentStockoutShare: roundTo(p.supplyMark.recentStockoutShare, 4),
              baselineStockoutShare: roundTo(p.supplyMark.baselineStockoutShare, 4),
              stockoutPeriods: [...p.supplyMark.stockoutPeriods],
              skusOut: p.supplyMark.skusOut.map((x) => ({ sku: x.sku, periods: [...x.periods] })),
              dip: centsToMajor(p.supplyMark.dipCents),
            },
          }
        : {}),
    })),
    churnRisk: result.churnRisk.map((c) => ({
      customerId: c.customerId,
      customerName: c.customerName,
      accountManager: c.accountManager ?? null,
      zeroStreak: c.zeroStreak,
      baseline: centsToMajor(c.baselineCents),
      atRisk: centsToMajor(c.atRiskCents),
      lastSale: c.lastSalePeriod === null ? null : periodRef(c.lastSalePeriod),
      churnRisk: roundTo(c.churnRisk, 4),
    })),
    gapsByType,
    recommendations: [...result.recommendations],
    tooNew: result.customers
      .filter((c) => c.status === 'too_new')
      .map((c) => ({ ...customerRef(c), history: c.metrics?.history ?? null })),
    lapsed: result.customers
      .filter((c) => c.status === 'lapsed')
      .map((c) => {
        const last = c.metrics?.lastSalePeriod ?? null;
        return { ...customerRef(c), lastSale: last === null ? null : periodRef(last) };
      }),
    noSales: result.customers.filter((c) => c.status === 'no_sales').map(customerRef),
    dataQuality: {
      source: dq.source,
      rowsRead: dq.rowsRead,
      rowsAccepted: dq.rowsAccepted,
      rowsRejected: dq.rowsRejected,
      rejectedByCode: { ...dq.rejectedByCode },
      problems: dq.problems.map(problem),
      duplicateRows: dq.duplicateRows,
      duplicatesDropped: dq.duplicatesDropped,
      duplicateLines: [...(dq.duplicateLines ?? [])],
      setAsideRows: (dq.setAsideRows ?? []).map((r) => ({
        customerId: r.customerId,
        date: r.date,
        line: r.line ?? null,
      })),
      rowsAfterAsOf: dq.rowsAfterAsOf ?? 0,
      customers: dq.customers
        ? {
            source: dq.customers.source,
            rowsRead: dq.customers.rowsRead,
            rowsRejected: dq.customers.rowsRejected,
            problems: dq.customers.problems.map(problem),
          }
        : null,
      suggestMonthly: result.suggestMonthly,
      ...(dq.currencies ? { currencies: { ...dq.currencies } } : {}),
      warnings: describeWarnings(result, settings),
      ...(result.periodStamped ? { periodStamped: true } : {}),
    },
    method: {
      rules: settings.rules,
      period: settings.period,
      weekStartsOn: settings.weekStartsOn,
      lookback: settings.lookback,
      recentWindow: settings.recentWindow,
      minHistory: settings.minHistory,
      thresholds: {
        decliningTrendPct: settings.decliningTrendPct,
        belowBaselineRatio: settings.belowBaselineRatio,
        churnZeroStreak: settings.churnZeroStreak,
      },
      weights: { ...settings.weights },
      topN: result.summary.topN,
      currency: settings.currency,
      badRows: settings.badRows,
      dropDuplicates: settings.dropDuplicates,
      recommendations: { ...settings.recommendations },
    },
    ...(result.backtest ? { pastFlags: pastFlags(result.backtest) } : {}),
    ...(result.supply ? { supply: { ...result.supply } } : {}),
    ...(result.hints && result.hints.length > 0 ? { hints: [...result.hints] } : {}),
  };
}

function ratio4(x: number | null): number | null {
  return x === null ? null : roundTo(x, 4);
}

/** The backtest's pooled figures for the JSON document, each rate beside its counts. */
function pastFlags(backtest: BacktestResult): NonNullable<AnalysisDocument['pastFlags']> {
  const o = backtest.overall;
  return {
    summary: reliabilityLine(backtest),
    horizon: backtest.horizon,
    replayPoints: backtest.points.length,
    tooShort: backtest.tooShort,
    population: o.population,
    lost: o.lost,
    baseRate: ratio4(o.baseRate),
    flagSets: Object.fromEntries(
      o.sets.map((s) => [
        s.set,
        {
          flagged: s.flagged,
          lostFlagged: s.lostFlagged,
          precision: ratio4(s.precision),
          recall: ratio4(s.recall),
          lift: ratio4(s.lift),
          revenueCoverage: ratio4(s.revenueCoverage),
        },
      ]),
    ),
  };
}
