/**
 * In-process phase timings of one analysis (the part after the ledger): reads the sales once, then
 * times `analyze` and the evidence backtest (`runBacktest` over the latest EVIDENCE_POINTS points,
 * as `runAnalysis` does), each with CPU-seconds, wall time and heap/RSS after.
 *
 *   node --expose-gc --import tsx bench/analysis-phases.ts --sales F [--customers G] [--repeat 2]
 */
import { parseArgs } from 'node:util';
import { analyze } from '../src/core/analyze.ts';
import { runBacktest } from '../src/core/backtest.ts';
import { defaultAnalysisSettings } from '../src/core/settings.ts';
import { analysisRequest } from '../src/sources/open-sources.ts';
import { evidenceOptions, loadAnalysisInput } from '../src/use-cases/run-analysis.ts';

const { values } = parseArgs({
  options: {
    sales: { type: 'string' },
    customers: { type: 'string' },
    repeat: { type: 'string', default: '1' },
  },
});
if (!values.sales) throw new Error('--sales FILE is required');
const settings = defaultAnalysisSettings();
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function mb(bytes: number): string {
  return `${Math.round(bytes / 2 ** 20)} MB`;
}

function phase<T>(name: string, run: () => T): T {
  gc();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const out = run();
  const used = process.cpuUsage(cpu);
  const m = process.memoryUsage();
  console.log(
    `${name.padEnd(10)} ${((performance.now() - wall) / 1000).toFixed(2)} s wall, ` +
      `${((used.user + used.system) / 1e6).toFixed(2)} CPU-s, heap ${mb(m.heapUsed)}, rss ${mb(m.rss)}`,
  );
  return out;
}

const request = analysisRequest({
  salesPath: values.sales,
  customersPath: values.customers,
  today: '2026-12-05',
  settings,
});
const loadStart = process.cpuUsage();
const input = await loadAnalysisInput({ ...request, settings });
const loadUsed = process.cpuUsage(loadStart);
console.log(
  `load       ${((loadUsed.user + loadUsed.system) / 1e6).toFixed(2)} CPU-s, ${input.ledger.customers.size} customers, rss ${mb(process.memoryUsage().rss)}`,
);
for (let r = 0; r < Number(values.repeat); r++) {
  const result = phase('analyze', () => analyze(input, settings));
  phase('evidence', () => runBacktest(input.ledger, settings, evidenceOptions(input.ledger, settings)));
  void result;
}
console.log(`peak rss ${mb(process.resourceUsage().maxRSS * 1024)}`);
