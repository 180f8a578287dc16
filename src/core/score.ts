/**
 * The priority score (analysis spec section 5): four components in [0, 1], weighted into 0-100.
 * The formulas below are the documented choices of docs/analysis-formulas.md; change both together.
 */
import type { CustomerMetrics, ScoreComponents } from './types.ts';

export type ScoreWeights = ScoreComponents;

export interface ComponentSettings {
  /** Lookback window L. */
  lookback: number;
  /** Recent window R. */
  recentWindow: number;
  /**
   * Cadence multiple k of the customer (default 1): the windows above are already L x k and R x k;
   * recovery probability counts activeShare x k (capped at 1).
   */
  cadenceMultiple?: number;
  /** churnModel bgnbd: the churn component is 1 - P(alive) instead of the rules' blend. */
  pAlive?: number;
}

/** The denominators that make revenue impact and customer value relative to the scored customers. */
export interface ScoreScale {
  largestGapCents: number;
  largestLifetimeValueCents: number;
}

/**
 * The component settings of one customer: its windows L x k and R x k (k = its cadence multiple),
 * and P(alive) under churnModel bgnbd. For k = 1 and no model: L and R, as the spec writes them.
 */
export function componentSettingsOf(
  settings: { lookback: number; recentWindow: number },
  cadenceMultiple = 1,
  pAlive?: number,
): ComponentSettings {
  const out: ComponentSettings = {
    lookback: settings.lookback * cadenceMultiple,
    recentWindow: settings.recentWindow * cadenceMultiple,
    cadenceMultiple,
  };
  if (pAlive !== undefined) out.pAlive = pAlive;
  return out;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Churn risk: 1 once the customer has bought nothing for R periods in a row; otherwise
 * `0.5 x zeroStreak / R + 0.3 x decline + 0.2 x downtrend`, where decline = 1 - recent / baseline and
 * downtrend = -trendPct x R (the share of the baseline the trend line loses over one recent window),
 * both clamped to [0, 1]. Below a full streak the blend stays under 1, so a customer who has
 * stopped always outranks one who is only shrinking.
 */
export function churnRiskOf(m: CustomerMetrics, settings: ComponentSettings): number {
  if (settings.pAlive !== undefined) return clamp(1 - settings.pAlive, 0, 1);
  const r = settings.recentWindow;
  if (m.zeroStreak >= r) return 1;
  const decline = m.baselineCents > 0 ? clamp(1 - m.recentCents / m.baselineCents, 0, 1) : 0;
  const downtrend = clamp(-m.trendPct * r, 0, 1);
  return 0.5 * (m.zeroStreak / r) + 0.3 * decline + 0.2 * downtrend;
}

/**
 * Recovery probability: `0.05 + 0.9 x activeShare x (1 - zeroStreak / L)`, in [0.05, 0.95]. A
 * customer who bought in every period of the lookback and last period is at 0.95; each period of the
 * current zero streak takes 1/L of that away, and sporadic buyers start lower.
 */
export function recoveryProbabilityOf(m: CustomerMetrics, settings: ComponentSettings): number {
  const freshness = clamp(1 - m.zeroStreak / settings.lookback, 0, 1);
  // A sparse buyer (cadence multiple k >= 2) buying at its own rhythm is steady: activeShare x k.
  const steadiness = Math.min(1, m.activeShare * (settings.cadenceMultiple ?? 1));
  return clamp(0.05 + 0.9 * steadiness * freshness, 0.05, 0.95);
}

/** All four components of a scored customer. */
export function scoreComponents(
  m: CustomerMetrics,
  gapAmountCents: number,
  scale: ScoreScale,
  settings: ComponentSettings,
): ScoreComponents {
  return componentsOf(
    gapAmountCents,
    m.lifetimeValueCents,
    scale,
    churnRiskOf(m, settings),
    recoveryProbabilityOf(m, settings),
  );
}

/**
 * The four components from the two that depend on the customer alone (churn risk, recovery
 * probability) and the scale of the customers scored with it. The backtest computes the first two
 * as it meets each customer and this once the replay point's scale is known.
 */
export function componentsOf(
  gapAmountCents: number,
  lifetimeValueCents: number,
  scale: ScoreScale,
  churnRisk: number,
  recoveryProbability: number,
): ScoreComponents {
  return {
    revenueImpact: scale.largestGapCents > 0 ? clamp(gapAmountCents / scale.largestGapCents, 0, 1) : 0,
    churnRisk,
    customerValue:
      scale.largestLifetimeValueCents > 0
        ? clamp(lifetimeValueCents / scale.largestLifetimeValueCents, 0, 1)
        : 0,
    recoveryProbability,
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Points each component contributes (100 x weight x component, to 0.01) and the score (their exact
 * sum, to 0.01). The rounded contributions can differ from the score by a cent of a point.
 */
export function weighScore(
  components: ScoreComponents,
  weights: ScoreWeights,
): { score: number; contributions: ScoreComponents } {
  const revenueImpact = 100 * weights.revenueImpact * components.revenueImpact;
  const churnRisk = 100 * weights.churnRisk * components.churnRisk;
  const customerValue = 100 * weights.customerValue * components.customerValue;
  const recoveryProbability = 100 * weights.recoveryProbability * components.recoveryProbability;
  return {
    score: round2(revenueImpact + churnRisk + customerValue + recoveryProbability),
    contributions: {
      revenueImpact: round2(revenueImpact),
      churnRisk: round2(churnRisk),
      customerValue: round2(customerValue),
      recoveryProbability: round2(recoveryProbability),
    },
  };
}
