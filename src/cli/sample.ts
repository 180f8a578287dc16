/**
 * `revgap sample --out DIR`: writes realistic, reproducible sample data (sales.csv, customers.csv)
 * to try revgap on, or to benchmark it.
 */
import { resolvePath } from '../config.ts';
import { ConfigError, InputError } from '../errors.ts';
import { SAMPLE_DEFAULTS, sampleDayFromIso, sampleEndDate } from '../sources/sample/generate-sample.ts';
import { writeSample } from '../sources/sample/write-sample.ts';
import type { CliCommand } from './_context.ts';

const MAX_CUSTOMERS = 10_000_000;
const MAX_PERIODS = 520;

function readWholeNumber(
  text: string | undefined,
  flag: string,
  min: number,
  max: number,
  issues: string[],
): number | undefined {
  if (text === undefined) return undefined;
  const n = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    issues.push(
      `--${flag} = "${text}": allowed: a whole number from ${min} to ${max.toLocaleString('en-US')}`,
    );
    return undefined;
  }
  return n;
}

export const command: CliCommand = {
  name: 'sample',
  summary: 'Write realistic sample data to try revgap on',
  usage: `Usage: revgap sample --out DIR [--customers N] [--periods N] [--seed N] [--end YYYY-MM-DD]

Writes DIR/sales.csv (customer_id,date,amount,order_id) and DIR/customers.csv
(customer_id,name,segment,account_manager): steady, growing, seasonal, declining, lapsing, churned
and new customers across Enterprise, Mid-market and SMB segments, with refunds and weekly noise.
The same seed always gives the same data.

  --out DIR          directory to write to (created if needed)
  --customers N      number of customers (default ${SAMPLE_DEFAULTS.customers})
  --periods N        weeks of history (default ${SAMPLE_DEFAULTS.periods})
  --seed N           random seed (default ${SAMPLE_DEFAULTS.seed})
  --end YYYY-MM-DD   last day of data (default: end of the last complete week; weeks run Monday to Sunday)

Example:
  revgap sample --out demo && revgap analyze --sales demo/sales.csv --customers demo/customers.csv`,
  options: {
    out: { type: 'string', short: 'o' },
    customers: { type: 'string' },
    periods: { type: 'string' },
    seed: { type: 'string' },
    end: { type: 'string' },
  },
  async run(context) {
    const { values, io } = context;
    const issues: string[] = [];
    const out = values.out as string | undefined;
    if (out === undefined || out === '')
      issues.push('--out is required: the directory to write sales.csv and customers.csv to');
    const customers = readWholeNumber(
      values.customers as string | undefined,
      'customers',
      1,
      MAX_CUSTOMERS,
      issues,
    );
    const periods = readWholeNumber(values.periods as string | undefined, 'periods', 1, MAX_PERIODS, issues);
    const seed = readWholeNumber(values.seed as string | undefined, 'seed', 0, 2 ** 32 - 1, issues);
    const end = (values.end as string | undefined) ?? sampleEndDate(context.now.toISOString().slice(0, 10));
    try {
      sampleDayFromIso(end);
    } catch {
      issues.push(`--end = "${end}": allowed: a date as YYYY-MM-DD, e.g. 2026-11-22`);
    }
    if (issues.length > 0)
      throw new ConfigError(issues, { hint: 'run `revgap sample --help` for the flags' });

    const dir = resolvePath(context.cwd, out!);
    let written: Awaited<ReturnType<typeof writeSample>>;
    try {
      written = await writeSample(dir, { customers, periods, seed, end });
    } catch (error) {
      // A path that is a file, a parent that is a file, no permission: the user's to fix, not a bug.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        code === 'EEXIST' ||
        code === 'ENOTDIR' ||
        code === 'EACCES' ||
        code === 'EPERM' ||
        code === 'EROFS'
      ) {
        const why =
          code === 'EEXIST' || code === 'ENOTDIR'
            ? 'it (or a folder on its path) is a file, not a directory'
            : 'permission denied';
        throw new InputError(`cannot write the sample to ${dir}: ${why}`, {
          cause: error,
          hint: 'pass a new or existing directory with --out DIR',
        });
      }
      throw error;
    }
    io.stdout.write(
      `Wrote ${written.salesRows.toLocaleString('en-US')} sales rows for ${written.customers.toLocaleString('en-US')} customers ` +
        `(${written.firstDate} to ${written.lastDate}):\n  ${written.salesPath}\n  ${written.customersPath}\n` +
        `Next: revgap analyze --sales ${written.salesPath} --customers ${written.customersPath}\n`,
    );
    return 0;
  },
};
