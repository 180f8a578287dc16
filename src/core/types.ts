/**
 * The domain contract shared by every layer: sources produce `SaleRow`s and `RowProblem`s, the core
 * folds rows into a `SalesLedger` and turns it into an `AnalysisResult`, render and Slack read it.
 *
 * Conventions (see ../../../shared/spec/analysis.md):
 * - Money is integer cents (`...Cents`) everywhere below the renderers; JSON output converts to major units.
 * - Days are integer days since 1970-01-01 (UTC calendar dates, no time zone arithmetic).
 * - Periods are integer indices: for weeks, the number of whole weeks since an epoch aligned to the
 *   configured week start; for months, `year * 12 + (month - 1)`. `src/core/periods.ts` converts.
 */

import type { BacktestResult } from './backtest.ts';
import type { SupplyMarkShown, SupplySummary } from './stock.ts';

/** Calendar granularity of the analysis. */
export type PeriodKind = 'week' | 'month';

/** Day a week starts on, 0 = Sunday ... 6 = Saturday (as `Date.getUTCDay`). Default 1 (Monday). */
export type WeekStart = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface PeriodSpec {
  kind: PeriodKind;
  weekStartsOn: WeekStart;
}

/** One accepted sales row, already parsed and validated by a source. */
export interface SaleRow {
  customerId: string;
  /** Days since 1970-01-01 (UTC calendar date of the sale). */
  day: number;
  /** Net amount in integer cents; negative for refunds and credits. */
  amountCents: number;
  orderId?: string;
  product?: string;
  storeId?: string;
  quantity?: number;
  /** 1-based physical line in the source file (for data-quality messages). */
  line?: number;
}

/** A row that could not be used: never dropped silently, always reported with where and why. */
export interface RowProblem {
  file: string;
  /** 1-based line number in the file (the header is line 1). */
  line: number;
  /** Header name of the offending column, when one column is to blame. */
  column?: string;
  /** Plain-words reason, e.g. `amount "12,3x" is not a number`. */
  reason: string;
  /** Short machine-readable code, e.g. `bad_date`, `bad_amount`, `missing_value`, `column_count`. */
  code: string;
}

/** Optional customer master data. */
export interface CustomerInfo {
  customerId: string;
  name?: string;
  segment?: string;
  /** Slack user id (`U...`) or an email resolved later with users.lookupByEmail. */
  accountManager?: string;
}

/**
 * Net cents per period: a plain array, or, in a large ledger, an `IntCents` view of one shared
 * Int32Array (core/ledger.ts; it serialises as an array). Read it by index, `length`, `slice`,
 * `subarray`-free iteration or spread; never append to it.
 */
export type NetCents = readonly number[] | Int32Array;

/** Per-customer sales folded into periods, as built by the core ledger accumulator. */
export interface CustomerLedger {
  customerId: string;
  /** Period index of `net[0]`. */
  startPeriod: number;
  /**
   * Net cents per period from `startPeriod`, dense (0 where there were no rows). It may run on with
   * zeros past the customer's last row (`ledgerFromPart`'s `padToLastPeriod`, so that the analysis
   * can share it as the customer's series).
   */
  net: NetCents;
  /**
   * 1 where the period had at least one positive-amount row (a "sale"), else 0. Read-only, index
   * only: the ledger builder hands out `Uint8Array` views of one shared buffer (a `number[]` works
   * too, as in tests). It may be shorter than `net`: no sale past its end.
   */
  positive: ArrayLike<number>;
  /** Rows folded into this customer. */
  rows: number;
}

/** One of the latest rows by date, kept by the ledger so far-future rows can be named. */
export interface LatestRow {
  day: number;
  customerId: string;
  /** 1-based line in the source file, when the source has lines. */
  line?: number;
}

/** Everything the analysis needs from the sales data, independent of where it came from. */
export interface SalesLedger {
  period: PeriodSpec;
  customers: Map<string, CustomerLedger>;
  /** Earliest and latest sale day seen (any amount), or null for no rows. */
  minDay: number | null;
  maxDay: number | null;
  /** Accepted rows folded in. */
  rows: number;
  /**
   * Rows folded in per period (all customers), dense from `startPeriod`; lets the analysis report
   * how many rows fell in a left-out partial period or after the as-of period. Optional: ledgers
   * built without it report those counts as 0.
   */
  rowsByPeriod?: { startPeriod: number; counts: number[] };
  /**
   * Rows by the weekday of their date, 7 counters, index 0 = Sunday ... 6 = Saturday. Optional
   * (ledgers built without it give no week-start hint).
   */
  weekdayRows?: number[];
  /**
   * Rows dated on the first day of their period under `period` (the week-start day, or the 1st of
   * the month). Equal to `rows` for "period-stamped" data (weekly or monthly totals dated on the
   * period's first day). Optional: ledgers built without it are never treated as period-stamped.
   */
  rowsOnPeriodStart?: number;
  /**
   * The latest rows by date (at most 51, latest first; ties in any order). Optional: ledgers built
   * without it never set far-future rows aside.
   */
  latestRows?: LatestRow[];
  /**
   * Each customer's main store (the store of most of its rows), when sales rows carry store_id;
   * the supply-side rule (core/stock.ts) reads it. Absent without store ids.
   */
  customerStores?: Map<string, string>;
}

/** How a source's read went: counts and the first problems, for the Data quality section. */
export interface DataQuality {
  /** Source description (file path or redacted URL). */
  source: string;
  /** Data rows read (excluding the header). */
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Rejected rows by problem code. */
  rejectedByCode: Record<string, number>;
  /** The first problems (at most 20 by default), in file order. */
  problems: RowProblem[];
  /** Exact duplicate rows seen, and whether they were dropped (default kept). */
  duplicateRows: number;
  duplicatesDropped: boolean;
  /** Lines of the first dropped duplicates (at most `maxProblemsListed`), in file order. */
  duplicateLines?: number[];
  /**
   * Accepted rows by the currency written in the amount ("USD" for $ and US$, "EUR" for €, a
   * three-letter code as written); rows with a bare number are not counted. Absent when no amount
   * carried a currency. More than one key means amounts in different currencies were added up.
   */
  currencies?: Record<string, number>;
  /**
   * Rows dated far after all the others (a mistyped year), left out of the default as-of choice:
   * they fall after the as-of period and are not counted in `rowsAfterAsOf`. Absent when none.
   */
  setAsideRows?: Array<{ customerId: string; date: string; line?: number }>;
  /**
   * What the reader noticed about the columns that the user may want to act on, in plain words
   * (e.g. a refunds column it does not subtract). Absent or empty when there is nothing to say.
   */
  notes?: string[];
  /** Rows dated after the as-of period: ignored, counted (filled in by the analysis). */
  rowsAfterAsOf?: number;
  /** Customers file problems, if a customers file was read. */
  customers?: { source: string; rowsRead: number; rowsRejected: number; problems: RowProblem[] };
}

export type GapType = 'declining_revenue' | 'below_baseline' | 'zero_spend' | 'churn_risk';

export const GAP_TYPES: readonly GapType[] = [
  'declining_revenue',
  'below_baseline',
  'zero_spend',
  'churn_risk',
] as const;

export interface Gap {
  type: GapType;
  amountCents: number;
  /** One line in plain words, e.g. "revenue fell from $412/wk to $155/wk over 4 weeks". */
  rationale: string;
  severity: 'high' | 'medium' | 'low';
  /**
   * churn_risk under churnModel bgnbd only: which check fired, the cadence check (zero streak
   * against the customer's own rhythm) and/or the model (P(alive) below 0.5).
   */
  firedBy?: ChurnCheck[];
}

/** The two churn checks of churnModel bgnbd (evidence spec section 3). */
export type ChurnCheck = 'cadence' | 'p_alive';

/** The four priority-score components, each in [0, 1]. */
export interface ScoreComponents {
  revenueImpact: number;
  churnRisk: number;
  customerValue: number;
  recoveryProbability: number;
}

export interface CustomerMetrics {
  /** Periods from the first sale's period to the as-of period, inclusive. */
  history: number;
  baselineCents: number;
  recentCents: number;
  /** Least-squares slope over the lookback, cents per period. */
  trendCentsPerPeriod: number;
  /** Slope / baseline (0 when the baseline is 0). */
  trendPct: number;
  forecastCents: number;
  zeroStreak: number;
  lifetimeValueCents: number;
  /** Share of non-zero periods in the lookback window. */
  activeShare: number;
  /** Period index of the last positive sale, or null. */
  lastSalePeriod: number | null;
}

export type CustomerStatus = 'scored' | 'no_gap' | 'too_new' | 'lapsed' | 'no_sales';

/** Everything known about one customer after the analysis: the deep dive reads this. */
export interface CustomerAnalysis {
  customerId: string;
  /** Possibly supply-caused gap (core/stock.ts): which SKUs were out and when. */
  supplyMark?: SupplyMarkShown;
  name: string;
  segment?: string;
  accountManager?: string;
  status: CustomerStatus;
  /** Net cents per period, from `seriesStartPeriod` to the as-of period (at most the last 52 kept). */
  series: NetCents;
  seriesStartPeriod: number;
  metrics: CustomerMetrics | null;
  gaps: Gap[];
  /** Largest of the customer's gap amounts (the types overlap, so not the sum). */
  gapAmountCents: number;
  score: number | null;
  components: ScoreComponents | null;
  /** Weighted share of each component in the score (points out of 100). */
  contributions: ScoreComponents | null;
  recoveryPotentialCents: number;
  /** 1-based rank among scored customers, or null. */
  rank: number | null;
  recommendation: string | null;
  /** Cadence g (median periods between sale periods), present only when it is not 1. */
  cadence?: number;
  /** churnModel bgnbd: P(alive) and expected sale periods in the next R periods. */
  pAlive?: number;
  expectedSalePeriods?: number;
  /**
   * Two full seasons of history: last season's mean over the same recent periods, the seasonal
   * expectation s (null when last season's baseline was <= 0) and the gap types not raised because
   * the customer is in line with its own season.
   */
  seasonal?: { lastSeasonRecentCents: number; expectedCents: number | null; suppressed: GapType[] };
}

/**
 * What a flag means for one customer (evidence spec section 2): among the customers flagged like it
 * in the backtest on this history, the share that lost half their revenue within `horizon` periods.
 */
export interface PriorityEvidence {
  /** lost / flagged in the cell the figure comes from (0-1). */
  lostShare: number;
  /** Flagged customer-points in that cell. */
  n: number;
  /** Periods after the flag the outcome was judged over. */
  horizon: number;
  /** The cell: most urgent gap type and score band, the type alone, or any gap (fallbacks below n = 30). */
  basis: 'type_and_band' | 'type' | 'any_gap';
  /** Share lost among all judged customer-points, for comparison (null without any). */
  baseRate: number | null;
}

/** One line of the priority list (a customer in revgap rules; a single gap in seed rules). */
export interface Priority {
  rank: number;
  customerId: string;
  customerName: string;
  segment?: string;
  accountManager?: string;
  gapTypes: GapType[];
  gapAmountCents: number;
  recoveryPotentialCents: number;
  /** 0-100. */
  score: number;
  components: ScoreComponents;
  contributions: ScoreComponents;
  rationale: string[];
  recommendation: string;
  /** Cadence g when not 1 (the customer's median gap between sale periods). */
  cadence?: number;
  /** churnModel bgnbd: P(alive), and which churn check raised churn_risk (if it was raised). */
  pAlive?: number;
  churnFiredBy?: ChurnCheck[];
  /** The calibrated risk of the backtest, when its cell holds n >= 30 (revgap rules only). */
  evidence?: PriorityEvidence;
  /** Possibly supply-caused (the store's own stockouts; core/stock.ts): which SKUs were out and when. */
  supplyMark?: SupplyMarkShown;
}

export interface GapTypeSummary {
  count: number;
  amountCents: number;
  /** Share of the total gap amount (0-1). */
  share: number;
}

export interface AnalysisSummary {
  /** Customers judged (not too new, not lapsed, with sales); in seed rules, customers with a gap. */
  customersAnalyzed: number;
  customersWithGaps: number;
  customersTooNew: number;
  customersLapsed: number;
  customersNoSales: number;
  gapsDetected: number;
  gapsByType: Record<GapType, number>;
  churnRiskCustomers: number;
  totalGapCents: number;
  recoveryPotentialTopNCents: number;
  topN: number;
  rowsRead: number;
  rowsRejected: number;
}

export interface ChurnRiskEntry {
  customerId: string;
  customerName: string;
  accountManager?: string;
  zeroStreak: number;
  baselineCents: number;
  /** Revenue at stake (baseline x recent window). */
  atRiskCents: number;
  lastSalePeriod: number | null;
  /** 0-1. */
  churnRisk: number;
  /** Predicted probability of churning (0-1), when the rule set estimates one (seed rules: 0.9 x churnRisk). */
  churnProbability?: number;
}

export type RuleSet = 'revgap' | 'seed';

export interface AnalysisResult {
  rules: RuleSet;
  period: PeriodSpec;
  /** The as-of period (last complete period on or before the as-of date). */
  asOf: { period: number; startDay: number; endDay: number };
  /** Set when the latest data falls in an incomplete period that was left out. */
  partialPeriod: { period: number; startDay: number; endDay: number; rows: number } | null;
  summary: AnalysisSummary;
  priorities: Priority[];
  churnRisk: ChurnRiskEntry[];
  gapsByType: Record<GapType, GapTypeSummary>;
  /** Every customer, in rank order first, then the rest by id. */
  customers: CustomerAnalysis[];
  recommendations: string[];
  dataQuality: DataQuality;
  /** True when most customer-periods are 0 with `week`: the report suggests `--period month`. */
  suggestMonthly: boolean;
  /**
   * True when every row is dated on the first day of its period and no as-of date was given: each
   * row is read as that period's total, so the period of the latest row counts as complete.
   */
  periodStamped?: boolean;
  /**
   * Plain-words hints about how the data was read that the user may want to act on, e.g. a week
   * start that does not match the dates ("Every row is dated on a Saturday: ..."). Absent or empty
   * when there are none.
   */
  hints?: string[];
  /** churnModel bgnbd: the BG/NBD fit behind every P(alive) (time unit: periods). */
  bgnbd?: { r: number; alpha: number; a: number; b: number; logLikelihood: number; customers: number };
  /**
   * The backtest on the same ledger and settings (revgap rules), computed with the analysis and
   * stored with its snapshot so the digest and deep dives read past flags' record without replaying.
   */
  backtest?: BacktestResult;
  /** With a stock file: how many gaps the supply-side rule marked, and the rule. */
  supply?: SupplySummary;
}

/** What an account manager recorded after contacting a customer (Log follow-up modal). */
export type FollowUpOutcome = 'contacted' | 'recovering' | 'lost' | 'not_a_gap';

/** Where a customer's gap stands in the follow-up workflow. */
export type GapStatus = 'open' | 'claimed' | 'contacted' | 'recovering' | 'lost' | 'dismissed' | 'snoozed';

/** What a follow-up event does; events are stored as JSON, so a new kind needs no migration. */
export type FollowUpKind = 'claim' | 'follow_up' | 'snooze' | 'unsnooze' | 'release';

/** One recorded follow-up action, as kept by the state store (append-only history). */
export interface FollowUpEvent {
  id: string;
  customerId: string;
  /**
   * `claim` (also a take-over: see `previousOwnerUserId`), `follow_up` (an outcome, or a note), `snooze`,
   * `unsnooze` (ends a snooze early), `release` (the owner lets go: back to open, nobody on it).
   */
  kind: FollowUpKind;
  /** Slack user id of who did it. */
  userId: string;
  /**
   * Who was on the gap when someone else acted on it: set on a claim that took the gap over, and on a
   * snooze of someone else's account. The history says "took it over from <@X>".
   */
  previousOwnerUserId?: string;
  outcome?: FollowUpOutcome;
  nextStep?: string;
  /** ISO date (YYYY-MM-DD) the next step is due: the account manager gets a reminder that day. */
  nextStepDue?: string;
  note?: string;
  /** ISO date (YYYY-MM-DD) a snooze ends. */
  snoozeUntil?: string;
  /** ISO timestamp of the action. */
  at: string;
  /** Digest run the action was taken from, when it came from a digest card. */
  digestRunId?: string;
  /**
   * The customer's gap amount (cents) shown when the action was taken. Kept with a `not_a_gap` or
   * snooze decision so that a gap that has since grown can re-surface early.
   */
  gapAmountCents?: number;
}

/** The current follow-up state of one customer's gap (derived from its events). */
export interface GapState {
  customerId: string;
  status: GapStatus;
  ownerUserId?: string;
  snoozedUntil?: string;
  /** Who snoozed it (while `snoozed`): the card says "Snoozed until … by <@U>". */
  snoozedByUserId?: string;
  /** Gap amount when it was snoozed or dismissed: a worse gap re-surfaces early. */
  gapAmountCentsAtDecision?: number;
  lastActionAt?: string;
}
