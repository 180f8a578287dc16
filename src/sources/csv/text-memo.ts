/**
 * A value for each short text a read has met, looked up by its characters, as bytes or as text:
 * the day of each date text parsed, the string of each store id. An export sorted by customer (or
 * not sorted) has a different date on every row, but only a few hundred distinct dates a year, so
 * each is parsed once; a store column holds a few distinct ids, each made into a string once.
 * Before, only the date of the row before was remembered, and such files read ~1.8x slower than
 * the same rows in date order (100,000 customers x 52 weeks: 4.5 s against 2.4 s on one thread).
 *
 * A cache, not a map: one slot per hash (direct-mapped), a colliding text replaces the one there,
 * and a text not found is worked out again by the caller. What a text stands for must not change
 * within a read (a date's format is fixed), so a remembered value is always the one the caller
 * would work out.
 */

import { hashBytes, hashText } from '../../core/hash-text.ts';

/** Slots (a power of two): ~10 years of distinct days with few collisions. */
const SLOTS = 8192;
/** Longest text remembered, in characters. */
const MAX_LENGTH = 32;

export class TextMemo<T> {
  readonly #codes = new Uint16Array(SLOTS * MAX_LENGTH);
  readonly #lengths = new Int32Array(SLOTS).fill(-1);
  readonly #values: (T | undefined)[] = new Array<T | undefined>(SLOTS).fill(undefined);

  /** The remembered value of the text of `bytes[from .. to)` (ASCII or Latin-1), if any. */
  getBytes(bytes: Uint8Array, from: number, to: number): T | undefined {
    const length = to - from;
    if (length > MAX_LENGTH) return undefined;
    const slot = slotOf(hashBytes(bytes, from, to));
    if (this.#lengths[slot] !== length) return undefined;
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) if (codes[at + i] !== bytes[i]) return undefined;
    return this.#values[slot];
  }

  /** The remembered value of `text.slice(from, to)`, if any. */
  getText(text: string, from: number, to: number): T | undefined {
    const length = to - from;
    if (length > MAX_LENGTH) return undefined;
    const slot = slotOf(hashText(text, from, to));
    if (this.#lengths[slot] !== length) return undefined;
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) if (codes[at + i] !== text.charCodeAt(i)) return undefined;
    return this.#values[slot];
  }

  /** Remembers `value` for `text.slice(from, to)` (a text longer than MAX_LENGTH is not kept). */
  set(text: string, from: number, to: number, value: T): void {
    const length = to - from;
    if (length > MAX_LENGTH) return;
    const slot = slotOf(hashText(text, from, to));
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) codes[at + i] = text.charCodeAt(i);
    this.#lengths[slot] = length;
    this.#values[slot] = value;
  }
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> 15)) & (SLOTS - 1);
}
