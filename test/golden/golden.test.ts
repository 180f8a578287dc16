/**
 * Golden comparison: what users see for the bundled sample data, byte for byte, so a refactoring
 * cannot change it unnoticed. Compared exactly against the files in test/fixtures/golden/:
 * - `revgap analyze` (markdown report, and its note on stderr) and `revgap analyze --format json`;
 * - `revgap customer <the top-ranked customer>` (the markdown deep dive);
 * - the weekly digest as posted to Slack (parent + threaded continuations, with a claimed, a
 *   contacted and a snoozed gap) and the report file uploaded into its thread;
 * - `/revgap <customer>` (the Slack deep dive), `/revgap top 15`, `/revgap nosuchcustomr`.
 *
 * When an output is meant to change (a new section, new wording, a new sample generator), re-generate
 * the files on purpose and review the diff like code:
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden
 *   git diff test/fixtures/golden
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { FollowUpEvent } from '../../src/core/types.ts';
import { createLogger } from '../../src/logger.ts';
import { answerCommand } from '../../src/slack/answers.ts';
import type { SlackClient } from '../../src/slack/slack-client.ts';
import { analysisRequestFromConfig } from '../../src/sources/open-sources.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import type { StateStore } from '../../src/store/state-store.ts';
import { postDigestRun } from '../../src/use-cases/post-digest.ts';
import { createSnapshotHolder, type SnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { runAnalysis } from '../../src/use-cases/run-analysis.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const GOLDEN_DIR = join(import.meta.dirname, '../fixtures/golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const NOW = new Date('2026-11-24T10:00:00.000Z');
const TODAY = NOW.toISOString().slice(0, 10);

/** Compares `actual` with the golden file exactly (or writes it under UPDATE_GOLDEN=1). */
function expectGolden(name: string, actual: string): void {
  const path = join(GOLDEN_DIR, name);
  if (UPDATE) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden to create it`);
  }
  expect(actual, `${name} differs from its golden file (UPDATE_GOLDEN=1 re-generates it on purpose)`).toBe(
    readFileSync(path, 'utf8'),
  );
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

async function cli(...argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runCliCaptured(argv, { cwd: GOLDEN_DIR, now: NOW });
  expect(code, stderr).toBe(0);
  return { stdout, stderr };
}

describe('golden: CLI output for the bundled sample', () => {
  it('revgap analyze (markdown report)', async () => {
    const { stdout, stderr } = await cli('analyze');
    expectGolden('analyze.md', stdout);
    expectGolden('analyze.stderr.txt', stderr);
  });

  it('revgap analyze --format json', async () => {
    expectGolden('analyze.json', (await cli('analyze', '--format', 'json')).stdout);
  });

  it('revgap customer <top-ranked customer> (markdown deep dive)', async () => {
    const document = JSON.parse((await cli('analyze', '--format', 'json')).stdout) as {
      priorities: Array<{ customerId: string }>;
    };
    const top = document.priorities[0]?.customerId;
    expect(top).toBeDefined();
    expectGolden('customer.md', (await cli('customer', top!)).stdout);
  });
});

describe('golden: Slack output for the bundled sample', () => {
  let store: StateStore;
  let snapshots: SnapshotHolder;
  const logger = createLogger({ level: 'silent' });
  const posted: unknown[] = [];
  const uploads: unknown[] = [];
  const responses: unknown[] = [];
  const slack = {
    postMessage: async (m: { channel: string }) => {
      posted.push(m);
      return { ts: `1700000000.${String(posted.length).padStart(6, '0')}`, channel: m.channel };
    },
    uploadFile: async (f: unknown) => {
      uploads.push(f);
      return { fileId: 'F0GOLDEN' };
    },
    respond: async (_url: string, m: unknown) => {
      responses.push(m);
    },
    userEmail: async () => null,
    lookupUserByEmail: async () => null,
  } as unknown as SlackClient;
  let ranked: string[] = [];

  beforeAll(async () => {
    // Top 30: more cards than one message holds, so the digest has threaded continuations.
    const config = loadConfig({ env: {}, flags: { top: '30' }, cwd: GOLDEN_DIR });
    store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
    await store.ready();
    const result = await runAnalysis(analysisRequestFromConfig(config, TODAY));
    ranked = result.priorities.map((p) => p.customerId);
    const snapshot = {
      id: 'snapshot-golden',
      createdAt: NOW.toISOString(),
      asOfPeriod: result.asOf.period,
      source: 'the bundled sample data',
      result,
      settings: config.analysis,
    };
    await store.saveSnapshot(snapshot);
    snapshots = createSnapshotHolder({ store, settings: config.analysis });
    snapshots.set(snapshot);
    const at = (hoursAgo: number) => new Date(NOW.getTime() - hoursAgo * 3_600_000).toISOString();
    const gapOf = (id: string) => result.priorities.find((p) => p.customerId === id)?.gapAmountCents;
    const events: FollowUpEvent[] = [
      { id: 'ev-1', customerId: ranked[0]!, kind: 'claim', userId: 'U0ALICE', at: at(48) },
      {
        id: 'ev-2',
        customerId: ranked[1]!,
        kind: 'follow_up',
        outcome: 'contacted',
        note: 'Called, budget review next week',
        userId: 'U0BOB',
        at: at(30),
      },
      {
        id: 'ev-3',
        customerId: ranked[2]!,
        kind: 'snooze',
        snoozeUntil: '2026-12-08',
        userId: 'U0BOB',
        at: at(20),
        ...(gapOf(ranked[2]!) !== undefined ? { gapAmountCents: gapOf(ranked[2]!)! } : {}),
      },
    ];
    for (const event of events) await store.recordFollowUp(event);
  }, 60_000);

  afterAll(async () => {
    await store?.close();
  });

  it('the weekly digest: parent, continuations and the report in its thread', async () => {
    const { run } = await store.claimDigestRun({
      id: 'run-golden',
      runKey: 'digest:C0REVENUE:golden',
      channel: 'C0REVENUE',
      slot: '2026-11-23T08:00:00.000Z',
      createdAt: NOW.toISOString(),
      late: false,
    });
    await postDigestRun(
      { run, late: false, resumed: false },
      { slack, store, snapshots, logger, now: () => NOW },
    );
    expect(posted.length).toBeGreaterThan(1);
    expectGolden('digest-messages.json', json(posted));
    const [upload] = uploads as Array<{ content: string }>;
    expect(uploads).toHaveLength(1);
    expectGolden('digest-report.md', upload!.content);
    expectGolden(
      'digest-upload.json',
      json({ ...upload, content: `<${upload!.content.length} characters>` }),
    );
  });

  it('/revgap <customer>, /revgap top 15 and a customer that does not exist', async () => {
    const deps = {
      slack,
      store,
      snapshots,
      digestChannel: 'C0REVENUE',
      logger,
      now: () => NOW,
    };
    const ask = async (text: string) => {
      responses.length = 0;
      await answerCommand(
        { text, userId: 'U0ALICE', channelId: 'C0REVENUE', responseUrl: 'https://x' },
        deps,
      );
      expect(responses).toHaveLength(1);
      return responses[0];
    };
    expectGolden('command-customer.json', json(await ask(ranked[0]!)));
    expectGolden('command-top.json', json(await ask('top 15')));
    expectGolden('command-not-found.json', json(await ask('nosuchcustomr')));
  });
});
