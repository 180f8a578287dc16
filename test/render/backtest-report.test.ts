/**
 * The backtest's markdown and JSON on the hand fixture of test/core/backtest.test.ts, whose figures
 * are worked out there: 15 customer-points judged, 5 lost ($920 of lost revenue), "any gap" 9
 * flagged / 4 lost (precision 44%, recall 80%, lift 1.3x, coverage 720/920 = 78%, $720).
 */
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { attachEvidence, runBacktest } from '../../src/core/backtest.ts';
import {
  backtestNotes,
  buildBacktestJson,
  evidenceCell,
  evidenceLong,
  evidenceShort,
  reliabilityLine,
  renderBacktestMarkdown,
} from '../../src/render/backtest-report.ts';
import { buildJsonDocument } from '../../src/render/json-document.ts';
import { renderMarkdownReport } from '../../src/render/markdown-report.ts';
import { HAND, HAND_SETTINGS, ledgerOf, QUALITY, WEEK } from '../helpers/backtest-fixture.ts';

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

describe('evidence on flags', () => {
  const evidence = { lostShare: 0.64, n: 212, horizon: 8, basis: 'type_and_band' as const, baseRate: 0.09 };

  it('says what share of past flags like this were lost, with n, the horizon and the base rate', () => {
    expect(evidenceShort(evidence)).toBe(
      '64% of past flags like this lost half their revenue (n = 212; base rate 9.0%)',
    );
    expect(evidenceCell(evidence)).toBe('64% (n = 212)');
    expect(evidenceCell(undefined)).toBe('—');
    expect(evidenceLong(evidence, ['zero_spend', 'churn_risk'], 65, WEEK)).toBe(
      'In your history, 64% of customers flagged like this (churn risk, score 60-80) lost half their revenue within 8 weeks (n = 212; base rate 9.0%).',
    );
    expect(evidenceLong({ ...evidence, basis: 'any_gap' }, ['zero_spend'], 65, WEEK)).toContain('(any gap)');
  });

  it('says a flag is no better than the base rate when its share is under 1.2 x the base rate', () => {
    const weak = { ...evidence, lostShare: 0.1, basis: 'type' as const };
    expect(evidenceLong(weak, ['zero_spend'], 30, WEEK)).toBe(
      'In your history, 10% of customers flagged like this (zero spend) lost half their revenue within 8 weeks (n = 212; base rate 9.0%). Flags like this are no better than the base rate on this history.',
    );
  });

  it('gives the record of the top N flagged h periods ago, or says the history is too short', () => {
    expect(reliabilityLine(result)).toBe(
      'Too little history to check past flags: 5 customers lost in 3 replay points (30 needed).',
    );
    // As if enough had been lost: at P5 = A - 2 the top 1 was B, who was lost; 2 of 5 lost then.
    expect(reliabilityLine({ ...result, tooShort: false })).toBe(
      'Of 1 customer flagged 2 weeks ago, 1 lost half their revenue (base rate 40%; over all 3 replay points the top 1 had a lift of 2.0x).',
    );
    expect(reliabilityLine(runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 5 }))).toBe(
      'Not enough history yet to check past flags: a replay needs 5 weeks of data after the first week at which customers can be judged.',
    );
  });

  it('puts the section and the "Past flags lost" column into the report of an analysis with its backtest', () => {
    const analysed = attachEvidence(
      analyze({ ledger: ledgerOf(HAND), customers: [], dataQuality: QUALITY }, HAND_SETTINGS),
      runBacktest(ledgerOf(HAND), HAND_SETTINGS, { horizon: 2 }),
    );
    const md = renderMarkdownReport(analysed, HAND_SETTINGS);
    expect(md).toContain('## How reliable were past flags\n\nToo little history to check past flags');
    // n < 30 in every cell: no figure on any row, so no column.
    expect(analysed.priorities[0]?.evidence).toBeUndefined();
    expect(md).toContain('| # | Customer | Gap types | Gap | Recovery | Score | Owner |');
    // With a figure (as if a cell held 40 flagged customers, 30 lost), the column shows it.
    const first = analysed.priorities[0];
    if (!first) throw new Error('no priority');
    first.evidence = { lostShare: 0.75, n: 40, horizon: 2, basis: 'type', baseRate: 1 / 3 };
    const withFigure = renderMarkdownReport(analysed, HAND_SETTINGS);
    expect(withFigure).toContain(
      '| # | Customer | Gap types | Gap | Recovery | Score | Past flags lost | Owner |',
    );
    expect(withFigure).toContain('| 75% (n = 40) |');
    expect(withFigure).toContain('lost half their revenue within 2 weeks (n = 40; base rate 33%).');
    expect(buildJsonDocument(analysed, HAND_SETTINGS).pastFlags).toMatchObject({
      horizon: 2,
      replayPoints: 3,
      tooShort: true,
      population: 15,
      lost: 5,
      flagSets: { any_gap: { flagged: 9, lostFlagged: 4, precision: 0.4444 } },
    });
  });
});
