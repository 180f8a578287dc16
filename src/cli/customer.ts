/**
 * `revgap customer ID`: the deep dive for one customer. The argument is matched as an exact id
 * first, then as part of a name (case-insensitive); several matches are listed, not guessed between.
 */
import { distance } from 'fastest-levenshtein';
import { resolvePath } from '../config.ts';
import type { CustomerAnalysis } from '../core/types.ts';
import { InputError } from '../errors.ts';
import { rasterizeSvg } from '../rasterize-svg.ts';
import { customerChartSvg } from '../render/chart.ts';
import { renderDeepDiveMarkdown } from '../render/deep-dive.ts';
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

/**
 * Customers matching `query`: the exact id; else the id or name equal ignoring case; else every
 * customer whose name or id contains it (ignoring case).
 */
export function findCustomers(customers: readonly CustomerAnalysis[], query: string): CustomerAnalysis[] {
  const exact = customers.find((c) => c.customerId === query);
  if (exact) return [exact];
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const equal = customers.filter(
    (c) => c.customerId.toLowerCase() === needle || c.name.toLowerCase() === needle,
  );
  if (equal.length > 0) return equal;
  return customers.filter(
    (c) => c.name.toLowerCase().includes(needle) || c.customerId.toLowerCase().includes(needle),
  );
}

/** Up to three names or ids closest to `query`, for "did you mean". */
export function suggestCustomers(customers: readonly CustomerAnalysis[], query: string): CustomerAnalysis[] {
  const needle = query.toLowerCase();
  return customers
    .map((c) => ({
      c,
      d: Math.min(distance(needle, c.name.toLowerCase()), distance(needle, c.customerId.toLowerCase())),
    }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(needle.length / 3)))
    .sort((a, b) => a.d - b.d || a.c.customerId.localeCompare(b.c.customerId))
    .slice(0, 3)
    .map(({ c }) => c);
}

/**
 * What `revgap customer QUERY` answers: `findCustomers`, then Slack's matcher (`/revgap`) for
 * every word typed in any order ("pinecrest llc"); with no match, `suggestCustomers` topped up with
 * the matcher's trigram near misses, which catch a typo too far from a whole name for the edit
 * distance ("pinecrst marin" for "Pinecrest Marine LLC").
 */
export function matchCustomer(
  customers: readonly CustomerAnalysis[],
  query: string,
): { matches: CustomerAnalysis[]; total: number; suggestions: CustomerAnalysis[] } {
  const direct = findCustomers(customers, query);
  if (direct.length > 0) return { matches: direct, total: direct.length, suggestions: [] };
  const second = buildCustomerIndex(customers).find(query, { limit: LISTED_MATCHES });
  if (second.kind === 'found') return { matches: [second.customer], total: 1, suggestions: [] };
  if (second.kind === 'several') return { matches: second.candidates, total: second.total, suggestions: [] };
  const suggestions = suggestCustomers(customers, query);
  for (const c of second.suggestions) {
    if (suggestions.length < 3 && !suggestions.includes(c)) suggestions.push(c);
  }
  return { matches: [], total: 0, suggestions };
}

function describe(c: CustomerAnalysis): string {
  const where = c.rank !== null ? `rank ${c.rank}` : c.status.replace('_', ' ');
  return `${c.customerId}  ${c.name}${c.segment ? ` (${c.segment})` : ''}  [${where}]`;
}

export const command: CliCommand = {
  name: 'customer',
  summary: 'Deep dive into one customer',
  usage: `Usage: revgap customer ID_OR_NAME [--sales FILE] [--customers FILE] [flags]

Every metric, the revenue series, gaps with their rationale, score components and rank for one
customer. The argument is an exact customer id, or part of a name (case-insensitive); when several
customers match, they are listed (exit code 2) so you can pick one by id.

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
    const { matches, total, suggestions } = matchCustomer(result.customers, query);
    if (matches.length === 0) {
      throw new InputError(
        `no customer matches "${query}" (searched ids and names of ${result.customers.length.toLocaleString('en-US')} customers)`,
        {
          hint:
            suggestions.length > 0
              ? `did you mean:\n${suggestions.map((c) => `  ${describe(c)}`).join('\n')}`
              : 'check the id, or search by part of the name: revgap customer "acme"',
        },
      );
    }
    if (matches.length > 1) {
      const listed = matches.slice(0, LISTED_MATCHES).map((c) => `  ${describe(c)}`);
      const more = total > LISTED_MATCHES ? [`  ... and ${total - LISTED_MATCHES} more`] : [];
      throw new InputError(`"${query}" matches ${total} customers:\n${[...listed, ...more].join('\n')}`, {
        hint: `run \`revgap customer ID\` with one of the ids above`,
      });
    }
    const customer = matches[0]!;
    const text = renderDeepDiveMarkdown(customer, result, config.analysis);
    if (chartPath !== null) {
      const { svg } = customerChartSvg(customer, result, config.analysis);
      writeFileAtomically(chartPath, rasterizeSvg(svg));
      context.io.stderr.write(`wrote the chart to ${chartPath}\n`);
    }
    writeOutput(context, text, 'deep dive');
    return 0;
  },
};
