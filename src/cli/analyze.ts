/**
 * `revgap analyze`: the revenue-gap report, as markdown (default) or JSON, to stdout or `--out FILE`.
 * Nothing is written until the analysis has finished, so a failed run leaves no partial output.
 */

import { jsonSafe } from '../render/format.ts';
import { buildJsonDocument } from '../render/json-document.ts';
import { renderMarkdownReport } from '../render/markdown-report.ts';
import {
  ANALYSIS_FLAGS_HELP,
  ANALYSIS_OPTIONS,
  loadCommandConfig,
  runAnalysisCommand,
} from './_analysis-flags.ts';
import type { CliCommand } from './_context.ts';
import { checkOutputPath, readOutputFormat, writeOutput } from './_output.ts';

export const command: CliCommand = {
  name: 'analyze',
  summary: 'Analyse sales and print the revenue-gap report',
  usage: `Usage: revgap analyze [--sales FILE] [--customers FILE] [flags]

Finds customers whose revenue is slipping, scores and ranks the gaps, and prints the report.

Output:
  --format markdown|json  report format (default markdown)
  --out FILE              write the report to FILE instead of stdout
${ANALYSIS_FLAGS_HELP}

Examples:
  revgap analyze                                   # bundled sample data
  revgap analyze --sales sales.csv --customers customers.csv --top 10
  revgap analyze --sales export.csv --map customer_id="Account" --map amount="Net" --period month
  revgap analyze --sales sales.csv --format json --out report.json

Exit codes: 0 done, 2 bad input or settings, 1 unexpected error.`,
  options: {
    ...ANALYSIS_OPTIONS,
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(context) {
    const { format, issues } = readOutputFormat(context);
    const config = loadCommandConfig(context, issues);
    checkOutputPath(context);
    const { result } = await runAnalysisCommand(context, config);
    const text =
      format === 'json'
        ? `${jsonSafe(JSON.stringify(buildJsonDocument(result, config.analysis), null, 2))}\n`
        : renderMarkdownReport(result, config.analysis);
    writeOutput(context, text, 'report');
    return 0;
  },
};
