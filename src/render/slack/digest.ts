/**
 * The weekly digest: a parent message (header, summary figures, notes, last week's follow-ups and
 * the first gap cards) plus continuation messages for the cards that do not fit, which the caller
 * posts in the parent's thread. Nothing is cut silently: the parent says how many gaps are in the
 * thread.
 *
 * Deterministic from its inputs, and the split between messages does not depend on follow-up
 * states (each card reserves room for its longest status line), so the Slack layer can re-render
 * the digest after a claim and `chat.update` the message that holds the card; or swap just the card
 * with `replaceCard` (card.ts).
 */

import { formatMoney } from '../../core/money.ts';
import { formatPeriod } from '../../core/periods.ts';
import type { AnalysisSettings } from '../../core/settings.ts';
import {
  type AnalysisResult,
  GAP_TYPES,
  type GapState,
  type GapType,
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
  plainUserText,
  type SlackMessage,
  section,
  userText,
} from './_blocks.ts';
import { measureBlockText } from './block-kit-limits.ts';
import { type CardPriority, measureCardText, renderGapCard } from './card.ts';

/** Block text a digest message may use: well under Slack's ~13,200 (which also counts containers). */
export const DIGEST_TEXT_BUDGET = 10_000;
/** Blocks a digest message may use (Slack allows 50). */
export const DIGEST_BLOCK_BUDGET = 50;
/** Room kept in the parent for the footer ("N more gaps in the thread", the past-flags line). */
const FOOTER_RESERVE_CHARS = 600;

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
 * the largest gap).
 */
export function cardPriorities(priorities: readonly Priority[]): CardPriority[] {
  const byId = new Map<string, CardPriority>();
  const out: CardPriority[] = [];
  for (const p of priorities) {
    const seen = byId.get(p.customerId);
    if (seen) {
      for (const t of p.gapTypes) if (!seen.gapTypes.includes(t)) seen.gapTypes.push(t);
      seen.gapAmountCents = Math.max(seen.gapAmountCents, p.gapAmountCents);
      continue;
    }
    const card: CardPriority = {
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

/** Renders the digest; see the module comment for how it splits. */
export function renderDigest(input: DigestInput): DigestMessages {
  const { result, settings } = input;
  const money = (c: number) => formatMoney(c, settings.currency);
  const asOf = formatPeriod(result.asOf.period, result.period);
  const cards = cardPriorities(result.priorities);

  const wanted = new Set(cards.map((c) => c.customerId));
  const series = new Map<string, readonly number[]>();
  for (const c of result.customers) if (wanted.has(c.customerId)) series.set(c.customerId, c.series);
  const cardOptions = (customerId: string) => ({
    currency: settings.currency,
    ...(series.has(customerId) ? { series: series.get(customerId)! } : {}),
    ...(input.digestRunId === undefined ? {} : { digestRunId: input.digestRunId }),
  });

  const parentBlocks: Block[] = [header(`Revenue gaps · ${asOf}`), section(summaryText(result, money))];
  const noteLines = notes(input);
  if (noteLines.length > 0) parentBlocks.push(context(...noteLines));
  if (input.recap) parentBlocks.push(recapBlock(input.recap, money));
  if (cards.length > 0) parentBlocks.push(divider());

  // Fill messages: parent first (keeping room for the footer), then continuations.
  const groups: CardPriority[][] = [[]];
  let blocks = parentBlocks.length + 1;
  let chars = measureBlockText(parentBlocks) + FOOTER_RESERVE_CHARS;
  const continuationBase = 1;
  const continuationChars = 200;
  for (const card of cards) {
    const cost = measureCardText(card, cardOptions(card.customerId));
    const current = groups[groups.length - 1]!;
    if (current.length > 0 && (blocks + 2 > DIGEST_BLOCK_BUDGET || chars + cost > DIGEST_TEXT_BUDGET)) {
      groups.push([card]);
      blocks = continuationBase + 2;
      chars = continuationChars + cost;
    } else {
      current.push(card);
      blocks += 2;
      chars += cost;
    }
  }

  const renderCards = (group: CardPriority[]) =>
    group.flatMap((card) =>
      renderGapCard(card, input.states?.get(card.customerId), cardOptions(card.customerId)),
    );

  const [first = [], ...rest] = groups;
  const inThread = cards.length - first.length;
  parentBlocks.push(...renderCards(first));
  const footer: string[] = [];
  if (cards.length === 0) {
    parentBlocks.push(section('Nothing to chase this week. :tada:'));
  }
  if (inThread > 0) {
    const from = rest[0]?.[0]?.rank ?? 0;
    footer.push(`:thread: *${plural(inThread, 'more gap')} in the thread* (from #${formatCount(from)}).`);
  }
  if (input.reportInThread !== false)
    footer.push(':page_facing_up: The full report is attached in the thread.');
  // How reliable past flags were (the backtest stored with the snapshot), one line.
  if (result.backtest && result.rules === 'revgap') footer.push(`:mag: ${reliabilityLine(result.backtest)}`);
  if (footer.length > 0) parentBlocks.push(context(...footer));

  const top = cards[0];
  const parentText = fallbackText(
    `Revenue gaps, ${asOf}: ` +
      (top
        ? `${plural(result.summary.customersWithGaps, 'customer')} with gaps, ${money(result.summary.totalGapCents)} in total. ` +
          `Top: ${plainUserText(top.customerName, 60)} (${money(top.gapAmountCents)}).` +
          (inThread > 0 ? ` ${formatCount(inThread)} more in the thread.` : '')
        : 'no gaps this week.'),
  );

  const continuations = rest.map((group, i) => {
    const firstRank = group[0]!.rank;
    const lastRank = group[group.length - 1]!.rank;
    const label = `#${formatCount(firstRank)} to #${formatCount(lastRank)}`;
    return {
      text: fallbackText(`Revenue gaps, ${asOf}, continued: ${label}.`),
      blocks: [
        context(`*Revenue gaps, continued (${i + 2}/${groups.length})* · ${label} · ${asOf}`),
        ...renderCards(group),
      ],
    };
  });

  return { parent: { text: parentText, blocks: parentBlocks }, continuations };
}
