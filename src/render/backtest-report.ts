/**
 * The backtest as markdown (`revgap backtest`) and JSON (`--format json`), and the short texts the
 * analysis report and the digest use ("How reliable were past flags"). Every figure comes with the
 * counts it is built from, so nobody reads a precision of 100% built on 2 customers. Pure.
 */
import {
  type BacktestResult,
  CADENCE_GROUPS,
  type CadenceGroup,
  type FlagSetKey,
  type FlagSetMetrics,
  type GroupReport,
  LIFT_CAP_BASE_RATE,
  MIN_LOST_TO_JUDGE,
  mostUrgentType,
  NO_BETTER_LIFT,
  RECENT_POINTS,
  SCORE_BANDS,
  scoreBand,
} from '../core/backtest.ts';
import { GAP_URGENCY } from '../core/detect-gaps.ts';
import { centsToMajor, formatMoney } from '../core/money.ts';
import { formatPeriod, isoFromDay, periodEndDay, periodStartDay, periodWord } from '../core/periods.ts';
import { TOP_ALL } from '../core/settings.ts';
import type { GapType, PeriodSpec, PriorityEvidence } from '../core/types.ts';
import { formatCount, formatPct, GAP_TYPE_LABELS, markdownTable, plural } from './format.ts';

export const CADENCE_LABELS: Readonly<Record<CadenceGroup, string>> = {
  every_period: 'buys every period',
  every_2_to_4: 'buys every 2-4 periods',
  rarer: 'buys less often',
};

/** "Top 20", "Any gap", "Churn risk", ... */
export function flagSetLabel(set: FlagSetKey, topN: number): string {
  if (set === 'top_n') return topN >= TOP_ALL ? 'All ranked' : `Top ${topN}`;
  if (set === 'any_gap') return 'Any gap';
  return GAP_TYPE_LABELS[set];
}

/** "the top 20", or "all ranked customers" for `topN: all`. */
function topText(topN: number): string {
  return topN >= TOP_ALL ? 'all ranked customers' : `the top ${topN}`;
}

/** Table order: top N, any gap, then the types most urgent first. */
const TABLE_ORDER: readonly FlagSetKey[] = ['top_n', 'any_gap', ...GAP_URGENCY];

function pct(value: number | null): string {
  return value === null ? 'n/a' : formatPct(value, value > 0 && value < 0.1 ? 1 : 0);
}

function lift(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(1)}x`;
}

function setOf(group: GroupReport, key: FlagSetKey): FlagSetMetrics {
  const found = group.sets.find((s) => s.set === key);
  if (!found) throw new Error(`no flag set ${key}`);
  return found;
}

/** "8 weeks", "3 months". */
export function horizonText(result: Pick<BacktestResult, 'horizon' | 'period'>): string {
  return plural(result.horizon, periodWord(result.period), periodWord(result.period, 2));
}

function period(result: BacktestResult, p: number): string {
  return formatPeriod(p, result.period);
}

function flagTable(result: BacktestResult, group: GroupReport, currency: string): string {
  const rows = TABLE_ORDER.map((key) => {
    const s = setOf(group, key);
    return [
      flagSetLabel(key, result.topN),
      formatCount(s.flagged),
      formatCount(s.lostFlagged),
      pct(s.precision),
      pct(s.recall),
      lift(s.lift),
      `${pct(s.revenueCoverage)} (${formatMoney(s.lostRevenueFlaggedCents, currency, { compact: true })})`,
    ];
  });
  return markdownTable(
    ['flags', 'flagged', 'lost among flagged', 'precision', 'recall', 'lift', 'revenue coverage'],
    ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
    rows,
  );
}

function baseLine(group: GroupReport, currency: string): string {
  return (
    `Base rate ${pct(group.baseRate)}: ${formatCount(group.lost)} lost of ${formatCount(group.population)} ` +
    `customer-points judged (${formatMoney(group.lostRevenueCents, currency, { compact: true })} of lost revenue).`
  );
}

/** The caveats a reader needs next to the figures: too short, capped lift, no better than chance. */
export function backtestNotes(result: BacktestResult): string[] {
  const notes: string[] = [];
  const { overall } = result;
  if (result.points.length === 0) {
    notes.push(
      `History too short to judge: a replay needs at least one period at which customers can be judged and ${horizonText(result)} after it.`,
    );
    return notes;
  }
  if (result.tooShort) {
    notes.push(
      `History too short to judge: only ${formatCount(overall.lost)} lost ${overall.lost === 1 ? 'customer' : 'customers'} in all (at least ${MIN_LOST_TO_JUDGE} needed); the counts are shown, but read no rate into them.`,
    );
  }
  if (overall.liftCapped && overall.baseRate !== null) {
    notes.push(
      `The base rate is high (${pct(overall.baseRate)}), so no flag can reach a lift above ${(1 / overall.baseRate).toFixed(1)}x: many customers look lost over ${horizonText(result)}. A longer horizon (--horizon) would judge better.`,
    );
  }
  const any = setOf(overall, 'any_gap');
  const top = setOf(overall, 'top_n');
  if (!result.tooShort && any.noBetterThanBase && top.noBetterThanBase) {
    notes.push(
      `Flags on this history are no better than the base rate (lift under ${NO_BETTER_LIFT}x for any gap and ${topText(result.topN)}).`,
    );
  } else if (!result.tooShort && any.noBetterThanBase) {
    notes.push(
      `"Any gap" is no better than the base rate here (lift ${lift(any.lift)}); ${topText(result.topN)} ${top.lift !== null ? `(lift ${lift(top.lift)})` : ''} is the list to trust.`.replace(
        '  ',
        ' ',
      ),
    );
  }
  return notes;
}

/** The markdown backtest report. */
export function renderBacktestMarkdown(result: BacktestResult, currency: string): string {
  const out: string[] = ['# revgap backtest: how often the flags were right', ''];
  const h = horizonText(result);
  const every =
    result.step === 1
      ? `every ${periodWord(result.period)}`
      : `every ${plural(result.step, periodWord(result.period), periodWord(result.period, 2))}`;
  const first = result.points[0];
  const last = result.points[result.points.length - 1];
  out.push(
    `As of ${period(result, result.asOfPeriod)}; horizon ${h}; ` +
      (first === undefined || last === undefined
        ? 'no replay point.'
        : `${plural(result.points.length, 'replay point', 'replay points')} from ${period(result, first)} to ${period(result, last)} (${every}); top N = ${result.topN >= TOP_ALL ? 'all' : result.topN}.`),
    '',
    `At each replay point the analysis ran with the same settings on the rows dated up to that period's end only. ` +
      `A judged customer counts as **lost** when its revenue over the next ${h} averaged at most half its baseline then; ` +
      `its **lost revenue** is the baseline times ${h} minus what it bought.`,
    '',
  );
  const notes = backtestNotes(result);
  if (notes.length > 0) out.push(...notes.map((n) => `> ${n}`), '');
  if (result.points.length === 0) return `${out.join('\n').trimEnd()}\n`;

  out.push(
    '## All replay points',
    '',
    flagTable(result, result.overall, currency),
    '',
    baseLine(result.overall, currency),
    '',
  );
  const recent = result.recent;
  if (recent.fromPeriod !== null && recent.toPeriod !== null) {
    out.push(
      `## Recently (last ${plural(recent.points, 'replay point', 'replay points')}: ${period(result, recent.fromPeriod)} to ${period(result, recent.toPeriod)})`,
      '',
      flagTable(result, recent, currency),
      '',
      baseLine(recent, currency),
      '',
    );
  }
  out.push(
    '## By cadence group',
    '',
    `Cadence: the median number of ${periodWord(result.period, 2)} between a customer's ${periodWord(result.period, 2)} with a sale, up to the replay point.`,
    '',
    markdownTable(
      [
        'group',
        'judged',
        'lost',
        'base rate',
        'any gap: flagged',
        'precision',
        'lift',
        `${topText(result.topN).replace('the ', '')}: flagged`,
        'precision',
        'lift',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      CADENCE_GROUPS.map((group) => {
        const g = result.byCadence[group];
        const any = setOf(g, 'any_gap');
        const top = setOf(g, 'top_n');
        return [
          CADENCE_LABELS[group]
            .replace('periods', periodWord(result.period, 2))
            .replace('period', periodWord(result.period)),
          formatCount(g.population),
          formatCount(g.lost),
          `${pct(g.baseRate)}${g.liftCapped ? ' (lift capped)' : ''}`,
          formatCount(any.flagged),
          pct(any.precision),
          lift(any.lift),
          formatCount(top.flagged),
          pct(top.precision),
          lift(top.lift),
        ];
      }),
    ),
    '',
  );
  out.push(
    '## Calibrated risk',
    '',
    `Share of flagged customers that were lost, by most urgent gap type and score band (n = flagged). A customer flagged now carries its cell's share when n >= 30, else its type's, else any gap's.`,
    '',
    markdownTable(
      ['most urgent gap', ...SCORE_BANDS.map((b) => `score ${b}`), 'all bands'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      GAP_URGENCY.map((type) => [
        GAP_TYPE_LABELS[type],
        ...result.calibration.cells[type].map((c) => cell(c)),
        cell(result.calibration.byType[type]),
      ]),
    ),
    '',
    `Any gap: ${cell(result.calibration.any)}.`,
    '',
    '## How to read this',
    '',
    '- **precision**: lost among flagged / flagged; **recall**: lost among flagged / all lost; ' +
      '**base rate**: lost / judged; **lift**: precision / base rate (1.0x = no better than picking at random); ' +
      '**revenue coverage**: lost revenue of the flagged / lost revenue of everybody.',
    `- A customer counts once per replay point. A lift cannot exceed 1 / base rate; at a base rate of ${formatPct(LIFT_CAP_BASE_RATE)} or more the table says it is capped. "Recently" is the last ${RECENT_POINTS} replay points.`,
    '',
  );
  return out.join('\n');
}

function cell(c: { flagged: number; lost: number }): string {
  return c.flagged === 0 ? '-' : `${pct(c.lost / c.flagged)} (n = ${formatCount(c.flagged)})`;
}

function round4(x: number | null): number | null {
  return x === null ? null : Number(x.toFixed(4));
}

function groupJson(group: GroupReport) {
  return {
    points: group.points,
    population: group.population,
    lost: group.lost,
    lostRevenue: centsToMajor(group.lostRevenueCents),
    baseRate: round4(group.baseRate),
    liftCapped: group.liftCapped,
    flagSets: Object.fromEntries(
      group.sets.map((s) => [
        s.set,
        {
          flagged: s.flagged,
          lostFlagged: s.lostFlagged,
          lostRevenueFlagged: centsToMajor(s.lostRevenueFlaggedCents),
          precision: round4(s.precision),
          recall: round4(s.recall),
          lift: round4(s.lift),
          revenueCoverage: round4(s.revenueCoverage),
          noBetterThanBase: s.noBetterThanBase,
        },
      ]),
    ),
  };
}

/** The JSON document of `revgap backtest --format json`: every rate next to its counts. */
export function buildBacktestJson(result: BacktestResult, currency: string) {
  const ref = (p: number) => ({
    label: formatPeriod(p, result.period),
    startDate: isoFromDay(periodStartDay(p, result.period)),
    endDate: isoFromDay(periodEndDay(p, result.period)),
  });
  const first = result.points[0];
  const last = result.points[result.points.length - 1];
  return {
    kind: 'revgap-backtest',
    version: 1,
    currency,
    period: result.period.kind,
    asOf: ref(result.asOfPeriod),
    horizon: result.horizon,
    step: result.step,
    topN: result.topN,
    replayPoints: {
      count: result.points.length,
      first: first === undefined ? null : ref(first),
      last: last === undefined ? null : ref(last),
    },
    tooShort: result.tooShort,
    minLostToJudge: MIN_LOST_TO_JUDGE,
    notes: backtestNotes(result),
    overall: groupJson(result.overall),
    recent: {
      from: result.recent.fromPeriod === null ? null : ref(result.recent.fromPeriod),
      to: result.recent.toPeriod === null ? null : ref(result.recent.toPeriod),
      ...groupJson(result.recent),
    },
    byCadence: Object.fromEntries(CADENCE_GROUPS.map((g) => [g, groupJson(result.byCadence[g])])),
    calibration: {
      bands: [...SCORE_BANDS],
      byType: Object.fromEntries(
        GAP_URGENCY.map((type) => [
          type,
          {
            all: result.calibration.byType[type],
            byBand: result.calibration.cells[type].map((c, band) => ({ band: SCORE_BANDS[band], ...c })),
          },
        ]),
      ),
      anyGap: result.calibration.any,
    },
    perPoint: result.perPoint.map((p) => ({
      period: formatPeriod(p.period, result.period),
      population: p.population,
      lost: p.lost,
      flagged: Object.fromEntries(
        Object.entries(p.sets).map(([key, s]) => [key, { flagged: s.flagged, lostFlagged: s.lostFlagged }]),
      ),
    })),
  };
}

// --- evidence on flags and "How reliable were past flags" -------------------------------------

/** What the cell of an evidence figure is, in words: "churn risk, score 60-80". */
export function evidenceBasisText(
  evidence: PriorityEvidence,
  types: readonly GapType[],
  score: number | null,
): string {
  const urgent = mostUrgentType(types);
  if (evidence.basis === 'any_gap' || urgent === null) return 'any gap';
  const type = GAP_TYPE_LABELS[urgent].toLowerCase();
  return evidence.basis === 'type_and_band' && score !== null
    ? `${type}, score ${SCORE_BANDS[scoreBand(score)]}`
    : type;
}

/** lostShare / base rate under NO_BETTER_LIFT: a flag like this says no more than the base rate. */
export function evidenceNoBetter(evidence: PriorityEvidence): boolean {
  return (
    evidence.baseRate !== null &&
    evidence.baseRate > 0 &&
    evidence.lostShare / evidence.baseRate < NO_BETTER_LIFT
  );
}

function evidenceHorizon(evidence: PriorityEvidence, spec: PeriodSpec): string {
  return plural(evidence.horizon, periodWord(spec), periodWord(spec, 2));
}

/** Short, for a digest card or a table cell: "64% of past flags like this were lost (n = 212)". */
export function evidenceShort(evidence: PriorityEvidence): string {
  const base = evidence.baseRate === null ? '' : `; base rate ${pct(evidence.baseRate)}`;
  return `${pct(evidence.lostShare)} of past flags like this lost half their revenue (n = ${formatCount(evidence.n)}${base})`;
}

/** A table cell: "64% (n = 212)". */
export function evidenceCell(evidence: PriorityEvidence | undefined | null): string {
  return evidence ? `${pct(evidence.lostShare)} (n = ${formatCount(evidence.n)})` : '—';
}

/**
 * Long, for a deep dive: "In your history, 64% of customers flagged like this (churn risk, score
 * 60-80) lost half their revenue within 8 weeks (n = 212; base rate 9%)."
 */
export function evidenceLong(
  evidence: PriorityEvidence,
  types: readonly GapType[],
  score: number | null,
  spec: PeriodSpec,
): string {
  const base = evidence.baseRate === null ? '' : `; base rate ${pct(evidence.baseRate)}`;
  const text =
    `In your history, ${pct(evidence.lostShare)} of customers flagged like this (${evidenceBasisText(evidence, types, score)}) ` +
    `lost half their revenue within ${evidenceHorizon(evidence, spec)} (n = ${formatCount(evidence.n)}${base}).`;
  return evidenceNoBetter(evidence)
    ? `${text} Flags like this are no better than the base rate on this history.`
    : text;
}

/**
 * One line on the record of past flags (digest footer, report): the top N flagged h periods ago
 * and how many of them were lost, with the base rate; honest when the history is too short or the
 * flags no better than the base rate.
 */
export function reliabilityLine(backtest: BacktestResult): string {
  const h = horizonText(backtest);
  const last = backtest.perPoint[backtest.perPoint.length - 1];
  if (last === undefined) {
    return `Not enough history yet to check past flags: a replay needs ${h} of data after the first ${periodWord(backtest.period)} at which customers can be judged.`;
  }
  if (backtest.tooShort) {
    return `Too little history to check past flags: ${plural(backtest.overall.lost, 'customer', 'customers')} lost in ${plural(backtest.points.length, 'replay point', 'replay points')} (${MIN_LOST_TO_JUDGE} needed).`;
  }
  const top = last.sets.top_n;
  const baseRate = last.population > 0 ? last.lost / last.population : null;
  const overallTop = setOf(backtest.overall, 'top_n');
  const line =
    `Of ${plural(top.flagged, 'customer', 'customers')} flagged ${h} ago, ${formatCount(top.lostFlagged)} lost half their revenue` +
    ` (base rate ${pct(baseRate)}; over all ${formatCount(backtest.points.length)} replay points ${topText(backtest.topN)} had a lift of ${lift(overallTop.lift)}).`;
  return overallTop.noBetterThanBase
    ? `${line} Flags on this history are no better than the base rate.`
    : line;
}

/** The "How reliable were past flags" section of the markdown report. */
export function reliabilitySection(backtest: BacktestResult, currency: string): string {
  const out = ['## How reliable were past flags', '', reliabilityLine(backtest)];
  if (backtest.points.length > 0) {
    const rows = (['top_n', 'any_gap'] as const).map((key) => {
      const s = setOf(backtest.overall, key);
      const r = setOf(backtest.recent, key);
      return [
        flagSetLabel(key, backtest.topN),
        `${pct(s.precision)} (${formatCount(s.lostFlagged)} of ${formatCount(s.flagged)})`,
        `${pct(s.recall)}`,
        lift(s.lift),
        `${pct(s.revenueCoverage)} (${formatMoney(s.lostRevenueFlaggedCents, currency, { compact: true })})`,
        `${pct(r.precision)} (${formatCount(r.lostFlagged)} of ${formatCount(r.flagged)})`,
      ];
    });
    out.push(
      '',
      markdownTable(
        ['flags', 'lost among flagged', 'recall', 'lift', 'revenue coverage', `last ${RECENT_POINTS} points`],
        ['l', 'r', 'r', 'r', 'r', 'r'],
        rows,
      ),
      '',
      `${baseLine(backtest.overall, currency)} Lost: revenue over the next ${horizonText(backtest)} averaged at most half the baseline. ` +
        `The full replay: \`revgap backtest\`.`,
    );
    const notes = backtestNotes(backtest).filter((n) => !n.startsWith('History too short'));
    if (notes.length > 0) out.push('', ...notes.map((n) => `> ${n}`));
  }
  return out.join('\n');
}
