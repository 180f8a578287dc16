/**
 * Streams a CSV file into records, shared by the sales and customers readers. Fatal problems
 * (missing, empty, binary, not UTF-8, a line with no end) throw `InputError`; memory stays bounded
 * by the chunk size plus `maxRecordBytes`, whatever the file size.
 */
import { isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { InputError } from '../../errors.ts';
import {
  checkTextStart,
  detectDelimiter,
  normalizeDelimiter,
  SALES_HEADER,
  TEXT_CHECK_BYTES,
} from './detect-format.ts';
import {
  type CsvRecord,
  createCsvRecord,
  createCsvTokenizer,
  fieldText,
  lineTooLong,
  type PlainLineReader,
  setRecordFields,
} from './tokenize-csv.ts';

/** Bytes (or text) to read instead of a file: a stream, an async generator, an array of chunks. */
export type CsvInput = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Which tokenizer reads the records: the built-in fast one (default) or csv-parse. */
export type CsvEngine = 'fast' | 'csv-parse';

export interface CsvFileOptions {
  /** File to read; also the name used in messages when `input` is given. */
  path: string;
  /** Read these bytes instead of opening `path` (stdin, tests). */
  input?: CsvInput | undefined;
  /** Size of `input` for progress reports (0 when unknown). */
  totalBytes?: number | undefined;
  /** `,` `;` tab `|` (also "tab", "\t", "semicolon"...); default: detected from the header line. */
  delimiter?: string | undefined;
  engine?: CsvEngine | undefined;
  /** Longest record / physical line accepted, in bytes (default 1 MiB). */
  maxRecordBytes?: number | undefined;
  /** The header line messages expect (default the sales file's `customer_id,date,amount`). */
  expectedHeader?: string | undefined;
  /** Called about every 5% of the file (every 1 to 8 MiB) and once at the end. */
  onProgress?: ((bytesRead: number, totalBytes: number) => void) | undefined;
  /** Read only these bytes of the file (see `CsvRange`). */
  range?: CsvRange | undefined;
  /** Stops the read between chunks (rejecting with the signal's reason) once aborted. */
  signal?: AbortSignal | undefined;
}

/**
 * A byte range of a file, read on its own (one of several threads reading one file): `start` is 0
 * or just after a line break, `end` just after a line break or the file's size. A range that does
 * not start the file is given the file's header. Its line numbers count from 1 at `start`.
 *
 * A line break is a record boundary unless it is inside a quoted value: the reader of the range
 * before says which (`CsvFileSummary.endsInsideRecord`), since it read the text up to it.
 */
export interface CsvRange {
  start: number;
  end: number;
  /** True for the range that ends the file. */
  last: boolean;
  /** The file's header names and delimiter, for a range that does not start the file. */
  header?: { names: string[]; delimiter: string } | undefined;
  /** Called after `onHeader` accepted the header (the range that starts the file). */
  onHeaderAccepted?: ((names: string[], delimiter: string) => void) | undefined;
}

export interface CsvFileHandlers {
  /** The first non-empty record. */
  onHeader: (headers: string[], delimiter: string) => void;
  /** Each later record (lines of only spaces are skipped like empty ones); reused: read it before returning. */
  onRecord: (record: CsvRecord) => void;
  onMalformed: (line: number, code: 'bad_quotes' | 'unclosed_quote', reason: string) => void;
  /**
   * Offered each line after the header, on the fast engine, before its record is made: a reader
   * that takes the common plain line whole (`PlainLineReader`); what it leaves comes to `onRecord`.
   */
  plainLine?: PlainLineReader | undefined;
}

export interface CsvFileSummary {
  bytesRead: number;
  /** Physical lines in the file (including the header and blank lines). */
  lines: number;
  /** False when the file had no non-empty line at all. */
  sawHeader: boolean;
  /**
   * A range that does not end the file ended inside a record (a quoted value holding a line break,
   * or a quote never closed): the next range did not start at a record boundary.
   */
  endsInsideRecord: boolean;
}

export const DEFAULT_MAX_RECORD_BYTES = 1 << 20;
/**
 * Bytes read (and decoded) at a time. Under Node's external-string threshold (~1,007 KiB, with room
 * for a record carried over from the last chunk): Node decodes a longer buffer into a string whose
 * characters it copies into malloc'd memory, freed only when a collection finds the string. Range
 * workers piled up ~40 MB of such 1 MiB chunks each, kept for good by malloc in their thread's arena
 * (the quiet-machine path of the 100,000-customer benchmark peaked at 413-439 MB with 1 MiB chunks,
 * 301-317 MB with these; docs/ARCHITECTURE.md, memory). Shorter, the string lives on V8's heap, whose
 * young generation collects it within a few chunks and returns its pages.
 */
export const CHUNK_BYTES = 512 << 10;
const PROGRESS_EVERY_BYTES = 8 << 20;
const HEAD_BYTES = 64 * 1024;

async function openInput(options: CsvFileOptions): Promise<{ chunks: CsvInput; total: number }> {
  if (options.input !== undefined) return { chunks: options.input, total: options.totalBytes ?? 0 };
  const file = options.path;
  const header = options.expectedHeader ?? SALES_HEADER;
  // "-" is standard input (`--sales -`); its size is unknown until read.
  // /dev/stdin is read the same way: opening it fails when standard input is a socket.
  if (file === '-' || file === '/dev/stdin' || file === '/dev/fd/0')
    return { chunks: process.stdin, total: 0 };
  let size: number;
  try {
    const info = await stat(file);
    // A pipe or device (/dev/stdin, a FIFO) reports size 0 but is not empty: stream it.
    if (!info.isFile() && !info.isDirectory()) {
      return { chunks: createReadStream(file, { highWaterMark: CHUNK_BYTES }), total: 0 };
    }
    if (info.isDirectory()) {
      throw new InputError(`${file} is a directory, not a CSV file.`, {
        hint: 'Pass the path of the CSV file itself.',
      });
    }
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new InputError(`File not found: ${file}. Expected a CSV file with a header line (${header}).`, {
        cause: error,
        hint: 'Check the path (relative paths are resolved from the current directory).',
      });
    }
    throw new InputError(`Cannot read ${file}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that the file exists and is readable.',
    });
  }
  if (size === 0) throw emptyFile(file, header);
  const range = options.range;
  // The fast engine copies what it keeps of a chunk, so a regular file is read into one buffer;
  // csv-parse may keep a view of a chunk's end, so it gets a stream's fresh buffer per read.
  const reuse = options.engine !== 'csv-parse';
  if (range !== undefined) {
    return {
      chunks: reuse
        ? readIntoOneBuffer(file, range.start, range.end)
        : createReadStream(file, { highWaterMark: CHUNK_BYTES, start: range.start, end: range.end - 1 }),
      total: range.end - range.start,
    };
  }
  return {
    chunks: reuse
      ? readIntoOneBuffer(file, 0, Number.POSITIVE_INFINITY)
      : createReadStream(file, { highWaterMark: CHUNK_BYTES }),
    total: size,
  };
}

/**
 * The bytes of a regular file from `start` up to `end` (or its end), in chunks read into one
 * buffer: a chunk is valid until the next is asked for. A read stream hands out a fresh 1 MiB
 * buffer per read instead, freed only by a later collection: malloc's heap grew by tens of MB
 * for them and kept that memory, for good in a range worker's arena (~60 MB after two ranges of
 * the benchmark file; docs/ARCHITECTURE.md, memory).
 */
async function* readIntoOneBuffer(file: string, start: number, end: number): AsyncGenerator<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafeSlow(CHUNK_BYTES);
    for (let at = start; at < end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, end - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function emptyFile(file: string, header: string): InputError {
  const rows = header === SALES_HEADER ? 'one sale per line' : 'one row per line';
  return new InputError(
    `${file} is empty. Expected a CSV file with a header line (e.g. ${header}) and ${rows}.`,
    { hint: 'Check the export: it wrote no data.' },
  );
}

/** Reads the CSV at `options.path` (or `options.input`), calling the handlers in file order. */
export async function readCsvFile(
  options: CsvFileOptions,
  fileHandlers: CsvFileHandlers,
): Promise<CsvFileSummary> {
  let handlers = fileHandlers;
  const file = options.path;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const { chunks, total } = await openInput(options);
  const progress = options.onProgress;
  // About every 5% (the CLI prints a line per 10% in logs), between one chunk and 8 MiB.
  const progressStep =
    total > 0
      ? Math.min(PROGRESS_EVERY_BYTES, Math.max(CHUNK_BYTES, Math.floor(total / 20)))
      : PROGRESS_EVERY_BYTES;
  let nextProgress = progressStep;
  let bytesRead = 0;
  let sinceNewline = 0;
  let engine: ((chunk: Buffer, final: boolean) => void | Promise<void>) | undefined;
  let finish: () => CsvFileSummary = () => ({
    bytesRead,
    lines: 0,
    sawHeader: false,
    endsInsideRecord: false,
  });
  const range = options.range;
  if (range?.header === undefined && range?.onHeaderAccepted !== undefined) {
    const { onHeaderAccepted } = range;
    const onHeader = handlers.onHeader;
    handlers = {
      ...handlers,
      onHeader(names, delimiter) {
        onHeader(names, delimiter);
        onHeaderAccepted(names, delimiter);
      },
    };
  }

  const start = (firstText: string): void => {
    // The header is the first line that is not blank, unless that is Excel's "sep=;" hint line.
    const lines = /^(?:[ \t]*\r?\n)*([^\r\n]*)(?:\r?\n([^\r\n]*))?/.exec(firstText);
    const excelHint = /^sep=(.)$/i.exec(lines?.[1] ?? '')?.[1];
    const headerLine = (excelHint === undefined ? lines?.[1] : lines?.[2]) ?? '';
    const delimiter =
      options.delimiter !== undefined
        ? normalizeDelimiter(options.delimiter)
        : (excelHint ?? detectDelimiter(headerLine));
    useEngine(delimiter, false);
  };
  const useEngine = (delimiter: string, headerRead: boolean): void => {
    const made =
      options.engine === 'csv-parse'
        ? createCsvParseEngine(file, delimiter, maxRecordBytes, handlers)
        : createFastEngine(file, delimiter, maxRecordBytes, handlers, headerRead);
    engine = made.push;
    finish = () => ({ bytesRead, ...made.done() });
  };

  // The first bytes are held back until they include the header line (or 64 KiB): the binary
  // check and the delimiter detection need them whatever the chunking of the input.
  let head: Buffer | undefined = Buffer.alloc(0);
  if (range?.header !== undefined) {
    // A later range: the first range checked the file's start and read the header.
    if (options.engine === 'csv-parse') throw new Error('readCsvFile: ranges need the fast engine');
    handlers.onHeader(range.header.names, range.header.delimiter);
    useEngine(range.header.delimiter, true);
    head = undefined;
  }
  const begin = (bytes: Buffer): Buffer => {
    checkTextStart(file, bytes.subarray(0, TEXT_CHECK_BYTES), options.expectedHeader);
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const crOnly = body.indexOf(0x0d);
    if (crOnly >= 0 && crOnly < body.length - 1 && !body.includes(0x0a)) {
      throw new InputError(
        `${file} ends its lines with a lone CR (old Mac style), so it reads as one line. ` +
          'Expected LF or CRLF line endings.',
        { hint: 'Convert the line endings, e.g. with: tr "\\r" "\\n" < in.csv > out.csv' },
      );
    }
    start(body.toString('utf8', 0, Math.min(body.length, HEAD_BYTES)));
    return body;
  };

  for await (const piece of chunks) {
    options.signal?.throwIfAborted();
    let chunk =
      typeof piece === 'string'
        ? Buffer.from(piece)
        : Buffer.from(piece.buffer, piece.byteOffset, piece.length);
    if (chunk.length === 0) continue;
    bytesRead += chunk.length;
    const newline = chunk.lastIndexOf(0x0a);
    sinceNewline = newline < 0 ? sinceNewline + chunk.length : chunk.length - newline - 1;
    if (head !== undefined) {
      // A copy: the chunk's buffer may be read into again (readIntoOneBuffer).
      head = head.length === 0 ? Buffer.from(chunk) : Buffer.concat([head, chunk]);
      if (!headReady(head)) continue;
      chunk = begin(head); // binary and encoding checks first: their message is the more useful
      head = undefined;
    }
    // Bounded memory: a line with no end is refused before it can fill the memory.
    if (sinceNewline > maxRecordBytes) {
      throw lineTooLong(file, lineNumberHint(finish), maxRecordBytes, chunk.includes(0x0d));
    }
    await engine?.(chunk, false);
    if (progress !== undefined && bytesRead >= nextProgress) {
      progress(bytesRead, total);
      while (nextProgress <= bytesRead) nextProgress += progressStep;
    }
  }
  if (head !== undefined && head.length > 0) {
    const body = begin(head);
    await engine?.(body, false);
  }
  if (engine === undefined) throw emptyFile(file, options.expectedHeader ?? SALES_HEADER);
  // A range before the last stops at its end (a line break): what is left open there is a record
  // that goes on in the next range (endsInsideRecord).
  if (range === undefined || range.last) await engine(Buffer.alloc(0), true);
  progress?.(bytesRead, total);
  const summary = finish();
  if (!summary.sawHeader) throw emptyFile(file, options.expectedHeader ?? SALES_HEADER);
  return summary;
}

/** True once `head` holds 1 KiB and a complete non-blank line, or 64 KiB. */
function headReady(head: Buffer): boolean {
  if (head.length >= HEAD_BYTES) return true;
  if (head.length < TEXT_CHECK_BYTES) return false;
  for (let i = head.indexOf(0x0a); i >= 0; i = head.indexOf(0x0a, i + 1)) {
    if (/\S/.test(head.toString('latin1', 0, i))) return true;
  }
  return false;
}

/**
 * Lines before the header that are not the header: whitespace-only lines, and the "sep=;" line
 * Excel writes to name the delimiter (split by that delimiter it reads as ["sep=", ""]).
 */
function isBlankHeader(headers: readonly string[]): boolean {
  const first = headers[0] ?? '';
  if (headers.length === 1) return first.trim() === '' || /^sep=.$/i.test(first);
  return headers.length === 2 && /^sep=$/i.test(first) && headers[1] === '';
}

function countNewlines(text: string, end: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function notUtf8(file: string, line: number): InputError {
  return new InputError(
    `${file} is not valid UTF-8: line ${line} holds a byte sequence that is not UTF-8 (Latin-1 or Windows-1252 text, ` +
      'e.g. an "ü" saved by an older Excel), or a U+FFFD replacement character left by an earlier conversion. ' +
      'Names and ids read from it would be garbled, and different ones could merge.',
    { hint: 'Save it again as "CSV UTF-8", or convert it with iconv -f WINDOWS-1252 -t UTF-8.' },
  );
}

function lineNumberHint(finish: () => CsvFileSummary): number {
  return finish().lines + 1;
}

interface Engine {
  push: (chunk: Buffer, final: boolean) => void | Promise<void>;
  done: () => { lines: number; sawHeader: boolean; endsInsideRecord: boolean };
}

/**
 * ASCII lines between lines with characters past ASCII are read as bytes when they run for at
 * least this many bytes (~30 sales rows); shorter runs are decoded with the lines around them.
 */
const ASCII_STRETCH_MIN = 1024;

/** The offset after the line break that ends the line holding `at`, or `bytes.length`. */
function lineEndAfter(bytes: Uint8Array, at: number): number {
  const newline = bytes.indexOf(0x0a, at);
  return newline < 0 ? bytes.length : newline + 1;
}

/** The offset of the first byte from `from` past ASCII, or `bytes.length`. */
function firstNonAscii(bytes: Uint8Array, from: number): number {
  const n = bytes.length;
  let i = from;
  while (i < n && (bytes[i] as number) < 0x80) i++;
  return i;
}

/**
 * Where the last whole UTF-8 character of `bytes` ends: before a lead byte whose sequence the
 * bytes do not complete (at most 3 bytes are held back). Invalid bytes count as whole: decoding
 * turns them into U+FFFD, which the reader reports.
 */
export function wholeCharactersEnd(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back] as number;
    if (b < 0x80) return n; // ASCII: whole
    if (b >= 0xc0) {
      // A lead byte: its sequence needs 2, 3 or 4 bytes.
      const needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return needed > back ? n - back : n;
    }
    // A continuation byte: look further back.
  }
  return n;
}

function createFastEngine(
  file: string,
  delimiter: string,
  maxRecordBytes: number,
  handlers: CsvFileHandlers,
  headerRead: boolean,
): Engine {
  /** The bytes of a character split by the end of the last chunk. */
  let carry: Uint8Array | undefined;
  let joined = Buffer.alloc(0);
  let sawHeader = headerRead;
  const tokenizer = createCsvTokenizer({
    file,
    delimiter,
    maxRecordChars: maxRecordBytes,
    onRecord(record) {
      if (record.count === 1 && fieldText(record, 0).trim() === '') return; // a line of spaces: blank
      if (sawHeader) {
        handlers.onRecord(record);
        return;
      }
      const headers: string[] = [];
      for (let i = 0; i < record.count; i++) headers.push(fieldText(record, i));
      if (isBlankHeader(headers)) return;
      sawHeader = true;
      handlers.onHeader(headers, delimiter);
    },
    onMalformed: handlers.onMalformed,
    plainLine: handlers.plainLine,
  });
  return {
    push(chunk, final) {
      // One flat string per chunk: the record left open by the last chunk and a character split by
      // its end are decoded with this one (a string joined with + is a rope, slower to read).
      const pending = tokenizer.takePending();
      let bytes = chunk;
      if (pending.length > 0 || carry !== undefined) {
        // Joined in a buffer kept from chunk to chunk (no 1 MiB garbage per chunk).
        const size = Buffer.byteLength(pending, 'utf8') + (carry?.length ?? 0) + chunk.length;
        if (joined.length < size) joined = Buffer.allocUnsafe(Math.max(size, joined.length * 2));
        let at = joined.write(pending, 0, 'utf8');
        if (carry !== undefined) {
          joined.set(carry, at);
          at += carry.length;
        }
        joined.set(chunk, at);
        bytes = joined.subarray(0, size);
      }
      carry = undefined;
      if (!final) {
        const end = wholeCharactersEnd(bytes);
        if (end < bytes.length) {
          carry = Buffer.from(bytes.subarray(end));
          bytes = bytes.subarray(0, end);
        }
      }
      // Most exports are ASCII: such a chunk is tokenized on its bytes, which the row parsers read in
      // place of the text; its text (Latin-1, a copy) is decoded only for a reader that asks.
      if (isAscii(bytes)) {
        tokenizer.pushAscii(bytes, final);
        return;
      }
      // Some characters past ASCII (an accented product or customer name): the lines holding one
      // are decoded, the long runs of ASCII lines between them still read as bytes (a file with a
      // "Crème brûlée" on one line in 50 otherwise read ~1.6x slower: 100,000 customers).
      // A line is one path or the other whole, so two equal lines always take the same one (the
      // duplicate count compares the bytes of one and the text of the other only when ASCII).
      let from = 0;
      const n = bytes.length;
      while (from < n) {
        const other = firstNonAscii(bytes, from);
        if (other === n) {
          tokenizer.pushAscii(bytes.subarray(from), final);
          return;
        }
        const lineStart = Math.max(from, bytes.lastIndexOf(0x0a, other) + 1);
        if (lineStart > from) tokenizer.pushAscii(bytes.subarray(from, lineStart), false);
        // The decoded stretch runs on over lines past ASCII closer than ASCII_STRETCH_MIN bytes: many
        // short stretches cost more than decoding them together.
        let lineEnd = lineEndAfter(bytes, other);
        for (;;) {
          const next = firstNonAscii(bytes, lineEnd);
          if (next === n || next - lineEnd >= ASCII_STRETCH_MIN) break;
          lineEnd = lineEndAfter(bytes, next);
        }
        const text = bytes.toString('utf8', lineStart, lineEnd);
        // Invalid UTF-8 after the first KiB (checked up front) decodes to U+FFFD: "Müller" and
        // "Möller" in Windows-1252 would both become "M\uFFFDller" and merge into one customer.
        const bad = text.indexOf('\uFFFD');
        if (bad >= 0) throw notUtf8(file, tokenizer.linesDone + 1 + countNewlines(text, bad));
        tokenizer.push(text, final && lineEnd === n);
        from = lineEnd;
      }
    },
    done: () => ({ lines: tokenizer.linesDone, sawHeader, endsInsideRecord: tokenizer.pendingChars > 0 }),
  };
}

/**
 * The csv-parse engine: slower (~200k rows/s), kept as the reference implementation of CSV and as a
 * fallback should the fast tokenizer ever misread a file.
 */
function createCsvParseEngine(
  file: string,
  delimiter: string,
  maxRecordBytes: number,
  handlers: CsvFileHandlers,
): Engine {
  const record = createCsvRecord();
  let sawHeader = false;
  let lines = 0;
  let failure: unknown;
  // Loaded here, not with the module: only the reference engine uses it, and every read (its worker
  // threads too) paid its loading (~10 ms) at start-up.
  const { Parser } = createRequire(import.meta.url)('csv-parse') as typeof import('csv-parse');
  const parser = new Parser({
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    raw: true,
    max_record_size: maxRecordBytes,
  });
  parser.on('skip', (error: Error & { code?: string; lines?: number }) => {
    try {
      if (error.code === 'CSV_MAX_RECORD_SIZE')
        throw lineTooLong(file, error.lines ?? lines + 1, maxRecordBytes, false);
      const code = error.code === 'CSV_QUOTE_NOT_CLOSED' ? 'unclosed_quote' : 'bad_quotes';
      handlers.onMalformed(error.lines ?? lines + 1, code, error.message);
    } catch (thrown) {
      failure ??= thrown;
    }
  });
  parser.on('data', (data: { record: string[]; info: { lines: number }; raw: string }) => {
    if (failure !== undefined) return;
    try {
      // info.lines is the line where the record ends; count back the line breaks inside it.
      // raw also holds the empty lines skipped before the record.
      const body = data.raw.replace(/^(?:\r?\n)+/, '').replace(/\r?\n$/, '');
      let breaks = 0;
      for (let k = body.indexOf('\n'); k >= 0; k = body.indexOf('\n', k + 1)) breaks++;
      lines = data.info.lines;
      if (data.record.length === 1 && (data.record[0] ?? '').trim() === '') return; // a line of spaces
      if (!sawHeader) {
        if (isBlankHeader(data.record)) return;
        sawHeader = true;
        handlers.onHeader(data.record, delimiter);
        return;
      }
      setRecordFields(record, data.info.lines - breaks, data.record);
      handlers.onRecord(record);
    } catch (thrown) {
      failure ??= thrown;
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
  });
  ended.catch(() => {});
  return {
    async push(chunk, final) {
      if (failure !== undefined) throw failure;
      if (final) {
        parser.end();
        await ended;
      } else if (!parser.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          parser.once('drain', resolve);
          ended.then(resolve, reject);
        });
      }
      if (failure !== undefined) {
        parser.destroy();
        throw failure;
      }
    },
    done: () => ({ lines, sawHeader, endsInsideRecord: false }),
  };
}
