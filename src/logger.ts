/**
 * pino logger with secret redaction, and an adapter to Bolt's Logger interface.
 *
 * Secrets reach log lines by two roads: under a telling key (`{ botToken }`, `headers.authorization`)
 * and inside ordinary strings (an error message quoting a connection URL, a request dump with a
 * Bearer header). pino's `redact` only handles the first, and only at the paths it is given, so
 * every serialized line also goes through `scrubLogLine` (pino's `hooks.streamWrite`): it masks
 * string values under secret-looking keys at any depth, Slack token shapes, URL credentials, Bearer
 * values and any secret value the caller names (signing secrets have no recognisable shape).
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';

export type { Logger } from 'pino';

export const REDACTED = '[REDACTED]';

export interface CreateLoggerOptions {
  /** pino level name (`trace` ... `fatal`, or `silent`); default `info`. */
  level?: string;
  /** Where lines go; default stdout. Anything with `write(line: string)` works. */
  destination?: DestinationStream;
  /** Secret values to mask wherever they appear (signing secret, verification token...). */
  secrets?: readonly (string | undefined)[];
  /** Bound to every line as `name`. */
  name?: string;
}

/** Keys whose values never belong in a log, matched case-insensitively anywhere in a key. */
const SECRET_KEY_PATTERN =
  'token|secret|password|passwd|passphrase|authorization|cookie|api_?key|private_?key|database_?url|connection_?string';

// Fast path for the usual places; the line scrubber below is the safety net for every other depth.
const REDACT_KEYS = [
  'token',
  'botToken',
  'appToken',
  'userToken',
  'signingSecret',
  'clientSecret',
  'stateSecret',
  'password',
  'databaseUrl',
  'connectionString',
  'authorization',
  'Authorization',
  'cookie',
];
const REDACT_PATHS = REDACT_KEYS.flatMap((key) => [
  key,
  `*.${key}`,
  `*.*.${key}`,
  `headers.${key}`,
  `*.headers.${key}`,
]);

const SECRET_KEY_VALUE = new RegExp(
  `("[A-Za-z0-9_.$-]*(?:${SECRET_KEY_PATTERN})[A-Za-z0-9_.$-]*"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`,
  'gi',
);
/** Slack tokens: bot/user/app/config/refresh (`xoxe.xoxp-`), keeping the prefix for debugging. */
const SLACK_TOKEN = /\b(x(?:ox[a-z]|app)(?:\.xox[a-z])?-)[A-Za-z0-9-]+/g;
/** `scheme://user:password@host`: keep the user, mask the password. */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/"'\\]*):([^\s@/"'\\]+)@/gi;
/** `?password=...` / `&sslpassword=...` in connection strings. */
const URL_PASSWORD_PARAM = /([?&](?:ssl)?password=)[^&\s"'\\]+/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9._~+/-]+=*/gi;

/**
 * Masks secrets in free text (a log line, an error message about to be shown in Slack).
 * `secrets` are exact values to mask; values shorter than 6 characters are ignored so that a
 * placeholder like `x` cannot blank out half a line.
 */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 6) {
      out = out.split(secret).join(REDACTED);
      // JSON-escaped form, for secrets holding quotes or backslashes.
      const escaped = JSON.stringify(secret).slice(1, -1);
      if (escaped !== secret) out = out.split(escaped).join(REDACTED);
    }
  }
  return out
    .replace(SLACK_TOKEN, `$1${REDACTED}`)
    .replace(URL_CREDENTIALS, `$1:${REDACTED}@`)
    .replace(URL_PASSWORD_PARAM, `$1${REDACTED}`)
    .replace(BEARER, `$1${REDACTED}`);
}

/** Scrubs one serialized JSON log line: secret-looking keys at any depth, then free-text patterns. */
export function scrubLogLine(line: string, secrets: readonly (string | undefined)[] = []): string {
  return scrubSecrets(line.replace(SECRET_KEY_VALUE, `$1"${REDACTED}"`), secrets);
}

/** A pino logger that never writes tokens, signing secrets or database passwords. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const secrets = [...(options.secrets ?? [])];
  const pinoOptions: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    hooks: { streamWrite: (line) => scrubLogLine(line, secrets) },
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  if (options.name !== undefined) pinoOptions.name = options.name;
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

const BOLT_TO_PINO: Record<LogLevel, Level> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function pinoToBolt(level: string): LogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

/**
 * Bolt's Logger (`debug(...msg)`, `setLevel`, `setName`...) on top of a pino logger. Bolt logs
 * variadic arguments; the first Error becomes `err` (so pino serializes it and the scrubber sees
 * it), strings are joined into `msg`, other values go under `args`.
 */
export function toBoltLogger(base: Logger): BoltLogger {
  let current = base;
  const write =
    (level: Level) =>
    (...msg: unknown[]): void => {
      const err = msg.find((m): m is Error => m instanceof Error);
      const isText = (m: unknown): boolean =>
        typeof m === 'string' || typeof m === 'number' || typeof m === 'boolean';
      const texts = msg.filter(isText);
      const others = msg.filter((m) => m !== err && !isText(m) && m !== undefined && m !== null);
      const fields: Record<string, unknown> = {};
      if (err) fields.err = err;
      if (others.length > 0) fields.args = others;
      const text = texts.map(String).join(' ') || err?.message || '';
      current[level](fields, text);
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel(level: LogLevel): void {
      current.level = BOLT_TO_PINO[level] ?? 'info';
    },
    getLevel(): LogLevel {
      return pinoToBolt(current.level);
    },
    setName(name: string): void {
      current = base.child({ name });
    },
  };
}
