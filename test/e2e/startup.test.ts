/**
 * A bot whose data cannot be read at start-up still starts: it tells the admin channel why and how
 * to fix it, and answers /revgap by saying it has no analysis yet, instead of failing silently.
 */

import { tmpdir } from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { LOCAL_SLACK_CREDENTIALS } from '../../src/dev/local-slack.ts';
import { InputError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { startRevgap } from '../../src/main.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { buildSampleResult } from '../helpers/build-result.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
import { platformError, startFaultProxy } from '../helpers/fault-proxy.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';
import { ALICE, type BotUnderTest, ephemeralsFor, shownText, startBotUnderTest } from './_harness.ts';

const GENERAL = 'C02GENERAL';
let t: BotUnderTest;
let logs: CapturedLogs;

beforeAll(async () => {
  logs = captureLogs({ level: 'warn' });
  t = await startBotUnderTest('socket', {
    logger: logs.logger,
    env: { REVGAP_ADMIN_CHANNEL: '#general' },
    analyze: async () => {
      throw new InputError('sales.csv line 7: date "2026-13-01" is not a date', {
        hint: 'Fix the date on line 7, or pass --date-format.',
      });
    },
  });
}, 60_000);

afterAll(async () => {
  await t?.stop();
});

it('tells the admin channel what failed and how to fix it', async () => {
  const messages = await t.slack.waitForMessages((m) => m.length > 0, { channel: GENERAL });
  const notice = shownText(messages[0]!);
  expect(notice).toContain('read the sales data at start-up');
  expect(notice).toContain('line 7');
});

it('logs the failure with its reason', () => {
  expect(logs.find('could not read the sales data at start-up')[0]).toMatchObject({
    err: { message: expect.stringContaining('line 7') },
  });
});

it('answers /revgap that there is no analysis yet', async () => {
  await t.slack.command(ALICE, 'top');
  const messages = await t.slack.waitForMessages((m) => ephemeralsFor(m, ALICE).length > 0);
  expect(ephemeralsFor(messages, ALICE)[0]?.text).toBe('revgap has no analysis to answer from yet.');
});

it('refuses to post a digest without an analysis, saying why', async () => {
  await expect(t.bot.postDigest()).rejects.toThrow('There is no analysis to post a digest from yet.');
  expect(await t.slack.messages()).toHaveLength(1);
});

it('refuses to start with a revoked bot token, saying what to do', async () => {
  // local-slack accepts any token; the proxy answers as Slack does for a revoked one.
  const proxy = await startFaultProxy({ upstream: t.slack.url });
  proxy.inject('conversations.list', platformError('invalid_auth'));
  const env = {
    SLACK_BOT_TOKEN: LOCAL_SLACK_CREDENTIALS.botToken,
    SLACK_APP_TOKEN: LOCAL_SLACK_CREDENTIALS.appToken,
    SLACK_API_URL: proxy.apiUrl,
    REVGAP_LOG_LEVEL: 'silent',
  };
  const config = { ...loadConfig({ env, cwd: tmpdir() }), dataDir: 'memory://' };
  const starting = startRevgap({
    config,
    logger: createLogger({ level: 'silent' }),
    scheduler: false,
    store: createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() }),
    analyze: async () => ({ result: buildSampleResult(), source: 'test' }),
  });
  await expect(starting).rejects.toMatchObject({
    code: 'SLACK_API',
    message: expect.stringMatching(/^Could not find the channel #revenue in Slack: /),
    hint: expect.stringContaining('SLACK_BOT_TOKEN'),
  });
  await proxy.close();
});
