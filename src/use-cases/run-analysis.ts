/**
 * Run one analysis: load the sales (a CSV file streamed row by row, or the bundled sample generated
 * in memory), fold them into a ledger, read the optional customers file, and apply the rule set the
 * settings name. Shared by the CLI, the weekly digest and the Slack deep dive.
 */

import type { AppConfig } from '../config.ts';
import { analyze } from '../core/analyze.ts';
import { createLedgerBuilder } from '../core/ledger.ts';
import { toPeriodSpec } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerInfo, DataQuality, SalesLedger } from '../core/types.ts';
import { InputError } from '../errors.ts';
import type { CustomerField, SalesField } from '../sources/csv/map-headers.ts';
import type { DecimalSeparator } from '../sources/csv/parse-amount.ts';
import type { DateFormat } from '../sources/csv/parse-date.ts';
import { readSalesCsv } from '../sources/csv/read-sales-csv.ts';
import { generateSample, SAMPLE_DEFAULTS, sampleEndDate } from '../sources/sample/generate-sample.ts';

/** CSV reading options (header mapping, date format, delimiter). */
export interface CsvOptions {
  /** Sales header names by field (`customer_id` -> "Customer ID"). */
  map?: Partial<Record<SalesField, string>>;
  /** Customers-file header names by field. */
  customersMap?: Partial<Record<CustomerField, string>>;
  dateFormat?: DateFormat;
  /** Decimal separator of amounts (default "."). */
  decimal?: DecimalSeparator;
  /** Field delimiter (default: detected from the header line). */
  delimiter?: string;
}

export interface RunAnalysisRequest {
  /** Sales CSV; without it the bundled sample data is analysed. */
  salesPath?: string;
  /** Customers CSV (optional; with no sales path the sample's own customers are used). */
  customersPath?: string;
  settings: AnalysisSettings;
  csv?: CsvOptions;
  /** Today's date (YYYY-MM-DD): the bundled sample ends with the last complete week before it. */
  today: string;
  /** Size and seed of the bundled sample (defaults: 200 customers, 12 weeks, seed 42). */
  sample?: { customers?: number; periods?: number; seed?: number };
}

export interface RunAnalysisDeps {
  /** Progress of reading the sales file. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** What the bundled sample is, for callers that tell the user they are looking at demo data. */
/**
 * Weeks of bundled sample data: 12 by default, more when the settings need a longer history
 * (monthly periods, a longer lookback), so the sample always has customers old enough to judge.
 */
export function bundledSampleWeeks(request: {
  settings?: Pick<AnalysisSettings, 'period' | 'lookback'>;
  sample?: RunAnalysisRequest['sample'];
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
  settings?: Pick<AnalysisSettings, 'period' | 'lookback'>;
  sample?: RunAnalysisRequest['sample'];
}): string {
  const customers = request.sample?.customers ?? SAMPLE_DEFAULTS.customers;
  return `the bundled sample data (${customers} customers, ${bundledSampleWeeks(request)} weeks up to ${sampleEndDate(request.today)})`;
}

/**
 * The request for the data and settings of an app config, so the CLI, the digest job and the Slack
 * commands read the same files the same way.
 */
export function analysisRequestFromConfig(
  config: Pick<AppConfig, 'analysis' | 'data'>,
  today: string,
): RunAnalysisRequest {
  const { data } = config;
  return {
    ...(data.sales !== undefined ? { salesPath: data.sales } : {}),
    ...(data.customers !== undefined ? { customersPath: data.customers } : {}),
    settings: config.analysis,
    csv: {
      map: data.map,
      customersMap: data.customersMap,
      ...(data.dateFormat !== undefined ? { dateFormat: data.dateFormat } : {}),
      ...(data.decimal !== undefined ? { decimal: data.decimal } : {}),
      ...(data.delimiter !== undefined ? { delimiter: data.delimiter } : {}),
    },
    today,
  };
}

/** A data-quality record for a source with no rows read yet. */
export function emptyQuality(source: string): DataQuality {
  return {
    source,
    rowsRead: 0,
    rowsAccepted: 0,
    rowsRejected: 0,
    rejectedByCode: {},
    problems: [],
    duplicateRows: 0,
    duplicatesDropped: false,
  };
}

/**
 * A full garbage collection, when the launcher exposes `gc` (`bin/revgap.mjs` does; elsewhere, e.g.
 * tests, this is a no-op). Called at the two points where a large amount of memory has just become
 * garbage that V8 would otherwise free only at a later full collection, after the next phase has
 * allocated on top of it: the CSV reader's spent batches (typed arrays, freed only when collected),
 * then the ledger builder's slabs (~60 MB for 100,000 customers). ~50 ms each; lowers the peak
 * memory of a 100,000-customer run by ~50-90 MB.
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface LoadedSales {
  ledger: SalesLedger;
  dataQuality: DataQuality;
  /** The sample's own customers (none for a CSV: they come from the customers file, if any). */
  customers: CustomerInfo[];
}

/**
 * Folds the sales into a ledger. The builder lives only in here: once the ledger is built, its
 * accumulation slabs (~60 MB for 100,000 customers x 52 weeks) can be collected before the
 * analysis allocates its own results, which lowers the peak memory of a run.
 */
async function loadSales(request: RunAnalysisRequest, deps: RunAnalysisDeps): Promise<LoadedSales> {
  const { settings } = request;
  const builder = createLedgerBuilder(toPeriodSpec(settings));
  if (request.salesPath === undefined) {
    const sample = generateSample({
      ...request.sample,
      periods: bundledSampleWeeks(request),
      end: sampleEndDate(request.today),
    });
    let rows = 0;
    for (const row of sample.sales()) {
      builder.add(row);
      rows++;
    }
    return {
      ledger: builder.build(),
      dataQuality: { ...emptyQuality('bundled sample data'), rowsRead: rows, rowsAccepted: rows },
      customers: sample.customers.map(({ customerId, name, segment, accountManager }) => ({
        customerId,
        name,
        segment,
        accountManager,
      })),
    };
  }
  const dataQuality = await readSalesCsv(
    {
      path: request.salesPath,
      map: request.csv?.map,
      dateFormat: request.csv?.dateFormat,
      delimiter: request.csv?.delimiter,
      badRows: settings.badRows,
      dropDuplicates: settings.dropDuplicates,
      maxProblemsListed: settings.maxProblemsListed,
      decimal: request.csv?.decimal,
      onProgress: deps.onProgress,
    },
    (row) => builder.add(row),
  );
  collectGarbage(); // the reader's spent batches, before build() copies the ledger out of its slabs
  return { ledger: builder.build(), dataQuality, customers: [] };
}

/**
 * Reads the customers file. Its reader skips and reports bad rows; under `badRows: strict` the
 * first one stops the run here (before the long read of the sales), as a bad sales row would.
 */
async function readCustomersFile(path: string, request: RunAnalysisRequest) {
  // Loaded on demand, like the seed rules: most runs need neither.
  const { readCustomersCsv } = await import('../sources/csv/read-customers-csv.ts');
  const file = await readCustomersCsv({
    path,
    map: request.csv?.customersMap,
    delimiter: request.csv?.delimiter,
    maxProblemsListed: request.settings.maxProblemsListed,
  });
  const problem = file.quality.problems[0];
  if (request.settings.badRows === 'strict' && problem) {
    throw new InputError(
      `${problem.file} line ${problem.line}${problem.column ? `, column "${problem.column}"` : ''}: ${problem.reason}`,
      {
        hint: `Edit line ${problem.line} of ${problem.file}. (Strict mode stops at the first bad row and outputs nothing; --bad-rows lenient skips and reports bad rows.)`,
      },
    );
  }
  return file;
}

/**
 * A note when some, but not all, customers of the customers file have no sales rows at all ("120 of
 * 200 customers in customers.csv have no sales rows"). None matching is `describeUnmatchedCustomersFile`'s
 * warning; all matching needs no word.
 */
function unmatchedCustomersNote(
  customers: readonly CustomerInfo[],
  ledger: SalesLedger,
  source: string,
): string | null {
  let missing = 0;
  for (const c of customers) if (!ledger.customers.has(c.customerId)) missing++;
  if (missing === 0 || missing === customers.length) return null;
  const listed = customers.length.toLocaleString('en-US');
  const n = missing.toLocaleString('en-US');
  return (
    `${n} of ${listed} customers in ${source} ${missing === 1 ? 'has' : 'have'} no sales rows ` +
    '(listed as no sales on record); if more of them should have sales, check that both files use the same customer ids.'
  );
}

/**
 * Loads the data and analyses it.
 * @throws InputError for unreadable input (missing file or column, bad row in strict mode).
 */
export async function runAnalysis(
  request: RunAnalysisRequest,
  deps: RunAnalysisDeps = {},
): Promise<AnalysisResult> {
  const { settings } = request;
  // The customers file first: it is small, so a mistake in it shows before a long read of the sales.
  const customersFile =
    request.customersPath === undefined ? undefined : await readCustomersFile(request.customersPath, request);
  const sales = await loadSales(request, deps);
  collectGarbage(); // the ledger builder's slabs, before the analysis allocates its results
  let input: LoadedSales = sales;
  if (customersFile) {
    const note = unmatchedCustomersNote(customersFile.customers, sales.ledger, customersFile.quality.source);
    const notes = [...(sales.dataQuality.notes ?? []), ...(note ? [note] : [])];
    input = {
      ledger: sales.ledger,
      customers: customersFile.customers,
      dataQuality: {
        ...sales.dataQuality,
        customers: customersFile.quality,
        ...(notes.length > 0 ? { notes } : {}),
      },
    };
  }
  if (settings.rules === 'seed') {
    const { analyzeSeed } = await import('../core/seed-rules.ts');
    return analyzeSeed(input, settings);
  }
  return analyze(input, settings);
}
