import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDuplicateCounter,
  createDuplicateSet,
  Fingerprint,
} from '../../../src/sources/csv/duplicate-set.ts';

function fingerprintOf(fields: string[]): Fingerprint {
  const fingerprint = new Fingerprint();
  for (const field of fields) fingerprint.addField(field, 0, field.length);
  return fingerprint;
}

describe('duplicate detection', () => {
  it('counts the same duplicates with the counter, the set and an exact Set of keys', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', 'é', '1'), maxLength: 3 });
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 3 }), { maxLength: 300 }), (rows) => {
        const exact = new Set<string>();
        let expected = 0;
        const set = createDuplicateSet(4);
        const counter = createDuplicateCounter();
        let fromSet = 0;
        for (const row of rows) {
          const key = JSON.stringify(row);
          if (exact.has(key)) expected++;
          exact.add(key);
          if (set.addIfAbsent(fingerprintOf(row))) fromSet++;
          counter.add(fingerprintOf(row));
        }
        expect(fromSet).toBe(expected);
        expect(counter.count()).toBe(expected);
      }),
    );
  });

  it('fingerprints a field read from its ASCII bytes as the same field read from its text', () => {
    const ascii = fc.string({
      unit: fc.integer({ min: 0, max: 127 }).map((c) => String.fromCharCode(c)),
      maxLength: 9,
    });
    fc.assert(
      fc.property(fc.array(ascii, { minLength: 1, maxLength: 4 }), fc.nat(5), (fields, shift) => {
        const fromText = new Fingerprint();
        const fromBytes = new Fingerprint();
        // The fields side by side in one line, at an offset, as the tokenizer hands them.
        const line = `${'x'.repeat(shift)}${fields.join('')}`;
        const bytes = Buffer.from(line, 'latin1');
        let at = shift;
        for (const field of fields) {
          fromText.addField(line, at, at + field.length);
          fromBytes.addBytes(bytes, at, at + field.length);
          at += field.length;
        }
        expect([fromBytes.h1, fromBytes.h2]).toEqual([fromText.h1, fromText.h2]);
      }),
    );
  });

  it('keeps field boundaries apart ("ab" + "c" is not "a" + "bc")', () => {
    const set = createDuplicateSet();
    expect(set.addIfAbsent(fingerprintOf(['ab', 'c']))).toBe(false);
    expect(set.addIfAbsent(fingerprintOf(['a', 'bc']))).toBe(false);
    expect(set.addIfAbsent(fingerprintOf(['abc']))).toBe(false);
    expect(set.addIfAbsent(fingerprintOf(['ab', 'c']))).toBe(true);
  });

  it('counts the same across the buffers its blocks are carved from, shared or not', () => {
    // A first buffer of one block (4,096 pairs), then 32 MiB ones (1,024 blocks); 256 partitions
    // of 9,000 rows' fingerprints fill a block each.
    for (const shared of [false, true]) {
      const counter = createDuplicateCounter({ shared, firstBytes: 4096 * 8 });
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 3_000; i++) counter.add(fingerprintOf([`C${i}`, String(round % 2)]));
      }
      // Rounds 0 and 2 are the same rows.
      expect(counter.count()).toBe(3_000);
      const blocks = counter.fingerprints().blocks.flat();
      expect(blocks).toHaveLength(256);
      const buffers = new Set(blocks.map((block) => block.buffer));
      expect([...buffers].map((buffer) => buffer.byteLength).sort((a, b) => a - b)).toEqual([
        4096 * 8,
        32 << 20,
      ]);
      for (const buffer of buffers) expect(buffer instanceof SharedArrayBuffer).toBe(shared);
    }
  });

  it('grows past its first size without losing entries', () => {
    const set = createDuplicateSet(16);
    const counter = createDuplicateCounter();
    let repeatsFound = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 20_000; i++) {
        const fingerprint = fingerprintOf([`C${i}`]);
        if (set.addIfAbsent(fingerprint)) repeatsFound += round === 1 ? 1 : 1_000_000;
        counter.add(fingerprint);
      }
    }
    expect(repeatsFound).toBe(20_000);
    expect(set.size).toBe(20_000);
    expect(counter.count()).toBe(20_000);
  });
});
