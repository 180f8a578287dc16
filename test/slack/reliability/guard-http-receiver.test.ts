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

  /** A Bolt app on a guarded HTTPReceiver: its receiver, its endpoint and the commands it ran. */
  async function startGuardedApp() {
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
    return { receiver, url: `http://127.0.0.1:${server.address().port}/slack/events`, seen };
  }

  /** POSTs `/revgap <text>` with the given timestamp and signature (none: no signature header). */
  function sender(url: string, text: string) {
    const body = new URLSearchParams({
      command: '/revgap',
      text,
      user_id: 'U1',
      channel_id: 'C1',
      team_id: 'T1',
      trigger_id: '1.2.3',
    }).toString();
    const send = (timestamp: string, signature: string | undefined) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          ...(signature === undefined ? {} : { 'x-slack-signature': signature }),
        },
        body,
      }).then((r) => r.status);
    return { body, send };
  }

  it('lets Bolt answer a signed command once and refuses the replay and a forgery with 401', async () => {
    const { url, seen } = await startGuardedApp();
    const { body, send } = sender(url, 'top 5');
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = signSlackRequest(SECRET, ts, body);
    expect(await send(ts, signature)).toBe(200);
    expect(await send(ts, signature)).toBe(401);
    expect(await send(ts, signSlackRequest('forged', ts, body))).toBe(401);
    expect(seen).toEqual(['top 5']);
  });

  it('refuses an unsigned, forged or stale request before Bolt, whose own check it turned off', async () => {
    const { receiver, url, seen } = await startGuardedApp();
    // The guard checks every request Bolt sees, so Bolt's own second check of the signature is off.
    expect((receiver as unknown as { signatureVerification: boolean }).signatureVerification).toBe(false);
    const { body, send } = sender(url, 'help');
    const ts = String(Math.floor(Date.now() / 1000));
    const old = String(Number(ts) - 600);
    expect(await send(ts, undefined)).toBe(401);
    expect(await send(ts, signSlackRequest('forged', ts, body))).toBe(401);
    expect(await send(old, signSlackRequest(SECRET, old, body))).toBe(401);
    expect(seen).toEqual([]);
    expect(await send(ts, signSlackRequest(SECRET, ts, body))).toBe(200);
    expect(seen).toEqual(['help']);
  });
});
