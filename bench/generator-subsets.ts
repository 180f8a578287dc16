/**
 * Writes the sample generator's customers as revgap sales CSVs, all of them and by behaviour, for
 * `revgap backtest` (issue 11: "any gap" on the occasional buyers, lift and top-20 precision on the
 * customers who fade before they leave). Seeded, so the figures in README.md are reproducible:
 *
 *   npx tsx bench/generator-subsets.ts [OUT_DIR] [CUSTOMERS] [WEEKS]   (default bench/.data/generator 2000 104)
 *   npx revgap backtest --sales bench/.data/generator/fading/sales.csv
 *
 * Subsets: all, occasional, fading, and weekly+fading (the fading customers among steady weekly
 * buyers, so lift has a population that is not all leaving).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isoFromDay } from '../src/core/periods.ts';
import { generateSample, type SamplePattern } from '../src/sources/sample/generate-sample.ts';
import { formatCentsPlain } from '../src/sources/sample/write-sample.ts';

const out = process.argv[2] ?? 'bench/.data/generator';
const customers = Number(process.argv[3] ?? 2000);
const periods = Number(process.argv[4] ?? 104);
const sample = generateSample({ end: '2026-11-22', customers, periods, seed: 42 });
const patternOf = new Map(sample.customers.map((c) => [c.customerId, c.pattern]));
const subsets: Record<string, (p: SamplePattern) => boolean> = {
  all: () => true,
  occasional: (p) => p === 'occasional',
  fading: (p) => p === 'fading',
  'weekly+fading': (p) => p === 'fading' || p === 'steady',
};
const lines: Record<string, string[]> = {};
for (const name of Object.keys(subsets)) lines[name] = ['customer_id,date,amount,order_id'];
for (const row of sample.sales()) {
  const pattern = patternOf.get(row.customerId) as SamplePattern;
  const line = `${row.customerId},${isoFromDay(row.day)},${formatCentsPlain(row.amountCents)},${row.orderId ?? ''}`;
  for (const [name, keep] of Object.entries(subsets)) if (keep(pattern)) lines[name]?.push(line);
}
for (const [name, rows] of Object.entries(lines)) {
  mkdirSync(join(out, name), { recursive: true });
  writeFileSync(join(out, name, 'sales.csv'), `${rows.join('\n')}\n`);
  process.stdout.write(`${join(out, name, 'sales.csv')}: ${rows.length - 1} rows\n`);
}
