/**
 * The bundled sample as a sales source: the seeded generator's rows folded into a ledger in memory,
 * with the sample's own customers (names, segments, account managers).
 */
import { createLedgerBuilder } from '../../core/ledger.ts';
import type { PeriodKind } from '../../core/types.ts';
import type { LoadedSales, SalesReadOptions, SalesSource } from '../sales-source.ts';
import { generateSample, SAMPLE_DEFAULTS, sampleEndDate } from './generate-sample.ts';

/** Size and seed of the bundled sample (defaults: 200 customers, 104 weeks, seed 42). */
export interface SampleSize {
  customers?: number;
  periods?: number;
  seed?: number;
}

/** What decides the sample's length: the period kind and the lookback of the analysis. */
export interface SampleLengthSettings {
  period: PeriodKind;
  lookback: number;
}

/**
 * Weeks of bundled sample data: 104 by default (two seasons, so the demo shows the backtest evidence
 * and seasonality), more when the settings need a longer history
 * (monthly periods, a longer lookback), so the sample always has customers old enough to judge.
 */
export function bundledSampleWeeks(request: {
  settings?: SampleLengthSettings | undefined;
  sample?: SampleSize | undefined;
}): number {
  if (request.sample?.periods !== undefined) return request.sample.periods;
  if (request.settings === undefined) return SAMPLE_DEFAULTS.periods;
  const { period, lookback } = request.settings;
  const weeksNeeded = period === 'month' ? Math.ceil(((lookback + 1) * 31) / 7) : lookback;
  return Math.max(SAMPLE_DEFAULTS.periods, weeksNeeded);
}

/**
 * What the bundled sample is, for callers that tell the user they are looking at demo data. Pass
 * the settings: monthly periods and long lookbacks get a longer sample.
 */
export function describeBundledSample(request: {
  today: string;
  settings?: SampleLengthSettings | undefined;
  sample?: SampleSize | undefined;
}): string {
  const customers = request.sample?.customers ?? SAMPLE_DEFAULTS.customers;
  return `the bundled sample data (${customers} customers, ${bundledSampleWeeks(request)} weeks up to ${sampleEndDate(request.today)})`;
}

/**
 * The bundled sample, ending with the last complete Monday-to-Sunday week before `today`
 * (`YYYY-MM-DD`), long enough for `settings`.
 */
export function sampleSalesSource(request: {
  today: string;
  settings?: SampleLengthSettings | undefined;
  sample?: SampleSize | undefined;
}): SalesSource {
  return {
    description: describeBundledSample(request),
    async load(options: SalesReadOptions): Promise<LoadedSales> {
      const sample = generateSample({
        ...request.sample,
        periods: bundledSampleWeeks(request),
        end: sampleEndDate(request.today),
      });
      const builder = createLedgerBuilder(options.period);
      let rows = 0;
      for (const row of sample.sales()) {
        builder.add(row);
        rows++;
      }
      return {
        ledger: builder.build(),
        dataQuality: {
          source: 'bundled sample data',
          rowsRead: rows,
          rowsAccepted: rows,
          rowsRejected: 0,
          rejectedByCode: {},
          problems: [],
          duplicateRows: 0,
          duplicatesDropped: false,
        },
        customers: sample.customers.map(({ customerId, name, segment, accountManager }) => ({
          customerId,
          name,
          segment,
          accountManager,
        })),
      };
    },
  };
}
