/**
 * The bot as its own process for the kill/SIGTERM fault tests: startRevgap with the config from
 * the environment (as `revgap serve` reads it), the fixed fixture analysis, JSON logs on stdout,
 * and the graceful shutdown handlers. `E2E_CLOCK_START` (ISO) starts the clock there, running at
 * real speed; an IPC message `{ clock: ISO }` moves it. Logs `e2e bot ready` once started; an IPC
 * message `check` runs the schedule check at once (a minute tick would make the test wait).
 */

import { closeOnSignal } from '../../src/cli/_shutdown.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startRevgap } from '../../src/main.ts';
import { makeAnalysisResult } from '../store/analysis-result-fixture.ts';

const env = process.env;
const config = loadConfig({ env, cwd: '/nonexistent-revgap-e2e' });
const logger = createLogger({
  level: config.logLevel,
  secrets: [config.slackBotToken, config.slackAppToken, config.slackSigningSecret, config.databaseUrl],
});
// The clock can be moved by an IPC message `{ clock: ISO }` (start-up speed varies: PGlite takes
// seconds), so the test decides exactly when the slot comes.
let start = env.E2E_CLOCK_START ? Date.parse(env.E2E_CLOCK_START) : Date.now();
let t0 = Date.now();
const now = () => new Date(start + (Date.now() - t0));

// Handlers first: a SIGTERM during start-up (a digest being posted) must be handled too.
let stop: () => Promise<void> = async () => undefined;
closeOnSignal({ logger, close: () => stop() });
const bot = await startRevgap({
  config,
  logger,
  now,
  analyze: async () => ({ result: makeAnalysisResult(60), source: 'fixture' }),
});
stop = () => bot.stop();
process.on('message', (message) => {
  if (message === 'check') void bot.job?.checkNow();
  if (typeof message === 'object' && message !== null && 'clock' in message) {
    start = Date.parse(String(message.clock));
    t0 = Date.now();
  }
});
logger.info('e2e bot ready');
