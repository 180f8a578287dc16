import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANALYSIS_WORKER_MIN_BYTES,
  type AnalysisWorkerStage,
  analyzeInWorker,
  shouldAnalyzeInWorker,
} from '../src/analysis-in-worker.ts';
import { type AppConfig, loadConfig } from '../src/config.ts';
import { compactParsedCustomers, PackedComponents } from '../src/core/compact-series.ts';
import { InputError } from '../src/errors.ts';
import { renderDeepDiveMarkdown } from '../src/render/deep-dive.ts';
import { buildJsonDocument } from '../src/render/json-document.ts';
import { renderMarkdownReport } from '../src/render/markdown-report.ts';
import { renderDeepDiveMessage } from '../src/render/slack/deep-dive-blocks.ts';
import { analysisRequestFromConfig } from '../src/sources/open-sources.ts';
import { writeSample } from '../src/sources/sample/write-sample.ts';
import type { AnalysisSnapshot, SnapshotStore } from '../src/store/state-store.ts';
import { buildCustomerIndex, type CustomerIndex } from '../src/use-cases/find-customer.ts';
import { createSnapshotHolder, refreshSnapshot } from '../src/use-cases/refresh-snapshot.ts';
import { runAnalysis } from '../src/use-cases/run-analysis.ts';
import { captureLogs } from './helpers/capture-logs.ts';
import { partialPort } from './helpers/partial-port.ts';

const TODAY = '2026-11-24';
let dir: string;
let config: AppConfig;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'revgap-analysis-worker-'));
  const written = await writeSample(join(dir, 'data'), {
    customers: 150,
    periods: 30,
    seed: 11,
    end: '2026-11-22',
  });
  config = loadConfig({
    env: { REVGAP_SALES: written.salesPath, REVGAP_CUSTOMERS: written.customersPath },
    cwd: dir,
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('analyzeInWorker', () => {
  it('gives the analysis of the calling thread: same report, same JSON document, customers in slices', async () => {
    const stages: AnalysisWorkerStage[] = [];
    let pauses = 0;
    const inWorker = await analyzeInWorker(config, TODAY, {
      customersPerMessage: 7,
      index: true,
      onStage: (stage) => stages.push(stage),
      pause: async () => {
        pauses++;
      },
    });
    const request = analysisRequestFromConfig(config, TODAY);
    const here = await runAnalysis(request);

    expect(inWorker.source).toBe(request.sales.description);
    expect(stages).toEqual(['analysis', 'transfer']);
    expect(inWorker.result.customers).toHaveLength(150);
    // One pause after each slice of 7: 150 customers are 22 slices, then the churn risk list's.
    expect(here.churnRisk.length).toBeGreaterThan(7);
    expect(pauses).toBe(22 + Math.ceil(here.churnRisk.length / 7));
    expect(inWorker.result.churnRisk).toEqual(here.churnRisk);
    expect(inWorker.result.customers.map((c) => c.customerId)).toEqual(
      here.customers.map((c) => c.customerId),
    );
    expect(renderMarkdownReport(inWorker.result, config.analysis)).toBe(
      renderMarkdownReport(here, config.analysis),
    );
    expect(buildJsonDocument(inWorker.result, config.analysis)).toEqual(
      buildJsonDocument(here, config.analysis),
    );
    // The customers are what a snapshot saved as JSON and loaded back holds.
    expect(inWorker.result.customers).toEqual(JSON.parse(JSON.stringify(here.customers)));
    expect(inWorker.result.priorities).toEqual(here.priorities);
    // The index built slice by slice during the transfer answers as one built afterwards.
    const index = inWorker.index!;
    const after = buildCustomerIndex(inWorker.result.customers);
    expect(index.size).toBe(150);
    const queries = [
      ...here.customers.slice(0, 40).flatMap((c) => [c.customerId, c.name.toUpperCase()]),
      'zz',
      'store',
    ];
    for (const query of queries) expect(index.find(query)).toEqual(after.find(query));
    for (const c of inWorker.result.customers) expect(index.byId(c.customerId)).toBe(c);
    // Made compact as a snapshot of 20,000 customers or more is (series views, packed metrics and
    // components, shared strings): the same report, document and deep dives.
    compactParsedCustomers(inWorker.result.customers);
    expect(inWorker.result.customers.some((c) => c.components instanceof PackedComponents)).toBe(true);
    expect(renderMarkdownReport(inWorker.result, config.analysis)).toBe(
      renderMarkdownReport(here, config.analysis),
    );
    expect(buildJsonDocument(inWorker.result, config.analysis)).toEqual(
      buildJsonDocument(here, config.analysis),
    );
    here.customers.forEach((c, i) => {
      const packed = inWorker.result.customers[i]!;
      expect(renderDeepDiveMarkdown(packed, inWorker.result, config.analysis)).toBe(
        renderDeepDiveMarkdown(c, here, config.analysis),
      );
      expect(renderDeepDiveMessage(packed, inWorker.result, config.analysis)).toEqual(
        renderDeepDiveMessage(c, here, config.analysis),
      );
    });
  });

  it("rejects with the analysis' own error: an unreadable sales file stays an InputError with its hint", async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'who,when\nA,2026-01-05\n');
    const badConfig = { ...config, data: { ...config.data, sales: bad, customers: undefined } };
    const error = await analyzeInWorker(badConfig, TODAY).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    const here = await runAnalysis(analysisRequestFromConfig(badConfig, TODAY)).then(
      () => null,
      (e: unknown) => e,
    );
    expect((error as InputError).message).toBe((here as InputError).message);
    expect((error as InputError).hint).toBe((here as InputError).hint);
  });
});

describe('a refresh through the analysis worker', () => {
  it('answers from the index the transfer built, once the snapshot is saved', async () => {
    const saved: AnalysisSnapshot[] = [];
    const store = partialPort<SnapshotStore>({
      saveSnapshot: async (snapshot: AnalysisSnapshot) => void saved.push(snapshot),
      loadLatestSnapshot: async () => saved.at(-1) ?? null,
    });
    const holder = createSnapshotHolder({ store, settings: config.analysis });
    let built: CustomerIndex | undefined;
    const loaded = await refreshSnapshot({
      analyze: async () => {
        const outcome = await analyzeInWorker(config, TODAY, { index: true });
        built = outcome.index;
        return outcome;
      },
      settings: config.analysis,
      store,
      holder,
      now: () => new Date('2026-11-24T06:00:00Z'),
      logger: captureLogs().logger,
    });
    expect(built).toBeDefined();
    expect(loaded.index).toBe(built);
    expect(holder.current()?.index).toBe(built);
    expect(saved).toHaveLength(1);
    const first = saved[0]!.result.customers[0]!;
    expect(holder.current()?.index.byId(first.customerId)).toBe(first);
  });
});

describe('shouldAnalyzeInWorker', () => {
  it('is for large files and database sources, not for the bundled sample or small files', async () => {
    expect(await shouldAnalyzeInWorker({ ...config, data: { ...config.data, sales: undefined } })).toBe(
      false,
    );
    expect(await shouldAnalyzeInWorker(config)).toBe(false);
    const large = join(dir, 'large.csv');
    writeFileSync(large, Buffer.alloc(ANALYSIS_WORKER_MIN_BYTES, 0x20));
    expect(await shouldAnalyzeInWorker({ ...config, data: { ...config.data, sales: large } })).toBe(true);
    expect(
      await shouldAnalyzeInWorker({
        ...config,
        data: { ...config.data, sales: 'postgres://reader@db.example.com/sales' },
      }),
    ).toBe(true);
    expect(
      await shouldAnalyzeInWorker({ ...config, data: { ...config.data, sales: join(dir, 'missing.csv') } }),
    ).toBe(false);
  });
});
