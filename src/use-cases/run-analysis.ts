/**
 * Run one analysis: load the sales from a `SalesSource` (the port in `sources/sales-source.ts`: a
 * CSV file, the bundled sample, a database), read the optional customers list, and apply the rule
 * set the settings name. Shared by the CLI, the weekly digest and the Slack deep dive. Which source
 * is used is decided by the caller (`sources/open-sources.ts` builds them from the config).
 */

import { type AnalysisInput, analyzeSteps, checkFarFutureRows, chooseAsOf } from '../core/analyze.ts';
import { attachEvidence, type BacktestOptions, defaultHorizon, runBacktestSteps } from '../core/backtest.ts';
import { toPeriodSpec } from '../core/periods.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import { runSteps } from '../core/steps.ts';
import { applySupplyMarks, buildStockoutIndex } from '../core/stock.ts';
import type { AnalysisResult, DataQuality, RowProblem, SalesLedger } from '../core/types.ts';
import { InputError } from '../errors.ts';
import type { DateFormat } from '../sources/csv/parse-date.ts';
import { readStockCsv } from '../sources/csv/read-stock-csv.ts';
import type { CustomersSource, LoadedCustomers, LoadedSales, SalesSource } from '../sources/sales-source.ts';

export interface RunAnalysisRequest {
  /** Where the sales come from. */
  sales: SalesSource;
  /** The optional customers list (the sample source brings its own customers). */
  customers?: CustomersSource | undefined;
  settings: AnalysisSettings;
  /** The optional stock file: gaps that are possibly the store's own stockouts are marked. */
  stock?: { path: string; dateFormat?: DateFormat | undefined; delimiter?: string | undefined } | undefined;
  /** Compute the backtest evidence with the analysis (revgap rules; default true). */
  evidence?: boolean;
  /**
   * The run's today (YYYY-MM-DD, from the caller's clock): with no as-of date given, rows dated half
   * a year or more after it stop the run (`checkFarFutureRows`). Absent: no such check.
   */
  today?: string | undefined;
}

/** What a run does after the read, for a progress line: the evidence's replay points, then the analysis. */
export type AnalysisStage =
  | { stage: 'evidence'; customers: number; pointsDone: number; points: number | null }
  | { stage: 'analysis'; customers: number };

export interface RunAnalysisDeps {
  /** Progress of reading the sales. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Progress after the read: the evidence backtest (at its start and after each replay point), then
   * the analysis (at its start). A large file's run spends about half its time there.
   */
  onStage?: (stage: AnalysisStage) => void;
  /**
   * Called between steps of the analysis and the evidence (every `CUSTOMERS_PER_STEP` customers)
   * and awaited: a bot passes `setImmediate` from node:timers/promises, so commands are answered
   * while a large refresh runs. Absent (the CLI): no pauses, and the full collections that lower
   * the peak memory of a run (`collectGarbage`) run too; with pauses they are left to V8, since a
   * full collection of a large heap is itself a long stall.
   */
  pause?: () => Promise<void>;
}

/** Replay points behind the evidence of a live analysis: the latest 13 (a quarter of weeks). */
export const EVIDENCE_POINTS = 13;

/** The backtest options of a live analysis' evidence: default horizon, step 1, latest 13 points. */
export function evidenceOptions(ledger: SalesLedger, settings: AnalysisSettings): BacktestOptions {
  const horizon = defaultHorizon(ledger.period);
  const asOf = chooseAsOf(ledger, settings.asOf).asOf.period;
  // No forced collections between replay points any more: the replay keeps no object per customer
  // (typed columns, one reused facts object), and a collection every 2 points cost CPU for no
  // lower peak (100,000 customers x 52 weeks, side by side: 8.4-8.6 vs 6.8-7.6 CPU-s, 340-386 vs
  // 361-371 MB).
  return { horizon, fromPeriod: asOf - horizon - (EVIDENCE_POINTS - 1) };
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

/**
 * From this many customers a run without pauses collects at those points. Below, the garbage is a
 * few MB and each full collection still cost ~15-30 ms (of a ~0.3 s run on a small file).
 */
export const COLLECT_MIN_CUSTOMERS = 20_000;

/** `collectGarbage` for a run of this many customers (see COLLECT_MIN_CUSTOMERS), or undefined. */
function collectorFor(customers: number, deps: RunAnalysisDeps): (() => void) | undefined {
  return deps.pause === undefined && customers >= COLLECT_MIN_CUSTOMERS ? collectGarbage : undefined;
}

/**
 * Reads the sales through the source. The source's builder lives only in there: once the ledger is
 * built, its accumulation slabs (~60 MB for 100,000 customers x 52 weeks) can be collected before
 * the analysis allocates its own results, which lowers the peak memory of a run.
 */
function loadSales(
  request: RunAnalysisRequest,
  deps: RunAnalysisDeps,
  signal: AbortSignal,
): Promise<LoadedSales> {
  const { settings } = request;
  return request.sales.load({
    period: toPeriodSpec(settings),
    badRows: settings.badRows,
    dropDuplicates: settings.dropDuplicates,
    maxProblemsListed: settings.maxProblemsListed,
    onProgress: deps.onProgress,
    signal,
  });
}

/** Under `badRows: strict`, a small file's first bad row stops the run with where to fix it. */
function stopAtFirstBadRow(problems: readonly RowProblem[], request: RunAnalysisRequest): void {
  const problem = problems[0];
  if (request.settings.badRows !== 'strict' || !problem) return;
  throw new InputError(
    `${problem.file} line ${problem.line}${problem.column ? `, column "${problem.column}"` : ''}: ${problem.reason}`,
    {
      hint: `Edit line ${problem.line} of ${problem.file}. (Strict mode stops at the first bad row and outputs nothing; --bad-rows lenient skips and reports bad rows.)`,
    },
  );
}

/**
 * Reads the customers list. Its source skips and reports bad rows; under `badRows: strict` the
 * first one stops the run here (before the long read of the sales), as a bad sales row would.
 */
async function readCustomers(source: CustomersSource, request: RunAnalysisRequest): Promise<LoadedCustomers> {
  const file = await source.load({ maxProblemsListed: request.settings.maxProblemsListed });
  stopAtFirstBadRow(file.quality.problems, request);
  return file;
}

/**
 * Loads the data and analyses it.
 * @throws InputError for unreadable input (missing file or column, bad row in strict mode).
 */
export async function runAnalysis(
  request: RunAnalysisRequest,
  deps: RunAnalysisDeps = {},
): Promise<AnalysisResult> {
  // The stock file first: it is small, so a mistake in it shows before a long read of the sales.
  const stock = request.stock ? await readStock(request.stock, request) : undefined;
  // `let`: let go of once the analysis has it, so that its customers list can be freed (analyzeSteps).
  let input: AnalysisInput | undefined = await loadAnalysisInput(request, deps);
  const { ledger } = input;
  const withSupply = (result: AnalysisResult): AnalysisResult =>
    stock ? markSupply(result, ledger, stock, request.settings) : result;
  if (request.settings.rules === 'seed') {
    const { analyzeSeed } = await import('../core/seed-rules.ts');
    return withSupply(analyzeSeed(input, request.settings));
  }
  // The backtest on the same ledger: each priority's calibrated risk and the record of past flags,
  // stored with the snapshot so the digest and deep dives never replay on the request path. The
  // latest EVIDENCE_POINTS replay points only (`revgap backtest` replays them all): recent
  // behaviour, and a bounded cost next to the analysis itself. It runs first: it reads the ledger
  // alone, so its garbage lands on a heap that holds the ledger but not yet the analysis result
  // (~85 MB for 100,000 customers), and the collection between the two is of that smaller heap
  // (docs/ARCHITECTURE.md, memory). (In a worker thread beside the analysis it ended runs ~10%
  // sooner but broke the memory targets: docs/cli.md, "Where issue 12 stands".)
  const evidence = request.evidence !== false;
  const customers = ledger.customers.size;
  const { onStage } = deps;
  const options: BacktestOptions = {
    ...evidenceOptions(ledger, request.settings),
    ...(onStage !== undefined
      ? {
          onProgress: (pointsDone: number, points: number) =>
            onStage({ stage: 'evidence', customers, pointsDone, points }),
        }
      : {}),
  };
  // (How many replay points there are is known once the backtest has planned them.)
  if (evidence) onStage?.({ stage: 'evidence', customers, pointsDone: 0, points: null });
  const backtest = evidence
    ? await runSteps(runBacktestSteps(ledger, request.settings, options), deps.pause)
    : null;
  const collect = collectorFor(customers, deps);
  if (backtest !== null) collect?.();
  onStage?.({ stage: 'analysis', customers });
  const analysis = analyzeSteps(input, request.settings);
  input = undefined;
  const result = withSupply(await runSteps(analysis, deps.pause, collect));
  return backtest === null ? result : attachEvidence(result, backtest);
}

type LoadedStock = Awaited<ReturnType<typeof readStockCsv>>;

/** Reads the stock file; bad rows are skipped and reported, or stop the run under `badRows: strict`. */
async function readStock(
  stock: NonNullable<RunAnalysisRequest['stock']>,
  request: RunAnalysisRequest,
): Promise<LoadedStock> {
  const file = await readStockCsv({
    path: stock.path,
    dateFormat: stock.dateFormat,
    delimiter: stock.delimiter,
    maxProblemsListed: request.settings.maxProblemsListed,
  });
  stopAtFirstBadRow(file.quality.problems, request);
  return file;
}

/** The supply-side marks on a result, and a data-quality note for skipped stock rows or missing stores. */
function markSupply(
  result: AnalysisResult,
  ledger: SalesLedger,
  stock: LoadedStock,
  settings: AnalysisSettings,
): AnalysisResult {
  const { quality } = stock;
  const index = buildStockoutIndex(stock.rows, result.period);
  const marked = applySupplyMarks(
    result,
    ledger.customerStores ?? new Map(),
    index,
    settings,
    quality.source,
  );
  const notes: string[] = [];
  if (quality.rowsRejected > 0) {
    const shown = quality.problems
      .slice(0, 5)
      .map((p) => `line ${p.line}${p.column ? ` (${p.column})` : ''}: ${p.reason}`)
      .join('; ');
    notes.push(
      `Skipped ${quality.rowsRejected.toLocaleString('en-US')} of ${quality.rowsRead.toLocaleString('en-US')} rows in ${quality.source}: ${shown}.`,
    );
  }
  if (!ledger.customerStores) {
    notes.push(
      `The sales rows carry no store_id, so no gap could be checked against ${quality.source}; add a store_id column to the sales (or map one: --map store_id=Header).`,
    );
  }
  if (notes.length === 0) return marked;
  return {
    ...marked,
    dataQuality: { ...marked.dataQuality, notes: [...(marked.dataQuality.notes ?? []), ...notes] },
  };
}

/**
 * Loads what the analysis reads (the ledger, the customers, how the read went) without analysing
 * it: `runAnalysis` and the backtest share it.
 * @throws InputError for unreadable input (missing file or column, bad row in strict mode).
 */
export async function loadAnalysisInput(
  request: RunAnalysisRequest,
  deps: RunAnalysisDeps = {},
): Promise<AnalysisInput> {
  // A source that can (`loadsBesideCustomers`: a CSV file) starts reading the sales first, and the
  // customers list is read meanwhile: its worker threads leave this thread free for it (1,000,000
  // customers: ~1.5 s sooner). Otherwise the customers list first. Either way a mistake in it stops
  // the run as soon as it is found (the sales read stopped, its threads let go of).
  const stop = new AbortController();
  const beside = request.sales.loadsBesideCustomers === true && request.customers !== undefined;
  const reading = beside ? loadSales(request, deps, stop.signal) : undefined;
  // Handled below, after the customers: a sales read failing first must not be an unhandled rejection.
  reading?.catch(() => {});
  let customersFile: LoadedCustomers | undefined;
  try {
    customersFile =
      request.customers === undefined ? undefined : await readCustomers(request.customers, request);
  } catch (error) {
    stop.abort(error);
    await reading?.catch(() => {});
    throw error;
  }
  const sales = await (reading ?? loadSales(request, deps, stop.signal));
  // The ledger builder's slabs, before the analysis allocates its results.
  collectorFor(sales.ledger.customers.size, deps)?.();
  let input: AnalysisInput = sales;
  if (customersFile) {
    // Which listed customers have no sales rows, and the note saying so, each analysis finds in its
    // own join of the list with the ledger (`unlistedSalesNote`): a lookup of every listed id here
    // as well cost ~0.5 s at 1,000,000 customers.
    input = {
      ledger: sales.ledger,
      customers: customersFile.customers,
      customersById: customersFile.byId,
      dataQuality: { ...sales.dataQuality, customers: customersFile.quality },
    };
  }
  if (request.today !== undefined)
    checkFarFutureRows(input.ledger, request.settings.asOf, request.today, input.dataQuality.source);
  return input;
}
