/**
 * The real bot against local-slack, in Socket Mode or HTTP mode, answering from a hand-built
 * analysis (test/helpers/build-result.ts: Acme $2,000 gap rank 1, Bolt_Works $600 rank 2) with its
 * state in an in-memory PGlite.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import type { AnalysisResult } from '../../src/core/types.ts';
import { findFreePort, LOCAL_SLACK_CREDENTIALS } from '../../src/dev/local-slack.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { type RunningRevgap, startRevgap } from '../../src/main.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { buildSampleResult } from '../helpers/build-result.ts';
import { type LocalSlackHandle, type StoredMessage, startTestSlack } from '../helpers/local-slack.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';

/** People in the test workspace; Jane is Bolt_Works' account manager (by email) in the fixture. */
export const PEOPLE = [
  { name: 'Alice Johnson', email: 'alice@example.com' },
  { name: 'Jane Doe', email: 'jane@example.com' },
] as const;
export const ALICE = 'U01ALICE';
export const JANE = 'U01JANE';

export interface BotUnderTest {
  slack: LocalSlackHandle;
  bot: RunningRevgap;
  /** How many times the bot ran the analysis (read the data). */
  analyses(): number;
  stop(): Promise<void>;
}

export async function startBotUnderTest(
  mode: 'socket' | 'http',
  options: {
    result?: AnalysisResult;
    logger?: Logger;
    /** Replaces the analysis (e.g. one that fails). */
    analyze?: () => Promise<{ result: AnalysisResult; source: string }>;
    /** More settings, e.g. REVGAP_ADMIN_CHANNEL. */
    env?: Record<string, string>;
    /** The bot's clock (default: the real one). */
    now?: () => Date;
  } = {},
): Promise<BotUnderTest> {
  const port = mode === 'http' ? await findFreePort() : undefined;
  const slack = await startTestSlack({
    mode: mode === 'http' ? 'events' : 'socket',
    people: PEOPLE,
    ...(port !== undefined ? { requestUrl: `http://localhost:${port}/slack/events` } : {}),
  });
  const env: Record<string, string> = {
    SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
    SLACK_API_URL: slack.apiUrl,
    REVGAP_CHANNEL: '#revenue',
    REVGAP_LOG_LEVEL: 'warn',
    ...(mode === 'socket'
      ? { SLACK_APP_TOKEN: LOCAL_SLACK_CREDENTIALS.appToken }
      : { SLACK_SIGNING_SECRET: LOCAL_SLACK_CREDENTIALS.signingSecret, PORT: String(port) }),
    ...options.env,
  };
  const config = {
    ...loadConfig({ env, cwd: mkdtempSync(join(tmpdir(), 'revgap-e2e-')) }),
    dataDir: 'memory://',
  };
  const result = options.result ?? buildSampleResult();
  let bot: RunningRevgap;
  let analyses = 0;
  try {
    bot = await startRevgap({
      config,
      logger: options.logger ?? createLogger({ level: 'warn' }),
      analyze: async () => {
        analyses++;
        return options.analyze ? options.analyze() : { result, source: 'test fixture' };
      },
      scheduler: false,
      ...(options.now ? { now: options.now } : {}),
      store: createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() }),
    });
  } catch (error) {
    await slack.stop();
    throw error;
  }
  return {
    slack,
    bot,
    analyses: () => analyses,
    async stop() {
      await bot.stop();
      await slack.stop();
    },
  };
}

/** Top-level messages of the channel (no thread replies, no ephemerals). */
export const topLevel = (messages: StoredMessage[]): StoredMessage[] =>
  messages.filter((m) => (m.thread_ts === undefined || m.thread_ts === m.ts) && m.subtype !== 'ephemeral');

export const repliesTo = (messages: StoredMessage[], ts: string): StoredMessage[] =>
  messages.filter((m) => m.thread_ts === ts && m.ts !== ts);

export const ephemeralsFor = (messages: StoredMessage[], user: string): StoredMessage[] =>
  messages.filter((m) => m.subtype === 'ephemeral' && m.ephemeral_to === user);

/** All text a message shows: fallback plus every text in its blocks. */
export function shownText(message: StoredMessage): string {
  const parts: string[] = [message.text];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'text' && typeof value === 'string') parts.push(value);
        else walk(value);
      }
    }
  };
  walk(message.blocks ?? []);
  return parts.join('\n');
}
