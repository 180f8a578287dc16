/**
 * The app config: one zod schema (analysis settings, data source, Slack and runtime), layered
 * defaults < config file (`revgap.config.json|yaml|yml` or `--config FILE`) < environment < flags.
 *
 * The environment is passed in, never read here, so tests and the Slack app can build a config from
 * any env object. Every invalid setting is reported at once in one `ConfigError`, each line naming the
 * setting as the user wrote it (file key, env var or flag), where it came from and what is allowed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { parseIsoDay } from './core/periods.ts';
import { analysisSettingsSchema } from './core/settings.ts';
import { ConfigError } from './errors.ts';
import { CronSyntaxError, parseCron } from './scheduler/cron-slots.ts';
import {
  CUSTOMER_FIELDS,
  type CustomerField,
  SALES_FIELDS,
  type SalesField,
} from './sources/csv/map-headers.ts';
import { DATE_FORMATS, type DateFormat } from './sources/csv/parse-date.ts';

// The columns a `--map field=Header` (sales) or a `customersMap` entry (customers) can point at, and
// the accepted `dateFormat` settings: the CSV source's own lists, re-exported for code that reads
// them from the config.
export { CUSTOMER_FIELDS, type CustomerField, DATE_FORMATS, type DateFormat, SALES_FIELDS, type SalesField };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const CONFIG_FILE_NAMES = ['revgap.config.json', 'revgap.config.yaml', 'revgap.config.yml'] as const;

const commaList = z.array(z.string().min(1));

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const dataConfigSchema = z
  .object({
    sales: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Sales CSV file (customer_id,date,amount[,order_id,...]) or a Postgres URL (postgres://...) with table or query; default: the bundled sample data',
      ),
    customers: z
      .string()
      .min(1)
      .optional()
      .describe('Customers CSV file (customer_id,name,segment,account_manager); optional'),
    stock: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Stock CSV file (store_id,sku,week_start,on_hand_units[,on_order_units,avg_weekly_demand]): marks gaps that are possibly the store's own stockouts; optional",
      ),
    map: z
      .partialRecord(z.enum(SALES_FIELDS), z.string().min(1))
      .default({})
      .describe('Sales header names by field, e.g. {"customer_id": "Customer ID"} (--map field=Header)'),
    customersMap: z
      .partialRecord(z.enum(CUSTOMER_FIELDS), z.string().min(1))
      .default({})
      .describe('Customers-file header names by field, e.g. {"account_manager": "Owner"}'),
    dateFormat: z
      .enum(DATE_FORMATS)
      .optional()
      .describe('Date format of the sales file (default: ISO YYYY-MM-DD, with or without a time)'),
    decimal: z
      .enum(['.', ','])
      .optional()
      .describe(
        'Decimal separator of amounts: "." (default; "," groups thousands) or "," ("." groups thousands)',
      ),
    delimiter: z
      .string()
      .length(1, 'use a single character (e.g. "," ";" "|") or a name: comma, semicolon, pipe, tab')
      .optional()
      .describe('Field delimiter of the CSV files (default: detected from the header line)'),
    table: z
      .string()
      .min(1)
      .optional()
      .describe('Sales table or view when sales is a Postgres URL (schema.table)'),
    query: z
      .string()
      .min(1)
      .optional()
      .describe('Sales query when sales is a Postgres URL (instead of table)'),
    customersTable: z
      .string()
      .min(1)
      .optional()
      .describe('Customers table in the sales database (customer_id,name,segment,account_manager); optional'),
    customersQuery: z.string().min(1).optional().describe('Customers query in the sales database; optional'),
    rowKey: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Integer column that identifies a sales row, named in bad-row reports (default: the row position)',
      ),
    statementTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .default(600)
      .describe('Statement timeout of the sales and customers queries on a database'),
  })
  .describe('Where the sales data comes from');

export const appConfigSchema = z
  .object({
    analysis: analysisSettingsSchema.describe('Analysis settings (periods, windows, thresholds, weights)'),
    data: dataConfigSchema,
    slackBotToken: z
      .string()
      .min(1)
      .refine((t) => !t.startsWith('xapp-'), 'this is an app-level token (xapp-); use the bot token (xoxb-)')
      .optional()
      .describe('Slack bot token (xoxb-...)'),
    slackAppToken: z
      .string()
      .min(1)
      .refine((t) => !t.startsWith('xoxb-'), 'this is a bot token (xoxb-); use the app-level token (xapp-)')
      .optional()
      .describe('Slack app-level token for Socket Mode (xapp-...); without it the app serves HTTP on `port`'),
    slackSigningSecret: z.string().min(1).optional().describe('Slack signing secret (HTTP mode)'),
    slackApiUrl: z
      .url()
      .optional()
      .describe('Slack Web API base URL, e.g. a local Slack server (default: https://slack.com/api/)'),
    port: z.number().int().min(1).max(65_535).default(3000).describe('HTTP port for Slack events'),
    channel: z.string().min(1).default('#revenue').describe('Channel the weekly digest is posted to'),
    adminChannel: z
      .string()
      .min(1)
      .optional()
      .describe('Channel for operational alerts (failed runs, data problems); default: none'),
    schedule: z
      .string()
      .default('0 9 * * 1')
      .superRefine((expression, ctx) => {
        try {
          parseCron(expression);
        } catch (error) {
          if (!(error instanceof CronSyntaxError)) throw error;
          ctx.addIssue({ code: 'custom', message: error.message });
        }
      })
      .describe('Cron expression of the weekly digest (5 fields)'),
    timezone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, 'use an IANA time zone such as "UTC" or "Europe/Berlin"')
      .describe('Time zone of the schedule'),
    catchUpHours: z
      .number()
      .min(0)
      .max(24 * 14)
      .default(24)
      .describe('A digest missed while the app was down is still posted if at most this many hours late'),
    refreshMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(15)
      .describe(
        'Minutes between checks of the sales/customers files (size and modification time); when they changed, the analysis runs again so /revgap answers from fresh data. 0 = off',
      ),
    allowedChannels: commaList
      .default([])
      .describe(
        'Channels where /revgap and the buttons answer (ids or #names, comma list); empty = the digest channel and direct messages',
      ),
    allowedUsers: commaList
      .default([])
      .describe('Users allowed to use revgap (ids, comma list); empty = members of the digest channel'),
    dataDir: z.string().min(1).default('./.revgap').describe('Directory for local state (PGlite database)'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'use a postgres:// or postgresql:// URL')
      .optional()
      .describe('Postgres URL for the state store; default: PGlite in dataDir'),
    logLevel: z.enum(LOG_LEVELS).default('info').describe('Log level'),
    holdoutPercent: z
      .number()
      .min(0)
      .max(50)
      .default(0)
      .describe(
        'Holdout share q in percent (0-50, default 0 = off): customers newly in the top N are held back from account managers with this probability, to measure what follow-ups cause',
      ),
    dmOwners: z
      .boolean()
      .default(false)
      .describe(
        'Send every account manager their own accounts by direct message with each weekly digest (default false: only those who turn it on in the Home tab)',
      ),
    reminderHour: z
      .number()
      .int()
      .min(0)
      .max(23)
      .default(9)
      .describe('Hour of the day (in the time zone) when next-step reminders are sent by direct message'),
  })
  .describe('revgap configuration');

/** The fully defaulted, validated app config. */
export type AppConfig = z.infer<typeof appConfigSchema>;
export type DataConfig = z.infer<typeof dataConfigSchema>;

/** Values from the command line, by flag name without dashes (`top`, `week-start`, `map`, ...). */
export type ConfigFlags = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export interface LoadConfigOptions {
  /** Environment variables (pass `process.env` from a shell; tests pass a literal). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Parsed command-line flags; only the ones listed in `SETTINGS` are used. */
  flags?: ConfigFlags;
  /** Directory relative paths and the default config file are resolved against. */
  cwd: string;
}

type ValueKind = 'string' | 'int' | 'number' | 'boolean' | 'list' | 'map' | 'path';

/** One user-facing setting: where it lives in the config, and its env var and flag names. */
export interface SettingSpec {
  path: readonly string[];
  kind: ValueKind;
  env?: readonly string[];
  flag?: string;
  /** For flags that set a fixed value (`--strict` sets badRows to "strict"). */
  flagValue?: unknown;
  /** An int setting that also takes "all" (`--top all`), passed on as the word. */
  allowAll?: boolean;
}

/** Every setting reachable from env or flags (the rest only from the config file). */
export const SETTINGS: readonly SettingSpec[] = [
  { path: ['data', 'sales'], kind: 'path', env: ['REVGAP_SALES'], flag: 'sales' },
  { path: ['data', 'customers'], kind: 'path', env: ['REVGAP_CUSTOMERS'], flag: 'customers' },
  { path: ['data', 'stock'], kind: 'path', env: ['REVGAP_STOCK'], flag: 'stock' },
  { path: ['data', 'map'], kind: 'map', env: ['REVGAP_MAP'], flag: 'map' },
  { path: ['data', 'customersMap'], kind: 'map', env: ['REVGAP_CUSTOMERS_MAP'], flag: 'customers-map' },
  { path: ['data', 'dateFormat'], kind: 'string', env: ['REVGAP_DATE_FORMAT'], flag: 'date-format' },
  { path: ['data', 'delimiter'], kind: 'string', env: ['REVGAP_DELIMITER'], flag: 'delimiter' },
  { path: ['data', 'decimal'], kind: 'string', env: ['REVGAP_DECIMAL'], flag: 'decimal' },
  { path: ['data', 'table'], kind: 'string', env: ['REVGAP_TABLE'], flag: 'table' },
  { path: ['data', 'query'], kind: 'string', env: ['REVGAP_QUERY'], flag: 'query' },
  {
    path: ['data', 'customersTable'],
    kind: 'string',
    env: ['REVGAP_CUSTOMERS_TABLE'],
    flag: 'customers-table',
  },
  {
    path: ['data', 'customersQuery'],
    kind: 'string',
    env: ['REVGAP_CUSTOMERS_QUERY'],
    flag: 'customers-query',
  },
  { path: ['data', 'rowKey'], kind: 'string', env: ['REVGAP_ROW_KEY'], flag: 'row-key' },
  { path: ['analysis', 'rules'], kind: 'string', env: ['REVGAP_RULES'], flag: 'rules' },
  { path: ['analysis', 'period'], kind: 'string', env: ['REVGAP_PERIOD'], flag: 'period' },
  { path: ['analysis', 'weekStartsOn'], kind: 'string', env: ['REVGAP_WEEK_START'], flag: 'week-start' },
  { path: ['analysis', 'asOf'], kind: 'string', env: ['REVGAP_AS_OF'], flag: 'as-of' },
  { path: ['analysis', 'lookback'], kind: 'int', env: ['REVGAP_LOOKBACK'], flag: 'lookback' },
  { path: ['analysis', 'recentWindow'], kind: 'int', env: ['REVGAP_RECENT_WINDOW'], flag: 'recent-window' },
  { path: ['analysis', 'minHistory'], kind: 'int', env: ['REVGAP_MIN_HISTORY'] },
  { path: ['analysis', 'topN'], kind: 'int', env: ['REVGAP_TOP'], flag: 'top', allowAll: true },
  { path: ['analysis', 'churnModel'], kind: 'string', env: ['REVGAP_CHURN_MODEL'], flag: 'churn-model' },
  { path: ['analysis', 'cadenceAware'], kind: 'boolean', env: ['REVGAP_CADENCE_AWARE'] },
  { path: ['analysis', 'seasonality'], kind: 'boolean', env: ['REVGAP_SEASONALITY'] },
  { path: ['analysis', 'currency'], kind: 'string', env: ['REVGAP_CURRENCY'], flag: 'currency' },
  { path: ['analysis', 'badRows'], kind: 'string', env: ['REVGAP_BAD_ROWS'], flag: 'bad-rows' },
  // `--strict` is short for `--bad-rows strict`.
  { path: ['analysis', 'badRows'], kind: 'string', flag: 'strict', flagValue: 'strict' },
  {
    path: ['analysis', 'dropDuplicates'],
    kind: 'boolean',
    env: ['REVGAP_DROP_DUPLICATES'],
    flag: 'drop-duplicates',
  },
  { path: ['analysis', 'maxProblemsListed'], kind: 'int', env: ['REVGAP_MAX_PROBLEMS'] },
  { path: ['slackBotToken'], kind: 'string', env: ['SLACK_BOT_TOKEN', 'REVGAP_SLACK_BOT_TOKEN'] },
  { path: ['slackAppToken'], kind: 'string', env: ['SLACK_APP_TOKEN', 'REVGAP_SLACK_APP_TOKEN'] },
  {
    path: ['slackSigningSecret'],
    kind: 'string',
    env: ['SLACK_SIGNING_SECRET', 'REVGAP_SLACK_SIGNING_SECRET'],
  },
  { path: ['slackApiUrl'], kind: 'string', env: ['SLACK_API_URL', 'REVGAP_SLACK_API_URL'] },
  { path: ['port'], kind: 'int', env: ['PORT', 'REVGAP_PORT'], flag: 'port' },
  { path: ['channel'], kind: 'string', env: ['REVGAP_CHANNEL'], flag: 'channel' },
  { path: ['adminChannel'], kind: 'string', env: ['REVGAP_ADMIN_CHANNEL'] },
  { path: ['schedule'], kind: 'string', env: ['REVGAP_SCHEDULE'] },
  { path: ['timezone'], kind: 'string', env: ['REVGAP_TIMEZONE'] },
  { path: ['catchUpHours'], kind: 'number', env: ['REVGAP_CATCH_UP_HOURS'] },
  { path: ['refreshMinutes'], kind: 'int', env: ['REVGAP_REFRESH_MINUTES'] },
  { path: ['allowedChannels'], kind: 'list', env: ['REVGAP_ALLOWED_CHANNELS'] },
  { path: ['allowedUsers'], kind: 'list', env: ['REVGAP_ALLOWED_USERS'] },
  { path: ['dataDir'], kind: 'path', env: ['REVGAP_DATA_DIR'], flag: 'data-dir' },
  { path: ['databaseUrl'], kind: 'string', env: ['DATABASE_URL', 'REVGAP_DATABASE_URL'] },
  { path: ['logLevel'], kind: 'string', env: ['REVGAP_LOG_LEVEL', 'LOG_LEVEL'], flag: 'log-level' },
  { path: ['holdoutPercent'], kind: 'number', env: ['REVGAP_HOLDOUT'] },
  { path: ['dmOwners'], kind: 'boolean', env: ['REVGAP_DM_OWNERS'] },
  { path: ['reminderHour'], kind: 'int', env: ['REVGAP_REMINDER_HOUR'] },
];

/** Where a value came from, in the words an error message uses. */
type Origin =
  | { kind: 'default' }
  | { kind: 'file'; file: string }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string };

type Raw = Record<string, unknown>;

const SECRET_SETTINGS = new Set(['slackBotToken', 'slackAppToken', 'slackSigningSecret', 'databaseUrl']);

/**
 * A YAML config file's settings. The parser is loaded here, when a YAML file is read, not with this
 * module: every command loads the config, and loading the parser cost ~40 ms of its start-up.
 */
function parseYaml(text: string): unknown {
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(text);
}

function describeOrigin(origin: Origin, path: readonly (string | number)[]): string {
  switch (origin.kind) {
    case 'file':
      return `"${path.join('.')}" in ${origin.file}`;
    case 'env':
      return `${origin.name} (environment)`;
    case 'flag':
      return `--${origin.name}`;
    default:
      return `${path.join('.')} (default)`;
  }
}

function setAt(target: Raw, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Raw;
  }
  node[path[path.length - 1]!] = value;
}

function parseNumber(text: string, integer: boolean): number | undefined {
  const trimmed = text.trim();
  if (!/^-?\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return integer && !Number.isInteger(n) ? undefined : n;
}

/** `field=Header` pairs (comma-separated in env, repeated flags on the command line). */
function parseMap(entries: readonly string[]): { map: Record<string, string>; bad: string[] } {
  const map: Record<string, string> = {};
  const bad: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1) {
      bad.push(entry);
      continue;
    }
    // Header names may be quoted on the command line ("Customer ID"); the shell usually strips them.
    map[entry.slice(0, eq).trim()] = entry
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { map, bad };
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const NUMBER_HINT: Partial<Record<ValueKind, string>> = {
  int: 'expected a whole number',
  number: 'expected a number',
  boolean: 'expected true or false',
};

/**
 * Turns a text value (env var or flag) into the setting's type. Returns an error message when the
 * text cannot be read; type and range are checked afterwards by the schema.
 */
function convertText(spec: SettingSpec, text: string, base: string): { value?: unknown; error?: string } {
  switch (spec.kind) {
    case 'int':
    case 'number': {
      if (spec.allowAll && text.trim().toLowerCase() === 'all') return { value: 'all' };
      const n = parseNumber(text, spec.kind === 'int');
      return n === undefined ? { error: `${NUMBER_HINT[spec.kind]}, got "${text}"` } : { value: n };
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(t)) return { value: false };
      return { error: `expected true or false, got "${text}"` };
    }
    case 'list':
      return { value: splitList(text) };
    case 'map': {
      const { map, bad } = parseMap(splitList(text));
      return bad.length > 0
        ? { error: `expected field=Header pairs, got "${bad.join('", "')}"` }
        : { value: map };
    }
    case 'path':
      // "-" is standard input (`--sales -`), not a file named "-"; a database URL (postgres://...) is not a path.
      return {
        value: text === '' || text === '-' || /^postgres(ql)?:\/\//i.test(text) ? text : resolve(base, text),
      };
    default: {
      const key = spec.path.join('.');
      if (key === 'data.delimiter') return { value: normaliseDelimiter(text) };
      // Words from a shell are matched without case ("Sunday", "Month"), and days by their first three letters.
      if (CASELESS_WORDS.has(key)) {
        const word = text.trim().toLowerCase();
        return { value: key === 'analysis.weekStartsOn' ? (WEEKDAY_ABBREVIATIONS[word] ?? word) : word };
      }
      return { value: text };
    }
  }
}

/** Settings whose values are lower-case words, read from env and flags without regard to case. */
const CASELESS_WORDS = new Set([
  'analysis.rules',
  'analysis.period',
  'analysis.weekStartsOn',
  'analysis.badRows',
  'logLevel',
]);

const WEEKDAY_ABBREVIATIONS: Record<string, string> = {
  sun: 'sunday',
  mon: 'monday',
  tue: 'tuesday',
  wed: 'wednesday',
  thu: 'thursday',
  fri: 'friday',
  sat: 'saturday',
};

/** Delimiter names accepted wherever a delimiter is (flag, env, config file), as docs/csv-input.md lists. */
const DELIMITER_NAMES: Record<string, string> = {
  tab: '\t',
  '\\t': '\t',
  comma: ',',
  semicolon: ';',
  pipe: '|',
};

function normaliseDelimiter(text: string): string {
  return DELIMITER_NAMES[text.trim().toLowerCase()] ?? text;
}

function findConfigFile(cwd: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  for (const name of CONFIG_FILE_NAMES) {
    const candidate = resolve(cwd, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function readConfigFile(file: string, issues: string[]): Raw | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    issues.push(`config file ${file}: ${reason}`);
    return undefined;
  }
  // Windows editors (Notepad) save JSON with a byte-order mark, which JSON.parse rejects.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    const parsed: unknown = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    if (parsed === null || parsed === undefined) return {};
    if (typeof parsed !== 'object' || Array.isArray(parsed)) {
      issues.push(`config file ${file}: expected an object of settings at the top level`);
      return undefined;
    }
    return parsed as Raw;
  } catch (error) {
    issues.push(
      `config file ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${describeParseError(text, error as Error)}`,
    );
    return undefined;
  }
}

/**
 * One line for a JSON or YAML syntax error: JSON.parse on Node 20 names a character offset
 * ("at position 35"), which becomes a line and column; yaml's message carries a multi-line excerpt
 * of the file after its first line, which would break the one-issue-per-line list.
 */
function describeParseError(text: string, error: Error): string {
  const firstLine = error.message.split('\n')[0]?.replace(/:\s*$/, '') ?? '';
  const position = /\bat position (\d+)(?: \(line \d+ column \d+\))?/.exec(firstLine);
  if (!position) return firstLine;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return firstLine.replace(position[0], `at line ${line}, column ${column}`);
}

/** Keys the schema knows at each level, for "unknown setting" messages with a suggestion. */
function knownKeys(path: readonly string[]): string[] | undefined {
  if (path.length === 0) return Object.keys(appConfigSchema.shape);
  if (path.length === 1 && path[0] === 'analysis') return Object.keys(analysisSettingsSchema.shape);
  if (path.length === 1 && path[0] === 'data') return Object.keys(dataConfigSchema.shape);
  return undefined;
}

/** The candidate closest to `word` (case-insensitive), if reasonably close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Copies file values into `target`, recording their origin; unknown keys become issues. */
function applyFile(
  raw: Raw,
  file: string,
  target: Raw,
  origins: Map<string, Origin>,
  issues: string[],
  path: string[] = [],
): void {
  const keys = knownKeys(path);
  for (const [key, value] of Object.entries(raw)) {
    const here = [...path, key];
    if (keys && !keys.includes(key)) {
      const suggestion = closest(key, keys);
      issues.push(
        `"${here.join('.')}" in ${file}: unknown setting${suggestion ? ` (did you mean "${[...path, suggestion].join('.')}"?)` : ''}`,
      );
      continue;
    }
    const nested = knownKeys(here);
    if (nested && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      applyFile(value as Raw, file, target, origins, issues, here);
      continue;
    }
    const spec = SETTINGS.find((s) => s.path.join('.') === here.join('.'));
    let v = value;
    // Paths in a config file are relative to the file, as in most tools' config files.
    if (spec?.kind === 'path' && typeof v === 'string' && v !== '' && !/^postgres(ql)?:\/\//i.test(v)) {
      v = resolve(dirname(file), v);
    } else if (spec?.kind === 'list' && typeof v === 'string') v = splitList(v);
    else if (here.join('.') === 'data.delimiter' && typeof v === 'string') v = normaliseDelimiter(v);
    setAt(target, here, v);
    origins.set(here.join('.'), { kind: 'file', file });
  }
}

function originFor(
  path: readonly PropertyKey[],
  origins: Map<string, Origin>,
): { origin: Origin; key: string } {
  // The most specific recorded origin on the issue's path (an issue on `analysis.weights` came from
  // wherever `analysis.weights.*` was set).
  const parts = path.map(String);
  for (let n = parts.length; n > 0; n--) {
    const key = parts.slice(0, n).join('.');
    const origin = origins.get(key);
    if (origin) return { origin, key };
  }
  const prefix = `${parts.join('.')}.`;
  for (const [key, origin] of origins) if (key.startsWith(prefix)) return { origin, key: parts.join('.') };
  return { origin: { kind: 'default' }, key: parts.join('.') };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `allowed: ${issue.values.map((v) => String(v)).join(', ')}`;
    // Lengths of text ("--delimiter xx") are counted in characters; say so, or "at most 1" reads as a number.
    case 'too_small':
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${String(issue.minimum)}${lengthUnit(issue)}`;
    case 'too_big':
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${String(issue.maximum)}${lengthUnit(issue)}`;
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_key':
      return 'unknown field; allowed fields are listed in the docs';
    default:
      return issue.message;
  }
}

function lengthUnit(issue: { origin?: string; minimum?: unknown; maximum?: unknown }): string {
  if (issue.origin !== 'string') return '';
  const n = Number(issue.maximum ?? issue.minimum);
  return n === 1 ? ' character long' : ' characters long';
}

function allowedKeysHint(path: readonly PropertyKey[]): string {
  const key = path.map(String).join('.');
  if (key.startsWith('data.map')) return ` (fields: ${SALES_FIELDS.join(', ')})`;
  if (key.startsWith('data.customersMap')) return ` (fields: ${CUSTOMER_FIELDS.join(', ')})`;
  return '';
}

/**
 * Builds the app config from defaults, the config file, `env` and `flags`.
 * @throws ConfigError listing every bad setting (with its source and what is allowed).
 */
export function loadConfig(options: LoadConfigOptions): AppConfig {
  const env = options.env ?? {};
  const flags = options.flags ?? {};
  const issues: string[] = [];
  const origins = new Map<string, Origin>();
  const raw: Raw = { analysis: {}, data: {} };

  const explicitFile =
    typeof flags.config === 'string'
      ? flags.config
      : env.REVGAP_CONFIG !== undefined && env.REVGAP_CONFIG !== ''
        ? env.REVGAP_CONFIG
        : undefined;
  const file = findConfigFile(options.cwd, explicitFile);
  if (file) {
    const fromFile = readConfigFile(file, issues);
    if (fromFile) applyFile(fromFile, file, raw, origins, issues);
  }

  for (const spec of SETTINGS) {
    for (const name of spec.env ?? []) {
      const text = env[name];
      if (text === undefined || text === '') continue;
      const { value, error } = convertText(spec, text, options.cwd);
      if (error) issues.push(`${name} (environment): ${error}`);
      else {
        setAt(raw, spec.path, value);
        origins.set(spec.path.join('.'), { kind: 'env', name });
      }
      // The first variable set wins (SLACK_BOT_TOKEN over REVGAP_SLACK_BOT_TOKEN).
      break;
    }
  }

  for (const spec of SETTINGS) {
    if (!spec.flag) continue;
    const given = flags[spec.flag];
    if (given === undefined || given === false) continue;
    let value: unknown;
    if (spec.flagValue !== undefined) value = spec.flagValue;
    else if (spec.kind === 'map') {
      const entries = typeof given === 'string' ? [given] : Array.isArray(given) ? given : [];
      const { map, bad } = parseMap(entries);
      if (bad.length > 0) {
        issues.push(
          `--map: expected field=Header, got "${bad.join('", "')}" (e.g. --map customer_id="Customer ID")`,
        );
        continue;
      }
      // Flags add to (and override) mappings from the file or env rather than replacing them all.
      const current = (raw.data as Raw).map;
      value = { ...(typeof current === 'object' && current !== null ? current : {}), ...map };
    } else if (typeof given === 'string') {
      const { value: converted, error } = convertText(spec, given, options.cwd);
      if (error) {
        issues.push(`--${spec.flag}: ${error}`);
        continue;
      }
      value = converted;
    } else value = given;
    setAt(raw, spec.path, value);
    origins.set(spec.path.join('.'), { kind: 'flag', name: spec.flag });
  }

  const parsed = appConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const { origin, key } = originFor(issue.path, origins);
      const where = describeOrigin(origin, key.split('.'));
      const got = valueAt(raw, issue.path);
      // Never echo a secret back (a Postgres URL carries its password).
      const secret = SECRET_SETTINGS.has(String(issue.path[0]));
      const shown = got === undefined || typeof got === 'object' || secret ? '' : ` = ${JSON.stringify(got)}`;
      issues.push(`${where}${shown}: ${describeIssue(issue)}${allowedKeysHint(issue.path)}`);
    }
    // The value checks run too, on the values as given, so every invalid setting is listed at once
    // (a bad --currency next to a bad --period), except where the schema already named the field.
    const flagged = new Set(parsed.error.issues.map((i) => i.path.join('.')));
    const given = (raw.analysis ?? {}) as Raw;
    const currency =
      typeof given.currency === 'string' && !flagged.has('analysis.currency') ? given.currency : 'USD';
    const asOf = typeof given.asOf === 'string' && !flagged.has('analysis.asOf') ? given.asOf : undefined;
    issues.push(...checkAnalysisValues({ currency, ...(asOf !== undefined ? { asOf } : {}) }, origins));
  } else {
    issues.push(...checkAnalysisValues(parsed.data.analysis, origins));
  }
  if (issues.length > 0) {
    throw new ConfigError(issues, {
      hint: 'fix the settings above; `revgap help config` lists every setting, its env var and flag',
    });
  }
  const config = parsed.data!;
  config.dataDir = resolvePath(options.cwd, config.dataDir);
  return config;
}

/** What the schema's shapes cannot say: a real calendar date, a three-letter currency code. */
function checkAnalysisValues(
  analysis: { currency: string; asOf?: string | undefined },
  origins: Map<string, Origin>,
): string[] {
  const issues: string[] = [];
  const where = (field: string): string => {
    const { origin, key } = originFor(['analysis', field], origins);
    return describeOrigin(origin, key.split('.'));
  };
  // formatMoney shows an unknown code as a prefix: "--currency dollars" would print "DOLLARS 1,234.56".
  if (!/^[A-Za-z]{3}$/.test(analysis.currency)) {
    issues.push(
      `${where('currency')} = ${JSON.stringify(analysis.currency)}: use a three-letter ISO code such as USD, EUR, GBP`,
    );
  }
  // The schema checks the date's shape only; a 2026-13-01 would otherwise surface after reading the whole file.
  if (analysis.asOf !== undefined && parseIsoDay(analysis.asOf) === null) {
    issues.push(`${where('asOf')} = ${JSON.stringify(analysis.asOf)}: not a calendar date (use YYYY-MM-DD)`);
  }
  return issues;
}

function valueAt(raw: Raw, path: readonly PropertyKey[]): unknown {
  let node: unknown = raw;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** One line per setting (name, env vars, flag, description, default) for `revgap help config`. */
export function describeSettings(): string[] {
  const lines: string[] = [];
  const describeShape = (shape: Record<string, z.ZodType>, prefix: string): void => {
    for (const [key, schema] of Object.entries(shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (key === 'analysis' || key === 'data') {
        describeShape(
          (key === 'analysis' ? analysisSettingsSchema.shape : dataConfigSchema.shape) as Record<
            string,
            z.ZodType
          >,
          key,
        );
        continue;
      }
      const specs = SETTINGS.filter((s) => s.path.join('.') === path);
      const names = specs.flatMap((spec) => [...(spec.env ?? []), ...(spec.flag ? [`--${spec.flag}`] : [])]);
      const defaultValue = defaultOf(schema);
      lines.push(
        `${path}${names.length > 0 ? ` [${names.join(', ')}]` : ''}: ${schema.description ?? ''}${
          defaultValue === undefined ? '' : ` (default ${JSON.stringify(defaultValue)})`
        }`,
      );
    }
  };
  describeShape(appConfigSchema.shape as Record<string, z.ZodType>, '');
  return lines;
}

function defaultOf(schema: z.ZodType): unknown {
  const result = schema.safeParse(undefined);
  return result.success ? result.data : undefined;
}

/** Resolves a path the way config values are resolved (for flags read outside `loadConfig`). */
export function resolvePath(cwd: string, path: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The secret values a config holds, for the logger to scrub wherever they appear. */
/** The password of a postgres:// URL (decoded), if it has one. */
function databasePassword(url: string | undefined): string | undefined {
  if (url === undefined || !/^postgres(ql)?:\/\//i.test(url)) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

export function configSecrets(config: AppConfig): string[] {
  // A database URL as the sales source carries a password like the store's URL.
  // Its password is masked wherever it shows up (the URL itself stays readable: host, database).
  const salesPassword = databasePassword(config.data.sales);
  return [
    config.slackBotToken,
    config.slackAppToken,
    config.slackSigningSecret,
    config.databaseUrl,
    salesPassword,
  ].filter((s): s is string => typeof s === 'string');
}
