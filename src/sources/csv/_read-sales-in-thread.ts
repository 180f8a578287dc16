/**
 * The sales CSV reader proper, on the calling thread: maps the header, validates every row, and
 * reports every row it cannot use. `readSalesCsv` (read-sales-csv.ts) calls it directly, or from a
 * worker thread for large files (`_sales-csv-worker.ts`).
 *
 * It reads in two steps, so that byte ranges of one file can be read by several threads
 * (`_read-sales-ledger.ts`): `readSalesRange` reads the rows of the file (or of one byte range of
 * it) into a sink and counts what it saw (`SalesReadStats`); `mergeSalesStats` joins the counts of
 * consecutive ranges; `finishSalesRead` runs the checks that need the whole file (a date format
 * that half works, ambiguous amounts, no usable row) and returns the `DataQuality`.
 */
import type { LedgerBuilder } from '../../core/ledger.ts';
import type { DataQuality, RowProblem, SaleRow } from '../../core/types.ts';
import { InputError } from '../../errors.ts';
import {
  createDuplicateCounter,
  createDuplicateSet,
  type DuplicateCounter,
  Fingerprint,
} from './duplicate-set.ts';
import { mapHeaders, SALES_ALIASES, SALES_FIELDS, SALES_REQUIRED } from './map-headers.ts';
import {
  currencyOfAmount,
  describeBadAmount,
  parseAmountCents,
  plainAmountCentsOfBytes,
} from './parse-amount.ts';
import { describeBadDate, formatsFittingAll, parseDateDay } from './parse-date.ts';
import { type CsvFileSummary, type CsvRange, readCsvFile } from './read-csv-file.ts';
import type { SalesCsvOptions } from './read-sales-csv.ts';
import { TextMemo } from './text-memo.ts';
import { type CsvRecord, latin1 } from './tokenize-csv.ts';

const FIX_BY_CODE: Record<string, string> = {
  missing_value: 'fill in the value or delete the row',
  bad_date:
    'correct the date, or set the format with --date-format (YYYY-MM-DD, MM/DD/YYYY, DD/MM/YYYY, "YYYY-MM-DD HH:mm")',
  bad_amount: 'write the amount as a number such as 1234.56, $1,234.56 or (12.00)',
  bad_quantity: 'write the quantity as a number or leave it empty',
  column_count: 'make the row have as many fields as the header; quote values that contain the delimiter',
  bad_quotes: 'quote the whole value and double any quote inside it ("ab""c")',
  unclosed_quote: 'close the quoted value or remove the stray quote',
};

/** Ids at least this long would be V8 slices pinning a whole 1 MiB chunk; they are copied once. */
const SLICED_STRING_MIN = 13;

/** Bad dates and good dates kept for the column-wide date-format check. */
const DATE_SAMPLE = 500;

/** What one read (of a file, or of one byte range of it) saw, before the whole-file checks. */
export interface SalesReadStats {
  /** Physical lines read (with the header and blank lines). */
  lines: number;
  /** A record was still open at the end of a range that is not the file's last (see CsvRange). */
  endsInsideRecord: boolean;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  /** Exact duplicates seen, under `dropDuplicates` only (otherwise counted afterwards). */
  duplicateRows: number;
  duplicateLines: number[];
  rejectedByCode: Record<string, number>;
  /** The first `maxProblemsListed` problems, in file order. */
  problems: RowProblem[];
  /** The first three, whatever maxProblemsListed, for the message when no row at all is usable. */
  firstProblems: RowProblem[];
  currencies: Record<string, number>;
  currencyRows: number;
  /** What the header says (first range only). */
  headerNotes: string[];
  delimiterUsed: string;
  badDates: string[];
  badDateRows: number;
  firstBadDateLine: number;
  /** Good dates, one per run of the same day, and the days of the first and last of them. */
  goodDates: string[];
  firstGoodDay: number;
  lastGoodDay: number;
  dotAmounts: number;
  threeDecimalAmounts: number;
  commaAmounts: number;
  firstThreeDecimalLine: number;
  firstThreeDecimalText: string;
}

/** Where accepted rows go: a callback per row, or straight into a ledger (no `SaleRow` made). */
export type SalesSink = { onRow: (row: SaleRow) => void } | { ledger: LedgerBuilder };

/**
 * The strict-mode stop at a bad row. `badRow` keeps the facts, so that a reader of a later byte
 * range can say it again with the line counted from the start of the file (`withLineOffset`).
 */
export class BadRowError extends InputError {
  readonly badRow: RowProblem;
  constructor(problem: RowProblem) {
    const { file, line, column, code, reason } = problem;
    const where = column === undefined ? `line ${line}` : `line ${line}, column "${column}"`;
    // A reason that already names its fix ("set the decimal separator ... (--decimal ,)") gets no
    // generic one after it: "write the amount as 1234.56" would contradict it.
    const fix = /\(--|: set |; set |expected e\.g\./.test(reason)
      ? ''
      : ` Fix: ${FIX_BY_CODE[code] ?? 'correct the row'}.`;
    super(`${file} ${where}: ${reason}.${fix}`, {
      hint:
        `Edit line ${line} of ${file}. Strict mode stops at the first bad row and outputs nothing; ` +
        'without --strict (--bad-rows lenient) bad rows are skipped and reported.',
    });
    this.badRow = problem;
  }

  withLineOffset(lines: number): BadRowError {
    return new BadRowError({ ...this.badRow, line: this.badRow.line + lines });
  }
}

/** `readSalesCsv` on the calling thread (same contract). */
export async function readSalesInThread(
  options: SalesCsvOptions,
  onRow: (row: SaleRow) => void,
): Promise<DataQuality> {
  const { stats, duplicates } = await readSalesRange(options, { onRow });
  return finishSalesRead(options, stats, duplicates?.count() ?? stats.duplicateRows);
}

/**
 * Reads the rows of `options.path` (of `range` only, when given) into `sink`. Under
 * `dropDuplicates` the duplicates are counted in the stats; otherwise the returned counter holds
 * the rows' fingerprints, to be counted (`count()`) once every range has been read.
 */
export async function readSalesRange(
  options: SalesCsvOptions,
  sink: SalesSink,
  range?: CsvRange,
): Promise<{ stats: SalesReadStats; duplicates: DuplicateCounter | undefined }> {
  const file = options.path;
  const dateFormat = options.dateFormat ?? 'YYYY-MM-DD';
  /** ISO dates that may carry a time, which parseDateDay checks for shape only (see dateMemo). */
  const isoDates = dateFormat === 'YYYY-MM-DD';
  /** Day-and-month dates, after which parseDateDay takes anything that starts with a space and a digit. */
  const slashedDates = dateFormat === 'MM/DD/YYYY' || dateFormat === 'DD/MM/YYYY';
  const decimal = options.decimal ?? '.';
  const decimalCode = decimal === '.' ? 0x2e : 0x2c;
  const strict = options.badRows === 'strict';
  const dropDuplicates = options.dropDuplicates ?? false;
  const maxProblems = options.maxProblemsListed ?? 20;
  const onRow = 'onRow' in sink ? sink.onRow : undefined;
  const ledger = 'ledger' in sink ? sink.ledger : undefined;

  let headers: string[] = [];
  let headerCount = 0;
  let customerCol = -1;
  let dateCol = -1;
  let amountCol = -1;
  let orderCol = -1;
  let productCol = -1;
  let storeCol = -1;
  let quantityCol = -1;

  let rowsRead = 0;
  let rowsAccepted = 0;
  let rowsRejected = 0;
  let duplicateRows = 0;
  /** Lines of the first dropped duplicates (`--drop-duplicates`), for the note. */
  const duplicateLines: number[] = [];
  const rejectedByCode: Record<string, number> = {};
  const problems: RowProblem[] = [];
  // The first few, whatever maxProblemsListed, for the message when no row at all is usable.
  const firstProblems: RowProblem[] = [];
  // Dropping needs an answer per row; counting alone can be deferred (several times faster).
  const seen = dropDuplicates ? createDuplicateSet() : undefined;
  // A byte range is read by a range worker, whose fingerprints other threads count in place.
  const counter = dropDuplicates ? undefined : createDuplicateCounter({ shared: range !== undefined });
  const fingerprint = new Fingerprint();
  const fingerprintOf = (record: CsvRecord): Fingerprint => {
    fingerprint.reset();
    fingerprint.addRecord(record);
    return fingerprint;
  };
  const interned = new Map<string, string>();
  // Accepted rows by the currency written in the amount (most files write bare numbers: none).
  const currencies: Record<string, number> = {};
  const notes: string[] = [];
  let currencyRows = 0;
  // Column-wide checks (issue 13): dates that fail next to dates that pass may be one format read
  // as another; amounts that all have exactly three digits after a dot may be dot thousands.
  const badDates: string[] = [];
  let badDateRows = 0;
  let firstBadDateLine = 0;
  const goodDates: string[] = [];
  let firstGoodDay = Number.NaN;
  let lastGoodDay = Number.NaN;
  /** The last date text parsed to a day (its UTF-16 codes when it is short), and that day. */
  const lastDate = new Uint16Array(32);
  let lastDateLength = -1;
  let lastDateDay = Number.NaN;
  /** Every date text parsed to a day, and every store id as a string (caches; see text-memo.ts). */
  const dateMemo = new TextMemo<number>();
  const storeMemo = new TextMemo<string>();
  let delimiterUsed = ',';
  let dotAmounts = 0;
  let threeDecimalAmounts = 0;
  let commaAmounts = 0;
  let firstThreeDecimalLine = 0;
  let firstThreeDecimalText = '';

  /**
   * Whether the date of a good row of `day` joins the sample of good dates (the first row of each
   * new day, up to DATE_SAMPLE); if so, `day` is noted as the last (and maybe first) sampled day.
   */
  function samplesGoodDate(day: number): boolean {
    if (day === lastGoodDay || goodDates.length >= DATE_SAMPLE) return false;
    if (goodDates.length === 0) firstGoodDay = day;
    lastGoodDay = day;
    return true;
  }

  function reject(line: number, column: string | undefined, code: string, reason: string): void {
    rowsRejected++;
    rejectedByCode[code] = (rejectedByCode[code] ?? 0) + 1;
    const problem: RowProblem =
      column === undefined ? { file, line, reason, code } : { file, line, column, reason, code };
    if (strict) {
      // Rows the ledger holds back come before this one: an error of theirs is thrown first.
      ledger?.flushRows();
      throw new BadRowError(problem);
    }
    if (problems.length < maxProblems) problems.push(problem);
    if (firstProblems.length < 3) firstProblems.push(problem);
  }

  // The current field, as a range [fa, fb) (set by `field`, trimmed) of the record's ASCII bytes
  // fbytes when it has them (CsvRecord.bytes), else of the text fs. A record of bytes is read from
  // them alone: its text (a chunk's) is decoded only if something reads `record.text`. The rare
  // paths that need a string of the field make one (`fieldText`, `fieldSource`).
  let fs = '';
  let fa = 0;
  let fb = 0;
  let fbytes: Uint8Array | undefined;
  function field(record: CsvRecord, i: number): void {
    const value = record.values[i];
    if (value === undefined) {
      fbytes = record.bytes;
      fs = fbytes === undefined ? record.text : '';
      fa = record.starts[i]!;
      fb = record.ends[i]!;
    } else {
      fs = value;
      fbytes = undefined;
      fa = 0;
      fb = value.length;
    }
    const bytes = fbytes;
    if (bytes !== undefined) {
      while (fa < fb && isBlank(bytes[fa]!)) fa++;
      while (fb > fa && isBlank(bytes[fb - 1]!)) fb--;
      return;
    }
    while (fa < fb && isBlank(fs.charCodeAt(fa))) fa++;
    while (fb > fa && isBlank(fs.charCodeAt(fb - 1))) fb--;
  }
  function header(col: number): string {
    return headers[col] ?? '';
  }
  /** The current field's text. */
  function fieldText(): string {
    return fbytes === undefined ? fs.slice(fa, fb) : latin1(fbytes, fa, fb);
  }
  /**
   * For a field of bytes: a string holding the field at 0 .. fb - fa, followed by the character
   * after it in the record's text, if any (the parsers may look one past the end, and must see
   * what they saw in the whole text).
   */
  function fieldSource(bytes: Uint8Array): string {
    return latin1(bytes, fa, Math.min(fb + 1, bytes.length));
  }
  function optionalText(record: CsvRecord, col: number): string | undefined {
    if (col < 0) return undefined;
    field(record, col);
    return fa === fb ? undefined : fieldText();
  }

  function onRecord(record: CsvRecord): void {
    rowsRead++;
    const line = record.line;
    if (record.count !== headerCount) {
      let hint = '';
      if (record.count === headerCount + 1) {
        // An empty last field: the row ends with a delimiter (exports that write "a,b,c," per row).
        field(record, record.count - 1);
        if (fa === fb) {
          hint =
            ' (the row ends with an extra delimiter, a trailing comma: remove it, or add a name for that last column to the header)';
        }
      }
      if (hint === '' && record.count > headerCount) {
        hint =
          ' (a value containing the delimiter that is not quoted? e.g. 1,234.56 must be written "1,234.56")';
      }
      reject(
        line,
        undefined,
        'column_count',
        `expected ${headerCount} fields as in the header, found ${record.count}${hint}`,
      );
      return;
    }

    field(record, customerCol);
    if (fa === fb) {
      reject(line, header(customerCol), 'missing_value', 'customer id is empty');
      return;
    }
    // The id as a range of the line's bytes or text: the ledger reads it in place.
    const customerBytes = fbytes;
    const customerText = fs;
    const customerFrom = fa;
    const customerTo = fb;

    field(record, dateCol);
    if (fa === fb) {
      reject(line, header(dateCol), 'missing_value', 'date is empty');
      return;
    }
    // Exports list many rows of the same date in a row: a date written as the last one was has
    // its day (one comparison instead of a parse).
    let day = Number.NaN;
    const dateLength = fb - fa;
    if (dateLength === lastDateLength) {
      let k = 0;
      if (fbytes !== undefined) while (k < dateLength && fbytes[fa + k] === lastDate[k]) k++;
      else while (k < dateLength && fs.charCodeAt(fa + k) === lastDate[k]) k++;
      if (k === dateLength) day = lastDateDay;
    }
    // Files in another order (by customer): a date seen before anywhere (dateMemo).
    if (Number.isNaN(day)) {
      day =
        (fbytes !== undefined ? dateMemo.getBytes(fbytes, fa, fb) : dateMemo.getText(fs, fa, fb)) ??
        Number.NaN;
    }
    if (Number.isNaN(day)) {
      const source = fbytes === undefined ? fs : fieldSource(fbytes);
      const from = fbytes === undefined ? fa : 0;
      day = parseDateDay(source, from, from + dateLength, dateFormat);
      if (!Number.isNaN(day)) {
        dateMemo.set(source, from, from + dateLength, day);
        // A timestamp's day is its date's (no time-zone conversion): the date alone is that day.
        if (isoDates && dateLength > 10) dateMemo.set(source, from, from + 10, day);
        if (slashedDates) {
          const space = source.indexOf(' ', from);
          if (space > from && space < from + dateLength) dateMemo.set(source, from, space, day);
        }
      }
      if (!Number.isNaN(day) && dateLength <= lastDate.length) {
        for (let k = 0; k < dateLength; k++) lastDate[k] = source.charCodeAt(from + k);
        lastDateLength = dateLength;
        lastDateDay = day;
      }
    }
    if (Number.isNaN(day)) {
      const text = fieldText();
      if (badDateRows++ === 0) firstBadDateLine = line;
      if (badDates.length < DATE_SAMPLE) badDates.push(text);
      reject(line, header(dateCol), 'bad_date', describeBadDate(text, dateFormat));
      return;
    }
    if (samplesGoodDate(day)) goodDates.push(fieldText());

    field(record, amountCol);
    if (fa === fb) {
      reject(line, header(amountCol), 'missing_value', 'amount is empty');
      return;
    }
    let amountCents = fbytes === undefined ? Number.NaN : plainAmountCentsOfBytes(fbytes, fa, fb, decimal);
    if (Number.isNaN(amountCents)) {
      amountCents =
        fbytes === undefined
          ? parseAmountCents(fs, fa, fb, decimal)
          : parseAmountCents(fieldSource(fbytes), 0, fb - fa, decimal);
    }
    if (Number.isNaN(amountCents)) {
      reject(line, header(amountCol), 'bad_amount', describeBadAmount(fieldText(), decimal));
      return;
    }
    // The first dot and comma of the amount, in one pass over its few characters.
    let dot = -1;
    let comma = -1;
    const bytes = fbytes;
    for (let i = fa; i < fb; i++) {
      const c = bytes === undefined ? fs.charCodeAt(i) : bytes[i]!;
      if (c === 0x2e) {
        if (dot < 0) dot = i;
      } else if (c === 0x2c && comma < 0) comma = i;
    }
    if (dot >= 0) {
      dotAmounts++;
      if (bytes === undefined ? isThreeDecimals(fs, dot, fb) : isThreeDecimalBytes(bytes, dot, fb)) {
        if (threeDecimalAmounts++ === 0) {
          firstThreeDecimalLine = line;
          firstThreeDecimalText = fieldText();
        }
      }
    }
    if (comma >= 0) commaAmounts++;

    // A bare number starts with a digit (after a sign or ".") and ends with one: the common case
    // costs two character reads. Anything else may carry a currency marker.
    let currency = '';
    let c0 = bytes === undefined ? fs.charCodeAt(fa) : bytes[fa]!;
    if ((c0 === 0x2d || c0 === 0x2b) && fa + 1 < fb)
      c0 = bytes === undefined ? fs.charCodeAt(fa + 1) : bytes[fa + 1]!;
    const cz = bytes === undefined ? fs.charCodeAt(fb - 1) : bytes[fb - 1]!;
    if (!(((c0 >= 0x30 && c0 <= 0x39) || c0 === 0x2e) && cz >= 0x30 && cz <= 0x39)) {
      currency =
        bytes === undefined ? currencyOfAmount(fs, fa, fb) : currencyOfAmount(fieldSource(bytes), 0, fb - fa);
    }

    let storeId: string | undefined;
    let row: SaleRow | undefined;
    if (onRow !== undefined) {
      let customerId =
        customerBytes === undefined
          ? customerText.slice(customerFrom, customerTo)
          : latin1(customerBytes, customerFrom, customerTo);
      if (customerId.length >= SLICED_STRING_MIN) {
        const known = interned.get(customerId);
        if (known === undefined) {
          // (Decoded from bytes, it is a flat string already.)
          if (customerBytes === undefined) customerId = Buffer.from(customerId, 'utf8').toString('utf8');
          interned.set(customerId, customerId);
        } else {
          customerId = known;
        }
      }
      row = { customerId, day, amountCents, line };
      if (orderCol >= 0) {
        const orderId = optionalText(record, orderCol);
        if (orderId !== undefined) row.orderId = orderId;
      }
      if (productCol >= 0) {
        const product = optionalText(record, productCol);
        if (product !== undefined) row.product = product;
      }
    }
    // The ledger uses the store (the supply-side rule), not the order id or product.
    if (storeCol >= 0) {
      storeId = optionalText(record, storeCol);
      if (row !== undefined && storeId !== undefined) row.storeId = storeId;
    }
    if (quantityCol >= 0) {
      const text = optionalText(record, quantityCol);
      if (text !== undefined) {
        const quantity = parseQuantity(text, decimal);
        if (Number.isNaN(quantity)) {
          reject(
            line,
            header(quantityCol),
            'bad_quantity',
            `quantity ${JSON.stringify(text)} is not a number`,
          );
          return;
        }
        if (row !== undefined) row.quantity = quantity;
      }
    }

    // Exact duplicates: every field equal, as written. (A shared order id is not enough: a refund
    // or another customer's line may carry the same order number.)
    if (seen?.addIfAbsent(fingerprintOf(record))) {
      duplicateRows++;
      if (duplicateLines.length < maxProblems) duplicateLines.push(line);
      return;
    }
    rowsAccepted++;
    if (currency !== '') {
      currencies[currency] = (currencies[currency] ?? 0) + 1;
      currencyRows++;
    }
    let taken = true;
    if (row !== undefined) onRow?.(row);
    else if (customerBytes !== undefined)
      taken =
        ledger?.addSaleBytes(customerBytes, customerFrom, customerTo, day, amountCents, line, storeId) ??
        true;
    else
      taken =
        ledger?.addSale(customerText, customerFrom, customerTo, day, amountCents, line, storeId) ?? true;
    // A partition reader fingerprints the rows of its customers only: an exact duplicate is of the
    // same customer, so each pair is in one reader's fingerprints.
    if (counter !== undefined && taken) counter.add(fingerprintOf(record));
  }

  // --- The plain line, read whole (issue 12): most lines of an export are ASCII, unquoted or
  // quoted field by field, with a date parsed before (dateMemo) and a bare amount. `plainLine` reads
  // such a line in one pass over its bytes and does exactly what `onRecord` does for it (the same
  // counters, samples, fingerprint and ledger call); any other line (a date not seen yet, an escaped
  // quote or a line break in a value, a lone CR, blanks around a value, a currency, a third decimal,
  // the wrong number of fields, a bad value) it leaves (-1) to the tokenizer and `onRecord`. Only
  // with a ledger sink and duplicates counted, not dropped (set in onHeader); a quantity must be
  // plain too, a store id unquoted and not blank-padded. The record's bookkeeping and the
  // field-by-field reads were ~45% of the read's CPU on 100,000 customers (docs/cli.md#benchmark).
  let plainReady = false;
  let plainDelimiter = 0;
  let plainTop = 0;
  let plainStarts = new Int32Array(0);
  let plainEnds = new Int32Array(0);
  function plainLine(bytes: Uint8Array, pos: number, line: number, maxChars: number): number {
    if (!plainReady) return -1;
    const d = plainDelimiter;
    const top = plainTop;
    const starts = plainStarts;
    const ends = plainEnds;
    const last = headerCount - 1;
    const stop = Math.min(bytes.length, pos + maxChars);
    let count = 0;
    let start = pos;
    let i = pos;
    /** The last field's characters between its quotes, when it is quoted (else -1). */
    let quotedFrom = -1;
    let quotedTo = -1;
    for (; i < stop; i++) {
      const c = bytes[i]!;
      // Digits and letters are above the delimiter and '"' (and LF, CR): one comparison for most bytes.
      if (c > top) continue;
      if (c === d) {
        if (count === last) return -1;
        starts[count] = start;
        ends[count] = i;
        count++;
        start = i + 1;
      } else if (c === 0x0a) {
        break;
      } else if (c === 0x22) {
        // A quoted value (exports that quote every field): taken when it opens the field, holds no
        // quote, LF or CR, and closes right before the delimiter or the line's end. Its range is
        // its characters between the quotes, as the tokenizer gives it; anything else is left.
        if (i !== start) return -1;
        let q = i + 1;
        while (q < stop) {
          const b = bytes[q]!;
          if (b === 0x22 || b === 0x0a || b === 0x0d) break;
          q++;
        }
        if (q + 1 >= stop || bytes[q] !== 0x22) return -1;
        const after = bytes[q + 1]!;
        if (after === d) {
          if (count === last) return -1;
          starts[count] = i + 1;
          ends[count] = q;
          count++;
          start = q + 2;
          i = q + 1;
        } else if (after === 0x0a || (after === 0x0d && q + 2 < stop && bytes[q + 2] === 0x0a)) {
          quotedFrom = i + 1;
          quotedTo = q;
          i = q + 1;
          break;
        } else {
          return -1;
        }
      } else if (c === 0x0d) {
        // CRLF ends the line (the CR is not part of the last value); a CR elsewhere is left.
        if (i + 1 < stop && bytes[i + 1] === 0x0a) break;
        return -1;
      }
    }
    if (i >= stop || count !== last) return -1;
    starts[count] = quotedTo < 0 ? start : quotedFrom;
    ends[count] = quotedTo < 0 ? i : quotedTo;
    const next = bytes[i] === 0x0d ? i + 2 : i + 1;
    const cs = starts[customerCol]!;
    const ce = ends[customerCol]!;
    if (cs === ce || isBlank(bytes[cs]!) || isBlank(bytes[ce - 1]!)) return -1;
    // A date parsed before: the last one (date-sorted exports repeat it), else one remembered.
    const ds = starts[dateCol]!;
    const dateLength = ends[dateCol]! - ds;
    let day = Number.NaN;
    if (dateLength === lastDateLength) {
      let k = 0;
      while (k < dateLength && bytes[ds + k] === lastDate[k]) k++;
      if (k === dateLength) day = lastDateDay;
    }
    if (Number.isNaN(day)) {
      let remembered = dateMemo.getBytes(bytes, ds, ds + dateLength);
      // A timestamp (exports that write the time of each order): its date's day, when the time
      // starts as parseDateDay requires (T or a space, then HH:mm) and the field ends unpadded.
      if (remembered === undefined && isoDates && dateLength >= 16 && isIsoTimeAt(bytes, ds + 10)) {
        if (!isBlank(bytes[ds + dateLength - 1]!)) remembered = dateMemo.getBytes(bytes, ds, ds + 10);
      } else if (remembered === undefined && slashedDates) {
        // 11/24/2025 13:45: the date before the first space, when a digit follows it.
        const de = ds + dateLength;
        let space = ds;
        while (space < de && bytes[space] !== 0x20) space++;
        if (space > ds && space + 1 < de && isDigit(bytes[space + 1]!) && !isBlank(bytes[de - 1]!)) {
          remembered = dateMemo.getBytes(bytes, ds, space);
        }
      }
      if (remembered === undefined) return -1;
      day = remembered;
    }
    // A bare amount: [-]digits[.d[d]] (the decimal separator read with: `,` too), ending with a
    // digit (no currency, no thousands separator, no third decimal).
    const as = starts[amountCol]!;
    const ae = ends[amountCol]!;
    if (as === ae || !isDigit(bytes[ae - 1]!)) return -1;
    const amountCents = plainAmountCentsOfBytes(bytes, as, ae, decimal);
    if (Number.isNaN(amountCents)) return -1;
    // A quantity (checked, not used by the ledger): empty, or [-]digits[.digits].
    if (quantityCol >= 0 && !isPlainQuantity(bytes, starts[quantityCol]!, ends[quantityCol]!)) return -1;
    // A store id: its string, made once per distinct id (storeMemo); none when the field is empty.
    let storeId: string | undefined;
    if (storeCol >= 0) {
      const ss = starts[storeCol]!;
      const se = ends[storeCol]!;
      if (ss !== se) {
        if (isBlank(bytes[ss]!) || isBlank(bytes[se - 1]!)) return -1;
        storeId = storeMemo.getBytes(bytes, ss, se);
        if (storeId === undefined) {
          storeId = latin1(bytes, ss, se);
          storeMemo.set(storeId, 0, storeId.length, storeId);
        }
      }
    }

    // Accepted: onRecord's effects for this row.
    rowsRead++;
    if (samplesGoodDate(day)) goodDates.push(latin1(bytes, ds, ds + dateLength));
    // The amount's separator (a plain amount has at most two decimals), counted as onRecord does.
    if (ae - as > 2 && (bytes[ae - 2] === decimalCode || bytes[ae - 3] === decimalCode)) {
      if (decimal === '.') dotAmounts++;
      else commaAmounts++;
    }
    rowsAccepted++;
    plainLineStats.lines++;
    const taken = (ledger as LedgerBuilder).addSaleBytes(bytes, cs, ce, day, amountCents, line, storeId);
    if (counter !== undefined && taken) {
      fingerprint.reset();
      for (let f = 0; f <= last; f++) fingerprint.addBytes(bytes, starts[f]!, ends[f]!);
      counter.add(fingerprint);
    }
    return next;
  }

  let summary: CsvFileSummary;
  try {
    summary = await readCsvFile(
      { ...options, range },
      {
        onHeader(names, delimiter) {
          delimiterUsed = delimiter;
          headers = names;
          headerCount = names.length;
          const { columns } = mapHeaders({
            file,
            headers: names,
            fields: SALES_FIELDS,
            required: SALES_REQUIRED,
            aliases: SALES_ALIASES,
            map: options.map,
          });
          customerCol = columns.customer_id;
          dateCol = columns.date;
          amountCol = columns.amount;
          // Shop exports (Shopify, Stripe) put refunds in a column of their own beside a gross total.
          // (Said once, by the range that starts the file.)
          const firstRange = range === undefined || range.start === 0;
          names.forEach((name, i) => {
            if (!firstRange) return;
            if (/^(financial[ _-]?)?status$/i.test(name.trim())) {
              notes.push(
                `column "${name}" is not used: every row counts as revenue whatever its status, so failed, voided ` +
                  'or pending payments in the export count too; filter them out before exporting if there are any',
              );
            }
            if (i !== amountCol && /refund/i.test(name)) {
              notes.push(
                `column "${name}" is not used: revenue comes from "${names[amountCol]}" only, so refunds in it are ` +
                  'not subtracted; export net amounts (or refunds as rows with negative amounts), or map the net column with --map amount=...',
              );
            }
          });
          orderCol = columns.order_id;
          productCol = columns.product;
          storeCol = columns.store_id;
          quantityCol = columns.quantity;
          plainDelimiter = delimiter.charCodeAt(0);
          plainTop = Math.max(plainDelimiter, 0x22);
          plainStarts = new Int32Array(headerCount);
          plainEnds = new Int32Array(headerCount);
          plainReady =
            ledger !== undefined &&
            onRow === undefined &&
            seen === undefined &&
            headerCount > 1 &&
            delimiter.length === 1 &&
            plainDelimiter !== 0x0a &&
            plainDelimiter !== 0x0d &&
            plainDelimiter < 0x80;
        },
        onRecord,
        plainLine,
        onMalformed(line, code, reason) {
          rowsRead++;
          reject(line, undefined, code, reason);
        },
      },
    );
  } catch (error) {
    // The rows the ledger holds back came before the failure: an error of theirs comes first.
    ledger?.flushRows();
    throw error;
  }
  ledger?.flushRows();

  const stats: SalesReadStats = {
    lines: summary.lines,
    endsInsideRecord: summary.endsInsideRecord,
    rowsRead,
    rowsAccepted,
    rowsRejected,
    duplicateRows,
    duplicateLines,
    rejectedByCode,
    problems,
    firstProblems,
    currencies,
    currencyRows,
    headerNotes: notes,
    delimiterUsed,
    badDates,
    badDateRows,
    firstBadDateLine,
    goodDates,
    firstGoodDay,
    lastGoodDay,
    dotAmounts,
    threeDecimalAmounts,
    commaAmounts,
    firstThreeDecimalLine,
    firstThreeDecimalText,
  };
  return { stats, duplicates: counter };
}

/**
 * The stats of consecutive byte ranges of one file (in file order) as one read of the whole file
 * would have counted them: line numbers of later ranges moved by the lines before them, the first
 * problems and samples of the whole file.
 */
export function mergeSalesStats(parts: readonly SalesReadStats[], maxProblemsListed: number): SalesReadStats {
  const [first, ...rest] = parts;
  if (first === undefined) throw new Error('mergeSalesStats: no stats');
  const merged: SalesReadStats = {
    ...first,
    duplicateLines: [...first.duplicateLines],
    rejectedByCode: { ...first.rejectedByCode },
    problems: [...first.problems],
    firstProblems: [...first.firstProblems],
    currencies: { ...first.currencies },
    badDates: [...first.badDates],
    goodDates: [...first.goodDates],
  };
  for (const part of rest) {
    const offset = merged.lines;
    const moved = (p: RowProblem): RowProblem => ({ ...p, line: p.line + offset });
    merged.lines += part.lines;
    merged.endsInsideRecord = part.endsInsideRecord;
    merged.rowsRead += part.rowsRead;
    merged.rowsAccepted += part.rowsAccepted;
    merged.rowsRejected += part.rowsRejected;
    merged.duplicateRows += part.duplicateRows;
    for (const line of part.duplicateLines) {
      if (merged.duplicateLines.length < maxProblemsListed) merged.duplicateLines.push(line + offset);
    }
    // Codes in order of first appearance in the file, as one read adds them.
    for (const [code, n] of Object.entries(part.rejectedByCode)) {
      merged.rejectedByCode[code] = (merged.rejectedByCode[code] ?? 0) + n;
    }
    for (const p of part.problems) {
      if (merged.problems.length < maxProblemsListed) merged.problems.push(moved(p));
    }
    for (const p of part.firstProblems)
      if (merged.firstProblems.length < 3) merged.firstProblems.push(moved(p));
    for (const [currency, n] of Object.entries(part.currencies)) {
      merged.currencies[currency] = (merged.currencies[currency] ?? 0) + n;
    }
    merged.currencyRows += part.currencyRows;
    for (const text of part.badDates) if (merged.badDates.length < DATE_SAMPLE) merged.badDates.push(text);
    if (merged.badDateRows === 0 && part.badDateRows > 0)
      merged.firstBadDateLine = part.firstBadDateLine + offset;
    merged.badDateRows += part.badDateRows;
    // One entry per run of the same day: a run that crosses into this range is one entry.
    if (part.goodDates.length > 0 && merged.goodDates.length < DATE_SAMPLE) {
      const from = part.firstGoodDay === merged.lastGoodDay ? 1 : 0;
      for (let i = from; i < part.goodDates.length && merged.goodDates.length < DATE_SAMPLE; i++) {
        merged.goodDates.push(part.goodDates[i] as string);
        merged.lastGoodDay = i === part.goodDates.length - 1 ? part.lastGoodDay : Number.NaN;
      }
      if (Number.isNaN(merged.firstGoodDay)) merged.firstGoodDay = part.firstGoodDay;
    }
    merged.dotAmounts += part.dotAmounts;
    if (merged.threeDecimalAmounts === 0 && part.threeDecimalAmounts > 0) {
      merged.firstThreeDecimalLine = part.firstThreeDecimalLine + offset;
      merged.firstThreeDecimalText = part.firstThreeDecimalText;
    }
    merged.threeDecimalAmounts += part.threeDecimalAmounts;
    merged.commaAmounts += part.commaAmounts;
  }
  return merged;
}

/**
 * The checks that need the whole file, then its `DataQuality`. `duplicateRows` is the count of
 * exact duplicates in the whole file. Throws `InputError` as `readSalesCsv` documents.
 */
export function finishSalesRead(
  options: SalesCsvOptions,
  stats: SalesReadStats,
  duplicateRows: number,
): DataQuality {
  const file = options.path;
  const dateFormat = options.dateFormat ?? 'YYYY-MM-DD';
  const {
    rowsRead,
    rowsAccepted,
    rowsRejected,
    badDateRows,
    badDates,
    goodDates,
    firstBadDateLine,
    firstProblems,
    dotAmounts,
    threeDecimalAmounts,
    commaAmounts,
    firstThreeDecimalLine,
    firstThreeDecimalText,
    currencies,
    currencyRows,
    duplicateLines,
  } = stats;
  const notes = [...stats.headerNotes];
  // A date format that half works: some dates fail, and another accepted format fits every date
  // checked (those that failed and those that passed, which may then be misread).
  const fitting = badDateRows > 0 ? formatsFittingAll([...badDates, ...goodDates], dateFormat) : [];
  const dateFix =
    fitting.length > 0
      ? `every date checked fits ${fitting.join(' and ')}: run with --date-format ${fitting[0]} (or set data.dateFormat / REVGAP_DATE_FORMAT)`
      : '';
  if (fitting.length > 0 && rowsAccepted > 0) {
    const accepted = rowsRead - rowsRejected;
    throw new InputError(
      `${formatCount(badDateRows)} of ${formatCount(badDateRows + accepted)} dates in ${file} are not ${dateFormat} ` +
        `(e.g. line ${firstBadDateLine}: ${JSON.stringify(badDates[0])}), and the ${formatCount(accepted)} that are may be misread: ` +
        `every date checked fits ${fitting.join(' and ')}.`,
      { hint: `Run with --date-format ${fitting[0]} (or set data.dateFormat / REVGAP_DATE_FORMAT).` },
    );
  }
  if (
    options.decimal === undefined &&
    threeDecimalAmounts > 0 &&
    threeDecimalAmounts === dotAmounts &&
    commaAmounts === 0
  ) {
    const what =
      `every amount with a dot in ${file} has exactly three digits after it (${formatCount(threeDecimalAmounts)} ` +
      `rows, e.g. line ${firstThreeDecimalLine}: ${JSON.stringify(firstThreeDecimalText)}), so the dot may be a thousands ` +
      `separator (${firstThreeDecimalText} = ${firstThreeDecimalText.replace('.', '')}) rather than a decimal point`;
    if (stats.delimiterUsed === ';') {
      // Semicolon files come from locales that write 2.500 for two thousand five hundred.
      throw new InputError(`Ambiguous amounts: ${what}.`, {
        hint: 'Run with --decimal , if the dot separates thousands (2.500 = 2500), or --decimal . if the amounts really have three decimals.',
      });
    }
    notes.push(`${what}; if so, run with --decimal , (pass --decimal . to confirm the dot and silence this)`);
  }
  if (rowsRead === 0) {
    throw new InputError(
      `${file} has a header line but no data rows (${stats.lines} line${stats.lines === 1 ? '' : 's'}). ` +
        'Expected one sale per line after the header.',
      { hint: 'Check the export: it wrote only the column names.' },
    );
  }
  if (rowsAccepted === 0) {
    const examples = firstProblems
      .map((p) => `  line ${p.line}${p.column === undefined ? '' : ` (${p.column})`}: ${p.reason}`)
      .join('\n');
    throw new InputError(
      `None of the ${rowsRead} data rows in ${file} could be used. First problems:\n${examples}`,
      {
        hint:
          dateFix !== ''
            ? `The dates: ${dateFix}.`
            : 'Fix the column mapping (--map), the date format (--date-format), the decimal separator (--decimal) or the delimiter (--delimiter).',
      },
    );
  }

  return {
    source: file,
    rowsRead,
    rowsAccepted,
    rowsRejected,
    rejectedByCode: stats.rejectedByCode,
    problems: stats.problems,
    duplicateRows,
    duplicatesDropped: options.dropDuplicates ?? false,
    ...(duplicateLines.length > 0 ? { duplicateLines } : {}),
    ...(currencyRows > 0 ? { currencies } : {}),
    ...(notes.length > 0 ? { notes } : {}),
  };
}

/** The amount text's dot at `dot` is followed by exactly three digits and then its end (or a non-digit suffix such as a currency). */
function isThreeDecimals(s: string, dot: number, end: number): boolean {
  let digits = 0;
  let i = dot + 1;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    digits++;
    i++;
  }
  if (digits !== 3) return false;
  const next = s.indexOf('.', i);
  return next < 0 || next >= end;
}

/** `isThreeDecimals` on the ASCII bytes of the amount. */
function isThreeDecimalBytes(bytes: Uint8Array, dot: number, end: number): boolean {
  let digits = 0;
  let i = dot + 1;
  while (i < end) {
    const c = bytes[i]!;
    if (c < 0x30 || c > 0x39) break;
    digits++;
    i++;
  }
  if (digits !== 3) return false;
  for (; i < end; i++) if (bytes[i] === 0x2e) return false;
  return true;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Lines read whole by the plain-line reader, all reads of this thread (tests and diagnostics). */
export const plainLineStats = { lines: 0 };

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0xa0;
}

/**
 * Whether the bytes from `at` start a time as parseDateDay's YYYY-MM-DD takes one after a date:
 * `T`, `t` or a space, then `HH:mm` (hours 00-23, minutes 00-59); what follows is not read.
 */
function isIsoTimeAt(bytes: Uint8Array, at: number): boolean {
  const sep = bytes[at]!;
  if (sep !== 0x54 && sep !== 0x20 && sep !== 0x74) return false;
  if (bytes[at + 3] !== 0x3a) return false;
  const h1 = bytes[at + 1]! - 0x30;
  const h2 = bytes[at + 2]! - 0x30;
  const m1 = bytes[at + 4]! - 0x30;
  const m2 = bytes[at + 5]! - 0x30;
  if (h1 < 0 || h1 > 9 || h2 < 0 || h2 > 9 || m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9) return false;
  return h1 * 10 + h2 <= 23 && m1 * 10 + m2 <= 59;
}

/**
 * Whether the field `bytes[from .. to)` is empty or `[-]digits[.digits]`: a quantity `onRecord`
 * would take (parseQuantity gives a number for it; blank and empty fields are no quantity).
 */
function isPlainQuantity(bytes: Uint8Array, from: number, to: number): boolean {
  if (from === to) return true;
  let i = from;
  if (bytes[i] === 0x2d) i++;
  const digitsFrom = i;
  while (i < to && isDigit(bytes[i]!)) i++;
  if (i === digitsFrom) return false;
  if (i === to) return true;
  if (bytes[i] !== 0x2e) return false;
  const fractionFrom = ++i;
  while (i < to && isDigit(bytes[i]!)) i++;
  return i === to && i > fractionFrom;
}

function parseQuantity(text: string, decimal: '.' | ','): number {
  const thousands = decimal === '.' ? /,(?=\d{3}(?:\D|$))/g : /\.(?=\d{3}(?:\D|$))/g;
  let plain = text.replace(thousands, '');
  if (decimal === ',') plain = plain.replace(',', '.');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(plain)) return Number.NaN;
  return Number(plain);
}
