/**
 * WebClient settings, so that exactly one layer decides about retries.
 *
 * - `managed` (the digest poster and admin notices): the client's own retries are off and 429s are
 *   thrown (`rejectRateLimitedCalls`), so `withRetry` + the channel pacer see every failure, log it,
 *   and give up with a reason and a fix. Left on, @slack/web-api retries 10 times over ~30 minutes
 *   and pauses every call on the client during a Retry-After, which hides failures and stalls
 *   shutdown.
 * - `interactive` (Bolt's `app.client`, used inside listeners): a few quick built-in retries, and
 *   the client waits out a Retry-After itself; listeners answer users within seconds, so the budget
 *   is small (about 2 s of backoff at most).
 * Both bound every HTTP request with a timeout (the client default is none).
 */
import type { webApi } from '@slack/bolt';
import { type Logger, toBoltLogger } from '../../logger.ts';

export interface WebClientOptionsInput {
  /** e.g. `http://127.0.0.1:4000/api/` for local-slack; default Slack's. */
  slackApiUrl?: string;
  /** Per-request timeout; default 10,000 ms. */
  timeoutMs?: number;
  logger?: Logger;
  mode?: 'managed' | 'interactive';
}

export function webClientOptions(input: WebClientOptionsInput = {}): webApi.WebClientOptions {
  const mode = input.mode ?? 'managed';
  const options: webApi.WebClientOptions = {
    timeout: input.timeoutMs ?? 10_000,
    retryConfig:
      mode === 'managed'
        ? { retries: 0 }
        : { retries: 2, factor: 2, minTimeout: 300, maxTimeout: 1500, randomize: true },
    rejectRateLimitedCalls: mode === 'managed',
  };
  if (input.slackApiUrl !== undefined) options.slackApiUrl = input.slackApiUrl;
  if (input.logger !== undefined) options.logger = toBoltLogger(input.logger.child({ component: 'web-api' }));
  return options;
}
