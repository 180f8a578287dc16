/**
 * `revgap customer ID`: the deep dive for one customer, through the bot's deep-dive use-case and
 * customer matcher (use-cases/deep-dive.ts, find-customer.ts): an exact id or name, every word
 * typed in any order, typos forgiven with suggestions; several matches are listed, not guessed
 * between. Rendered as markdown; `--chart` also writes the revenue chart the Slack deep dive shows.
 */
import { resolvePath } from '../config.ts';
import type { CustomerAnalysis } from '../core/types.ts';
import { InputError } from '../errors.ts';
import { rasterizeSvg } from '../rasterize-svg.ts';
import { customerChartSvg } from '../render/chart.ts';
import { renderDeepDiveMarkdown } from '../render/deep-dive.ts';
import { lookUpCustomer } from '../use-cases/deep-dive.ts';
import { buildCustomerIndex } from '../use-cases/find-customer.ts';
import {
  ANALYSIS_FLAGS_HELP,
  ANALYSIS_OPTIONS,
  loadCommandConfig,
  runAnalysisCommand,
} from './_analysis-flags.ts';
import type { CliCommand } from './_context.ts';
import { checkOutputPath, writeFileAtomically, writeOutput } from './_output.ts';

const LISTED_MATCHES = 20;

function describe(c: CustomerAnalysis): string {
  const where = c.rank !== null ? `rank ${c.rank}` : c.status.replace('_', ' ');
  return `${c.customerId}  ${c.name}${c.segment ? ` (${c.segment})` : ''}  [${where}]`;
}

export const command: CliCommand = {
  name: 'customer',
  summary: 'Deep dive into one customer',
  usage: `Usage: revgap customer ID_OR_NAME [--sales FILE] [--customers FILE] [flags]

Every metric, the revenue series, gaps with their rationale, score components and rank for one
customer. The argument is a customer id or (part of) a name, found as /revgap finds it: words in
any order, case and accents ignored, typos forgiven with suggestions; when several customers
match, they are listed (exit code 2) so you can pick one by id.

Output:
  --out FILE              write the deep dive to FILE instead of stdout
  --chart FILE.png        also draw the customer's revenue chart as a PNG (bars per period, the
                          usual level, the recent window shaded, the trend, the seasonal
                          expectation): the picture the Slack deep dive shows
${ANALYSIS_FLAGS_HELP}

Examples:
  revgap customer C0042 --sales sales.csv --customers customers.csv
  revgap customer "northwind" --sales sales.csv --customers customers.csv
  revgap customer C0042 --chart c0042.png`,
  options: { ...ANALYSIS_OPTIONS, out: { type: 'string' }, chart: { type: 'string' } },
  positionals: { name: 'a customer id or part of a name, e.g. `revgap customer C0042`', min: 1, max: 1 },
  async run(context) {
    const query = context.positionals[0]!;
    const config = loadCommandConfig(context);
    checkOutputPath(context);
    const chartPath =
      typeof context.values.chart === 'string' ? resolvePath(context.cwd, context.values.chart) : null;
    if (chartPath !== null && !chartPath.toLowerCase().endsWith('.png')) {
      throw new InputError(`--chart writes a PNG image, but ${chartPath} does not end in .png`, {
        hint: 'name the file with .png, e.g. --chart acme.png',
      });
    }
    const { result } = await runAnalysisCommand(context, config);
    const found = await lookUpCustomer(
      query,
      { result, settings: config.analysis, index: buildCustomerIndex(result.customers) },
      {},
      { today: new Date().toISOString().slice(0, 10), limit: LISTED_MATCHES },
    );
    if (found.kind === 'none') {
      throw new InputError(
        `no customer matches "${query}" (searched ids and names of ${result.customers.length.toLocaleString('en-US')} customers)`,
        {
          hint:
            found.suggestions.length > 0
              ? `did you mean:\n${found.suggestions.map((c) => `  ${describe(c)}`).join('\n')}`
              : 'check the id, or search by part of the name: revgap customer "acme"',
        },
      );
    }
    if (found.kind === 'several') {
      const listed = found.candidates.map((c) => `  ${describe(c)}`);
      const more = found.total > listed.length ? [`  ... and ${found.total - listed.length} more`] : [];
      throw new InputError(
        `"${query}" matches ${found.total} customers:\n${[...listed, ...more].join('\n')}`,
        {
          hint: `run \`revgap customer ID\` with one of the ids above`,
        },
      );
    }
    const { dive } = found;
    const text = renderDeepDiveMarkdown(dive.customer, dive.result, dive.settings, dive.history);
    if (chartPath !== null) {
      const { svg } = customerChartSvg(dive.customer, dive.result, dive.settings);
      writeFileAtomically(chartPath, rasterizeSvg(svg));
      context.io.stderr.write(`wrote the chart to ${chartPath}\n`);
    }
    writeOutput(context, text, 'deep dive');
    return 0;
  },
};
