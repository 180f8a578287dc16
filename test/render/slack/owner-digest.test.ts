/** The digest by DM fits one message whatever the names: at most 20 cards, within Slack's block-text limit. */
import { describe, expect, it } from 'vitest';
import { checkMessage } from '../../../src/render/slack/block-kit-limits.ts';
import type { CardPriority } from '../../../src/render/slack/card.ts';
import { renderOwnerDigest } from '../../../src/render/slack/owner-digest.ts';

const priority = (i: number, name: string): CardPriority => ({
  rank: i,
  customerId: `C${String(i).padStart(3, '0')}`,
  customerName: name,
  accountManager: 'U01ALICE',
  gapTypes: ['churn_risk', 'zero_spend', 'declining_revenue', 'below_baseline'],
  gapAmountCents: 100_000 - i,
  recoveryPotentialCents: 50_000,
  score: 50,
  contributions: { revenueImpact: 30, churnRisk: 10, customerValue: 5, recoveryProbability: 5 },
});

const cardsOf = (message: { blocks: Array<{ block_id?: string }> }) =>
  message.blocks.filter((b) => b.block_id?.startsWith('gap:s:')).length;

describe('renderOwnerDigest', () => {
  it('shows short cards up to 20 and says where the rest are', () => {
    const cards = Array.from({ length: 25 }, (_, i) => ({ priority: priority(i + 1, `Shop ${i + 1}`) }));
    const message = renderOwnerDigest({
      userId: 'U01ALICE',
      currency: 'USD',
      weekLabel: 'week of 2026-11-23',
      cards,
    });
    expect(cardsOf(message)).toBe(20);
    expect(checkMessage(message)).toEqual([]);
    expect(JSON.stringify(message.blocks)).toContain('5 more gaps of yours on your revgap Home tab');
    expect(message.text).toContain('at risk on 25 gaps');
  });

  it('stops earlier when long names would pass Slack’s block-text limit', () => {
    const cards = Array.from({ length: 20 }, (_, i) => ({
      priority: priority(i + 1, `${'&'.repeat(200)}${i}`),
    }));
    const message = renderOwnerDigest({
      userId: 'U01ALICE',
      currency: 'USD',
      weekLabel: 'week of 2026-11-23',
      cards,
    });
    expect(checkMessage(message)).toEqual([]);
    expect(cardsOf(message)).toBeLessThan(20);
    expect(cardsOf(message)).toBeGreaterThan(5);
  });
});
