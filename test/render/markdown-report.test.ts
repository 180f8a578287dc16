import { describe, expect, it } from 'vitest';
import { dayFromIso } from '../../src/core/periods.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import { renderMarkdownReport, scoreBreakdown } from '../../src/render/markdown-report.ts';
import {
  ACME,
  buildCustomer,
  buildDataQuality,
  buildLargeResult,
  buildMetrics,
  buildSampleResult,
  priorityOf,
  sampleSettings,
  weekOf,
} from '../helpers/build-result.ts';

function headings(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter((l) => l.startsWith('## '))
    .map((l) => l.slice(3));
}

/** The text of one `## ` section, up to the next one. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`## ${title}\n`);
  if (start < 0) throw new Error(`no section ${title}`);
  const next = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe('renderMarkdownReport', () => {
  const report = renderMarkdownReport(buildSampleResult(), sampleSettings());

  it('orders the sections as the spec does', () => {
    expect(headings(report)).toEqual([
      'Executive summary',
      'Top priority gaps',
      'Churn-risk customers',
      'Gap analysis by type',
      'Strategic recommendations',
      'Customers not scored',
      'Data quality',
      'Method',
    ]);
  });

  it('uses the original system’s section order with seed rules', () => {
    const seed = renderMarkdownReport(
      buildSampleResult({ rules: 'seed' }),
      sampleSettings({ rules: 'seed' }),
    );
    expect(headings(seed)).toEqual([
      'Executive Summary',
      'Top Priority Gaps',
      'Churn Risk Customers',
      'Strategic Recommendations',
      'Gap Analysis by Type',
      'Customers not scored',
      'Data quality',
      'Method',
    ]);
  });

  it('titles the report with the as-of week and its dates', () => {
    expect(report.split('\n')[0]).toBe('# Revenue gap report: week of Mon 16 Nov 2026 (to 22 Nov)');
  });

  it('puts the key metrics in the executive summary', () => {
    const summary = section(report, 'Executive summary');
    expect(summary).toContain('2 customers of 3 analysed show a revenue gap, $2,600.00 in total');
    expect(summary).toContain('| Customers analysed | 3 |');
    // The cadence-aware rules (default) also hold back customers with fewer than 3 weeks with a sale.
    expect(summary).toContain('| Too new to judge (< 6 weeks, or < 3 weeks with a sale) | 1 |');
    const plain = renderMarkdownReport(buildSampleResult(), sampleSettings({ cadenceAware: false }));
    expect(section(plain, 'Executive summary')).toContain('| Too new to judge (< 6 weeks) | 1 |');
    expect(summary).toContain('| Lapsed (no sale in 12 weeks) | 1 |');
    expect(summary).toContain('| No sales on record | 1 |');
    expect(summary).toContain(
      '| Gaps detected | 5 (declining revenue 1, below baseline 2, zero spend 1, churn risk 1) |',
    );
    expect(summary).toContain('| Churn-risk customers | 1 |');
    expect(summary).toContain('| Total gap | $2,600.00 |');
    expect(summary).toContain('| Recovery potential (top 2) | $1,140.00 |');
    expect(summary).toContain('| Rows read / rejected | 120 / 2 |');
  });

  it('lists the priorities in a table with escaped customer names', () => {
    const top = section(report, 'Top priority gaps');
    expect(top).toContain(
      '| 1 | Acme \\| \\*Corp\\* (C001) | Churn risk, Zero spend, Below baseline | $2,000.00 | $600.00 | 79.5 | U0ACME01 |',
    );
    expect(top).toContain(
      '| 2 | Bolt\\_Works (C002) | Declining revenue, Below baseline | $600.00 | $540.00 | 55.3 | jane@example.com |',
    );
  });

  it('explains each priority: rationale, weighted components, recommendation, sparkline', () => {
    const top = section(report, 'Top priority gaps');
    const acme = top.slice(top.indexOf('### 1.'), top.indexOf('### 2.'));
    expect(acme).toContain('- no sales for 4 weeks after $500.00/wk');
    expect(acme).toContain(
      'Score 79.5 = revenue impact 1.00 × 35% (35.0 pts) + churn risk 1.00 × 30% (30.0 pts) + ' +
        'customer value 0.50 × 20% (10.0 pts) + recovery probability 0.30 × 15% (4.5 pts).',
    );
    expect(acme).toContain('**Recommendation:** Call this week; offer a retention check-in.');
    expect(acme).toContain('Last 12 weeks: `████████▁▁▁▁` ($500.00 → $0.00)');
  });

  it('tabulates churn-risk customers with their last sale week', () => {
    expect(section(report, 'Churn-risk customers')).toContain(
      '| Acme \\| \\*Corp\\* (C001) | 4 | $500.00/wk | $2,000.00 | week of 2026-10-19 | 100% | U0ACME01 |',
    );
  });

  it('shows count, amount and share per gap type', () => {
    const gaps = section(report, 'Gap analysis by type');
    expect(gaps).toContain('| Declining revenue | 1 | $600.00 | 23% |');
    expect(gaps).toContain('| Below baseline | 2 | $2,600.00 | 100% |');
    expect(gaps).toContain('| Churn risk | 1 | $2,000.00 | 77% |');
  });

  it('shows score points that add up to the score as shown (largest remainder)', () => {
    // Exact points 30.75 + 30 + 7.4 + 5.25 = 73.40: plain rounding would show 30.8 + 30.0 + 7.4 + 5.3 = 73.5.
    const line = scoreBreakdown(
      73.4,
      { revenueImpact: 0.8786, churnRisk: 1, customerValue: 0.37, recoveryProbability: 0.35 },
      { revenueImpact: 30.75, churnRisk: 30, customerValue: 7.4, recoveryProbability: 5.25 },
      { revenueImpact: 0.35, churnRisk: 0.3, customerValue: 0.2, recoveryProbability: 0.15 },
    );
    expect(line).toBe(
      'Score 73.4 = revenue impact 0.88 × 35% (30.8 pts) + churn risk 1.00 × 30% (30.0 pts) + ' +
        'customer value 0.37 × 20% (7.4 pts) + recovery probability 0.35 × 15% (5.2 pts)',
    );
  });

  it('labels the recovery potential with the number of priorities listed when top N exceeds them', () => {
    const wide = renderMarkdownReport(buildSampleResult(), sampleSettings({ topN: 500 }));
    const summary = section(wide, 'Executive summary');
    const listed = buildSampleResult().priorities.length;
    expect(summary).toContain(`| Recovery potential (top ${listed}) |`);
    expect(summary).not.toContain('top 500');
  });

  it('names a partial month as "2026-11", not "the 2026-11"', () => {
    // Month periods are year x 12 + month - 1.
    const nov = 2026 * 12 + 10;
    const monthly = renderMarkdownReport(
      buildSampleResult({
        period: { kind: 'month', weekStartsOn: 1 },
        asOf: { period: nov - 1, startDay: dayFromIso('2026-10-01'), endDay: dayFromIso('2026-10-31') },
        partialPeriod: {
          period: nov,
          startDay: dayFromIso('2026-11-01'),
          endDay: dayFromIso('2026-11-30'),
          rows: 5,
        },
      }),
      sampleSettings({ period: 'month' }),
    );
    expect(monthly).toContain('- Partial period: 2026-11 (2026-11-01 to 2026-11-30, 5 rows) is not complete');
  });

  it('explains the gap-type share as a share of the summed type amounts, as core computes it', () => {
    const gaps = section(report, 'Gap analysis by type');
    expect(gaps).toContain('over the sum of all four types’ amounts (the shares add up to 100%)');
    expect(gaps).not.toContain('add up to more than 100%');
  });

  it('warns in Data quality when the as-of week is after the latest sale, without the monthly hint', () => {
    const late = renderMarkdownReport(
      buildSampleResult({
        customers: [
          buildCustomer({
            customerId: 'C1',
            metrics: buildMetrics({ lastSalePeriod: weekOf('2026-11-02') }),
          }),
        ],
        partialPeriod: null,
        suggestMonthly: true,
        dataQuality: buildDataQuality({ rowsAfterAsOf: 0 }),
      }),
      sampleSettings(),
    );
    const dq = section(late, 'Data quality');
    expect(dq).toContain(
      '- Warning: The as-of week (week of 2026-11-16) is 2 weeks after the latest sale (week of 2026-11-02)',
    );
    expect(dq).not.toContain('--period month');
  });

  it('lists too new, lapsed and no-sales customers compactly', () => {
    const rest = section(report, 'Customers not scored');
    expect(rest).toContain('Newbie Ltd (C004) — 3 weeks.');
    expect(rest).toContain('Gone Inc (C005) — last sale week of 2026-06-29.');
    expect(rest).toContain('Ghost LLC (C006).');
    expect(rest).toContain('in the customers file without sales rows, or with only refunds');
  });

  it('reports data quality: rejected rows by code, first problems, duplicates, partial week', () => {
    const dq = section(report, 'Data quality');
    expect(dq).toContain('- Rows read: 120; accepted 118; rejected 2.');
    expect(dq).toContain('- Rejected by reason: bad\\_amount 1, bad\\_date 1.');
    expect(dq).toContain('| sales.csv | 7 | date | date "2026-13-01" is not a valid date |');
    expect(dq).toContain('- Duplicates: 1 exact duplicate row (every field equal), kept (counted as sales).');
    expect(dq).toContain('- Rows dated after the as-of week: 3 (ignored).');
    expect(dq).toContain(
      '- Partial period: the week of 2026-11-23 (2026-11-23 to 2026-11-29, 3 rows) is not complete and was left out.',
    );
    expect(dq).not.toContain('--period month');
  });

  it('suggests monthly periods when the data is sparse', () => {
    const sparse = renderMarkdownReport(buildSampleResult({ suggestMonthly: true }), sampleSettings());
    expect(section(sparse, 'Data quality')).toContain('consider `--period month`');
  });

  it('says how many rejected rows are not listed', () => {
    const result = buildSampleResult({
      dataQuality: buildDataQuality({ rowsRejected: 40, rejectedByCode: { bad_date: 40 } }),
    });
    expect(section(renderMarkdownReport(result, sampleSettings()), 'Data quality')).toContain(
      '38 more rejected rows are counted above but not listed.',
    );
  });

  it('states the settings used in the method section', () => {
    const m = section(report, 'Method');
    expect(m).toContain('- Period: weekly, weeks start on Monday;');
    expect(m).toContain(
      '- Lookback L = 12 weeks; recent window R = 4 weeks; at least 6 weeks of history to be judged.',
    );
    expect(m).toContain('declining revenue when the trend is -5.0% a week or worse');
    expect(m).toContain('below baseline when recent < 80% of baseline');
    expect(m).toContain('churn risk at 2 zero weeks in a row');
    expect(m).toContain(
      'Score = 100 × (35% revenue impact + 30% churn risk + 20% customer value + 15% recovery probability)',
    );
    expect(m).toContain('Top N = 20.');
  });

  it('keeps a name with newlines and backticks on one line and inert', () => {
    const evil = buildCustomer({ ...ACME, name: 'Evil\n## Heading `code` [link](x) <b>' });
    const result = buildSampleResult({ priorities: [priorityOf(evil)], customers: [evil] });
    const md = renderMarkdownReport(result, sampleSettings());
    expect(headings(md)).not.toContain('Heading `code` [link](x) <b>');
    expect(md).toContain('Evil \\#\\# Heading \\`code\\` \\[link\\](x) \\<b\\> (C001)');
  });

  it('repeats a customer once per gap with seed rules', () => {
    const one = priorityOf(ACME);
    const result = buildSampleResult({
      rules: 'seed',
      priorities: [
        { ...one, rank: 1, gapTypes: ['churn_risk'], rationale: [one.rationale[0]!] },
        { ...one, rank: 2, gapTypes: ['zero_spend'], rationale: [one.rationale[1]!] },
      ],
    });
    const md = renderMarkdownReport(result, sampleSettings({ rules: 'seed' }));
    expect(md).toContain('### 1. Acme \\| \\*Corp\\* (C001) — Churn risk');
    expect(md).toContain('### 2. Acme \\| \\*Corp\\* (C001) — Zero spend');
    expect(md).toContain('a customer can appear more than once');
  });

  it('caps long lists and points to the JSON for the rest', () => {
    const big = buildLargeResult(120, 20);
    const md = renderMarkdownReport(big, sampleSettings({ topN: 120 }));
    const churn = section(md, 'Churn-risk customers');
    expect(churn.split('\n').filter((l) => l.startsWith('| CUST') || l.includes('(CUST-'))).toHaveLength(50);
    expect(churn).toContain(
      '…and 70 more churn-risk customers; the JSON output (`--format json`) lists them all.',
    );
  });

  it('speaks in months with monthly periods', () => {
    const nov = 2026 * 12 + 10;
    const monthly = buildSampleResult({
      period: { kind: 'month', weekStartsOn: 1 },
      asOf: { period: nov, startDay: dayFromIso('2026-11-01'), endDay: dayFromIso('2026-11-30') },
      partialPeriod: null,
      churnRisk: buildSampleResult().churnRisk.map((c) => ({ ...c, lastSalePeriod: nov - 4 })),
    });
    const md = renderMarkdownReport(monthly, sampleSettings({ period: 'month' }));
    expect(md.split('\n')[0]).toBe('# Revenue gap report: November 2026');
    expect(md).toContain('| Too new to judge (< 6 months, or < 3 months with a sale) | 1 |');
    expect(md).toContain(
      '| Acme \\| \\*Corp\\* (C001) | 4 | $500.00/mo | $2,000.00 | 2026-07 | 100% | U0ACME01 |',
    );
    expect(md).toContain('- Period: monthly (calendar months);');
    expect(md).not.toContain('Partial period');
  });

  it('says so plainly when nothing is found', () => {
    const empty: AnalysisResult = buildSampleResult({
      priorities: [],
      churnRisk: [],
      recommendations: [],
      summary: { ...buildSampleResult().summary, customersWithGaps: 0 },
    });
    const md = renderMarkdownReport(empty, sampleSettings());
    expect(section(md, 'Executive summary')).toContain('No revenue gaps found among 3 customers analysed.');
    expect(section(md, 'Top priority gaps')).toContain('No gaps to prioritise.');
    expect(section(md, 'Churn-risk customers')).toContain('No customer has 2+ weeks in a row with no sales.');
    expect(section(md, 'Strategic recommendations')).toContain('No gaps, so nothing to recommend this time.');
  });

  it('shows the generated-at time only when passed in', () => {
    expect(report).not.toContain('Generated');
    const md = renderMarkdownReport(buildSampleResult(), sampleSettings(), {
      generatedAt: '2026-11-24 07:00 UTC',
    });
    expect(md.split('\n')[2]).toBe('Generated 2026-11-24 07:00 UTC.');
  });
});
