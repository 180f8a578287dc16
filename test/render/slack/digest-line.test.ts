import { describe, expect, it } from 'vitest';
import type { GapState } from '../../../src/core/types.ts';
import {
  lineText,
  renderDigestLine,
  replaceLine,
  shortRecommendation,
  urgentGapTypes,
} from '../../../src/render/slack/digest-line.ts';
import { decodeLineOption, encodeLineOption, lineBlockId } from '../../../src/render/slack/ids.ts';
import { ACME, priorityOf } from '../../helpers/build-result.ts';

const acme = priorityOf(ACME);

describe('a compact digest line', () => {
  it('puts the most urgent gap type first and counts the others', () => {
    expect(urgentGapTypes(['below_baseline', 'churn_risk', 'zero_spend'])).toBe('Churn risk +2 more');
    expect(urgentGapTypes(['declining_revenue'])).toBe('Declining revenue');
    expect(urgentGapTypes([])).toBe('');
  });

  it('shortens the recommendation to its first clause', () => {
    expect(shortRecommendation('Call this week; offer a retention check-in.')).toBe('Call this week');
    expect(
      shortRecommendation('Fix availability of SKU-1, SKU-2 first; tell the customer when they are back.'),
    ).toBe('Fix availability of SKU-1, SKU-2 first');
    expect(shortRecommendation('Check in. Then more.')).toBe('Check in');
    expect(shortRecommendation('x'.repeat(200))).toHaveLength(70);
  });

  it('shows the status once someone acted, and drops Claim and Snooze from the menu of a held gap', () => {
    const claimed: GapState = { customerId: 'C001', status: 'claimed', ownerUserId: 'U9' };
    expect(lineText(acme, claimed, 'USD')).toContain(':raising_hand: Claimed by <@U9>');
    const line = renderDigestLine(acme, claimed, 'USD') as {
      accessory: { options: { text: { text: string } }[] };
    };
    expect(line.accessory.options.map((o) => o.text.text)).toEqual(['Deep dive', 'Log follow-up']);
    expect(lineText(acme, undefined, 'USD')).not.toContain('Open');
  });

  it('escapes the customer name and cuts it to 60 characters', () => {
    const text = lineText({ ...acme, customerName: `<!channel> ${'y'.repeat(100)}` }, undefined, 'USD');
    expect(text).toContain('&lt;!channel&gt; yyy');
    expect(text).not.toContain('y'.repeat(60));
  });

  it('is swapped in place by its block id', () => {
    const blocks = [{ block_id: 'a' }, { block_id: lineBlockId('C001') }, { block_id: 'b' }];
    const swapped = replaceLine(blocks, 'C001', { block_id: 'new' });
    expect(swapped).toEqual({
      blocks: [{ block_id: 'a' }, { block_id: 'new' }, { block_id: 'b' }],
      replaced: true,
    });
    expect(replaceLine(blocks, 'C999', { block_id: 'new' }).replaced).toBe(false);
  });

  it('carries each menu choice in an option value of at most 75 characters', () => {
    const long = 'L'.repeat(64);
    for (const what of [
      { action: 'deep_dive' },
      { action: 'claim' },
      { action: 'log' },
      { action: 'snooze', weeks: 4 },
    ] as const) {
      const value = encodeLineOption(long, what);
      expect(value.length).toBeLessThanOrEqual(75);
      expect(decodeLineOption(value)).toMatchObject(what);
      expect(decodeLineOption(encodeLineOption('C001', what))).toEqual({ ...what, cardKey: 'C001' });
    }
    expect(decodeLineOption('{"a":"s","w":3,"k":"C1"}')).toBeNull();
    expect(decodeLineOption('nope')).toBeNull();
  });
});
