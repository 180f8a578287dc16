import { describe, expect, it } from 'vitest';
import { createChannelPacer } from '../../../src/slack/reliability/create-channel-pacer.ts';

/** A clock that only moves when the pacer sleeps. */
function fakeTime() {
  let t = 1_000_000;
  const waits: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      waits.push(ms);
      t += ms;
    },
    waits,
    advance: (ms: number) => {
      t += ms;
    },
  };
}

describe('createChannelPacer', () => {
  it('spaces messages to one channel by the interval', async () => {
    const time = fakeTime();
    const pacer = createChannelPacer({ intervalMs: 1000, now: time.now, sleep: time.sleep });
    await pacer.wait('C1');
    await pacer.wait('C1');
    await pacer.wait('C1');
    expect(time.waits).toEqual([1000, 1000]);
  });

  it('does not hold up a different channel', async () => {
    const time = fakeTime();
    const pacer = createChannelPacer({ intervalMs: 1000, now: time.now, sleep: time.sleep });
    await pacer.wait('C1');
    await pacer.wait('C2');
    expect(time.waits).toEqual([]);
  });

  it('lets a message go at once when the channel has been quiet', async () => {
    const time = fakeTime();
    const pacer = createChannelPacer({ intervalMs: 1000, now: time.now, sleep: time.sleep });
    await pacer.wait('C1');
    time.advance(5000);
    await pacer.wait('C1');
    expect(time.waits).toEqual([]);
  });

  it('queues concurrent senders one interval apart', async () => {
    const time = fakeTime();
    const slept: number[] = [];
    const pacer = createChannelPacer({
      intervalMs: 1000,
      now: time.now,
      sleep: async (ms) => void slept.push(ms),
    });
    await Promise.all([pacer.wait('C1'), pacer.wait('C1'), pacer.wait('C1')]);
    expect(slept).toEqual([1000, 2000]);
  });

  it('holds a channel back after a Retry-After', async () => {
    const time = fakeTime();
    const pacer = createChannelPacer({ intervalMs: 1000, now: time.now, sleep: time.sleep });
    pacer.defer('C1', 30_000);
    await pacer.wait('C1');
    expect(time.waits).toEqual([30_000]);
  });
});
