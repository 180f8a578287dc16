/**
 * `revgap analyze --rules seed` on the original system's test data, run as a child process: the
 * published figures come out of the real command, and the report keeps the original's section order.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'revgap.mjs');
const SALES = join(ROOT, 'test', 'fixtures', 'seed', 'retail_weekly_sales.csv');

// The parent's revgap/Slack settings must not leak into the runs.
const ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(REVGAP_|SLACK_|DATABASE_URL$|PORT$)/.test(k)),
);

function revgap(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: ENV, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('revgap analyze --rules seed', () => {
  it('prints the published figures as JSON', async () => {
    const r = await revgap(['analyze', '--rules', 'seed', '--sales', SALES, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.rules).toBe('seed');
    expect(doc.summary).toMatchObject({
      customersAnalyzed: 155,
      gapsDetected: 343,
      churnRiskCustomers: 46,
      totalGapAmount: 22583.22,
      recoveryPotentialTopN: 3200.96,
      gapsByType: { declining_revenue: 155, below_baseline: 135, zero_spend: 53 },
    });
    expect(doc.priorities).toHaveLength(20);
  });

  it('writes the markdown report with the original’s sections in its order', async () => {
    const r = await revgap(['analyze', '--rules', 'seed', '--sales', SALES]);
    expect(r.code).toBe(0);
    const headings = r.stdout.split('\n').filter((l) => l.startsWith('## '));
    expect(headings.slice(0, 5)).toEqual([
      '## Executive Summary',
      '## Top Priority Gaps',
      '## Churn Risk Customers',
      '## Strategic Recommendations',
      '## Gap Analysis by Type',
    ]);
    expect(r.stdout).toContain('$22,583.22');
    expect(r.stdout).toContain('$3,200.96');
  });
});
