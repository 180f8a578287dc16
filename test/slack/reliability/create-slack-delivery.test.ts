import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackDelivery } from '../../../src/slack/reliability/create-slack-delivery.ts';
import { webClientOptions } from '../../../src/slack/reliability/web-client-options.ts';
import { SlackDeliveryError } from '../../../src/slack/reliability/with-retry.ts';
import { captureLogs } from '../../helpers/capture-logs.ts';
import { type FakeUpstream, startFakeUpstream } from '../../helpers/fake-slack-upstream.ts';
import {
  type FaultProxy,
  hang,
  platformError,
  rateLimited,
  serverError,
  startFaultProxy,
} from '../../helpers/fault-proxy.ts';

const TOKEN = 'xoxb-delivery-test-000111222';

let upstream: FakeUpstream;
let proxy: FaultProxy;

beforeEach(async () => {
  upstream = await startFakeUpstream();
  proxy = await startFaultProxy({ upstream: upstream.url });
});
afterEach(async () => {
  await proxy.close();
  await upstream.close();
});

function setup() {
  const logs = captureLogs({ level: 'debug' });
  const waits: number[] = [];
  // A fake clock that moves only when the delivery sleeps: no real waiting, exact waits.
  let t = 0;
  const client = new webApi.WebClient(
    TOKEN,
    webClientOptions({ slackApiUrl: proxy.apiUrl, timeoutMs: 300, logger: logs.logger }),
  );
  const delivery = createSlackDelivery({
    logger: logs.logger,
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
    retry: { random: () => 0.5 },
  });
  return { logs, waits, client, delivery };
}

const postHello = (client: webApi.WebClient) => () =>
  client.chat.postMessage({ channel: 'C1', text: 'hello' });

describe('createSlackDelivery with a managed WebClient', () => {
  it('waits out two 429s as Slack asks and posts the message once', async () => {
    const { client, delivery, waits, logs } = setup();
    proxy.inject('chat.postMessage', rateLimited(2), 2);
    const result = await delivery.run({ label: 'chat.postMessage', channel: 'C1' }, postHello(client));
    expect(result.ts).toBe('1700000000.000001');
    expect(proxy.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
    expect(upstream.received).toEqual(['chat.postMessage']);
    // Each retry waits the Retry-After (2 s) plus 125 ms of jitter; by then the channel's turn has come.
    expect(waits).toEqual([2125, 2125]);
    expect(logs.find('retrying')).toHaveLength(2);
  });

  it('retries a 500 and a timeout, then succeeds', async () => {
    const { client, delivery } = setup();
    proxy.inject('chat.postMessage', serverError(500));
    proxy.inject('chat.postMessage', hang);
    await delivery.run({ label: 'chat.postMessage', channel: 'C1' }, postHello(client));
    expect(proxy.callsTo('chat.postMessage').map((c) => c.fault)).toEqual(['status', 'hang', null]);
    expect(upstream.received).toEqual(['chat.postMessage']);
  });

  it('gives up at once on not_in_channel, logging the reason and the fix', async () => {
    const { client, delivery, logs } = setup();
    proxy.inject('chat.postMessage', platformError('not_in_channel'));
    const error = await delivery
      .run({ label: 'chat.postMessage', channel: 'C1', channelName: '#revenue' }, postHello(client))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect((error as SlackDeliveryError).hint).toBe(
      'Invite @revgap to #revenue: type `/invite @revgap` in the channel.',
    );
    expect(proxy.callsTo('chat.postMessage')).toHaveLength(1);
    expect(logs.find('Slack call failed')[0]).toMatchObject({
      level: 50,
      code: 'not_in_channel',
      attempt: 1,
    });
  });

  it('logs an expected error code (users_not_found for a lookup) at debug, not as a failure', async () => {
    const { client, delivery, logs } = setup();
    proxy.inject('users.lookupByEmail', platformError('users_not_found'));
    const error = await delivery
      .run({ label: 'users.lookupByEmail', expectedCodes: ['users_not_found'] }, () =>
        client.users.lookupByEmail({ email: 'nobody@example.com' }),
      )
      .catch((e: unknown) => e);
    // Still an error for the caller (who turns it into "no such user"), tried once.
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expect(proxy.callsTo('users.lookupByEmail')).toHaveLength(1);
    expect(logs.find('Slack call failed')).toEqual([]);
    expect(logs.find('expected error code')[0]).toMatchObject({ level: 20, code: 'users_not_found' });
  });

  it('retries a failed upload alone, without posting the message again', async () => {
    const { client, delivery } = setup();
    await delivery.run({ label: 'chat.postMessage', channel: 'C1' }, postHello(client));
    proxy.inject('upload', serverError(500));
    await delivery.run({ label: 'digest file upload', channel: 'C1', paced: false }, () =>
      client.filesUploadV2({
        channel_id: 'C1',
        thread_ts: '1700000000.000001',
        content: 'hello',
        filename: 'r.md',
      }),
    );
    expect(proxy.calls.map((c) => `${c.method}:${c.status}`)).toEqual([
      'chat.postMessage:200',
      'files.getUploadURLExternal:200',
      'upload:500',
      'files.getUploadURLExternal:200',
      'upload:200',
      'files.completeUploadExternal:200',
    ]);
  });

  it('does not post twice when Slack posted but the answer was lost, given a way to look it up', async () => {
    const { client, delivery } = setup();
    proxy.inject('chat.postMessage', { kind: 'lose_response' });
    const lookups: number[] = [];
    const result = await delivery.run<{ ts?: string }>(
      {
        label: 'chat.postMessage',
        channel: 'C1',
        // Stands in for a conversations.history lookup of the message just sent.
        recover: async () => {
          lookups.push(upstream.received.length);
          return upstream.received.includes('chat.postMessage') ? { ok: true, ts: 'found' } : undefined;
        },
      },
      postHello(client),
    );
    expect(result.ts).toBe('found');
    expect(upstream.received).toEqual(['chat.postMessage']);
    expect(lookups).toEqual([1]);
  });

  it('never logs the token, even at debug level', async () => {
    const { client, delivery, logs } = setup();
    proxy.inject('chat.postMessage', platformError('invalid_auth'));
    await delivery
      .run({ label: 'chat.postMessage', channel: 'C1' }, postHello(client))
      .catch(() => undefined);
    expect(logs.lines.length).toBeGreaterThan(3);
    expect(logs.text()).not.toContain(TOKEN);
  });
});
