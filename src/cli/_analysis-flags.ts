/**
 * The data and settings flags shared by `analyze` and `customer`, and the run that goes with them:
 * config layering, progress on stderr, the bad-row summary and the `--period month` hint.
 */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { type AppConfig, loadConfig, SETTINGS } from '../config.ts';
import type { AnalysisResult, DataQuality, RowProblem } from '../core/types.ts';
import { ConfigError, InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  describeAsOfAfterData,
  describeAsOfBeforeData,
  describeCurrencies,
  describeNoSales,
  describeOneCustomer,
  describeSetAsideRows,
  describeTooShortHistory,
  describeUnmatchedCustomersFile,
  duplicateLinesText,
} from '../render/format.ts';
import { analysisRequestFromConfig } from '../sources/open-sources.ts';
import { describeBundledSample } from '../sources/sample/sample-sales-source.ts';
import { runAnalysis } from '../use-cases/run-analysis.ts';
import type { CommandContext, ParseArgsOptionDescriptor } from './_context.ts';
import {
  createProgressReporter,
  createStageReporter,
  PROGRESS_MIN_BYTES,
  type ProgressReporter,
} from './_progress.ts';

/**
 * The data and analysis flags every analysing command takes, derived from the one settings table
 * (`SETTINGS` in config.ts: path, env names, flag), so a setting's flag cannot be missing here:
 * booleans and fixed-value flags (`--strict`) take no value, maps (`--map`) repeat. Plus `--config`.
 */
export const ANALYSIS_OPTIONS: Record<string, ParseArgsOptionDescriptor> = Object.fromEntries([
  ...SETTINGS.filter((s) => s.flag !== undefined && (s.path[0] === 'data' || s.path[0] === 'analysis')).map(
    (s): [string, ParseArgsOptionDescriptor] => [
      s.flag as string,
      s.kind === 'boolean' || s.flagValue !== undefined
        ? { type: 'boolean' }
        : s.kind === 'map'
          ? { type: 'string', multiple: true }
          : { type: 'string' },
    ],
  ),
  ['config', { type: 'string' }],
]);

export const ANALYSIS_FLAGS_HELP = `Data:
  --sales FILE            sales CSV (customer_id,date,amount[,order_id]); - reads standard input;
                          default: bundled sample data
  --customers FILE        customers CSV (customer_id,name,segment,account_manager)
  --stock FILE            stock CSV (store_id,sku,week_start,on_hand_units): marks possibly supply-caused gaps
  --sales postgres://...  sales from a Postgres database, summed there (docs/postgres-source.md), with
    --table NAME | --query SQL   the table/view or query holding the sales rows
    --customers-table NAME | --customers-query SQL   customers from the same database (optional)
    --row-key COLUMN      integer column named in bad-row reports (default: row position)
  --map FIELD=HEADER      use another sales header for a field, repeatable: --map customer_id="Customer ID"
  --customers-map FIELD=HEADER  the same for the customers file: --customers-map customer_id=id
  --date-format F         YYYY-MM-DD (default), MM/DD/YYYY, DD/MM/YYYY or "YYYY-MM-DD HH:mm"
  --delimiter C           field delimiter: , ; | tab or comma, semicolon, pipe (default: detected)
  --decimal . or ,        decimal separator of amounts (default .; with , the . groups thousands)
  --strict                stop at the first bad row (exit 2, no output); default: skip and report
  --bad-rows lenient|strict  the same as a setting (--strict = --bad-rows strict)
  --drop-duplicates       drop exact duplicate rows (default: keep and report)
Analysis:
  --period week|month     period granularity (default week; try month for sparse buyers)
  --week-start DAY        monday (default) ... sunday
  --as-of YYYY-MM-DD      analyse as of the last complete period on or before this date
  --top N|all             priorities to list (default 20; all = every ranked customer)
  --lookback N            lookback window in periods (default 12)
  --recent-window N       recent window in periods (default 4)
  --currency CODE         currency for amounts (default USD)
  --rules revgap|seed     rule set (default revgap; seed = the original system's rules)
  --churn-model rules|bgnbd  churn-risk component: rules (default) or 1 - P(alive) from a BG/NBD fit
  --config FILE           config file (default: revgap.config.json|yaml|yml in this directory)
Settings also come from the environment (REVGAP_SALES, REVGAP_PERIOD, ...): see \`revgap help config\`.`;

const PROBLEMS_SHOWN = 20;

const SETTINGS_HINT =
  'fix the settings above; `revgap help config` lists every setting, its env var and flag';

function formatProblem(problem: RowProblem): string {
  return `  ${basename(problem.file)}:${problem.line}${problem.column ? ` (${problem.column})` : ''}: ${problem.reason}`;
}

/** The bad-row summary for stderr (lenient mode): counts by reason, then the first problems. */
export function renderProblemSummary(quality: DataQuality): string {
  const lines: string[] = [];
  if (quality.rowsRejected > 0) {
    const byCode = Object.entries(quality.rejectedByCode)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code}: ${n.toLocaleString('en-US')}`)
      .join(', ');
    lines.push(
      `warning: skipped ${quality.rowsRejected.toLocaleString('en-US')} of ${quality.rowsRead.toLocaleString('en-US')} rows in ${quality.source}${byCode ? ` (${byCode})` : ''}`,
    );
    const shown = quality.problems.slice(0, PROBLEMS_SHOWN);
    if (shown.length > 0) {
      lines.push(shown.length < quality.rowsRejected ? `first ${shown.length}:` : 'rows:');
      lines.push(...shown.map(formatProblem));
    }
    lines.push('Fix these rows, or use --strict to stop at the first one.');
  }
  const customers = quality.customers;
  if (customers && customers.rowsRejected > 0) {
    lines.push(
      `warning: skipped ${customers.rowsRejected.toLocaleString('en-US')} of ${customers.rowsRead.toLocaleString('en-US')} rows in ${customers.source}`,
      ...customers.problems.slice(0, PROBLEMS_SHOWN).map(formatProblem),
    );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    // A missing file is reported by the reader, with the path and what to do.
    return 0;
  }
}

function isoDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export interface LoadedAnalysis {
  config: AppConfig;
  result: AnalysisResult;
}

/**
 * Loads the config from flags, env and file. `extraIssues` (problems with command-only flags such
 * as `--format`) are reported together with the settings' own, so the user sees every one at once.
 */
export function loadCommandConfig(context: CommandContext, extraIssues: readonly string[] = []): AppConfig {
  let config: AppConfig;
  try {
    config = loadConfig({ env: context.env, flags: context.values, cwd: context.cwd });
  } catch (error) {
    if (error instanceof ConfigError && extraIssues.length > 0) {
      throw new ConfigError([...extraIssues, ...error.issues], { hint: error.hint });
    }
    throw error;
  }
  // Same closing line as loadConfig's own errors, so a bad --format alone still says where to look.
  if (extraIssues.length > 0) throw new ConfigError([...extraIssues], { hint: SETTINGS_HINT });
  return config;
}

/**
 * A missing data file, named with where its path came from (flag, environment or config file) and
 * how that source resolves a relative path: the reader alone cannot tell "from the current
 * directory" (flags, environment) from "from the config file's directory".
 */
function checkDataFileExists(
  context: CommandContext,
  kind: 'sales' | 'customers' | 'stock',
  path: string | undefined,
): void {
  if (path === undefined || path === '-' || existsSync(path)) return;
  const envName = `REVGAP_${kind.toUpperCase()}`;
  const columns =
    kind === 'sales'
      ? 'customer_id,date,amount'
      : kind === 'stock'
        ? 'store_id,sku,week_start,on_hand_units'
        : 'customer_id,name,segment,account_manager';
  const from =
    context.values[kind] !== undefined
      ? { name: `--${kind}`, base: 'the current directory' }
      : context.env[envName]
        ? { name: envName, base: 'the current directory' }
        : { name: `data.${kind} in the config file`, base: 'the config file’s directory' };
  throw new InputError(
    `File not found: ${path} (from ${from.name}). Expected a CSV file with a header line (${columns}).`,
    { hint: `Check the path (a relative path in ${from.name} is resolved from ${from.base}).` },
  );
}

/**
 * Checks the data files the config names and prepares the read: the bundled-sample note and a
 * progress line for large files. Shared by `runAnalysisCommand` and `revgap backtest`.
 */
export function startDataRun(
  context: CommandContext,
  config: AppConfig,
  sample?: { periods?: number },
): ProgressReporter | undefined {
  const { io } = context;
  const { data, analysis: settings } = config;
  if (data.sales === undefined && data.customers !== undefined) {
    throw new InputError('--customers was given without --sales', {
      hint: 'pass the sales file too (--sales FILE), or drop --customers to try the bundled sample data',
    });
  }
  if (data.sales === undefined || !/^postgres(ql)?:\/\//i.test(data.sales)) {
    checkDataFileExists(context, 'sales', data.sales);
  }
  checkDataFileExists(context, 'customers', data.customers);
  checkDataFileExists(context, 'stock', data.stock);
  if (data.sales === undefined) {
    io.stderr.write(
      `note: no --sales file given; analysing ${describeBundledSample({ today: isoDate(context.now), settings, ...(sample ? { sample } : {}) })}.\n` +
        '      `revgap sample --out DIR` writes it as CSV files.\n',
    );
  }
  return data.sales !== undefined &&
    data.sales !== '-' &&
    !/^postgres(ql)?:\/\//i.test(data.sales) &&
    fileSize(data.sales) > PROGRESS_MIN_BYTES
    ? createProgressReporter(io, basename(data.sales))
    : undefined;
}

/** Today's date (YYYY-MM-DD) of the command's clock. */
export function commandToday(context: CommandContext): string {
  return isoDate(context.now);
}

/** Runs the analysis the config describes, with progress and problem reports on stderr. */
export async function runAnalysisCommand(
  context: CommandContext,
  config: AppConfig,
): Promise<LoadedAnalysis> {
  const { io } = context;
  const { analysis: settings } = config;
  const progress = startDataRun(context, config);
  const stages = createStageReporter(io, settings.period);
  let result: AnalysisResult;
  try {
    const request = analysisRequestFromConfig(config, isoDate(context.now), { logger: notesLogger(io) });
    result = await runAnalysis(request, {
      onProgress: progress ? (read, total) => progress.update(read, total) : undefined,
      onStage: (stage) => {
        // The read's line ends where the next stage starts.
        progress?.done();
        stages.onStage(stage);
      },
    });
  } finally {
    progress?.done();
    stages.done();
  }
  io.stderr.write(renderRunNotes(result, settings.currency, settings.minHistory));
  return { config, result };
}

/**
 * A logger for what a source says about how it read (a database that refused `COPY ... TO STDOUT`,
 * read through a cursor instead), written to stderr as a note: the bot logs the same with pino.
 */
export function notesLogger(io: CommandContext['io']): Pick<Logger, 'info'> {
  const info = (first: unknown, message?: unknown): void => {
    const text = typeof first === 'string' ? first : String(message ?? '');
    const reason =
      typeof first === 'object' && first !== null && 'reason' in first ? ` (${String(first.reason)})` : '';
    io.stderr.write(`note: ${text}${reason}.\n`);
  };
  return { info: info as Logger['info'] };
}

/** What stderr gets after a run: skipped rows, the `--period month` hint for sparse data, and the analysis hints. */
export function renderRunNotes(result: AnalysisResult, currency = 'USD', minHistory = 6): string {
  let text = renderProblemSummary(result.dataQuality);
  const dq = result.dataQuality;
  if (dq.duplicateRows > 0) {
    const n = dq.duplicateRows.toLocaleString('en-US');
    const rows = dq.duplicateRows === 1 ? 'row' : 'rows';
    text += dq.duplicatesDropped
      ? `note: dropped ${n} exact duplicate ${rows} (every field equal to an earlier row) in ${dq.source}${duplicateLinesText(dq)} (--drop-duplicates).\n`
      : `note: ${n} exact duplicate ${rows} in ${dq.source} kept and counted as sales; --drop-duplicates drops them.\n`;
  }
  for (const note of dq.notes ?? []) text += `warning: ${note}\n`;
  const setAside = describeSetAsideRows(result);
  if (setAside) text += `warning: ${setAside}\n`;
  const tooShort = describeTooShortHistory(result, minHistory);
  if (tooShort) text += `warning: ${tooShort}\n`;
  const currencies = describeCurrencies(result.dataQuality, currency);
  if (currencies) text += `warning: ${currencies}\n`;
  const afterData = describeAsOfAfterData(result);
  if (afterData) text += `warning: ${afterData}\n`;
  const beforeData = describeAsOfBeforeData(result);
  if (beforeData) text += `warning: ${beforeData}\n`;
  const noSales = describeNoSales(result);
  if (noSales) text += `warning: ${noSales}\n`;
  const oneCustomer = describeOneCustomer(result);
  if (oneCustomer) text += `warning: ${oneCustomer}\n`;
  const unmatched = describeUnmatchedCustomersFile(result);
  if (unmatched) text += `warning: ${unmatched}\n`;
  // Past the end of the data every week is zero: that says nothing about how sparse the buying is.
  if (result.suggestMonthly && result.period.kind === 'week' && !afterData) {
    text +=
      'hint: most customer-weeks have no sales, so weekly gaps are mostly noise; for customers who buy a few times a year, try --period month.\n';
  }
  // Core's hints on how the rows are dated (e.g. every row on a Saturday with Monday weeks).
  for (const hint of result.hints ?? []) text += `hint: ${hint}\n`;
  return text;
}
