import { describe, expect, it } from 'vitest';
import type { GapState } from '../../../src/core/types.ts';
import type { Block } from '../../../src/render/slack/_blocks.ts';
import { checkMessage } from '../../../src/render/slack/block-kit-limits.ts';
import { cardPriorities, renderDigest } from '../../../src/render/slack/digest.ts';
import {
  ACTION_LINE_MENU,
  ACTION_LINE_PICK,
  cardBlockIds,
  encodeLinePick,
  lineBlockId,
} from '../../../src/render/slack/ids.ts';
import {
  ACME,
  buildLargeResult,
  buildSampleResult,
  priorityOf,
  sampleSettings,
} from '../../helpers/build-result.ts';

type AnyBlock = { type: string; block_id?: string; text?: { text: string }; elements?: { text?: string }[] };

function allText(blocks: readonly unknown[]): string {
  return JSON.stringify(blocks);
}

function lineIds(blocks: readonly unknown[]): string[] {
  return (blocks as AnyBlock[])
    .map((b) => b.block_id)
    .filter((id): id is string => id?.startsWith('gap:l:') ?? false)
    .map((id) => id.slice('gap:l:'.length));
}

function cardIds(blocks: readonly unknown[]): string[] {
  return (blocks as AnyBlock[])
    .map((b) => b.block_id)
    .filter((id): id is string => id?.startsWith('gap:s:') ?? false)
    .map((id) => id.slice('gap:s:'.length));
}

describe('renderDigest', () => {
  const settings = sampleSettings();
  const digest = renderDigest({ result: buildSampleResult(), settings, digestRunId: 'run-7' });

  it('opens with a header naming the as-of week and the summary figures', () => {
    const [head, summary] = digest.parent.blocks as AnyBlock[];
    expect(head?.text?.text).toBe('Revenue gaps · week of Mon 16 Nov 2026 (to 22 Nov)');
    expect(summary?.text?.text).toBe(
      '*2* of 3 customers analysed have a revenue gap, *$2,600.00* in total. The top 2 could recover about *$1,140.00*.\n' +
        'Gaps by type: 1 declining revenue, 2 below baseline, 1 zero spend, 1 churn risk · 1 too new · 1 lapsed',
    );
  });

  it('counts churn-risk customers once, as a gap type, unless a separate churn list differs (seed rules)', () => {
    const summaryOf = (d: ReturnType<typeof renderDigest>) =>
      (d.parent.blocks[1] as AnyBlock).text?.text ?? '';
    expect(summaryOf(digest)).not.toContain('churn-risk customer');
    const sample = buildSampleResult();
    const seedLike = buildSampleResult({ summary: { ...sample.summary, churnRiskCustomers: 3 } });
    expect(summaryOf(renderDigest({ result: seedLike, settings }))).toContain(
      'Gaps by type: 1 declining revenue, 2 below baseline, 1 zero spend, 1 churn risk · 3 churn-risk customers · 1 too new',
    );
  });

  it('has a short fallback text', () => {
    expect(digest.parent.text).toBe(
      'Revenue gaps, week of Mon 16 Nov 2026 (to 22 Nov): 2 customers with gaps, $2,600.00 in total. Top: Acme | *Corp* ($2,000.00).',
    );
  });

  it('shows one compact line per priority in the parent and every full card in one thread message', () => {
    expect(lineIds(digest.parent.blocks)).toEqual(['C001', 'C002']);
    expect(cardIds(digest.parent.blocks)).toEqual([]);
    expect(digest.continuations).toHaveLength(1);
    expect(cardIds(digest.continuations[0]!.blocks)).toEqual(['C001', 'C002']);
    expect(allText(digest.parent.blocks)).toContain('The full report is attached in the thread.');
    expect(allText(digest.parent.blocks)).toContain(
      'The full cards of all 2 are in the thread, with every action.',
    );
  });

  it('notes rejected rows and the partial week', () => {
    const text = allText(digest.parent.blocks);
    expect(text).toContain('2 rows of 120 rejected; the report lists why.');
    expect(text).toContain('The week of 2026-11-23 is not complete yet and was left out.');
  });

  it('says when it is late and when the data is stale', () => {
    const d = renderDigest({
      result: buildSampleResult(),
      settings,
      late: 'posted at 11:02, 3 hours after its 08:00 slot',
      stale: 'the newest sale is 19 days old',
    });
    const text = allText(d.parent.blocks);
    expect(text).toContain(':warning: *Data is stale:* the newest sale is 19 days old');
    expect(text).toContain(':hourglass: *Late:* posted at 11:02, 3 hours after its 08:00 slot');
  });

  it('recaps last week’s follow-ups with counts and names', () => {
    const d = renderDigest({
      result: buildSampleResult(),
      settings,
      recap: {
        claimed: [{ customerId: 'C001', customerName: 'Acme', userId: 'U1' }],
        contacted: [
          { customerId: 'C002', customerName: 'Bolt' },
          { customerId: 'C003', customerName: 'Calm' },
        ],
        recovered: [],
      },
    });
    expect(allText(d.parent.blocks)).toContain(
      "*Last week's follow-ups:* 1 claimed · 2 contacted · 0 recovered\\nClaimed: Acme (<@U1>)\\nContacted: Bolt, Calm",
    );
  });

  it('shows each card’s follow-up state', () => {
    const states = new Map<string, GapState>([
      ['C002', { customerId: 'C002', status: 'claimed', ownerUserId: 'U9' }],
    ]);
    const d = renderDigest({ result: buildSampleResult(), settings, states });
    expect(allText(d.parent.blocks)).toContain('Claimed by <@U9>');
  });

  it('is deterministic, and a state change only changes that card', () => {
    const input = { result: buildSampleResult(), settings, digestRunId: 'run-7' };
    expect(renderDigest(input)).toEqual(renderDigest(input));
    const states = new Map<string, GapState>([
      ['C001', { customerId: 'C001', status: 'claimed', ownerUserId: 'U9' }],
    ]);
    const after = renderDigest({ ...input, states });
    const ids = cardBlockIds('C001');
    const changed = (before: readonly Block[], now: readonly Block[]) =>
      now.filter((b, i) => JSON.stringify(b) !== JSON.stringify(before[i])).map((b) => b.block_id);
    expect(changed(digest.parent.blocks, after.parent.blocks)).toEqual([lineBlockId('C001')]);
    expect(changed(digest.continuations[0]!.blocks, after.continuations[0]!.blocks)).toEqual([
      ids.section,
      ids.actions,
    ]);
  });

  it('says so when there is nothing to chase', () => {
    const d = renderDigest({
      result: buildSampleResult({
        priorities: [],
        summary: { ...buildSampleResult().summary, customersWithGaps: 0 },
      }),
      settings,
    });
    expect(allText(d.parent.blocks)).toContain('Nothing to chase this week. :tada:');
    expect(d.parent.text).toBe('Revenue gaps, week of Mon 16 Nov 2026 (to 22 Nov): no gaps this week.');
  });

  it('merges seed-rule rows (one per gap) into one card per customer', () => {
    const one = priorityOf(ACME);
    const rows = [
      { ...one, rank: 1, gapTypes: ['churn_risk' as const], gapAmountCents: 200_000 },
      { ...one, customerId: 'C002', rank: 2, gapTypes: ['below_baseline' as const] },
      { ...one, rank: 3, gapTypes: ['zero_spend' as const], gapAmountCents: 250_000 },
    ];
    const cards = cardPriorities(rows);
    expect(cards.map((c) => [c.customerId, c.rank, c.gapTypes, c.gapAmountCents])).toEqual([
      ['C001', 1, ['churn_risk', 'zero_spend'], 250_000],
      ['C002', 2, ['below_baseline'], 200_000],
    ]);
  });
});

describe('renderDigest at scale', () => {
  const result = buildLargeResult(1000, 300);
  const digest = renderDigest({ result, settings: sampleSettings({ topN: 1000 }), digestRunId: 'run-1' });
  const messages = [digest.parent, ...digest.continuations];

  it('passes the Block Kit limits for 1,000 gaps with 300-char names', () => {
    for (const [i, m] of messages.entries()) expect({ i, v: checkMessage(m) }).toEqual({ i, v: [] });
  });

  it('cuts nothing silently: every gap has a card, once, in rank order', () => {
    const ids = messages.flatMap((m) => cardIds(m.blocks));
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(digest.continuations.length).toBeGreaterThan(0);
  });

  it('keeps the parent within 20 blocks and says where the customers it cannot name are', () => {
    expect(digest.parent.blocks.length).toBeLessThanOrEqual(20);
    expect(lineIds(digest.parent.blocks)).toHaveLength(10);
    expect(allText(digest.parent.blocks)).toMatch(/and [\d,]+ more from #\d+: their cards are in the thread/);
    expect(allText(digest.parent.blocks)).toContain('The full cards of all 1,000 are in the thread');
  });

  it('keeps a huge recap and long notes within the limits', () => {
    const names = result.customers.map((c) => ({
      customerId: c.customerId,
      customerName: c.name,
      userId: 'U0ME',
    }));
    const d = renderDigest({
      result,
      settings: sampleSettings({ topN: 1000 }),
      recap: { claimed: names, contacted: names, recovered: names },
      late: '&<>'.repeat(1000),
      stale: '&<>'.repeat(1000),
    });
    for (const m of [d.parent, ...d.continuations]) expect(checkMessage(m)).toEqual([]);
    expect(allText(d.parent.blocks)).toMatch(/Claimed: .* and [\d,]+ more/);
  });

  it('labels each continuation with its place and ranks', () => {
    const first = digest.continuations[0]!;
    const label = (first.blocks[0] as AnyBlock).elements?.[0]?.text ?? '';
    expect(label).toMatch(/^\*Full cards \(1\/\d+\)\* · #1 to #\d+ · week of Mon 16 Nov 2026 \(to 22 Nov\)$/);
  });
});

describe('the compact parent', () => {
  /** `n` customers "Shop 1".."Shop n" with gaps from $3,712.74 down, all four gap types. */
  function shops(n: number) {
    const large = buildLargeResult(n, 20);
    const priorities = large.priorities.map((p) => ({
      ...p,
      customerName: `Shop ${p.rank}`,
      accountManager: `U0OWNER${p.rank}`,
      gapAmountCents: 371_274 - p.rank * 1000,
    }));
    return { ...large, priorities };
  }
  const render = (n: number) =>
    renderDigest({ result: shops(n), settings: sampleSettings({ topN: n }), digestRunId: 'run-9' });

  it.each([20, 50])('keeps the top %i within 20 blocks and names every one of them', (n) => {
    const d = render(n);
    expect(d.parent.blocks.length).toBeLessThanOrEqual(20);
    expect(checkMessage(d.parent)).toEqual([]);
    const text = allText(d.parent.blocks);
    for (let rank = 1; rank <= n; rank++) expect(text).toMatch(new RegExp(`Shop ${rank}\\b`));
    // Each of them has a full card in the thread.
    expect(d.continuations.flatMap((m) => cardIds(m.blocks))).toHaveLength(n);
  });

  it('names all of a top 50 with everyday names (about 25 characters) in the parent', () => {
    const result = shops(50);
    const named = {
      ...result,
      priorities: result.priorities.map((p) => ({ ...p, customerName: `Northwind Logistics No. ${p.rank}` })),
    };
    const d = renderDigest({ result: named, settings: sampleSettings({ topN: 50 }) });
    expect(d.parent.blocks.length).toBeLessThanOrEqual(20);
    expect(checkMessage(d.parent)).toEqual([]);
    const text = allText(d.parent.blocks);
    for (let rank = 1; rank <= 50; rank++) expect(text).toContain(`Northwind Logistics No. ${rank}`);
    expect(text).not.toContain('their cards are in the thread');
  });

  it('shows the first ten as lines with a menu, and the rest in a pick list that opens them', () => {
    const d = render(20);
    expect(lineIds(d.parent.blocks)).toHaveLength(10);
    const rest = d.parent.blocks.find((b) => b.block_id === 'gap:rest') as {
      text: { text: string };
      accessory: { action_id: string; options: { text: { text: string }; value: string }[] };
    };
    expect(rest.text.text).toMatch(
      /^\*Also in the top, #11 to #20:\* #11 Shop 11 \$3\.6k · #12 Shop 12 \$3\.6k/,
    );
    expect(rest.accessory.action_id).toBe(ACTION_LINE_PICK);
    expect(rest.accessory.options.map((o) => o.text.text)).toHaveLength(10);
    expect(rest.accessory.options[0]).toEqual({
      text: { type: 'plain_text', text: '#11 Shop 11 · $3.6k', emoji: true },
      value: encodeLinePick(shops(20).priorities[10]!.customerId),
    });
  });

  it('rounds the gap, names the owner, the most urgent type "+3 more" and the recommendation in a few words', () => {
    const d = render(20);
    const line = d.parent.blocks.find((b) => b.block_id?.startsWith('gap:l:')) as {
      text: { text: string };
      accessory: { type: string; action_id: string; options: { text: { text: string } }[] };
    };
    expect(line.text.text).toBe(
      '*1. Shop 1* · *$3.7k* · owner <@U0OWNER1>\nChurn risk +3 more · _Call this week_',
    );
    expect(line.accessory.action_id).toBe(ACTION_LINE_MENU);
    expect(line.accessory.options.map((o) => o.text.text)).toEqual([
      'Deep dive',
      'Claim',
      'Log follow-up',
      'Snooze 1 week',
      'Snooze 4 weeks',
    ]);
  });
});
