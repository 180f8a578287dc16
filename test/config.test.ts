import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closest, describeSettings, loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

const root = mkdtempSync(join(tmpdir(), 'revgap-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh directory holding `files`. */
function dirWith(files: Record<string, string> = {}): string {
  const dir = join(root, `case-${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults with no file, env or flags', () => {
    const dir = dirWith();
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.analysis.period).toBe('week');
    expect(config.analysis.topN).toBe(20);
    expect(config.port).toBe(3000);
    expect(config.channel).toBe('#revenue');
    expect(config.schedule).toBe('0 9 * * 1');
    expect(config.timezone).toBe('UTC');
    expect(config.catchUpHours).toBe(24);
    expect(config.refreshMinutes).toBe(15);
    expect(config.allowedChannels).toEqual([]);
    expect(config.dataDir).toBe(join(dir, '.revgap'));
    expect(config.logLevel).toBe('info');
    expect(config.data.sales).toBeUndefined();
    expect(config.data.map).toEqual({});
  });

  it('layers defaults < file < env < flags', () => {
    const dir = dirWith({
      'revgap.config.json': JSON.stringify({
        analysis: { topN: 5, period: 'month', lookback: 10 },
        channel: '#file',
      }),
    });
    const config = loadConfig({
      cwd: dir,
      env: { REVGAP_TOP: '7', REVGAP_CHANNEL: '#env' },
      flags: { top: '9' },
    });
    expect(config.analysis.topN).toBe(9);
    expect(config.channel).toBe('#env');
    expect(config.analysis.period).toBe('month');
    expect(config.analysis.lookback).toBe(10);
  });

  it('reads a YAML config file, resolving its paths against the file directory', () => {
    const dir = dirWith({ 'revgap.config.yaml': 'data:\n  sales: data/sales.csv\nallowedUsers: U1, U2\n' });
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.data.sales).toBe(join(dir, 'data', 'sales.csv'));
    expect(config.allowedUsers).toEqual(['U1', 'U2']);
  });

  it('reads the file given with --config, and paths from flags against the working directory', () => {
    const dir = dirWith({ 'other.yml': 'analysis:\n  rules: seed\n' });
    const config = loadConfig({ cwd: dir, env: {}, flags: { config: 'other.yml', sales: 'in/sales.csv' } });
    expect(config.analysis.rules).toBe('seed');
    expect(config.data.sales).toBe(join(dir, 'in', 'sales.csv'));
  });

  it('maps the Slack and runtime variables', () => {
    const config = loadConfig({
      cwd: dirWith(),
      env: {
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_APP_TOKEN: 'xapp-1',
        SLACK_SIGNING_SECRET: 's3cret',
        SLACK_API_URL: 'http://127.0.0.1:3999/api/',
        PORT: '8080',
        DATABASE_URL: 'postgres://postgres@127.0.0.1/test',
        REVGAP_ALLOWED_CHANNELS: 'C1,C2',
        REVGAP_CATCH_UP_HOURS: '6',
        REVGAP_REFRESH_MINUTES: '0',
        REVGAP_TIMEZONE: 'Europe/Berlin',
      },
    });
    expect(config.slackBotToken).toBe('xoxb-1');
    expect(config.slackAppToken).toBe('xapp-1');
    expect(config.slackSigningSecret).toBe('s3cret');
    expect(config.slackApiUrl).toBe('http://127.0.0.1:3999/api/');
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1/test');
    expect(config.allowedChannels).toEqual(['C1', 'C2']);
    expect(config.catchUpHours).toBe(6);
    expect(config.refreshMinutes).toBe(0);
    expect(config.timezone).toBe('Europe/Berlin');
  });

  it('turns --strict into the strict bad-row policy and repeated --map flags into a header map', () => {
    const config = loadConfig({
      cwd: dirWith(),
      env: { REVGAP_MAP: 'date=Order Date' },
      flags: { strict: true, map: ['customer_id=Customer ID', 'amount="Net Total"'] },
    });
    expect(config.analysis.badRows).toBe('strict');
    expect(config.data.map).toEqual({ date: 'Order Date', customer_id: 'Customer ID', amount: 'Net Total' });
  });

  it('reads word settings from flags and env without case, and weekdays by three letters', () => {
    const config = loadConfig({
      cwd: dirWith(),
      env: { REVGAP_RULES: 'Seed', REVGAP_LOG_LEVEL: 'WARN' },
      flags: { period: 'Month', 'week-start': 'Sun' },
    });
    expect(config.analysis.period).toBe('month');
    expect(config.analysis.weekStartsOn).toBe('sunday');
    expect(config.analysis.rules).toBe('seed');
    expect(config.logLevel).toBe('warn');
  });

  it('wants a three-letter currency code', () => {
    const error = configErrorOf(() =>
      loadConfig({ cwd: dirWith(), env: {}, flags: { currency: 'dollars' } }),
    );
    expect(error.issues).toEqual([
      '--currency = "dollars": use a three-letter ISO code such as USD, EUR, GBP',
    ]);
    expect(loadConfig({ cwd: dirWith(), env: { REVGAP_CURRENCY: 'eur' } }).analysis.currency).toBe('eur');
    const both = configErrorOf(() =>
      loadConfig({ cwd: dirWith(), env: {}, flags: { currency: '$', 'as-of': '2026-02-30' } }),
    );
    expect(both.issues).toHaveLength(2);
  });

  it('counts a text length in characters in its message', () => {
    const error = configErrorOf(() => loadConfig({ cwd: dirWith(), env: {}, flags: { delimiter: 'xx' } }));
    expect(error.issues).toEqual(['--delimiter = "xx": must be at most 1 character long']);
  });

  it('reads "tab" as a tab delimiter', () => {
    expect(loadConfig({ cwd: dirWith(), env: {}, flags: { delimiter: 'tab' } }).data.delimiter).toBe('\t');
  });

  it('lists every invalid setting at once, each with its source and what is allowed', () => {
    const dir = dirWith({
      'revgap.config.json': JSON.stringify({ analysis: { topn: 5 }, logLevel: 'loud' }),
    });
    const error = configErrorOf(() =>
      loadConfig({
        cwd: dir,
        env: { REVGAP_TOP: 'ten', PORT: '70000', REVGAP_SCHEDULE: '0 9 * *' },
        flags: { period: 'year' },
      }),
    );
    const file = join(dir, 'revgap.config.json');
    expect(error.issues).toEqual(
      expect.arrayContaining([
        `"analysis.topn" in ${file}: unknown setting (did you mean "analysis.topN"?)`,
        'REVGAP_TOP (environment): expected a whole number, got "ten"',
        '--period = "year": allowed: week, month',
        'PORT (environment) = 70000: must be at most 65535',
        `"logLevel" in ${file} = "loud": allowed: trace, debug, info, warn, error, fatal, silent`,
      ]),
    );
    expect(error.issues.some((i) => i.startsWith('REVGAP_SCHEDULE (environment)') && i.includes('5'))).toBe(
      true,
    );
    expect(error.issues).toHaveLength(6);
    expect(error.message).toContain('Invalid settings:');
  });

  it('rejects an as-of date that is not on the calendar before any data is read', () => {
    const error = configErrorOf(() =>
      loadConfig({ cwd: dirWith(), env: {}, flags: { 'as-of': '2026-13-01' } }),
    );
    expect(error.issues).toEqual(['--as-of = "2026-13-01": not a calendar date (use YYYY-MM-DD)']);
    const fromEnv = configErrorOf(() => loadConfig({ cwd: dirWith(), env: { REVGAP_AS_OF: '2026-02-30' } }));
    expect(fromEnv.issues).toEqual([
      'REVGAP_AS_OF (environment) = "2026-02-30": not a calendar date (use YYYY-MM-DD)',
    ]);
  });

  it('reports weights that do not sum to 1 against the config file', () => {
    const dir = dirWith({ 'revgap.config.yml': 'analysis:\n  weights:\n    revenueImpact: 0.5\n' });
    const error = configErrorOf(() => loadConfig({ cwd: dir, env: {} }));
    expect(error.issues).toEqual([
      `"analysis.weights" in ${join(dir, 'revgap.config.yml')}: weights must sum to 1`,
    ]);
  });

  it('never echoes a secret value in an error', () => {
    const error = configErrorOf(() =>
      loadConfig({ cwd: dirWith(), env: { DATABASE_URL: 'mysql://root:hunter2@db/x' } }),
    );
    expect(error.message).toContain('DATABASE_URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('names a missing --config file and a file that is not valid JSON', () => {
    const dir = dirWith({ 'revgap.config.json': '{ "analysis": ' });
    expect(
      configErrorOf(() => loadConfig({ cwd: dir, env: {}, flags: { config: 'nope.yaml' } })).issues[0],
    ).toBe(`config file ${join(dir, 'nope.yaml')}: file not found`);
    expect(configErrorOf(() => loadConfig({ cwd: dir, env: {} })).issues[0]).toContain('not valid JSON');
  });

  it('points at the line and column of a JSON or YAML syntax error, on one line', () => {
    // Line 3 is `    "topN": 5,` and the stray comma is answered at the `}` on line 4, column 3.
    const json = dirWith({ 'revgap.config.json': '{\n  "analysis": {\n    "topN": 5,\n  }\n}\n' });
    const jsonIssue = configErrorOf(() => loadConfig({ cwd: json, env: {} })).issues[0];
    expect(jsonIssue).toContain('at line 4, column 3');
    expect(jsonIssue).not.toContain('position');
    const yaml = dirWith({ 'revgap.config.yaml': 'analysis:\n  topN: [\n' });
    const yamlIssue = configErrorOf(() => loadConfig({ cwd: yaml, env: {} })).issues[0] ?? '';
    expect(yamlIssue).toContain('not valid YAML');
    expect(yamlIssue).toContain('line 3');
    expect(yamlIssue).not.toContain('\n');
  });

  it('reads a JSON config file saved with a byte-order mark', () => {
    const dir = dirWith({ 'revgap.config.json': '\ufeff{ "analysis": { "topN": 7 } }' });
    expect(loadConfig({ cwd: dir, env: {} }).analysis.topN).toBe(7);
  });

  it('catches swapped Slack tokens', () => {
    const error = configErrorOf(() =>
      loadConfig({ cwd: dirWith(), env: { SLACK_BOT_TOKEN: 'xapp-1', SLACK_APP_TOKEN: 'xoxb-1' } }),
    );
    expect(error.issues).toHaveLength(2);
    expect(error.issues[0]).toContain('use the bot token (xoxb-)');
  });
});

describe('closest', () => {
  it('suggests the nearest name and nothing for a far-off word', () => {
    expect(closest('--fromat', ['--format', '--out'])).toBe('--format');
    expect(closest('zzzzzz', ['--format', '--out'])).toBeUndefined();
  });
});

describe('describeSettings', () => {
  it('documents every setting with its env var, flag and default', () => {
    const lines = describeSettings();
    expect(lines).toContain(
      'analysis.topN [REVGAP_TOP, --top]: How many priorities to list ("all": every ranked customer; the Slack digest stops at 1,000) (default 20)',
    );
    expect(lines.some((l) => l.startsWith('slackBotToken [SLACK_BOT_TOKEN'))).toBe(true);
    expect(lines.every((l) => /: \S/.test(l))).toBe(true);
  });
});
