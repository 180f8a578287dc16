import { describe, expect, it } from 'vitest';
import type { FollowUpEvent } from '../../../src/core/types.ts';
import { checkMessage } from '../../../src/render/slack/block-kit-limits.ts';
import {
  renderChurnList,
  renderDeepDiveMessage,
  renderHelp,
  renderMine,
  renderNotFound,
  renderPickList,
  renderRefusal,
  renderTopList,
} from '../../../src/render/slack/deep-dive-blocks.ts';
import {
  ACME,
  BOLT,
  buildCustomer,
  buildLargeResult,
  buildSampleResult,
  CALM,
  GHOST,
  GONE,
  NEWBIE,
  sampleSettings,
} from '../../helpers/build-result.ts';

const result = buildSampleResult();
const settings = sampleSettings();

function text(message: { blocks: unknown[] }): string {
  return JSON.stringify(message.blocks);
}

const HISTORY: FollowUpEvent[] = [
  { id: 'e1', customerId: 'C001', kind: 'claim', userId: 'U0ACME01', at: '2026-11-24T09:15:00.000Z' },
  {
    id: 'e2',
    customerId: 'C001',
    kind: 'follow_up',
    userId: 'U0ACME01',
    outcome: 'recovering',
    nextStep: 'call <@U1> & co',
    at: '2026-11-25T10:00:00Z',
  },
];

describe('renderDeepDiveMessage', () => {
  const dive = renderDeepDiveMessage(ACME, result, settings, HISTORY, {
    shareButton: true,
    digestRunId: 'run-7',
  });

  it('has a fallback text and fits the limits', () => {
    expect(dive.text).toBe('Acme | *Corp* (C001): gap $2,000.00, Churn risk, Zero spend, Below baseline');
    expect(checkMessage(dive)).toEqual([]);
  });

  it('shows status, score components, gaps, metrics, series and follow-ups', () => {
    const t = text(dive);
    expect(t).toContain('Priority #1 of 2 among scored customers');
    expect(t).toContain('• Customer value: 0.50 × 20% = 10.0 pts');
    expect(t).toContain('• *Churn risk* ($2,000.00, high): no sales for 4 weeks after $500.00/wk');
    expect(t).toContain('*Zero streak*\\n4 weeks');
    expect(t).toContain('*Revenue by week* `████████▁▁▁▁` (12 weeks)');
    expect(t).toContain(`week of 2026-11-16${' '.repeat(11)}$0.00`);
    expect(t).toContain(
      '• 2026-11-25 10:00 UTC: <@U0ACME01> logged a follow-up: recovering · next: call &lt;@U1&gt; &amp; co',
    );
  });

  it('shows points that add up to the score shown (as the markdown report does)', () => {
    // 29.75 + 22.5 + 10 + 5.25 = 67.5; rounded one by one they would read 29.8 + 22.5 + 10.0 + 5.3 = 67.6.
    const odd = {
      ...ACME,
      score: 67.5,
      components: { revenueImpact: 0.85, churnRisk: 0.75, customerValue: 0.5, recoveryProbability: 0.35 },
      contributions: { revenueImpact: 29.75, churnRisk: 22.5, customerValue: 10, recoveryProbability: 5.25 },
    };
    const t = text(renderDeepDiveMessage(odd, result, settings, [], {}));
    expect(t).toContain('*Score 67.5*');
    expect(t).toContain('• Revenue impact: 0.85 × 35% = 29.8 pts');
    expect(t).toContain('• Churn risk: 0.75 × 30% = 22.5 pts');
    expect(t).toContain('• Customer value: 0.50 × 20% = 10.0 pts');
    expect(t).toContain('• Recovery probability: 0.35 × 15% = 5.2 pts');
  });

  it('lists only the latest 13 periods in the revenue table and says how many earlier ones it left out', () => {
    const long = buildCustomer({
      customerId: 'C078',
      name: 'Long History',
      status: 'no_gap',
      series: Array.from({ length: 20 }, (_, i) => (i + 1) * 100_00),
    });
    const t = text(
      renderDeepDiveMessage(long, { ...result, customers: [...result.customers, long] }, settings, [], {}),
    );
    expect(t).toContain('(20 weeks)');
    // Period i holds $i00.00: of 20 periods the latest 13 (8..20, $800.00 .. $2,000.00) are listed,
    // periods 1..7 are not.
    expect(t).toContain('$2,000.00');
    expect(t).toContain('$800.00');
    expect(t).not.toContain('$700.00');
    expect(t).toContain('_7 earlier weeks not shown._');
  });

  it('names the SKUs out at the store of a possibly supply-caused gap, after the recommendation', () => {
    const mark = {
      storeId: 'S1',
      recentStockoutShare: 0.375,
      baselineStockoutShare: 0,
      stockoutPeriods: ['2026-11-02', '2026-11-09', '2026-11-16'],
      skusOut: [{ sku: 'SKU-1', periods: ['2026-11-02'] }],
      dipCents: -70000,
    };
    const marked = {
      ...result,
      priorities: result.priorities.map((p) =>
        p.customerId === BOLT.customerId ? { ...p, supplyMark: mark } : p,
      ),
    };
    const t = text(renderDeepDiveMessage(BOLT, marked, settings, [], {}));
    expect(t).toContain('Possibly supply-caused: SKU-1 out at store S1 (3 periods from 2026-11-02)');
    expect(t.indexOf('supply-caused')).toBeGreaterThan(t.indexOf('*Recommendation:*'));
    expect(text(renderDeepDiveMessage(BOLT, result, settings, [], {}))).not.toContain('supply-caused');
  });

  it('shows the refunds of a refund-only customer (no sales, but a net series)', () => {
    const refunder = buildCustomer({
      customerId: 'C077',
      name: 'Refund Co',
      status: 'no_sales',
      series: [-40_00, 0, 0],
    });
    const t = text(renderDeepDiveMessage(refunder, result, settings, [], {}));
    expect(t).toContain('*Revenue by week*');
    expect(t).toContain(`week of 2026-11-02${' '.repeat(9)}-$40.00`);
  });

  it('says "As of the week of Mon 16 Nov 2026 (to 22 Nov)" but "As of November 2026" for months', () => {
    expect(text(dive)).toContain('As of the week of Mon 16 Nov 2026 (to 22 Nov)');
    const monthly = {
      ...result,
      period: { kind: 'month' as const, weekStartsOn: 1 as const },
      asOf: { ...result.asOf, period: 2026 * 12 + 10 },
    };
    const t = text(renderDeepDiveMessage(CALM, monthly, settings, [], {}));
    expect(t).toContain('As of November 2026');
    expect(t).not.toContain('the 2026-11');
  });

  it('offers Claim, Log follow-up and Share in channel', () => {
    const actions = dive.blocks.at(-1) as { type: string; elements: { action_id: string; value: string }[] };
    expect(actions.type).toBe('actions');
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'gap_claim',
      'gap_log_followup',
      'share_in_channel',
    ]);
    expect(actions.elements[2]?.value).toBe('{"c":"C001","r":"run-7"}');
  });

  it('says "Take over" when someone is on the gap, from its history or its state', () => {
    type Actions = { elements: { action_id: string; text: { text: string }; style?: string }[] };
    const claimOf = (m: { blocks: unknown[] }) => (m.blocks.at(-1) as Actions).elements[0]!;
    // HISTORY: claimed by U0ACME01, then recovering.
    expect(claimOf(dive).text.text).toBe('Take over');
    expect(claimOf(dive).action_id).toBe('gap_claim');
    expect(claimOf(renderDeepDiveMessage(ACME, result, settings, [])).text.text).toBe('Claim');
    expect(claimOf(renderDeepDiveMessage(ACME, result, settings)).text.text).toBe('Claim');
    const lost: FollowUpEvent = { ...HISTORY[1]!, id: 'e3', outcome: 'lost', at: '2026-11-26T10:00:00Z' };
    expect(claimOf(renderDeepDiveMessage(ACME, result, settings, [...HISTORY, lost])).text.text).toBe(
      'Reopen',
    );
    const given = renderDeepDiveMessage(ACME, result, settings, [], {
      state: { customerId: 'C001', status: 'claimed', ownerUserId: 'U9' },
    });
    expect(claimOf(given).text.text).toBe('Take over');
    // Never green here: "Share in channel" is the deep dive's main button.
    expect(claimOf(renderDeepDiveMessage(ACME, result, settings, [])).style).toBeUndefined();
  });

  it('leaves out the share button when shared, and actions for unscored customers', () => {
    expect(text(renderDeepDiveMessage(ACME, result, settings))).not.toContain('share_in_channel');
    expect(text(renderDeepDiveMessage(NEWBIE, result, settings))).not.toContain('gap_claim');
  });

  it('explains too-new, lapsed, no-sales and no-gap customers', () => {
    for (const [c, phrase] of [
      [NEWBIE, 'Too new to judge: 3 weeks of history, 6 weeks needed.'],
      [GONE, 'Lapsed: no sale in the last 12 weeks'],
      [GHOST, 'No sales on record'],
      [CALM, 'No gap: recent revenue is in line with its usual level.'],
    ] as const) {
      const m = renderDeepDiveMessage(c, result, settings, []);
      expect(text(m)).toContain(phrase);
      expect(checkMessage(m)).toEqual([]);
    }
  });

  it('fits the limits with a 300-char hostile name, huge numbers and long notes', () => {
    const nasty = buildCustomer({
      ...ACME,
      customerId: '&'.repeat(300),
      name: '<>&*_'.repeat(60),
      segment: '&'.repeat(300),
      accountManager: '&'.repeat(300),
      series: Array.from({ length: 52 }, () => Number.MAX_SAFE_INTEGER),
      gapAmountCents: Number.MAX_SAFE_INTEGER,
      gaps: ACME.gaps.map((g) => ({ ...g, rationale: '&'.repeat(2000) })),
      recommendation: '<'.repeat(3000),
    });
    const events = Array.from({ length: 40 }, (_, i) => ({
      ...HISTORY[1]!,
      id: `e${i}`,
      nextStep: '&'.repeat(300),
      note: '<'.repeat(2000),
    }));
    const m = renderDeepDiveMessage(nasty, result, settings, events, {
      shareButton: true,
      digestRunId: 'r'.repeat(300),
    });
    expect(checkMessage(m)).toEqual([]);
    expect(text(m)).toContain('…and 30 earlier.');
  });
});

describe('renderPickList and renderNotFound', () => {
  it('offers one button per match and says how many more matched', () => {
    const m = renderPickList([ACME, BOLT], { query: 'co', total: 14, currency: 'USD' });
    expect(m.text).toBe('14 customers match “co”.');
    expect(text(m)).toContain('12 more match: type more of the name or the customer id.');
    expect(text(m)).toContain('"action_id":"pick_customer","value":"{\\"c\\":\\"C001\\"}"');
    expect(checkMessage(m)).toEqual([]);
  });

  it('caps the buttons at ten', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      buildCustomer({ customerId: `C${i}`, name: 'x'.repeat(300) }),
    );
    const m = renderPickList(many, { query: 'x'.repeat(500), currency: 'USD' });
    expect(text(m).match(/pick_customer/g)).toHaveLength(10);
    expect(checkMessage(m)).toEqual([]);
  });

  it('suggests near names when nothing matches', () => {
    expect(renderNotFound('Acme Crop', [ACME])).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": "No customer matches “Acme Crop”. Did you mean:",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
          {
            "accessory": {
              "action_id": "pick_customer",
              "text": {
                "emoji": true,
                "text": "Deep dive",
                "type": "plain_text",
              },
              "type": "button",
              "value": "{"c":"C001"}",
            },
            "text": {
              "text": "*Acme | *​Corp*​ (C001)*
      #1 · gap $2,000.00 · Churn risk, Zero spend, Below baseline",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
        ],
        "text": "No customer matches “Acme Crop”.",
      }
    `);
  });

  it('says plainly when there is nothing close either', () => {
    const m = renderNotFound('<!here>', []);
    expect(text(m)).toContain(
      'No customer matches “&lt;!here&gt;”. Try the customer id, or part of the name.',
    );
  });
});

describe('renderTopList, renderChurnList, renderMine', () => {
  it('lists the top gaps as cards', () => {
    const m = renderTopList(result, settings, { n: 5 });
    expect(m.text).toBe('Top 2 revenue gaps for the week of Mon 16 Nov 2026 (to 22 Nov).');
    expect(text(m)).toContain('gap:s:C001');
    expect(checkMessage(m)).toEqual([]);
  });

  it('falls back to compact lines when 25 cards would not fit', () => {
    const big = buildLargeResult(40, 300);
    const m = renderTopList(big, sampleSettings({ topN: 40 }), { n: 25 });
    expect(checkMessage(m)).toEqual([]);
    const cards = (text(m).match(/gap:s:/g) ?? []).length;
    expect(cards).toBeGreaterThan(0);
    expect(cards).toBeLessThan(25);
    expect(text(m)).toContain(`${cards + 1}. *`);
  });

  it('lists churn-risk customers', () => {
    const m = renderChurnList(result, settings);
    expect(text(m)).toContain(
      '• *Acme | *​Corp*​*: 4 weeks without sales · usual $500.00/wk · *$2,000.00* at risk · owner <@U0ACME01>',
    );
    const big = renderChurnList(buildLargeResult(1000, 300), settings, { all: true });
    expect(checkMessage(big)).toEqual([]);
    // Cut by the message's size: the report has the rest.
    expect(text(big)).toMatch(
      /\*[\d,]+ of 1,000 churn-risk customers\* · week of [^·]+ · `\/revgap report` for the rest/,
    );
  });

  it('says when a list is cut and which command lists the rest', () => {
    const large = buildLargeResult(29, 20);
    const churn = renderChurnList({ ...large, churnRisk: large.churnRisk.slice(0, 25) }, settings, {
      total: 29,
    });
    expect(churn.text).toBe('25 of 29 churn-risk customers for the week of Mon 16 Nov 2026 (to 22 Nov).');
    expect(text(churn)).toContain(
      '*25 of 29 churn-risk customers* · week of Mon 16 Nov 2026 (to 22 Nov) · `/revgap churn all` for the rest',
    );
    const all = renderChurnList(large, settings, { total: 29, all: true });
    expect(all.text).toBe('29 churn-risk customers for the week of Mon 16 Nov 2026 (to 22 Nov).');
    expect(text(all)).not.toContain('for the rest');

    const top = renderTopList({ ...large, priorities: large.priorities.slice(0, 10) }, settings, {
      total: 29,
    });
    expect(top.text).toBe('Top 10 of 29 revenue gaps for the week of Mon 16 Nov 2026 (to 22 Nov).');
    expect(text(top)).toContain('`/revgap top all` for the rest');
    const topAll = renderTopList(large, settings, { n: 29, total: 29, all: true });
    expect(topAll.text).toBe('Top 29 revenue gaps for the week of Mon 16 Nov 2026 (to 22 Nov).');
    // Every one as a compact line, no cards.
    expect(text(topAll)).not.toContain('gap:s:');
    for (let rank = 1; rank <= 29; rank++) expect(text(topAll)).toContain(`${rank}. *`);
    expect(checkMessage(topAll)).toEqual([]);
  });

  it('shows my gaps: claimed by me or where I am the account manager', () => {
    const states = new Map([
      ['C002', { customerId: 'C002', status: 'claimed' as const, ownerUserId: 'U0ME' }],
    ]);
    expect(text(renderMine({ userId: 'U0ME', result, settings, states }))).toContain('gap:s:C002');
    expect(text(renderMine({ userId: 'U0ACME01', result, settings }))).toContain('gap:s:C001');
    const none = renderMine({ userId: 'U0NOBODY', result, settings });
    expect(none.text).toBe('No gaps are yours right now.');
  });
});

describe('renderMine: what is mine to act on', () => {
  it('counts snoozed gaps in the split but lists only the others, and says so', () => {
    // C001 is U0ACME01's account (sample), snoozed; C002 claimed by U0ACME01.
    const states = new Map([
      [
        'C001',
        {
          customerId: 'C001',
          status: 'snoozed' as const,
          snoozedUntil: '2026-12-20',
          ownerUserId: 'U0ACME01',
        },
      ],
      ['C002', { customerId: 'C002', status: 'claimed' as const, ownerUserId: 'U0ACME01' }],
    ]);
    const m = renderMine({ userId: 'U0ACME01', result, settings, states });
    expect(text(m)).toContain('gap:s:C002');
    expect(text(m)).not.toContain('gap:s:C001');
    expect(text(m)).toContain('1 snoozed');
    expect(text(m)).toContain('Snoozed, not listed (they come back when the snooze ends): Acme');
    expect(text(m)).toContain('(until 2026-12-20)');
    expect(m.text).toBe('You have 1 gap to follow up (1 more snoozed).');
    expect(checkMessage(m)).toEqual([]);
  });

  it('says there is nothing to follow up when every gap of mine is snoozed, naming them', () => {
    const states = new Map([
      [
        'C001',
        {
          customerId: 'C001',
          status: 'snoozed' as const,
          snoozedUntil: '2026-12-20',
          ownerUserId: 'U0ACME01',
        },
      ],
    ]);
    const m = renderMine({ userId: 'U0ACME01', result, settings, states });
    expect(m.text).toBe('Nothing to follow up now: your 1 gap is snoozed.');
    expect(text(m)).not.toContain('gap:s:');
    expect(text(m)).toContain('(until 2026-12-20)');
    expect(checkMessage(m)).toEqual([]);
  });

  it('says how many of my accounts someone else has claimed', () => {
    const m = renderMine({ userId: 'U0NOBODY', result, settings, claimedByOthers: 2 });
    expect(m.text).toBe('No gaps are yours right now.');
    expect(text(m)).toContain('2 more accounts of yours are claimed by someone else (not listed).');
  });
});

describe('renderHelp and renderRefusal', () => {
  it('lists the commands', () => {
    const m = renderHelp();
    expect(m.text).toBe('revgap commands: top, &lt;customer&gt;, churn, mine, report, help.');
    expect(m.blocks).toMatchInlineSnapshot(`
      [
        {
          "text": {
            "text": "*revgap* finds customers whose revenue is slipping and ranks them.
      • \`/revgap top\` or \`/revgap top 5\`: the top gaps (up to 25); \`/revgap top all\`: every one, one line each
      • \`/revgap &lt;customer id or name&gt;\`: a deep dive on one customer
      • \`/revgap churn\`: customers with no sales for weeks in a row (the first 25; \`/revgap churn all\` for every one)
      • \`/revgap mine\`: gaps you claimed or own
      • \`/revgap report\`: the full markdown report
      • \`/revgap help\`: this message
      In the digest: *Claim* a gap (*Release* it when you stop), *Log follow-up* after a call, *Snooze* it for 1 to 4 weeks (*Unsnooze* brings it back), or open a *Deep dive*. Taking over or snoozing someone else’s gap asks first, and tells them in the thread.
      In a digest thread, mention revgap to record without clicking:
      • \`@revgap log &lt;customer&gt;: &lt;note&gt;\`: a note, shown in the deep dive’s follow-ups
      • \`@revgap snooze &lt;customer&gt; 2w\`: snooze for 1 to 12 weeks",
            "type": "mrkdwn",
            "verbatim": true,
          },
          "type": "section",
        },
      ]
    `);
    expect(checkMessage(m)).toEqual([]);
  });

  it('refuses politely, with the policy’s words when given', () => {
    expect(renderRefusal('Ask in #revenue.')).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": ":lock: Ask in #revenue.",
              "type": "mrkdwn",
              "verbatim": true,
            },
            "type": "section",
          },
        ],
        "text": "Ask in #revenue.",
      }
    `);
    expect(renderRefusal().text).toContain("revenue data isn't available to you here");
  });
});

describe('every answer with 300-char names and huge numbers', () => {
  const big = buildLargeResult(300, 300);
  const bigSettings = sampleSettings({ topN: 300 });
  const first = big.customers[0]!;
  const states = new Map(
    big.customers.map((c) => [
      c.customerId,
      {
        customerId: c.customerId,
        status: 'snoozed' as const,
        snoozedUntil: '2026-12-31',
        ownerUserId: 'U0ME',
      },
    ]),
  );
  const answers = {
    deepDive: renderDeepDiveMessage(first, big, bigSettings, [], {
      shareButton: true,
      digestRunId: 'r'.repeat(100),
    }),
    pickList: renderPickList(big.customers, { query: first.name, total: 300, currency: 'USD' }),
    notFound: renderNotFound(first.name, big.customers, { currency: 'USD' }),
    top: renderTopList(big, bigSettings, { n: 25, states, digestRunId: 'run-1' }),
    churn: renderChurnList(big, bigSettings, { limit: 300 }),
    mine: renderMine({ userId: 'U0ME', result: big, settings: bigSettings, states, digestRunId: 'run-1' }),
    help: renderHelp(),
    refusal: renderRefusal('&<>'.repeat(1000)),
  };
  for (const [name, message] of Object.entries(answers)) {
    it(`${name} passes the Block Kit limits`, () => {
      expect(checkMessage(message)).toEqual([]);
    });
  }
});
