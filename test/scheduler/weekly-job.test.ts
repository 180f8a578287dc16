import { describe, expect, it } from 'vitest';
import {
  createWeeklyJob,
  type DigestJobContext,
  type WeeklyJobOptions,
} from '../../src/scheduler/weekly-job.ts';
import { runKeyForSlot } from '../../src/use-cases/run-digest.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import { createFakeJobStore, type FakeJobStore } from './fake-job-store.ts';

// Monday 23 November 2026, 09:00 in Berlin (CET, UTC+1) is 08:00Z.
const SLOT = new Date('2026-11-23T08:00:00.000Z');
const KEY = runKeyForSlot('C1', SLOT);

interface Harness {
  store: FakeJobStore;
  clock: { t: Date };
  runs: DigestJobContext[];
  reports: unknown[];
  tick: () => void;
  job: ReturnType<typeof createWeeklyJob>;
  logs: ReturnType<typeof captureLogs>;
}

function harness(
  at: string,
  overrides: Partial<WeeklyJobOptions> = {},
  shared?: { store: FakeJobStore; clock: { t: Date } },
): Harness {
  const store = shared?.store ?? createFakeJobStore();
  const clock = shared?.clock ?? { t: new Date(at) };
  const runs: DigestJobContext[] = [];
  const reports: unknown[] = [];
  const logs = captureLogs();
  let onTick: () => void = () => undefined;
  const job = createWeeklyJob({
    schedule: '0 9 * * 1',
    timezone: 'Europe/Berlin',
    channel: 'C1',
    store,
    logger: logs.logger,
    now: () => clock.t,
    runDigest: async (context) => void runs.push(context),
    reportFailure: async (report) => void reports.push(report),
    startTicker: (fn) => {
      onTick = fn;
      return { stop: () => undefined };
    },
    ...overrides,
  });
  return { store, clock, runs, reports, job, logs, tick: () => onTick() };
}

describe('createWeeklyJob: catch-up at start-up', () => {
  it('posts a slot missed while down once, marked late, within the 24 h window', async () => {
    const h = harness('2026-11-24T05:00:00Z'); // 21 h after the slot
    expect(await h.job.start()).toBe('completed');
    expect(h.runs.map((r) => [r.slot.toISOString(), r.late, r.resumed])).toEqual([
      ['2026-11-23T08:00:00.000Z', true, false],
    ]);
    expect(h.store.runs.get(KEY)?.status).toBe('completed');
    expect(await h.job.checkNow()).toBe('already_done');
    expect(h.runs).toHaveLength(1);
  });

  it('does not post a slot older than the catch-up window', async () => {
    const h = harness('2026-11-24T08:00:01Z'); // 24 h and 1 s after
    expect(await h.job.start()).toBe('outside_window');
    expect(h.runs).toEqual([]);
    expect(h.logs.find('outside the catch-up window')).toHaveLength(1);
  });

  it('honours a longer catch-up window', async () => {
    const h = harness('2026-11-25T07:00:00Z', { catchUpHours: 48 });
    expect(await h.job.start()).toBe('completed');
    expect(h.runs[0]?.late).toBe(true);
  });

  it('does not post again after a restart when the slot was posted', async () => {
    const first = harness('2026-11-23T08:00:20Z');
    await first.job.start();
    await first.job.stop();
    const restarted = harness('2026-11-23T08:30:00Z', {}, first);
    expect(await restarted.job.start()).toBe('already_done');
    expect(first.runs).toHaveLength(1);
    expect(restarted.runs).toHaveLength(0);
  });
});

describe('createWeeklyJob: ticks', () => {
  it('posts on time (not late) when the tick comes at the slot, and then the next week', async () => {
    const h = harness('2026-11-20T12:00:00Z'); // Friday: last slot is 16 Nov, outside the window
    expect(await h.job.start()).toBe('outside_window');
    h.clock.t = new Date('2026-11-23T08:00:00.050Z');
    h.tick();
    await h.job.stop({ deadlineMs: 1000 });
    expect(h.runs.map((r) => [r.slot.toISOString(), r.late])).toEqual([['2026-11-23T08:00:00.000Z', false]]);
  });

  it('posts the slot of an on-time tick even with a catch-up window of 0', async () => {
    const h = harness('2026-11-20T12:00:00Z', { catchUpHours: 0 });
    expect(await h.job.start()).toBe('outside_window');
    h.clock.t = new Date('2026-11-23T08:00:00.800Z'); // the tick lands 0.8 s after the slot
    expect(await h.job.checkNow()).toBe('completed');
    expect(h.runs.map((r) => [r.slot.toISOString(), r.late])).toEqual([['2026-11-23T08:00:00.000Z', false]]);
  });

  it('with a catch-up window of 0, posts nothing found at start-up, even a slot 30 s old', async () => {
    const h = harness('2026-11-23T08:00:30Z', { catchUpHours: 0 });
    expect(await h.job.start()).toBe('outside_window');
    h.clock.t = new Date('2026-11-23T08:01:00Z'); // the next tick leaves it alone too
    expect(await h.job.checkNow()).toBe('already_done');
    expect(h.runs).toEqual([]);
  });

  it('with a catch-up window of 0, skips a slot a tick finds 3 minutes late (host suspended)', async () => {
    const h = harness('2026-11-20T12:00:00Z', { catchUpHours: 0 });
    await h.job.start();
    h.clock.t = new Date('2026-11-23T08:03:00Z');
    expect(await h.job.checkNow()).toBe('outside_window');
    expect(h.runs).toEqual([]);
  });

  it('follows the DST change: 09:00 Berlin is 07:00Z after spring-forward', async () => {
    const h = harness('2026-03-30T07:00:10Z');
    expect(await h.job.start()).toBe('completed');
    expect(h.runs[0]?.slot.toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(h.runs[0]?.late).toBe(false);
    expect(h.job.nextSlot()?.toISOString()).toBe('2026-04-06T07:00:00.000Z');
  });
});

describe('createWeeklyJob: one runner', () => {
  it('lets only one of two instances on one store post the slot', async () => {
    const shared = { store: createFakeJobStore(), clock: { t: new Date('2026-11-23T08:00:05Z') } };
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const posted: string[] = [];
    const slow = async () => {
      await gate;
      posted.push('digest');
    };
    const a = harness('', { runDigest: slow }, shared);
    const b = harness('', { runDigest: slow }, shared);
    const runningA = a.job.checkNow();
    // Let A take the lock and claim the run before B looks.
    await new Promise((r) => setImmediate(r));
    expect(await b.job.checkNow()).toBe('locked_elsewhere');
    release();
    expect(await runningA).toBe('completed');
    expect(await b.job.checkNow()).toBe('already_done');
    expect(posted).toEqual(['digest']);
  });
});

describe('createWeeklyJob: interrupted and failed runs', () => {
  it('resumes a run its crashed process left running, telling the runner what was posted', async () => {
    const h = harness('2026-11-23T08:03:00Z');
    h.store.seed({ runKey: KEY, slot: SLOT.toISOString(), parts: [{ partIndex: 0, ts: '1.000100' }] });
    expect(await h.job.start()).toBe('completed');
    expect(h.runs).toHaveLength(1);
    expect(h.runs[0]?.resumed).toBe(true);
    expect(h.runs[0]?.run.parts).toEqual([{ partIndex: 0, ts: '1.000100' }]);
    expect(h.store.runs.get(KEY)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('gives up on a run interrupted too often, and reports it', async () => {
    const h = harness('2026-11-23T08:03:00Z');
    h.store.seed({ runKey: KEY, slot: SLOT.toISOString(), attempts: 4, lastError: 'interrupted' });
    expect(await h.job.start()).toBe('failed');
    expect(h.runs).toEqual([]);
    expect(h.store.runs.get(KEY)).toMatchObject({
      status: 'failed',
      failureReason: 'gave up after 4 failed or interrupted attempts (last: interrupted)',
    });
    expect(h.reports).toHaveLength(1);
  });

  it('keeps a run that failed on a Slack outage and tries it again at the next tick', async () => {
    let outage = true;
    const h = harness('2026-11-23T08:00:10Z', {
      runDigest: async () => {
        if (outage)
          throw Object.assign(new Error('chat.postMessage failed after 5 attempts: HTTP 503'), {
            classification: { retryable: true },
          });
      },
    });
    expect(await h.job.start()).toBe('retry_later');
    expect(h.store.runs.get(KEY)).toMatchObject({ status: 'running', attempts: 1 });
    expect(h.reports).toEqual([]);
    outage = false;
    h.clock.t = new Date('2026-11-23T08:01:00Z');
    expect(await h.job.checkNow()).toBe('completed');
    // The retry was not counted as an interruption.
    expect(h.store.runs.get(KEY)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('fails and reports a run after the last attempt of a long Slack outage', async () => {
    const h = harness('2026-11-23T08:00:10Z', {
      maxAttempts: 2,
      runDigest: async () => {
        throw Object.assign(new Error('HTTP 503'), { classification: { retryable: true } });
      },
    });
    expect(await h.job.start()).toBe('retry_later');
    expect(await h.job.checkNow()).toBe('failed');
    expect(h.store.runs.get(KEY)).toMatchObject({ status: 'failed', failureReason: 'HTTP 503', attempts: 1 });
    expect(h.reports).toHaveLength(1);
    expect(await h.job.checkNow()).toBe('already_done');
  });

  it('records a failed run with its reason, reports it once and does not retry it every tick', async () => {
    const h = harness('2026-11-23T08:00:10Z', {
      runDigest: async () => {
        throw new Error('chat.postMessage failed after 1 attempt: the bot is not a member of the channel');
      },
    });
    expect(await h.job.start()).toBe('failed');
    expect(h.store.runs.get(KEY)).toMatchObject({
      status: 'failed',
      failureReason: 'chat.postMessage failed after 1 attempt: the bot is not a member of the channel',
    });
    expect(h.reports).toEqual([expect.objectContaining({ runKey: KEY, channel: 'C1' })]);
    h.clock.t = new Date('2026-11-23T08:01:00Z');
    expect(await h.job.checkNow()).toBe('already_done');
    const restarted = harness('', {}, h);
    expect(await restarted.job.start()).toBe('already_done');
    expect(h.reports).toHaveLength(1);
  });

  it('survives a store that fails, and tries again next tick', async () => {
    const h = harness('2026-11-23T08:00:10Z');
    const original = h.store.getDigestRun;
    h.store.getDigestRun = async () => {
      throw new Error('connection refused');
    };
    expect(await h.job.start()).toBe('failed');
    expect(h.logs.find('schedule check failed')).toHaveLength(1);
    h.store.getDigestRun = original;
    expect(await h.job.checkNow()).toBe('completed');
  });
});

describe('createWeeklyJob: stop', () => {
  it('waits for a digest that finishes in time', async () => {
    let finish: () => void = () => undefined;
    const h = harness('2026-11-23T08:00:10Z', {
      runDigest: () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    });
    const started = h.job.start();
    await new Promise((r) => setImmediate(r));
    const stopped = h.job.stop({ deadlineMs: 5000 });
    finish();
    expect(await stopped).toBe('finished');
    expect(await started).toBe('completed');
  });

  it('abandons a digest that does not finish by the deadline, leaving it to be resumed', async () => {
    const h = harness('2026-11-23T08:00:10Z', {
      runDigest: ({ signal }) =>
        new Promise<void>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason));
        }),
    });
    const started = h.job.start();
    await new Promise((r) => setImmediate(r));
    expect(await h.job.stop({ deadlineMs: 5, graceMs: 1000 })).toBe('abandoned');
    expect(await started).toBe('abandoned');
    expect(h.store.runs.get(KEY)?.status).toBe('running');
    expect(h.reports).toEqual([]);

    const restarted = harness('', {}, h);
    expect(await restarted.job.start()).toBe('completed');
    expect(restarted.runs[0]?.resumed).toBe(true);
  });

  it('tells a caller that did not wait for start() when the run is over', async () => {
    let finish: () => void = () => undefined;
    const h = harness('2026-11-23T08:00:10Z', {
      runDigest: () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    });
    void h.job.start();
    await new Promise((r) => setImmediate(r));
    let idle = false;
    const waiting = h.job.idle().then(() => {
      idle = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    finish();
    await waiting;
    expect(h.store.runs.get(KEY)?.status).toBe('completed');
  });

  it('is idle when nothing runs', async () => {
    const h = harness('2026-11-20T12:00:00Z');
    await h.job.start();
    expect(await h.job.stop()).toBe('idle');
  });
});

describe('createWeeklyJob: default ticker', () => {
  it('starts and stops a node-cron minute tick without keeping anything running', async () => {
    const store = createFakeJobStore();
    const job = createWeeklyJob({
      schedule: '0 9 * * 1',
      timezone: 'UTC',
      channel: 'C1',
      store,
      logger: captureLogs().logger,
      now: () => new Date('2026-11-20T12:00:00Z'),
      runDigest: async () => undefined,
    });
    expect(await job.start()).toBe('outside_window');
    expect(await job.stop()).toBe('idle');
  });
});
