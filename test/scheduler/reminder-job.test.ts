/** The daily reminder clock: from the hour in the time zone, once a day, under the lock, retried after a failure. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createReminderJob } from '../../src/scheduler/reminder-job.ts';
import type { JobLock, JobLockStore } from '../../src/store/state-store.ts';

const lockFree: Pick<JobLockStore, 'withJobLock'> = {
  withJobLock: async (_name, fn) => ({ acquired: true, value: await fn({} as JobLock) }),
};

describe('reminder job', () => {
  it('sends the day (in the time zone) once, from the configured hour', async () => {
    let clock = new Date('2026-11-27T07:59:00Z'); // 08:59 in Berlin
    const days: string[] = [];
    const job = createReminderJob({
      timezone: 'Europe/Berlin',
      hour: 9,
      store: lockFree,
      send: async (today) => {
        days.push(today);
        return 1;
      },
      logger: createLogger({ level: 'silent' }),
      now: () => clock,
      startTicker: () => ({ stop() {} }),
    });
    expect(await job.start()).toBe('not_yet');
    clock = new Date('2026-11-27T08:00:00Z'); // 09:00 in Berlin
    expect(await job.checkNow()).toBe('sent');
    expect(await job.checkNow()).toBe('done');
    clock = new Date('2026-11-27T23:30:00Z'); // already the 28th in Berlin, 00:30: not yet
    expect(await job.checkNow()).toBe('not_yet');
    clock = new Date('2026-11-28T10:00:00Z');
    expect(await job.checkNow()).toBe('sent');
    expect(days).toEqual(['2026-11-27', '2026-11-28']);
    await job.stop();
  });

  it('tries again at the next tick after a failure, and leaves the day to the lock holder', async () => {
    let fail = true;
    let sends = 0;
    const job = createReminderJob({
      timezone: 'UTC',
      hour: 9,
      store: lockFree,
      send: async () => {
        sends++;
        if (fail) throw new Error('Slack is down');
        return 0;
      },
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-27T09:30:00Z'),
      startTicker: () => ({ stop() {} }),
    });
    expect(await job.checkNow()).toBe('failed');
    fail = false;
    expect(await job.checkNow()).toBe('sent');
    expect(sends).toBe(2);
    const elsewhere = createReminderJob({
      timezone: 'UTC',
      hour: 9,
      store: { withJobLock: async () => ({ acquired: false as const }) },
      send: async () => 1,
      logger: createLogger({ level: 'silent' }),
      now: () => new Date('2026-11-27T09:30:00Z'),
      startTicker: () => ({ stop() {} }),
    });
    expect(await elsewhere.checkNow()).toBe('locked_elsewhere');
  });
});
