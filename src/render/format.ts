/**
 * Small formatting helpers shared by the renderers (markdown, JSON, Block Kit). Pure.
 * Money and period labels come from core (`formatMoney`, `formatPeriod`); this file only adds
 * the wording around them and escaping of user data (customer names and ids are user data).
 */

import { formatPeriod, isoFromDay, periodInText, periodUnit, periodWord } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type {
  AnalysisResult,
  DataQuality,
  FollowUpOutcome,
  GapType,
  PeriodSpec,
  ScoreComponents,
} from '../core/types.ts';

/** Human label of a gap type ("Declining revenue"). */
export const GAP_TYPE_LABELS: Readonly<Record<GapType, string>> = {
  declining_revenue: 'Declining revenue',
  below_baseline: 'Below baseline',
  zero_spend: 'Zero spend',
  churn_risk: 'Churn risk',
};

/** Score components in display order, with labels and the settings weight key. */
export const COMPONENT_ORDER: readonly (keyof ScoreComponents)[] = [
  'revenueImpact',
  'churnRisk',
  'customerValue',
  'recoveryProbability',
];

export const COMPONENT_LABELS: Readonly<Record<keyof ScoreComponents, string>> = {
  revenueImpact: 'Revenue impact',
  churnRisk: 'Churn risk',
  customerValue: 'Customer value',
  recoveryProbability: 'Recovery probability',
};

/** A follow-up outcome in words, as the thread reply and the deep dive's history say it. */
export const OUTCOME_LABELS: Readonly<Record<FollowUpOutcome, string>> = {
  contacted: 'contacted',
  recovering: 'recovering',
  lost: 'lost',
  not_a_gap: 'not a real gap',
};

/** "week"/"weeks" or "month"/"months" (core's `periodWord`). */
export const periodNoun: (spec: PeriodSpec, count?: number) => string = periodWord;

/** A period inside a sentence: "the week of 2026-11-16", but "2026-11" (core's `periodInText`). */
export { periodInText };

/** "/wk" or "/mo", for amounts per period. */
export function perPeriod(spec: PeriodSpec): string {
  return `/${periodUnit(spec)}`;
}

/** Integer with thousands separators, locale independent ("1,234,567"). */
export function formatCount(n: number): string {
  const sign = n < 0 ? '-' : '';
  return (
    sign +
    Math.abs(Math.round(n))
      .toString()
      .replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  );
}

/** "3 customers", "1 customer". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** A 0-1 ratio as a percentage ("35%", "-5.0%" with digits = 1). */
export function formatPct(ratio: number, digits = 0): string {
  if (!Number.isFinite(ratio)) return 'n/a';
  const value = (ratio * 100).toFixed(digits);
  // Avoid "-0%" for tiny negatives that round to zero.
  return `${Number(value) === 0 ? (0).toFixed(digits) : value}%`;
}

/** A 0-100 score with one decimal ("72.4"). */
export function formatScore(score: number): string {
  return score.toFixed(1);
}

/**
 * The four contributions to one decimal, rounded so that they add up to the score as shown
 * (largest remainder): 30.75 + 30 + 7.4 + 5.25 is "73.4", shown as 30.8 + 30.0 + 7.4 + 5.2 rather
 * than 30.8 + 30.0 + 7.4 + 5.3 = 73.5. Each shown value stays within 0.1 of the exact one.
 */
export function formatContributions(
  score: number,
  contributions: ScoreComponents,
): Record<keyof ScoreComponents, string> {
  const keys = COMPONENT_ORDER;
  const tenths = keys.map((k) => contributions[k] * 10);
  const floors = tenths.map((t) => Math.floor(t + 1e-9));
  let left = Math.round(Number(formatScore(score)) * 10) - floors.reduce((a, b) => a + b, 0);
  const shown = [...floors];
  if (left >= 0 && left <= keys.length) {
    const order = keys
      .map((_, i) => i)
      .sort((a, b) => tenths[b]! - floors[b]! - (tenths[a]! - floors[a]!) || a - b);
    for (const i of order) {
      if (left === 0) break;
      shown[i]! += 1;
      left--;
    }
  } else {
    // The score is not the sum of its contributions (never with core's scores): show each as is.
    for (let i = 0; i < keys.length; i++) shown[i] = Math.round(tenths[i]!);
  }
  const out = {} as Record<keyof ScoreComponents, string>;
  keys.forEach((k, i) => {
    out[k] = (shown[i]! / 10).toFixed(1);
  });
  return out;
}

/** A 0-1 component value with two decimals ("0.82"). */
export function formatComponent(value: number): string {
  return value.toFixed(2);
}

/** Gap type labels joined ("Churn risk, Zero spend"). */
export function formatGapTypes(types: readonly GapType[]): string {
  return types.map((t) => GAP_TYPE_LABELS[t]).join(', ');
}

/** The component that adds the most points to a score (ties: display order). */
export function biggestDriver(contributions: ScoreComponents): keyof ScoreComponents {
  let best: keyof ScoreComponents = COMPONENT_ORDER[0]!;
  for (const key of COMPONENT_ORDER) {
    if (contributions[key] > contributions[best]) best = key;
  }
  return best;
}

/** Weekday name of the configured week start ("Monday"). */
export function weekStartName(settings: Pick<AnalysisSettings, 'weekStartsOn'>): string {
  const name = settings.weekStartsOn;
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** Newlines and tabs (and other control characters) in user data become single spaces. */
export function singleLine(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(BIDI_CONTROLS, '')
      .trim()
  );
}

/**
 * Bidirectional-text controls (embeddings, overrides, isolates, marks): a customer name holding
 * U+202E would show the rest of a line reversed ("Trojan Source"). Removed from every text revgap
 * shows from a file.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text for a terminal: removes every control character (C0 but newline and tab, DEL, C1: ESC
 * sequences, OSC title changes, bells, carriage returns) and bidi controls, so text from a file
 * cannot move the cursor, rewrite a line or retitle the window. revgap's own progress line keeps
 * its two sequences: a carriage return at the start of the text, and erase-to-end-of-line.
 */
export function terminalSafe(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const control = (c < 0x20 && c !== 0x0a && c !== 0x09) || (c >= 0x7f && c <= 0x9f);
    const bidi =
      c === 0x061c ||
      c === 0x200e ||
      c === 0x200f ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069);
    if (!control && !bidi) continue;
    out += text.slice(from, i);
    from = i + 1;
    if (c === 0x0d && i === 0) out += '\r';
    else if (c === 0x1b && text.startsWith('[K', i + 1)) {
      out += '\u001b[K';
      from = i + 3;
      i += 2;
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

/**
 * JSON for output: `JSON.stringify` escapes C0 controls but leaves C1, bidi controls and the
 * line/paragraph separators raw; they are written as `\uXXXX` escapes (same value when parsed).
 */
export function jsonSafe(json: string): string {
  return json.replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Escapes user data for CommonMark / GitHub markdown, inline and inside table cells:
 * backslash, backtick, `*`, `_`, `|`, brackets, angle brackets, `~` and `#` are backslash-escaped,
 * newlines are folded to spaces (a name must not break a table row or start a heading).
 */
export function escapeMarkdown(text: string): string {
  return singleLine(text).replace(/[\\`*_|[\]<>~#]/g, (c) => `\\${c}`);
}

/**
 * Escapes user data for Slack mrkdwn. `&`, `<`, `>` become entities (so a name can never become a
 * link or an `<!channel>` mention). Slack has no backslash escape for `*`, `_`, `~` and backtick;
 * a zero-width space after each stops them pairing up into formatting, with no visible change.
 */
export function escapeMrkdwn(text: string): string {
  return singleLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[*_~`]/g, (c) => `${c}\u200b`);
}

/** A customer for a markdown table cell or heading: "Name (id)" escaped, or the id alone. */
export function markdownCustomer(name: string, customerId: string): string {
  return name === customerId
    ? escapeMarkdown(customerId)
    : `${escapeMarkdown(name)} (${escapeMarkdown(customerId)})`;
}

/** A markdown table: the header, an alignment row (`---`, or `---:` for 'r'), then the rows as given. */
export function markdownTable(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const sep = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** A customer as "Name (id)", or just the id when the name is the id. Unescaped. */
export function customerLabel(name: string, customerId: string): string {
  return name === customerId ? customerId : `${name} (${customerId})`;
}

/**
 * A warning when the as-of period lies after the latest sale (an --as-of date past the end of the
 * data): every customer then looks like it stopped buying, and nothing else in the result says why.
 * Null when some sale falls in the as-of period, or when later rows exist (a partial period or rows
 * after the as-of period: the data does go on).
 */
export function describeAsOfAfterData(
  result: Pick<AnalysisResult, 'asOf' | 'partialPeriod' | 'customers' | 'dataQuality' | 'period'>,
): string | null {
  if (result.partialPeriod !== null || (result.dataQuality.rowsAfterAsOf ?? 0) > 0) return null;
  let latest: number | null = null;
  for (const c of result.customers) {
    const last = c.metrics?.lastSalePeriod;
    if (last == null) continue;
    // A sale in the as-of period settles it (usually among the first customers): no warning.
    if (last >= result.asOf.period) return null;
    if (latest === null || last > latest) latest = last;
  }
  if (latest === null) return null;
  const spec = result.period;
  const gap = result.asOf.period - latest;
  return (
    `the as-of ${periodWord(spec)} (${formatPeriod(result.asOf.period, spec)}) is ${gap} ${periodWord(spec, gap)} ` +
    `after the latest sale (${formatPeriod(latest, spec)}), so every customer looks idle since then; ` +
    'set --as-of to a date within the data, or leave it out to use the latest sale date.'
  );
}

/**
 * A warning when a customers file was read but none of its ids seems to match the sales file: no
 * customer with sales carries a name, segment or account manager from it, and there are at least
 * as many customers without sales as the file has rows (each file customer could be unmatched).
 * The usual cause is two exports keyed differently (an email against an account number).
 */
export function describeUnmatchedCustomersFile(
  result: Pick<AnalysisResult, 'customers' | 'dataQuality'>,
): string | null {
  const file = result.dataQuality.customers;
  if (!file) return null;
  const listed = file.rowsRead - file.rowsRejected;
  if (listed <= 0) return null;
  let withSales = 0;
  let noSales = 0;
  let sampleFileId: string | undefined;
  let sampleSalesId: string | undefined;
  for (const c of result.customers) {
    if (c.status === 'no_sales') {
      noSales++;
      if (sampleFileId === undefined && (c.name !== c.customerId || c.segment || c.accountManager))
        sampleFileId = c.customerId;
      continue;
    }
    withSales++;
    if (c.name !== c.customerId || c.segment || c.accountManager) return null;
    sampleSalesId ??= c.customerId;
  }
  if (withSales === 0 || noSales < listed) return null;
  const example =
    sampleFileId !== undefined && sampleSalesId !== undefined
      ? ` (e.g. "${sampleFileId}" there, "${sampleSalesId}" in the sales)`
      : '';
  return (
    `none of the ${formatCount(listed)} customers in ${file.source} matches a customer id in the sales file${example}, ` +
    'so no names, segments or account managers are shown; check that both files use the same customer id ' +
    '(the customers file\'s id column can be named with "data.customersMap" in revgap.config.json).'
  );
}

/**
 * A warning about the currencies written in the amounts (`DataQuality.currencies`): several of them
 * (summed as written: revgap never converts), or one that is not the display currency ("€" amounts
 * shown as "$"). Null for bare numbers or amounts in the display currency.
 */
export function describeCurrencies(dq: Pick<DataQuality, 'currencies'>, currency: string): string | null {
  const seen = Object.entries(dq.currencies ?? {}).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (seen.length > 1) {
    const list = seen.map(([code, n]) => `${code} ${plural(n, 'row')}`).join(', ');
    return (
      `the amounts are in several currencies (${list}) and were added up as written: revgap does not ` +
      'convert currencies; export one currency per file, or convert the amounts first.'
    );
  }
  const only = seen[0]?.[0];
  if (only !== undefined && only !== currency.toUpperCase() && !only.includes('/')) {
    return `the amounts are written in ${only} but shown in ${currency.toUpperCase()}: run with --currency ${only} (or set REVGAP_CURRENCY).`;
  }
  return null;
}

/**
 * A warning when nobody could be judged because the data is shorter than the history needed
 * (`minHistory` periods): typically `--period month` on a few months of data. Null otherwise.
 */
export function describeTooShortHistory(
  result: Pick<AnalysisResult, 'summary' | 'customers' | 'period'>,
  minHistory: number,
): string | null {
  if (result.summary.customersAnalyzed > 0 || result.summary.customersTooNew === 0) return null;
  let longest = 0;
  for (const c of result.customers) {
    if (c.status === 'too_new' && c.metrics) longest = Math.max(longest, c.metrics.history);
  }
  const spec = result.period;
  const unit = periodWord(spec);
  const fix =
    spec.kind === 'month'
      ? 'use weekly periods (--period week), or more history'
      : 'add more history (or a later --as-of), or lower analysis.minHistory (REVGAP_MIN_HISTORY)';
  return (
    `no customer could be judged: the longest history is ${longest} ${periodWord(spec, longest)} up to the as-of ${unit}, ` +
    `and ${minHistory} ${periodWord(spec, minHistory)} are needed; ${fix}.`
  );
}

/**
 * A warning when every accepted row belongs to one customer: usually the customer column is not
 * the customer (QuickBooks' "Account" is the ledger account, e.g. "Sales"). Null for small files
 * (under 20 rows), where one customer is plausible.
 */
export function describeOneCustomer(
  result: Pick<AnalysisResult, 'customers' | 'dataQuality'>,
): string | null {
  if (result.dataQuality.rowsAccepted < 20) return null;
  let only: string | undefined;
  for (const c of result.customers) {
    if (c.status === 'no_sales' && c.metrics === null && c.series.length === 0) continue;
    if (only !== undefined) return null;
    only = c.customerId;
  }
  if (only === undefined) return null;
  return (
    `all ${formatCount(result.dataQuality.rowsAccepted)} rows belong to one customer (${JSON.stringify(only)}): ` +
    'if that column is not the customer, name the right one with --map customer_id="Header".'
  );
}

/** " (lines 3, 5)" for the dropped duplicates' lines ("first 20 at lines ..." when not all are listed); "" without. */
export function duplicateLinesText(dq: Pick<DataQuality, 'duplicateLines' | 'duplicateRows'>): string {
  const lines = dq.duplicateLines ?? [];
  if (lines.length === 0) return '';
  const word = lines.length === 1 ? 'line' : 'lines';
  const first = lines.length < dq.duplicateRows ? `the first ${formatCount(lines.length)} at ` : '';
  return ` (${first}${word} ${lines.join(', ')})`;
}

/**
 * A warning naming the rows the default as-of choice set aside: a handful dated far after all the
 * others (usually a mistyped year), with file and line, and the setting that overrides the choice.
 */
export function describeSetAsideRows(result: Pick<AnalysisResult, 'dataQuality'>): string | null {
  const rows = result.dataQuality.setAsideRows;
  if (!rows || rows.length === 0) return null;
  const shown = rows
    .slice(0, 5)
    .map(
      (r) =>
        `${r.line !== undefined ? `line ${r.line}: ` : ''}${r.date}, customer ${JSON.stringify(r.customerId)}`,
    )
    .join('; ');
  const more = rows.length > 5 ? `; and ${formatCount(rows.length - 5)} more` : '';
  const latest = rows[0]?.date ?? '';
  return (
    `set aside ${plural(rows.length, 'row')} of ${result.dataQuality.source} dated far after all the others ` +
    `(${shown}${more}): the as-of date follows the rest of the data. Correct ${rows.length === 1 ? 'that date' : 'those dates'}, ` +
    `or if ${rows.length === 1 ? 'it is' : 'they are'} right pass --as-of ${latest} to include ${rows.length === 1 ? 'it' : 'them'}.`
  );
}

/**
 * A warning when every accepted row is dated after the as-of period (an --as-of before the data
 * starts): everyone then has "no sales on record". Null otherwise.
 */
export function describeAsOfBeforeData(
  result: Pick<AnalysisResult, 'asOf' | 'period' | 'dataQuality' | 'partialPeriod'>,
): string | null {
  const dq = result.dataQuality;
  const after = (dq.rowsAfterAsOf ?? 0) + (result.partialPeriod?.rows ?? 0);
  if (dq.rowsAccepted === 0 || after < dq.rowsAccepted) return null;
  const partial = result.partialPeriod;
  if (partial && partial.rows >= dq.rowsAccepted) {
    // Not an as-of before the data: the data covers less than one complete period.
    const end = isoFromDay(partial.endDay);
    return (
      `all ${formatCount(dq.rowsAccepted)} rows fall in ${periodInText(partial.period, result.period)}, ` +
      `which is not complete (it ends ${end}), so nothing was analysed; add earlier data, or pass --as-of ${end} to count it as complete.`
    );
  }
  return (
    `all ${formatCount(dq.rowsAccepted)} rows are dated after the as-of ${periodWord(result.period)} ` +
    `(${formatPeriod(result.asOf.period, result.period)}), so nothing was analysed; set --as-of to a date within the data, ` +
    'or leave it out to use the latest sale date.'
  );
}

/**
 * A warning when rows were read but not one has a positive amount: only refunds and zeros, so
 * nobody has a sale to be judged on. Usually the wrong amount column, or an export that writes
 * sales as negative numbers (a ledger's credit column).
 */
export function describeNoSales(
  result: Pick<AnalysisResult, 'customers' | 'dataQuality' | 'partialPeriod'>,
): string | null {
  // Rows left out after the as-of period may hold the sales: then the as-of warnings speak.
  if (
    result.dataQuality.rowsAccepted === 0 ||
    result.dataQuality.rowsAfterAsOf ||
    result.partialPeriod?.rows
  ) {
    return null;
  }
  if (result.customers.length === 0 || result.customers.some((c) => c.status !== 'no_sales')) return null;
  return (
    `none of the ${formatCount(result.dataQuality.rowsAccepted)} rows has a positive amount (a sale), only refunds or zeros; ` +
    'check the amount column (--map amount="Header"), or whether the export writes sales as negative numbers.'
  );
}

/**
 * Every warning above that applies, as sentences, in the order the CLI and the report give them:
 * too little history, currencies, as-of after the data, unmatched customers file.
 */
export function describeWarnings(
  result: Pick<AnalysisResult, 'summary' | 'customers' | 'period' | 'asOf' | 'partialPeriod' | 'dataQuality'>,
  settings: Pick<AnalysisSettings, 'currency' | 'minHistory'>,
): string[] {
  return [
    ...(result.dataQuality.notes ?? []),
    describeSetAsideRows(result),
    describeTooShortHistory(result, settings.minHistory),
    describeCurrencies(result.dataQuality, settings.currency),
    describeAsOfAfterData(result),
    describeAsOfBeforeData(result),
    describeUnmatchedCustomersFile(result),
    describeOneCustomer(result),
    describeNoSales(result),
  ]
    .filter((w): w is string => w !== null)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
}
