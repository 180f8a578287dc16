import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalWorkspace, type LocalSlackServer, startLocalSlack } from '../../../src/dev/local-slack.ts';
import { findPostedMessage } from '../../../src/slack/reliability/find-posted-message.ts';

let slack: LocalSlackServer;
let web: webApi.WebClient;

beforeAll(async () => {
  slack = await startLocalSlack({ workspace: buildLocalWorkspace() });
  web = new webApi.WebClient(slack.workspace.app.botToken, { slackApiUrl: slack.apiUrl });
});
afterAll(async () => {
  await slack.stop();
});

describe('findPostedMessage (against local-slack)', () => {
  it('finds a message posted since the first attempt, in the channel or in a thread', async () => {
    const sentAtMs = Date.now();
    const parent = await web.chat.postMessage({
      channel: 'C01REVENUE',
      text: 'Revenue gaps, week of 2026-11-16',
    });
    const reply = await web.chat.postMessage({ channel: 'C01REVENUE', text: 'Part 2', thread_ts: parent.ts });
    expect(
      await findPostedMessage(web, {
        channel: 'C01REVENUE',
        text: 'Revenue gaps, week of 2026-11-16',
        sentAtMs,
      }),
    ).toEqual({
      ts: parent.ts,
      channel: 'C01REVENUE',
    });
    expect(
      await findPostedMessage(web, {
        channel: 'C01REVENUE',
        threadTs: parent.ts ?? '',
        text: 'Part 2',
        sentAtMs,
      }),
    ).toEqual({ ts: reply.ts, channel: 'C01REVENUE' });
  });

  it('finds nothing when no such message was posted', async () => {
    expect(
      await findPostedMessage(web, { channel: 'C01REVENUE', text: 'never posted', sentAtMs: Date.now() }),
    ).toBe(undefined);
  });
});
