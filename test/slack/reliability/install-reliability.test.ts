import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWorkspace, type LocalSlackServer, startLocalSlack } from '../../../src/dev/local-slack.ts';
import {
  createChannelDirectory,
  createMemberLookup,
} from '../../../src/slack/reliability/install-reliability.ts';

let slack: LocalSlackServer;
let web: webApi.WebClient;

beforeAll(async () => {
  slack = await startLocalSlack({
    workspace: buildLocalWorkspace({ people: [{ name: 'Alice Johnson', email: 'alice@example.com' }] }),
  });
  web = new webApi.WebClient(slack.workspace.app.botToken, { slackApiUrl: slack.apiUrl });
});
afterAll(async () => {
  await slack.stop();
});

describe('createChannelDirectory (against local-slack)', () => {
  it('resolves #names to ids and passes ids through', async () => {
    const directory = createChannelDirectory(web);
    expect(await directory.resolve('#revenue')).toBe('C01REVENUE');
    expect(await directory.resolve('general')).toBe('C02GENERAL');
    expect(await directory.resolve('C0SOMEID')).toBe('C0SOMEID');
    expect(await directory.resolve('#nope')).toBeNull();
  });
});

describe('createMemberLookup (against local-slack)', () => {
  it('knows who is in the channel, caching the member list', async () => {
    let t = 0;
    const isMember = createMemberLookup(web, { now: () => t, ttlMs: 1000 });
    expect(await isMember('U01ALICE', 'C01REVENUE')).toBe(true);
    expect(await isMember('U99NOBODY', 'C01REVENUE')).toBe(false);
    t = 2000;
    expect(await isMember('U01ALICE', 'C01REVENUE')).toBe(true);
  });
});

describe('installReliability', () => {
  it('guards the HTTP receiver, de-duplicates through the store, checks access and prunes old keys', async () => {
    const { App, HTTPReceiver } = await import('@slack/bolt');
    const { installReliability } = await import('../../../src/slack/reliability/install-reliability.ts');
    const { signSlackRequest } = await import('../../../src/slack/reliability/verify-slack-signature.ts');
    const { captureLogs } = await import('../../helpers/capture-logs.ts');
    const secret = 'install-test-signing-secret-000000';
    const fixed = Date.now();
    const receiver = new HTTPReceiver({ signingSecret: secret });
    const app = new App({
      receiver,
      authorize: async () => ({ botToken: 'xoxb-install-test', botUserId: 'UBOT', teamId: 'T1' }),
    });
    const recorded = new Set<string>();
    const pruned: string[] = [];
    const installed = installReliability({
      app,
      httpReceiver: receiver,
      signingSecret: secret,
      logger: captureLogs().logger,
      digestChannel: 'CREV',
      isChannelMember: async (user) => user === 'UALICE',
      // Close to real time: Bolt checks the timestamp against its own clock too.
      now: () => fixed,
      store: {
        recordDelivery: async (key) => !recorded.has(key) && Boolean(recorded.add(key)),
        pruneDeliveries: async (before) => {
          pruned.push(before);
          return 0;
        },
      },
    });
    const seen: string[] = [];
    app.command('/revgap', async ({ ack, command }) => {
      seen.push(command.user_id);
      await ack({ text: 'data' });
    });
    const server = (await app.start(0)) as unknown as { address(): { port: number } };
    try {
      const url = `http://127.0.0.1:${server.address().port}/slack/events`;
      let ts = Math.floor(fixed / 1000);
      const send = async (user: string, fresh = true) => {
        if (fresh) ts += 1;
        const body = new URLSearchParams({
          command: '/revgap',
          text: '',
          user_id: user,
          channel_id: 'CREV',
          team_id: 'T1',
          trigger_id: 't1',
        }).toString();
        const headers = {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signSlackRequest(secret, ts, body),
        };
        return (await fetch(url, { method: 'POST', headers, body })).status;
      };
      expect(await send('UALICE')).toBe(200);
      expect(await send('UALICE', false)).toBe(401); // the same signed request again: a replay
      expect(await send('UALICE')).toBe(200); // re-signed re-send: accepted, then dropped as a repeat
      expect(await send('UMALLORY')).toBe(200);
      expect(seen).toEqual(['UALICE']);
      expect(pruned).toEqual([new Date(fixed - 7 * 86_400_000).toISOString()]);
    } finally {
      installed.stop();
      await app.stop();
    }
  });
});
