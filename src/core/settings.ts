/**
 * Analysis settings: one zod schema, every field described, defaults from shared/spec/analysis.md.
 * Pure (zod only). `src/config.ts` layers defaults < config file < env < flags on top of this.
 */
import { z } from 'zod';

const weights = z
  .object({
    revenueImpact: z.number().min(0).max(1).default(0.35).describe('Weight of the revenue impact component'),
    churnRisk: z.number().min(0).max(1).default(0.3).describe('Weight of the churn risk component'),
    customerValue: z.number().min(0).max(1).default(0.2).describe('Weight of the customer value component'),
    recoveryProbability: z
      .number()
      .min(0)
      .max(1)
      .default(0.15)
      .describe('Weight of the recovery probability component'),
  })
  .default({ revenueImpact: 0.35, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 })
  .refine(
    (w) => Math.abs(w.revenueImpact + w.churnRisk + w.customerValue + w.recoveryProbability - 1) < 1e-9,
    { message: 'weights must sum to 1' },
  )
  .describe('Priority score weights (must sum to 1)');

/** `topN: all` (`--top all`): every ranked customer is listed. */
export const TOP_ALL = 1_000_000_000;

export const DEFAULT_RECOMMENDATIONS = {
  churn_risk: 'Call this week; offer a retention check-in.',
  zero_spend: 'Reach out about the missed orders; check for supply or service issues.',
  declining_revenue: 'Review the order mix with the buyer; look for lost product lines.',
  below_baseline: 'Schedule an account review; compare against their usual basket.',
} as const;

export const analysisSettingsSchema = z
  .object({
    rules: z
      .enum(['revgap', 'seed'])
      .default('revgap')
      .describe('Rule set: revgap (default) or seed (original system)'),
    period: z.enum(['week', 'month']).default('week').describe('Period granularity'),
    weekStartsOn: z
      .enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'])
      .default('monday')
      .describe('First day of a week'),
    asOf: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .optional()
      .describe('Analyse as of this date (default: the latest sale date)'),
    lookback: z.number().int().min(4).max(520).default(12).describe('Lookback window L in periods'),
    recentWindow: z.number().int().min(1).max(52).default(4).describe('Recent window R in periods'),
    minHistory: z.number().int().min(2).default(6).describe('Periods of history needed to be judged'),
    decliningTrendPct: z
      .number()
      .max(0)
      .default(-0.05)
      .describe('declining_revenue fires when trendPct <= this (per period) and recent < baseline'),
    belowBaselineRatio: z
      .number()
      .min(0)
      .max(1)
      .default(0.8)
      .describe('below_baseline fires when recent < this x baseline'),
    churnZeroStreak: z
      .number()
      .int()
      .min(1)
      .default(2)
      .describe('churn_risk fires at this many zero periods in a row'),
    churnModel: z
      .enum(['rules', 'bgnbd'])
      .default('rules')
      .describe(
        'Churn-risk component: rules (zero streak, decline, trend) or bgnbd (1 - P(alive) from a BG/NBD fit, beside the cadence check)',
      ),
    cadenceAware: z
      .boolean()
      .default(true)
      .describe(
        'Judge customers who buy less than every period against their own cadence (median gap between sales)',
      ),
    seasonality: z
      .boolean()
      .default(true)
      .describe(
        'With two full seasons of history, do not raise below-baseline/declining when in line with last season',
      ),
    weights,
    topN: z
      .preprocess(
        (v) => (typeof v === 'string' && v.trim().toLowerCase() === 'all' ? TOP_ALL : v),
        z.number().int().min(1).max(TOP_ALL),
      )
      .default(20)
      .describe(
        'How many priorities to list ("all": every ranked customer; the Slack digest stops at 1,000)',
      ),
    currency: z.string().min(1).default('USD').describe('ISO currency code used to format money'),
    badRows: z.enum(['lenient', 'strict']).default('lenient').describe('Bad-row policy'),
    dropDuplicates: z
      .boolean()
      .default(false)
      .describe('Drop exact duplicate rows (default: keep and report)'),
    maxProblemsListed: z.number().int().min(0).default(20).describe('Bad rows listed in full in reports'),
    recommendations: z
      .object({
        churn_risk: z.string().default(DEFAULT_RECOMMENDATIONS.churn_risk),
        zero_spend: z.string().default(DEFAULT_RECOMMENDATIONS.zero_spend),
        declining_revenue: z.string().default(DEFAULT_RECOMMENDATIONS.declining_revenue),
        below_baseline: z.string().default(DEFAULT_RECOMMENDATIONS.below_baseline),
      })
      .default(DEFAULT_RECOMMENDATIONS)
      .describe('Playbook line per gap type'),
  })
  .refine((s) => s.recentWindow < s.lookback, {
    message: 'recentWindow must be smaller than lookback',
    path: ['recentWindow'],
  });

/** Fully defaulted analysis settings. */
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

/** Defaults, for tests and callers with no config. */
export function defaultAnalysisSettings(
  overrides: Partial<z.input<typeof analysisSettingsSchema>> = {},
): AnalysisSettings {
  return analysisSettingsSchema.parse(overrides);
}
