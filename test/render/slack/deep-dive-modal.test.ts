/**
 * The deep-dive modal (render/slack/deep-dive-modal.ts): the reason and the recommendation first,
 * the figures (chart, metrics, revenue) next, the score breakdown after, the card's actions and
 * Share last; within Slack's modal limits (checked by our limit checker) even for the largest
 * customers; and the short summary Share posts in the digest thread.
 */
import { describe, expect, it } from 'vitest';
import { checkView } from '../../../src/render/slack/block-kit-limits.ts';
import {
  DEEP_DIVE_TITLE,
  renderDeepDiveModal,
  renderDeepDiveShare,
} from '../../../src/render/slack/deep-dive-modal.ts';
import { decodeFollowUpMetadata } from '../../../src/render/slack/follow-up-modal.ts';
import { buildLargeResult, buildSampleResult, sampleSettings } from '../../helpers/build-result.ts';

const result = buildSampleResult();
const settings = sampleSettings();
const acme = result.customers.find((c) => c.customerId === 'C001')!;
const origin = { channelId: 'C0REV', messageTs: '1700000000.000100', digestRunId: 'run-1' };

/** Each block, named by what it shows, in order. */
function outline(blocks: readonly Record<string, unknown>[]): string[] {
  return blocks.map((b) => {
    const text = JSON.stringify(b);
    if (b.type === 'header') return 'header';
    if (b.type === 'image') return 'chart';
    if (b.type === 'actions') return 'actions';
    if (text.includes('Recommendation:')) return 'recommendation';
    if (text.includes('Churn risk*') || text.includes('Zero spend*')) return 'gaps';
    if (text.includes('Usual revenue (baseline)')) return 'metrics';
    if (text.includes('Revenue by week')) return 'series';
    if (text.includes('*Score ')) return 'score';
    if (text.includes('*Follow-ups*')) return 'follow-ups';
    if (text.includes('Priority #')) return 'status';
    return String(b.type);
  });
}

describe('renderDeepDiveModal', () => {
  const view = renderDeepDiveModal({
    customer: acme,
    result,
    settings,
    history: [],
    origin,
    chart: { fileId: 'F0CHART', altText: 'Revenue by week of Acme: usual $500.00/wk' },
  });

  it('puts the reason and the recommendation first, the figures next, the score breakdown after', () => {
    expect(outline(view.blocks as never)).toEqual([
      'header',
      'gaps',
      'recommendation',
      'status',
      'chart',
      'metrics',
      'series',
      'score',
      'follow-ups',
      'actions',
      'context',
    ]);
  });

  it('shows the uploaded chart with its alt text, and names the card it came from', () => {
    const image = view.blocks.find((b) => b.type === 'image') as unknown as Record<string, unknown>;
    expect(image.slack_file).toEqual({ id: 'F0CHART' });
    expect(image.alt_text).toBe('Revenue by week of Acme: usual $500.00/wk');
    expect(decodeFollowUpMetadata(view.private_metadata)).toEqual({
      customerId: 'C001',
      digestRunId: 'run-1',
      channelId: 'C0REV',
      messageTs: '1700000000.000100',
    });
  });

  it("has the card's actions (Claim, Log follow-up, Snooze) and Share", () => {
    const actions = view.blocks.find((b) => b.type === 'actions') as unknown as {
      elements: Record<string, unknown>[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'gap_claim',
      'gap_log_followup',
      'gap_snooze',
      'deep_dive_share',
    ]);
    const share = actions.elements[3]!;
    expect(decodeFollowUpMetadata(share.value as string)).toMatchObject({
      customerId: 'C001',
      messageTs: origin.messageTs,
    });
    expect((view.title as { text: string }).text).toBe(DEEP_DIVE_TITLE);
  });

  it('says why there is no chart when it could not be drawn', () => {
    const without = renderDeepDiveModal({
      customer: acme,
      result,
      settings,
      origin,
      chart: { missing: 'the upload failed (ratelimited).', altText: '' },
    });
    expect(JSON.stringify(without.blocks)).toContain('Chart not shown: the upload failed (ratelimited).');
    expect(without.blocks.some((b) => b.type === 'image')).toBe(false);
  });

  it("stays within Slack's modal limits for the largest customers and histories", () => {
    expect(checkView(view as never)).toEqual([]);
    const large = buildLargeResult(3, 3000);
    const history = Array.from({ length: 40 }, (_, i) => ({
      id: `e${i}`,
      customerId: large.customers[0]!.customerId,
      kind: 'follow_up' as const,
      outcome: 'contacted' as const,
      userId: 'U01ALICE',
      at: `2026-11-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.000Z`,
      note: 'n'.repeat(2000),
      nextStep: 's'.repeat(300),
    }));
    const big = renderDeepDiveModal({
      customer: large.customers[0]!,
      result: large,
      settings,
      history,
      origin: { ...origin, digestRunId: 'r'.repeat(200) },
      chart: { fileId: 'F1', altText: 'a'.repeat(5000) },
    });
    expect(checkView(big as never)).toEqual([]);
    expect(big.blocks.length).toBeLessThanOrEqual(100);
  });
});

describe('renderDeepDiveShare', () => {
  it('is a short summary: who shared, the customer, gap, types, rank, recommendation', () => {
    const message = renderDeepDiveShare(acme, result, settings, 'U01ALICE');
    expect(message.blocks).toHaveLength(2);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('<@U01ALICE> shared a deep dive: *Acme');
    expect(text).toContain('(C001)*');
    expect(text).toContain('gap *$2,000.00*');
    expect(text).toContain('priority #1 of');
    expect(text).toContain('Call this week; offer a retention check-in.');
    // Not the whole dive: no score breakdown, metrics or revenue table.
    expect(text).not.toContain('Usual revenue');
    expect(text).not.toContain('pts');
    expect(JSON.stringify(message).length).toBeLessThan(1200);
  });
});
