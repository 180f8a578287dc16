/**
 * Duplicate detection in 8 bytes a row: each key is reduced to a 64-bit fingerprint (two
 * independent 32-bit hashes), so 5.2M rows cost ~45-64 MiB instead of gigabytes of strings.
 *
 * Two structures, same fingerprints, so the same answers:
 * - `createDuplicateSet`: an open-addressing hash table answering "seen before?" at once; needed
 *   to drop duplicates. Each lookup is a random access into a table larger than any cache (~240 ns).
 * - `createDuplicateCounter`: only counts (the default, duplicates kept). Fingerprints are appended
 *   to 256 partitions by their top bits (sequential writes); at the end each partition, small
 *   enough for the CPU cache, is counted with a reused hash table. Several times faster.
 *
 * The price is a false positive when two different keys share the fingerprint (63 bits are kept:
 * one marks empty slots). For n distinct keys the chance that ANY pair collides is about n^2 / 2^64:
 * 1.5e-6 for 5.2M rows (once in ~700,000 such files), 5e-9 for 300k rows. A collision would only count a row as a duplicate (and drop it
 * with `dropDuplicates`); it cannot corrupt other rows.
 */
import { createBufferCarver } from '../../core/buffer-carver.ts';
import type { CsvRecord } from './tokenize-csv.ts';

/**
 * Incremental 64-bit fingerprint: two multiply-xorshift hashes with different constants over the
 * same 32-bit words. A field is fed as its length and then its UTF-16 code units two at a time, so
 * field boundaries are unambiguous ("ab" + "c" differs from "a" + "bc") without a separator.
 */
export class Fingerprint {
  h1 = 0x811c9dc5;
  h2 = 0x9747b28c;

  reset(): void {
    this.h1 = 0x811c9dc5;
    this.h2 = 0x9747b28c;
  }

  /** Adds one 32-bit word (e.g. a marker). */
  addWord(word: number): void {
    this.h1 = Math.imul(this.h1 ^ word, 0x01000193);
    const h2 = Math.imul(this.h2 ^ word, 0x5bd1e995);
    this.h2 = h2 ^ (h2 >>> 13);
  }

  /** Adds the field `s.slice(start, end)`. */
  addField(s: string, start: number, end: number): void {
    let h1 = Math.imul(this.h1 ^ (end - start), 0x01000193);
    let h2 = Math.imul(this.h2 ^ (end - start), 0x5bd1e995);
    h2 ^= h2 >>> 13;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const w = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    if (i < end) {
      const w = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /**
   * `addField` of the text `bytes` decode to as Latin-1 (ASCII): the same code units, so the same
   * fingerprint, read from the bytes (cheaper than `charCodeAt`).
   */
  addBytes(bytes: Uint8Array, start: number, end: number): void {
    let h1 = Math.imul(this.h1 ^ (end - start), 0x01000193);
    let h2 = Math.imul(this.h2 ^ (end - start), 0x5bd1e995);
    h2 ^= h2 >>> 13;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const w = bytes[i]! | (bytes[i + 1]! << 16);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    if (i < end) {
      const w = bytes[i]!;
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 ^ w, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  /** Adds every field of a record (from its ASCII bytes when it has them: the same fingerprint). */
  addRecord(record: CsvRecord): void {
    // The text is read only without bytes: a record of ASCII bytes may decode it on demand.
    const { starts, ends, values, count, bytes } = record;
    for (let f = 0; f < count; f++) {
      const value = values[f];
      if (value !== undefined) this.addField(value, 0, value.length);
      else if (bytes !== undefined) this.addBytes(bytes, starts[f]!, ends[f]!);
      else this.addField(record.text, starts[f]!, ends[f]!);
    }
  }
}

/** murmur3's finaliser: spreads every input bit over the output. */
function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

export interface DuplicateSet {
  /** Adds the fingerprint; returns true when it was already present. */
  addIfAbsent(fingerprint: Fingerprint): boolean;
  readonly size: number;
}

/** A set of 64-bit fingerprints sized for about `expected` keys (it grows beyond that). */
export function createDuplicateSet(expected = 1 << 12): DuplicateSet {
  let capacity = 1 << 12;
  while (capacity * 0.7 < expected) capacity *= 2;
  let table = new Int32Array(capacity * 2);
  let size = 0;

  function insert(t: Int32Array, mask: number, a: number, b: number): boolean {
    let slot = b & mask;
    for (;;) {
      const x = t[slot * 2]!;
      const y = t[slot * 2 + 1]!;
      if (x === 0 && y === 0) {
        t[slot * 2] = a;
        t[slot * 2 + 1] = b;
        return false;
      }
      if (x === a && y === b) return true;
      slot = (slot + 1) & mask;
    }
  }

  function grow(): void {
    const old = table;
    capacity *= 2;
    table = new Int32Array(capacity * 2);
    const mask = capacity - 1;
    for (let i = 0; i < old.length; i += 2) {
      const a = old[i]!;
      const b = old[i + 1]!;
      if (a !== 0 || b !== 0) insert(table, mask, a, b);
    }
  }

  return {
    get size() {
      return size;
    },
    addIfAbsent(fingerprint) {
      // `| 1` keeps (0, 0) free as the empty-slot marker (63 bits of fingerprint remain).
      const a = fmix(fingerprint.h1) | 1;
      const b = fmix(fingerprint.h2 ^ a);
      if (insert(table, capacity - 1, a, b)) return true;
      size++;
      if (size > capacity * 0.7) grow();
      return false;
    },
  };
}

export interface DuplicateCounter {
  add(fingerprint: Fingerprint): void;
  /** Fingerprints added that equal an earlier one. */
  count(): number;
  /** The fingerprints added, for `countDuplicates` across several counters (one per byte range). */
  fingerprints(): CounterFingerprints;
}

/** A counter's fingerprints: per partition, blocks of (a, b) pairs; the last block of `p` holds `fill[p]` ints. */
export interface CounterFingerprints {
  blocks: Int32Array[][];
  fill: Int32Array;
}

const PARTITION_BITS = 8;
/** Partitions of the fingerprints (by their top bits); `countDuplicates` counts a range of them. */
export const PARTITIONS = 1 << PARTITION_BITS;
const BLOCK_PAIRS = 4096;

/**
 * Counts duplicate fingerprints, deferring the work to `count()` (see the module comment).
 * `shared`: blocks in SharedArrayBuffers, so that other threads can read `fingerprints()` in place
 * (without it, posting them to another thread copies whole slabs).
 */
export function createDuplicateCounter(
  options: { shared?: boolean /** The first carved buffer's size (tests). */; firstBytes?: number } = {},
): DuplicateCounter {
  // Each partition is a list of fixed-size blocks of (a, b) pairs: no copying when they grow.
  const blocks: Int32Array[][] = Array.from({ length: PARTITIONS }, () => []);
  const current: (Int32Array | undefined)[] = new Array(PARTITIONS).fill(undefined);
  const fill = new Int32Array(PARTITIONS);
  // Blocks carved from large buffers, not one buffer each: see buffer-carver.ts (one 32 KiB buffer
  // per block kept ~25-55 MB resident on this thread after a 4.6M-row read, ~120 MB in two workers).
  const carver = createBufferCarver(options);
  const newBlock = (): Int32Array => {
    const { buffer, offset } = carver.carve(BLOCK_PAIRS * 8);
    return new Int32Array(buffer, offset, BLOCK_PAIRS * 2);
  };

  return {
    add(fingerprint) {
      const a = fmix(fingerprint.h1) | 1;
      const b = fmix(fingerprint.h2 ^ a);
      const p = a >>> (32 - PARTITION_BITS);
      let block = current[p];
      let at = fill[p]!;
      if (block === undefined || at === BLOCK_PAIRS * 2) {
        block = newBlock();
        blocks[p]!.push(block);
        current[p] = block;
        at = 0;
      }
      block[at] = a;
      block[at + 1] = b;
      fill[p] = at + 2;
    },
    count() {
      return countDuplicates([{ blocks, fill }]);
    },
    fingerprints() {
      return { blocks, fill };
    },
  };
}

/**
 * Fingerprints in partitions [from, to) of `sets` that equal an earlier one, in any of the sets
 * (a pair split between two byte ranges of a file counts once, as in one read of the file). Each
 * partition is small enough for the CPU cache; disjoint partition ranges can be counted in parallel.
 */
export function countDuplicates(sets: readonly CounterFingerprints[], from = 0, to = PARTITIONS): number {
  let duplicates = 0;
  let table = new Int32Array(0);
  for (let p = from; p < to; p++) {
    let n = 0;
    for (const set of sets) {
      const list = set.blocks[p]!;
      if (list.length > 0) n += (list.length - 1) * BLOCK_PAIRS + set.fill[p]! / 2;
    }
    if (n === 0) continue;
    let capacity = 1 << 10;
    while (capacity * 0.6 < n) capacity *= 2;
    if (table.length < capacity * 2) table = new Int32Array(capacity * 2);
    else table.fill(0, 0, capacity * 2);
    const mask = capacity - 1;
    for (const set of sets) {
      const list = set.blocks[p]!;
      for (let k = 0; k < list.length; k++) {
        const block = list[k]!;
        const used = k === list.length - 1 ? set.fill[p]! : block.length;
        for (let i = 0; i < used; i += 2) {
          const a = block[i]!;
          const b = block[i + 1]!;
          let slot = b & mask;
          for (;;) {
            const x = table[slot * 2]!;
            const y = table[slot * 2 + 1]!;
            if (x === 0 && y === 0) {
              table[slot * 2] = a;
              table[slot * 2 + 1] = b;
              break;
            }
            if (x === a && y === b) {
              duplicates++;
              break;
            }
            slot = (slot + 1) & mask;
          }
        }
      }
    }
  }
  return duplicates;
}
