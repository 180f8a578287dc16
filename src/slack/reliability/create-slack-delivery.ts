/**
 * One way to make a Slack call that must get through: paced per channel (chat.postMessage and
 * friends), retried with backoff where a retry can help, every failed attempt logged, and a final
 * `SlackDeliveryError` carrying the reason and the fix. Use with a `managed` WebClient
 * (web-client-options.ts) so the client does not retry underneath.
 *
 * Each call is retried alone: when a digest's file upload fails, only the upload is retried, never
 * the messages already posted.
 */
import type { Logger } from '../../logger.ts';
import { type ChannelPacer, createChannelPacer } from './create-channel-pacer.ts';
import { type RetryOptions, realSleep, type Sleep, withRetry } from './with-retry.ts';

export interface DeliveryCall {
  /** What is being done, for logs and errors: "chat.postMessage", "digest file upload". */
  label: string;
  /** Channel id the call writes to; paced when `paced` is true. */
  channel?: string;
  /** Channel as people know it (`#revenue`) for the fix text; default the id. */
  channelName?: string;
  /** Wait for the channel's turn before each attempt (messages); default true when `channel` is set. */
  paced?: boolean;
  signal?: AbortSignal;
  /**
   * Error codes that are an answer, not a failure (`users_not_found` for a lookup): not retried by
   * their classification anyway, and logged at debug instead of as an error.
   */
  expectedCodes?: readonly string[];
}

/** A call whose result can be looked up after an ambiguous failure. */
export interface RecoverableCall extends DeliveryCall {
  /**
   * After a timeout or dropped connection Slack may have done the work anyway (a posted message
   * whose answer was lost). Before retrying, this looks for that result (e.g. the message in
   * conversations.history); a found result (undefined: not found) is returned instead of calling
   * again, so it must have the shape the call itself resolves to.
   */
  recover?: () => Promise<unknown>;
}

export interface SlackDelivery {
  run<T>(call: RecoverableCall, fn: (attempt: number) => Promise<T>): Promise<T>;
  readonly pacer: ChannelPacer;
}

export interface SlackDeliveryOptions {
  logger: Logger;
  pacer?: ChannelPacer;
  retry?: Pick<RetryOptions, 'retries' | 'baseMs' | 'maxMs' | 'maxRetryAfterMs' | 'random'>;
  sleep?: Sleep;
  now?: () => number;
  botName?: string;
}

export function createSlackDelivery(options: SlackDeliveryOptions): SlackDelivery {
  const sleep = options.sleep ?? realSleep;
  const pacer = options.pacer ?? createChannelPacer({ sleep, ...(options.now ? { now: options.now } : {}) });
  const log = options.logger;

  return {
    pacer,
    async run<T>(call: RecoverableCall, fn: (attempt: number) => Promise<T>): Promise<T> {
      const paced = call.paced ?? call.channel !== undefined;
      const context = {
        ...(call.channel !== undefined ? { channel: call.channelName ?? `<#${call.channel}>` } : {}),
        ...(options.botName !== undefined ? { botName: options.botName } : {}),
      };
      let ambiguous = false;
      return withRetry(
        async (attempt) => {
          if (ambiguous && call.recover) {
            const found = await call.recover();
            if (found !== undefined) {
              log.warn(
                { call: call.label, channel: call.channel },
                'Slack had done the call before it failed; not repeating it',
              );
              return found as T;
            }
          }
          if (paced && call.channel !== undefined) await pacer.wait(call.channel, call.signal);
          return fn(attempt);
        },
        {
          ...options.retry,
          sleep,
          context,
          label: call.label,
          ...(call.signal ? { signal: call.signal } : {}),
          onAttempt: ({ attempt, classification, delayMs }) => {
            ambiguous = classification.code === 'timeout' || classification.code === 'network';
            if (classification.retryAfterMs !== undefined && call.channel !== undefined) {
              pacer.defer(call.channel, classification.retryAfterMs);
            }
            const fields = {
              call: call.label,
              channel: call.channel,
              attempt,
              code: classification.code,
              retryInMs: delayMs,
            };
            if (delayMs === null && call.expectedCodes?.includes(classification.code)) {
              log.debug(fields, 'Slack answered with an expected error code');
            } else if (delayMs === null) {
              log.error(
                { ...fields, reason: classification.reason, fix: classification.fix },
                'Slack call failed',
              );
            } else {
              log.warn({ ...fields, reason: classification.reason }, 'Slack call failed; retrying');
            }
          },
        },
      );
    },
  };
}
