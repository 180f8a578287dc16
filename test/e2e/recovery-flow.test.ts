/**
 * Measured recovery end to end, on the real bot against local-slack (Socket Mode): a gap claimed
 * from one digest, the next period's data with the customer back at its usual level, and the next
 * digest recaps it as recovered with the amount worked out below; the deep dive shows it too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso, isoFromDay } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { AnalysisResult, SaleRow } from '../../src/core/types.ts';
import { ACTION_CLAIM, cardBlockIds } from '../../src/render/slack/ids.ts';
import type { StoredMessage } from '../helpers/local-slack.ts';
import {
  ALICE,
  type BotUnderTest,
  ephemeralsFor,
  repliesTo,
  shownText,
  startBotUnderTest,
  topLevel,
} from './_harness.ts';

const WEEK = (iso: string) => dayFromIso(iso);

/**
 * Weekly sales on Mondays. Acme bought $1,000 a week for 12 weeks, then $200 a week for the 4 weeks
 * up to the week of 2026-11-16; Steady Co bought $500 every week. `extra` adds later weeks.
 */
function salesRows(extra: { monday: string; acme: number }[]): SaleRow[] {
  const rows: SaleRow[] = [];
  const first = WEEK('2026-08-03'); // 16 weeks: 2026-08-03 .. 2026-11-16
  for (let w = 0; w < 16; w++) {
    const day = first + 7 * w;
    rows.push({ customerId: 'C001', day, amountCents: w < 12 ? 100_000 : 20_000 });
    rows.push({ customerId: 'C003', day, amountCents: 50_000 });
  }
  for (const e of extra) {
    rows.push({ customerId: 'C001', day: WEEK(e.monday), amountCents: e.acme });
    rows.push({ customerId: 'C003', day: WEEK(e.monday), amountCents: 50_000 });
  }
  return rows;
}

function analysisOf(rows: SaleRow[], asOf: string): AnalysisResult {
  const settings = defaultAnalysisSettings({ asOf });
  const builder = createLedgerBuilder({ kind: 'week', weekStartsOn: 1 });
  for (const row of rows) builder.add(row);
  return analyze(
    {
      ledger: builder.build(),
      customers: [
        { customerId: 'C001', name: 'Acme Corp' },
        { customerId: 'C003', name: 'Steady Co' },
      ],
      dataQuality: {
        source: 'test',
        rowsRead: rows.length,
        rowsAccepted: rows.length,
        rowsRejected: 0,
        rejectedByCode: {},
        problems: [],
        duplicateRows: 0,
        duplicatesDropped: false,
      },
    },
    settings,
  );
}

function claimButton(message: StoredMessage, customerId: string) {
  const blockId = cardBlockIds(customerId).actions;
  const block = (message.blocks ?? []).find((b) => b.block_id === blockId);
  const elements = (block?.elements ?? []) as Array<{ action_id?: string; value?: string }>;
  const claim = elements.find((e) => e.action_id === ACTION_CLAIM);
  if (!claim) throw new Error(`no claim button for ${customerId}`);
  return { action_id: ACTION_CLAIM, block_id: blockId, ...(claim.value ? { value: claim.value } : {}) };
}

let clock = new Date('2026-11-23T09:00:00.000Z');
// As of the week of 2026-11-16: Acme is down to $200 from $1,000.
let current = analysisOf(salesRows([]), '2026-11-22');
let t: BotUnderTest;

beforeAll(async () => {
  t = await startBotUnderTest('socket', {
    now: () => clock,
    analyze: async () => ({ result: current, source: 'test data' }),
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

describe('measured recovery across digests', () => {
  it('recaps a claimed gap as recovered once the data shows the customer back, and the deep dive says so', async () => {
    const acme = current.customers.find((c) => c.customerId === 'C001')!;
    // The analysis that shows the gap: b0 = $1,000 a week (the 8 lookback weeks before the recent
    // window), c0 = $200 a week (the recent 4 weeks).
    expect(acme.metrics).toMatchObject({ baselineCents: 100_000, recentCents: 20_000 });
    expect(current.priorities[0]?.customerId).toBe('C001');

    // Digest 1 (Monday 2026-11-23), Alice claims Acme: t0 = the week of 2026-11-23.
    await t.bot.refresh();
    await t.bot.postDigest({ force: true });
    let messages = await t.slack.waitForMessages((m) =>
      topLevel(m).some((x) => shownText(x).includes('Acme')),
    );
    const first = topLevel(messages).find((x) => shownText(x).includes('Acme'))!;
    // The full cards are in the digest's thread.
    const cards = repliesTo(messages, first.ts).find((x) =>
      x.blocks?.some((b) => b.block_id === cardBlockIds('C001').actions),
    )!;
    await t.slack.interact(ALICE, cards.ts, claimButton(cards, 'C001'));
    await t.slack.waitForMessages((m) => m.some((x) => x.text.includes(`<@${ALICE}> claimed *Acme Corp*`)));

    // Two weeks later the data runs to the week of 2026-11-30: Acme bought $600 in the week of the
    // claim (t0, not counted) and $1,000 the week after (t0 + 1).
    current = analysisOf(
      salesRows([
        { monday: '2026-11-23', acme: 60_000 },
        { monday: '2026-11-30', acme: 100_000 },
      ]),
      '2026-12-06',
    );
    expect(isoFromDay(current.asOf.startDay)).toBe('2026-11-30');
    clock = new Date('2026-12-07T09:00:00.000Z');
    await t.bot.refresh();
    await t.bot.postDigest({ force: true });

    // Recovered revenue over t0+1 .. A = the week of 2026-11-30 only:
    // max(0, min($1,000, b0 $1,000) - c0 $200) = $800; mean of that week $1,000 = 100% of b0 >= 80%.
    messages = await t.slack.waitForMessages((m) =>
      topLevel(m).some((x) => shownText(x).includes('Back to usual')),
    );
    const next = topLevel(messages).find((x) => shownText(x).includes('Back to usual'))!;
    expect(shownText(next)).toContain(`Acme Corp (<@${ALICE}>) $800.00 back, 100% of usual`);

    await t.slack.command(ALICE, 'Acme');
    messages = await t.slack.waitForMessages((m) =>
      ephemeralsFor(m, ALICE).some((x) => shownText(x).includes('of usual')),
    );
    const dive = ephemeralsFor(messages, ALICE).find((x) => shownText(x).includes('of usual'))!;
    expect(shownText(dive)).toContain(
      `Since <@${ALICE}>'s claim on 2026-11-23: $800.00 back, 100% of usual (recovered)`,
    );
  }, 60_000);
});
