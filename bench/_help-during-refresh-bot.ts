/**
 * The bot for bench/help-during-refresh.ts, as its own process: `startRevgap` in HTTP mode with the
 * config from the environment (as `revgap serve` reads it: REVGAP_SALES, REVGAP_CUSTOMERS, ...), no
 * scheduler and no polling. Its start-up refresh reads the sales file; then it prints `ready <ms>`.
 * On SIGUSR2 it runs one more refresh through `dataWatch.refresh()` (what the data-change poll and the
 * digest call) and prints a phase marker at each step, `phase <name> <epoch ms>`:
 * read -> analysis (the data is read) -> transfer (large data: the analysis worker's result arriving
 * in slices, with its customer index) -> save (the store's `saveSnapshot`) -> holdout+index (the
 * customer index when the transfer did not build it, then `updateHoldout`; `index` at the end of
 * `saveHoldoutMeasures`) -> recoveries (from `listFollowedUpGaps`) -> done. The analysis is the
 * bot's own, `analyzeConfiguredData`, whose stages mark read -> analysis -> transfer.
 * With DATABASE_URL the store is that Postgres server, in its own schema (dropped on SIGTERM).
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { analyzeConfiguredData, startRevgap } from '../src/main.ts';
import { createStateStore } from '../src/store/create-state-store.ts';

const epochMs = () => performance.timeOrigin + performance.now();
let measuring = false;
const mark = (name: string) => {
  if (measuring) process.stdout.write(`phase ${name} ${epochMs().toFixed(1)}\n`);
};

const config = loadConfig({ env: process.env, cwd: process.cwd() });
const schema = `revgap_help_${process.pid}`;
const store = createStateStore(
  config.databaseUrl
    ? { databaseUrl: config.databaseUrl, dataDir: config.dataDir, schema }
    : { dataDir: config.dataDir },
);
const save = store.saveSnapshot.bind(store);
store.saveSnapshot = async (snapshot) => {
  mark('save');
  await save(snapshot);
  // refreshSnapshot goes on with the holdout (updateHoldout), then the customer index, then the
  // recoveries: their first or last store calls mark where each begins.
  mark('holdout+index');
};
const saveMeasures = store.saveHoldoutMeasures.bind(store);
store.saveHoldoutMeasures = async (measures) => {
  await saveMeasures(measures);
  mark('index');
};
const listGaps = store.listFollowedUpGaps.bind(store);
store.listFollowedUpGaps = (...args) => {
  mark('recoveries');
  return listGaps(...args);
};
const started = performance.now();
const bot = await startRevgap({
  config,
  logger: createLogger({ level: 'warn' }),
  scheduler: false,
  catchUp: false,
  store,
  // The bot's own analysis (a worker for large data, src/analysis-in-worker.ts); its stages mark
  // the phases: read -> analysis -> transfer (the worker's result arriving in slices).
  analyze: analyzeConfiguredData(
    config,
    () => new Date(),
    undefined,
    (stage) => mark(stage),
  ),
});
process.stdout.write(`ready ${Math.round(performance.now() - started)}\n`);

const loop = monitorEventLoopDelay({ resolution: 5 });
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
// Garbage collections while measuring, as `gc <kind> <start epoch ms> <ms>` (kind: perf_hooks'
// NODE_PERFORMANCE_GC_* number: 1 minor, 4 major, 8 incremental, 16 weak callbacks), those of
// 10 ms or more: the script lines them up with the slow answers. Incremental marking steps run
// inside allocations and tasks and are not reported here (`--bot-flags=--trace-gc` sums them).
const gcObserver = new PerformanceObserver((list) => {
  if (!measuring) return;
  for (const entry of list.getEntries()) {
    if (entry.duration < 10) continue;
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
    process.stdout.write(
      `gc ${kind} ${(performance.timeOrigin + entry.startTime).toFixed(1)} ${entry.duration.toFixed(1)}\n`,
    );
  }
});
gcObserver.observe({ entryTypes: ['gc'] });
// Stalls of this thread while measuring, as `stall <end epoch ms> <ms>`: a timer due every 20 ms,
// late by 100 ms or more.
let due = 0;
const stallProbe = setInterval(() => {
  const now = performance.now();
  if (measuring && due > 0 && now - due >= 100) {
    process.stdout.write(`stall ${(performance.timeOrigin + now).toFixed(1)} ${(now - due).toFixed(1)}\n`);
  }
  due = now + 20;
}, 20);
stallProbe.unref();
process.on('SIGUSR2', () => {
  measuring = true;
  loop.enable();
  const cpu0 = cpuMs();
  mark('read');
  void bot
    .refresh()
    .then(() => {
      mark('done');
      const ms = (ns: number) => (ns / 1e6).toFixed(0);
      process.stdout.write(
        `refresh cpu ${((cpuMs() - cpu0) / 1000).toFixed(1)} s, peak rss ${Math.round((process.resourceUsage().maxRSS * 1024) / 2 ** 20)} MB, ` +
          `loop-delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)}\n`,
      );
      loop.disable();
    })
    .catch((error: unknown) => {
      process.stdout.write(`refresh failed ${String(error)}\n`);
      mark('done');
    });
});
process.on('SIGTERM', () => {
  void (async () => {
    await bot.stop();
    if (config.databaseUrl) {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: config.databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  })().finally(() => process.exit(0));
});
