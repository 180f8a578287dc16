import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { acknowledgeCommand, answerCommand, answerMention } from '../../src/slack/answers.ts';
import type { OutgoingMessage, ReplyBody, SlackClient } from '../../src/slack/slack-client.ts';
import type { SlackDeps } from '../../src/slack/slack-deps.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { buildSampleResult } from '../helpers/build-result.ts';
import { holderWith } from '../helpers/snapshot-holder.ts';

type Upload = Parameters<SlackClient['uploadFile']>[0];

/** Deps around the sample analysis (as of the week of 2026-11-16, which ends 2026-11-22). */
function deps(): {
  deps: SlackDeps;
  uploads: Upload[];
  sent: OutgoingMessage[];
  ephemeral: Array<OutgoingMessage & { channel: string; user: string; threadTs?: string }>;
} {
  const uploads: Upload[] = [];
  const sent: OutgoingMessage[] = [];
  const ephemeral: Array<OutgoingMessage & { channel: string; user: string; threadTs?: string }> = [];
  const result = buildSampleResult();
  const snapshots = holderWith(result);
  const slack = {
    uploadFile: async (file: Upload) => {
      uploads.push(file);
      return { fileId: 'F1' };
    },
    respond: async (_url: string, m: OutgoingMessage) => void sent.push(m),
    postMessage: async (m: OutgoingMessage) => void sent.push(m),
    postEphemeral: async (m: OutgoingMessage & { channel: string; user: string }) => void ephemeral.push(m),
    openDirectMessage: async (user: string) => `D-${user}`,
    userEmail: async () => null,
  };
  return {
    uploads,
    sent,
    ephemeral,
    deps: {
      slack: slack as unknown as SlackClient,
      store: { listFollowUps: async () => [], getGapStates: async () => new Map() } as unknown as StateStore,
      snapshots,
      digestChannel: 'C1',
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T08:00:00.000Z'),
    },
  };
}

describe('the full report on request: private by default', () => {
  it('/revgap report in a channel sends the file to a direct message, not the channel', async () => {
    const d = deps();
    await answerCommand(
      { text: 'report', userId: 'U1', channelId: 'C9', responseUrl: 'https://x.test/r' },
      d.deps,
    );
    expect(d.uploads).toHaveLength(1);
    const file = d.uploads[0]!;
    expect([file.channel, file.threadTs, file.filename, file.title, file.initialComment]).toEqual([
      'D-U1',
      undefined,
      'revgap-report-week-of-2026-11-16.md',
      'revgap report, week of Mon 16 Nov 2026 (to 22 Nov)',
      'The full revgap report you asked for (week of Mon 16 Nov 2026 (to 22 Nov)).',
    ]);
    expect(file.content).toContain('Acme');
    expect(d.sent.map((m) => m.text)).toEqual([
      ':page_facing_up: The full report, week of Mon 16 Nov 2026 (to 22 Nov), is in your direct messages with revgap (only you see it). To show it to the team, share the file from there.',
    ]);
  });

  it('@revgap report in a thread sends the file to a direct message and tells only the asker', async () => {
    const d = deps();
    await answerMention({ text: '<@UBOT> report', userId: 'U1', channelId: 'C9', threadTs: '5.5' }, d.deps);
    expect(d.uploads.map((f) => [f.channel, f.threadTs])).toEqual([['D-U1', undefined]]);
    expect(d.sent).toEqual([]);
    expect(d.ephemeral.map((m) => [m.channel, m.user, m.threadTs])).toEqual([['C9', 'U1', '5.5']]);
  });
});

describe('personal answers asked in a thread are private', () => {
  it('@revgap <customer> in a thread: the deep dive only for the asker, with Share in channel', async () => {
    const d = deps();
    await answerMention({ text: '<@UBOT> bolt', userId: 'U1', channelId: 'C9', threadTs: '5.5' }, d.deps);
    expect(d.sent).toEqual([]);
    expect(d.ephemeral).toHaveLength(1);
    const answer = d.ephemeral[0]!;
    expect([answer.channel, answer.user, answer.threadTs]).toEqual(['C9', 'U1', '5.5']);
    expect(answer.text).toContain('Bolt_Works (C002)');
    expect(JSON.stringify(answer.blocks)).toContain('Share in channel');
  });

  it('@revgap mine in a thread: private too', async () => {
    const d = deps();
    await answerMention({ text: '<@UBOT> mine', userId: 'U1', channelId: 'C9', threadTs: '5.5' }, d.deps);
    expect(d.sent).toEqual([]);
    expect(d.ephemeral).toHaveLength(1);
  });

  it('@revgap top in a thread stays public (the team list)', async () => {
    const d = deps();
    await answerMention({ text: '<@UBOT> top', userId: 'U1', channelId: 'C9', threadTs: '5.5' }, d.deps);
    expect(d.ephemeral).toEqual([]);
    expect(d.sent).toHaveLength(1);
  });
});

describe('/revgap answered in its acknowledgement', () => {
  const input = (text: string) => ({ text, userId: 'U1', channelId: 'C9', responseUrl: 'https://x.test/r' });
  const acks = (steps: string[], bodies: (ReplyBody | undefined)[]) => async (body?: ReplyBody) => {
    steps.push(body ? 'ack with the answer' : 'empty ack');
    bodies.push(body);
  };

  it('carries a deep dive in the acknowledgement, privately, and sends nothing to the response_url', async () => {
    const d = deps();
    const steps: string[] = [];
    const bodies: (ReplyBody | undefined)[] = [];
    await acknowledgeCommand(input('C002'), acks(steps, bodies), d.deps);
    expect(steps).toEqual(['ack with the answer']);
    expect(bodies[0]?.response_type).toBe('ephemeral');
    expect(bodies[0]?.text).toContain('Bolt_Works (C002)');
    expect(JSON.stringify(bodies[0]?.blocks)).toContain('Share in channel');
    expect(d.sent).toEqual([]);
  });

  it('acknowledges at once and answers through the response_url when the answer is not ready in time', async () => {
    const d = deps();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The follow-up history (read for a deep dive) waits until the empty acknowledgement went out.
    d.deps.store = {
      ...d.deps.store,
      listFollowUps: async () => {
        await held;
        return [];
      },
    } as unknown as StateStore;
    const steps: string[] = [];
    const bodies: (ReplyBody | undefined)[] = [];
    const answered = acknowledgeCommand(
      input('C002'),
      async (body) => {
        await acks(steps, bodies)(body);
        release();
      },
      d.deps,
      { budgetMs: 1 },
    );
    await answered;
    expect(steps).toEqual(['empty ack']);
    expect(d.sent.map((m) => m.text)).toEqual([expect.stringContaining('Bolt_Works (C002)')]);
  });

  it('acknowledges the report empty first: the file goes to a direct message, the note to the response_url', async () => {
    const d = deps();
    const steps: string[] = [];
    await acknowledgeCommand(input('report'), acks(steps, []), d.deps);
    expect(steps).toEqual(['empty ack']);
    expect(d.uploads.map((f) => f.channel)).toEqual(['D-U1']);
    expect(d.sent).toHaveLength(1);
  });

  it('says what failed in the acknowledgement when the answer cannot be built', async () => {
    const d = deps();
    d.deps.store = {
      listFollowUps: async () => {
        throw new Error('database gone');
      },
    } as unknown as StateStore;
    const bodies: (ReplyBody | undefined)[] = [];
    await acknowledgeCommand(input('C002'), acks([], bodies), d.deps);
    expect(bodies[0]?.text).toContain('database gone');
    expect(d.sent).toEqual([]);
  });
});
