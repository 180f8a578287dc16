/**
 * The whole bot in-process (startRevgap, as `revgap serve` runs it) against local-slack, with the
 * fault proxy between the bot and local-slack's Web API, a fresh Postgres database per stack, and
 * logs captured for the no-secret check.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import { findFreePort } from '../../src/dev/local-slack.ts';
import { type RunningRevgap, startRevgap } from '../../src/main.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.ts';
import { type LocalSlackHandle, startTestSlack } from '../helpers/local-slack.ts';
import { probeTestPostgres, TEST_DATABASE_URL } from '../helpers/postgres.ts';
import { makeAnalysisResult } from '../store/analysis-result-fixture.ts';

export const ADMIN_CHANNEL = 'C02GENERAL';
/** Only a password in the URL lets the test check it never reaches a log (trust auth ignores it). */
export const DB_PASSWORD = 'e2e-db-pass-7f3a';
const SERVER_URL = TEST_DATABASE_URL;

export async function postgresReachable(): Promise<boolean> {
  return (await probeTestPostgres()) === null;
}

/** A fresh database; returns its URL (with the test password) and a drop function. */
export async function createDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `revgap_e2e_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(SERVER_URL);
  url.password = DB_PASSWORD;
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: SERVER_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface FaultStack {
  slack: LocalSlackHandle;
  /** Between the bot and local-slack's Web API. */
  proxy: FaultProxy;
  /** HTTP mode: between local-slack and the bot, recording what Slack delivered (to re-deliver it). */
  inbound: FaultProxy | null;
  /** HTTP mode: the bot's own `/slack/events` URL. */
  botUrl: string | null;
  logs: CapturedLogs;
  databaseUrl: string;
  env: Record<string, string>;
  bot: RunningRevgap | null;
  /**
   * Starts (or restarts) the bot with the stack's env plus `extraEnv`. The analysis is a fixed
   * 60-customer result unless `analyze` is given (the fault tests are about delivery, and a fixed
   * result keeps them independent of the analysis code).
   */
  startBot(options?: {
    now?: () => Date;
    extraEnv?: Record<string, string>;
    scheduler?: boolean;
    analyze?: () => Promise<{ result: AnalysisResult; source: string }>;
  }): Promise<RunningRevgap>;
  secrets(): string[];
  close(): Promise<void>;
}

export async function startFaultStack(
  options: { mode?: 'socket' | 'events'; env?: Record<string, string> } = {},
): Promise<FaultStack> {
  const mode = options.mode ?? 'socket';
  const port = mode === 'events' ? await findFreePort() : 0;
  const inbound = mode === 'events' ? await startFaultProxy({ upstream: `http://127.0.0.1:${port}` }) : null;
  const slack = await startTestSlack({
    mode,
    ...(inbound ? { requestUrl: `${inbound.url}/slack/events` } : {}),
  });
  const proxy = await startFaultProxy({ upstream: slack.url });
  const db = await createDatabase();
  const app = slack.workspace.app;
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: app.botToken,
    ...(mode === 'socket'
      ? { SLACK_APP_TOKEN: app.appToken }
      : { SLACK_SIGNING_SECRET: app.signingSecret, PORT: String(port) }),
    SLACK_API_URL: proxy.apiUrl,
    REVGAP_CHANNEL: slack.channel,
    REVGAP_ADMIN_CHANNEL: ADMIN_CHANNEL,
    DATABASE_URL: db.url,
    REVGAP_SCHEDULE: '0 9 * * 1',
    REVGAP_TIMEZONE: 'UTC',
    REVGAP_LOG_LEVEL: 'debug',
    ...options.env,
  };
  const logs = captureLogs({ secrets: [app.signingSecret, DB_PASSWORD] });
  const stack: FaultStack = {
    slack,
    proxy,
    inbound,
    botUrl: mode === 'events' ? `http://127.0.0.1:${port}/slack/events` : null,
    logs,
    databaseUrl: db.url,
    env,
    bot: null,
    async startBot(botOptions = {}) {
      const config = loadConfig({ env: { ...env, ...botOptions.extraEnv }, cwd: '/nonexistent-revgap-e2e' });
      stack.bot = await startRevgap({
        config,
        logger: logs.logger,
        ...(botOptions.now ? { now: botOptions.now } : {}),
        ...(botOptions.scheduler !== undefined ? { scheduler: botOptions.scheduler } : {}),
        analyze: botOptions.analyze ?? (async () => ({ result: makeAnalysisResult(60), source: 'fixture' })),
      });
      return stack.bot;
    },
    secrets: () => [app.botToken, app.appToken, app.signingSecret, DB_PASSWORD],
    async close() {
      await stack.bot?.stop().catch(() => undefined);
      await proxy.close();
      await inbound?.close();
      await slack.stop();
      await db.drop();
    },
  };
  return stack;
}
