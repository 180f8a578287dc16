/**
 * The bot for bench/answer-latency.ts, as its own process (so the load generator does not share its
 * event loop): `startRevgap` in HTTP mode with the config from the environment (as `revgap serve`
 * reads it), the embedded store in BENCH's temporary REVGAP_DATA_DIR (or Postgres with DATABASE_URL), no scheduler, and a synthetic analysis of
 * BENCH_CUSTOMERS customers as its snapshot. Prints `ready <ms>` once it answers; measures its
 * event-loop delay from SIGUSR2 (the measured requests start) and prints it on SIGTERM.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startRevgap } from '../src/main.ts';
import { syntheticResult } from './_synthetic-result.ts';

const customers = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
// A data directory on disk, as `revgap serve` uses by default (an in-memory PGlite would hold every
// snapshot in its WebAssembly heap).
const config = loadConfig({ env: process.env, cwd: process.cwd() });
const started = performance.now();
const bot = await startRevgap({
  config,
  logger: createLogger({ level: 'warn' }),
  scheduler: false,
  catchUp: false,
  analyze: async () => ({ result: syntheticResult(customers), source: 'synthetic' }),
});
// How long callbacks waited for the event loop (a blocked loop delays every answer in flight).
const loop = monitorEventLoopDelay({ resolution: 5 });
process.stdout.write(`ready ${Math.round(performance.now() - started)}\n`);
process.on('SIGUSR2', () => loop.enable());
process.on('SIGTERM', () => {
  loop.disable();
  const ms = (ns: number) => (ns / 1e6).toFixed(0);
  process.stdout.write(
    `loop-delay p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} max ${ms(loop.max)}\n`,
  );
  void bot.stop().finally(() => process.exit(0));
});
