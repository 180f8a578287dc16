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
