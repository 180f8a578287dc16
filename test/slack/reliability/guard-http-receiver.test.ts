import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import {
  guardHttpReceiver,
  signSlackRequest,
} from '../../../src/slack/reliability/verify-slack-signature.ts';

const SECRET = 'guard-test-signing-secret-000000000';

describe('guardHttpReceiver in front of Bolt', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
  });

  it('lets Bolt answer a signed command once and refuses the replay and a forgery with 401', async () => {
    const receiver = new HTTPReceiver({ signingSecret: SECRET });
    guardHttpReceiver(receiver, { signingSecret: SECRET });
    // authorize instead of a token: Bolt would otherwise call auth.test on slack.com first.
    app = new App({
      receiver,
      authorize: async () => ({
        botToken: 'xoxb-guard-test',
        botUserId: 'UBOT',
        botId: 'BBOT',
        teamId: 'T1',
      }),
    });
    const seen: string[] = [];
    app.command('/revgap', async ({ ack, command }) => {
      seen.push(command.text);
      await ack();
    });
    const server = (await app.start(0)) as unknown as { address(): AddressInfo };
    const url = `http://127.0.0.1:${server.address().port}/slack/events`;

    const body = new URLSearchParams({
      command: '/revgap',
      text: 'top 5',
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: '1.2.3',
    }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(SECRET, ts, body),
    };
    const post = (h: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: h, body }).then((r) => r.status);

    expect(await post(headers)).toBe(200);
    expect(await post(headers)).toBe(401);
    expect(await post({ ...headers, 'x-slack-signature': signSlackRequest('forged', ts, body) })).toBe(401);
    expect(seen).toEqual(['top 5']);
    // The guard checked every request Bolt saw, so Bolt's own second check of the signature is off.
    expect((receiver as unknown as { signatureVerification: boolean }).signatureVerification).toBe(false);
  });

  it('refuses a forgery with 401 before Bolt, whose own check it turned off', async () => {
    const receiver = new HTTPReceiver({ signingSecret: SECRET });
    guardHttpReceiver(receiver, { signingSecret: SECRET });
    app = new App({
      receiver,
      authorize: async () => ({
        botToken: 'xoxb-guard-test',
        botUserId: 'UBOT',
        botId: 'BBOT',
        teamId: 'T1',
      }),
    });
    const seen: string[] = [];
    app.command('/revgap', async ({ ack, command }) => {
      seen.push(command.text);
      await ack();
    });
    const server = (await app.start(0)) as unknown as { address(): AddressInfo };
    const url = `http://127.0.0.1:${server.address().port}/slack/events`;
    const body = new URLSearchParams({
      command: '/revgap',
      text: 'help',
      user_id: 'U1',
      team_id: 'T1',
    }).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const send = (signature: string | undefined, timestamp = ts) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          ...(signature === undefined ? {} : { 'x-slack-signature': signature }),
        },
        body,
      }).then((r) => r.status);
    expect(await send(undefined)).toBe(401);
    expect(await send(signSlackRequest('forged', ts, body))).toBe(401);
    const old = String(Number(ts) - 600);
    expect(await send(signSlackRequest(SECRET, old, body), old)).toBe(401);
    expect(seen).toEqual([]);
    expect(await send(signSlackRequest(SECRET, ts, body))).toBe(200);
    expect(seen).toEqual(['help']);
  });
});
