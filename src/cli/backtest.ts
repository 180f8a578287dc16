/**
 * `revgap backtest`: replays the analysis at past periods with only the data known then and
 * reports how often the flags were right (precision, recall, base rate, lift, revenue coverage),
 * as markdown (default) or JSON. Nothing is written until the backtest has finished.
 */

import { defaultHorizon, runBacktest } from '../core/backtest.ts';
import { parseIsoDay, periodOfDay, toPeriodSpec } from '../core/periods.ts';
import { ConfigError } from '../errors.ts';
import { buildBacktestJson, renderBacktestMarkdown } from '../render/backtest-report.ts';
import { jsonSafe } from '../render/format.ts';
import { openSources, sourceSpecFromConfig } from '../sources/open-sources.ts';
import { loadAnalysisInput } from '../use-cases/run-analysis.ts';
import {
  ANALYSIS_FLAGS_HELP,
  ANALYSIS_OPTIONS,
  commandToday,
  loadCommandConfig,
  notesLogger,
  renderProblemSummary,
  startDataRun,
} from './_analysis-flags.ts';
import type { CliCommand, CliIo } from './_context.ts';
import { checkOutputPath, readOutputFormat, writeOutput } from './_output.ts';

/** Customer x replay points from which a progress line is shown (about a second of work). */
const PROGRESS_MIN_WORK = 2_000_000;
/** Weeks of bundled sample data for a backtest: enough for replay points before A - horizon. */
const SAMPLE_WEEKS = { week: 52, month: 104 } as const;

function wholeNumber(name: string, raw: unknown, issues: string[]): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    issues.push(`--${name} = "${text}": use a whole number of periods, 1 or more`);
    return undefined;
  }
  return Number(text);
}

function replayProgress(io: CliIo): { update(done: number, total: number): void; done(): void } {
  let lastShown = 0;
  let shown = false;
  return {
    update(done, total) {
      const percent = Math.floor((done / total) * 100);
      const step = io.stderrIsTTY ? 1 : 10;
      const bucket = Math.floor(percent / step) * step;
      if (bucket <= lastShown) return;
      lastShown = bucket;
      shown = true;
      const line = `backtest: ${done} of ${total} replay points (${bucket}%)`;
      io.stderr.write(io.stderrIsTTY ? `\r${line}\u001b[K` : `${line}\n`);
    },
    done() {
      if (shown && io.stderrIsTTY) io.stderr.write('\r\u001b[K');
    },
  };
}

export const command: CliCommand = {
  name: 'backtest',
  summary: 'Replay past periods: how often were the flags right?',
  usage: `Usage: revgap backtest [--sales FILE] [--customers FILE] [--horizon N] [--from DATE] [--step N] [flags]

Replays the analysis at every past period with only the rows known then, and reports how often the
flagged customers lost half their revenue over the next N periods: precision, recall, base rate,
lift and revenue coverage for each gap type, any gap and the top N, overall, recently and by how
often customers buy, each with its counts.

Backtest:
  --horizon N             periods after each replay point to judge the outcome (default 8 weeks / 3 months)
  --from YYYY-MM-DD       first replay point: the period containing this date (default: the first
                          period at which any customer can be judged)
  --step N                periods between replay points, counted back from the latest (default 1)
Output:
  --format markdown|json  report format (default markdown)
  --out FILE              write the report to FILE instead of stdout
${ANALYSIS_FLAGS_HELP}

Examples:
  revgap backtest                                  # bundled sample data (52 weeks)
  revgap backtest --sales sales.csv --horizon 12 --format json --out backtest.json
  revgap backtest --sales export.csv --period month --horizon 6

Exit codes: 0 done, 2 bad input or settings, 1 unexpected error.`,
  options: {
    ...ANALYSIS_OPTIONS,
    format: { type: 'string' },
    out: { type: 'string' },
    horizon: { type: 'string' },
    from: { type: 'string' },
    step: { type: 'string' },
  },
  async run(context) {
    const { io, values } = context;
    const { format, issues } = readOutputFormat(context);
    const horizon = wholeNumber('horizon', values.horizon, issues);
    const step = wholeNumber('step', values.step, issues);
    const fromText = values.from as string | undefined;
    const fromDay = fromText === undefined ? null : parseIsoDay(fromText);
    if (fromText !== undefined && fromDay === null) {
      issues.push(`--from = "${fromText}": not a calendar date (use YYYY-MM-DD)`);
    }
    const config = loadCommandConfig(context, issues);
    if (config.analysis.rules !== 'revgap') {
      throw new ConfigError([`rules = "${config.analysis.rules}": the backtest replays the revgap rules`], {
        hint: 'leave out --rules seed (or set rules: revgap) for the backtest',
      });
    }
    checkOutputPath(context);
    const settings = config.analysis;
    const spec = toPeriodSpec(settings);
    const sample = { periods: SAMPLE_WEEKS[spec.kind] };
    const readProgress = startDataRun(context, config, sample);
    let input: Awaited<ReturnType<typeof loadAnalysisInput>>;
    try {
      input = await loadAnalysisInput(
        {
          ...openSources({
            ...sourceSpecFromConfig(config, commandToday(context)),
            sample,
            logger: notesLogger(context.io),
          }),
          settings,
          today: commandToday(context),
        },
        { onProgress: readProgress ? (read, total) => readProgress.update(read, total) : undefined },
      );
    } finally {
      readProgress?.done();
    }
    io.stderr.write(renderProblemSummary(input.dataQuality));
    const customers = input.ledger.customers.size;
    const h = horizon ?? defaultHorizon(spec);
    const progress = replayProgress(io);
    const result = (() => {
      try {
        return runBacktest(input.ledger, settings, {
          horizon: h,
          ...(step !== undefined ? { step } : {}),
          ...(fromDay !== null ? { fromPeriod: periodOfDay(fromDay, spec) } : {}),
          onProgress: (done, total) => {
            if (customers * total >= PROGRESS_MIN_WORK) progress.update(done, total);
            // A full collection every 8 points (the launcher exposes gc): each point leaves one facts
            // object per customer, which V8 otherwise lets pile up to several hundred MB.
            if (done % 8 === 0) (globalThis as { gc?: () => void }).gc?.();
          },
        });
      } finally {
        progress.done();
      }
    })();
    const text =
      format === 'json'
        ? `${jsonSafe(JSON.stringify(buildBacktestJson(result, settings.currency), null, 2))}\n`
        : renderBacktestMarkdown(result, settings.currency);
    writeOutput(context, text, 'backtest');
    return 0;
  },
};
