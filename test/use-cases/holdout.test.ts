/**
 * The holdout wired to the store: assignments survive a restart and a change of top N without
 * being re-drawn, and held-out customers stay out of /revgap top and mine while held out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { holdoutDraw } from '../../src/core/holdout.ts';
import { createLogger } from '../../src/logger.ts';
import { createStateStore } from '../../src/store/create-state-store.ts';
import { answerRevgap } from '../../src/use-cases/answer-command.ts';
import { heldOutNow, updateHoldout } from '../../src/use-cases/holdout.ts';
import { createSnapshotHolder } from '../../src/use-cases/refresh-snapshot.ts';
import { buildLargeResult, sampleSettings } from '../helpers/build-result.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-holdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = buildLargeResult(60, 20);
const settings = (topN: number) => ({ topN, recentWindow: 4, percent: 30 });

describe('holdout assignments in the store', () => {
  it('never re-draws an assignment after a restart, a new salt candidate or a different top N', async () => {
    let store = createStateStore({ dataDir: dir });
    await updateHoldout(result, settings(10), store, '2026-11-23T08:00:00.000Z', () => 'salt-first');
    const first = await store.listHoldoutAssignments();
    await store.close();
    // 10 shown, plus the held-out ones among them (30% each, by the stable hash with the first salt).
    expect(first.filter((r) => !r.assignment.heldOut)).toHaveLength(10);
    for (const r of first) {
      expect(r.assignment.heldOut).toBe(
        holdoutDraw(r.assignment.customerId, result.asOf.period, 'salt-first') < 0.3,
      );
    }

    // Restart: a new store on the same data; the next week's analysis with top N 20 and another
    // salt candidate (a new process would generate one).
    store = createStateStore({ dataDir: dir });
    const nextWeek = { ...result, asOf: { ...result.asOf, period: result.asOf.period + 1 } };
    await updateHoldout(nextWeek, settings(20), store, '2026-11-30T08:00:00.000Z', () => 'salt-second');
    expect(await store.holdoutSalt('salt-third')).toBe('salt-first');
    const second = await store.listHoldoutAssignments();
    for (const r of first) {
      const again = second.find((x) => x.assignment.customerId === r.assignment.customerId);
      expect(again?.assignment).toEqual(r.assignment);
    }
    const added = second.filter(
      (r) => !first.some((f) => f.assignment.customerId === r.assignment.customerId),
    );
    expect(added.length).toBeGreaterThan(0);
    expect(added.every((r) => r.assignment.firstPeriod === result.asOf.period + 1)).toBe(true);
    expect(second.filter((r) => !r.assignment.heldOut)).toHaveLength(20);

    // Top N back down to 5: nothing changes.
    await updateHoldout(nextWeek, settings(5), store, '2026-12-01T08:00:00.000Z', () => 'salt-fourth');
    expect((await store.listHoldoutAssignments()).map((r) => r.assignment)).toEqual(
      second.map((r) => r.assignment),
    );

    // Held-out customers never reach /revgap top or mine.
    const heldOut = heldOutNow(second);
    expect(heldOut.size).toBeGreaterThan(0);
    const snapshots = createSnapshotHolder({ store, settings: sampleSettings() });
    snapshots.set({
      id: 's',
      createdAt: '2026-12-01T08:00:00.000Z',
      asOfPeriod: nextWeek.asOf.period,
      source: 'test',
      result: nextWeek,
      settings: sampleSettings({ topN: 20 }),
    });
    const deps = {
      chat: { userEmail: async () => null },
      store,
      snapshots,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-12-01T09:00:00.000Z'),
      holdout: store,
    };
    const top = await answerRevgap('top 25', { userId: 'U0000000000', audience: 'private' }, deps);
    const text = JSON.stringify(top.message);
    for (const id of heldOut) expect(text).not.toContain(id);
    // The answer lists the visible customers in rank order, passing over held-out ones ranked between.
    const ranked = result.priorities.map((p) => p.customerId);
    const shownIds = ranked.filter((id) => text.includes(id));
    const visible = ranked.filter((id) => !heldOut.has(id));
    // Ids show in the full cards' button values (the rest are compact lines by name): at least 8 cards.
    expect(shownIds.length).toBeGreaterThanOrEqual(8);
    expect(shownIds).toEqual(visible.slice(0, shownIds.length));
    const lastShownRank = ranked.indexOf(shownIds.at(-1) ?? '');
    expect(ranked.slice(0, lastShownRank).some((id) => heldOut.has(id))).toBe(true);
    const mine = JSON.stringify(
      (await answerRevgap('mine', { userId: 'U0000000000', audience: 'private' }, deps)).message,
    );
    for (const id of heldOut) expect(mine).not.toContain(id);
    await store.close();
  }, 60_000);

  it('draws and measures the same when the customers are looked up in slices of one', async () => {
    const draw = async (options: { sliceSize?: number; pause?: () => Promise<void> }) => {
      const storeDir = mkdtempSync(join(dir, 'slices-'));
      const store = createStateStore({ dataDir: storeDir });
      await updateHoldout(result, settings(10), store, '2026-11-23T08:00:00.000Z', () => 'salt', options);
      const nextWeek = { ...result, asOf: { ...result.asOf, period: result.asOf.period + 1 } };
      const counts = await updateHoldout(
        nextWeek,
        settings(10),
        store,
        '2026-11-30T08:00:00.000Z',
        () => 'salt',
        options,
      );
      const records = await store.listHoldoutAssignments();
      await store.close();
      return { counts, records };
    };
    let pauses = 0;
    const sliced = await draw({
      sliceSize: 1,
      pause: async () => {
        pauses++;
      },
    });
    expect(sliced).toEqual(await draw({}));
    expect(sliced.counts.measured).toBeGreaterThan(0);
    // Two updates, each pausing between its customers' slices.
    expect(pauses).toBe(2 * (result.customers.length - 1));
  }, 60_000);
});
