/**
 * The weekly digest: a parent message that fits one screen (header, summary figures, notes, last
 * week's follow-ups, the first customers as compact lines with their actions in a menu, the rest
 * named in one list with a pick list), and the full gap cards, every one, in thread messages the
 * caller posts under it (then the report file). At most `DIGEST_PARENT_BLOCKS` blocks in the parent;
 * every customer of the top N is named there.
 *
 * Deterministic from its inputs, and the split of the cards between thread messages does not depend
 * on follow-up states (each card reserves room for its longest status line), so a follow-up swaps
 * the customer's line (`replaceLine`, digest-line.ts) and card (`replaceCard`, card.ts) in place.
 */

import { formatMoney, formatMoneyShort } from '../../core/money.ts';
import { formatPeriod, periodTitle } from '../../core/periods.ts';
import type { AnalysisSettings } from '../../core/settings.ts';
import {
  type AnalysisResult,
  GAP_TYPES,
  type GapState,
  type GapType,
  type NetCents,
  type Priority,
} from '../../core/types.ts';
import { reliabilityLine } from '../backtest-report.ts';
import { formatCount, formatPct, GAP_TYPE_LABELS, plural } from '../format.ts';
import {
  type Block,
  context,
  divider,
  fallbackText,
  header,
  plainText,
  plainUserText,
  type SlackMessage,
  section,
  userText,
} from './_blocks.ts';
import { LIMITS, measureBlockText } from './block-kit-limits.ts';
import { type CardPriority, measureCardText, renderGapCard } from './card.ts';
import { type LinePriority, mostUrgentGapType, renderDigestLine } from './digest-line.ts';
import { ACTION_LINE_PICK, encodeLinePick } from './ids.ts';

/** Block text a digest message may use: well under Slack's ~13,200 (which also counts containers). */
export const DIGEST_TEXT_BUDGET = 10_000;
/** Blocks a thread message of full cards may use (Slack allows 50). */
export const DIGEST_BLOCK_BUDGET = 50;
/** Blocks the parent may use: it fits one screen. */
export const DIGEST_PARENT_BLOCKS = 20;
/** Customers shown as compact lines in the parent; the rest are named in one list with a pick list. */
export const DIGEST_LINES_MAX = 10;

export interface FollowUpRecapEntry {
  customerId: string;
  customerName: string;
  /** Who did it (Slack user id). */
  userId?: string;
}

/** A followed-up gap an analysis found recovered (measured, not logged). */
export interface MeasuredRecoveryEntry extends FollowUpRecapEntry {
  /** Recovered revenue so far (docs/analysis-formulas.md, "Measured recovery"). */
  recoveredCents: number;
  /** Recent mean / usual level (b0). */
  usualShare: number;
}

/** Last week's follow-ups, for the digest's recap section. */
export interface FollowUpRecap {
  claimed: FollowUpRecapEntry[];
  contacted: FollowUpRecapEntry[];
  recovered: FollowUpRecapEntry[];
  /** Followed-up gaps the data shows back at their usual level since last week (optional). */
  measured?: MeasuredRecoveryEntry[];
}

export interface DigestInput {
  result: AnalysisResult;
  settings: AnalysisSettings;
  /** Follow-up state per customer id (missing: open). */
  states?: ReadonlyMap<string, GapState>;
  /** Carried in every card button value, so an action knows which digest it came from. */
  digestRunId?: string;
  recap?: FollowUpRecap;
  /** Set when the digest is late: why, e.g. "posted at 11:02, 3 hours after its 08:00 slot". */
  late?: string;
  /** Set when the data is stale: the reason, e.g. "the newest sale is 19 days old". */
  stale?: string;
  /** Whether the caller attaches the markdown report in the thread (default true). */
  reportInThread?: boolean;
}

export interface DigestMessages {
  parent: SlackMessage;
  /** In order; post them in the parent's thread. */
  continuations: SlackMessage[];
}

/**
 * One card per customer, in rank order. Seed rules list one priority per gap, so a customer can
 * appear several times: its rows merge into one card (first row's rank and score, all gap types,
 * the largest gap, the recommendation of its most urgent gap).
 */
export function cardPriorities(priorities: readonly Priority[]): LinePriority[] {
  const byId = new Map<string, LinePriority>();
  const out: LinePriority[] = [];
  for (const p of priorities) {
    const seen = byId.get(p.customerId);
    if (seen) {
      const urgentBefore = mostUrgentGapType(seen.gapTypes);
      for (const t of p.gapTypes) if (!seen.gapTypes.includes(t)) seen.gapTypes.push(t);
      seen.gapAmountCents = Math.max(seen.gapAmountCents, p.gapAmountCents);
      if (mostUrgentGapType(seen.gapTypes) !== urgentBefore && p.recommendation)
        seen.recommendation = p.recommendation;
      continue;
    }
    const card: LinePriority = {
      rank: p.rank,
      customerId: p.customerId,
      customerName: p.customerName,
      ...(p.accountManager === undefined ? {} : { accountManager: p.accountManager }),
      gapTypes: [...p.gapTypes],
      gapAmountCents: p.gapAmountCents,
      recoveryPotentialCents: p.recoveryPotentialCents,
      score: p.score,
      contributions: p.contributions,
      ...(p.evidence === undefined ? {} : { evidence: p.evidence }),
      ...(p.supplyMark === undefined ? {} : { supplyMark: p.supplyMark }),
      ...(p.recommendation ? { recommendation: p.recommendation } : {}),
    };
    byId.set(p.customerId, card);
    out.push(card);
  }
  return out;
}

/** Escaped names joined until `maxChars`, then "and N more". */
function joinNames(entries: readonly FollowUpRecapEntry[], maxChars: number): string {
  const parts: string[] = [];
  let used = 0;
  for (const e of entries) {
    const name = userText(e.customerName, 40) + (e.userId ? ` (<@${e.userId}>)` : '');
    if (used + name.length > maxChars && parts.length > 0) break;
    parts.push(name);
    used += name.length + 2;
  }
  const more = entries.length - parts.length;
  return parts.join(', ') + (more > 0 ? ` and ${formatCount(more)} more` : '');
}

/** "Back to usual, measured: Acme (<@U1>) $800.00 back, 100% of usual; ... Total $X back." */
function measuredLine(entries: readonly MeasuredRecoveryEntry[], money: (c: number) => string): string {
  const parts: string[] = [];
  let used = 0;
  for (const e of entries) {
    const text =
      `${userText(e.customerName, 40)}${e.userId ? ` (<@${e.userId}>)` : ''} ` +
      `${money(e.recoveredCents)} back, ${formatPct(e.usualShare)} of usual`;
    if (used + text.length > 600 && parts.length > 0) break;
    parts.push(text);
    used += text.length + 2;
  }
  const more = entries.length - parts.length;
  const total = entries.reduce((sum, e) => sum + e.recoveredCents, 0);
  return (
    `Back to usual (measured in the data): ${parts.join('; ')}` +
    (more > 0 ? ` and ${formatCount(more)} more` : '') +
    (entries.length > 1 ? `. Total ${money(total)} back.` : '.')
  );
}

function recapBlock(recap: FollowUpRecap, money: (c: number) => string): Block {
  const counts = `${formatCount(recap.claimed.length)} claimed · ${formatCount(recap.contacted.length)} contacted · ${formatCount(recap.recovered.length)} recovered`;
  const lines = [`*Last week's follow-ups:* ${counts}`];
  const add = (label: string, list: readonly FollowUpRecapEntry[]) => {
    if (list.length > 0) lines.push(`${label}: ${joinNames(list, 700)}`);
  };
  add('Claimed', recap.claimed);
  add('Contacted', recap.contacted);
  add('Recovered', recap.recovered);
  if (recap.measured && recap.measured.length > 0) lines.push(measuredLine(recap.measured, money));
  return section(lines.join('\n'));
}

function summaryText(result: AnalysisResult, money: (c: number) => string): string {
  const s = result.summary;
  const shown = Math.min(s.topN, result.priorities.length);
  // Churn risk is one of the gap types and, under revgap rules, one churn-risk gap is one churn-risk
  // customer: counted once, in the list by type. The seed rules' churn list is its own (scored)
  // list, so its count shows separately when it differs.
  const byType = GAP_TYPES.filter((t) => s.gapsByType[t] > 0)
    .map((t: GapType) => `${formatCount(s.gapsByType[t])} ${GAP_TYPE_LABELS[t].toLowerCase()}`)
    .join(', ');
  const first =
    s.customersWithGaps === 0
      ? `No revenue gaps among *${formatCount(s.customersAnalyzed)}* customers analysed.`
      : `*${formatCount(s.customersWithGaps)}* of ${formatCount(s.customersAnalyzed)} customers analysed have a revenue gap, ` +
        `*${money(s.totalGapCents)}* in total. The top ${formatCount(shown)} could recover about *${money(s.recoveryPotentialTopNCents)}*.`;
  const churnApart =
    s.churnRiskCustomers !== s.gapsByType.churn_risk
      ? plural(s.churnRiskCustomers, 'churn-risk customer')
      : null;
  const second = [
    byType ? `Gaps by type: ${byType}` : null,
    churnApart,
    `${formatCount(s.customersTooNew)} too new`,
    `${formatCount(s.customersLapsed)} lapsed`,
  ]
    .filter((x): x is string => x !== null)
    .join(' · ');
  return `${first}\n${second}`;
}

function notes(input: DigestInput): string[] {
  const { result } = input;
  const out: string[] = [];
  if (input.stale) out.push(`:warning: *Data is stale:* ${userText(input.stale, 300)}`);
  if (input.late) out.push(`:hourglass: *Late:* ${userText(input.late, 300)}`);
  const dq = result.dataQuality;
  if (dq.rowsRejected > 0) {
    out.push(
      `${plural(dq.rowsRejected, 'row')} of ${formatCount(dq.rowsRead)} rejected; the report lists why.`,
    );
  }
  if (result.partialPeriod) {
    out.push(
      `The ${formatPeriod(result.partialPeriod.period, result.period)} is not complete yet and was left out.`,
    );
  }
  if (result.suggestMonthly)
    out.push('Most customer-weeks have no sales: monthly periods may suit this data better.');
  return out;
}

/** Renders the digest; see the module comment for its layout. */
export function renderDigest(input: DigestInput): DigestMessages {
  const { result, settings } = input;
  const money = (c: number) => formatMoney(c, settings.currency);
  const asOf = periodTitle(result.asOf.period, result.period);
  const cards = cardPriorities(result.priorities);

  const wanted = new Set(cards.map((c) => c.customerId));
  const series = new Map<string, NetCents>();
  for (const c of result.customers) if (wanted.has(c.customerId)) series.set(c.customerId, c.series);
  const cardOptions = (customerId: string) => ({
    currency: settings.currency,
    ...(series.has(customerId) ? { series: series.get(customerId)! } : {}),
    ...(input.digestRunId === undefined ? {} : { digestRunId: input.digestRunId }),
  });
  const stateOf = (customerId: string) => input.states?.get(customerId);

  const parentBlocks: Block[] = [header(`Revenue gaps · ${asOf}`), section(summaryText(result, money))];
  const noteLines = notes(input);
  if (noteLines.length > 0) parentBlocks.push(context(...noteLines));
  if (input.recap) parentBlocks.push(recapBlock(input.recap, money));
  if (cards.length > 0) parentBlocks.push(divider());

  // The first customers as compact lines; the rest named in one section with a pick list. The
  // footer and the rest's section are counted before the lines, so the parent stays within budget.
  const restBlock = cards.length > DIGEST_LINES_MAX ? 1 : 0;
  const lineCount = Math.min(
    cards.length,
    DIGEST_LINES_MAX,
    DIGEST_PARENT_BLOCKS - parentBlocks.length - restBlock - 1,
  );
  const lines = cards.slice(0, lineCount);
  const rest = cards.slice(lineCount);
  for (const card of lines) {
    parentBlocks.push(renderDigestLine(card, stateOf(card.customerId), settings.currency));
  }
  if (cards.length === 0) parentBlocks.push(section('Nothing to chase this week. :tada:'));

  const footer: string[] = [];
  if (cards.length > 0) {
    footer.push(
      `:thread: The full ${cards.length === 1 ? 'card is' : `cards of all ${formatCount(cards.length)} are`} in the thread, with every action.`,
    );
  }
  if (input.reportInThread !== false)
    footer.push(':page_facing_up: The full report is attached in the thread.');
  // How reliable past flags were (the backtest stored with the snapshot), one line.
  if (result.backtest && result.rules === 'revgap') footer.push(`:mag: ${reliabilityLine(result.backtest)}`);
  const footerBlock = footer.length > 0 ? context(...footer) : null;

  if (rest.length > 0) {
    const budget =
      DIGEST_TEXT_BUDGET - measureBlockText([...parentBlocks, ...(footerBlock ? [footerBlock] : [])]);
    parentBlocks.push(restSection(rest, settings.currency, budget));
  }
  if (footerBlock) parentBlocks.push(footerBlock);

  const top = cards[0];
  const parentText = fallbackText(
    `Revenue gaps, ${asOf}: ` +
      (top
        ? `${plural(result.summary.customersWithGaps, 'customer')} with gaps, ${money(result.summary.totalGapCents)} in total. ` +
          `Top: ${plainUserText(top.customerName, 60)} (${money(top.gapAmountCents)}).`
        : 'no gaps this week.'),
  );

  // The full cards, every one, in the thread: as many messages as the block and text budgets need.
  const groups: CardPriority[][] = [];
  let blocks = 0;
  let chars = 0;
  const continuationChars = 200;
  for (const card of cards) {
    const cost = measureCardText(card, cardOptions(card.customerId));
    const current = groups[groups.length - 1];
    if (current && blocks + 2 <= DIGEST_BLOCK_BUDGET && chars + cost <= DIGEST_TEXT_BUDGET) {
      current.push(card);
      blocks += 2;
      chars += cost;
    } else {
      groups.push([card]);
      blocks = 1 + 2;
      chars = continuationChars + cost;
    }
  }
  const continuations = groups.map((group, i) => {
    const firstRank = group[0]!.rank;
    const lastRank = group[group.length - 1]!.rank;
    const label =
      group.length === 1
        ? `#${formatCount(firstRank)}`
        : `#${formatCount(firstRank)} to #${formatCount(lastRank)}`;
    const part = groups.length > 1 ? ` (${i + 1}/${groups.length})` : '';
    return {
      text: fallbackText(`Revenue gaps, ${asOf}, full cards${part}: ${label}.`),
      blocks: [
        context(`*Full cards${part}* · ${label} · ${asOf}`),
        ...group.flatMap((card) =>
          renderGapCard(card, stateOf(card.customerId), cardOptions(card.customerId)),
        ),
      ],
    };
  });

  return { parent: { text: parentText, blocks: parentBlocks }, continuations };
}

/** Longest name in the rest's list and pick list. */
const REST_NAME_MAX = 30;
/** Block text the rest's named list may use (the pick list takes what is left of the budget). */
const REST_LIST_CHARS = 2500;

/**
 * The customers after the compact lines: named in one line each ("#11 Foo $1.2k"), with a pick list
 * that opens the one chosen. A list too long for the message names the first ones and says which
 * ranks follow; their full cards are in the thread.
 */
function restSection(rest: readonly CardPriority[], currency: string, budget: number): Block {
  const first = rest[0]!.rank;
  const last = rest[rest.length - 1]!.rank;
  const entry = (c: CardPriority) =>
    `#${formatCount(c.rank)} ${userText(c.customerName, REST_NAME_MAX)} ${formatMoneyShort(c.gapAmountCents, currency)}`;
  const heading = `*Also in the top, #${formatCount(first)} to #${formatCount(last)}:* `;
  const named: string[] = [];
  let used = heading.length;
  for (const c of rest) {
    const text = entry(c);
    if (used + text.length + 3 > REST_LIST_CHARS && named.length > 0) break;
    named.push(text);
    used += text.length + 3;
  }
  const left = rest.slice(named.length);
  const more =
    left.length > 0
      ? ` · and ${formatCount(left.length)} more from #${formatCount(left[0]!.rank)}: their cards are in the thread`
      : '';
  const text = `${heading}${named.join(' · ')}${more}`;

  const options: { text: ReturnType<typeof plainText>; value: string }[] = [];
  let room = budget - text.length - PICK_PLACEHOLDER.length;
  for (const c of rest) {
    if (options.length >= LIMITS.selectOptions) break;
    const label = plainUserText(
      `#${c.rank} ${plainUserText(c.customerName, REST_NAME_MAX)} · ${formatMoneyShort(c.gapAmountCents, currency)}`,
      LIMITS.optionText,
    );
    if (label.length > room) break;
    room -= label.length;
    options.push({ text: plainText(label), value: encodeLinePick(c.customerId) });
  }
  return {
    ...section(text, REST_BLOCK_ID),
    ...(options.length > 0
      ? {
          accessory: {
            type: 'static_select' as const,
            action_id: ACTION_LINE_PICK,
            placeholder: plainText(PICK_PLACEHOLDER),
            options,
          },
        }
      : {}),
  };
}

const PICK_PLACEHOLDER = 'Deep dive…';
const REST_BLOCK_ID = 'gap:rest';
