import type { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import {
  createSlackClient,
  type SlackCall,
  type SlackCallRunner,
  slackErrorCode,
} from '../../src/slack/slack-client.ts';

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });

function fakeWeb() {
  const calls: Array<{ method: string; args: Record<string, unknown> }> = [];
  const record =
    (method: string, answer: Record<string, unknown> = {}) =>
    async (args: Record<string, unknown>) => {
      calls.push({ method, args });
      return { ok: true, ...answer };
    };
  const web = {
    chat: {
      postMessage: record('chat.postMessage', { ts: '111.222', channel: 'C1' }),
      update: record('chat.update'),
      postEphemeral: record('chat.postEphemeral'),
    },
    views: { open: record('views.open') },
    filesUploadV2: record('files.uploadV2', { files: [{ ok: true, files: [{ id: 'F123' }] }] }),
    users: {
      lookupByEmail: async () => {
        throw Object.assign(new Error('An API error occurred: users_not_found'), {
          code: 'slack_webapi_platform_error',
          data: { ok: false, error: 'users_not_found' },
        });
      },
    },
  };
  return { web: web as unknown as webApi.WebClient, calls };
}

const logger = createLogger({ level: 'silent' });

describe('the Slack client', () => {
  it('refuses a message with more than 50 blocks, names the limit and sends nothing', async () => {
    const { web, calls } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    const blocks = Array.from({ length: 51 }, (_, i) => section(`line ${i}`));
    await expect(slack.postMessage({ channel: 'C1', text: 'digest', blocks })).rejects.toThrow(/50/);
    expect(calls).toEqual([]);
  });

  it('refuses a section text over 3,000 characters in an update', async () => {
    const { web, calls } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    const update = slack.updateMessage({
      channel: 'C1',
      ts: '1.2',
      text: 'x',
      blocks: [section('a'.repeat(3001))],
    });
    await expect(update).rejects.toThrow(/3000/);
    expect(calls).toEqual([]);
  });

  it('refuses a message without a text fallback', async () => {
    const { web, calls } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    await expect(slack.postMessage({ channel: 'C1', text: ' ', blocks: [section('hi')] })).rejects.toThrow(
      /text fallback/,
    );
    expect(calls).toEqual([]);
  });

  it('refuses a modal whose title is longer than 24 characters', async () => {
    const { web, calls } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    const view = {
      type: 'modal' as const,
      title: { type: 'plain_text' as const, text: 'A title that is far too long' },
      blocks: [],
    };
    await expect(slack.openView('trigger', view)).rejects.toThrow(/title/);
    expect(calls).toEqual([]);
  });

  it('posts a message that fits, in its thread, through the run hook (paced per channel)', async () => {
    const { web, calls } = fakeWeb();
    const seen: SlackCall[] = [];
    const run: SlackCallRunner = async (call, fn) => {
      seen.push(call);
      return fn(1);
    };
    const slack = createSlackClient({ web, logger, run });
    const posted = await slack.postMessage({
      channel: 'C1',
      threadTs: '100.1',
      text: 'hi',
      blocks: [section('hi')],
    });
    expect(posted).toEqual({ ts: '111.222', channel: 'C1' });
    expect(calls[0]?.args).toMatchObject({ channel: 'C1', thread_ts: '100.1', text: 'hi' });
    expect(seen).toEqual([
      { label: 'chat.postMessage', channel: 'C1', paced: true, recover: expect.any(Function) },
    ]);
  });

  it('reads the uploaded file id from the nested filesUploadV2 answer', async () => {
    const { web, calls } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    const uploaded = await slack.uploadFile({
      channel: 'C1',
      threadTs: '100.1',
      filename: 'report.md',
      title: 'Report',
      content: '# Report',
    });
    expect(uploaded).toEqual({ fileId: 'F123' });
    expect(calls[0]?.args).toMatchObject({ channel_id: 'C1', thread_ts: '100.1', filename: 'report.md' });
  });

  it('answers null for an email nobody in the workspace has', async () => {
    const { web } = fakeWeb();
    const slack = createSlackClient({ web, logger });
    expect(await slack.lookupUserByEmail('nobody@example.com')).toBeNull();
  });
});

describe('slackErrorCode', () => {
  it('finds the Slack error code inside a wrapping error', () => {
    const platform = Object.assign(new Error('An API error occurred: not_in_channel'), {
      data: { ok: false, error: 'not_in_channel' },
    });
    const wrapped = new Error('chat.postMessage failed after 1 attempt', { cause: platform });
    expect(slackErrorCode(wrapped)).toBe('not_in_channel');
    expect(slackErrorCode(new Error('network'))).toBeUndefined();
  });
});
