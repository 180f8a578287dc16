/**
 * The sources factory: picks the sales and customers sources the config names (a CSV file, a
 * database URL, or nothing: the bundled sample). The composition roots (`main.ts`, the CLI) call it
 * and hand the sources to `runAnalysis`, which knows only the port (`sales-source.ts`).
 */
import type { AppConfig } from '../config.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import { type CsvOptions, csvCustomersSource, csvSalesSource } from './csv/csv-sales-source.ts';
import type { CustomersSource, SalesSource } from './sales-source.ts';
import { type SampleSize, sampleSalesSource } from './sample/sample-sales-source.ts';

export type { CsvOptions } from './csv/csv-sales-source.ts';

/** Where the data is, as the config says it. */
export interface SourceSpec {
  /** Sales CSV path; without it the bundled sample is analysed. */
  salesPath?: string | undefined;
  /** Customers CSV path (optional). */
  customersPath?: string | undefined;
  csv?: CsvOptions | undefined;
  /** Today's date (YYYY-MM-DD): the bundled sample ends with the last complete week before it. */
  today: string;
  /** Size and seed of the bundled sample. */
  sample?: SampleSize | undefined;
  /** The settings the bundled sample's length depends on (period, lookback). */
  settings: Pick<AnalysisSettings, 'period' | 'lookback'>;
}

/** The sources for a spec: CSV files when paths are given, else the bundled sample. */
export function openSources(spec: SourceSpec): { sales: SalesSource; customers?: CustomersSource } {
  if (spec.salesPath === undefined) {
    return {
      sales: sampleSalesSource({
        today: spec.today,
        settings: spec.settings,
        ...(spec.sample !== undefined ? { sample: spec.sample } : {}),
      }),
    };
  }
  return {
    sales: csvSalesSource(spec.salesPath, spec.csv),
    ...(spec.customersPath !== undefined
      ? { customers: csvCustomersSource(spec.customersPath, spec.csv) }
      : {}),
  };
}

/** The source spec of an app config, so the CLI, the digest job and Slack read the same data the same way. */
export function sourceSpecFromConfig(
  config: Pick<AppConfig, 'analysis' | 'data'>,
  today: string,
): SourceSpec {
  const { data } = config;
  return {
    ...(data.sales !== undefined ? { salesPath: data.sales } : {}),
    ...(data.customers !== undefined ? { customersPath: data.customers } : {}),
    csv: {
      map: data.map,
      customersMap: data.customersMap,
      ...(data.dateFormat !== undefined ? { dateFormat: data.dateFormat } : {}),
      ...(data.decimal !== undefined ? { decimal: data.decimal } : {}),
      ...(data.delimiter !== undefined ? { delimiter: data.delimiter } : {}),
    },
    today,
    settings: config.analysis,
  };
}

/**
 * The analysis request (sources and settings) of an app config: what `runAnalysis` takes.
 * Structurally a `RunAnalysisRequest` (adapters do not import use-cases).
 */
export function analysisRequestFromConfig(
  config: Pick<AppConfig, 'analysis' | 'data'>,
  today: string,
): { sales: SalesSource; customers?: CustomersSource; settings: AnalysisSettings } {
  return { ...openSources(sourceSpecFromConfig(config, today)), settings: config.analysis };
}

/** An analysis request from a spec and settings (tests, benchmarks). */
export function analysisRequest(spec: Omit<SourceSpec, 'settings'> & { settings: AnalysisSettings }): {
  sales: SalesSource;
  customers?: CustomersSource;
  settings: AnalysisSettings;
} {
  return { ...openSources(spec), settings: spec.settings };
}
