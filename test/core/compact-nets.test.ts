import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/core/analyze.ts';
import { runBacktest } from '../../src/core/backtest.ts';
import { createLedgerBuilder, IntCents, type LedgerPart, ledgerFromPart } from '../../src/core/ledger.ts';
import { dayFromIso } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import type { PeriodSpec, SalesLedger } from '../../src/core/types.ts';
import { buildJsonDocument } from '../../src/render/json-document.ts';
import { renderMarkdownReport } from '../../src/render/markdown-report.ts';
import { generateSample } from '../../src/sources/sample/generate-sample.ts';
import { emptyQuality, evidenceOptions } from '../../src/use-cases/run-analysis.ts';

const weeks: PeriodSpec = { kind: 'week', weekStartsOn: 1 };

/** The bundled sample's generator: 300 customers, 60 weeks, refunds, lapsed and new customers. */
function samplePart(extra: (add: (id: string, iso: string, cents: number) => void) => void = () => {}) {
  const sample = generateSample({ customers: 300, periods: 60, seed: 7, end: '2026-11-22' });
  const builder = createLedgerBuilder(weeks);
  for (const row of sample.sales()) builder.add(row);
  extra((customerId, iso, amountCents) => builder.add({ customerId, day: dayFromIso(iso), amountCents }));
  const customers = sample.customers.map((c) => ({
    customerId: c.customerId,
    name: c.name,
    segment: c.segment,
    accountManager: c.accountManager,
  }));
  return { part: builder.buildPart(), customers };
}

function bothLedgers(part: LedgerPart): { plain: SalesLedger; compact: SalesLedger } {
  return {
    plain: ledgerFromPart(weeks, part, { padToLastPeriod: true, compactNets: false }),
    compact: ledgerFromPart(weeks, part, { padToLastPeriod: true, compactNets: true }),
  };
}

describe('compact nets (one Int32Array, IntCents views)', () => {
  it('hold the same cents as plain arrays, customer by customer', () => {
    const { plain, compact } = bothLedgers(samplePart().part);
    expect(compact.customers.size).toBe(plain.customers.size);
    let views = 0;
    for (const [id, customer] of plain.customers) {
      const other = compact.customers.get(id);
      expect(Array.isArray(customer.net)).toBe(true);
      expect(other?.net).toBeInstanceOf(IntCents);
      if (other?.net instanceof IntCents) views++;
      expect(Array.from(other?.net ?? [])).toEqual(customer.net);
      expect(other?.startPeriod).toBe(customer.startPeriod);
      expect(Array.from(other?.positive ?? [])).toEqual(Array.from(customer.positive));
    }
    expect(views).toBe(plain.customers.size);
  });

  it('give the identical analysis, JSON document, report and evidence', () => {
    const { part, customers } = samplePart();
    const { plain, compact } = bothLedgers(part);
    const settings = defaultAnalysisSettings();
    const run = (ledger: SalesLedger) => {
      const input = { ledger, customers, dataQuality: emptyQuality('sales.csv') };
      const result = analyze(input, settings);
      const evidence = runBacktest(ledger, settings, evidenceOptions(ledger, settings));
      return {
        // The whole result as text: IntCents series serialise as plain arrays.
        result: JSON.stringify(result),
        document: JSON.stringify(buildJsonDocument(result, settings)),
        report: renderMarkdownReport(result, settings),
        evidence: JSON.stringify(evidence),
        seriesTypes: new Set(result.customers.map((c) => (Array.isArray(c.series) ? 'array' : 'view'))),
      };
    };
    const a = run(plain);
    const b = run(compact);
    expect(b.result).toBe(a.result);
    expect(b.document).toBe(a.document);
    expect(b.report).toBe(a.report);
    expect(b.evidence).toBe(a.evidence);
    // The compact run really shared the ledger's views as series (not copies into arrays).
    expect(b.seriesTypes.has('view')).toBe(true);
    expect(a.seriesTypes.has('view')).toBe(false);
    expect(JSON.parse(b.result).customers.length).toBeGreaterThan(250);
  });

  it('keep plain arrays when a net does not fit 32 bits', () => {
    // $30,000,000.00 in one week: 3,000,000,000 cents, past the Int32 range.
    const { part } = samplePart((add) => add('BIG', '2026-11-10', 3_000_000_000));
    const ledger = ledgerFromPart(weeks, part, { padToLastPeriod: true, compactNets: true });
    const big = ledger.customers.get('BIG');
    expect(Array.isArray(big?.net)).toBe(true);
    expect(Math.max(...(big?.net ?? []))).toBe(3_000_000_000);
    for (const customer of ledger.customers.values()) expect(Array.isArray(customer.net)).toBe(true);
  });

  it('are the default from COMPACT_NETS_MIN_CUSTOMERS customers on, not below', () => {
    const { part } = samplePart();
    const ledger = ledgerFromPart(weeks, part, { padToLastPeriod: true });
    for (const customer of ledger.customers.values()) expect(Array.isArray(customer.net)).toBe(true);
  });

  it('serialise as plain arrays, and their views stay IntCents', () => {
    const cells = new Int32Array([5, -3, 0, 7]);
    const net = new IntCents(cells.buffer, 4, 3);
    expect(JSON.stringify({ net })).toBe('{"net":[-3,0,7]}');
    expect(net.subarray(1)).toBeInstanceOf(IntCents);
    expect(JSON.stringify(net.subarray(1))).toBe('[0,7]');
  });
});
