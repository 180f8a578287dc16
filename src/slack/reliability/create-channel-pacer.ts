/**
 * Keeps messages to one channel about a second apart (Slack's chat.postMessage guidance), so a
 * multi-message digest or a burst of replies does not run into 429s. Turns are reserved when asked
 * for, so concurrent senders to one channel queue up instead of all going at once.
 */
import { realSleep, type Sleep } from './with-retry.ts';

export interface ChannelPacer {
  /** Waits for the channel's next turn and takes it. */
  wait(channel: string, signal?: AbortSignal): Promise<void>;
  /** Pushes the channel's next turn at least `ms` from now (after a 429 with Retry-After). */
  defer(channel: string, ms: number): void;
}

export interface ChannelPacerOptions {
  /** Gap between two messages to one channel; default 1,100 ms (a little over Slack's 1/s). */
  intervalMs?: number;
  now?: () => number;
  sleep?: Sleep;
}

export function createChannelPacer(options: ChannelPacerOptions = {}): ChannelPacer {
  const intervalMs = options.intervalMs ?? 1100;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const nextTurn = new Map<string, number>();

  const prune = (t: number): void => {
    if (nextTurn.size < 1000) return;
    for (const [channel, at] of nextTurn) if (at <= t) nextTurn.delete(channel);
  };

  return {
    async wait(channel, signal) {
      const t = now();
      prune(t);
      const at = Math.max(t, nextTurn.get(channel) ?? 0);
      nextTurn.set(channel, at + intervalMs);
      if (at > t) await sleep(at - t, signal);
    },
    defer(channel, ms) {
      const at = now() + ms;
      if ((nextTurn.get(channel) ?? 0) < at) nextTurn.set(channel, at);
    },
  };
}
