/**
 * Turns whatever a Slack Web API call threw into: can a retry help, what went wrong in plain words,
 * and what a person must do about it.
 *
 * Errors are recognised by their `code` string and shape rather than `instanceof`: Bolt and our own
 * WebClient may load different copies of @slack/web-api, and a class check would silently miss.
 */

/** Who has to act. */
export type SlackErrorKind =
  /** Slack or the network hiccuped: retrying helps. */
  | 'transient'
  /** Slack asked us to slow down: retry after `retryAfterMs`. */
  | 'rate_limited'
  /** The channel setup is wrong (bot not invited, channel gone or archived): an admin fixes it. */
  | 'channel'
  /** The token is wrong, revoked or lacks a scope: an admin reinstalls or updates config. */
  | 'auth'
  /** Slack refused what we sent (blocks, length): a revgap bug; retrying the same payload fails again. */
  | 'payload'
  | 'unknown';

export interface SlackErrorClassification {
  retryable: boolean;
  kind: SlackErrorKind;
  /** Short machine code: the Slack error (`not_in_channel`), `http_503`, `timeout`, `network`, `rate_limited`. */
  code: string;
  /** What went wrong, in plain words. */
  reason: string;
  /** What to do about it, in plain words, e.g. "Invite @revgap to #revenue (/invite @revgap)". */
  fix: string;
  /** Honour this wait before retrying (from Retry-After), when Slack gave one. */
  retryAfterMs?: number;
}

export interface ClassifyContext {
  /** Channel the call was about, as `#name` or an id (`C0123`): used in the fix text. */
  channel?: string;
  /** The bot's handle as users see it; default `@revgap`. */
  botName?: string;
}

interface PlatformRule {
  kind: SlackErrorKind;
  retryable: boolean;
  reason: string;
  fix: (c: Required<ClassifyContext>) => string;
}

const reinstall =
  'Reinstall the Slack app to the workspace and update SLACK_BOT_TOKEN with the new bot token.';
const payloadBug =
  'This is a revgap bug: please report it with this log line. The digest was kept and can be re-posted with `revgap digest` once fixed.';

const PLATFORM_RULES: Record<string, PlatformRule> = {
  channel_not_found: {
    kind: 'channel',
    retryable: false,
    reason: 'the channel does not exist, or it is private and the bot is not in it',
    fix: (c) =>
      `Check REVGAP_CHANNEL (${c.channel}): use the channel ID (right-click the channel, Copy link) and invite ${c.botName} to it.`,
  },
  not_in_channel: {
    kind: 'channel',
    retryable: false,
    reason: 'the bot is not a member of the channel',
    fix: (c) => `Invite ${c.botName} to ${c.channel}: type \`/invite ${c.botName}\` in the channel.`,
  },
  is_archived: {
    kind: 'channel',
    retryable: false,
    reason: 'the channel is archived',
    fix: (c) => `Unarchive ${c.channel} or set REVGAP_CHANNEL to an active channel.`,
  },
  restricted_action: {
    kind: 'channel',
    retryable: false,
    reason: 'a workspace setting stops the bot from posting in the channel',
    fix: (c) => `Ask a workspace admin to allow apps to post in ${c.channel}.`,
  },
  invalid_auth: {
    kind: 'auth',
    retryable: false,
    reason: 'the bot token is not valid',
    fix: () => reinstall,
  },
  not_authed: {
    kind: 'auth',
    retryable: false,
    reason: 'no bot token was sent',
    fix: () => 'Set SLACK_BOT_TOKEN.',
  },
  account_inactive: {
    kind: 'auth',
    retryable: false,
    reason: 'the bot token belongs to a deactivated user or app',
    fix: () => reinstall,
  },
  token_revoked: {
    kind: 'auth',
    retryable: false,
    reason: 'the bot token was revoked',
    fix: () => reinstall,
  },
  token_expired: { kind: 'auth', retryable: false, reason: 'the bot token expired', fix: () => reinstall },
  missing_scope: {
    kind: 'auth',
    retryable: false,
    reason: 'the app lacks a permission scope',
    fix: () => 'Add the missing scope (see `needed` in the log) to manifest.yml, then reinstall the app.',
  },
  invalid_blocks: {
    kind: 'payload',
    retryable: false,
    reason: 'Slack refused the message blocks',
    fix: () => payloadBug,
  },
  invalid_blocks_format: {
    kind: 'payload',
    retryable: false,
    reason: 'Slack refused the message blocks',
    fix: () => payloadBug,
  },
  msg_too_long: {
    kind: 'payload',
    retryable: false,
    reason: 'the message text is too long',
    fix: () => payloadBug,
  },
  msg_blocks_too_long: {
    kind: 'payload',
    retryable: false,
    reason: 'the message blocks hold too much text',
    fix: () => payloadBug,
  },
  invalid_arguments: {
    kind: 'payload',
    retryable: false,
    reason: 'Slack refused the call arguments',
    fix: () => payloadBug,
  },
  no_text: { kind: 'payload', retryable: false, reason: 'the message has no text', fix: () => payloadBug },
  ratelimited: {
    kind: 'rate_limited',
    retryable: true,
    reason: 'Slack rate-limited the call',
    fix: () => 'Nothing: revgap waits and retries.',
  },
  internal_error: {
    kind: 'transient',
    retryable: true,
    reason: 'Slack had an internal error',
    fix: () => 'Nothing: revgap retries. If it persists, check https://slack-status.com.',
  },
  fatal_error: {
    kind: 'transient',
    retryable: true,
    reason: 'Slack had an internal error',
    fix: () => 'Nothing: revgap retries. If it persists, check https://slack-status.com.',
  },
  service_unavailable: {
    kind: 'transient',
    retryable: true,
    reason: 'Slack is temporarily unavailable',
    fix: () => 'Nothing: revgap retries. If it persists, check https://slack-status.com.',
  },
  request_timeout: {
    kind: 'transient',
    retryable: true,
    reason: 'Slack timed out handling the call',
    fix: () => 'Nothing: revgap retries.',
  },
};

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

type Bag = Record<string, unknown>;
const asBag = (v: unknown): Bag | undefined => (typeof v === 'object' && v !== null ? (v as Bag) : undefined);

function retryAfterFromHeaders(headers: unknown): number | undefined {
  const h = asBag(headers);
  const raw = h?.['retry-after'] ?? h?.['Retry-After'];
  const seconds = Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Walks `original` / `cause` links looking for a timeout or a socket-level failure. */
function networkFailure(err: unknown): 'timeout' | 'network' | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 6 && current; depth++) {
    const bag = asBag(current);
    if (!bag) return undefined;
    const name = String(bag.name ?? '');
    const code = String(bag.code ?? '');
    if (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      code.endsWith('TIMEOUT') ||
      code === 'ETIMEDOUT'
    ) {
      return 'timeout';
    }
    if (
      NETWORK_CODES.has(code) ||
      /fetch failed|socket hang up|other side closed/i.test(String(bag.message ?? ''))
    ) {
      return 'network';
    }
    current = bag.original ?? bag.cause;
  }
  return undefined;
}

/** Classifies an error thrown by a Web API call (or by our own code around it). */
export function classifySlackError(err: unknown, context: ClassifyContext = {}): SlackErrorClassification {
  const c: Required<ClassifyContext> = {
    channel: context.channel ?? 'the digest channel',
    botName: context.botName ?? '@revgap',
  };
  const bag = asBag(err) ?? {};
  const code = String(bag.code ?? '');

  if (code === 'slack_webapi_rate_limited_error') {
    const seconds = Number(bag.retryAfter);
    return {
      retryable: true,
      kind: 'rate_limited',
      code: 'rate_limited',
      reason: 'Slack rate-limited the call (HTTP 429)',
      fix: 'Nothing: revgap waits as Slack asks and retries.',
      ...(Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {}),
    };
  }

  if (code === 'slack_webapi_platform_error') {
    const data = asBag(bag.data) ?? {};
    const slackCode = String(data.error ?? 'unknown_error');
    const rule = PLATFORM_RULES[slackCode];
    if (rule) {
      const needed = slackCode === 'missing_scope' && data.needed ? ` (needed: ${String(data.needed)})` : '';
      return {
        retryable: rule.retryable,
        kind: rule.kind,
        code: slackCode,
        reason: rule.reason + needed,
        fix: rule.fix(c),
      };
    }
    return {
      retryable: false,
      kind: 'unknown',
      code: slackCode,
      reason: `Slack answered "${slackCode}"`,
      fix: `Look up "${slackCode}" in the Slack API docs for the method in this log line.`,
    };
  }

  if (code === 'slack_webapi_http_error') {
    const status = Number(bag.statusCode);
    const retryAfterMs = retryAfterFromHeaders(bag.headers);
    if (status === 429 || status === 408 || status >= 500) {
      return {
        retryable: true,
        kind: status === 429 ? 'rate_limited' : 'transient',
        code: `http_${status}`,
        reason: `Slack answered HTTP ${status}`,
        fix: 'Nothing: revgap retries. If it persists, check https://slack-status.com.',
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      };
    }
    return {
      retryable: false,
      kind: 'unknown',
      code: `http_${status}`,
      reason: `Slack answered HTTP ${status}`,
      fix: 'Check SLACK_API_URL (or the proxy in front of Slack) and the log line for the method called.',
    };
  }

  const network = networkFailure(err);
  if (network === 'timeout') {
    return {
      retryable: true,
      kind: 'transient',
      code: 'timeout',
      reason: 'the call to Slack timed out',
      fix: 'Nothing: revgap retries. If it persists, check the network between revgap and Slack.',
    };
  }
  if (network === 'network' || code === 'slack_webapi_request_error') {
    return {
      retryable: true,
      kind: 'transient',
      code: 'network',
      reason: 'the connection to Slack failed',
      fix: 'Nothing: revgap retries. If it persists, check the network/proxy between revgap and Slack.',
    };
  }

  const message = err instanceof Error ? err.message : String(err);
  return {
    retryable: false,
    kind: 'unknown',
    code: 'unknown',
    reason: message,
    fix: 'See the error in the log; if it looks like a revgap bug, please report it.',
  };
}
