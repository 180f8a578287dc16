/**
 * The CSV implementations of the sales-source port: a sales file streamed into the ledger builder,
 * and the optional customers file.
 */
import type { CustomersSource, LoadedSales, SalesReadOptions, SalesSource } from '../sales-source.ts';
import type { CustomerField, SalesField } from './map-headers.ts';
import type { DecimalSeparator } from './parse-amount.ts';
import type { DateFormat } from './parse-date.ts';
import { readSalesLedgerCsv } from './read-sales-csv.ts';

/** CSV reading options (header mapping, date format, delimiter). */
export interface CsvOptions {
  /** Sales header names by field (`customer_id` -> "Customer ID"). */
  map?: Partial<Record<SalesField, string>> | undefined;
  /** Customers-file header names by field. */
  customersMap?: Partial<Record<CustomerField, string>> | undefined;
  dateFormat?: DateFormat | undefined;
  /** Decimal separator of amounts (default "."). */
  decimal?: DecimalSeparator | undefined;
  /** Field delimiter (default: detected from the header line). */
  delimiter?: string | undefined;
  /**
   * Where the sales file is parsed: `auto` (default: a worker thread for large files when a CPU is
   * idle), `background` (a worker for files of 1 MiB or more whatever the load: a running bot).
   */
  threads?: 'auto' | 'background' | undefined;
}

/** Sales from a CSV file (see docs/csv-input.md). */
export function csvSalesSource(path: string, csv: CsvOptions = {}): SalesSource {
  return {
    description: path,
    loadsBesideCustomers: true,
    async load(options: SalesReadOptions): Promise<LoadedSales> {
      const { ledger, dataQuality } = await readSalesLedgerCsv(
        {
          path,
          map: csv.map,
          dateFormat: csv.dateFormat,
          delimiter: csv.delimiter,
          decimal: csv.decimal,
          badRows: options.badRows,
          dropDuplicates: options.dropDuplicates,
          maxProblemsListed: options.maxProblemsListed,
          onProgress: options.onProgress,
          signal: options.signal,
          threads: csv.threads,
        },
        options.period,
      );
      return { ledger, dataQuality, customers: [] };
    },
  };
}

/** Customers from a CSV file (customer_id, name, segment, account_manager). */
export function csvCustomersSource(path: string, csv: CsvOptions = {}): CustomersSource {
  return {
    description: path,
    async load({ maxProblemsListed }) {
      // Loaded on demand: most runs have no customers file.
      const { readCustomersCsv } = await import('./read-customers-csv.ts');
      return readCustomersCsv({ path, map: csv.customersMap, delimiter: csv.delimiter, maxProblemsListed });
    },
  };
}
