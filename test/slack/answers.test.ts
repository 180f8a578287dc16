import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { answerCommand, answerMention } from '../../src/slack/answers.ts';
import type { OutgoingMessage, SlackClient } from '../../src/slack/slack-client.ts';
import type { SlackDeps } from '../../src/slack/slack-deps.ts';
import type { SnapshotStore, StateStore } from '../../src/store/state-store.ts';
import { createSnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';
import { partialPort } from '../helpers/partial-port.ts';

type Upload = Parameters<SlackClient['uploadFile']>[0];

/** Deps around the sample analysis (as of the week of 2026-11-16, which ends 2026-11-22). */
function deps(): { deps: SlackDeps; uploads: Upload[]; sent: OutgoingMessage[] } {
  const uploads: Upload[] = [];
  const sent: OutgoingMessage[] = [];
  const result = buildSampleResult();
  const snapshots = createSnapshotHolder({
    store: partialPort<SnapshotStore>({ loadLatestSnapshot: async () => null }),
    settings: sampleSettings(),
  });
  snapshots.set({
    id: 's',
    createdAt: '2026-11-24T08:00:00.000Z',
    asOfPeriod: result.asOf.period,
    source: 't',
    result,
  });
  const slack = {
    uploadFile: async (file: Upload) => {
      uploads.push(file);
      return { fileId: 'F1' };
    },
    respond: async (_url: string, m: OutgoingMessage) => void sent.push(m),
    postMessage: async (m: OutgoingMessage) => void sent.push(m),
  };
  return {
    uploads,
    sent,
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

describe('the full report on request', () => {
  it('/revgap report uploads the markdown report to the channel, named by the as-of day', async () => {
    const d = deps();
    await answerCommand(
      { text: 'report', userId: 'U1', channelId: 'C9', responseUrl: 'https://x.test/r' },
      d.deps,
    );
    expect(d.uploads).toHaveLength(1);
    const file = d.uploads[0]!;
    expect([file.channel, file.threadTs, file.filename, file.title, file.initialComment]).toEqual([
      'C9',
      undefined,
      'revgap-report-week-of-2026-11-16.md',
      'revgap report, week of Mon 16 Nov 2026 (to 22 Nov)',
      '<@U1> asked for the full revgap report (week of Mon 16 Nov 2026 (to 22 Nov)).',
    ]);
    expect(file.content).toContain('Acme');
    expect(d.sent.map((m) => m.text)).toEqual(['The full report is uploaded in this channel.']);
  });

  it('@revgap report uploads the same file into the thread it was asked in', async () => {
    const d = deps();
    await answerMention({ text: '<@UBOT> report', userId: 'U1', channelId: 'C9', threadTs: '5.5' }, d.deps);
    expect(d.uploads).toHaveLength(1);
    const file = d.uploads[0]!;
    expect([file.channel, file.threadTs, file.filename, file.title, file.initialComment]).toEqual([
      'C9',
      '5.5',
      'revgap-report-week-of-2026-11-16.md',
      'revgap report, week of Mon 16 Nov 2026 (to 22 Nov)',
      undefined,
    ]);
    expect(d.sent.map((m) => m.text)).toEqual([
      '<@U1> here is the full report, week of Mon 16 Nov 2026 (to 22 Nov).',
    ]);
  });
});
