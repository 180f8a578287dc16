/**
 * The bot for bench/answer-latency.ts, as its own process (so the load generator does not share its
 * event loop): `startRevgap` in HTTP mode with the config from the environment (as `revgap serve`
 * reads it), the embedded store in BENCH's temporary REVGAP_DATA_DIR (or Postgres with DATABASE_URL), no scheduler, and a synthetic analysis of
 * BENCH_CUSTOMERS customers as its snapshot. Prints `ready <ms>` once it answers.
 */
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
process.stdout.write(`ready ${Math.round(performance.now() - started)}\n`);
process.on('SIGTERM', () => {
  void bot.stop().finally(() => process.exit(0));
});
