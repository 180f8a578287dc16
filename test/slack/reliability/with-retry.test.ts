import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  type RetryAttempt,
  SlackDeliveryError,
  withRetry,
} from '../../../src/slack/reliability/with-retry.ts';

function fakeSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

/** Fails with the given errors in turn, then answers 'ok'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const fn = async (): Promise<string> => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { fn, calls: () => calls };
}

const http500 = () => new webApi.WebAPIHTTPError(500, 'Internal Server Error', {});

describe('withRetry', () => {
  it('retries transient errors with doubling backoff, then succeeds', async () => {
    const { sleep, waits } = fakeSleep();
    const f = failing(http500(), http500(), http500());
    // random() = 0.5: each wait is 3/4 of the doubling step (500, 1000, 2000).
    await expect(withRetry(f.fn, { sleep, random: () => 0.5, baseMs: 500 })).resolves.toBe('ok');
    expect(waits).toEqual([375, 750, 1500]);
    expect(f.calls()).toBe(4);
  });

  it('waits as long as Retry-After says, plus a little jitter', async () => {
    const { sleep, waits } = fakeSleep();
    const f = failing(new webApi.WebAPIRateLimitedError(3));
    await withRetry(f.fn, { sleep, random: () => 0.5 });
    expect(waits).toEqual([3125]);
  });

  it('does not retry an error a retry cannot fix, and says how to fix it', async () => {
    const { sleep, waits } = fakeSleep();
    const f = failing(new webApi.WebAPIPlatformError({ ok: false, error: 'not_in_channel' }));
    const error = await withRetry(f.fn, {
      sleep,
      context: { channel: '#revenue' },
      label: 'chat.postMessage',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackDeliveryError);
    const e = error as SlackDeliveryError;
    expect(e.message).toBe('chat.postMessage failed after 1 attempt: the bot is not a member of the channel');
    expect(e.hint).toBe('Invite @revgap to #revenue: type `/invite @revgap` in the channel.');
    expect(e.attempts).toBe(1);
    expect(waits).toEqual([]);
    expect(f.calls()).toBe(1);
  });

  it('gives up after the allowed retries with the last reason', async () => {
    const { sleep } = fakeSleep();
    const f = failing(http500(), http500(), http500());
    const error = (await withRetry(f.fn, { sleep, retries: 2 }).catch(
      (e: unknown) => e,
    )) as SlackDeliveryError;
    expect(error.attempts).toBe(3);
    expect(error.classification.code).toBe('http_500');
    expect(f.calls()).toBe(3);
  });

  it('gives up at once when Slack asks for a wait longer than allowed', async () => {
    const { sleep, waits } = fakeSleep();
    const f = failing(new webApi.WebAPIRateLimitedError(600));
    await expect(withRetry(f.fn, { sleep, maxRetryAfterMs: 60_000 })).rejects.toBeInstanceOf(
      SlackDeliveryError,
    );
    expect(waits).toEqual([]);
  });

  it('reports every failed attempt', async () => {
    const { sleep } = fakeSleep();
    const attempts: RetryAttempt[] = [];
    const f = failing(http500());
    await withRetry(f.fn, { sleep, random: () => 0, onAttempt: (a) => attempts.push(a) });
    expect(attempts.map((a) => [a.attempt, a.classification.code, a.delayMs])).toEqual([
      [1, 'http_500', 250],
    ]);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const f = failing(http500(), http500());
    const sleep = async () => controller.abort(new Error('shutting down'));
    await expect(withRetry(f.fn, { sleep, signal: controller.signal })).rejects.toThrow('shutting down');
    expect(f.calls()).toBe(1);
  });
});

describe('backoffDelay', () => {
  it('caps the step at maxMs', () => {
    expect(backoffDelay(10, 500, 4000, () => 1)).toBe(4000);
    expect(backoffDelay(10, 500, 4000, () => 0)).toBe(2000);
  });
});
