/**
 * The sales-source port: where the analysis gets its data from. A source turns whatever it reads (a
 * CSV file, the bundled sample, a database query) into the one thing the core needs, a
 * `SalesLedger` (per customer, dense per-period net cents and sale flags), plus the data-quality
 * facts the report shows (rows read, bad rows with their line or row key, duplicates, currencies).
 *
 * `use-cases/run-analysis.ts` depends on these interfaces only; `open-sources.ts` (the factory the
 * composition roots call) picks an implementation from the config. See docs/ARCHITECTURE.md,
 * "Sales sources", for how a new source is added.
 */
import type { CustomerInfo, DataQuality, PeriodSpec, SalesLedger } from '../core/types.ts';

/** How a source treats what it reads; the subset of the analysis settings that concerns reading. */
export interface SalesReadOptions {
  /** Periods to sum into (week with its start day, or month). */
  period: PeriodSpec;
  /** `lenient`: skip bad rows, count and list them; `strict`: throw `InputError` at the first one. */
  badRows: 'lenient' | 'strict';
  /** Drop exact duplicate rows instead of only counting them. */
  dropDuplicates: boolean;
  /** Problems kept in full in `DataQuality.problems`; all are counted. */
  maxProblemsListed: number;
  /** Progress of a long read, in bytes (files) or rows (databases); may never be called. */
  onProgress?: ((done: number, total: number) => void) | undefined;
  /**
   * Aborted when the read is no longer wanted (the customers list, read meanwhile, failed): the
   * source stops reading, lets go of its threads and connections, and rejects.
   */
  signal?: AbortSignal | undefined;
}

/** What a sales source hands to the analysis. */
export interface LoadedSales {
  /** Per-customer period series (memory O(customers x periods), never O(rows)). */
  ledger: SalesLedger;
  /** The read: counts, bad rows (`RowProblem.line` is the file line or the query's row key), notes. */
  dataQuality: DataQuality;
  /** Customers the source knows by itself (the bundled sample's); empty for most sources. */
  customers: CustomerInfo[];
}

/** A place sales come from. One `load` per analysis; a source may be loaded again for a refresh. */
export interface SalesSource {
  /** What the user calls it, for messages and the report: a path, "bundled sample data", a redacted URL. */
  readonly description: string;
  /**
   * True when `load` may run while the customers list is read (it shares nothing with a customers
   * source and honours `signal`): the caller then starts it first. A CSV file: yes (its workers
   * leave the calling thread free); a database: no (an embedded database is one connection).
   */
  readonly loadsBesideCustomers?: boolean;
  /**
   * Reads the sales and sums them per customer and period.
   * @throws InputError when the data cannot be used (missing column, no usable row, a bad row in
   *   strict mode), with what is wrong and how to fix it.
   */
  load(options: SalesReadOptions): Promise<LoadedSales>;
}

/** The customers list (names, segments, account managers) and how reading it went. */
export interface LoadedCustomers {
  customers: CustomerInfo[];
  /**
   * The same customers by id, in the list's order (ids are unique: a repeated one is a rejected
   * row). The analysis takes it over (`AnalysisInput.customersById`) instead of building its own.
   */
  byId: Map<string, CustomerInfo>;
  /** Matches `DataQuality.customers`. */
  quality: NonNullable<DataQuality['customers']>;
}

/** A place the optional customers list comes from (a CSV file, a table or query). */
export interface CustomersSource {
  readonly description: string;
  /**
   * Reads the customers. Bad rows are reported in `quality.problems` (never dropped silently); the
   * caller decides whether one stops the run (strict mode).
   */
  load(options: { maxProblemsListed: number }): Promise<LoadedCustomers>;
}
