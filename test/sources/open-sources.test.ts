/**
 * The sources factory: CSV, sample or Postgres from the config, and the bot's background reads.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ledgerReadStats } from '../../src/sources/csv/_read-sales-ledger.ts';
import { analysisRequestFromConfig } from '../../src/sources/open-sources.ts';
import { runAnalysis } from '../../src/use-cases/run-analysis.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-open-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analysisRequestFromConfig', () => {
  it('picks the bundled sample, a CSV file or a Postgres table from data.sales', () => {
    const today = '2026-11-24';
    const sample = analysisRequestFromConfig(loadConfig({ cwd: dir, env: {}, flags: {} }), today);
    expect(sample.sales.description).toMatch(/^the bundled sample data/);
    const csv = analysisRequestFromConfig(
      loadConfig({ cwd: dir, env: {}, flags: { sales: 'sales.csv' } }),
      today,
    );
    expect(csv.sales.description).toBe(join(dir, 'sales.csv'));
    const pg = analysisRequestFromConfig(
      loadConfig({
        cwd: dir,
        env: { REVGAP_SALES: 'postgres://ann:s3cret@db.example/shop', REVGAP_TABLE: 'public.sales' },
        flags: {},
      }),
      today,
    );
    expect(pg.sales.description).toBe('postgres://ann@db.example/shop (table public.sales)');
  });

  it('in the background (the bot), parses a sales file of 1 MiB or more in a worker thread, with the same result', async () => {
    // 40,000 rows (~1.3 MB): 400 customers x 100 days.
    const lines = ['customer_id,date,amount'];
    for (let d = 0; d < 100; d++) {
      const date = new Date(Date.UTC(2026, 7, 1) + d * 86_400_000).toISOString().slice(0, 10);
      for (let c = 0; c < 400; c++)
        lines.push(`CUSTOMER-${String(c).padStart(5, '0')},${date},${(c % 97) + 0.25}`);
    }
    const path = join(dir, 'big.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const config = loadConfig({ cwd: dir, env: {}, flags: { sales: path } });
    const before = ledgerReadStats.reads;
    const inBackground = await runAnalysis(
      analysisRequestFromConfig(config, '2026-11-24', { background: true }),
    );
    expect(ledgerReadStats.reads).toBe(before + 1);
    const inThread = await runAnalysis(analysisRequestFromConfig(config, '2026-11-24'));
    expect(inBackground).toEqual(inThread);
    expect(inBackground.dataQuality.rowsAccepted).toBe(40_000);
  });
});
