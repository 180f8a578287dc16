/**
 * An in-memory stand-in for the parts of the StateStore the weekly job uses, with the same
 * semantics as the port documents (claim once per key, lock refused while held).
 */

import type { WeeklyJobStore } from '../../src/scheduler/weekly-job.ts';
import type { DigestRun, JobLock } from '../../src/store/state-store.ts';
import { partialPort } from '../helpers/partial-port.ts';

export interface FakeJobStore extends WeeklyJobStore {
  runs: Map<string, DigestRun>;
  held: Set<string>;
  /** Adds a run as a crashed process would have left it. */
  seed(run: Partial<DigestRun> & { runKey: string }): DigestRun;
}

export function createFakeJobStore(): FakeJobStore {
  const runs = new Map<string, DigestRun>();
  const held = new Set<string>();
  let ids = 0;
  const byId = (id: string): DigestRun => {
    const run = [...runs.values()].find((r) => r.id === id);
    if (!run) throw new Error(`no run ${id}`);
    return run;
  };
  const seed = (partial: Partial<DigestRun> & { runKey: string }): DigestRun => {
    const run: DigestRun = {
      id: `run-${++ids}`,
      channel: 'C1',
      slot: '',
      late: false,
      status: 'running',
      createdAt: '2026-01-01T00:00:00.000Z',
      snapshotId: null,
      parts: [],
      priorities: [],
      fileId: null,
      completedAt: null,
      failedAt: null,
      failureReason: null,
      attempts: 0,
      lastError: null,
      ...partial,
    };
    runs.set(run.runKey, run);
    return run;
  };
  // The weekly job uses the lock and six of the run methods; any other call fails the test.
  return partialPort<FakeJobStore>({
    runs,
    held,
    seed,
    async withJobLock(name, fn) {
      if (held.has(name)) return { acquired: false };
      held.add(name);
      let isHeld = true;
      const lock: JobLock = {
        name,
        isHeld: () => isHeld,
        release: async () => {
          isHeld = false;
          held.delete(name);
        },
      };
      try {
        return { acquired: true, value: await fn(lock) };
      } finally {
        await lock.release();
      }
    },
    async getDigestRun(runKey) {
      const run = runs.get(runKey);
      return run ? structuredClone(run) : null;
    },
    async claimDigestRun(claim) {
      const existing = runs.get(claim.runKey);
      if (existing) return { claimed: false, run: structuredClone(existing) };
      const run = seed({ ...claim, status: 'running' });
      return { claimed: true, run: structuredClone(run) };
    },
    async markDigestCompleted(runId, at) {
      Object.assign(byId(runId), { status: 'completed', completedAt: at });
    },
    async markDigestFailed(runId, reason, at) {
      Object.assign(byId(runId), { status: 'failed', failedAt: at, failureReason: reason });
    },
    async recordDigestAttempt(runId, error) {
      const run = byId(runId);
      run.attempts += 1;
      run.lastError = error;
    },
  });
}
