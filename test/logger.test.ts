import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { REDACTED, scrubSecrets, toBoltLogger } from '../src/logger.ts';
import { captureLogs } from './helpers/capture-logs.ts';

const BOT_TOKEN = 'xoxb-1111-2222-AbCdEfGhIjKlMnOp';
const APP_TOKEN = 'xapp-1-A0123-4567-0a1b2c3d4e5f';
const USER_TOKEN = 'xoxp-9999-8888-zyxwvu';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DB_PASSWORD = 's3cr3t-Pa55';
const DATABASE_URL = `postgres://revgap:${DB_PASSWORD}@db.internal:5432/revgap`;
const ALL = [BOT_TOKEN, APP_TOKEN, USER_TOKEN, SIGNING_SECRET, DB_PASSWORD];

function expectNoSecret(text: string): void {
  for (const secret of ALL) expect(text).not.toContain(secret);
}

describe('createLogger', () => {
  it('masks secrets held under telling keys at any depth', () => {
    const logs = captureLogs({ secrets: [SIGNING_SECRET] });
    logs.logger.info(
      {
        botToken: BOT_TOKEN,
        config: {
          slack: { appToken: APP_TOKEN, signingSecret: SIGNING_SECRET },
          store: { databaseUrl: DATABASE_URL },
        },
        deeply: { nested: { within: { request: { headers: { Authorization: `Bearer ${USER_TOKEN}` } } } } },
      },
      'starting',
    );
    expectNoSecret(logs.text());
    const [record] = logs.records();
    expect(record?.botToken).toBe(REDACTED);
    expect(record?.msg).toBe('starting');
  });

  it('masks tokens and URL passwords inside message strings', () => {
    const logs = captureLogs();
    logs.logger.warn(`could not connect to ${DATABASE_URL} with ${BOT_TOKEN} and ${APP_TOKEN}`);
    expectNoSecret(logs.text());
    // The user name and host stay: they are what one needs to debug a connection problem.
    expect(logs.records()[0]?.msg).toBe(
      `could not connect to postgres://revgap:${REDACTED}@db.internal:5432/revgap with xoxb-${REDACTED} and xapp-${REDACTED}`,
    );
  });

  it('masks secrets inside errors, their causes and extra properties', () => {
    const logs = captureLogs({ secrets: [SIGNING_SECRET] });
    const cause = new Error(`password authentication failed for ${DATABASE_URL}`);
    const err = Object.assign(new Error(`signing secret ${SIGNING_SECRET} rejected`, { cause }), {
      request: { body: `token=${USER_TOKEN}` },
    });
    logs.logger.error({ err }, 'store failed');
    logs.logger.error(err);
    expectNoSecret(logs.text());
    expect(logs.text()).toContain('password authentication failed for postgres://revgap:');
  });

  it('masks a named secret value that has no recognisable shape', () => {
    const logs = captureLogs({ secrets: [SIGNING_SECRET] });
    logs.logger.info({ note: `hmac key is ${SIGNING_SECRET}` }, 'debug dump');
    expectNoSecret(logs.text());
  });

  it('keeps ordinary fields untouched and every line valid JSON', () => {
    const logs = captureLogs();
    logs.logger.info({ channel: 'C123', customers: 42, tokenCount: 3 }, 'digest posted');
    expect(logs.records()[0]).toMatchObject({
      channel: 'C123',
      customers: 42,
      tokenCount: 3,
      msg: 'digest posted',
    });
  });
});

describe('scrubSecrets', () => {
  it('masks passwords given as connection-string parameters', () => {
    expect(scrubSecrets('host=db sslmode=require&password=hunter22&user=x')).toBe(
      `host=db sslmode=require&password=${REDACTED}&user=x`,
    );
  });

  it('ignores very short "secrets" so a placeholder cannot blank a message', () => {
    expect(scrubSecrets('a b c', ['b'])).toBe('a b c');
  });
});

describe('toBoltLogger', () => {
  it('passes Bolt variadic messages to pino, with errors serialized and scrubbed', () => {
    const logs = captureLogs();
    const bolt = toBoltLogger(logs.logger);
    bolt.setName('bolt-app');
    bolt.info('socket mode', 'connected');
    bolt.error('An API error occurred', new Error(`invalid_auth for ${BOT_TOKEN}`));
    const [info, error] = logs.records();
    expect(info).toMatchObject({ level: 30, name: 'bolt-app', msg: 'socket mode connected' });
    expect(error).toMatchObject({ level: 50, msg: 'An API error occurred' });
    expectNoSecret(logs.text());
  });

  it('maps levels both ways', () => {
    const logs = captureLogs({ level: 'info' });
    const bolt = toBoltLogger(logs.logger);
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    bolt.debug('hidden');
    bolt.setLevel(LogLevel.DEBUG);
    expect(bolt.getLevel()).toBe(LogLevel.DEBUG);
    bolt.debug('shown');
    expect(logs.records().map((r) => r.msg)).toEqual(['shown']);
  });
});
