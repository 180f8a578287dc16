import { describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../src/core/types.ts';
import { renderDeepDiveMarkdown } from '../../src/render/deep-dive.ts';
import {
  ACME,
  BOLT,
  buildCustomer,
  buildSampleResult,
  CALM,
  GHOST,
  GONE,
  NEWBIE,
  sampleSettings,
} from '../helpers/build-result.ts';

const result = buildSampleResult();
const settings = sampleSettings();

const HISTORY: FollowUpEvent[] = [
  { id: 'e1', customerId: 'C001', kind: 'claim', userId: 'U0ACME01', at: '2026-11-24T09:15:00.000Z' },
  {
    id: 'e2',
    customerId: 'C001',
    kind: 'follow_up',
    userId: 'U0ACME01',
    outcome: 'contacted',
    nextStep: 'send *offer*',
    note: 'buyer on leave\nback next week',
    at: '2026-11-25T10:00:00Z',
  },
  {
    id: 'e3',
    customerId: 'C001',
    kind: 'snooze',
    userId: 'U0OTHER1',
    snoozeUntil: '2026-12-08',
    at: '2026-11-26T08:00:00Z',
  },
];

describe('renderDeepDiveMarkdown', () => {
  const acme = renderDeepDiveMarkdown(ACME, result, settings, HISTORY);

  it('titles the deep dive with the escaped name and id', () => {
    expect(acme.split('\n')[0]).toBe('# Acme \\| \\*Corp\\* (C001)');
    expect(acme).toContain(
      'Segment: Retail · Account manager: U0ACME01 · As of the week of Mon 16 Nov 2026 (to 22 Nov)',
    );
  });

  it('gives the rank among all scored customers', () => {
    expect(acme).toContain(
      '**Status:** Priority #1 of 2 among scored customers, with a gap of $2,000.00 (in the top list).',
    );
    expect(renderDeepDiveMarkdown(BOLT, result, settings)).toContain('Score 55.3, rank #2 of 2.');
  });

  it('tabulates the score components with weights and points', () => {
    expect(acme).toContain('| Customer value | 0.50 | 20% | 10.0 |');
    expect(acme).toContain('| Recovery probability | 0.30 | 15% | 4.5 |');
  });

  it('lists every gap with its amount and rationale', () => {
    expect(acme).toContain('| Churn risk | $2,000.00 | high | no sales for 4 weeks after $500.00/wk |');
    expect(acme).toContain(
      '| Below baseline | $2,000.00 | high | recent $0.00/wk is 0% of the usual $500.00/wk |',
    );
  });

  it('shows every metric', () => {
    expect(acme).toContain('| Usual revenue (baseline) | $500.00/wk |');
    expect(acme).toContain('| Recent (last 4 weeks) | $0.00/wk (0% of usual) |');
    expect(acme).toContain('| Trend | down $61.19/wk each week (12% of usual) |');
    expect(acme).toContain('| Zero streak | 4 weeks |');
    expect(acme).toContain('| Lifetime value | $20,000.00 |');
    expect(acme).toContain('| Active weeks in lookback | 67% |');
    expect(acme).toContain('| Last sale | week of 2026-10-19 |');
  });

  it('shows the series as a sparkline and as a table', () => {
    expect(acme).toContain('`████████▁▁▁▁` 12 weeks, week of 2026-08-31 to week of 2026-11-16.');
    expect(acme).toContain('| week of 2026-08-31 | $500.00 |');
    expect(acme).toContain('| week of 2026-11-16 | $0.00 |');
  });

  it('lists the follow-up history with user text escaped and on one line', () => {
    expect(acme).toContain('- 2026-11-24 09:15 UTC: U0ACME01 claimed it.');
    expect(acme).toContain(
      '- 2026-11-25 10:00 UTC: U0ACME01 logged a follow-up: contacted. Next step: send \\*offer\\*. Note: buyer on leave back next week',
    );
    expect(acme).toContain('- 2026-11-26 08:00 UTC: U0OTHER1 snoozed it until 2026-12-08.');
  });

  it('says when there is no follow-up yet, and omits the section without a store', () => {
    expect(renderDeepDiveMarkdown(BOLT, result, settings, [])).toContain('No follow-ups recorded yet.');
    expect(renderDeepDiveMarkdown(BOLT, result, settings)).not.toContain('Follow-up history');
  });

  it('explains a too-new customer', () => {
    const md = renderDeepDiveMarkdown(NEWBIE, result, settings);
    expect(md).toContain('**Status:** Too new to judge: 3 weeks of history, 6 weeks needed.');
    expect(md).toContain('Not judged, so no gaps.');
    expect(md).not.toContain('## Priority');
  });

  it('names a monthly lapsed customer’s last sale as "in 2026-06", not "in the 2026-06"', () => {
    // Month periods are year x 12 + month - 1: June 2026 is 2026 x 12 + 5.
    const monthly = { ...result, period: { kind: 'month' as const, weekStartsOn: 1 as const } };
    const gone = { ...GONE, metrics: { ...GONE.metrics!, lastSalePeriod: 2026 * 12 + 5 } };
    const md = renderDeepDiveMarkdown(gone, monthly, settings);
    expect(md).toContain('(last sale in 2026-06)');
  });

  it('explains a lapsed customer', () => {
    const md = renderDeepDiveMarkdown(GONE, result, settings);
    expect(md).toContain('Lapsed: no sale in the last 12 weeks (last sale in the week of 2026-06-29).');
    expect(md).toContain('No weeks with revenue to show.');
  });

  it('explains a customer with no sales', () => {
    const md = renderDeepDiveMarkdown(GHOST, result, settings);
    expect(md).toContain('No sales on record');
    // The status also covers refund-only customers, so it must not claim there were no rows.
    expect(md).toContain('or only refunds');
    expect(md).not.toContain('no sales rows were found');
    expect(md).toContain('No metrics: no sales to compute them from.');
  });

  it('shows the refunds of a refund-only customer (no sales, but a net series)', () => {
    const refunder = buildCustomer({
      customerId: 'C077',
      name: 'Refund Co',
      status: 'no_sales',
      series: [-40_00, 0, 0],
    });
    const md = renderDeepDiveMarkdown(refunder, result, settings);
    expect(md).toContain('No sales on record');
    expect(md).not.toContain('No weeks with revenue to show.');
    expect(md).toContain('3 weeks, week of 2026-11-02 to week of 2026-11-16.');
    expect(md).toContain('-$40.00');
  });

  it('explains a customer without a gap', () => {
    const md = renderDeepDiveMarkdown(CALM, result, settings);
    expect(md).toContain('No gap: recent revenue is in line with its usual level.');
    expect(md).toContain('No gaps detected.');
    expect(md).toContain('`▄▄▄▄▄▄` 6 weeks');
  });
});
