/**
 * The backtest's markdown and JSON on the hand fixture of test/core/backtest.test.ts, whose figures
 * are worked out there: 15 customer-points judged, 5 lost ($920 of lost revenue), "any gap" 9
 * flagged / 4 lost (precision 44%, recall 80%, lift 1.3x, coverage 720/920 = 78%, $720).
 */
import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../src/core/backtest.ts';
import {
  backtestNotes,
  buildBacktestJson,
  renderBacktestMarkdown,
} from '../../src/render/backtest-report.ts';
import { HAND, HAND_SETTINGS, ledgerOf } from '../helpers/backtest-fixture.ts';

const result = runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2 });

describe('backtest markdown', () => {
  const md = renderBacktestMarkdown(result, 'USD');

  it('shows each flag set with its counts, rates and lost revenue covered', () => {
    expect(md).toContain('| Any gap | 9 | 4 | 44% | 80% | 1.3x | 78% ($720) |');
    expect(md).toContain('| Top 1 | 3 | 2 | 67% | 40% | 2.0x | 43% ($400) |');
    expect(md).toContain('| Churn risk | 1 | 1 | 100% | 20% | 3.0x | 22% ($200) |');
    expect(md).toContain('Base rate 33%: 5 lost of 15 customer-points judged ($920 of lost revenue).');
    expect(md).toContain('| buys every 2-4 weeks | 2 | 0 | 0% | 2 | 0% | n/a | 0 | n/a | n/a |');
  });

  it('says the history is too short below 30 lost customers', () => {
    expect(md).toContain('> History too short to judge: only 5 lost customers in all (at least 30 needed)');
  });

  it('says so when there is no replay point at all', () => {
    const none = runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 5 });
    expect(backtestNotes(none)[0]).toMatch(/^History too short to judge: a replay needs/);
    expect(renderBacktestMarkdown(none, 'USD')).not.toContain('## All replay points');
  });

  it('says the lift is capped when the base rate is 40% or more, and suggests a longer horizon', () => {
    const capped = { ...result, overall: { ...result.overall, baseRate: 0.5, liftCapped: true } };
    expect(backtestNotes(capped).join(' ')).toContain('no flag can reach a lift above 2.0x');
    expect(backtestNotes(capped).join(' ')).toContain('A longer horizon (--horizon) would judge better.');
  });
});

describe('backtest JSON', () => {
  it('carries every rate with the counts it is built from, money in major units', () => {
    const doc = buildBacktestJson(result, 'USD');
    expect(doc.overall).toMatchObject({
      points: 3,
      population: 15,
      lost: 5,
      lostRevenue: 920,
      baseRate: 0.3333,
    });
    expect(doc.overall.flagSets.any_gap).toEqual({
      flagged: 9,
      lostFlagged: 4,
      lostRevenueFlagged: 720,
      precision: 0.4444,
      recall: 0.8,
      lift: 1.3333,
      revenueCoverage: 0.7826,
      noBetterThanBase: false,
    });
    expect(doc.replayPoints).toMatchObject({
      count: 3,
      first: { label: 'week of 2026-01-26' },
      last: { label: 'week of 2026-02-09' },
    });
    expect(doc.tooShort).toBe(true);
  });
});
