/**
 * The backtest's evidence in Slack: the calibrated risk on a digest card (short), the past-flags
 * line in the digest footer, and the long form in the deep dive. Figures are hand-built: a cell of
 * 212 flagged customers of which 64% were lost; the hand backtest fixture for the footer (5 lost
 * in 3 replay points: too short to judge).
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/core/backtest.ts';
import { checkMessage } from '../../../src/render/slack/block-kit-limits.ts';
import { renderGapCard } from '../../../src/render/slack/card.ts';
import { renderDeepDiveMessage } from '../../../src/render/slack/deep-dive-blocks.ts';
import { renderDigest } from '../../../src/render/slack/digest.ts';
import { HAND, HAND_SETTINGS, ledgerOf } from '../../helpers/backtest-fixture.ts';
import { BOLT, buildSampleResult, priorityOf, sampleSettings } from '../../helpers/build-result.ts';

const evidence = { lostShare: 0.64, n: 212, horizon: 8, basis: 'type' as const, baseRate: 0.09 };

describe('evidence in Slack', () => {
  it('shows the calibrated risk on the card, short, and none without a figure', () => {
    const withIt = JSON.stringify(
      renderGapCard({ ...priorityOf(BOLT), evidence }, undefined, { currency: 'USD' }),
    );
    expect(withIt).toContain(
      '_64% of past flags like this lost half their revenue (n = 212; base rate 9.0%)_',
    );
    const without = JSON.stringify(renderGapCard(priorityOf(BOLT), undefined, { currency: 'USD' }));
    expect(without).not.toContain('past flags');
  });

  it('carries the calibrated risk of each priority onto its digest card', () => {
    // The digest builds its cards from the priorities: the figure must survive that step.
    const base = buildSampleResult();
    const priorities = base.priorities.map((p) =>
      p.customerId === BOLT.customerId ? { ...p, evidence } : p,
    );
    const digest = renderDigest({ result: { ...base, priorities }, settings: sampleSettings() });
    const text = JSON.stringify([digest.parent, ...digest.continuations]);
    expect(text.match(/past flags like this/g)).toHaveLength(1);
    expect(text).toContain('64% of past flags like this lost half their revenue (n = 212; base rate 9.0%)');
  });

  it('ends the digest footer with the past-flags line when the snapshot has a backtest', () => {
    const backtest = runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2 });
    const digest = renderDigest({ result: { ...buildSampleResult(), backtest }, settings: sampleSettings() });
    const parent = JSON.stringify(digest.parent);
    expect(parent).toContain(
      ':mag: Too little history to check past flags: 5 customers lost in 3 replay points (30 needed).',
    );
    for (const message of [digest.parent, ...digest.continuations]) expect(checkMessage(message)).toEqual([]);
    expect(
      JSON.stringify(renderDigest({ result: buildSampleResult(), settings: sampleSettings() })),
    ).not.toContain(':mag:');
  });

  it('gives the long form with n and horizon in the deep dive', () => {
    // A backtest whose churn-risk cell for BOLT's most urgent type holds 212 flagged, 136 lost.
    const backtest = runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2 });
    backtest.calibration.byType.declining_revenue = { flagged: 212, lost: 136 };
    backtest.calibration.baseRate = 0.09;
    backtest.horizon = 8;
    const result = { ...buildSampleResult(), backtest };
    const bolt = result.customers.find((c) => c.customerId === BOLT.customerId);
    if (!bolt) throw new Error('BOLT');
    const text = JSON.stringify(renderDeepDiveMessage(bolt, result, sampleSettings()));
    expect(text).toContain(
      'In your history, 64% of customers flagged like this (declining revenue) lost half their revenue within 8 weeks (n = 212; base rate 9.0%).',
    );
  });
});
