/**
 * Retry with exponential backoff and jitter, honouring Slack's Retry-After, for calls where a retry
 * can help (see classify-slack-error.ts). Time and randomness are injected so tests never wait.
 *
 * Our WebClient is built with its own retries off (web-client-options.ts), so this is the single
 * place that decides how often and how long to retry a delivery.
 */
import { AppError } from '../../errors.ts';
import {
  type ClassifyContext,
  classifySlackError,
  type SlackErrorClassification,
} from './classify-slack-error.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real sleep; rejects with the signal's reason when aborted. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export interface RetryAttempt {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  error: unknown;
  classification: SlackErrorClassification;
  /** Wait before the next attempt, or null when giving up. */
  delayMs: number | null;
}

export interface RetryOptions {
  /** Retries after the first attempt (so `retries + 1` attempts at most); default 4. */
  retries?: number;
  /** First backoff step in ms; default 500. Doubles each retry. */
  baseMs?: number;
  /** Cap of one backoff step; default 15,000. */
  maxMs?: number;
  /** Longest Retry-After honoured; a longer one gives up (and reports) instead; default 120,000. */
  maxRetryAfterMs?: number;
  sleep?: Sleep;
  /** In [0, 1); default Math.random. */
  random?: () => number;
  classify?: (error: unknown) => SlackErrorClassification;
  /** Called after every failed attempt (for logging). */
  onAttempt?: (attempt: RetryAttempt) => void;
  signal?: AbortSignal;
  /** Fills the fix text ("invite @revgap to #revenue"). */
  context?: ClassifyContext;
  /** What was being done, for the error message ("chat.postMessage to #revenue"). */
  label?: string;
}

/** A delivery that failed for good: carries the classification (reason, fix) and attempts made. */
export class SlackDeliveryError extends AppError {
  readonly classification: SlackErrorClassification;
  readonly attempts: number;

  constructor(label: string, classification: SlackErrorClassification, attempts: number, cause: unknown) {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    super('SLACK_API', `${label} failed after ${tries}: ${classification.reason}`, {
      cause,
      hint: classification.fix,
    });
    this.name = 'SlackDeliveryError';
    this.classification = classification;
    this.attempts = attempts;
  }
}

/** Backoff before retry number `retry` (1-based): half fixed, half random ("equal jitter"). */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const step = Math.min(maxMs, baseMs * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * Runs `fn` until it succeeds, the error is not retryable, or retries run out; then throws a
 * `SlackDeliveryError` whose `cause` is the last error. `fn` gets the 1-based attempt number.
 */
export async function withRetry<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const retries = options.retries ?? 4;
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 15_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const classify = options.classify ?? ((e: unknown) => classifySlackError(e, options.context));
  const label = options.label ?? 'Slack call';

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const classification = classify(error);
      let delayMs: number | null = null;
      if (classification.retryable && attempt <= retries) {
        if (classification.retryAfterMs !== undefined) {
          // Retry-After is a floor, plus a little jitter so instances do not return in lockstep.
          delayMs =
            classification.retryAfterMs <= maxRetryAfterMs
              ? classification.retryAfterMs + Math.round(random() * Math.min(250, baseMs))
              : null;
        } else {
          delayMs = backoffDelay(attempt, baseMs, maxMs, random);
        }
      }
      options.onAttempt?.({ attempt, error, classification, delayMs });
      if (delayMs === null) throw new SlackDeliveryError(label, classification, attempt, error);
      await sleep(delayMs, options.signal);
    }
  }
}
