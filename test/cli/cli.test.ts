/**
 * The real `revgap` command, run as a child process (`node bin/revgap.mjs ...`): exit codes, what
 * goes to stdout and stderr, and files written. Kept to a dozen runs so the file stays fast.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisDocumentSchema } from '../../src/render/json-document.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'revgap.mjs');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cli');
const work = mkdtempSync(join(tmpdir(), 'revgap-cli-e2e-'));
const demo = join(work, 'demo');

// The parent's revgap/Slack settings must not leak into the runs.
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(REVGAP_|SLACK_|DATABASE_URL$|PORT$)/.test(k)),
);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function revgap(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: work, env: { ...BASE_ENV, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const DATA = () => ['--sales', join(demo, 'sales.csv'), '--customers', join(demo, 'customers.csv')];

beforeAll(async () => {
  const r = await revgap(['sample', '--out', demo, '--end', '2026-11-22']);
  expect(r.code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('revgap analyze', () => {
  it('prints a markdown report with every section for the sample data', async () => {
    const r = await revgap(['analyze', ...DATA()]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const headings = r.stdout.split('\n').filter((l) => l.startsWith('## '));
    expect(headings).toEqual([
      '## Executive summary',
      '## Top priority gaps',
      '## How reliable were past flags',
      '## Churn-risk customers',
      '## Gap analysis by type',
      '## Strategic recommendations',
      '## Customers not scored',
      '## Data quality',
      '## Method',
    ]);
    expect(r.stdout).toMatch(/^# Revenue gap report: week of Mon 16 Nov 2026 \(to 22 Nov\)\n/);
  });

  it('writes a JSON document that validates against the published schema', async () => {
    const out = join(work, 'report.json');
    const r = await revgap(['analyze', ...DATA(), '--format', 'json', '--top', '5', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`wrote the report to ${out}`);
    const doc = analysisDocumentSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(doc.priorities).toHaveLength(5);
    expect(doc.summary.customersAnalyzed).toBeGreaterThan(100);
  });

  it('analyses the bundled sample when no --sales is given, and says so', async () => {
    const r = await revgap(['analyze', '--top', '3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no --sales file given; analysing the bundled sample data (200 customers');
    expect(r.stdout).toContain('## Top priority gaps');
  });

  it('stops when many rows are dated far after today: exit 2, the count, a line and --as-of (issue 13)', async () => {
    const lines = ['customer_id,date,amount'];
    for (let w = 0; w < 16; w++) {
      const day = new Date(Date.UTC(2026, 0, 5 + 7 * w)).toISOString().slice(0, 10);
      lines.push(`C1,${day},100`, `C2,${day},${w < 12 ? 100 : 10}`);
    }
    for (let i = 0; i < 10; i++) lines.push('C1,2062-04-20,100');
    const sales = join(work, 'far-future.csv');
    writeFileSync(sales, `${lines.join('\n')}\n`);
    const r = await revgap(['analyze', '--sales', sales]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('10 rows of');
    expect(r.stderr).toContain('line 34: 2062-04-20, customer "C1"');
    expect(r.stderr).toContain('--as-of YYYY-MM-DD');
    const withAsOf = await revgap(['analyze', '--sales', sales, '--as-of', '2026-04-26']);
    expect(withAsOf.code).toBe(0);
    expect(withAsOf.stdout).toContain('$360.00');
  });

  it('stops at a bad row in strict mode: exit 2, nothing on stdout, the file and line on stderr', async () => {
    const out = join(work, 'strict.md');
    const r = await revgap(['analyze', '--sales', join(FIXTURES, 'bad-row.csv'), '--strict', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(r.stderr).toMatch(/bad-row\.csv(:| line )3/);
    expect(r.stderr).toContain('abc');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('skips a bad row in lenient mode and lists it on stderr', async () => {
    const r = await revgap(['analyze', '--sales', join(FIXTURES, 'bad-row.csv')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('skipped 1 of 3 rows');
    expect(r.stderr).toContain('bad-row.csv:3');
    expect(r.stdout).toContain('## Data quality');
  });

  it('names the headers it found and the --map fix when a required column is missing', async () => {
    const r = await revgap(['analyze', '--sales', join(FIXTURES, 'missing-amount.csv')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('missing-amount.csv');
    expect(r.stderr).toContain('total_value');
    expect(r.stderr).toContain('--map');
  });

  it('lists every bad setting at once, from flags and the environment', async () => {
    const r = await revgap(['analyze', '--period', 'year', '--top', '0', '--format', 'xml'], {
      REVGAP_TIMEZONE: 'Mars/Olympus',
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--format = "xml": allowed: markdown, json');
    expect(r.stderr).toContain('--period = "year": allowed: week, month');
    expect(r.stderr).toContain('--top = 0: must be at least 1');
    expect(r.stderr).toContain('REVGAP_TIMEZONE (environment) = "Mars/Olympus"');
  });
});

describe('revgap analyze --rules seed', () => {
  it('reproduces the original system’s published figures on its own data', async () => {
    const sales = join(ROOT, 'test', 'fixtures', 'seed', 'retail_weekly_sales.csv');
    const r = await revgap(['analyze', '--sales', sales, '--rules', 'seed', '--format', 'json']);
    expect(r.code).toBe(0);
    const { summary } = analysisDocumentSchema.parse(JSON.parse(r.stdout));
    // The original's published run: 155 customers, 343 gaps, 46 at churn risk, $22,583.22 of gaps,
    // $3,200.96 recoverable from the top 20.
    expect(summary.customersAnalyzed).toBe(155);
    expect(summary.gapsDetected).toBe(343);
    expect(summary.churnRiskCustomers).toBe(46);
    expect(summary.totalGapAmount).toBe(22583.22);
    expect(summary.recoveryPotentialTopN).toBe(3200.96);
  });
});

describe('revgap customer', () => {
  it('prints the deep dive of a customer found by id', async () => {
    const r = await revgap(['customer', 'C0004', ...DATA()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('C0004');
    expect(r.stdout).toContain('Westfield Bakery');
  });

  it('lists the customers when a name fragment matches several, with exit code 2', async () => {
    const r = await revgap(['customer', 'florists', ...DATA()]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/"florists" matches \d+ customers/);
    expect(r.stderr).toContain('C0016  Brightwater Florists');
  });

  it('writes the revenue chart as a PNG with --chart, next to the deep dive', async () => {
    const png = join(work, 'c0004.png');
    const r = await revgap(['customer', 'C0004', '--chart', png, ...DATA()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Westfield Bakery');
    expect(r.stderr).toContain(`wrote the chart to ${png}`);
    const bytes = readFileSync(png);
    // PNG signature, then the IHDR size: 720 x 320 drawn at twice the size.
    expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(bytes.readUInt32BE(16)).toBe(1440);
    expect(bytes.readUInt32BE(20)).toBe(640);
  });

  it('refuses a --chart file that is not a .png, before the analysis', async () => {
    const r = await revgap(['customer', 'C0004', '--chart', join(work, 'c.svg'), ...DATA()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--chart writes a PNG image');
    expect(r.stderr).toContain('--chart acme.png');
  });

  it('says no customer matches an unknown id and suggests close ones', async () => {
    const r = await revgap(['customer', 'C0O04', ...DATA()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no customer matches "C0O04"');
    expect(r.stderr).toContain('did you mean');
  });
});
