/**
 * The fast CSV tokenizer: text in (any chunking), records out, with the quoting rules of RFC 4180
 * and csv-parse's defaults:
 * - a field that starts with `"` is quoted: it may hold delimiters, line breaks and `""` (one quote);
 *   the closing quote must be followed by the delimiter or the end of the line;
 * - a `"` anywhere else (`ab"c`, `"ab"c`) makes the record malformed;
 * - LF and CRLF line endings; empty lines are skipped.
 *
 * Why not csv-parse for every row: csv-parse reads ~200k rows/s here, a 5.2M-row file needs >=2M/s.
 * This tokenizer never copies a plain field: a record is a set of [start, end) ranges into the text
 * (only quoted fields holding `""` get an unescaped copy), and the row parsers read the ranges.
 * `read-csv-file.ts` can run csv-parse instead (`engine: 'csv-parse'`); a property test checks
 * that both give the same records for any well-formed CSV.
 *
 * Malformed records are reported, not fatal, and reading resumes on the next physical line, so one
 * stray quote costs one row: a quote that is never closed (by the end of the file, or within
 * `maxRecordChars`) or a quoted value followed by text is reported on the line where its record starts,
 * and scanning restarts on the line after (a stray quote may have joined lines that are fine alone).
 * A single physical line longer than `maxRecordChars` is fatal (the file is not line-oriented text),
 * which also bounds the memory held for one record.
 */
import { InputError } from '../../errors.ts';

/** One record as field ranges into `text`; reused between calls: read it before returning. */
export interface CsvRecord {
  /** 1-based physical line where the record starts. */
  line: number;
  /** Number of fields. */
  count: number;
  text: string;
  starts: Int32Array;
  ends: Int32Array;
  /** Field value when it is not the plain range `text.slice(starts[i], ends[i])` (unescaped quotes). */
  values: (string | undefined)[];
  /**
   * The bytes `text` was decoded from, when they are all ASCII (then `bytes[i]` is
   * `text.charCodeAt(i)` for every i): the hot path reads a plain range from them, which is cheaper
   * than `charCodeAt`. Undefined otherwise.
   */
  bytes: Uint8Array | undefined;
}

/** The text of field `i` (allocates; the hot path reads ranges instead). */
export function fieldText(record: CsvRecord, i: number): string {
  return record.values[i] ?? record.text.slice(record.starts[i], record.ends[i]);
}

/**
 * A record whose `text` may be decoded only when read: a tokenizer given ASCII bytes
 * (`pushAscii`) leaves it undefined and sets `decode`, which returns the text of the bytes being
 * scanned (decoded once per push, and only if some reader asks: the sales reader reads the bytes).
 */
class LazyTextRecord implements CsvRecord {
  line = 0;
  count = 0;
  starts: Int32Array;
  ends: Int32Array;
  values: (string | undefined)[];
  bytes: Uint8Array | undefined = undefined;
  known: string | undefined = '';
  decode: (() => string) | undefined = undefined;
  constructor(capacity: number) {
    this.starts = new Int32Array(capacity);
    this.ends = new Int32Array(capacity);
    this.values = new Array<string | undefined>(capacity).fill(undefined);
  }
  get text(): string {
    let text = this.known;
    if (text === undefined) {
      text = (this.decode as () => string)();
      this.known = text;
    }
    return text;
  }
  set text(text: string) {
    this.known = text;
  }
}

/** A new empty record with room for `capacity` fields. */
export function createCsvRecord(capacity = 16): CsvRecord {
  return new LazyTextRecord(capacity);
}

/** Sets the fields of `record` from plain strings (the csv-parse engine's records). */
export function setRecordFields(record: CsvRecord, line: number, fields: readonly string[]): void {
  ensureCapacity(record, fields.length);
  record.line = line;
  record.count = fields.length;
  record.text = '';
  record.bytes = undefined;
  for (let i = 0; i < fields.length; i++) {
    record.starts[i] = 0;
    record.ends[i] = 0;
    record.values[i] = fields[i];
  }
}

function ensureCapacity(record: CsvRecord, needed: number): void {
  if (needed <= record.starts.length) return;
  let size = record.starts.length * 2;
  while (size < needed) size *= 2;
  const starts = new Int32Array(size);
  starts.set(record.starts);
  const ends = new Int32Array(size);
  ends.set(record.ends);
  record.starts = starts;
  record.ends = ends;
  while (record.values.length < size) record.values.push(undefined);
}

export interface CsvTokenizerOptions {
  /** File name for messages. */
  file: string;
  /** One character. */
  delimiter: string;
  /** Longest record (and longest physical line) in characters. */
  maxRecordChars: number;
  onRecord: (record: CsvRecord) => void;
  /** A record that cannot be tokenized: reported, then skipped. */
  onMalformed: (line: number, code: 'bad_quotes' | 'unclosed_quote', reason: string) => void;
  /** Offered each line of `pushAscii` bytes before it is tokenized (see `PlainLineReader`). */
  plainLine?: PlainLineReader | undefined;
}

/**
 * A reader that may take a line of ASCII bytes whole, without a record: given the bytes, the
 * offset where line `line` starts and the longest line it may take (`maxChars`, without its line
 * break), it returns the offset just after the line's LF when it read the line, or -1 to leave it
 * to the tokenizer, which then makes the line's record as if never asked (nothing was reported).
 * It is offered only lines of `pushAscii` whose start is in the bytes pushed (never a line joined
 * to text held back), so a line that does not end in them is left (-1) and comes back whole.
 */
export type PlainLineReader = (bytes: Uint8Array, pos: number, line: number, maxChars: number) => number;

export interface CsvTokenizer {
  /**
   * Feeds text; `final` marks the end of the input (flushes a last line without a line break).
   * `asciiBytes`: the bytes `text` was decoded from, when every one is ASCII (see `CsvRecord.bytes`).
   */
  push(text: string, final: boolean, asciiBytes?: Uint8Array): void;
  /**
   * `push` of the text `bytes` decode to as Latin-1, for bytes that are all ASCII: the same records,
   * lines and reports, but plain lines are split on the bytes themselves, and the text is decoded
   * only if something reads `record.text` (or a line needs the general scanner: quotes, a CR).
   * The records' `bytes` are these bytes. The caller may reuse them once this returns.
   */
  pushAscii(bytes: Uint8Array, final: boolean): void;
  /** Physical lines consumed so far. */
  readonly linesDone: number;
  /** Characters held back: the start of a record that the text so far does not complete. */
  readonly pendingChars: number;
  /**
   * The held-back text, removed: the caller puts it in front of the next text it pushes. (A caller
   * that decodes bytes can then decode both as one string: `push` would otherwise join them into a
   * rope, which every later character read walks through.)
   */
  takePending(): string;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** `scan` results that are not a position. */
const INCOMPLETE = -1;

export function createCsvTokenizer(options: CsvTokenizerOptions): CsvTokenizer {
  const { file, maxRecordChars, onRecord, onMalformed } = options;
  const delim = options.delimiter.charCodeAt(0);
  if (options.delimiter.length !== 1 || delim === QUOTE || delim === LF || delim === CR) {
    throw new InputError(`Delimiter ${JSON.stringify(options.delimiter)} is not a single usable character.`, {
      hint: 'Use --delimiter "," or ";" or "\\t".',
    });
  }
  const record = new LazyTextRecord(16);
  const delimiter = options.delimiter;
  let line = 1;
  let pending = '';
  /** The ASCII bytes of the text being scanned (see `CsvRecord.bytes`), or undefined. */
  let textBytes: Uint8Array | undefined;
  // Cached search results in the current text (reset by `push`); text.length when there is none.
  let nextNewline = -1;
  let nextQuote = -1;
  let nextDelimiter = -1;
  /** Unescaped copies written to `record.values` since `scanAscii` last cleared them. */
  let valuesSet = 0;
  /** `pushAscii`: the bytes being scanned and their text once decoded (see `asciiText`). */
  let asciiBytes: Uint8Array | undefined;
  let asciiDecoded: string | undefined;
  /** The text of `asciiBytes`, decoded at the first call of a push. */
  const asciiText = (): string => {
    if (asciiDecoded === undefined)
      asciiDecoded = latin1(asciiBytes as Uint8Array, 0, (asciiBytes as Uint8Array).length);
    return asciiDecoded;
  };

  /**
   * Reports the malformed record at `pos` and resumes on its second physical line: a stray quote
   * may have joined lines that are fine on their own, and those are read again.
   */
  function skipMalformed(text: string, pos: number, final: boolean, reason: string): number {
    let end = text.indexOf('\n', pos);
    if (end < 0) {
      if (!final) return INCOMPLETE;
      end = text.length - 1;
    }
    onMalformed(line, 'bad_quotes', reason);
    line++;
    return end + 1;
  }

  /** Scans one record at `pos`; returns the position after it, or INCOMPLETE when more text is needed. */
  function scan(text: string, pos: number, final: boolean): number {
    const len = text.length;
    let c = text.charCodeAt(pos);
    // Empty line (LF, CRLF): skipped, but counted.
    if (c === LF) {
      line++;
      return pos + 1;
    }
    if (c === CR) {
      if (pos + 1 >= len && !final) return INCOMPLETE;
      if (pos + 1 >= len || text.charCodeAt(pos + 1) === LF) {
        line++;
        return pos + 2;
      }
    }
    // Fast path: a complete line without a quote is split with indexOf (memchr speed). The next
    // newline, quote and delimiter positions are cached, so every character is searched once.
    if (nextNewline < pos) nextNewline = indexOrEnd(text, '\n', pos);
    if (nextNewline < len) {
      if (nextQuote < pos) nextQuote = indexOrEnd(text, '"', pos);
      if (nextQuote > nextNewline) return splitPlainLine(text, pos, nextNewline);
    }
    let count = 0;
    let extraLines = 0;
    let i = pos;
    for (;;) {
      if (count === record.starts.length) ensureCapacity(record, count + 1);
      if (i < len && text.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        let escaped = false;
        let q: number;
        for (;;) {
          q = text.indexOf('"', j);
          if (q < 0 || (q + 1 >= len && !final)) {
            if (!final) return INCOMPLETE;
            return unclosed(text, pos);
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            escaped = true;
            j = q + 2;
            continue;
          }
          break;
        }
        for (let k = text.indexOf('\n', i + 1); k >= 0 && k < q; k = text.indexOf('\n', k + 1)) extraLines++;
        record.starts[count] = i + 1;
        record.ends[count] = q;
        record.values[count] = escaped ? text.slice(i + 1, q).replaceAll('""', '"') : undefined;
        if (escaped) valuesSet++;
        count++;
        i = q + 1;
        if (i >= len) return emit(text, pos, count, extraLines, len);
        c = text.charCodeAt(i);
        if (c === delim) {
          i++;
          continue;
        }
        if (c === LF) return emit(text, pos, count, extraLines, i + 1);
        if (c === CR) {
          if (i + 1 >= len) return final ? emit(text, pos, count, extraLines, len) : INCOMPLETE;
          if (text.charCodeAt(i + 1) === LF) return emit(text, pos, count, extraLines, i + 2);
        }
        return skipMalformed(
          text,
          pos,
          final,
          `unexpected ${JSON.stringify(text[i])} after the closing quote of field ${count}; ` +
            'a quoted value must end at the delimiter (write "" for a quote inside a quoted value)',
        );
      }
      // Unquoted field: runs to the delimiter or the end of the line.
      const start = i;
      for (;;) {
        if (i >= len) {
          if (!final) return INCOMPLETE;
          record.starts[count] = start;
          record.ends[count] = i > start && text.charCodeAt(i - 1) === CR ? i - 1 : i;
          record.values[count] = undefined;
          return emit(text, pos, count + 1, extraLines, len);
        }
        c = text.charCodeAt(i);
        if (c === delim) break;
        if (c === LF) {
          record.starts[count] = start;
          record.ends[count] = i > start && text.charCodeAt(i - 1) === CR ? i - 1 : i;
          record.values[count] = undefined;
          return emit(text, pos, count + 1, extraLines, i + 1);
        }
        if (c === QUOTE) {
          return skipMalformed(
            text,
            pos,
            final,
            `a quote inside the unquoted value of field ${count + 1}; quote the whole value and double ` +
              'the inner quote ("ab""c")',
          );
        }
        i++;
      }
      record.starts[count] = start;
      record.ends[count] = i;
      record.values[count] = undefined;
      count++;
      i++;
    }
  }

  /** Splits the quote-free line [pos, newline) on the delimiter. */
  function splitPlainLine(text: string, pos: number, newline: number): number {
    let count = 0;
    let start = pos;
    for (;;) {
      if (nextDelimiter < start) nextDelimiter = indexOrEnd(text, delimiter, start);
      if (nextDelimiter >= newline) break;
      if (count === record.starts.length) ensureCapacity(record, count + 1);
      record.starts[count] = start;
      record.ends[count] = nextDelimiter;
      record.values[count] = undefined;
      count++;
      start = nextDelimiter + 1;
    }
    if (count === record.starts.length) ensureCapacity(record, count + 1);
    record.starts[count] = start;
    record.ends[count] = newline > start && text.charCodeAt(newline - 1) === CR ? newline - 1 : newline;
    record.values[count] = undefined;
    return emit(text, pos, count + 1, 0, newline + 1);
  }

  function emit(text: string, pos: number, count: number, extraLines: number, next: number): number {
    // The same limit whether or not the input has ended (a last line never scans as INCOMPLETE).
    if (extraLines === 0 && next - pos > maxRecordChars + 2) {
      throw lineTooLong(file, line, maxRecordChars, text.indexOf('\r', pos) >= 0);
    }
    record.line = line;
    record.count = count;
    record.known = text;
    record.bytes = textBytes;
    line += extraLines + 1;
    onRecord(record);
    return next;
  }

  /**
   * `scan` on the bytes of `pushAscii` (`asciiBytes`, all ASCII): a complete line without a quote
   * that does not start with a CR is split here, on the bytes; anything else goes to `scan` on
   * their text (decoded then), which gives the same record.
   */
  function scanAscii(bytes: Uint8Array, pos: number, final: boolean): number {
    const len = bytes.length;
    const first = bytes[pos] as number;
    if (first === LF) {
      line++;
      return pos + 1;
    }
    if (first !== CR) {
      // In locals: the loop below reads every byte.
      const d = delim;
      const top = Math.max(d, QUOTE);
      let { starts, ends } = record;
      let count = 0;
      let start = pos;
      let i = pos;
      for (; i < len; i++) {
        const c = bytes[i] as number;
        // Digits and letters are above ',' (and '"', LF): one comparison for most bytes.
        if (c > top) continue;
        if (c === d) {
          if (count === starts.length) {
            ensureCapacity(record, count + 1);
            starts = record.starts;
            ends = record.ends;
          }
          starts[count] = start;
          ends[count] = i;
          count++;
          start = i + 1;
        } else if (c === 0x0a || c === 0x22) {
          break;
        }
      }
      if (i < len && bytes[i] === LF) {
        if (count === starts.length) {
          ensureCapacity(record, count + 1);
          starts = record.starts;
          ends = record.ends;
        }
        starts[count] = start;
        ends[count] = i > start && bytes[i - 1] === CR ? i - 1 : i;
        if (i + 1 - pos > maxRecordChars + 2) {
          throw lineTooLong(file, line, maxRecordChars, asciiText().indexOf('\r', pos) >= 0);
        }
        // Plain fields: no unescaped copies (values[f] set by the general scanner are cleared).
        const values = record.values;
        if (valuesSet > 0) {
          values.fill(undefined);
          valuesSet = 0;
        }
        record.line = line;
        record.count = count + 1;
        record.known = asciiDecoded;
        record.decode = asciiText;
        record.bytes = bytes;
        line++;
        onRecord(record);
        return i + 1;
      }
      // The line has no end in these bytes, or a quote: the general scanner decides.
      if (i >= len && !final) return INCOMPLETE;
    }
    return scan(asciiText(), pos, final);
  }

  /** A quote never closed: report the record, resume on its second physical line. */
  function unclosed(text: string, pos: number): number {
    onMalformed(
      line,
      'unclosed_quote',
      'a quoted value opened on this line is never closed; check for a stray " (write "" for a quote inside a quoted value)',
    );
    const end = text.indexOf('\n', pos);
    line++;
    return end < 0 ? text.length : end + 1;
  }

  /**
   * The open record at `pos` of `text` is longer than maxRecordChars: one physical line that long is
   * not line-oriented text (thrown); else a quote opened and not closed within the limit, reported,
   * and the read resumes on the next line (returned). For `push` and `pushAscii`.
   */
  function skipOversizedRecord(text: string, pos: number): number {
    const newline = text.indexOf('\n', pos);
    if (newline < 0 || newline - pos > maxRecordChars) {
      throw lineTooLong(file, line, maxRecordChars, text.indexOf('\r', pos) >= 0);
    }
    onMalformed(
      line,
      'unclosed_quote',
      `a quoted value opened on this line runs past ${maxRecordChars} characters without closing; ` +
        'check for a stray "',
    );
    line++;
    return newline + 1;
  }
  return {
    get linesDone() {
      return line - 1;
    },
    get pendingChars() {
      return pending.length;
    },
    takePending() {
      const taken = pending;
      pending = '';
      return taken;
    },
    push(chunk: string, final: boolean, asciiBytes?: Uint8Array): void {
      const text = pending.length > 0 ? pending + chunk : chunk;
      // Offsets into `text` are offsets into the bytes only when no held-back text comes first.
      textBytes = pending.length > 0 || asciiBytes?.length !== chunk.length ? undefined : asciiBytes;
      let pos = 0;
      nextNewline = -1;
      nextQuote = -1;
      nextDelimiter = -1;
      for (;;) {
        while (pos < text.length) {
          const next = scan(text, pos, final);
          if (next === INCOMPLETE) break;
          pos = next;
        }
        if (pos >= text.length || text.length - pos <= maxRecordChars) break;
        pos = skipOversizedRecord(text, pos);
      }
      // The leftover (usually part of one line) is joined to the next chunk, which frees this text.
      pending = pos >= text.length ? '' : text.slice(pos);
      // The caller may reuse the bytes once this returns.
      textBytes = undefined;
    },
    pushAscii(bytes: Uint8Array, final: boolean): void {
      if (pending.length > 0) {
        // Held-back text comes first: offsets into the joined text are not offsets into the bytes.
        this.push(latin1(bytes, 0, bytes.length), final, bytes);
        return;
      }
      asciiBytes = bytes;
      asciiDecoded = undefined;
      textBytes = bytes;
      const len = bytes.length;
      let pos = 0;
      nextNewline = -1;
      nextQuote = -1;
      nextDelimiter = -1;
      const plain = options.plainLine;
      try {
        for (;;) {
          while (pos < len) {
            if (plain !== undefined) {
              const taken = plain(bytes, pos, line, maxRecordChars);
              if (taken >= 0) {
                line++;
                pos = taken;
                continue;
              }
            }
            const next = scanAscii(bytes, pos, final);
            if (next === INCOMPLETE) break;
            pos = next;
          }
          if (pos >= len || len - pos <= maxRecordChars) break;
          pos = skipOversizedRecord(asciiText(), pos);
        }
        pending = pos >= len ? '' : latin1(bytes, pos, len);
      } finally {
        // The caller may reuse the bytes once this returns.
        textBytes = undefined;
        asciiBytes = undefined;
        asciiDecoded = undefined;
        record.decode = undefined;
      }
    },
  };
}

/** The text of ASCII (or Latin-1) bytes `from` .. `to`, as a flat string of its own. */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.prototype.latin1Slice.call(bytes, from, to) as string;
}

/** `text.indexOf(search, from)`, or `text.length` when absent. */
function indexOrEnd(text: string, search: string, from: number): number {
  const at = text.indexOf(search, from);
  return at < 0 ? text.length : at;
}

/** The fatal error for a line with no line break within `limit` (a binary or line-less file). */
export function lineTooLong(
  file: string,
  line: number,
  limit: number,
  hasCarriageReturn: boolean,
): InputError {
  const cr = hasCarriageReturn
    ? ' The file seems to end lines with a lone CR (old Mac style): convert it to LF or CRLF line endings.'
    : '';
  return new InputError(
    `${file}: line ${line} runs past ${limit} bytes without a line break, so this is not a line-oriented ` +
      `CSV file (or it is one huge record).${cr} Expected a header line and one sale per line.`,
    { hint: 'Check that the file is a CSV export (not a JSON, Excel or binary file).' },
  );
}
