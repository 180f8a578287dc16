import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { handleCardAction } from '../../src/slack/card-actions.ts';
import type { OutgoingMessage, SlackClient } from '../../src/slack/slack-client.ts';
import type { SlackDeps } from '../../src/slack/slack-deps.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { buildSampleResult } from '../helpers/build-result.ts';
import { holderWith } from '../helpers/snapshot-holder.ts';

const notInChannel = () =>
  Object.assign(new Error('An API error occurred: not_in_channel'), {
    data: { ok: false, error: 'not_in_channel' },
  });

function deps(slack: Partial<SlackClient>): SlackDeps {
  const result = buildSampleResult();
  const snapshots = holderWith(result);
  return {
    slack: slack as SlackClient,
    store: { listFollowUps: async () => [], getGapStates: async () => new Map() } as unknown as StateStore,
    snapshots,
    digestChannel: 'C1',
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-11-24T08:00:00.000Z'),
  };
}

describe('Deep dive on a card', () => {
  const click = {
    kind: 'deep_dive' as const,
    eventId: 'e1',
    userId: 'U1',
    channel: 'C9',
    messageTs: '1.1',
    customerId: 'C002',
    responseUrl: 'https://example.test/response',
  };

  it('answers privately in the channel', async () => {
    const sent: Array<OutgoingMessage & { user: string }> = [];
    await handleCardAction(click, deps({ postEphemeral: async (m) => void sent.push(m) }));
    expect(sent.map((m) => [m.user, m.text.split(':')[0]])).toEqual([['U1', 'Bolt_Works (C002)']]);
  });

  it('answers through the click response_url where the bot is not in the channel', async () => {
    const responded: Array<[string, OutgoingMessage]> = [];
    await handleCardAction(
      click,
      deps({
        postEphemeral: async () => {
          throw notInChannel();
        },
        respond: async (url, m) => void responded.push([url, m]),
      }),
    );
    expect(responded).toHaveLength(1);
    expect(responded[0]?.[0]).toBe('https://example.test/response');
    expect(responded[0]?.[1]).toMatchObject({ responseType: 'ephemeral', replaceOriginal: false });
    expect(responded[0]?.[1].text).toMatch(/^Bolt_Works \(C002\)/);
  });
});
