/**
 * The Home tab, "My accounts" (views.publish): for the user who opened it, their open gaps as cards
 * with the digest's actions (card.ts), their total at risk split by status, snoozes ending this
 * week, next steps due, their follow-up results, then the team's top unclaimed gaps.
 *
 * A Home view holds at most 100 blocks (LIMITS.viewBlocks): the summary stays on every page, the
 * cards fill what is left, and a "Next page" / "Previous page" button re-publishes from another
 * offset. Pure: the use-case (use-cases/home.ts) gathers the data.
 */
import type { types } from '@slack/bolt';
import { formatMoney } from '../../core/money.ts';
import type { GapState, GapStatus, NetCents } from '../../core/types.ts';
import { plural } from '../format.ts';
import { type Block, button, context, divider, header, section, userText } from './_blocks.ts';
import { LIMITS, truncateText } from './block-kit-limits.ts';
import { type CardPriority, renderGapCard } from './card.ts';
import { ACTION_HOME_DM_DIGEST, ACTION_HOME_PAGE } from './ids.ts';

export type HomeView = types.HomeView;

/** A gap shown on the Home tab, with its follow-up state and revenue series (for the sparkline). */
export interface HomeCard {
  priority: CardPriority;
  state?: GapState;
  series?: NetCents;
  /** The digest run showing this customer: a click there also updates the channel's card. */
  digestRunId?: string;
}

export interface HomeNextStep {
  customerName: string;
  /** YYYY-MM-DD. */
  due: string;
  text?: string;
}

export interface HomeResults {
  followedUp: number;
  measured: number;
  recovered: number;
  recoveredCents: number;
}

export interface HomeInput {
  userId: string;
  currency: string;
  /** YYYY-MM-DD in the configured time zone. */
  today: string;
  /** My gaps, in rank order. */
  mine: readonly HomeCard[];
  /** The team's top unclaimed gaps (not mine). */
  team: readonly HomeCard[];
  snoozesEnding: readonly { customerName: string; until: string }[];
  nextSteps: readonly HomeNextStep[];
  results: HomeResults | null;
  /** Index of the first of my cards on this page (0 = first page). */
  offset?: number;
  /** The "My digest by DM" toggle: `forAll` when REVGAP_DM_OWNERS=true sends it to everyone anyway. */
  dmDigest?: { on: boolean; forAll: boolean };
  /** No analysis yet: say so instead of an empty list. */
  noData?: boolean;
}

/** Statuses the summary splits by, in this order (recovering only when there is one). */
export const HOME_STATUSES = ['open', 'claimed', 'contacted', 'recovering', 'snoozed'] as const;
const STATUS_LABEL: Record<(typeof HOME_STATUSES)[number], string> = {
  open: 'open',
  claimed: 'claimed',
  contacted: 'contacted',
  recovering: 'recovering',
  snoozed: 'snoozed',
};

/** Team cards shown on the first page. */
export const HOME_TEAM_CARDS = 5;

export interface MineSummary {
  count: number;
  atRiskCents: number;
  byStatus: Record<(typeof HOME_STATUSES)[number], { count: number; cents: number }>;
}

/** My total at risk and its split by status (closed gaps count as open once they are shown again). */
export function summarizeMine(mine: readonly HomeCard[]): MineSummary {
  const byStatus = Object.fromEntries(
    HOME_STATUSES.map((s) => [s, { count: 0, cents: 0 }]),
  ) as MineSummary['byStatus'];
  let atRiskCents = 0;
  for (const card of mine) {
    const status: GapStatus = card.state?.status ?? 'open';
    const key = (HOME_STATUSES as readonly string[]).includes(status)
      ? (status as (typeof HOME_STATUSES)[number])
      : 'open';
    byStatus[key].count++;
    byStatus[key].cents += card.priority.gapAmountCents;
    atRiskCents += card.priority.gapAmountCents;
  }
  return { count: mine.length, atRiskCents, byStatus };
}

/** "*$375.00* at risk · 1 open ($100.00) · 2 claimed ($275.00)": the statuses that have gaps. */
export function mineSplitText(summary: MineSummary, currency: string): string {
  const money = (c: number) => formatMoney(c, currency);
  const parts = HOME_STATUSES.filter((s) => summary.byStatus[s].count > 0).map(
    (s) => `${summary.byStatus[s].count} ${STATUS_LABEL[s]} (${money(summary.byStatus[s].cents)})`,
  );
  return [`*${money(summary.atRiskCents)}* at risk`, ...parts].join(' · ');
}

function cardBlocks(card: HomeCard, currency: string, viewerUserId: string): Block[] {
  // The tab is the viewer's own: their gaps offer Release, without a confirmation.
  return renderGapCard(card.priority, card.state, {
    currency,
    viewerUserId,
    ...(card.series ? { series: card.series } : {}),
    ...(card.digestRunId ? { digestRunId: card.digestRunId } : {}),
  });
}

function summaryBlocks(input: HomeInput): Block[] {
  const money = (c: number) => formatMoney(c, input.currency);
  const blocks: Block[] = [header('My accounts')];
  if (input.noData) {
    blocks.push(
      section(
        ':hourglass_flowing_sand: There is no analysis yet: revgap reads the sales data at start-up. ' +
          'Open this tab again in a minute; if it stays empty, ask your revgap admin to check the log.',
      ),
    );
    return blocks;
  }
  const summary = summarizeMine(input.mine);
  if (summary.count === 0) {
    blocks.push(
      section(
        ':white_check_mark: *No open gaps on your accounts.* Nothing of yours needs attention this week. ' +
          'Your accounts are the customers whose account manager is you (Slack user or email in the ' +
          'customers file) and the gaps you claimed; claim one of the team gaps below to take it on.',
      ),
    );
  } else {
    const split = HOME_STATUSES.filter((s) => s !== 'recovering' || summary.byStatus[s].count > 0)
      .map((s) => `${summary.byStatus[s].count} ${STATUS_LABEL[s]} (${money(summary.byStatus[s].cents)})`)
      .join(' · ');
    blocks.push(
      section(
        `*${money(summary.atRiskCents)}* at risk on *${plural(summary.count, 'gap')}* of yours\n${split}`,
      ),
    );
  }
  const notes: string[] = [];
  if (input.snoozesEnding.length > 0) {
    notes.push(
      `:zzz: *Snoozes ending this week:* ${input.snoozesEnding
        .slice(0, 10)
        .map((s) => `${userText(s.customerName, 60)} (${s.until})`)
        .join(', ')}${input.snoozesEnding.length > 10 ? ` and ${input.snoozesEnding.length - 10} more` : ''}`,
    );
  }
  if (input.nextSteps.length > 0) {
    const lines = input.nextSteps.slice(0, 10).map((n) => {
      const when =
        n.due < input.today ? `*overdue* since ${n.due}` : n.due === input.today ? '*today*' : n.due;
      return `• ${when}: ${userText(n.customerName, 60)}${n.text ? ` — ${userText(n.text, 150)}` : ''}`;
    });
    if (input.nextSteps.length > 10) lines.push(`…and ${input.nextSteps.length - 10} more`);
    notes.push(`:spiral_calendar_pad: *Next steps due:*\n${lines.join('\n')}`);
  }
  if (input.results && input.results.followedUp > 0) {
    const r = input.results;
    notes.push(
      `:chart_with_upwards_trend: *My follow-up results:* ${plural(r.followedUp, 'gap')} followed up, ` +
        `${r.measured} measured, ${r.recovered} back to usual (${money(r.recoveredCents)} recovered)`,
    );
  }
  // Names and steps come from files and people: cut so a section never passes Slack's 3,000 characters.
  for (const note of notes) blocks.push(section(truncateText(note, LIMITS.sectionText)));
  if (input.dmDigest) {
    const { on, forAll } = input.dmDigest;
    const text = forAll
      ? ':email: *My digest by DM:* on for every account manager (set by your admin).'
      : `:email: *My digest by DM:* ${on ? 'on' : 'off'}. ${on ? 'Each weekly digest also sends you your own accounts in a direct message.' : 'Turn it on to get your own accounts by direct message with each weekly digest.'}`;
    blocks.push(
      forAll
        ? section(text)
        : {
            ...section(text),
            accessory: button(on ? 'Turn off' : 'Turn on', ACTION_HOME_DM_DIGEST, on ? 'off' : 'on'),
          },
    );
  }
  return blocks;
}

/**
 * The Home view for one page. At most `LIMITS.viewBlocks` blocks: the summary, as many of my cards
 * from `offset` as fit (2 blocks each), the team's top unclaimed gaps on the first page, and the
 * paging buttons.
 */
export function renderHome(input: HomeInput): HomeView {
  const blocks: Block[] = summaryBlocks(input);
  if (input.noData) return { type: 'home', blocks };
  const teamAll = input.team.slice(0, HOME_TEAM_CARDS);
  const teamBlocksOf = (team: readonly HomeCard[]): Block[] =>
    team.length > 0
      ? [
          divider(),
          section(`*Team's top unclaimed gaps* (${plural(team.length, 'gap')} nobody has claimed yet)`),
          ...team.flatMap((c) => cardBlocks(c, input.currency, input.userId)),
        ]
      : [];
  // Room for my cards: the limit less the summary, the section title and the paging rows; the
  // first page also holds the team's gaps. Pages start at 0, first, first + rest, ...
  const title = 2;
  const paging = 2;
  const room = LIMITS.viewBlocks - blocks.length - title - paging;
  const rest = Math.max(1, Math.floor(room / 2));
  const first = Math.max(1, Math.floor((room - teamBlocksOf(teamAll).length) / 2));
  const pages = input.mine.length <= first ? 1 : 1 + Math.ceil((input.mine.length - first) / rest);
  const wanted = Math.max(0, input.offset ?? 0);
  // The page holding `offset` (a stale button may point anywhere), within the pages there are.
  const pageIndex = Math.min(pages - 1, wanted < first ? 0 : 1 + Math.floor((wanted - first) / rest));
  const startOf = (i: number) => (i === 0 ? 0 : first + (i - 1) * rest);
  const offset = startOf(pageIndex);
  const perPage = pageIndex === 0 ? first : rest;
  const team = pageIndex === 0 ? teamAll : [];
  const teamBlocks = teamBlocksOf(team);
  const page = input.mine.slice(offset, offset + perPage);
  if (input.mine.length > 0) {
    const last = offset + page.length;
    blocks.push(
      divider(),
      section(
        input.mine.length > page.length
          ? `*My open gaps* (${offset + 1}–${last} of ${input.mine.length}, largest first)`
          : `*My open gaps* (${plural(input.mine.length, 'gap')}, largest first)`,
      ),
    );
    for (const card of page) blocks.push(...cardBlocks(card, input.currency, input.userId));
    const buttons: types.Button[] = [];
    if (pageIndex > 0)
      buttons.push(button('Previous page', ACTION_HOME_PAGE, String(startOf(pageIndex - 1))));
    if (last < input.mine.length)
      buttons.push(button('Next page', ACTION_HOME_PAGE, String(last), 'primary'));
    if (buttons.length > 0) {
      blocks.push(context(`Page ${pageIndex + 1} of ${pages}`));
      blocks.push({ type: 'actions', block_id: 'home:paging', elements: buttons });
    }
  }
  blocks.push(...teamBlocks);
  if (pageIndex === 0 && input.mine.length === 0 && team.length === 0) {
    blocks.push(
      context('No unclaimed gaps in the team either: every gap in the latest analysis has an owner.'),
    );
  }
  return { type: 'home', blocks };
}
