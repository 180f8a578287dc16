/**
 * Reads the optional customers file (customer_id, name, segment, account_manager). Only the id is
 * required; missing optional columns are fine. A row without an id, or repeating an id already
 * seen (the first one is kept), is reported, never silently dropped.
 */
import type { CustomerInfo, RowProblem } from '../../core/types.ts';
import { InputError } from '../../errors.ts';
import { createRowRejects, rejectColumnCount, trimmedField } from './_row-rejects.ts';
import { CUSTOMER_ALIASES, CUSTOMER_FIELDS, type CustomerField, mapHeaders } from './map-headers.ts';
import { type CsvEngine, type CsvInput, readCsvFile } from './read-csv-file.ts';
import { type CsvRecord, latin1 } from './tokenize-csv.ts';

export interface CustomersCsvOptions {
  path: string;
  /** Field -> header name, e.g. `{ account_manager: 'Owner Email' }`. */
  map?: Partial<Record<CustomerField, string>> | undefined;
  /** `,` `;` tab `|`; default: detected from the header line. */
  delimiter?: string | undefined;
  /** Problems kept in full (default 20); all are counted. */
  maxProblemsListed?: number | undefined;
  engine?: CsvEngine | undefined;
  /** Read these bytes instead of opening `path` (tests); `path` still names the source. */
  input?: CsvInput | undefined;
}

/** Matches `DataQuality.customers`. */
export interface CustomersQuality {
  source: string;
  rowsRead: number;
  rowsRejected: number;
  problems: RowProblem[];
}

export async function readCustomersCsv(
  options: CustomersCsvOptions,
): Promise<{ customers: CustomerInfo[]; byId: Map<string, CustomerInfo>; quality: CustomersQuality }> {
  const file = options.path;
  const maxProblems = options.maxProblemsListed ?? 20;
  const customers: CustomerInfo[] = [];
  // The list by id (the first of each): the duplicate check's set, and the analysis' lookup, made
  // once while the sales are read beside it (LoadedCustomers.byId).
  const byId = new Map<string, CustomerInfo>();
  let rowsRead = 0;
  let headers: string[] = [];
  let columns: Record<CustomerField, number> = {
    customer_id: -1,
    name: -1,
    segment: -1,
    account_manager: -1,
  };

  const rejects = createRowRejects(file, maxProblems);
  const reject = rejects.reject;
  // The customers live as long as the analysis (and, in a bot, its snapshot), so their text is
  // kept compact: a field of 13 or more characters is otherwise a view into the 1 MiB chunk it was
  // read from, which keeps the whole chunk (the whole file, in the end) in memory. Segments and
  // account managers repeat: one string per distinct value. 100,000 customers: 24 -> ~13 MB.
  const distinct = new Map<string, string>();
  // `owned`: the value holds its own characters already (decoded from a record's bytes).
  const shared = (value: string | undefined, owned: boolean): string | undefined => {
    if (value === undefined) return undefined;
    let kept = distinct.get(value);
    if (kept === undefined) {
      kept = owned ? value : flatCopy(value);
      distinct.set(kept, kept);
    }
    return kept;
  };
  const flat = (value: string | undefined, owned: boolean): string | undefined =>
    value === undefined || owned ? value : flatCopy(value);

  await readCsvFile(
    {
      path: file,
      input: options.input,
      delimiter: options.delimiter,
      engine: options.engine,
      expectedHeader: 'customer_id,name,segment,account_manager',
    },
    {
      onHeader(names) {
        headers = names;
        columns = mapHeaders({
          file,
          headers: names,
          fields: CUSTOMER_FIELDS,
          required: ['customer_id'],
          aliases: CUSTOMER_ALIASES,
          map: options.map,
          mapFlag: '--customers-map',
        }).columns;
      },
      onRecord(record) {
        rowsRead++;
        // A record of ASCII bytes gives each field as a string of its own (no chunk's text decoded).
        const owned = record.bytes !== undefined;
        const text = (col: number): string | undefined =>
          owned ? trimmedOwnField(record, col) : trimmedField(record, col);
        if (rejectColumnCount(record, headers.length, rejects)) return;
        const customerId = text(columns.customer_id);
        if (customerId === undefined) {
          reject(record.line, headers[columns.customer_id], 'missing_value', 'customer id is empty');
          return;
        }
        if (byId.has(customerId)) {
          reject(
            record.line,
            headers[columns.customer_id],
            'duplicate_customer',
            `customer ${JSON.stringify(customerId)} is listed again (the first entry is kept)`,
          );
          return;
        }
        const name = flat(text(columns.name), owned);
        const segment = shared(text(columns.segment), owned);
        const accountManager = shared(text(columns.account_manager), owned);
        // One literal when every field is there (the usual file): its properties live in the object,
        // where adding them one by one puts three in a separate array (~16 bytes more a customer).
        let info: CustomerInfo;
        if (name !== undefined && segment !== undefined && accountManager !== undefined) {
          info = { customerId, name, segment, accountManager };
        } else {
          info = { customerId };
          if (name !== undefined) info.name = name;
          if (segment !== undefined) info.segment = segment;
          if (accountManager !== undefined) info.accountManager = accountManager;
        }
        customers.push(info);
        byId.set(customerId, info);
      },
      onMalformed(line, code, reason) {
        rowsRead++;
        reject(line, undefined, code, reason);
      },
    },
  );
  if (rowsRead === 0) {
    throw new InputError(`${file} has a header line but no customer rows.`, {
      hint: 'Drop the customers file option, or export the customer list again.',
    });
  }
  return {
    customers,
    byId,
    quality: { source: file, rowsRead, rowsRejected: rejects.count, problems: rejects.problems },
  };
}

/**
 * `trimmedField` of a record with ASCII bytes, decoded from the bytes: a string of its own, exactly
 * the trimmed field (a field with an unescaped copy is that copy, trimmed and made flat).
 */
function trimmedOwnField(record: CsvRecord, col: number): string | undefined {
  if (col < 0 || col >= record.count) return undefined;
  if (record.values[col] !== undefined) {
    const value = trimmedField(record, col);
    return value === undefined ? undefined : flatCopy(value);
  }
  const bytes = record.bytes as Uint8Array;
  let start = record.starts[col] as number;
  let end = record.ends[col] as number;
  // What String.prototype.trim removes, among ASCII characters: tab, LF, VT, FF, CR and space.
  while (start < end && isAsciiSpace(bytes[start] as number)) start++;
  while (end > start && isAsciiSpace(bytes[end - 1] as number)) end--;
  return start === end ? undefined : latin1(bytes, start, end);
}

function isAsciiSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** A copy of `value` that holds its own characters (see `readCustomersCsv`). */
function flatCopy(value: string): string {
  // V8 keeps a slice of 13+ characters as a view of its source; a JSON round trip copies it.
  return value.length < 13 ? value : (JSON.parse(JSON.stringify(value)) as string);
}
