/**
 * The sources factory: picks the sales and customers sources the config names (a CSV file, a
 * database URL, or nothing: the bundled sample). The composition roots (`main.ts`, the CLI) call it
 * and hand the sources to `runAnalysis`, which knows only the port (`sales-source.ts`).
 */
import type { AppConfig } from '../config.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type CsvOptions, csvCustomersSource, csvSalesSource } from './csv/csv-sales-source.ts';
import {
  isPostgresUrl,
  postgresCustomersSource,
  postgresSalesSource,
} from './postgres/postgres-sales-source.ts';
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
  /** When `salesPath` is a Postgres URL: where the rows are, and the optional customers. */
  database?: DatabaseSpec | undefined;
  /** Where a database source says how it read (e.g. that the engine refused COPY and a cursor was used). */
  logger?: Pick<Logger, 'info'> | undefined;
}

/** A database sales source's settings (`--table`/`--query`, `--customers-table`/`--customers-query`). */
export interface DatabaseSpec {
  table?: string | undefined;
  query?: string | undefined;
  customersTable?: string | undefined;
  customersQuery?: string | undefined;
  rowKey?: string | undefined;
  /** For timestamptz dates: the day a sale falls on in this zone. */
  timeZone?: string | undefined;
  statementTimeoutMs?: number | undefined;
}

function databaseSources(url: string, spec: SourceSpec): { sales: SalesSource; customers?: CustomersSource } {
  const db = spec.database ?? {};
  if ((db.table === undefined) === (db.query === undefined)) {
    throw new InputError(
      db.table === undefined
        ? 'the sales come from a database URL but neither --table nor --query says which rows'
        : 'both --table and --query are set; the sales come from one of them',
      { hint: 'Pass --table schema.table (or REVGAP_TABLE), or --query "SELECT ..." (or REVGAP_QUERY).' },
    );
  }
  if (db.customersTable !== undefined && db.customersQuery !== undefined) {
    throw new InputError('both --customers-table and --customers-query are set', {
      hint: 'Keep one of them.',
    });
  }
  const relation = db.table !== undefined ? { table: db.table } : { query: db.query as string };
  const sales = postgresSalesSource({
    url,
    relation,
    map: spec.csv?.map,
    rowKey: db.rowKey,
    timeZone: db.timeZone,
    statementTimeoutMs: db.statementTimeoutMs,
    logger: spec.logger,
  });
  const customersRelation =
    db.customersTable !== undefined
      ? { table: db.customersTable }
      : db.customersQuery !== undefined
        ? { query: db.customersQuery }
        : undefined;
  if (customersRelation !== undefined) {
    return {
      sales,
      customers: postgresCustomersSource({
        url,
        relation: customersRelation,
        map: spec.csv?.customersMap,
        statementTimeoutMs: db.statementTimeoutMs,
      }),
    };
  }
  if (spec.customersPath !== undefined)
    return { sales, customers: csvCustomersSource(spec.customersPath, spec.csv) };
  return { sales };
}

/** The sources for a spec: CSV files when paths are given, else the bundled sample. */
export function openSources(spec: SourceSpec): { sales: SalesSource; customers?: CustomersSource } {
  if (spec.salesPath !== undefined && isPostgresUrl(spec.salesPath))
    return databaseSources(spec.salesPath, spec);
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
  config: Pick<AppConfig, 'analysis' | 'data'> & Partial<Pick<AppConfig, 'timezone'>>,
  today: string,
): SourceSpec {
  const { data } = config;
  const database: DatabaseSpec = {
    ...(data.table !== undefined ? { table: data.table } : {}),
    ...(data.query !== undefined ? { query: data.query } : {}),
    ...(data.customersTable !== undefined ? { customersTable: data.customersTable } : {}),
    ...(data.customersQuery !== undefined ? { customersQuery: data.customersQuery } : {}),
    ...(data.rowKey !== undefined ? { rowKey: data.rowKey } : {}),
    ...(config.timezone !== undefined ? { timeZone: config.timezone } : {}),
    statementTimeoutMs: (data.statementTimeoutSeconds ?? 600) * 1000,
  };
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
    ...(data.sales !== undefined && isPostgresUrl(data.sales) ? { database } : {}),
  };
}

/**
 * The analysis request (sources and settings) of an app config: what `runAnalysis` takes.
 * Structurally a `RunAnalysisRequest` (adapters do not import use-cases).
 */
export function analysisRequestFromConfig(
  config: Pick<AppConfig, 'analysis' | 'data'> & Partial<Pick<AppConfig, 'timezone'>>,
  today: string,
  options: {
    /** A long-running process (the bot): parse sales files of 1 MiB or more off its event loop. */
    background?: boolean;
    /** The process's logger, for what a database source says about how it read. */
    logger?: Pick<Logger, 'info'> | undefined;
  } = {},
): {
  sales: SalesSource;
  customers?: CustomersSource;
  stock?: { path: string; delimiter?: string | undefined };
  settings: AnalysisSettings;
  today: string;
} {
  const spec = sourceSpecFromConfig(config, today);
  if (options.background) spec.csv = { ...spec.csv, threads: 'background' };
  if (options.logger !== undefined) spec.logger = options.logger;
  const stock = config.data.stock;
  return {
    ...openSources(spec),
    ...(stock !== undefined ? { stock: { path: stock, delimiter: config.data.delimiter } } : {}),
    settings: config.analysis,
    today,
  };
}

/** An analysis request from a spec and settings (tests, benchmarks). */
export function analysisRequest(spec: Omit<SourceSpec, 'settings'> & { settings: AnalysisSettings }): {
  sales: SalesSource;
  customers?: CustomersSource;
  settings: AnalysisSettings;
} {
  return { ...openSources(spec), settings: spec.settings };
}
