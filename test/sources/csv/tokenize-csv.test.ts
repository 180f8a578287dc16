import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { createCsvTokenizer, fieldText } from '../../../src/sources/csv/tokenize-csv.ts';

interface Out {
  records: { line: number; fields: string[] }[];
  malformed: { line: number; code: string }[];
}

/** A tokenizer that collects what it reads into `out` as plain records. */
function collecting(delimiter: string, maxRecordChars: number) {
  const out: Out = { records: [], malformed: [] };
  const tokenizer = createCsvTokenizer({
    file: 't.csv',
    delimiter,
    maxRecordChars,
    onRecord(record) {
      const fields: string[] = [];
      for (let i = 0; i < record.count; i++) fields.push(fieldText(record, i));
      out.records.push({ line: record.line, fields });
    },
    onMalformed(line, code) {
      out.malformed.push({ line, code });
    },
  });
  return { out, tokenizer };
}

/** `text` in chunks, cut at the positions `cuts` (each taken modulo the text's length + 1). */
function cutAt(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const chunks: string[] = [];
  let from = 0;
  for (const p of [...points, text.length]) {
    chunks.push(text.slice(from, p));
    from = p;
  }
  return chunks;
}

/** Tokenizes `chunks` (fed one by one) into plain records. */
function tokenize(chunks: string[], delimiter = ',', maxRecordChars = 1 << 20): Out {
  const { out, tokenizer } = collecting(delimiter, maxRecordChars);
  chunks.forEach((chunk, i) => {
    tokenizer.push(chunk, i === chunks.length - 1);
  });
  return out;
}

/**
 * `tokenize` through `pushAscii`, fed as `read-csv-file.ts` feeds it: the held-back text joined
 * in front of the next chunk's bytes. Errors are caught into the result, to compare both paths.
 */
function tokenizeAscii(chunks: string[], delimiter = ',', maxRecordChars = 1 << 20): Out | string {
  const { out, tokenizer } = collecting(delimiter, maxRecordChars);
  try {
    chunks.forEach((chunk, i) => {
      const bytes = Buffer.from(tokenizer.takePending() + chunk, 'latin1');
      tokenizer.pushAscii(bytes, i === chunks.length - 1);
      // The caller reuses its buffer: records must not be read after the push.
      bytes.fill(0x7e);
    });
  } catch (error) {
    return (error as Error).message;
  }
  return out;
}

/** `tokenize`, with an error as its message (see `tokenizeAscii`). */
function tokenizeOrError(chunks: string[], delimiter = ',', maxRecordChars = 1 << 20): Out | string {
  try {
    return tokenize(chunks, delimiter, maxRecordChars);
  } catch (error) {
    return (error as Error).message;
  }
}

describe('createCsvTokenizer', () => {
  it('splits plain lines on the delimiter, with or without a final line break', () => {
    expect(tokenize(['a,b,c\n1,2,3']).records).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
    ]);
    expect(tokenize(['a;b\n', ''], ';').records).toEqual([{ line: 1, fields: ['a', 'b'] }]);
  });

  it('keeps empty fields and strips the CR of CRLF line endings', () => {
    expect(tokenize(['a,,c,\r\n,x,,\r\n']).records).toEqual([
      { line: 1, fields: ['a', '', 'c', ''] },
      { line: 2, fields: ['', 'x', '', ''] },
    ]);
  });

  it('reads quoted fields holding delimiters, doubled quotes and line breaks', () => {
    const text = 'id,note\n1,"a, b"\n2,"say ""hi"""\n3,"line one\nline two"\n4,""\n';
    expect(tokenize([text]).records).toEqual([
      { line: 1, fields: ['id', 'note'] },
      { line: 2, fields: ['1', 'a, b'] },
      { line: 3, fields: ['2', 'say "hi"'] },
      { line: 4, fields: ['3', 'line one\nline two'] },
      { line: 6, fields: ['4', ''] },
    ]);
  });

  it('numbers records by their first physical line, counting skipped blank lines', () => {
    const out = tokenize(['h\n\n"a\n\nb"\n\r\nc\n']);
    expect(out.records.map((r) => r.line)).toEqual([1, 3, 7]);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const text = 'id,note\r\n1,"a, b"\r\n2,"say ""hi"""\r\n\r\n3,"x\r\ny",z\r\n4,plain';
    const whole = tokenize([text]);
    for (let cut = 0; cut <= text.length; cut++) {
      expect(tokenize([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    }
    expect(tokenize([...text])).toEqual(whole);
  });

  it('reports a quote inside an unquoted value and resumes on the next line', () => {
    const out = tokenize(['a,b\nx,ab"c\ny,z\n']);
    expect(out.records.map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['y', 'z'],
    ]);
    expect(out.malformed).toEqual([{ line: 2, code: 'bad_quotes' }]);
  });

  it('reports text after a closing quote', () => {
    const out = tokenize(['a,b\n"x"y,1\n2,3\n']);
    expect(out.malformed).toEqual([{ line: 2, code: 'bad_quotes' }]);
    expect(out.records.at(-1)).toEqual({ line: 3, fields: ['2', '3'] });
  });

  it('reports a quote never closed and still reads the lines after it', () => {
    const out = tokenize(['a,b\n1,"oops\n2,ok\n3,ok\n']);
    expect(out.malformed).toEqual([{ line: 2, code: 'unclosed_quote' }]);
    expect(out.records.map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b']],
      [3, ['2', 'ok']],
      [4, ['3', 'ok']],
    ]);
  });

  it('gives up on a quote still open after maxRecordChars and resumes on the next line', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `${i},ok`).join('\n');
    const out = tokenize(['a,b\n1,"oops\n', `${lines}\n`, 'z,"closed"\n'], ',', 64);
    expect(out.malformed[0]).toEqual({ line: 2, code: 'unclosed_quote' });
    expect(out.records.some((r) => r.fields[0] === '49')).toBe(true);
  });

  it('stops with InputError on a physical line longer than maxRecordChars', () => {
    expect(() => tokenize(['a,b\n', 'x'.repeat(100), 'y'.repeat(100)], ',', 128)).toThrow(InputError);
    expect(() => tokenize(['a,b\n', 'x'.repeat(100), 'y'.repeat(100)], ',', 128)).toThrow(
      /line 2 runs past 128/,
    );
  });

  it('refuses a quote as delimiter', () => {
    expect(() => tokenize(['a'], '"')).toThrow(InputError);
  });
});

describe('createCsvTokenizer.pushAscii', () => {
  it('gives the records, lines, reports and errors of push, however the bytes are chunked', async () => {
    const fc = (await import('fast-check')).default;
    // Not only well-formed CSV: stray and unclosed quotes, lone CRs, blank lines, long lines.
    const unit = fc.constantFrom('a', '1', ' ', ',', ';', '"', '"', '\n', '\n', '\r', '\r\n');
    fc.assert(
      fc.property(
        fc.string({ unit, maxLength: 120 }),
        fc.constantFrom(',', ';'),
        fc.constantFrom(1 << 20, 16),
        fc.array(fc.nat(), { maxLength: 5 }),
        (text, delimiter, maxRecordChars, cuts) => {
          const chunks = cutAt(text, cuts);
          expect(tokenizeAscii(chunks, delimiter, maxRecordChars)).toEqual(
            tokenizeOrError(chunks, delimiter, maxRecordChars),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("decodes a record's text only when it is read, and reads the fields from the bytes", () => {
    const seen: { text: string | undefined; bytes: boolean }[] = [];
    const tokenizer = createCsvTokenizer({
      file: 't.csv',
      delimiter: ',',
      maxRecordChars: 1 << 20,
      onRecord(record) {
        seen.push({ text: record.line === 2 ? record.text : undefined, bytes: record.bytes !== undefined });
      },
      onMalformed() {},
    });
    tokenizer.pushAscii(Buffer.from('a,b\n1,2\n"3",4\n'), true);
    expect(seen).toEqual([
      { text: undefined, bytes: true },
      { text: 'a,b\n1,2\n"3",4\n', bytes: true },
      { text: undefined, bytes: true },
    ]);
  });
});

describe('createCsvTokenizer against csv-parse', () => {
  it('gives the records csv-parse gives for any well-formed CSV, however it is chunked', async () => {
    const fc = (await import('fast-check')).default;
    const { parse } = await import('csv-parse/sync');
    const unit = fc.constantFrom('a', 'Z', '1', ' ', ',', ';', '\t', '"', '\n', '\r', 'é', '€');
    const field = fc.string({ unit, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(',', ';', '\t'),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 4 }),
        (rows, delimiter, eol, quoteAll, cuts) => {
          const encode = (value: string): string =>
            quoteAll || value.includes(delimiter) || /["\r\n]/.test(value)
              ? `"${value.replaceAll('"', '""')}"`
              : value;
          // A record of one empty field would be an empty line: write it as "".
          const text = rows
            .map((r) => (r.length === 1 && r[0] === '' ? '""' : r.map(encode).join(delimiter)))
            .join(eol);
          const expected = parse(text, {
            delimiter,
            relax_column_count: true,
            skip_empty_lines: true,
          }) as string[][];
          const chunks = cutAt(text, cuts);
          const out = tokenize(chunks, delimiter);
          expect(out.malformed).toEqual([]);
          expect(out.records.map((r) => r.fields)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
