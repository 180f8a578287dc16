/**
 * The days of the date texts a read has parsed, looked up by their characters: an export sorted by
 * customer (or not sorted) has a different date on every row, but only a few hundred distinct
 * dates a year, so each is parsed once. Before, only the date of the row before was remembered,
 * and such files read ~1.8x slower than the same rows in date order (100,000 customers x 52
 * weeks: 4.5 s against 2.4 s on one thread).
 *
 * A cache, not a map: one slot per hash (direct-mapped), a colliding date replaces the one there,
 * and a date not found is parsed again. The day of a text does not change within a read (its date
 * format is fixed), so a remembered day is always the one the parse would give.
 */

/** Slots (a power of two): ~10 years of distinct days with few collisions. */
const SLOTS = 8192;
/** Longest date text remembered, in characters. */
const MAX_LENGTH = 32;

export class DateMemo {
  readonly #codes = new Uint16Array(SLOTS * MAX_LENGTH);
  readonly #lengths = new Int32Array(SLOTS).fill(-1);
  readonly #days = new Float64Array(SLOTS);

  /** The remembered day of the date at `bytes[from .. to)` (ASCII or Latin-1), or NaN. */
  dayOfBytes(bytes: Uint8Array, from: number, to: number): number {
    const length = to - from;
    if (length > MAX_LENGTH) return Number.NaN;
    let hash = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
    const slot = slotOf(hash);
    if (this.#lengths[slot] !== length) return Number.NaN;
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) if (codes[at + i] !== bytes[i]) return Number.NaN;
    return this.#days[slot] as number;
  }

  /** The remembered day of the date `text.slice(from, to)`, or NaN. */
  dayOfText(text: string, from: number, to: number): number {
    const length = to - from;
    if (length > MAX_LENGTH) return Number.NaN;
    const slot = slotOf(hashText(text, from, to));
    if (this.#lengths[slot] !== length) return Number.NaN;
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) if (codes[at + i] !== text.charCodeAt(i)) return Number.NaN;
    return this.#days[slot] as number;
  }

  /** Remembers that `text.slice(from, to)` is `day` (a date longer than MAX_LENGTH is not kept). */
  remember(text: string, from: number, to: number, day: number): void {
    const length = to - from;
    if (length > MAX_LENGTH) return;
    const slot = slotOf(hashText(text, from, to));
    const codes = this.#codes;
    const at = slot * MAX_LENGTH - from;
    for (let i = from; i < to; i++) codes[at + i] = text.charCodeAt(i);
    this.#lengths[slot] = length;
    this.#days[slot] = day;
  }
}

/** FNV-1a over the UTF-16 codes (the bytes' own values for ASCII and Latin-1 text). */
function hashText(text: string, from: number, to: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

function slotOf(hash: number): number {
  return (hash ^ (hash >>> 15)) & (SLOTS - 1);
}
