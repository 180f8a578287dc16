import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import type { OutgoingMessage, SlackClient } from '../../src/slack/slack-client.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { postDigestRun } from '../../src/use-cases/post-digest.ts';
import { createSnapshotHolder, type SnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildLargeResult, sampleSettings } from '../helpers/build-result.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';

type Posted = OutgoingMessage & { channel: string; threadTs?: string };

function recordingSlack(failAtPost?: number, tsPrefix = '500') {
  const posted: Posted[] = [];
  const uploads: Array<{ channel: string; threadTs?: string; filename: string }> = [];
  const slack = {
    postMessage: async (m: Posted) => {
      if (posted.length + 1 === failAtPost) throw new Error('the process died here');
      posted.push(m);
      return { ts: `${tsPrefix}.${posted.length}`, channel: m.channel };
    },
    uploadFile: async (f: { channel: string; threadTs?: string; filename: string }) => {
      uploads.push(f);
      return { fileId: 'F1' };
    },
  } as unknown as SlackClient;
  return { slack, posted, uploads };
}

const NOW = new Date('2026-11-24T09:00:00.000Z');
// 45 long cards: more than one message holds.
const result = buildLargeResult(45, 150);
const settings = sampleSettings({ topN: 45 });
let store: StateStore;
let snapshots: SnapshotHolder;

beforeAll(async () => {
  store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
  snapshots = createSnapshotHolder({ store, settings });
  const snapshot = {
    id: 'snap-1',
    createdAt: NOW.toISOString(),
    asOfPeriod: result.asOf.period,
    source: 't',
    result,
    settings,
  };
  await store.saveSnapshot(snapshot);
  snapshots.set(snapshot);
}, 60_000);

afterAll(async () => {
  await store?.close();
});

const claim = (runKey: string) =>
  store.claimDigestRun({
    runKey,
    channel: 'C1',
    slot: 'manual:t',
    createdAt: NOW.toISOString(),
    late: false,
  });
const deps = (slack: SlackClient) => ({
  slack,
  store,
  snapshots,
  logger: createLogger({ level: 'silent' }),
  now: () => NOW,
});

describe('postDigestRun', () => {
  it('posts the parent, then the continuations and the report in its thread, recording each part', async () => {
    const { run } = await claim('digest:C1:fresh');
    const fake = recordingSlack();
    const outcome = await postDigestRun({ run, late: false, resumed: false }, deps(fake.slack));
    expect(outcome.parts).toBeGreaterThan(1);
    expect(outcome.cards).toBe(45);
    expect(fake.posted[0]?.threadTs).toBeUndefined();
    expect(fake.posted.slice(1).every((m) => m.threadTs === '500.1')).toBe(true);
    expect(fake.uploads).toEqual([expect.objectContaining({ channel: 'C1', threadTs: '500.1' })]);
    const saved = await store.getDigestRunById(run.id);
    expect(saved?.parts.map((p) => p.partIndex)).toEqual(fake.posted.map((_, i) => i));
    expect(saved?.priorities).toHaveLength(45);
    expect(saved?.fileId).toBe('F1');
  });

  it('resumes an interrupted run: posts only the missing parts, in the same thread, with the same cards', async () => {
    const { run } = await claim('digest:C1:interrupted');
    const first = recordingSlack(2);
    await expect(postDigestRun({ run, late: false, resumed: false }, deps(first.slack))).rejects.toThrow(
      'died',
    );
    expect(first.posted).toHaveLength(1);

    const again = await store.getDigestRunById(run.id);
    const second = recordingSlack(undefined, '600');
    const outcome = await postDigestRun({ run: again!, late: false, resumed: true }, deps(second.slack));
    // The parent was not posted again; the rest went under it.
    expect(second.posted).toHaveLength(outcome.parts - 1);
    expect(second.posted.every((m) => m.threadTs === '500.1')).toBe(true);
    expect(second.uploads).toHaveLength(1);
    const done = await store.getDigestRunById(run.id);
    expect(done?.parts.map((p) => p.ts)).toEqual(['500.1', ...second.posted.map((_, i) => `600.${i + 1}`)]);
  });

  it('gives held-out customers no card and leaves them out of the report, which says how many', async () => {
    // Customers 3 and 7 are held out (recorded assignments, not yet past their horizon).
    const heldIds = [result.priorities[2]!.customerId, result.priorities[6]!.customerId];
    await store.recordHoldoutAssignments(
      result.priorities.slice(0, 10).map((p) => ({
        customerId: p.customerId,
        firstPeriod: result.asOf.period,
        periodKind: 'week' as const,
        heldOut: heldIds.includes(p.customerId),
        share: 0.1,
        assignedAt: NOW.toISOString(),
        baselineCents: 100_000,
        recentCents: 20_000,
      })),
    );
    const { run } = await claim('digest:C1:holdout');
    const fake = recordingSlack(undefined, '700');
    const outcome = await postDigestRun(
      { run, late: false, resumed: false },
      { ...deps(fake.slack), holdout: store, holdoutPercent: 10 },
    );
    expect(outcome.cards).toBe(43);
    const saved = await store.getDigestRunById(run.id);
    expect(saved?.priorities.map((p) => p.customerId)).toEqual(
      result.priorities.map((p) => p.customerId).filter((id) => !heldIds.includes(id)),
    );
    const posted = JSON.stringify(fake.posted);
    for (const id of heldIds) expect(posted).not.toContain(id);
    const report = (fake.uploads[0] as unknown as { content: string }).content;
    for (const id of heldIds) expect(report).not.toContain(id);
    expect(report).toContain('2 customers are held out now');
  });
});
