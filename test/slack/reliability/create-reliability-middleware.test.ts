import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isReadOnlyCommand } from '../../../src/slack/listeners/commands/revgap.ts';
import { createAccessPolicy } from '../../../src/slack/reliability/create-access-policy.ts';
import {
  createAccessMiddleware,
  createDedupeMiddleware,
  createLayeredLedger,
  createStoreDeliveryLedger,
  deliveryKeysOf,
} from '../../../src/slack/reliability/create-reliability-middleware.ts';
import { createMemoryDeliveryLedger } from '../../../src/slack/reliability/delivery-keys.ts';
import {
  guardHttpReceiver,
  signSlackRequest,
} from '../../../src/slack/reliability/verify-slack-signature.ts';
import type { DeliveryKeyStore } from '../../../src/store/state-store.ts';
import { captureLogs } from '../../helpers/capture-logs.ts';
import { type FakeUpstream, startFakeUpstream } from '../../helpers/fake-slack-upstream.ts';
import { partialPort } from '../../helpers/partial-port.ts';

const SECRET = 'middleware-test-signing-secret-0000';
const MEMBERS = ['UALICE'];

let app: App;
let upstream: FakeUpstream;
let url: string;
let handled: string[];
let logs: ReturnType<typeof captureLogs>;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  logs = captureLogs({ secrets: [SECRET] });
  handled = [];
  const receiver = new HTTPReceiver({ signingSecret: SECRET });
  guardHttpReceiver(receiver, { signingSecret: SECRET, logger: logs.logger });
  app = new App({
    receiver,
    authorize: async () => ({
      botToken: 'xoxb-middleware-test',
      botUserId: 'UBOT',
      botId: 'BBOT',
      teamId: 'T1',
    }),
    clientOptions: { slackApiUrl: `${upstream.url}/api/` },
  });
  app.use(createDedupeMiddleware({ logger: logs.logger }));
  app.use(
    createAccessMiddleware({
      logger: logs.logger,
      policy: createAccessPolicy({
        digestChannel: 'CREV',
        isChannelMember: async (user) => MEMBERS.includes(user),
      }),
    }),
  );
  app.command('/revgap', async ({ ack, command }) => {
    handled.push(`command ${command.user_id} ${command.text}`);
    await ack({ text: 'customer data' });
  });
  app.action('claim', async ({ ack, body }) => {
    handled.push(`claim ${body.user.id}`);
    await ack();
  });
  app.event('app_mention', async ({ event }) => {
    handled.push(`mention ${event.user}`);
  });
  app.event('app_home_opened', async ({ event }) => {
    handled.push(`home ${event.user}`);
  });
  const server = (await app.start(0)) as unknown as { address(): AddressInfo };
  url = `http://127.0.0.1:${server.address().port}/slack/events`;
});

afterEach(async () => {
  await app.stop();
  await upstream.close();
});

let clock = Math.floor(Date.now() / 1000);
/** Signs and posts like Slack: every delivery, retries included, gets a fresh timestamp and signature. */
async function deliver(body: string, contentType: string): Promise<{ status: number; text: string }> {
  const ts = String(++clock);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SECRET, ts, body),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

const command = (user: string, text: string, triggerId = '1.2.abc', channel = 'CREV') =>
  deliver(
    new URLSearchParams({
      command: '/revgap',
      text,
      user_id: user,
      channel_id: channel,
      team_id: 'T1',
      trigger_id: triggerId,
      response_url: `${upstream.url}/response`,
    }).toString(),
    'application/x-www-form-urlencoded',
  );

const click = (user: string, channel = 'CREV', actionTs = '1700000001.000001') =>
  deliver(
    new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        team: { id: 'T1' },
        user: { id: user },
        channel: { id: channel },
        container: { type: 'message', channel_id: channel, message_ts: '1700000000.000100' },
        trigger_id: '5.6.def',
        actions: [
          { type: 'button', action_id: 'claim', block_id: 'c42', value: 'CUST-42', action_ts: actionTs },
        ],
      }),
    }).toString(),
    'application/x-www-form-urlencoded',
  );

const mention = (user: string, eventId = 'Ev1') =>
  deliver(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: eventId,
      event_time: 1700000000,
      event: { type: 'app_mention', user, channel: 'CREV', text: '<@UBOT> hi', ts: '1700000000.000200' },
    }),
    'application/json',
  );

const openHome = (user: string, eventId: string) =>
  deliver(
    JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: eventId,
      event_time: 1700000000,
      event: { type: 'app_home_opened', user, channel: 'DHOME1', tab: 'home', event_ts: '1700000000.000300' },
    }),
    'application/json',
  );

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('createDedupeMiddleware', () => {
  it('runs a slash command delivered three times once, acknowledging every copy', async () => {
    const answers = [
      await command('UALICE', 'top'),
      await command('UALICE', 'top'),
      await command('UALICE', 'top'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(handled).toEqual(['command UALICE top']);
    expect(logs.find('ignored a repeated Slack delivery')).toHaveLength(2);
  });

  it('runs the same command typed again (a new trigger id)', async () => {
    await command('UALICE', 'top', '1.2.abc');
    await command('UALICE', 'top', '9.9.xyz');
    expect(handled).toHaveLength(2);
  });

  it('runs a button click delivered three times once, and a quick double click once', async () => {
    await click('UALICE');
    await click('UALICE');
    await click('UALICE', 'CREV', '1700000001.500000');
    expect(handled).toEqual(['claim UALICE']);
  });

  it('runs an event delivered three times once', async () => {
    await mention('UALICE');
    await mention('UALICE');
    await mention('UALICE');
    await settle();
    expect(handled).toEqual(['mention UALICE']);
  });
});

describe('createAccessMiddleware', () => {
  it('answers a non-member with a polite refusal and no data', async () => {
    const answer = await command('UMALLORY', 'top');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({
      response_type: 'ephemeral',
      text: "Sorry, revgap's customer data is limited to members of <#CREV>. Ask to join it, then try again.",
    });
    expect(handled).toEqual([]);
  });

  it('refuses a command in another channel, even from a member', async () => {
    const answer = await command('UALICE', 'top', '1.2.abc', 'CRANDOM');
    expect(answer.text).toContain('only answers in <#CREV>');
    expect(handled).toEqual([]);
  });

  it('refuses a button click from a non-member with an ephemeral message', async () => {
    await click('UMALLORY');
    await settle();
    expect(handled).toEqual([]);
    expect(upstream.received).toEqual(['chat.postEphemeral']);
  });

  it('shows a non-member who opens the Home tab the refusal there, and a member their tab', async () => {
    await openHome('UMALLORY', 'EvH1');
    await settle();
    expect(handled).toEqual([]);
    expect(upstream.received).toEqual(['views.publish']);
    await openHome('UALICE', 'EvH2');
    await settle();
    expect(handled).toEqual(['home UALICE']);
  });

  it('refuses a mention from a non-member', async () => {
    await mention('UMALLORY', 'Ev9');
    await settle();
    expect(handled).toEqual([]);
    expect(upstream.received).toEqual(['chat.postEphemeral']);
  });
});

describe('ledgers', () => {
  it('share de-duplication through the store, and fail open when it is down', async () => {
    const keys = new Set<string>();
    let down = false;
    const store = partialPort<DeliveryKeyStore>({
      recordDelivery: async (key: string) => {
        if (down) throw new Error('connection refused');
        if (keys.has(key)) return false;
        keys.add(key);
        return true;
      },
    });
    const shared = createStoreDeliveryLedger({ store });
    const one = createLayeredLedger(createMemoryDeliveryLedger(), shared, logs.logger);
    const two = createLayeredLedger(createMemoryDeliveryLedger(), shared, logs.logger);
    expect(await one.claim('k1')).toBe(true);
    expect(await two.claim('k1')).toBe(false);
    down = true;
    expect(await two.claim('k2')).toBe(true);
    expect(logs.find('delivery ledger unavailable')).toHaveLength(1);
  });

  it('keeps the key of a read-only /revgap in memory only, and a typed follow-up in the store too', async () => {
    const stored: string[] = [];
    const store = partialPort<DeliveryKeyStore>({
      recordDelivery: async (key: string) => {
        stored.push(key);
        return true;
      },
    });
    const memory = createMemoryDeliveryLedger();
    const dedupe = createDedupeMiddleware({
      ledger: createLayeredLedger(memory, createStoreDeliveryLedger({ store }), logs.logger),
      isReadOnly: isReadOnlyCommand,
      readOnlyLedger: memory,
      logger: logs.logger,
    });
    const ran: string[] = [];
    const run = (text: string) =>
      dedupe({
        body: { command: '/revgap', text, user_id: 'U1', channel_id: 'C1', team_id: 'T1', trigger_id: '1.2' },
        context: {},
        next: async () => void ran.push(text),
        ack: async () => undefined,
      } as unknown as Parameters<typeof dedupe>[0]);
    await run('acme');
    await run('acme');
    await run('top 5');
    expect(ran).toEqual(['acme', 'top 5']);
    expect(stored).toEqual([]);
    await run('log acme: called');
    await run('report');
    expect(ran).toEqual(['acme', 'top 5', 'log acme: called', 'report']);
    expect(stored).toHaveLength(2);
  });

  it('keys each kind of delivery', () => {
    expect(
      deliveryKeysOf({ type: 'event_callback', event_id: 'Ev1', event: { type: 'reaction_added' } }).keys,
    ).toEqual(['event:Ev1']);
    expect(deliveryKeysOf({ command: '/revgap', trigger_id: '1' }).keys[0]).toMatch(/^command:/);
    expect(deliveryKeysOf({ type: 'block_actions', actions: [] }).intentKeys[0]).toMatch(/^intent:/);
    expect(deliveryKeysOf({ type: 'block_suggestion' })).toEqual({ keys: [], intentKeys: [] });
  });
});
