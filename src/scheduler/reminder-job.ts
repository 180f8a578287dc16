/**
 * The daily reminder job: once a day, from `hour` o'clock in the configured time zone, hands the
 * day (YYYY-MM-DD there) to the reminder use-case (use-cases/reminders.ts), under the store's
 * single-runner lock `reminders` (one instance of many sends). Ticks every minute with node-cron like
 * the weekly job, so a bot started after the hour still sends that day's reminders, and a failed
 * try is tried again at the next tick; the use-case records each reminder, so a repeat never sends
 * one twice. This file is only the clock; the time is injected for tests (`now`, `startTicker`).
 */
import { createTask } from 'node-cron';
import type { Logger } from '../logger.ts';
import type { JobLockStore } from '../store/state-store.ts';
import { dayInZone, wallTimeAt } from './cron-slots.ts';

export interface ReminderJobOptions {
  /** IANA zone, e.g. `Europe/Berlin`. */
  timezone: string;
  /** Hour of the day (0-23) from which the day's reminders go out. */
  hour: number;
  store: Pick<JobLockStore, 'withJobLock'>;
  /** Sends the reminders due on `today`; resolves to how many were sent. */
  send: (today: string) => Promise<number>;
  logger: Logger;
  now?: () => Date;
  startTicker?: (onTick: () => void) => { stop(): void };
}

export type ReminderCheck = 'not_yet' | 'done' | 'sent' | 'locked_elsewhere' | 'failed' | 'busy';

export interface ReminderJob {
  start(): Promise<ReminderCheck>;
  /** One tick now (tests, and the start-up check). */
  checkNow(): Promise<ReminderCheck>;
  stop(): Promise<void>;
}

const defaultTicker = (onTick: () => void): { stop(): void } => {
  const task = createTask('* * * * *', onTick, { name: 'revgap-reminder-tick', noOverlap: true });
  void task.start();
  return { stop: () => void task.destroy() };
};

export function createReminderJob(options: ReminderJobOptions): ReminderJob {
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'reminder-job' });
  let doneDay: string | null = null;
  let running: Promise<ReminderCheck> | null = null;
  let ticker: { stop(): void } | null = null;
  let stopped = false;

  const check = async (): Promise<ReminderCheck> => {
    const at = now();
    if (wallTimeAt(at.getTime(), options.timezone).hour < options.hour) return 'not_yet';
    const today = dayInZone(at, options.timezone);
    if (doneDay === today) return 'done';
    try {
      const outcome = await options.store.withJobLock('reminders', () => options.send(today));
      if (!outcome.acquired) return 'locked_elsewhere';
      doneDay = today;
      if (outcome.value > 0) log.info({ today, sent: outcome.value }, 'next-step reminders sent');
      return 'sent';
    } catch (error) {
      log.error({ err: error, today }, 'next-step reminders failed; trying again at the next minute');
      return 'failed';
    }
  };

  const checkNow = (): Promise<ReminderCheck> => {
    if (stopped) return Promise.resolve('busy');
    if (running) return Promise.resolve('busy');
    running = check().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    async start() {
      stopped = false;
      const outcome = await checkNow();
      ticker = (options.startTicker ?? defaultTicker)(() => void checkNow());
      return outcome;
    },
    checkNow,
    async stop() {
      stopped = true;
      ticker?.stop();
      ticker = null;
      await running?.catch(() => undefined);
    },
  };
}
