/**
 * Answers to `/revgap` (ephemeral unless shared): the deep dive of one customer, a pick list when
 * several customers match, not-found with suggestions, the top list, churn risks, "mine", help and
 * the access refusal. Pure; every answer is a `{ text, blocks }` within Slack's limits.
 */

import type { types } from '@slack/bolt';
import { evidenceOf } from '../../core/backtest.ts';
import { formatMoney } from '../../core/money.ts';
import { periodTitle, periodTitleInText } from '../../core/periods.ts';
import { defaultHorizon, type FollowedUpGap, type RecoveryMeasure } from '../../core/recovery.ts';
import type { AnalysisSettings } from '../../core/settings.ts';
import type {
  AnalysisResult,
  CustomerAnalysis,
  FollowUpEvent,
  GapState,
  NetCents,
} from '../../core/types.ts';
import {
  claimStateFromHistory,
  followUpParts,
  metricRows,
  rankLabel,
  seriesRows,
  statusSentence,
} from '../_customer-facts.ts';
import { evidenceLong } from '../backtest-report.ts';
import { describeRecoverySince } from '../follow-up-results.ts';
import {
  COMPONENT_LABELS,
  COMPONENT_ORDER,
  customerLabel,
  formatComponent,
  formatContributions,
  formatCount,
  formatGapTypes,
  formatPct,
  formatScore,
  GAP_TYPE_LABELS,
  periodNoun,
  perPeriod,
  plural,
} from '../format.ts';
import { renderSparkline } from '../sparkline.ts';
import {
  type Block,
  button,
  context,
  divider,
  fallbackText,
  header,
  mrkdwn,
  ownerMrkdwn,
  plainUserText,
  type SlackMessage,
  section,
  userText,
} from './_blocks.ts';
import { measureBlockText, truncateText } from './block-kit-limits.ts';
import { type CardPriority, claimButton, measureCardText, renderGapCard, supplyMarkLine } from './card.ts';
import { cardPriorities } from './digest.ts';
import { mineSplitText, summarizeMine } from './home.ts';
import { ACTION_LOG, ACTION_PICK_CUSTOMER, ACTION_SHARE, encodeCardAction } from './ids.ts';

/** Block text one answer may use (see DIGEST_TEXT_BUDGET). */
const TEXT_BUDGET = 10_000;
/** Longest section text we build (Slack allows 3000). */
const SECTION_MAX = 2900;
/** Follow-up events shown in a deep dive (latest first). */
const HISTORY_SHOWN = 10;
/**
 * Periods listed in the deep dive's revenue table: the latest quarter of weeks (13), so the answer
 * stays readable on a two-year history; the sparkline beside it still draws the whole window and
 * `revgap customer` (markdown) lists every period.
 */
const SERIES_TABLE_PERIODS = 13;
/** Longest gap or follow-up line in a deep dive (escaped user text can grow; this bounds it). */
const LINE_MAX = 400;

function customerTitle(c: { name: string; customerId: string }): string {
  return customerLabel(c.name, c.customerId);
}

/**
 * Lines packed into as few sections as possible, each under SECTION_MAX, at most `maxSections`;
 * each line is cut to `lineMax`. Returns the blocks and how many lines made it in.
 */
function packLines(
  lines: readonly string[],
  options: { lineMax?: number; maxSections?: number } = {},
): { blocks: Block[]; count: number } {
  const lineMax = options.lineMax ?? SECTION_MAX;
  const maxSections = options.maxSections ?? Number.POSITIVE_INFINITY;
  const blocks: Block[] = [];
  let current = '';
  let count = 0;
  for (const line of lines) {
    const safe = truncateText(line, lineMax);
    if (current && current.length + 1 + safe.length > SECTION_MAX) {
      blocks.push(section(current));
      current = '';
      if (blocks.length >= maxSections) return { blocks, count };
    }
    current = current ? `${current}\n${safe}` : safe;
    count++;
  }
  if (current) blocks.push(section(current));
  return { blocks, count };
}

export interface DeepDiveMessageOptions {
  /** Add a "Share in channel" button (ephemeral answers). Default false. */
  shareButton?: boolean;
  /** Put Claim / Log follow-up buttons under a scored customer. Default true. */
  actions?: boolean;
  digestRunId?: string;
  /**
   * The customer's follow-up state, for the Claim button ("Claim" / "Take over" / "Reopen", as on
   * its card). Without it, who is on the gap is worked out from `history`.
   */
  state?: GapState;
  /** The customer's followed-up gaps and what the data since shows (measured recovery). */
  recoveries?: readonly { gap: FollowedUpGap; measure: RecoveryMeasure | null }[];
  /** Who sees it, for a private answer: their own gap offers Release instead of Take over. */
  viewerUserId?: string;
}

/** The chart as an image block: the uploaded PNG by file id, the alt text stating its numbers. */
export function chartImageBlock(
  chart: { fileId: string; altText: string },
  spec: AnalysisResult['period'],
): Block {
  return {
    type: 'image',
    slack_file: { id: chart.fileId },
    alt_text: truncateText(chart.altText, 1900),
    title: { type: 'plain_text', text: `Revenue by ${periodNoun(spec)}` },
  };
}

/** The parts of a deep dive, each a list of blocks, for the message and the modal to order. */
export interface DeepDiveParts {
  header: Block[];
  /** Where the customer stands, segment, account manager, as-of period. */
  status: Block[];
  /** Score, its components and points, the evidence line. */
  score: Block[];
  /** Every gap with its rationale (the reason). */
  gaps: Block[];
  recommendation: Block[];
  /** Possibly supply-caused (stock file). */
  supply: Block[];
  /** The metrics as fields (the figures). */
  metrics: Block[];
  /** Revenue by period: sparkline and the latest periods' table. */
  series: Block[];
  followUps: Block[];
  /** Claim (or Release, Take over, Reopen) and Log follow-up, for a scored customer. */
  actionElements: types.ActionsBlockElement[];
  /** What those buttons carry (the customer, the digest run, and for a private deep dive itself). */
  actionValue: string;
  /** The notification fallback. */
  text: string;
}

/** Builds each part of a customer's deep dive (the message and the modal put them in their order). */
export function deepDiveParts(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
  history?: readonly FollowUpEvent[],
  options: DeepDiveMessageOptions = {},
): DeepDiveParts {
  const money = (c: number) => formatMoney(c, settings.currency);
  const spec = result.period;
  const asOf = periodTitleInText(result.asOf.period, spec);
  const parts: DeepDiveParts = {
    header: [header(plainUserText(customerTitle(customer), 150))],
    status: [],
    score: [],
    gaps: [],
    recommendation: [],
    supply: [],
    metrics: [],
    series: [],
    followUps: [],
    actionElements: [],
    actionValue: '',
    text: '',
  };
  const facts = [
    customer.segment ? `Segment: ${userText(customer.segment, 80)}` : null,
    `Account manager: ${ownerMrkdwn(customer.accountManager)}`,
    `As of ${asOf}`,
  ].filter((x): x is string => x !== null);
  parts.status.push(section(`${statusSentence(customer, result, settings)}\n${facts.join(' · ')}`));

  if (customer.score !== null && customer.components && customer.contributions) {
    const c = customer.components;
    const p = formatContributions(customer.score, customer.contributions);
    const w = settings.weights;
    const lines = [
      `*Score ${formatScore(customer.score)}* (rank ${rankLabel(customer, result) ?? 'none'}) · gap *${money(customer.gapAmountCents)}* · recover ~${money(customer.recoveryPotentialCents)}`,
      ...COMPONENT_ORDER.map(
        (k) => `• ${COMPONENT_LABELS[k]}: ${formatComponent(c[k])} × ${formatPct(w[k])} = ${p[k]} pts`,
      ),
    ];
    const types = customer.gaps.map((g) => g.type);
    const evidence = evidenceOf(result, types, customer.score);
    if (evidence) lines.push(`_${evidenceLong(evidence, types, customer.score, spec)}_`);
    parts.score.push(section(lines.join('\n')));
  }

  if (customer.gaps.length > 0) {
    const lines = customer.gaps.map(
      (g) =>
        `• *${GAP_TYPE_LABELS[g.type]}* (${money(g.amountCents)}, ${g.severity}): ${userText(g.rationale, 300)}`,
    );
    parts.gaps.push(...packLines(lines, { lineMax: LINE_MAX }).blocks);
  }
  if (customer.recommendation) {
    parts.recommendation.push(
      section(truncateText(`*Recommendation:* ${userText(customer.recommendation, 500)}`, 600)),
    );
  }
  // Possibly supply-caused (stock file): which SKUs were out at the customer's store, and when.
  const supplyMark = result.priorities.find((p) => p.customerId === customer.customerId)?.supplyMark;
  if (supplyMark) parts.supply.push(section(supplyMarkLine(supplyMark)));

  const metrics = metricRows(customer, result, settings);
  if (metrics.length > 0) {
    parts.metrics.push({
      type: 'section',
      fields: metrics.slice(0, 10).map(([label, value]) => mrkdwn(`*${label}*\n${value}`)),
    });
  }

  const series = seriesRows(customer, result);
  if (series.length > 0) {
    const width = Math.max(...series.map((s) => s.label.length));
    const table = series.map((s) => `${s.label.padEnd(width)}  ${money(s.cents).padStart(14)}`);
    // Latest periods matter most: if the table is too long for one section, drop the oldest.
    let shown = table.slice(-SERIES_TABLE_PERIODS);
    while (shown.join('\n').length > SECTION_MAX - 200) shown = shown.slice(1);
    const dropped = table.length - shown.length;
    parts.series.push(
      section(
        `*Revenue by ${periodNoun(spec)}* \`${renderSparkline(customer.series)}\` ` +
          `(${plural(series.length, periodNoun(spec))})\n\`\`\`${shown.join('\n')}\`\`\`` +
          (dropped > 0 ? `\n_${plural(dropped, 'earlier ' + periodNoun(spec))} not shown._` : ''),
      ),
    );
  }

  if (history !== undefined) {
    const latest = [...history].reverse().slice(0, HISTORY_SHOWN);
    const lines = latest.map((e) => {
      const f = followUpParts(e);
      let line = `• ${f.when}: ${ownerMrkdwn(f.userId, 30)} ${f.action}`;
      if (f.fromUserId) line += ` from ${ownerMrkdwn(f.fromUserId, 30)}`;
      if (f.nextStep) line += ` · next: ${userText(f.nextStep, 150)}`;
      if (f.note) line += ` · “${userText(f.note, 250)}”`;
      return line;
    });
    if (history.length > latest.length)
      lines.push(`_…and ${formatCount(history.length - latest.length)} earlier._`);
    // Newest followed-up gap first: what the data shows since the follow-up.
    for (const r of (options.recoveries ?? []).slice(-3)) {
      lines.unshift(
        `• ${describeRecoverySince(r.gap, r.measure, {
          money,
          spec,
          horizon: defaultHorizon(spec),
          user: (id) => ownerMrkdwn(id, 30),
        })}`,
      );
    }
    parts.followUps.push(
      ...packLines([`*Follow-ups*${history.length === 0 ? ': none yet.' : ''}`, ...lines], {
        lineMax: LINE_MAX,
      }).blocks,
    );
  }

  // A private deep dive's buttons name it (the customer id), so a click can render it again.
  const value = encodeCardAction(
    customer.customerId,
    options.digestRunId,
    options.viewerUserId ? customer.customerId : undefined,
  );
  parts.actionValue = value;
  if (options.actions !== false && customer.status === 'scored') {
    const state = options.state ?? claimStateFromHistory(customer.customerId, history ?? []);
    parts.actionElements.push(
      claimButton(state, value, {
        highlight: false,
        customerName: customer.name,
        ...(options.viewerUserId ? { viewerUserId: options.viewerUserId } : {}),
      }),
      button('Log follow-up', ACTION_LOG, value),
    );
  }

  const gapText =
    customer.gaps.length > 0
      ? `gap ${money(customer.gapAmountCents)}, ${formatGapTypes(customer.gaps.map((g) => g.type))}`
      : statusSentence(customer, result, settings);
  parts.text = fallbackText(`${customerTitle(customer)}: ${gapText}`);
  return parts;
}

/** The deep dive of one customer as a Slack message. */
export function renderDeepDiveMessage(
  customer: CustomerAnalysis,
  result: AnalysisResult,
  settings: AnalysisSettings,
  history?: readonly FollowUpEvent[],
  options: DeepDiveMessageOptions = {},
): SlackMessage {
  const p = deepDiveParts(customer, result, settings, history, options);
  const blocks: Block[] = [
    ...p.header,
    ...p.status,
    ...p.score,
    ...p.gaps,
    ...p.recommendation,
    ...p.supply,
    ...p.metrics,
    ...p.series,
    ...p.followUps,
  ];
  const elements = [...p.actionElements];
  if (options.shareButton) elements.push(button('Share in channel', ACTION_SHARE, p.actionValue, 'primary'));
  if (elements.length > 0) blocks.push({ type: 'actions', elements });
  return { text: p.text, blocks };
}

function pickButtons(customers: readonly CustomerAnalysis[], money: (c: number) => string): Block[] {
  return customers.map((c) => ({
    type: 'section' as const,
    text: mrkdwn(
      `*${userText(customerTitle(c), 200)}*\n` +
        (c.rank !== null
          ? `#${formatCount(c.rank)} · gap ${money(c.gapAmountCents)} · ${formatGapTypes(c.gaps.map((g) => g.type))}`
          : statusLabel(c)),
    ),
    accessory: button('Deep dive', ACTION_PICK_CUSTOMER, encodeCardAction(c.customerId)),
  }));
}

function statusLabel(c: CustomerAnalysis): string {
  switch (c.status) {
    case 'scored':
      return 'gap';
    case 'no_gap':
      return 'no gap';
    case 'too_new':
      return 'too new to judge';
    case 'lapsed':
      return 'lapsed';
    case 'no_sales':
      return 'no sales on record';
  }
}

/** Most matches a pick list or a suggestion list shows. */
export const PICK_LIST_MAX = 10;

/** Several customers match: one button each (at most 10), and how many more matched. */
export function renderPickList(
  matches: readonly CustomerAnalysis[],
  options: { query: string; total?: number; currency: string },
): SlackMessage {
  const money = (c: number) => formatMoney(c, options.currency);
  const shown = matches.slice(0, PICK_LIST_MAX);
  const total = Math.max(options.total ?? matches.length, matches.length);
  const q = userText(options.query, 100);
  const blocks: Block[] = [
    section(`${formatCount(total)} customers match “${q}”. Pick one:`),
    ...pickButtons(shown, money),
  ];
  if (total > shown.length) {
    blocks.push(
      context(`${formatCount(total - shown.length)} more match: type more of the name or the customer id.`),
    );
  }
  return {
    text: fallbackText(`${formatCount(total)} customers match “${plainUserText(options.query, 100)}”.`),
    blocks,
  };
}

/** Nobody matches: say so, and offer the nearest names (if any) as buttons. */
export function renderNotFound(
  query: string,
  suggestions: readonly CustomerAnalysis[],
  options: { currency: string } = { currency: 'USD' },
): SlackMessage {
  const money = (c: number) => formatMoney(c, options.currency);
  const q = userText(query, 100);
  const shown = suggestions.slice(0, PICK_LIST_MAX);
  const blocks: Block[] = [
    section(
      shown.length > 0
        ? `No customer matches “${q}”. Did you mean:`
        : `No customer matches “${q}”. Try the customer id, or part of the name.`,
    ),
    ...pickButtons(shown, money),
  ];
  return { text: fallbackText(`No customer matches “${plainUserText(query, 100)}”.`), blocks };
}

interface CardListOptions {
  states?: ReadonlyMap<string, GapState>;
  digestRunId?: string;
  /** Who sees the answer (a private answer): their own gaps offer Release (card.ts `viewerUserId`). */
  viewerUserId?: string;
  /** Compact lines only, no cards (a long list: `/revgap top all`). */
  linesOnly?: boolean;
  /** The private answer's request (`top 10`, `mine`), carried by the cards' buttons. */
  origin?: string;
}

/**
 * Cards while they fit one message (blocks and text), then one compact line per remaining gap,
 * then "and N more" for what still does not fit.
 */
function cardsThenLines(
  intro: Block[],
  cards: readonly CardPriority[],
  result: AnalysisResult,
  settings: AnalysisSettings,
  options: CardListOptions,
): Block[] {
  const money = (c: number) => formatMoney(c, settings.currency);
  const series = new Map<string, NetCents>();
  const wanted = new Set(cards.map((c) => c.customerId));
  for (const c of result.customers) if (wanted.has(c.customerId)) series.set(c.customerId, c.series);
  const cardOptions = (id: string) => ({
    currency: settings.currency,
    ...(series.has(id) ? { series: series.get(id)! } : {}),
    ...(options.digestRunId === undefined ? {} : { digestRunId: options.digestRunId }),
    ...(options.viewerUserId === undefined ? {} : { viewerUserId: options.viewerUserId }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  const blocks = [...intro];
  // Room for one section of compact lines and a closing context.
  const blockLimit = 50 - 2;
  let chars = measureBlockText(intro);
  const reserve = SECTION_MAX + 300;
  let i = 0;
  for (; i < cards.length && options.linesOnly !== true; i++) {
    const card = cards[i]!;
    const cost = measureCardText(card, cardOptions(card.customerId));
    if (blocks.length + 2 > blockLimit || chars + cost + reserve > TEXT_BUDGET) break;
    blocks.push(...renderGapCard(card, options.states?.get(card.customerId), cardOptions(card.customerId)));
    chars += cost;
  }
  const lines = cards
    .slice(i)
    .map(
      (c) =>
        `${c.rank}. *${userText(c.customerName, 80)}* · ${money(c.gapAmountCents)} · score ${formatScore(c.score)} · ${formatGapTypes(c.gapTypes)}`,
    );
  // After cards, one section of lines; a list of lines only, as many sections as the text allows.
  const room = options.linesOnly ? Math.floor((TEXT_BUDGET - chars) / SECTION_MAX) : 1;
  const packed = packLines(lines, { maxSections: Math.max(1, room) });
  blocks.push(...packed.blocks);
  const j = i + packed.count;
  if (j < cards.length) {
    blocks.push(context(`…and ${formatCount(cards.length - j)} more: \`/revgap report\` has them all.`));
  }
  return blocks;
}

/** " · `/revgap top all` for the rest" when a list shows fewer than there are; else nothing. */
function cutNote(shown: number, total: number, restCommand: string): string {
  return shown < total ? ` · \`${restCommand}\` for the rest` : '';
}

/**
 * `/revgap top [N|all]`: the first N priorities as cards (then compact lines when they stop
 * fitting); `all` lists every ranked customer as compact lines. Says "N of total" when cut.
 */
export function renderTopList(
  result: AnalysisResult,
  settings: AnalysisSettings,
  options: CardListOptions & { n?: number; total?: number; all?: boolean } = {},
): SlackMessage {
  const money = (c: number) => formatMoney(c, settings.currency);
  const asOf = periodTitle(result.asOf.period, result.period);
  const asOfInText = periodTitleInText(result.asOf.period, result.period);
  const cards = cardPriorities(result.priorities).slice(0, options.n ?? 10);
  if (cards.length === 0) {
    return {
      text: `No revenue gaps for ${asOfInText}.`,
      blocks: [section(`No revenue gaps for ${asOfInText}. :tada:`)],
    };
  }
  const total = Math.max(options.total ?? cards.length, cards.length);
  const count =
    cards.length < total
      ? `${formatCount(cards.length)} of ${formatCount(total)}`
      : formatCount(cards.length);
  const intro: Block[] = [
    section(
      `*Top ${count} revenue gaps* · ${asOf} · ${money(result.summary.totalGapCents)} across ` +
        `${plural(result.summary.customersWithGaps, 'customer')}${cutNote(cards.length, total, '/revgap top all')}`,
    ),
    divider(),
  ];
  return {
    text: fallbackText(`Top ${count} revenue gaps for ${asOfInText}.`),
    blocks: cardsThenLines(intro, cards, result, settings, { ...options, linesOnly: options.all === true }),
  };
}

/** Churn-risk customers `/revgap churn` lists; `/revgap churn all` lists every one. */
export const CHURN_LIST_LIMIT = 25;

/**
 * `/revgap churn [all]`: churn-risk customers, most at risk first, compact lines. `result.churnRisk`
 * holds the ones to list; `total` says how many there are in all ("25 of 29").
 */
export function renderChurnList(
  result: AnalysisResult,
  settings: AnalysisSettings,
  options: { limit?: number; total?: number; all?: boolean } = {},
): SlackMessage {
  const money = (c: number) => formatMoney(c, settings.currency);
  const spec = result.period;
  const asOf = periodTitle(result.asOf.period, spec);
  const asOfInText = periodTitleInText(result.asOf.period, spec);
  const list = result.churnRisk;
  if (list.length === 0) {
    return {
      text: `No churn-risk customers for ${asOfInText}.`,
      blocks: [
        section(
          `No churn-risk customers for ${asOfInText}: nobody has ${settings.churnZeroStreak}+ ${periodNoun(spec, 2)} in a row without sales.`,
        ),
      ],
    };
  }
  const limit = Math.min(options.limit ?? (options.all ? list.length : CHURN_LIST_LIMIT), list.length);
  const lines = list
    .slice(0, limit)
    .map(
      (c) =>
        `• *${userText(c.customerName, 80)}*: ${plural(c.zeroStreak, periodNoun(spec))} without sales · usual ` +
        `${money(c.baselineCents)}${perPeriod(spec)} · *${money(c.atRiskCents)}* at risk · owner ${ownerMrkdwn(c.accountManager, 60)}`,
    );
  const packed = packLines(lines, { lineMax: LINE_MAX, maxSections: options.all ? 4 : 3 });
  const total = Math.max(options.total ?? list.length, list.length);
  const shownLines = packed.count;
  const count =
    shownLines < total
      ? `${formatCount(shownLines)} of ${plural(total, 'churn-risk customer')}`
      : plural(total, 'churn-risk customer');
  // Cut at the count asked for: `churn all` has the rest; cut by the message's size: the report.
  const rest = options.all || shownLines < limit ? '/revgap report' : '/revgap churn all';
  const blocks: Block[] = [
    section(`*${count}* · ${asOf}${cutNote(shownLines, total, rest)}`),
    ...packed.blocks,
  ];
  return { text: fallbackText(`${count} for ${asOfInText}.`), blocks };
}

/** `/revgap mine`: gaps the user claimed or owns as account manager. */
export function renderMine(input: {
  userId: string;
  result: AnalysisResult;
  settings: AnalysisSettings;
  states?: ReadonlyMap<string, GapState>;
  digestRunId?: string;
  /** Set when only the user sees the answer (their own gaps then offer Release). */
  private?: boolean;
  /** The user's accounts that someone else has claimed (theirs now: counted, not listed). */
  claimedByOthers?: number;
}): SlackMessage {
  const { userId, result, settings, states } = input;
  const mine = cardPriorities(result.priorities).filter(
    (c) => states?.get(c.customerId)?.ownerUserId === userId || c.accountManager === userId,
  );
  const others = input.claimedByOthers ?? 0;
  const othersNote =
    others > 0
      ? `\n_${plural(others, 'more account')} of yours ${others === 1 ? 'is' : 'are'} claimed by someone else (not listed)._`
      : '';
  if (mine.length === 0) {
    return {
      text: 'No gaps are yours right now.',
      blocks: [
        section(
          'No gaps are yours right now: none claimed by you, and none of your accounts are in the priorities. ' +
            `Claim one from the digest, or see \`/revgap top\`.${othersNote}`,
        ),
      ],
    };
  }
  // The same total and split by status as the Home tab, snoozed gaps included; the list holds what
  // asks for action now (a snoozed gap comes back by itself, the Home tab lists the snoozes).
  const summary = summarizeMine(
    mine.map((c) => ({
      priority: c,
      ...(states?.get(c.customerId) ? { state: states.get(c.customerId)! } : {}),
    })),
  );
  const listed = mine.filter((c) => states?.get(c.customerId)?.status !== 'snoozed');
  const snoozedCards = mine.filter((c) => states?.get(c.customerId)?.status === 'snoozed');
  const snoozed = snoozedCards.length;
  // Named, so nobody wonders where an account went; the list itself is what asks for action now.
  const snoozedNames = snoozedCards.slice(0, MINE_SNOOZED_NAMED).map((c) => {
    const until = states?.get(c.customerId)?.snoozedUntil;
    return `${userText(c.customerName, 60)}${until ? ` (until ${until})` : ''}`;
  });
  const moreSnoozed = snoozed > MINE_SNOOZED_NAMED ? ` and ${snoozed - MINE_SNOOZED_NAMED} more` : '';
  const snoozedNote =
    snoozed > 0
      ? `\n_Snoozed, not listed (they come back when the snooze ends): ${snoozedNames.join(', ')}${moreSnoozed}._`
      : '';
  const intro: Block[] = [
    section(
      `*Your ${plural(mine.length, 'gap')}* (claimed by you or your accounts)\n${mineSplitText(summary, settings.currency)}` +
        snoozedNote +
        othersNote,
    ),
    divider(),
  ];
  const text =
    listed.length === 0
      ? `Nothing to follow up now: your ${plural(snoozed, 'gap')} ${snoozed === 1 ? 'is' : 'are'} snoozed.`
      : `You have ${plural(listed.length, 'gap')} to follow up${snoozed > 0 ? ` (${snoozed} more snoozed)` : ''}.`;
  return {
    text,
    blocks: cardsThenLines(intro, listed, result, settings, {
      ...(states ? { states } : {}),
      ...(input.digestRunId === undefined ? {} : { digestRunId: input.digestRunId }),
      ...(input.private ? { viewerUserId: userId, origin: 'mine' } : {}),
    }),
  };
}

/** Snoozed gaps named in `/revgap mine`'s intro (the rest counted). */
const MINE_SNOOZED_NAMED = 10;

/** `/revgap help`. */
export function renderHelp(): SlackMessage {
  const lines = [
    '*revgap* finds customers whose revenue is slipping and ranks them.',
    '• `/revgap top` or `/revgap top 5`: the top gaps (up to 25); `/revgap top all`: every one, one line each',
    '• `/revgap &lt;customer id or name&gt;`: a deep dive on one customer',
    '• `/revgap churn`: customers with no sales for weeks in a row (the first 25; `/revgap churn all` for every one)',
    '• `/revgap mine`: gaps you claimed or own',
    '• `/revgap report`: the full markdown report',
    '• `/revgap help`: this message',
    'In the digest: *Claim* a gap (*Release* it when you stop), *Log follow-up* after a call, *Snooze* it for 1 to 4 weeks (*Unsnooze* brings it back), or open a *Deep dive*. Taking over or snoozing someone else’s gap asks first, and tells them in the thread.',
    'In a digest thread, mention revgap to record without clicking:',
    '• `@revgap log &lt;customer&gt;: &lt;note&gt;`: a note, shown in the deep dive’s follow-ups',
    '• `@revgap snooze &lt;customer&gt; 2w`: snooze for 1 to 12 weeks',
  ];
  return {
    text: 'revgap commands: top, &lt;customer&gt;, churn, mine, report, help.',
    blocks: [section(lines.join('\n'))],
  };
}

/** The access refusal; `message` is the policy's polite text (never any data). */
export function renderRefusal(message?: string): SlackMessage {
  const text =
    message ??
    "Sorry, revenue data isn't available to you here. Ask in the revenue digest channel, or ask an admin for access.";
  return { text: fallbackText(text), blocks: [section(`:lock: ${userText(text, 500)}`)] };
}
