/**
 * `--top all` (REVGAP_TOP=all, `topN: all` in the config file): every ranked customer in the
 * report and the JSON (previously --top stopped at 1,000), while the Slack digest keeps its own limit.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { analyze } from '../src/core/analyze.ts';
import { defaultAnalysisSettings, TOP_ALL } from '../src/core/settings.ts';
import type { Priority } from '../src/core/types.ts';
import { buildJsonDocument } from '../src/render/json-document.ts';
import { DIGEST_MAX_CARDS, selectDigestPriorities } from '../src/use-cases/post-digest.ts';
import { HAND, HAND_SETTINGS, ledgerOf, QUALITY } from './helpers/backtest-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-top-all-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--top all', () => {
  it('is read from the flag, the environment and the config file; other words are refused', () => {
    expect(loadConfig({ cwd: dir, env: {}, flags: { top: 'all' } }).analysis.topN).toBe(TOP_ALL);
    expect(loadConfig({ cwd: dir, env: { REVGAP_TOP: 'ALL' } }).analysis.topN).toBe(TOP_ALL);
    writeFileSync(join(dir, 'revgap.config.json'), JSON.stringify({ analysis: { topN: 'all' } }));
    expect(loadConfig({ cwd: dir, env: {} }).analysis.topN).toBe(TOP_ALL);
    rmSync(join(dir, 'revgap.config.json'));
    expect(() => loadConfig({ cwd: dir, env: {}, flags: { top: 'everyone' } })).toThrow(/--top/);
    // Above the old cap of 1,000 is fine now.
    expect(loadConfig({ cwd: dir, env: {}, flags: { top: '5000' } }).analysis.topN).toBe(5000);
  });

  it('lists every ranked customer, and the JSON says how many', () => {
    // The hand fixture as of P7 (L = 4, R = 2): B, C, D, E and F have gaps; top 1 lists one.
    const settings = { ...HAND_SETTINGS, topN: TOP_ALL };
    const all = analyze({ ledger: ledgerOf(HAND), customers: [], dataQuality: QUALITY }, settings);
    const one = analyze({ ledger: ledgerOf(HAND), customers: [], dataQuality: QUALITY }, HAND_SETTINGS);
    expect(one.priorities).toHaveLength(1);
    expect(all.priorities).toHaveLength(all.summary.customersWithGaps);
    expect(all.priorities.length).toBeGreaterThan(1);
    const doc = buildJsonDocument(all, settings);
    expect(doc.summary.topN).toBe(all.priorities.length);
    expect(doc.method.topN).toBe(all.priorities.length);
    expect(defaultAnalysisSettings({ topN: 'all' as unknown as number }).topN).toBe(TOP_ALL);
  });

  it('leaves the digest at its own limit of 1,000 cards', () => {
    const many = Array.from(
      { length: 1005 },
      (_, i) => ({ customerId: `C${i}`, gapAmountCents: 100 }) as Priority,
    );
    expect(selectDigestPriorities(many, new Map(), Math.min(TOP_ALL, DIGEST_MAX_CARDS)).shown).toHaveLength(
      1000,
    );
  });
});
