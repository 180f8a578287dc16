/**
 * Benchmark: does the bot keep answering while it refreshes its snapshot? (issue 12: `/revgap help`
 * answered in under 200 ms while a 52 M-row refresh runs in the same process.) Runs, in this
 * process, what `revgap serve` runs on a refresh (main.ts `analyzeConfiguredData`: the sales read
 * with `threads: 'background'`, `runAnalysis` with a `setImmediate` pause between steps, then the
 * customer index built in slices as `refreshSnapshot` does, `loadSnapshotInSlices`), while measuring the event loop:
 * - `perf_hooks.monitorEventLoopDelay` (10 ms resolution): max and p99 delay;
 * - a probe standing in for a command: a timer due every 25 ms whose lateness is what a command
 *   arriving at that moment would wait before its handler runs; the longest lateness is the
 *   longest stall, and the phase it fell in is named.
 * `--store` runs the whole `refreshSnapshot` instead: the analysis, then the save in the embedded
 * store (PGlite on disk, a temporary directory), the holdout and recovery updates and the index.
 *
 *   node --expose-gc --import tsx bench/refresh-stall.ts --sales F [--customers G] [--no-pause]
 *     [--store [--database-url postgres://...]]   # the whole refresh, PGlite or a Postgres server
 *
 * Each stall comes with the process's CPU time over the probe interval (`cpuMs`): on a loaded
 * machine a stall much longer than its CPU time was the OS running something else.
 * `--no-pause` runs the analysis as the CLI does (no pauses) for a side-by-side figure.
 * `--sales postgres://... --table T` reads a Postgres table instead of a file (the sums query, as
 * `revgap serve` with REVGAP_SALES and REVGAP_TABLE); `--read-only` stops after the sales read
 * (the source's `load`, ledger included), for the read's own stalls without the analysis':
 *
 *   node --expose-gc --import tsx bench/refresh-stall.ts --read-only \
 *     --sales postgres://postgres@127.0.0.1:5432/test --table revgap_bench_c100000_w52
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as immediate } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { toPeriodSpec } from '../src/core/periods.ts';
import { defaultAnalysisSettings } from '../src/core/settings.ts';
import { runSteps } from '../src/core/steps.ts';
import { createLogger } from '../src/logger.ts';
import { analysisRequest } from '../src/sources/open-sources.ts';
import { createStateStore } from '../src/store/create-state-store.ts';
import { buildCustomerIndexSteps } from '../src/use-cases/find-customer.ts';
import { createSnapshotHolder, refreshSnapshot } from '../src/use-cases/refresh-snapshot.ts';
import { runAnalysis } from '../src/use-cases/run-analysis.ts';

const { values } = parseArgs({
  options: {
    sales: { type: 'string' },
    customers: { type: 'string' },
    'no-pause': { type: 'boolean', default: false },
    /** With a Postgres URL as --sales: the table to read. */
    table: { type: 'string' },
    /** Only the sales read (the source's load), no analysis. */
    'read-only': { type: 'boolean', default: false },
    /** The whole refreshSnapshot: the analysis, then the save in the embedded store, the index. */
    store: { type: 'boolean', default: false },
    /** With --store: a Postgres server as the state store (its own schema, dropped after). */
    'database-url': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
if (!values.sales) throw new Error('--sales FILE is required');
const settings = defaultAnalysisSettings();
const PROBE_MS = 25;

let phase = 'read';
const stalls: { ms: number; cpuMs: number; phase: string }[] = [];
let expected = performance.now() + PROBE_MS;
let probes = 0;
let phaseBefore = phase;
let probeCpu = process.cpuUsage();
const probe = setInterval(() => {
  const now = performance.now();
  // The process's CPU time since the last probe: near the stall's length when this process held
  // the loop, well below it when the OS ran other processes meanwhile (a loaded 2-core machine).
  const cpuUsed = process.cpuUsage(probeCpu);
  probeCpu = process.cpuUsage();
  // A stall is named by the phases at its start and at its end.
  stalls.push({
    ms: Math.max(0, now - expected),
    cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
    phase: phaseBefore === phase ? phase : `${phaseBefore}->${phase}`,
  });
  phaseBefore = phase;
  probes++;
  expected = now + PROBE_MS;
}, PROBE_MS);
const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();

const cpu = process.cpuUsage();
const started = performance.now();
const request = analysisRequest({
  salesPath: values.sales,
  customersPath: values.customers,
  csv: { threads: 'background' },
  ...(values.table !== undefined ? { database: { table: values.table } } : {}),
  today: '2026-12-05',
  settings,
});
// The first pause marks the end of the read (and ledger build): the analysis and evidence follow.
// Each step's length (from one pause's return to the next pause): the analysis' longest
// synchronous stretch, and which step it was (to find it in the code).
// On a busy machine a step's wall time includes time the OS gave other processes, so its CPU time
// (process-wide: the reading worker has finished by then) is reported too.
let steps = 0;
let stepStarted = 0;
let stepCpu = process.cpuUsage();
let longestStep = { ms: 0, step: -1 };
let longestStepCpu = { ms: 0, step: -1 };
const pause = values['no-pause']
  ? undefined
  : async () => {
      const now = performance.now();
      const cpuUsed = process.cpuUsage(stepCpu);
      const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
      if (steps > 0 && now - stepStarted > longestStep.ms)
        longestStep = { ms: now - stepStarted, step: steps };
      if (steps > 0 && cpuMs > longestStepCpu.ms) longestStepCpu = { ms: cpuMs, step: steps };
      steps++;
      phase = 'analysis';
      await immediate();
      stepStarted = performance.now();
      stepCpu = process.cpuUsage();
    };
if (!pause) phase = 'read+analysis';
let customers = 0;
if (values['read-only']) {
  const { ledger } = await request.sales.load({
    period: toPeriodSpec(settings),
    badRows: settings.badRows,
    dropDuplicates: settings.dropDuplicates,
    maxProblemsListed: settings.maxProblemsListed,
  });
  customers = ledger.customers.size;
  phase = 'done';
} else if (values.store) {
  // The whole refresh as `revgap serve` runs it: save in the embedded store (on disk, in a
  // temporary directory), holdout and recovery updates, the index in slices, then install.
  // Opening the store (PGlite's start-up) is the bot's start-up, not the refresh: named apart.
  phase = 'open store';
  const dataDir = mkdtempSync(join(tmpdir(), 'revgap-stall-'));
  const schema = `revgap_stall_${process.pid}`;
  const databaseUrl = values['database-url'];
  const store = createStateStore(databaseUrl ? { databaseUrl, dataDir, schema } : { dataDir });
  await store.ready();
  // The save named apart from what follows it (holdout, recoveries, index).
  const save = store.saveSnapshot.bind(store);
  store.saveSnapshot = async (snapshot) => {
    phase = 'save';
    await save(snapshot);
    phase = 'after save';
  };
  phase = 'read';
  const loaded = await refreshSnapshot({
    analyze: async () => {
      const analysed = await runAnalysis(request, pause ? { pause } : {});
      phase = 'before save';
      return { result: analysed, source: request.sales.description };
    },
    settings,
    store,
    holder: createSnapshotHolder({ store, settings }),
    now: () => new Date(),
    logger: createLogger({ level: 'warn' }),
    recovery: store,
    holdout: { store, percent: 10 },
  });
  customers = loaded.snapshot.result.customers.length;
  phase = 'done';
  await store.close();
  if (databaseUrl) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  rmSync(dataDir, { recursive: true, force: true });
} else {
  const result = await runAnalysis(request, pause ? { pause } : {});
  customers = result.customers.length;
  phase = 'index';
  await runSteps(buildCustomerIndexSteps(result.customers), () => immediate());
  phase = 'done';
}
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
clearInterval(probe);
histogram.disable();

stalls.sort((a, b) => b.ms - a.ms);
const ms = (ns: number) => Math.round(ns / 1e6);
const summary = {
  customers,
  pause: pause !== undefined,
  store: values.store ? (values['database-url'] ? 'postgres' : 'pglite') : 'none',
  seconds: Number(seconds.toFixed(1)),
  cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
  peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20),
  loopDelayMaxMs: ms(histogram.max),
  loopDelayP99Ms: ms(histogram.percentile(99)),
  probes,
  analysisSteps: steps,
  longestStepMs: Math.round(longestStep.ms),
  longestStep: longestStep.step,
  longestStepCpuMs: Math.round(longestStepCpu.ms),
  longestStepByCpu: longestStepCpu.step,
  longestStalls: stalls
    .slice(0, 5)
    .map((s) => ({ ms: Math.round(s.ms), cpuMs: Math.round(s.cpuMs), phase: s.phase })),
  // The probe intervals with the most CPU time (the stall plus the probe's 25 ms): the longest
  // stretches of this process's own work, whatever else the machine ran.
  mostCpuStalls: [...stalls]
    .sort((a, b) => b.cpuMs - a.cpuMs)
    .slice(0, 3)
    .map((s) => ({ ms: Math.round(s.ms), cpuMs: Math.round(s.cpuMs), phase: s.phase })),
  loadAverage: loadavg().map((x) => Number(x.toFixed(2))),
};
console.log(values.json ? JSON.stringify(summary) : summary);
