import { webApi } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { classifySlackError } from '../../../src/slack/reliability/classify-slack-error.ts';

const platform = (error: string, extra: Record<string, unknown> = {}) =>
  new webApi.WebAPIPlatformError({ ok: false, error, ...extra });

describe('classifySlackError', () => {
  it('says to invite the bot when it is not in the channel, and not to retry', () => {
    const c = classifySlackError(platform('not_in_channel'), { channel: '#revenue' });
    expect(c).toMatchObject({ retryable: false, kind: 'channel', code: 'not_in_channel' });
    expect(c.fix).toBe('Invite @revgap to #revenue: type `/invite @revgap` in the channel.');
  });

  it('points at REVGAP_CHANNEL for an unknown channel', () => {
    const c = classifySlackError(platform('channel_not_found'), { channel: 'C0BAD' });
    expect(c).toMatchObject({ retryable: false, kind: 'channel' });
    expect(c.fix).toContain('REVGAP_CHANNEL (C0BAD)');
  });

  it.each(['invalid_auth', 'account_inactive', 'token_revoked'])(
    'treats %s as an auth problem to fix',
    (code) => {
      const c = classifySlackError(platform(code));
      expect(c).toMatchObject({ retryable: false, kind: 'auth', code });
      expect(c.fix).toContain('SLACK_BOT_TOKEN');
    },
  );

  it('names the scope a missing_scope error needs', () => {
    const c = classifySlackError(platform('missing_scope', { needed: 'files:write' }));
    expect(c.reason).toBe('the app lacks a permission scope (needed: files:write)');
  });

  it.each(['invalid_blocks', 'msg_too_long', 'msg_blocks_too_long'])(
    'calls %s a revgap bug, not retryable',
    (code) => {
      expect(classifySlackError(platform(code))).toMatchObject({ retryable: false, kind: 'payload', code });
    },
  );

  it('retries a platform "ratelimited" and Slack internal errors', () => {
    expect(classifySlackError(platform('ratelimited'))).toMatchObject({
      retryable: true,
      kind: 'rate_limited',
    });
    expect(classifySlackError(platform('internal_error'))).toMatchObject({
      retryable: true,
      kind: 'transient',
    });
  });

  it('keeps an unknown platform code, not retryable', () => {
    expect(classifySlackError(platform('cant_update_message'))).toMatchObject({
      retryable: false,
      kind: 'unknown',
      code: 'cant_update_message',
    });
  });

  it('honours Retry-After from a rate-limited error', () => {
    expect(classifySlackError(new webApi.WebAPIRateLimitedError(7))).toMatchObject({
      retryable: true,
      kind: 'rate_limited',
      retryAfterMs: 7000,
    });
  });

  it('retries HTTP 5xx and reads Retry-After from its headers', () => {
    const c = classifySlackError(
      new webApi.WebAPIHTTPError(503, 'Service Unavailable', { 'retry-after': '2' }),
    );
    expect(c).toMatchObject({ retryable: true, kind: 'transient', code: 'http_503', retryAfterMs: 2000 });
  });

  it('does not retry HTTP 404', () => {
    expect(classifySlackError(new webApi.WebAPIHTTPError(404, 'Not Found', {}))).toMatchObject({
      retryable: false,
      code: 'http_404',
    });
  });

  it('retries a request timeout and a reset connection', () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), {
      name: 'TimeoutError',
    });
    expect(classifySlackError(new webApi.WebAPIRequestError(timeout))).toMatchObject({
      retryable: true,
      code: 'timeout',
    });
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
    });
    expect(classifySlackError(new webApi.WebAPIRequestError(reset))).toMatchObject({
      retryable: true,
      code: 'network',
    });
  });

  it('does not retry an unexpected error from our own code', () => {
    expect(classifySlackError(new RangeError('bad index'))).toMatchObject({
      retryable: false,
      kind: 'unknown',
      reason: 'bad index',
    });
  });
});
