/**
 * `/revgap mine` (issue 10): my accounts and what I claimed, with the total and split by status;
 * an account of mine that someone else claimed is theirs now (counted, not listed), a snoozed one is
 * in the split but not the list.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { answerRevgap } from '../../src/use-cases/answer-command.ts';
import { buildSampleResult, sampleSettings } from '../helpers/build-result.ts';
import { initialisedPgliteDump } from '../helpers/pglite-dump.ts';
import { holderWith } from '../helpers/snapshot-holder.ts';

describe('/revgap mine', () => {
  const closing: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const s of closing) await s.close();
  });

  it('leaves out my account that someone else claimed, and says how many', async () => {
    const store = createPgliteStore({ dataDir: 'memory://', loadDataDir: await initialisedPgliteDump() });
    closing.push(store);
    const result = buildSampleResult();
    const snapshots = holderWith(result, sampleSettings(), { store, createdAt: '2026-11-23T08:00:00.000Z' });
    const deps = {
      chat: { userEmail: async () => null },
      store,
      snapshots,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-24T09:00:00.000Z'),
    };
    const mine = async () =>
      (await answerRevgap('mine', { userId: 'U0ACME01', audience: 'private' }, deps)).message;

    // C001 (Acme) is U0ACME01's account in the sample.
    expect(JSON.stringify((await mine()).blocks)).toContain('gap:s:C001');
    await store.recordFollowUp({
      id: 'e1',
      customerId: 'C001',
      kind: 'claim',
      userId: 'U0OTHER',
      at: '2026-11-24T08:00:00.000Z',
    });
    const after = await mine();
    expect(JSON.stringify(after.blocks)).not.toContain('gap:s:C001');
    expect(JSON.stringify(after.blocks)).toContain(
      '1 more account of yours is claimed by someone else (not listed).',
    );
  });
});
