/**
 * Supply-side causes end to end through the CLI (issue 9, shared/spec/evidence.md section 7):
 * `--stock FILE` with sales rows carrying store_id. Fixture (test/fixtures/stock): 20 weeks from
 * 2026-07-06. Store S1: SKU-1 and SKU-2 are at 0 on hand in the last three weeks (2026-11-02,
 * -09, -16; 2 of 4 SKUs out = 50%, baseline 0%), and its customer A1 spends 300 instead of 1,000 in
 * exactly those weeks (A2, same store, steady at 1,000: no gap). Store S2 never runs out; its
 * customer B1 declines steadily (1,000 - 40 a week). Only A1 is marked.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisDocumentSchema } from '../../src/render/json-document.ts';
import { runCliCaptured } from '../helpers/run-cli.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/stock');
const SALES = join(FIXTURES, 'sales.csv');
const STOCK = join(FIXTURES, 'stock.csv');
const dir = mkdtempSync(join(tmpdir(), 'revgap-stock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (...argv: string[]) => runCliCaptured(argv, { cwd: dir, now: new Date('2026-11-24T10:00:00Z') });

const base = ['analyze', '--sales', SALES, '--as-of', '2026-11-22'];

describe('revgap analyze --stock', () => {
  it('marks only the gap of the store whose SKUs were out when its customer dipped (JSON)', async () => {
    const r = await run(...base, '--stock', STOCK, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const doc = analysisDocumentSchema.parse(JSON.parse(r.stdout));
    const byId = new Map(doc.priorities.map((p) => [p.customerId, p]));
    expect([...byId.keys()].sort()).toEqual(['A1', 'B1']);
    const a1 = byId.get('A1');
    expect(a1?.supplyMark).toEqual({
      storeId: 'S1',
      recentStockoutShare: 0.375, // recent window: 3 of 4 weeks at 2/4 SKUs out
      baselineStockoutShare: 0,
      stockoutPeriods: ['2026-11-02', '2026-11-09', '2026-11-16'],
      skusOut: [
        { sku: 'SKU-1', periods: ['2026-11-02', '2026-11-09', '2026-11-16'] },
        { sku: 'SKU-2', periods: ['2026-11-02', '2026-11-09', '2026-11-16'] },
      ],
      dip: -700, // 300 against a flat 1,000 trend
    });
    expect(a1?.recommendation).toBe(
      'Fix availability of SKU-1, SKU-2 first; tell the customer when they are back.',
    );
    const b1 = byId.get('B1');
    expect(b1?.supplyMark).toBeUndefined();
    expect(b1?.recommendation).not.toContain('availability');
    expect(doc.supply).toMatchObject({ source: STOCK, gapsWithStore: 2, gapsWithStock: 2, marked: 1 });
  });

  it('shows the mark and the count with the rule in the markdown report', async () => {
    const r = await run(...base, '--stock', STOCK);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      '**Possibly supply-caused:** store S1 had 38% of its SKUs out in the recent window (baseline 0%); out: SKU-1 (2026-11-02, 2026-11-09, 2026-11-16); SKU-2 (2026-11-02, 2026-11-09, 2026-11-16).',
    );
    expect(r.stdout.match(/Possibly supply-caused:/g)).toHaveLength(1);
    expect(r.stdout).toContain(
      '1 gap marked possibly supply-caused, of 2 customers with a gap whose store has stock rows',
    );
    expect(r.stdout).toContain(
      'at least 10 points more SKUs out of stock in the recent window than in the baseline',
    );
  });

  it('without --stock nothing is marked', async () => {
    const r = await run(...base, '--format', 'json');
    const doc = analysisDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.supply).toBeUndefined();
    expect(doc.priorities.every((p) => p.supplyMark === undefined)).toBe(true);
  });

  it('reports a bad stock row by its line (lenient: skipped and noted; strict: stops there)', async () => {
    const lines = readFileSync(STOCK, 'utf8').split('\n');
    lines[2] = 'S1,SKU-2,2026-07-06,lots,10,12'; // line 3 of the file
    lines[4] = 'S1,SKU-4,2026-07-32,20,10,12'; // line 5
    const bad = join(dir, 'stock-bad.csv');
    writeFileSync(bad, lines.join('\n'));
    const lenient = await run(...base, '--stock', bad, '--format', 'json');
    expect(lenient.code, lenient.stderr).toBe(0);
    const warnings = analysisDocumentSchema.parse(JSON.parse(lenient.stdout)).dataQuality.warnings ?? [];
    const note = warnings.find((n) => n.includes(bad));
    expect(lenient.stderr).toContain(`warning: Skipped 2 of ${lines.length - 2} rows in ${bad}`);
    expect(note).toContain(`Skipped 2 of ${lines.length - 2} rows in ${bad}`);
    expect(note).toContain('line 3 (on_hand_units): on_hand_units "lots" is not a number of units');
    expect(note).toContain('line 5 (week_start)');
    const strict = await run(...base, '--stock', bad, '--bad-rows', 'strict');
    expect(strict.code).not.toBe(0);
    expect(strict.stderr).toContain(
      `${bad} line 3, column "on_hand_units": on_hand_units "lots" is not a number of units`,
    );
  });

  it('names the --stock flag when the file is missing', async () => {
    const r = await run(...base, '--stock', join(dir, 'nope.csv'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('(from --stock)');
    expect(r.stderr).toContain('store_id,sku,week_start,on_hand_units');
  });
});
