/** "Follow-up results" (markdown) and the deep dive's "since ..." line, on hand-made figures. */
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../src/core/money.ts';
import {
  type FollowedUpGap,
  followUpResultRow,
  measureRecovery,
  summarizeFollowUpResults,
} from '../../src/core/recovery.ts';
import { describeRecoverySince, renderFollowUpResultsMarkdown } from '../../src/render/follow-up-results.ts';
import { renderMarkdownReport } from '../../src/render/markdown-report.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';

const money = (c: number) => formatMoney(c, 'USD');
const gap: FollowedUpGap = {
  customerId: 'C1',
  startPeriod: 10,
  periodKind: 'week',
  startedAt: '2026-11-02T15:00:00.000Z',
  userId: 'U_BOB',
  firstAction: 'claim',
  baselineCents: 100_000,
  recentCents: 20_000,
  gapType: 'below_baseline',
  gapAmountCents: 0,
  shownAsOfPeriod: 9,
};
// p11 $500, p12 $1,200, p13 $900: $300 + $800 + $700 = $1,800 back; mean $866.67 = 87% of $1,000.
const customer = { seriesStartPeriod: 11, series: [50_000, 120_000, 90_000] };
const options = { horizon: 8, recentWindow: 4 };

describe('describeRecoverySince', () => {
  it('says what came back since the follow-up and how close to usual the customer is', () => {
    const m = measureRecovery(gap, customer, 13, options);
    expect(describeRecoverySince(gap, m, { money, spec: { kind: 'week' }, horizon: 8 })).toBe(
      "Since <@U_BOB>'s claim on 2026-11-02: $1,800.00 back, 87% of usual (recovered).",
    );
    const early = measureRecovery(gap, customer, 11, options);
    expect(describeRecoverySince(gap, early, { money, spec: { kind: 'week' }, horizon: 8 })).toBe(
      "Since <@U_BOB>'s claim on 2026-11-02: $300.00 back, 50% of usual (not recovered yet, 1 of 8 weeks measured).",
    );
    expect(describeRecoverySince(gap, null, { money, spec: { kind: 'week' }, horizon: 8 })).toBe(
      "Since <@U_BOB>'s claim on 2026-11-02: no complete week of data since yet.",
    );
  });
});

describe('Follow-up results section', () => {
  const m = measureRecovery(gap, customer, 13, options);
  const results = summarizeFollowUpResults([
    followUpResultRow(gap, m, [
      { id: 'e1', customerId: 'C1', kind: 'claim', userId: 'U_BOB', at: gap.startedAt },
      {
        id: 'e2',
        customerId: 'C1',
        kind: 'follow_up',
        userId: 'U_BOB',
        outcome: 'contacted',
        at: '2026-11-03T00:00:00.000Z',
      },
    ]),
    followUpResultRow({ ...gap, customerId: 'C2', userId: 'U_ANA', gapType: 'churn_risk' }, null, []),
  ]);

  it('tables the results by outcome logged, by account manager and by gap type', () => {
    const text = renderFollowUpResultsMarkdown(results, {
      money,
      spec: { kind: 'week' },
      horizon: 8,
      recentWindow: 4,
    });
    expect(text).toContain(
      '2 followed-up gaps; 1 with at least one week of data since, 1 recovered (100%), $1,800.00 recovered revenue.',
    );
    expect(text).toContain('### By outcome logged');
    expect(text).toMatch(/\| contacted \| 1 \| 1 \| 100% of 1 \| \$1,800\.00 \|/);
    expect(text).toMatch(/\| claimed, nothing logged \| 1 \| 0 \| n\/a \| \$0\.00 \|/);
    expect(text).toMatch(/\| U\\_BOB \| 1 \| 1 \|/);
    expect(text).toMatch(/\| Below baseline \| 1 \| 1 \|/);
    expect(text).toContain('not what the follow-ups caused');
  });

  it('is in the markdown report when the caller has results, and not otherwise', () => {
    const result = buildSampleResult();
    expect(renderMarkdownReport(result, sampleSettings(), { followUpResults: results })).toContain(
      '## Follow-up results',
    );
    expect(renderMarkdownReport(result, sampleSettings())).not.toContain('Follow-up results');
  });
});
