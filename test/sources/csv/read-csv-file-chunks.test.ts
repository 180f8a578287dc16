import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, type CsvEngine, readCsvFile } from '../../../src/sources/csv/read-csv-file.ts';
import { fieldText } from '../../../src/sources/csv/tokenize-csv.ts';

// A file of several chunks (CHUNK_BYTES), read into one reused buffer by the fast engine: records, quoted
// values with line breaks and multi-byte characters fall across the chunk ends.
let dir: string;
let path: string;
const expected: string[][] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'revgap-chunks-'));
  path = join(dir, 'rows.csv');
  const lines = ['id,name,note'];
  let bytes = Buffer.byteLength('id,name,note\n');
  let boundary = CHUNK_BYTES;
  for (let i = 0; bytes < 4.5 * CHUNK_BYTES; i++) {
    let name = i % 7 === 0 ? `Zoë ${'日本'.repeat(i % 5)} #${i}` : `Customer ${i}`;
    const note = i % 11 === 0 ? `two\nlines, "quoted" ${i}` : `n${'x'.repeat(i % 37)}`;
    const start = `${i},`;
    const quoted = `"${note.replaceAll('"', '""')}"`;
    if (bytes + 200 > boundary) {
      if (boundary === 2 * CHUNK_BYTES) {
        // A chunk that starts a record: its bytes are read as they are, not joined to the last.
        name = 'p'.repeat(boundary - bytes - start.length - 1 - Buffer.byteLength(quoted) - 1);
      } else {
        // A record across the chunk end, a character of several bytes across it (a different one
        // at each end, its first byte the chunk's last).
        name = `${'p'.repeat(boundary - 1 - bytes - start.length)}${boundary === CHUNK_BYTES ? '€' : '日'}本`;
      }
      boundary += CHUNK_BYTES;
    }
    expected.push([String(i), name, note]);
    const line = `${start}${name},${quoted}`;
    lines.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  await writeFile(path, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function records(engine: CsvEngine, range?: { start: number; end: number; last: boolean }) {
  const out: string[][] = [];
  await readCsvFile(
    { path, engine, expectedHeader: 'id,name,note', ...(range ? { range } : {}) },
    {
      onHeader() {},
      onRecord(record) {
        const fields: string[] = [];
        for (let i = 0; i < record.count; i++) fields.push(fieldText(record, i));
        out.push(fields);
      },
      onMalformed(line, _code, reason) {
        throw new Error(`line ${line}: ${reason}`);
      },
    },
  );
  return out;
}

describe('readCsvFile on a file of several chunks', () => {
  it('reads every record as written with the fast engine (one reused buffer) and with csv-parse', async () => {
    expect(expected.length).toBeGreaterThan(50_000);
    expect(await records('fast')).toEqual(expected);
    expect(await records('csv-parse')).toEqual(expected);
  });
});

describe('CHUNK_BYTES', () => {
  it("decodes, with a record carried over, to strings on V8's heap, not in malloc'd memory", () => {
    // Node copies a longer decoded buffer into an external string (counted in `external`), which
    // malloc keeps after it is freed: ~40 MB in each range worker with 1 MiB chunks.
    const chunk = Buffer.alloc(CHUNK_BYTES + 16 * 1024, 'a'.charCodeAt(0));
    const kept: string[] = [];
    const before = process.memoryUsage().external;
    for (let i = 0; i < 8; i++) kept.push(chunk.toString('latin1'));
    expect(kept.join('').length).toBe(8 * chunk.length);
    expect(process.memoryUsage().external - before).toBeLessThan(CHUNK_BYTES);
  });
});
