/**
 * A bot whose data cannot be read at start-up still starts: it tells the admin channel why and how
 * to fix it, and answers /revgap by saying it has no analysis yet, instead of failing silently.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { type CapturedLogs, captureLogs } from '../helpers/capture-logs.ts';
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
  expect(logs.find('the analysis failed at start-up')[0]).toMatchObject({
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
