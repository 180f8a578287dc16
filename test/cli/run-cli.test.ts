import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/run-cli.ts';
import { AppError, ConfigError, InputError } from '../../src/errors.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process with captured output. */
const run = (...argv: string[]) => runCliCaptured(argv, { cwd: dir, now: new Date('2026-11-24T10:00:00Z') });

describe('revgap (dispatcher)', () => {
  it('prints the command list and exits 2 when run without a command', async () => {
    const r = await run();
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Usage: revgap <command>');
    for (const name of ['analyze', 'customer', 'sample', 'serve', 'digest', 'help'])
      expect(r.stdout).toContain(`  ${name}`);
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect((await run('--version')).stdout).toBe(`revgap ${pkg.version}\n`);
  });

  it('suggests the closest command for a typo', async () => {
    const r = await run('smaple');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command "smaple" (did you mean `revgap sample`?)');
  });

  it('names the closest valid flag for an unknown one', async () => {
    const r = await run('sample', '--ot', 'x');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag --ot for `revgap sample` (did you mean --out?)');
    expect(r.stdout).toBe('');
  });

  it('says when a flag is missing its value', async () => {
    const r = await run('sample', '--out');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out needs a value');
    expect((await run('sample', '--help=yes')).stderr).toContain('--help takes no value');
  });

  it('prints a command help with --help and with `revgap help COMMAND`', async () => {
    const a = await run('sample', '--help');
    const b = await run('help', 'sample');
    expect(a.code).toBe(0);
    expect(a.stdout).toContain('Usage: revgap sample --out DIR');
    expect(b.stdout).toBe(a.stdout);
  });

  it('lists every setting with `revgap help config`', async () => {
    const r = await run('help', 'config');
    expect(r.stdout).toContain('analysis.topN [REVGAP_TOP, --top]');
    expect(r.stdout).toContain('channel [REVGAP_CHANNEL, --channel]');
  });
});

describe('revgap sample', () => {
  it('writes sales.csv and customers.csv and says what to run next', async () => {
    const out = join(dir, 'demo');
    const r = await run(
      'sample',
      '--out',
      'demo',
      '--customers',
      '30',
      '--periods',
      '8',
      '--end',
      '2026-11-22',
    );
    expect(r.code).toBe(0);
    expect(existsSync(join(out, 'sales.csv'))).toBe(true);
    expect(readFileSync(join(out, 'customers.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(31);
    expect(r.stdout).toContain('for 30 customers (2026-09-28 to 2026-11-22)');
    expect(r.stdout).toContain(`Next: revgap analyze --sales ${join(out, 'sales.csv')}`);
  });

  it('ends the sample with the last complete week before today by default', async () => {
    const r = await run('sample', '--out', 'default-end', '--customers', '5', '--periods', '2');
    expect(r.stdout).toContain('(2026-11-09 to 2026-11-22)');
  });

  it('refuses an --out that is a file with exit 2, not as a bug', async () => {
    writeFileSync(join(dir, 'a-file.csv'), 'x\n');
    const r = await run('sample', '--out', 'a-file.csv', '--customers', '2', '--periods', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot write the sample to ${join(dir, 'a-file.csv')}: it (or a folder on its path) is a file`,
    );
    expect(r.stderr).not.toContain('please report');
  });

  it('lists every bad flag at once', async () => {
    const r = await run('sample', '--customers', 'many', '--periods', '0', '--end', '22/11/2026');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--out is required');
    expect(r.stderr).toContain('--customers = "many": allowed: a whole number from 1 to 10,000,000');
    expect(r.stderr).toContain('--periods = "0"');
    expect(r.stderr).toContain('--end = "22/11/2026": allowed: a date as YYYY-MM-DD');
  });
});

describe('revgap analyze (checks before any work)', () => {
  it('refuses an --out path in a missing directory before analysing', async () => {
    const r = await run('analyze', '--out', 'no/such/dir/report.md');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `cannot write ${join(dir, 'no/such/dir/report.md')}: the directory ${join(dir, 'no/such/dir')} does not exist`,
    );
    expect(r.stderr).not.toContain('bundled sample');
  });

  it('ends a bad --format alone with the same fix line as any bad setting', async () => {
    const r = await run('analyze', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format = "xml": allowed: markdown, json');
    expect(r.stderr).toContain('fix the settings above; `revgap help config` lists every setting');
    expect(r.stdout).toBe('');
  });

  it('reads a negative number after a flag as its value, so the setting says what is wrong', async () => {
    const r = await run('analyze', '--top', '-3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--top = -3: must be at least 1');
    expect(r.stderr).not.toContain('needs a value');
  });

  it('names where a missing data file came from and how its relative path was resolved', async () => {
    const flag = await run('analyze', '--sales', 'gone.csv');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(`File not found: ${join(dir, 'gone.csv')} (from --sales).`);
    expect(flag.stderr).toContain('resolved from the current directory');
    const customers = await run('analyze', '--sales', 'gone.csv', '--customers', 'also-gone.csv');
    expect(customers.stderr).toContain('(from --sales)');
    expect(flag.stdout).toBe('');
  });

  it('stops at a bad customers row under --strict, with nothing on stdout', async () => {
    writeFileSync(join(dir, 'strict-sales.csv'), 'customer_id,date,amount\nC1,2026-11-02,10\n');
    writeFileSync(join(dir, 'strict-customers.csv'), 'customer_id,name\nC1,Acme\nC1,Acme again\n');
    const args = ['analyze', '--sales', 'strict-sales.csv', '--customers', 'strict-customers.csv'];
    const strict = await run(...args, '--strict');
    expect(strict.code).toBe(2);
    expect(strict.stdout).toBe('');
    expect(strict.stderr).toContain(`${join(dir, 'strict-customers.csv')} line 3, column "customer_id"`);
    const lenient = await run(...args);
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toContain('skipped 1 of 2 rows');
  });

  it('takes --format JSON in capitals', async () => {
    writeFileSync(join(dir, 'caps-sales.csv'), 'customer_id,date,amount\nC1,2026-11-02,10\n');
    const r = await run('analyze', '--sales', 'caps-sales.csv', '--format', 'JSON');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).version).toBe(1);
  });

  it('says when an --out path runs through a file', async () => {
    writeFileSync(join(dir, 'plain-file'), 'x\n');
    const r = await run('analyze', '--out', 'plain-file/report.md');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${join(dir, 'plain-file')} (or a folder above it) is a file, not a directory`,
    );
  });

  it('refuses a customers file without a sales file', async () => {
    const r = await run('analyze', '--customers', 'customers.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--customers was given without --sales');
  });
});

describe('formatError', () => {
  it('shows bad input as one message with its hint, and no stack', () => {
    const text = formatError(
      new InputError('sales.csv line 7: amount "x" is not a number', { hint: 'fix line 7' }),
      false,
    );
    expect(text).toBe('revgap: sales.csv line 7: amount "x" is not a number\nfix line 7\n');
  });

  it('shows a config error as its list of settings', () => {
    expect(formatError(new ConfigError(['--top = "0": must be at least 1']), false)).toContain(
      'Invalid settings:\n  - --top = "0": must be at least 1',
    );
  });

  it('shows an expected failure (a busy store) as its message and hint, not as a bug', () => {
    const text = formatError(
      new AppError('STORE', 'The embedded state store in /srv/revgap is in use by `revgap serve` (pid 42)', {
        hint: 'stop it (kill 42)',
      }),
      false,
    );
    expect(text).toBe(
      'revgap: The embedded state store in /srv/revgap is in use by `revgap serve` (pid 42)\nstop it (kill 42)\n',
    );
  });

  it('asks for a bug report on an unexpected error, with the stack only under --debug', () => {
    const error = new TypeError('x is undefined');
    const plain = formatError(error, false);
    expect(plain).toContain('unexpected error: x is undefined');
    expect(plain).toContain('please report it');
    expect(plain).not.toContain('    at ');
    expect(formatError(error, true)).toContain(error.stack!);
  });
});
