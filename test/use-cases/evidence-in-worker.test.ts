import { describe, expect, it } from 'vitest';
import { createLedgerBuilder, packLedger, unpackLedger } from '../../src/core/ledger.ts';
import { dayFromIso } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import { sampleSalesSource } from '../../src/sources/sample/sample-sales-source.ts';
import { evidenceWorkerStats } from '../../src/use-cases/evidence-in-worker.ts';
import { runAnalysis } from '../../src/use-cases/run-analysis.ts';

const TODAY = '2026-11-24';

describe('packLedger / unpackLedger', () => {
  it('gives back an equal ledger: customers in order, series, sale flags, rows and the other fields', () => {
    const b = createLedgerBuilder({ kind: 'week', weekStartsOn: 1 });
    b.add({ customerId: 'B', day: dayFromIso('2026-11-02'), amountCents: 10_00, line: 2, storeId: 'S1' });
    b.add({ customerId: 'A', day: dayFromIso('2026-11-03'), amountCents: -4_00, line: 3 });
    b.add({ customerId: 'B', day: dayFromIso('2026-11-17'), amountCents: 7_00, line: 4, storeId: 'S1' });
    b.add({ customerId: 'é客', day: dayFromIso('2026-11-10'), amountCents: 0, line: 5 });
    const ledger = b.build();
    const back = unpackLedger(packLedger(ledger));
    expect([...back.customers.keys()]).toEqual(['B', 'A', 'é客']);
    for (const [id, customer] of ledger.customers) {
      const got = back.customers.get(id);
      expect(got?.net).toEqual(customer.net);
      expect(Array.from(got?.positive ?? [])).toEqual(Array.from(customer.positive));
      expect(got?.startPeriod).toBe(customer.startPeriod);
      expect(got?.rows).toBe(customer.rows);
    }
    expect(back.customers.get('B')?.net).toEqual([10_00, 0, 7_00]);
    const { customers: _a, ...rest } = ledger;
    const { customers: _b, ...restBack } = back;
    expect(restBack).toEqual(rest);
  });
});

describe('runAnalysis with the evidence in a worker thread', () => {
  it('attaches the same evidence as the backtest on the calling thread', async () => {
    const settings = defaultAnalysisSettings();
    const request = {
      sales: sampleSalesSource({ today: TODAY, settings, sample: { customers: 400, seed: 7 } }),
      settings,
      today: TODAY,
    };
    const started = evidenceWorkerStats.started;
    const failed = evidenceWorkerStats.failed;
    const inWorker = await runAnalysis(request, { evidenceInWorker: true });
    expect(evidenceWorkerStats.started).toBe(started + 1);
    expect(evidenceWorkerStats.failed).toBe(failed);
    const here = await runAnalysis(request, { evidenceInWorker: false });
    expect(evidenceWorkerStats.started).toBe(started + 1);
    expect(here.backtest?.perPoint.length).toBeGreaterThan(0);
    expect(inWorker.backtest).toEqual(here.backtest);
    expect(inWorker.priorities.map((p) => [p.customerId, p.evidence])).toEqual(
      here.priorities.map((p) => [p.customerId, p.evidence]),
    );
    expect(here.priorities.some((p) => p.evidence !== undefined)).toBe(true);
  });

  it('starts no worker when the evidence is not asked for', async () => {
    const settings = defaultAnalysisSettings();
    const started = evidenceWorkerStats.started;
    const result = await runAnalysis(
      {
        sales: sampleSalesSource({ today: TODAY, settings, sample: { customers: 50 } }),
        settings,
        evidence: false,
      },
      { evidenceInWorker: true },
    );
    expect(result.backtest).toBeUndefined();
    expect(evidenceWorkerStats.started).toBe(started);
  });
});
