/**
 * Reads the optional stock file (store_id, sku, week_start, on_hand_units required;
 * on_order_units, avg_weekly_demand optional) for the supply-side rule (`core/stock.ts`,
 * shared/spec/evidence.md section 7). Same tokenizer and header matching as the sales file; a bad
 * row is skipped and reported with its file line and column, never silently dropped.
 */
import type { StockRow } from '../../core/stock.ts';
import type { RowProblem } from '../../core/types.ts';
import { InputError } from '../../errors.ts';
import { createRowRejects, rejectColumnCount, trimmedField } from './_row-rejects.ts';
import { type AliasTable, mapHeaders } from './map-headers.ts';
import { type DateFormat, describeBadDate, parseDateDay } from './parse-date.ts';
import { type CsvEngine, type CsvInput, readCsvFile } from './read-csv-file.ts';

export const STOCK_FIELDS = [
  'store_id',
  'sku',
  'week_start',
  'on_hand_units',
  'on_order_units',
  'avg_weekly_demand',
] as const;
export type StockField = (typeof STOCK_FIELDS)[number];

const STOCK_ALIASES: AliasTable<StockField> = {
  store_id: ['store_id', 'store', 'location', 'location_id', 'shop', 'branch'],
  sku: ['sku', 'product', 'product_id', 'item', 'item_id'],
  week_start: ['week_start', 'week', 'date', 'week_of'],
  on_hand_units: ['on_hand_units', 'on_hand', 'stock', 'units_on_hand'],
  on_order_units: ['on_order_units', 'on_order'],
  avg_weekly_demand: ['avg_weekly_demand', 'weekly_demand', 'demand'],
};

export interface StockCsvOptions {
  path: string;
  /** Date format of week_start (default YYYY-MM-DD). */
  dateFormat?: DateFormat | undefined;
  delimiter?: string | undefined;
  /** Problems kept in full (default 20); all are counted. */
  maxProblemsListed?: number | undefined;
  engine?: CsvEngine | undefined;
  /** Read these bytes instead of opening `path` (tests); `path` still names the source. */
  input?: CsvInput | undefined;
}

export interface StockQuality {
  source: string;
  rowsRead: number;
  rowsRejected: number;
  problems: RowProblem[];
}

export async function readStockCsv(
  options: StockCsvOptions,
): Promise<{ rows: StockRow[]; quality: StockQuality }> {
  const file = options.path;
  const format = options.dateFormat ?? 'YYYY-MM-DD';
  const maxProblems = options.maxProblemsListed ?? 20;
  const rows: StockRow[] = [];
  let rowsRead = 0;
  let headers: string[] = [];
  let columns = Object.fromEntries(STOCK_FIELDS.map((f) => [f, -1])) as Record<StockField, number>;

  const rejects = createRowRejects(file, maxProblems);
  const reject = rejects.reject;

  await readCsvFile(
    {
      path: file,
      input: options.input,
      delimiter: options.delimiter,
      engine: options.engine,
      expectedHeader: 'store_id,sku,week_start,on_hand_units',
    },
    {
      onHeader(names) {
        headers = names;
        columns = mapHeaders({
          file,
          headers: names,
          fields: STOCK_FIELDS,
          required: ['store_id', 'sku', 'week_start', 'on_hand_units'],
          aliases: STOCK_ALIASES,
        }).columns;
      },
      onRecord(record) {
        rowsRead++;
        const text = (col: number): string | undefined => trimmedField(record, col);
        if (rejectColumnCount(record, headers.length, rejects)) return;
        const storeId = text(columns.store_id);
        if (storeId === undefined) {
          reject(record.line, headers[columns.store_id], 'missing_value', 'store id is empty');
          return;
        }
        const sku = text(columns.sku);
        if (sku === undefined) {
          reject(record.line, headers[columns.sku], 'missing_value', 'sku is empty');
          return;
        }
        const weekText = text(columns.week_start) ?? '';
        const weekStartDay = parseDateDay(weekText, 0, weekText.length, format);
        if (Number.isNaN(weekStartDay)) {
          reject(record.line, headers[columns.week_start], 'bad_date', describeBadDate(weekText, format));
          return;
        }
        const units = (field: StockField, required: boolean): number | undefined | null => {
          const value = text(columns[field]);
          if (value === undefined) {
            if (required) {
              reject(record.line, headers[columns[field]], 'missing_value', `${field} is empty`);
              return null;
            }
            return undefined;
          }
          const n = Number(value.replace(/,/g, ''));
          if (!Number.isFinite(n) || !/^-?[\d,]*\.?\d+$/.test(value)) {
            reject(
              record.line,
              headers[columns[field]],
              'bad_number',
              `${field} ${JSON.stringify(value)} is not a number of units`,
            );
            return null;
          }
          return n;
        };
        const onHand = units('on_hand_units', true);
        if (onHand === null || onHand === undefined) return;
        const onOrder = units('on_order_units', false);
        if (onOrder === null) return;
        const demand = units('avg_weekly_demand', false);
        if (demand === null) return;
        const row: StockRow = { storeId, sku, weekStartDay, onHandUnits: onHand, line: record.line };
        if (onOrder !== undefined) row.onOrderUnits = onOrder;
        if (demand !== undefined) row.avgWeeklyDemand = demand;
        rows.push(row);
      },
      onMalformed(line, code, reason) {
        rowsRead++;
        reject(line, undefined, code, reason);
      },
    },
  );
  if (rowsRead === 0) {
    throw new InputError(`${file} has a header line but no stock rows.`, {
      hint: 'Drop --stock (REVGAP_STOCK), or export the stock file again.',
    });
  }
  return {
    rows,
    quality: { source: file, rowsRead, rowsRejected: rejects.count, problems: rejects.problems },
  };
}
