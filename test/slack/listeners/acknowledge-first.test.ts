/**
 * Every listener acknowledges Slack before doing any work (Slack gives 3 seconds), then answers.
 * The listeners are registered on a stand-in for the Bolt app that records their callbacks.
 */
import type { App } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { ACTION_CLAIM, encodeCardAction } from '../../../src/render/slack/ids.ts';
import * as claim from '../../../src/slack/listeners/actions/claim.ts';
import * as revgap from '../../../src/slack/listeners/commands/revgap.ts';
import type { SlackClient } from '../../../src/slack/slack-client.ts';
import type { SlackDeps } from '../../../src/slack/slack-deps.ts';
import type { StateStore } from '../../../src/store/state-store.ts';
import { buildSampleResult, sampleSettings } from '../../helpers/build-result.ts';
import { holderWith } from '../../helpers/snapshot-holder.ts';

type Handler = (args: Record<string, unknown>) => Promise<void>;

function recordingApp() {
  const handlers = new Map<string, Handler>();
  const app = {
    command: (name: string, fn: Handler) => handlers.set(`command:${name}`, fn),
    action: (id: string, fn: Handler) => handlers.set(`action:${id}`, fn),
  };
  return { app: app as unknown as App, handlers };
}

function depsRecording(steps: string[]): SlackDeps {
  const settings = sampleSettings();
  const result = buildSampleResult();
  const snapshots = holderWith(result, settings);
  const slack = {
    respond: async () => void steps.push('respond'),
    postMessage: async () => {
      steps.push('postMessage');
      return { ts: '2.1', channel: 'C1' };
    },
    postEphemeral: async () => void steps.push('postEphemeral'),
    updateMessage: async () => void steps.push('updateMessage'),
    fetchMessage: async () => null,
  } as unknown as SlackClient;
  const store = {
    getGapStates: async () => new Map(),
    listFollowUps: async () => [],
    recordFollowUp: async () => {
      steps.push('recordFollowUp');
      return true;
    },
    findDigestByMessage: async () => null,
    getDigestRunById: async () => null,
    listDigestRuns: async () => [],
  } as unknown as StateStore;
  return {
    slack,
    store,
    snapshots,
    digestChannel: 'C1',
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-11-24T08:00:00.000Z'),
  };
}

describe('listeners acknowledge first', () => {
  it('/revgap <customer> answers in the acknowledgement itself (ready well within 3 s)', async () => {
    const steps: string[] = [];
    const { app, handlers } = recordingApp();
    revgap.register(app, depsRecording(steps));
    await handlers.get('command:/revgap')!({
      ack: async (body?: { text: string }) =>
        void steps.push(body ? `ack: ${body.text.slice(0, 30)}` : 'ack'),
      command: { text: 'C001', user_id: 'U1', channel_id: 'C1', response_url: 'https://example.test/r' },
    });
    expect(steps).toEqual([expect.stringMatching(/^ack: .*C001/)]);
  });

  it('/revgap log acks, then records and answers through the response_url', async () => {
    const steps: string[] = [];
    const { app, handlers } = recordingApp();
    revgap.register(app, depsRecording(steps));
    await handlers.get('command:/revgap')!({
      ack: async (body?: unknown) => void steps.push(body ? 'ack with a body' : 'ack'),
      command: {
        text: 'log C001: called the buyer',
        user_id: 'U1',
        channel_id: 'C1',
        response_url: 'https://example.test/r',
        trigger_id: 't1',
      },
    });
    expect(steps[0]).toBe('ack');
    expect(steps).toContain('recordFollowUp');
  });

  it('Claim acks, then records and answers', async () => {
    const steps: string[] = [];
    const { app, handlers } = recordingApp();
    claim.register(app, depsRecording(steps));
    const value = encodeCardAction('C001');
    await handlers.get(`action:${ACTION_CLAIM}`)!({
      ack: async () => void steps.push('ack'),
      body: {
        type: 'block_actions',
        user: { id: 'U1' },
        channel: { id: 'C1' },
        container: { message_ts: '1.1', channel_id: 'C1' },
        actions: [{ action_id: ACTION_CLAIM, block_id: 'gap:a:C001', value, action_ts: '1.2' }],
        trigger_id: 't',
      },
      action: { action_id: ACTION_CLAIM, block_id: 'gap:a:C001', value, action_ts: '1.2' },
    });
    // No digest shows the customer here, so the confirmation is private.
    expect(steps).toEqual(['ack', 'recordFollowUp', 'postEphemeral']);
  });
});
