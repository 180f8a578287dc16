import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import { InputError } from '../../src/errors.ts';
import { analysisRequest, sourceSpecFromConfig } from '../../src/sources/open-sources.ts';
import type { CustomersSource, SalesSource } from '../../src/sources/sales-source.ts';
import {
  bundledSampleWeeks,
  describeBundledSample,
  sampleSalesSource,
} from '../../src/sources/sample/sample-sales-source.ts';
import { type AnalysisStage, COLLECT_MIN_CUSTOMERS, runAnalysis } from '../../src/use-cases/run-analysis.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/use-cases/', import.meta.url));
const SALES = `${FIXTURES}two-customers.csv`;
const INFO = `${FIXTURES}two-customers-info.csv`;
const TODAY = '2026-11-24';

describe('runAnalysis', () => {
  it('folds every accepted CSV row into the ledger and reports the read', async () => {
    const result = await runAnalysis(
      analysisRequest({ salesPath: SALES, settings: defaultAnalysisSettings(), today: TODAY }),
    );
    // Six data rows, all valid; the latest sale (Sunday 2026-11-22) completes the week of 2026-11-16.
    expect(result.dataQuality.rowsRead).toBe(6);
    expect(result.dataQuality.rowsRejected).toBe(0);
    const a = result.customers.find((c) => c.customerId === 'A')!;
    const b = result.customers.find((c) => c.customerId === 'B')!;
    // A: 100.00, 100.00, then 100.00 + 25.50 in the last week. B: 50.00, then a 20.00 refund.
    expect(a.series.slice(-3)).toEqual([10_000, 10_000, 12_550]);
    expect(b.series.slice(0, 2)).toEqual([5_000, -2_000]);
    expect(a.name).toBe('A');
  });

  it('joins the customers file: names, segments, managers, and customers with no sales', async () => {
    const result = await runAnalysis(
      analysisRequest({
        salesPath: SALES,
        customersPath: INFO,
        settings: defaultAnalysisSettings(),
        today: TODAY,
      }),
    );
    const a = result.customers.find((c) => c.customerId === 'A')!;
    expect(a.name).toBe('Acme Foods');
    expect(a.segment).toBe('SMB');
    expect(a.accountManager).toBe('alice@example.com');
    expect(result.customers.find((c) => c.customerId === 'C')?.status).toBe('no_sales');
    expect(result.dataQuality.customers?.rowsRead).toBe(3);
  });

  it('notes the customers of the customers file that have no sales rows, when only some match', async () => {
    // two-customers-info.csv lists A, B and C; the sales have rows for A and B only.
    const result = await runAnalysis(
      analysisRequest({
        salesPath: SALES,
        customersPath: INFO,
        settings: defaultAnalysisSettings(),
        today: TODAY,
      }),
    );
    expect(result.dataQuality.notes).toEqual([
      `1 of 3 customers in ${INFO} has no sales rows (listed as no sales on record); ` +
        'if more of them should have sales, check that both files use the same customer ids.',
    ]);
    const alone = await runAnalysis(
      analysisRequest({ salesPath: SALES, settings: defaultAnalysisSettings(), today: TODAY }),
    );
    expect(alone.dataQuality.notes).toBeUndefined();
  });

  it('stops at a bad customers row under badRows: strict, whoever runs it (CLI, digest, serve)', async () => {
    const request = {
      salesPath: SALES,
      customersPath: `${FIXTURES}duplicate-id-customers.csv`,
      today: TODAY,
    };
    await expect(
      runAnalysis(analysisRequest({ ...request, settings: defaultAnalysisSettings({ badRows: 'strict' }) })),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('duplicate-id-customers.csv line 3, column "customer_id"'),
    });
    // Lenient: the repeated id is skipped and reported, and the run goes on.
    const lenient = await runAnalysis(analysisRequest({ ...request, settings: defaultAnalysisSettings() }));
    expect(lenient.dataQuality.customers?.rowsRejected).toBe(1);
  });

  it('analyses the bundled sample when no sales file is given: same day, same report', async () => {
    const settings = defaultAnalysisSettings();
    const first = await runAnalysis(analysisRequest({ settings, today: TODAY }));
    const second = await runAnalysis(analysisRequest({ settings, today: TODAY }));
    expect(first).toEqual(second);
    expect(first.dataQuality.source).toBe('bundled sample data');
    expect(first.customers).toHaveLength(200);
    // The sample ends on the last complete week before today: Monday 2026-11-16 to Sunday 2026-11-22.
    expect(first.asOf.endDay).toBe(Date.UTC(2026, 10, 22) / 86_400_000);
    expect(first.priorities.length).toBe(20);
    expect(first.customers.some((c) => c.accountManager === 'alice@example.com')).toBe(true);
  });

  it('gives the same report when it pauses between steps (as the bot runs it) as in one go', async () => {
    // 3,000 customers: more than one step (CUSTOMERS_PER_STEP) of the analysis and the evidence.
    const request = () =>
      analysisRequest({
        settings: defaultAnalysisSettings(),
        today: TODAY,
        sample: { customers: 3000, periods: 30, seed: 7 },
      });
    let pauses = 0;
    const paused = await runAnalysis(request(), {
      pause: async () => {
        pauses++;
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    const inOneGo = await runAnalysis(request());
    expect(pauses).toBeGreaterThan(10);
    expect(paused).toEqual(inOneGo);
    expect(paused.backtest?.points.length).toBeGreaterThan(0);
  });

  it('sizes the bundled sample on request', async () => {
    const result = await runAnalysis(
      analysisRequest({
        settings: defaultAnalysisSettings(),
        today: TODAY,
        sample: { customers: 30, periods: 8, seed: 1 },
      }),
    );
    expect(result.customers).toHaveLength(30);
    expect(
      describeBundledSample({
        today: TODAY,
        settings: defaultAnalysisSettings(),
        sample: { customers: 30, periods: 8 },
      }),
    ).toBe('the bundled sample data (30 customers, 8 weeks up to 2026-11-22)');
  });

  it('makes the bundled sample long enough for monthly periods', async () => {
    const settings = defaultAnalysisSettings({ period: 'month' });
    // 13 months of 31 days need ceil(403 / 7) = 58 weeks: the default 104 already holds them.
    expect(bundledSampleWeeks({ settings })).toBe(104);
    expect(bundledSampleWeeks({ settings: defaultAnalysisSettings() })).toBe(104);
    // A lookback longer than the default sample lengthens it: 120 weeks; a 30-month lookback needs
    // 31 months of 31 days, ceil(961 / 7) = 138 weeks.
    expect(bundledSampleWeeks({ settings: defaultAnalysisSettings({ lookback: 120 }) })).toBe(120);
    expect(bundledSampleWeeks({ settings: defaultAnalysisSettings({ period: 'month', lookback: 30 }) })).toBe(
      Math.ceil((31 * 31) / 7),
    );
    const result = await runAnalysis(analysisRequest({ settings, today: TODAY }));
    expect(result.summary.customersAnalyzed).toBeGreaterThan(100);
  });

  it('applies the seed rules when the settings name them', async () => {
    const result = await runAnalysis(
      analysisRequest({
        salesPath: SALES,
        settings: defaultAnalysisSettings({ rules: 'seed' }),
        today: TODAY,
      }),
    );
    expect(result.rules).toBe('seed');
  });

  it('reports progress while reading a file', async () => {
    const calls: [number, number][] = [];
    await runAnalysis(
      analysisRequest({ salesPath: SALES, settings: defaultAnalysisSettings(), today: TODAY }),
      { onProgress: (read, total) => calls.push([read, total]) },
    );
    expect(calls.length).toBeGreaterThan(0);
    const [read, total] = calls[calls.length - 1]!;
    expect(read).toBe(total);
  });

  it('stops with an InputError naming the file when it does not exist', async () => {
    await expect(
      runAnalysis(
        analysisRequest({
          salesPath: `${FIXTURES}missing.csv`,
          settings: defaultAnalysisSettings(),
          today: TODAY,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InputError', message: expect.stringContaining('missing.csv') });
  });
});

describe('sourceSpecFromConfig', () => {
  it('carries the data files, CSV options and settings of an app config', () => {
    const config = loadConfig({
      cwd: FIXTURES,
      env: { REVGAP_DECIMAL: ',' },
      flags: { sales: 'two-customers.csv', map: ['amount=Net'], 'date-format': 'DD/MM/YYYY', top: '5' },
    });
    const request = sourceSpecFromConfig(config, TODAY);
    expect(request.salesPath).toBe(SALES);
    expect(request.customersPath).toBeUndefined();
    expect(request.csv).toEqual({
      map: { amount: 'Net' },
      customersMap: {},
      dateFormat: 'DD/MM/YYYY',
      decimal: ',',
    });
    expect(request.settings).toBe(config.analysis);
    expect(request.today).toBe(TODAY);
  });
});

describe('runAnalysis: the sales read beside the customers list', () => {
  const settings = defaultAnalysisSettings();
  const customersFailing = (after: Promise<void>): CustomersSource => ({
    description: 'customers.csv',
    async load() {
      await after;
      throw new InputError('customers.csv: no customer_id column');
    },
  });

  it('starts a CSV read first, and stops it when the customers list fails, before failing', async () => {
    const events: string[] = [];
    let seen: AbortSignal | undefined;
    const sales: SalesSource = {
      description: 'sales.csv',
      loadsBesideCustomers: true,
      load(options) {
        events.push('sales started');
        seen = options.signal;
        return new Promise((_, reject) => {
          options.signal?.addEventListener('abort', () => {
            // Its threads take a moment to stop.
            setTimeout(() => {
              events.push('sales stopped');
              reject(options.signal?.reason);
            }, 20);
          });
        });
      },
    };
    const started = Promise.resolve().then(() => {
      events.push('customers read');
    });
    const error = await runAnalysis({ sales, customers: customersFailing(started), settings }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe('customers.csv: no customer_id column');
    expect(seen?.aborted).toBe(true);
    expect(events).toEqual(['sales started', 'customers read', 'sales stopped']);
  });

  it('says the customers list is wrong even when the sales read failed first', async () => {
    const sales: SalesSource = {
      description: 'missing.csv',
      loadsBesideCustomers: true,
      load: () => Promise.reject(new InputError('missing.csv: no such file')),
    };
    const late = new Promise<void>((resolve) => setTimeout(resolve, 20));
    await expect(runAnalysis({ sales, customers: customersFailing(late), settings })).rejects.toThrow(
      'customers.csv: no customer_id column',
    );
  });

  it('reads the customers list first for a source that cannot read beside it (a database)', async () => {
    const events: string[] = [];
    const sales: SalesSource = {
      description: 'postgres://db/sales',
      load() {
        events.push('sales started');
        return Promise.reject(new InputError('not reached'));
      },
    };
    await expect(
      runAnalysis({ sales, customers: customersFailing(Promise.resolve()), settings }),
    ).rejects.toThrow('customers.csv');
    expect(events).toEqual([]);
  });
});

describe('runAnalysis: full collections between phases', () => {
  /** Runs `run` with a counting `gc` in place of the launcher's, and gives the count. */
  async function collections(run: () => Promise<unknown>): Promise<number> {
    const global = globalThis as { gc?: () => void };
    const saved = global.gc;
    let count = 0;
    global.gc = () => {
      count++;
    };
    try {
      await run();
    } finally {
      global.gc = saved;
    }
    return count;
  }

  const sampleRun = (customers: number, pause?: () => Promise<void>) => () => {
    const settings = defaultAnalysisSettings();
    const sales = sampleSalesSource({ today: TODAY, settings, sample: { customers, seed: 3 } });
    return runAnalysis({ sales, settings, today: TODAY }, pause ? { pause } : {});
  };

  it('collect after the read, the evidence and the per-customer pass from COLLECT_MIN_CUSTOMERS customers on', async () => {
    // (A few of a sample's customers have no sales: the ledger counts those with rows.)
    expect(await collections(sampleRun(COLLECT_MIN_CUSTOMERS + 1000))).toBe(3);
  }, 60_000);

  it('do not collect for a small ledger, nor when the caller pauses (a bot)', async () => {
    expect(await collections(sampleRun(300))).toBe(0);
    expect(await collections(sampleRun(COLLECT_MIN_CUSTOMERS + 1000, () => Promise.resolve()))).toBe(0);
  }, 60_000);
});

describe('runAnalysis: stages after the read', () => {
  it('reports the evidence (start, then each replay point) and then the analysis', async () => {
    const settings = defaultAnalysisSettings();
    const sales = sampleSalesSource({ today: TODAY, settings, sample: { customers: 200, seed: 5 } });
    const stages: AnalysisStage[] = [];
    const result = await runAnalysis({ sales, settings, today: TODAY }, { onStage: (s) => stages.push(s) });
    const points = result.backtest?.points.length ?? 0;
    expect(points).toBeGreaterThan(0);
    const customers = stages[0]?.customers;
    expect(customers).toBeGreaterThan(150);
    expect(stages).toEqual([
      { stage: 'evidence', customers, pointsDone: 0, points: null },
      ...Array.from({ length: points }, (_, i) => ({
        stage: 'evidence',
        customers,
        pointsDone: i + 1,
        points,
      })),
      { stage: 'analysis', customers },
    ]);
  });

  it('reports the analysis alone when the evidence is not asked for', async () => {
    const settings = defaultAnalysisSettings();
    const sales = sampleSalesSource({ today: TODAY, settings, sample: { customers: 50 } });
    const stages: AnalysisStage[] = [];
    await runAnalysis({ sales, settings, evidence: false }, { onStage: (s) => stages.push(s) });
    expect(stages.map((s) => s.stage)).toEqual(['analysis']);
  });
});
