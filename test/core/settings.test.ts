import { describe, expect, it } from 'vitest';
import { analysisSettingsSchema, defaultAnalysisSettings } from '../../src/core/settings.ts';

describe('analysis settings', () => {
  it('defaults to the spec: 12-period lookback, 4-period window, 35/30/20/15 weights, top 20', () => {
    const s = defaultAnalysisSettings();
    expect(s.lookback).toBe(12);
    expect(s.recentWindow).toBe(4);
    expect(s.weights).toEqual({
      revenueImpact: 0.35,
      churnRisk: 0.3,
      customerValue: 0.2,
      recoveryProbability: 0.15,
    });
    expect(s.topN).toBe(20);
    expect(s.period).toBe('week');
    expect(s.weekStartsOn).toBe('monday');
  });

  it('rejects weights that do not sum to 1', () => {
    const r = analysisSettingsSchema.safeParse({
      weights: { revenueImpact: 0.5, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 },
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('weights must sum to 1');
  });

  it('rejects a recent window as long as the lookback', () => {
    expect(analysisSettingsSchema.safeParse({ lookback: 4, recentWindow: 4 }).success).toBe(false);
  });
});
