import { describe, expect, it } from 'vitest';
import type { GapState } from '../../../src/core/types.ts';
import { checkMessage, measureBlockText } from '../../../src/render/slack/block-kit-limits.ts';
import {
  measureCardText,
  renderGapCard,
  renderStatusLine,
  replaceCard,
} from '../../../src/render/slack/card.ts';
import { ACME, BOLT, priorityOf } from '../../helpers/build-result.ts';

describe('renderGapCard', () => {
  it('shows the supply-side mark of a possibly supply-caused gap (at most 3 SKUs, escaped)', () => {
    const mark = {
      storeId: 'S1',
      recentStockoutShare: 0.375,
      baselineStockoutShare: 0,
      stockoutPeriods: ['2026-11-02', '2026-11-09', '2026-11-16'],
      skusOut: ['SKU-1', 'SKU_2', 'SKU-3', 'SKU-4'].map((sku) => ({ sku, periods: ['2026-11-02'] })),
      dipCents: -70000,
    };
    const text = (p: ReturnType<typeof priorityOf>) => {
      const [section] = renderGapCard(p, undefined, { currency: 'USD', digestRunId: 'r' });
      return (section as { text: { text: string } }).text.text;
    };
    expect(text({ ...priorityOf(BOLT), supplyMark: mark })).toContain(
      ':package: _Possibly supply-caused: SKU-1, SKU_\u200b2, SKU-3 and 1 more out at store S1 (3 periods from 2026-11-02); fix availability first_',
    );
    expect(text(priorityOf(BOLT))).not.toContain('supply-caused');
  });

  it('shows customer, gap types, gap, score driver, owner, sparkline and status, with four actions', () => {
    const card = renderGapCard(priorityOf(BOLT), undefined, {
      currency: 'USD',
      series: BOLT.series,
      digestRunId: 'run-7',
    });
    expect(card).toMatchInlineSnapshot(`
      [
        {
          "block_id": "gap:s:C002",
          "text": {
            "text": "*2. Bolt_​Works* · Declining revenue, Below baseline
      *$600.00* gap · recover ~$540.00 · score *55.3* (mostly customer value, 20.0 pts) · owner jane@example.com
      \`████████▇▆▆▅\`
      :white_circle: Open: nobody has claimed it yet",
            "type": "mrkdwn",
            "verbatim": true,
          },
          "type": "section",
        },
        {
          "block_id": "gap:a:C002",
          "elements": [
            {
              "action_id": "gap_claim",
              "style": "primary",
              "text": {
                "emoji": true,
                "text": "Claim",
                "type": "plain_text",
              },
              "type": "button",
              "value": "{"c":"C002","r":"run-7"}",
            },
            {
              "action_id": "gap_log_followup",
              "text": {
                "emoji": true,
                "text": "Log follow-up",
                "type": "plain_text",
              },
              "type": "button",
              "value": "{"c":"C002","r":"run-7"}",
            },
            {
              "action_id": "gap_deep_dive",
              "text": {
                "emoji": true,
                "text": "Deep dive",
                "type": "plain_text",
              },
              "type": "button",
              "value": "{"c":"C002","r":"run-7"}",
            },
            {
              "action_id": "gap_snooze",
              "options": [
                {
                  "text": {
                    "text": "Snooze 1 week",
                    "type": "plain_text",
                  },
                  "value": "{"w":1,"k":"C002"}",
                },
                {
                  "text": {
                    "text": "Snooze 2 weeks",
                    "type": "plain_text",
                  },
                  "value": "{"w":2,"k":"C002"}",
                },
                {
                  "text": {
                    "text": "Snooze 4 weeks",
                    "type": "plain_text",
                  },
                  "value": "{"w":4,"k":"C002"}",
                },
              ],
              "type": "overflow",
            },
          ],
          "type": "actions",
        },
      ]
    `);
  });

  it("gives the driver's points as the deep dive does, one decimal of a split that adds up to the score", () => {
    const p = {
      ...priorityOf(BOLT),
      score: 67.5,
      contributions: { revenueImpact: 29.75, churnRisk: 22.5, customerValue: 10, recoveryProbability: 5.25 },
    };
    const section = renderGapCard(p, undefined, { currency: 'USD' })[0] as { text: { text: string } };
    expect(section.text.text).toContain('score *67.5* (mostly revenue impact, 29.8 pts)');
  });

  it('mentions an account manager who is a Slack user', () => {
    const [section] = renderGapCard(priorityOf(ACME), undefined, { currency: 'USD' });
    expect(JSON.stringify(section)).toContain('owner <@U0ACME01>');
  });

  it('keeps a hostile name from mentioning the channel or linking', () => {
    const p = { ...priorityOf(ACME), customerName: '<!channel> <https://evil.example|click> & co' };
    const text = JSON.stringify(renderGapCard(p, undefined, { currency: 'USD' })[0]);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; co');
  });

  it('fits the limits with a 300-char name and huge numbers', () => {
    const p = {
      ...priorityOf(ACME),
      customerId: 'I'.repeat(300),
      customerName: '&<>*_~`'.repeat(43),
      accountManager: `${'m'.repeat(250)}@example.com`,
      gapAmountCents: Number.MAX_SAFE_INTEGER,
      recoveryPotentialCents: Number.MAX_SAFE_INTEGER,
    };
    const card = renderGapCard(
      p,
      { customerId: p.customerId, status: 'snoozed', snoozedUntil: '2026-12-08', ownerUserId: 'U1' },
      {
        currency: 'USD',
        series: Array.from({ length: 52 }, (_, i) => i * 1e12),
        digestRunId: 'r'.repeat(500),
      },
    );
    expect(checkMessage({ text: 'card', blocks: card })).toEqual([]);
  });
});

describe('the Claim button', () => {
  type Button = { action_id: string; value: string; style?: string; text: { text: string } };
  const claimOf = (state: GapState | undefined): Button => {
    const actions = renderGapCard(priorityOf(BOLT), state, { currency: 'USD', digestRunId: 'run-7' })[1] as {
      elements: Button[];
    };
    return actions.elements[0]!;
  };
  const st = (status: GapState['status'], ownerUserId?: string): GapState => ({
    customerId: 'C002',
    status,
    ...(ownerUserId ? { ownerUserId } : {}),
  });

  it('is a green "Claim" only while nobody is on the gap', () => {
    for (const state of [undefined, st('open')]) {
      const b = claimOf(state);
      expect([b.text.text, b.style]).toEqual(['Claim', 'primary']);
    }
  });

  it('says "Take over", not green, once someone is on it', () => {
    for (const state of [st('claimed', 'U1'), st('contacted', 'U1'), st('recovering'), st('snoozed', 'U1')]) {
      const b = claimOf(state);
      expect({ status: state.status, label: b.text.text, style: b.style }).toEqual({
        status: state.status,
        label: 'Take over',
        style: undefined,
      });
    }
  });

  it('says "Reopen" on a closed gap (lost, not a real gap), and plain "Claim" on a snoozed one nobody has', () => {
    expect(claimOf(st('lost', 'U1')).text.text).toBe('Reopen');
    expect(claimOf(st('dismissed', 'U1')).text.text).toBe('Reopen');
    expect(claimOf(st('lost', 'U1')).style).toBeUndefined();
    const snoozed = claimOf(st('snoozed'));
    expect([snoozed.text.text, snoozed.style]).toEqual(['Claim', undefined]);
  });

  it('keeps the same action and value in every state, so the claim listener handles them all', () => {
    for (const state of [undefined, st('claimed', 'U1'), st('lost', 'U1')]) {
      const b = claimOf(state);
      expect([b.action_id, b.value]).toEqual(['gap_claim', '{"c":"C002","r":"run-7"}']);
    }
  });
});

describe('Release, confirmations and Unsnooze', () => {
  type Element = {
    type: string;
    action_id: string;
    value?: string;
    text?: { text: string };
    confirm?: { title: { text: string }; text: { text: string } };
  };
  const elementsOf = (state: GapState | undefined, viewerUserId?: string): Element[] =>
    (
      renderGapCard(priorityOf(BOLT), state, {
        currency: 'USD',
        digestRunId: 'run-7',
        ...(viewerUserId ? { viewerUserId } : {}),
      })[1] as { elements: Element[] }
    ).elements;
  const claimed: GapState = { customerId: 'C002', status: 'claimed', ownerUserId: 'U1' };

  it('offers its holder "Release" (no confirmation) in a copy only they see; others "Take over"', () => {
    for (const status of ['claimed', 'contacted', 'recovering'] as const) {
      const [button] = elementsOf({ ...claimed, status }, 'U1');
      expect([button?.text?.text, button?.action_id, button?.confirm]).toEqual([
        'Release',
        'gap_release',
        undefined,
      ]);
    }
    expect(elementsOf(claimed, 'U2')[0]?.text?.text).toBe('Take over');
    // Their own snoozed gap: Claim (takes it up again), next to Unsnooze.
    expect(elementsOf({ ...claimed, status: 'snoozed' }, 'U1').map((e) => e.text?.text)).toEqual([
      'Claim',
      'Log follow-up',
      'Deep dive',
      'Unsnooze',
      undefined,
    ]);
    // A shared copy cannot know who looks: Take over (the server offers its holder Release on click).
    expect(elementsOf(claimed)[0]?.text?.text).toBe('Take over');
  });

  it('asks for confirmation before taking over or snoozing a gap someone else holds', () => {
    const [takeOver, , , snooze] = elementsOf(claimed);
    expect(takeOver?.confirm?.title.text).toBe('Take over Bolt_Works?');
    expect(takeOver?.confirm?.text.text).toContain('told in the digest thread');
    expect([snooze?.type, snooze?.confirm?.title.text]).toEqual(['overflow', 'Snooze Bolt_Works?']);
    // Nobody on it, or your own: no dialog.
    for (const [state, viewer] of [
      [undefined, undefined],
      [claimed, 'U1'],
    ] as const) {
      for (const e of elementsOf(state, viewer)) expect(e.confirm).toBeUndefined();
    }
    expect(
      checkMessage({ text: 'card', blocks: renderGapCard(priorityOf(BOLT), claimed, { currency: 'USD' }) }),
    ).toEqual([]);
  });

  it("asks before snoozing another account manager's account nobody is working on", () => {
    const snoozeOf = (accountManager: string, viewerUserId?: string) =>
      (
        renderGapCard({ ...priorityOf(BOLT), accountManager }, undefined, {
          currency: 'USD',
          ...(viewerUserId ? { viewerUserId } : {}),
        })[1] as { elements: Element[] }
      ).elements.at(-1);
    expect(snoozeOf('U0BOB')?.confirm?.title.text).toBe('Snooze Bolt_Works?');
    expect(snoozeOf('U0BOB', 'U0BOB')?.confirm).toBeUndefined();
    // Not a Slack user (an email nobody has, a placeholder): nobody to ask for.
    expect(snoozeOf('jane@example.com')?.confirm).toBeUndefined();
  });

  it('offers Unsnooze on a snoozed card only, and says who snoozed it until when', () => {
    const snoozed: GapState = {
      customerId: 'C002',
      status: 'snoozed',
      snoozedUntil: '2026-12-08',
      snoozedByUserId: 'U2',
      ownerUserId: 'U1',
    };
    expect(elementsOf(snoozed).map((e) => e.action_id)).toEqual([
      'gap_claim',
      'gap_log_followup',
      'gap_deep_dive',
      'gap_unsnooze',
      'gap_snooze',
    ]);
    expect(elementsOf(claimed).map((e) => e.action_id)).not.toContain('gap_unsnooze');
    expect(renderStatusLine(snoozed)).toBe(':zzz: Snoozed until 2026-12-08 by <@U2>; <@U1> has it');
    expect(renderStatusLine({ ...snoozed, snoozedByUserId: 'U1' })).toBe(
      ':zzz: Snoozed until 2026-12-08 by <@U1>',
    );
  });
});

describe('measureCardText', () => {
  it('reserves room for the card in its longest state (longest status line, longest button label)', () => {
    const options = { currency: 'USD', series: BOLT.series, digestRunId: 'run-7' };
    const p = priorityOf(BOLT);
    // A long owner id makes the status line hit STATUS_LINE_MAX (120) characters.
    const owner = `U${'X'.repeat(200)}`;
    const states: (GapState | undefined)[] = [
      undefined,
      { customerId: 'C002', status: 'claimed', ownerUserId: owner },
      {
        customerId: 'C002',
        status: 'snoozed',
        snoozedUntil: '2026-12-08',
        ownerUserId: owner,
        snoozedByUserId: 'U2',
      },
      { customerId: 'C002', status: 'dismissed', ownerUserId: owner },
    ];
    const reserved = measureCardText(p, options);
    for (const state of states) {
      expect(measureBlockText(renderGapCard(p, state, options))).toBeLessThanOrEqual(reserved);
    }
    // The snoozed card (120-char status line and "Take over") comes within a character of it.
    expect(reserved - measureBlockText(renderGapCard(p, states[2], options))).toBeLessThanOrEqual(1);
  });
});

describe('renderStatusLine', () => {
  it('words every follow-up state', () => {
    const s = (status: Parameters<typeof renderStatusLine>[0]) => renderStatusLine(status);
    expect(s(undefined)).toBe(':white_circle: Open: nobody has claimed it yet');
    expect(s({ customerId: 'C', status: 'claimed', ownerUserId: 'U1' })).toBe(
      ':raising_hand: Claimed by <@U1>',
    );
    expect(s({ customerId: 'C', status: 'contacted', ownerUserId: 'U1' })).toBe(
      ':telephone_receiver: Contacted by <@U1>',
    );
    expect(s({ customerId: 'C', status: 'recovering' })).toBe(':chart_with_upwards_trend: Recovering');
    expect(s({ customerId: 'C', status: 'lost', ownerUserId: 'U1' })).toBe(':x: Marked lost by <@U1>');
    expect(s({ customerId: 'C', status: 'dismissed', ownerUserId: 'U1' })).toBe(
      ':heavy_minus_sign: Not a real gap by <@U1>',
    );
    expect(s({ customerId: 'C', status: 'snoozed', snoozedUntil: '2026-12-08', ownerUserId: 'U1' })).toBe(
      ':zzz: Snoozed until 2026-12-08 by <@U1>',
    );
  });
});

describe('replaceCard', () => {
  it('swaps one customer’s card in place and leaves the rest alone', () => {
    const acme = renderGapCard(priorityOf(ACME), undefined, { currency: 'USD' });
    const bolt = renderGapCard(priorityOf(BOLT), undefined, { currency: 'USD' });
    const blocks = [{ type: 'divider' as const }, ...acme, ...bolt];
    const claimed = renderGapCard(
      priorityOf(ACME),
      { customerId: 'C001', status: 'claimed', ownerUserId: 'U7' },
      {
        currency: 'USD',
      },
    );
    const out = replaceCard(blocks, 'C001', claimed);
    expect(out.replaced).toBe(true);
    expect(out.blocks).toEqual([blocks[0], ...claimed, ...bolt]);
    expect(replaceCard(blocks, 'C404', claimed)).toEqual({ blocks, replaced: false });
  });
});
