/** The Home tab renderer: my total and split by status, the empty state, paging within 100 blocks. */
import { describe, expect, it } from 'vitest';
import type { GapState } from '../../../src/core/types.ts';
import { checkView } from '../../../src/render/slack/block-kit-limits.ts';
import type { CardPriority } from '../../../src/render/slack/card.ts';
import { type HomeCard, type HomeInput, renderHome, summarizeMine } from '../../../src/render/slack/home.ts';
import {
  ACTION_CLAIM,
  ACTION_HOME_DM_DIGEST,
  ACTION_HOME_PAGE,
  ACTION_RELEASE,
} from '../../../src/render/slack/ids.ts';

const ME = 'U01ALICE';

function priority(i: number, gapAmountCents: number): CardPriority {
  return {
    rank: i,
    customerId: `C${String(i).padStart(3, '0')}`,
    customerName: `Customer ${i}`,
    accountManager: ME,
    gapTypes: ['declining_revenue'],
    gapAmountCents,
    recoveryPotentialCents: gapAmountCents / 2,
    score: 50,
    contributions: { revenueImpact: 30, churnRisk: 10, customerValue: 5, recoveryProbability: 5 },
  };
}

const card = (i: number, cents: number, state?: Partial<GapState>): HomeCard => ({
  priority: priority(i, cents),
  ...(state ? { state: { customerId: priority(i, cents).customerId, status: 'open', ...state } } : {}),
});

const base = (over: Partial<HomeInput> = {}): HomeInput => ({
  userId: ME,
  currency: 'USD',
  today: '2026-11-25',
  mine: [],
  team: [],
  snoozesEnding: [],
  nextSteps: [],
  results: null,
  ...over,
});

/** Every text a view shows. */
function texts(view: { blocks: unknown[] }): string {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object')
      for (const [k, v] of Object.entries(n)) {
        if (k === 'text' && typeof v === 'string') out.push(v);
        else walk(v);
      }
  };
  walk(view.blocks);
  return out.join('\n');
}

const cardIds = (view: { blocks: Array<{ block_id?: string }> }): string[] =>
  view.blocks.flatMap((b) => (b.block_id?.startsWith('gap:s:') ? [b.block_id.slice(6)] : []));

function buttons(view: { blocks: unknown[] }, actionId: string): Array<{ value?: string }> {
  const found: Array<{ value?: string }> = [];
  for (const b of view.blocks as Array<{ elements?: unknown[]; accessory?: unknown }>) {
    for (const e of [...(b.elements ?? []), ...(b.accessory ? [b.accessory] : [])] as Array<{
      action_id?: string;
      value?: string;
    }>)
      if (e.action_id === actionId) found.push(e);
  }
  return found;
}

describe('renderHome', () => {
  const mine = [
    card(1, 10_000),
    card(2, 20_000, { status: 'claimed', ownerUserId: ME }),
    card(3, 5_000, { status: 'snoozed', snoozedUntil: '2026-11-28' }),
    card(4, 2_500, { status: 'contacted', ownerUserId: ME }),
  ];

  it('totals my gaps and splits them by status (open, claimed, contacted, snoozed)', () => {
    const summary = summarizeMine(mine);
    expect(summary.atRiskCents).toBe(37_500);
    expect(summary.byStatus.open).toEqual({ count: 1, cents: 10_000 });
    expect(summary.byStatus.claimed).toEqual({ count: 1, cents: 20_000 });
    expect(summary.byStatus.contacted).toEqual({ count: 1, cents: 2_500 });
    expect(summary.byStatus.snoozed).toEqual({ count: 1, cents: 5_000 });
    const shown = texts(renderHome(base({ mine })));
    expect(shown).toContain('*$375.00* at risk on *4 gaps* of yours');
    expect(shown).toContain(
      '1 open ($100.00) · 1 claimed ($200.00) · 1 contacted ($25.00) · 1 snoozed ($50.00)',
    );
    expect(shown).not.toContain('recovering');
  });

  it('shows every card with the digest card actions, snoozes ending, next steps due and results', () => {
    const view = renderHome(
      base({
        mine,
        team: [card(9, 99_900)],
        snoozesEnding: [{ customerName: 'Customer 3', until: '2026-11-28' }],
        nextSteps: [
          { customerName: 'Customer 4', due: '2026-11-24', text: 'send the price list' },
          { customerName: 'Customer 2', due: '2026-11-25' },
        ],
        results: { followedUp: 3, measured: 2, recovered: 1, recoveredCents: 12_345 },
        dmDigest: { on: false, forAll: false },
      }),
    );
    expect(cardIds(view)).toEqual(['C001', 'C002', 'C003', 'C004', 'C009']);
    // The tab is mine: the gaps I hold (claimed, contacted) offer Release, the others Claim.
    expect(buttons(view, ACTION_CLAIM)).toHaveLength(3);
    expect(buttons(view, ACTION_RELEASE)).toHaveLength(2);
    const shown = texts(view);
    expect(shown).toContain('Snoozes ending this week:* Customer 3 (2026-11-28)');
    expect(shown).toContain('*overdue* since 2026-11-24: Customer 4 — send the price list');
    expect(shown).toContain('*today*: Customer 2');
    expect(shown).toContain('3 gaps followed up, 2 measured, 1 back to usual ($123.45 recovered)');
    expect(shown).toContain("Team's top unclaimed gaps");
    expect(buttons(view, ACTION_HOME_DM_DIGEST)).toEqual([expect.objectContaining({ value: 'on' })]);
    expect(checkView(view as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('says clearly when I have nothing, and when there is no analysis yet', () => {
    const empty = texts(renderHome(base({ team: [card(9, 1_000)] })));
    expect(empty).toContain('No open gaps on your accounts.');
    expect(empty).toContain("Team's top unclaimed gaps");
    const nothing = renderHome(base());
    expect(texts(nothing)).toContain('every gap in the latest analysis has an owner');
    const noData = renderHome(base({ noData: true }));
    expect(texts(noData)).toContain('There is no analysis yet');
    expect(cardIds(noData)).toEqual([]);
  });

  it('pages beyond 100 blocks: every card once across the pages, each page within the limit', () => {
    const many = Array.from({ length: 120 }, (_, i) => card(i + 1, 100_000 - i));
    const seen: string[] = [];
    let offset = 0;
    let pages = 0;
    for (;;) {
      const view = renderHome(base({ mine: many, team: [card(500, 1)], offset }));
      pages++;
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      expect(checkView(view as unknown as Record<string, unknown>)).toEqual([]);
      seen.push(...cardIds(view).filter((id) => id !== 'C500'));
      const next = buttons(view, ACTION_HOME_PAGE).find((b) => Number(b.value) > offset);
      if (!next) break;
      offset = Number(next.value);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(many.map((c) => c.priority.customerId));
    // Every page says where it is; "Previous page" goes back to the start of the page before, and a
    // stale offset (not on a page start) shows the page holding it.
    const firstView = renderHome(base({ mine: many, team: [card(500, 1)] }));
    const secondStart = Number(buttons(firstView, ACTION_HOME_PAGE)[0]?.value);
    expect(texts(firstView)).toContain('Page 1 of 3');
    const second = renderHome(base({ mine: many, team: [card(500, 1)], offset: secondStart + 3 }));
    expect(texts(second)).toContain('Page 2 of 3');
    expect(texts(second)).toContain(`*My open gaps* (${secondStart + 1}–`);
    expect(buttons(second, ACTION_HOME_PAGE).map((b) => b.value)[0]).toBe('0');
    const third = renderHome(base({ mine: many, team: [card(500, 1)], offset: 10_000 }));
    expect(texts(third)).toContain('Page 3 of 3');
    expect(cardIds(third).at(-1)).toBe('C120');
  });

  it('stays within Slack’s limits with long, markup-heavy names and steps', () => {
    const long = '&<>*_~'.repeat(100);
    const view = renderHome(
      base({
        mine: [card(1, 1_000)],
        snoozesEnding: Array.from({ length: 12 }, () => ({ customerName: long, until: '2026-11-28' })),
        nextSteps: Array.from({ length: 12 }, () => ({ customerName: long, due: '2026-11-25', text: long })),
      }),
    );
    expect(checkView(view as unknown as Record<string, unknown>)).toEqual([]);
  });
});
