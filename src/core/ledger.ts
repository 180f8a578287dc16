/**
 * Folds sales rows into a `SalesLedger`: per customer, dense arrays of net cents and "had a sale"
 * flags per period. Memory is O(customers x periods), never O(rows).
 *
 * This sits on the hot path of every analysis (one `add` per CSV row, millions of rows). Rows may
 * arrive in any order (by date, by customer, shuffled); date order, the usual order of exports, is
 * the fast path:
 *
 * - Customers are numbered as they first appear (one hash-table lookup per row) and their state
 *   lives in typed arrays indexed by that number, not in one object per customer.
 * - Rows of the most recent `WINDOW` periods are accumulated **period-major**: one dense column of
 *   all customers per period. Date-ordered rows then write into a column that stays in the CPU
 *   cache, where customer-major storage would touch a different customer's memory at every row.
 * - When a row of a later period arrives, the window slides and the columns that fall out are
 *   flushed, in customer order, into per-customer blocks (customer-major, carved from large slabs
 *   and grown geometrically at either end). Rows of periods before the window go straight to the
 *   blocks (the slow path, for unsorted input).
 *
 * `build()` copies each customer's used range into an exact-size plain array of net cents (shared
 * by the analysis as the customer's series) and a view of one buffer of sale flags, and drops the
 * slabs.
 */
import { InputError } from '../errors.ts';
import { type BufferCarver, createBufferCarver } from './buffer-carver.ts';
import { hashBytes, hashText } from './hash-text.ts';
import { isoFromDay, periodOfDay, periodStartDay, weekdayOfDay } from './periods.ts';
import { CUSTOMERS_PER_STEP, drainSteps, type Steps } from './steps.ts';
import { mainStores, mergeStoreRows, StorePairCounts, type StoreRowCounts } from './store-rows.ts';
import type { CustomerLedger, LatestRow, PeriodSpec, SaleRow, SalesLedger } from './types.ts';

/** Periods accumulated period-major (a power of two). */
const WINDOW = 4;
const WINDOW_MASK = WINDOW - 1;
/** Periods per slab: 2 MB of net cents + 256 KB of sale flags. */
const SLAB_SIZE = 1 << 18;
const MIN_BLOCK = 16;
/** A customer's first block starts this many periods before its first period (date order: few). */
const FIRST_BLOCK_LEAD = 2;
/** Window slot flags: the customer has a row in the period; one of them was positive. */
const HAS_ROW = 1;
const HAS_SALE = 2;
const NO_PERIOD = Number.NEGATIVE_INFINITY;
/** A block cell whose sum is kept outside the block (`wideCells`): the one int32 never a sum there. */
const WIDE = -(2 ** 31);
/**
 * Ids of at most this many characters, all below U+0100, are kept in their table slot: the length
 * in the first byte of KEY_WORDS words, then one byte per character. An equal slot is then an equal
 * id, with no look at the id string (a second cache miss per row). Other ids keep NOT_PACKED in
 * every key word. 23 characters hold most customer ids in use (numbers, "CUST-000123", Stripe's
 * "cus_" + 14); 36-character UUIDs take the string comparison.
 */
const KEY_WORDS = 6;
const PACKED_MAX_LENGTH = KEY_WORDS * 4 - 1;
const NOT_PACKED = -1;
/** Ints per slot of the customer table: number + 1, hash, packed id (KEY_WORDS words). */
const TABLE_STRIDE = 2 + KEY_WORDS;
/**
 * Ints per customer in the builder's `blocks`, and where each field is: the period at block
 * index 0; the used block range (block indexes, inclusive); the block's slab, offset there and size
 * (0: no block yet).
 */
const BLOCK_INTS = 8;
const AT_BASE = 0;
const AT_LO = 1;
const AT_HI = 2;
const AT_SLAB = 3;
const AT_OFFSET = 4;
const AT_BLOCK_SIZE = 5;
/** Customers per block when buildPart adds the columns' cells into the customer-major arrays. */
const TRANSPOSE_BLOCK = 1024;
/** Ids up to this long are held back with their rows (longer ones are looked up at once). */
const HELD_ID_MAX = 64;
/** Rows `addSaleBytes` holds back to look their customers up together (see `flushRows`). */
const HELD_ROWS = 64;
/** `customerNumber` of a customer of another partition (see `LedgerBuilderOptions.partition`). */
const NOT_OURS = -1;
/** Periods of series kept per customer for sparklines and deep dives (the last ones up to the as-of period). */
export const SERIES_PERIODS = 52;
/** Latest rows kept (by date, with customer and line) so the as-of choice can name far-future rows. */
export const LATEST_ROWS_KEPT = 51;
/**
 * Memory cap: period cells (one per customer per period from its first to its last row, 9 bytes
 * each) may not exceed the larger of this floor (~75 MB) and `CELLS_PER_ROW` per row read so far.
 * Memory then follows the data, not the date span: 5,000 customers with one row in 1900 and one in
 * 2999 would need 285 M cells (2.6 GB) and are refused instead.
 */
export const MIN_CELL_BUDGET = 1 << 23;
export const CELLS_PER_ROW = 128;

export interface LedgerBuilder {
  /** Fold one accepted row in. */
  add(row: SaleRow): void;
  /**
   * `add` without a `SaleRow`: the customer id is `text.slice(from, to)`, read in place (a CSV
   * reader passes its line buffer; no string is made for a customer already seen).
   */
  addSale(
    text: string,
    from: number,
    to: number,
    day: number,
    amountCents: number,
    line: number | undefined,
    storeId: string | undefined,
  ): boolean;
  /**
   * `addSale` with the customer id as the ASCII bytes `bytes[from .. to)` (a CSV reader's chunk):
   * the same customer as the text those bytes decode to. A row with an id of up to HELD_ID_MAX
   * characters may be held back and folded in with the next ones (see `flushRows`); the bytes are
   * read before this returns.
   * Both return false for a row of another partition's customer (ignored), else true.
   */
  addSaleBytes(
    bytes: Uint8Array,
    from: number,
    to: number,
    day: number,
    amountCents: number,
    line: number | undefined,
    storeId: string | undefined,
  ): boolean;
  /**
   * Folds in the rows `addSaleBytes` holds back. Every other call does so first, so rows are folded
   * in the order they came; a reader that stops on an error of its own calls it first, so that an
   * error of an earlier row (the memory cap) is the one thrown, as it was when each row was folded
   * in at once.
   */
  flushRows(): void;
  /**
   * The builder's content as a `LedgerPart` (typed arrays and a few small values, cheap to send to
   * another thread), instead of `build()`. Same one-call rule as `build()`.
   */
  buildPart(): LedgerPart;
  /**
   * The ledger (arrays trimmed to each customer's first and last period with rows). Call it once,
   * after the last `add`: it releases the builder's buffers. The ledger's arrays are read-only:
   * `positive` flags are `Uint8Array` views of one buffer, and all-ones ones are shared between
   * customers.
   */
  build(): SalesLedger;
}

function grownInt32(values: Int32Array, capacity: number): Int32Array<ArrayBuffer> {
  const out = new Int32Array(capacity);
  out.set(values);
  return out;
}

function grownFloat64(values: Float64Array, capacity: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(capacity);
  out.set(values);
  return out;
}

/** Where `flushRows` leaves the value of its reads ahead, so that they are not optimised away. */
const touchSink = new Int32Array(1);

/** How a builder is set up. */
export interface LedgerBuilderOptions {
  /**
   * Fold in only the rows of the customers of partition `index` of `count` (`partitionOfId`) and
   * ignore the others entirely: threads that each read the whole file, each for a share of the
   * customers, build disjoint parts that `mergePartitionedParts` joins. The part then also keeps
   * each customer's first line (`LedgerPart.firstLines`), which gives the one-builder order back.
   */
  partition?: { index: number; count: number } | undefined;
}

/**
 * The partition (0 .. count - 1) of a customer id's FNV-1a hash over its UTF-16 code units (the
 * builder's table hash): the high bits, as the table's slots use the low ones.
 */
export function partitionOfHash(hash: number, count: number): number {
  return Math.floor(((hash >>> 0) * count) / 0x1_0000_0000);
}

/** `partitionOfHash` of the id's hash. */
export function partitionOfId(id: string, count: number): number {
  return partitionOfHash(hashText(id), count);
}

/** A builder that folds `SaleRow`s into a `SalesLedger` for the given period spec. */
export function createLedgerBuilder(spec: PeriodSpec, options: LedgerBuilderOptions = {}): LedgerBuilder {
  const partitions = options.partition?.count ?? 1;
  const partition = options.partition?.index ?? 0;
  if (!Number.isInteger(partitions) || partitions < 1 || partition < 0 || partition >= partitions) {
    throw new Error(`createLedgerBuilder: partition ${partition} of ${partitions}`);
  }
  /** Whether a row of the customer with this id hash is this builder's. */
  const ours = (hash: number): boolean => partitions === 1 || partitionOfHash(hash, partitions) === partition;
  /** Partitioned: each customer's first line (NaN when its rows carry none). */
  let firstLines: Float64Array | undefined = partitions > 1 ? new Float64Array(0) : undefined;
  // --- customers: number by first appearance; state in typed arrays indexed by that number.
  // Customer id -> number: an open-addressing table (linear probing, at most half full) of
  // TABLE_STRIDE ints per slot: number + 1 (0 = empty), the id's hash, and the id itself packed in
  // KEY_WORDS words when it is short (see PACKED_MAX_LENGTH). Ids usually arrive as a fresh string
  // per row, which a `Map` must hash and compare through scattered memory: this table measured
  // 35-60% faster, and comparing short ids in the slot instead of in the id string (a second cache
  // miss per row) cut the lookup's CPU time by about half again on 100,000 customers (issue 12).
  let table = new Int32Array(1024 * TABLE_STRIDE);
  const ids: string[] = [];
  let capacity = 0;
  /**
   * Each customer's block, BLOCK_INTS ints side by side (AT_* say which): one cache line a row
   * reads, where an array per field took one each. Rows in no date order reach a random customer's
   * block at every row (1,000,000 customers x 52 shuffled weeks: the two partition readers spent
   * ~11 s each in putBlock, nearly all of it waiting on memory).
   */
  let blocks = new Int32Array(0);
  let rowsOf = new Int32Array(0);
  /**
   * Each customer's first period with a row and the number of periods to its last (0: none yet),
   * side by side: every row reads both (`touch`), and a dense period's flush reads them customer
   * after customer.
   */
  let spans = new Int32Array(0);
  /** Cells of all spans: what the ledger will hold. */
  let spanCells = 0;
  // Rows per store per customer, only for rows that carry a store id (the supply-side rule). Stores
  // are numbered by first appearance; each customer's first two stores and their row counts are
  // typed arrays (most customers buy at one or two), any more a pair table; the part's `storeRows`
  // columns are made from them once, at the end. (A map of maps updated at every row was half of the read of
  // a file with a store column: 100,000 customers x 52 weeks, 8.4 CPU-s against 2.5 without.)
  const storeIds: string[] = [];
  const storeNumbers = new Map<string, number>();
  /** Store number + 1 (0: none yet) and its rows, of each customer's first and second store. */
  let storeA = new Int32Array(0);
  let countA = new Int32Array(0);
  let storeB = new Int32Array(0);
  let countB = new Int32Array(0);
  /**
   * Customers' third and later stores: a customer of many stores (a chain's regulars) costs a
   * probe of typed arrays, not a map per customer.
   */
  let extraPairs = new StorePairCounts();

  // --- customer-major blocks in slabs; outgrown blocks are kept for reuse, by size.
  // A block's cents are 32-bit integers (4 bytes a cell, not 8: rows in no date order all land in
  // blocks, and a shuffled file of 100,000 customers x 52 weeks peaked at 376-386 MiB with 8-byte
  // cells, 309-310 with these). A cell whose sum leaves the 32-bit range holds WIDE, and its sum
  // is kept in `wideCells`.
  let slabNet: Int32Array[] = [];
  let slabSale: Uint8Array[] = [];
  /** The regular slab blocks are carved from, and how much of it is used. */
  let currentSlab = -1;
  let slabUsed = SLAB_SIZE;
  // Slabs (net and sale flags side by side) carved from large buffers rather than allocated one by
  // one: glibc's heap kept 2 MiB slabs resident after they were freed (buffer-carver.ts).
  let slabBuffers: BufferCarver | undefined = createBufferCarver();
  /** Free blocks by size: flat pairs of (slab, offset). */
  const free = new Map<number, number[]>();
  /** The sums of the block cells marked WIDE: customer -> period -> net cents. */
  const wideCells = new Map<number, Map<number, number>>();

  // --- dense periods stay period-major: a column of net cents and sale flags for the customers
  // numbered by the time the period left the window (later ones had no row in it). In date-ordered
  // data nearly every period is one, and a customer's blocks then hold only its sparse periods:
  // memory is the data's size, where blocks grown to 64 periods for a range's 26 weeks held ~72 MB
  // a range on 100,000 customers (docs/ARCHITECTURE.md, memory).
  // A column's cents are 32-bit integers while every sum in it fits (4 bytes a customer instead of
  // 8: ~10 MB less per 26 dense weeks of 100,000 customers, in each range worker at its read's
  // end); a sum outside that range turns the column into a Float64Array.
  let columnNet: (Float64Array | Int32Array)[] = [];
  let columnSale: Uint8Array[] = [];
  let columnPeriod: number[] = [];
  /** Period -> index of its column, for rows that come late. */
  const columnOf = new Map<number, number>();
  let columnBuffers: BufferCarver | undefined = createBufferCarver();
  /** Cells in all slabs, for the memory cap. */
  let allocatedCells = 0;
  /** The customer whose block is being placed (for the memory cap's message). */
  let placing = -1;

  // --- the period-major window: periods [windowLo, windowLo + WINDOW), slot = period & WINDOW_MASK.
  let windowLo = NO_PERIOD;
  const slotPeriod: number[] = new Array<number>(WINDOW).fill(NO_PERIOD);
  let slotNet: Float64Array[] = [];
  let slotFlags: Uint8Array[] = [];
  /** Customers touched in each slot, in order of first touch, for flushing sparse slots. */
  const slotTouched: Int32Array[] = [];
  const slotCount: number[] = new Array<number>(WINDOW).fill(0);
  const slotRows: number[] = new Array<number>(WINDOW).fill(0);
  for (let k = 0; k < WINDOW; k++) {
    slotNet.push(new Float64Array(0));
    slotFlags.push(new Uint8Array(0));
    slotTouched.push(new Int32Array(64));
  }

  /** Rows per period across customers. */
  const periodRows = new Map<number, number>();
  let minDay: number | null = null;
  let maxDay: number | null = null;
  let rows = 0;
  // How the rows are dated, for recognising period-stamped data (weekly totals dated on the week's
  // first day, monthly ones on the 1st) and a week start that does not match it: 7 weekday counters
  // and a count of rows on their period's first day. Two increments per row, no allocation.
  const weekdayRows = [0, 0, 0, 0, 0, 0, 0];
  let rowsOnPeriodStart = 0;
  // Rows usually come in runs of the same day (sorted exports): skip the calendar maths for those.
  let lastDay = Number.NaN;
  let lastPeriod = 0;
  let lastWeekday = 0;
  let lastOnPeriodStart = 0;
  let built = false;
  // The latest rows by date (at most LATEST_ROWS_KEPT, latest first), for naming far-future rows.
  // Date-ordered input enters a handful of rows per new day; the rest fail one comparison.
  const latest: LatestRow[] = [];
  let latestFloor = Number.NEGATIVE_INFINITY;

  function keepLatest(day: number, customerId: string, line: number | undefined): void {
    let i = latest.length;
    while (i > 0 && (latest[i - 1] as LatestRow).day < day) i--;
    const kept: LatestRow = { day, customerId };
    if (line !== undefined) kept.line = line;
    latest.splice(i, 0, kept);
    if (latest.length > LATEST_ROWS_KEPT) latest.pop();
    if (latest.length === LATEST_ROWS_KEPT) latestFloor = (latest[LATEST_ROWS_KEPT - 1] as LatestRow).day;
  }

  function growCustomers(): void {
    const next = Math.max(1024, capacity * 2);
    blocks = grownInt32(blocks, next * BLOCK_INTS);
    spans = grownInt32(spans, next * 2);
    rowsOf = grownInt32(rowsOf, next);
    if (firstLines !== undefined) firstLines = grownFloat64(firstLines, next);
    for (let k = 0; k < WINDOW; k++) {
      slotNet[k] = grownFloat64(slotNet[k] as Float64Array, next);
      const flags = new Uint8Array(next);
      flags.set(slotFlags[k] as Uint8Array);
      slotFlags[k] = flags;
    }
    capacity = next;
  }

  /** Re-inserts every customer into a table twice the size. */
  function growTable(): void {
    const old = table;
    table = new Int32Array(old.length * 2);
    const mask = table.length / TABLE_STRIDE - 1;
    for (let i = 0; i < old.length; i += TABLE_STRIDE) {
      if (old[i] === 0) continue;
      let slot = (old[i + 1] as number) & mask;
      while (table[slot * TABLE_STRIDE] !== 0) slot = (slot + 1) & mask;
      // Word by word: a subarray per customer made ~80 ms of garbage and calls at 100,000.
      const at = slot * TABLE_STRIDE;
      for (let w = 0; w < TABLE_STRIDE; w++) table[at + w] = old[i + w] as number;
    }
  }

  /** The packed key of the id being looked up (KEY_WORDS words; see PACKED_MAX_LENGTH). */
  const key = new Int32Array(KEY_WORDS);

  /**
   * Linear probing from `slot`: the first slot holding `hash` and the key at `keys[from ..]`, or,
   * when an empty slot comes first, `-1 - emptySlot` (where a new customer goes).
   */
  function probe(slot: number, hash: number, keys: Int32Array, from: number): number {
    const mask = table.length / TABLE_STRIDE - 1;
    for (; ; slot = (slot + 1) & mask) {
      const at = slot * TABLE_STRIDE;
      if (table[at] === 0) return -1 - slot;
      if (table[at + 1] !== hash) continue;
      let w = 0;
      while (w < KEY_WORDS && table[at + 2 + w] === keys[from + w]) w++;
      if (w === KEY_WORDS) return slot;
    }
  }

  /**
   * The number of the customer with `hash` and the key in `key`, whose id is `source` at `from ..
   * from + length` (text or ASCII bytes): a packed key is the id itself; an id too long to pack is
   * compared in place on each slot with its hash. -1 - the empty slot for a new customer.
   */
  function lookUp(
    hash: number,
    packed: boolean,
    source: string | Uint8Array,
    from: number,
    length: number,
    keys: Int32Array = key,
    keyAt = 0,
  ): number {
    const mask = table.length / TABLE_STRIDE - 1;
    let slot = probe(hash & mask, hash, keys, keyAt);
    while (slot >= 0) {
      const number = table[slot * TABLE_STRIDE] as number;
      if (packed) return number - 1;
      const id = ids[number - 1] as string;
      // startsWith at an offset compares in place: no string is made for a known customer.
      if (
        id.length === length &&
        (typeof source === 'string' ? source.startsWith(id, from) : sameText(id, source, from))
      ) {
        return number - 1;
      }
      slot = probe((slot + 1) & mask, hash, keys, keyAt);
    }
    return slot;
  }

  /** The number of customer `text.slice(from, to)`, numbering it if new; NOT_OURS for another partition's. */
  function customerNumber(text: string, from: number, to: number): number {
    const length = to - from;
    // FNV-1a over the UTF-16 code units, and the id packed in `key` when it fits.
    let hash = 0x811c9dc5 | 0;
    let packed = length <= PACKED_MAX_LENGTH;
    key.fill(0);
    key[0] = length;
    for (let i = from; i < to; i++) {
      const code = text.charCodeAt(i);
      hash = Math.imul(hash ^ code, 0x01000193);
      if (code > 0xff) packed = false;
      const p = i - from + 1;
      if (packed) key[p >> 2] = (key[p >> 2] as number) | (code << ((p & 3) << 3));
    }
    if (!packed) key.fill(NOT_PACKED);
    if (!ours(hash)) return NOT_OURS;
    const found = lookUp(hash, packed, text, from, length);
    if (found >= 0) return found;
    return numberNewCustomer(ownString(text, from, to), -1 - found, hash, key, 0);
  }

  /** Numbers a customer not in the table yet, in the empty `slot` its probe ended on. */
  function numberNewCustomer(id: string, slot: number, hash: number, keys: Int32Array, from: number): number {
    const c = ids.length;
    if (c === capacity) growCustomers();
    ids.push(id);
    const at = slot * TABLE_STRIDE;
    table[at] = c + 1;
    table[at + 1] = hash;
    for (let w = 0; w < KEY_WORDS; w++) table[at + 2 + w] = keys[from + w] as number;
    if (ids.length * 2 > table.length / TABLE_STRIDE) growTable();
    return c;
  }

  /**
   * The FNV-1a hash of the ASCII bytes `bytes[from .. to)`, with their packed key written to
   * `keys[at ..]` (the same hash and key as `customerNumber` of the text they decode to: a byte is
   * its character's code); NOT_PACKED words for an id longer than PACKED_MAX_LENGTH.
   */
  function hashAndPackBytes(
    bytes: Uint8Array,
    from: number,
    to: number,
    keys: Int32Array,
    at: number,
  ): number {
    const length = to - from;
    if (length > PACKED_MAX_LENGTH) {
      keys.fill(NOT_PACKED, at, at + KEY_WORDS);
      return hashBytes(bytes, from, to);
    }
    let hash = 0x811c9dc5 | 0;
    // Byte p of the key (p = 1 + character index) is byte p & 3 of word p >> 2.
    let word = length;
    let w = at;
    let shift = 8;
    for (let i = from; i < to; i++) {
      const code = bytes[i] as number;
      hash = Math.imul(hash ^ code, 0x01000193);
      word |= code << shift;
      shift += 8;
      if (shift === 32) {
        keys[w++] = word;
        word = 0;
        shift = 0;
      }
    }
    keys[w++] = word;
    while (w < at + KEY_WORDS) keys[w++] = 0;
    return hash;
  }

  /** `customerNumber` of the text the ASCII bytes `bytes[from .. to)` decode to. */
  function customerNumberOfBytes(bytes: Uint8Array, from: number, to: number): number {
    const length = to - from;
    const hash = hashAndPackBytes(bytes, from, to, key, 0);
    if (!ours(hash)) return NOT_OURS;
    const found = lookUp(hash, length <= PACKED_MAX_LENGTH, bytes, from, length);
    if (found >= 0) return found;
    return numberNewCustomer(asciiString(bytes, from, to), -1 - found, hash, key, 0);
  }

  // --- rows of ids of up to HELD_ID_MAX characters held back by addSaleBytes and folded in batches (issue 12, speed). Looking
  // a customer up is a read at a random place of a table of megabytes, mostly a cache miss; one row
  // at a time, each miss was waited for (~100 ns a row, the read's largest cost at 100,000
  // customers). The lookups of a batch run back to back, independent of each other, so the CPU
  // has several misses in flight at once; then the batch's rows are folded in, in order.
  const heldHash = new Int32Array(HELD_ROWS);
  const heldKey = new Int32Array(HELD_ROWS * KEY_WORDS);
  const heldCustomer = new Int32Array(HELD_ROWS);
  const heldDay = new Float64Array(HELD_ROWS);
  const heldAmount = new Float64Array(HELD_ROWS);
  /** NaN for a row without a line number. */
  const heldLine = new Float64Array(HELD_ROWS);
  /**
   * The id's length, and the bytes of ids too long to pack (up to HELD_ID_MAX: UUIDs), copied
   * (`addSaleBytes` reads its bytes before it returns). Looked up one at a time, a 36-character id's
   * slot and then its id string were two misses waited for at every row (~1.1 s of a range's
   * 3.4 CPU-s on 100,000 customers x 52 weeks with UUIDs).
   */
  const heldLength = new Int32Array(HELD_ROWS);
  const heldBytes = new Uint8Array(HELD_ROWS * HELD_ID_MAX);
  /** The row's store number, -1 for none. */
  const heldStore = new Int32Array(HELD_ROWS);
  let held = 0;

  function flushRows(): void {
    const n = held;
    if (n === 0) return;
    // Emptied first: should a row throw (the memory cap), the rows after it are not folded in, as
    // they were never read when each row was folded in at once.
    held = 0;
    // The batch's first slots read in a tight loop first: their cache misses overlap, where the
    // probes' longer loop held only a few in flight at once.
    const mask = table.length / TABLE_STRIDE - 1;
    let touched = 0;
    for (let j = 0; j < n; j++) touched ^= table[((heldHash[j] as number) & mask) * TABLE_STRIDE] as number;
    for (let j = 0; j < n; j++) {
      heldCustomer[j] =
        (heldLength[j] as number) > PACKED_MAX_LENGTH
          ? heldCustomerNumber(j)
          : packedCustomerNumber(heldHash[j] as number, j * KEY_WORDS);
    }
    // Likewise the customers' counters and cells in the window's latest slot, and for rows before
    // the window (input not in date order: a random customer's block at every row) their spans and
    // blocks' places (1,000,000 customers x 52 shuffled weeks: the read 34.3-35.2 -> 31.2-33.0 s).
    const slot = slotNet[lastPeriod & WINDOW_MASK] as Float64Array;
    const windowStart = windowLo === NO_PERIOD ? windowLo : periodStartDay(windowLo, spec);
    for (let j = 0; j < n; j++) {
      const c = heldCustomer[j] as number;
      touched ^= (rowsOf[c] as number) ^ (slot[c] as number);
      if ((heldDay[j] as number) < windowStart)
        touched ^= (spans[c * 2] as number) ^ (blocks[c * BLOCK_INTS] as number);
    }
    touchSink[0] = touched;
    for (let j = 0; j < n; j++) {
      const line = heldLine[j] as number;
      addSaleOf(
        heldCustomer[j] as number,
        heldDay[j] as number,
        heldAmount[j] as number,
        Number.isNaN(line) ? undefined : line,
        heldStore[j] as number,
      );
    }
  }

  /** `customerNumber` of held row `j`'s id, too long to pack (its bytes in `heldBytes`). */
  function heldCustomerNumber(j: number): number {
    const hash = heldHash[j] as number;
    const from = j * HELD_ID_MAX;
    const length = heldLength[j] as number;
    const found = lookUp(hash, false, heldBytes, from, length, heldKey, j * KEY_WORDS);
    if (found >= 0) return found;
    return numberNewCustomer(
      asciiString(heldBytes, from, from + length),
      -1 - found,
      hash,
      heldKey,
      j * KEY_WORDS,
    );
  }

  /** `customerNumber` of a short id given as its hash and packed key (held row `heldKey[at ..]`). */
  function packedCustomerNumber(hash: number, at: number): number {
    const slot = probe(hash & (table.length / TABLE_STRIDE - 1), hash, heldKey, at);
    if (slot >= 0) return (table[slot * TABLE_STRIDE] as number) - 1;
    return numberNewCustomer(unpackedId(heldKey, at), -1 - slot, hash, heldKey, at);
  }

  /** Gives customer `c` a fresh block of `size` periods (zeroed); returns nothing, sets slab/offset. */
  function allocate(c: number, size: number): void {
    const b = c * BLOCK_INTS;
    const reusable = free.get(size);
    if (reusable !== undefined && reusable.length > 0) {
      const offset = reusable.pop() as number;
      const slab = reusable.pop() as number;
      (slabNet[slab] as Int32Array).fill(0, offset, offset + size);
      (slabSale[slab] as Uint8Array).fill(0, offset, offset + size);
      blocks[b + AT_SLAB] = slab;
      blocks[b + AT_OFFSET] = offset;
    } else if (size > SLAB_SIZE) {
      // A single customer spanning more than 262,144 periods: its own slab.
      reserve(size);
      slabNet.push(new Int32Array(size));
      slabSale.push(new Uint8Array(size));
      blocks[b + AT_SLAB] = slabNet.length - 1;
      blocks[b + AT_OFFSET] = 0;
    } else {
      if (slabUsed + size > SLAB_SIZE) {
        reserve(SLAB_SIZE);
        const { buffer, offset } = (slabBuffers as BufferCarver).carve(SLAB_SIZE * 5);
        slabNet.push(new Int32Array(buffer, offset, SLAB_SIZE));
        slabSale.push(new Uint8Array(buffer, offset + SLAB_SIZE * 4, SLAB_SIZE));
        currentSlab = slabNet.length - 1;
        slabUsed = 0;
      }
      blocks[b + AT_SLAB] = currentSlab;
      blocks[b + AT_OFFSET] = slabUsed;
      slabUsed += size;
    }
    blocks[b + AT_BLOCK_SIZE] = size;
  }

  /** Counts `cells` more against the memory cap, or stops the read with what the rows span. */
  function reserve(cells: number): void {
    const budget = Math.max(MIN_CELL_BUDGET, rows * CELLS_PER_ROW);
    if (allocatedCells + cells > budget) {
      const c = placing;
      const b = c * BLOCK_INTS;
      throw spanTooWide(
        allocatedCells + cells,
        c >= 0 && c < ids.length
          ? {
              c,
              from: (blocks[b + AT_BASE] as number) + Math.min(blocks[b + AT_LO] as number, pendingAt),
              to: (blocks[b + AT_BASE] as number) + Math.max(blocks[b + AT_HI] as number, pendingAt),
            }
          : undefined,
      );
    }
    allocatedCells += cells;
  }

  /** The cap's error: `needed` cells, and a customer whose rows span periods `from` to `to`. */
  function spanTooWide(
    needed: number,
    example: { c: number; from: number; to: number } | undefined,
  ): InputError {
    const word = spec.kind === 'week' ? 'weeks' : 'months';
    const who =
      example !== undefined
        ? ` For example customer ${JSON.stringify(ids[example.c])} has rows in ${word} starting ${isoFromDay(periodStartDay(example.from, spec))} and ${isoFromDay(periodStartDay(example.to, spec))}.`
        : '';
    const span =
      minDay !== null && maxDay !== null
        ? ` The rows are dated from ${isoFromDay(minDay)} to ${isoFromDay(maxDay)}.`
        : '';
    return new InputError(
      `The sales dates span too many ${word} for the number of rows: revgap keeps one value per customer per ${spec.kind} ` +
        `from each customer's first to last row, and these ${rows.toLocaleString('en-US')} rows would need more than ` +
        `${needed.toLocaleString('en-US')} of them (the cap is ${CELLS_PER_ROW} per row, at least ` +
        `${MIN_CELL_BUDGET.toLocaleString('en-US')}).${span}${who}`,
      {
        hint: 'A mistyped year (1900, 2999) in the date column usually causes this: correct or remove those rows, or check --date-format.',
      },
    );
  }
  /** Block index being placed by `grow` (for the message). */
  let pendingAt = 0;

  function release(c: number): void {
    const b = c * BLOCK_INTS;
    const size = blocks[b + AT_BLOCK_SIZE] as number;
    let list = free.get(size);
    if (list === undefined) {
      list = [];
      free.set(size, list);
    }
    list.push(blocks[b + AT_SLAB] as number, blocks[b + AT_OFFSET] as number);
  }

  /** Moves customer `c` to a bigger block so that block index `at` fits, with room to grow. */
  function grow(c: number, at: number): void {
    const b = c * BLOCK_INTS;
    const oldLo = blocks[b + AT_LO] as number;
    const oldHi = blocks[b + AT_HI] as number;
    const newLo = Math.min(oldLo, at);
    const newHi = Math.max(oldHi, at);
    const span = newHi - newLo + 1;
    // Quadruple: a customer that outgrows its first block usually keeps buying, and skipping the
    // middle size leaves fewer outgrown blocks behind.
    let size = (blocks[b + AT_BLOCK_SIZE] as number) * 4;
    while (size < span * 1.5) size *= 2;
    // Seven eighths of the spare room go to the side that just grew (where the next rows are likely
    // to land, as in date-sorted input), an eighth to the other side, so that rows alternating between
    // both ends still grow the block geometrically rather than at every row.
    const spare = size - span;
    let front = at < oldLo ? spare - (spare >> 3) : spare >> 3;
    // A row inside the periods seen so far (input not in date order: by customer, or shuffled)
    // needs no more room than those periods: the block spans them exactly. Geometric growth alone
    // left blocks ~2.5x a customer's span there (100,000 customers x 52 shuffled weeks: 318 MB
    // peak against 168 in date order). A row at the latest period seen (date order) grows as above.
    // (A row is being placed, so minDay and maxDay are set.)
    const period = (blocks[b + AT_BASE] as number) + at;
    const firstPeriodSeen = periodOfDay(minDay as number, spec);
    const lastPeriodSeen = periodOfDay(maxDay as number, spec);
    const seen = lastPeriodSeen - firstPeriodSeen + 1;
    // (Only ever larger than the block it leaves, which goes back to the free list first: a block
    // of the same size would be that one, zeroed before its cells are copied.)
    if (period < lastPeriodSeen && size > seen && seen > (blocks[b + AT_BLOCK_SIZE] as number)) {
      size = seen;
      front = (blocks[b + AT_BASE] as number) + newLo - firstPeriodSeen;
    }
    const shift = front - newLo;
    const fromSlab = blocks[b + AT_SLAB] as number;
    const from = (blocks[b + AT_OFFSET] as number) + oldLo;
    const to = (blocks[b + AT_OFFSET] as number) + oldHi + 1;
    const oldNet = slabNet[fromSlab] as Int32Array;
    const oldSale = slabSale[fromSlab] as Uint8Array;
    placing = c;
    pendingAt = at;
    release(c);
    allocate(c, size);
    placing = -1;
    const target = (blocks[b + AT_OFFSET] as number) + oldLo + shift;
    (slabNet[blocks[b + AT_SLAB] as number] as Int32Array).set(oldNet.subarray(from, to), target);
    (slabSale[blocks[b + AT_SLAB] as number] as Uint8Array).set(oldSale.subarray(from, to), target);
    blocks[b + AT_BASE] = (blocks[b + AT_BASE] as number) - shift;
    blocks[b + AT_LO] = oldLo + shift;
    blocks[b + AT_HI] = oldHi + shift;
  }

  /**
   * Counts `period` in customer `c`'s span of periods with rows. The spans are what the ledger will
   * hold (one cell per customer per period from its first to its last row), so the memory cap
   * applies to them too: a customer's cells can be split between a column and its block.
   */
  function touch(c: number, period: number): void {
    const first = spans[c * 2] as number;
    const length = spans[c * 2 + 1] as number;
    let grown: number;
    if (length === 0) {
      spans[c * 2] = period;
      spans[c * 2 + 1] = 1;
      grown = 1;
    } else if (period < first) {
      spans[c * 2] = period;
      spans[c * 2 + 1] = length + first - period;
      grown = first - period;
    } else if (period >= first + length) {
      spans[c * 2 + 1] = period - first + 1;
      grown = period - first + 1 - length;
    } else {
      return;
    }
    spanCells += grown;
    if (spanCells > Math.max(MIN_CELL_BUDGET, rows * CELLS_PER_ROW)) {
      const from = spans[c * 2] as number;
      throw spanTooWide(spanCells, {
        c,
        from,
        to: from + (spans[c * 2 + 1] as number) - 1,
      });
    }
  }

  /** Adds `cents` (and a sale flag) to customer `c` at `period`: its column's cell, else its block. */
  function put(c: number, period: number, cents: number, sale: boolean): void {
    const j = columnOf.get(period);
    let column = j === undefined ? undefined : columnNet[j];
    if (column === undefined || c >= column.length) {
      putBlock(c, period, cents, sale);
      return;
    }
    const sum = (column[c] as number) + cents;
    if (column instanceof Int32Array && (sum | 0) !== sum) column = wideColumn(j as number);
    column[c] = sum;
    if (sale) (columnSale[j as number] as Uint8Array)[c] = 1;
    touch(c, period);
  }

  /** Column `j` as net cents of 8 bytes (a sum left the 32-bit range). */
  function wideColumn(j: number): Float64Array {
    const narrow = columnNet[j] as Int32Array;
    const { buffer, offset } = (columnBuffers as BufferCarver).carve(narrow.length * 8);
    const wide = new Float64Array(buffer, offset, narrow.length);
    wide.set(narrow);
    columnNet[j] = wide;
    return wide;
  }

  /** Adds `cents` (and a sale flag) to customer `c`'s block at `period`. */
  function putBlock(c: number, period: number, cents: number, sale: boolean): void {
    const b = c * BLOCK_INTS;
    touch(c, period);
    if (blocks[b + AT_BLOCK_SIZE] === 0) {
      allocate(c, MIN_BLOCK);
      blocks[b + AT_BASE] = period - FIRST_BLOCK_LEAD;
      blocks[b + AT_LO] = FIRST_BLOCK_LEAD;
      blocks[b + AT_HI] = FIRST_BLOCK_LEAD;
    }
    let at = period - (blocks[b + AT_BASE] as number);
    if (at < 0 || at >= (blocks[b + AT_BLOCK_SIZE] as number)) {
      grow(c, at);
      at = period - (blocks[b + AT_BASE] as number);
    }
    if (at < (blocks[b + AT_LO] as number)) blocks[b + AT_LO] = at;
    if (at > (blocks[b + AT_HI] as number)) blocks[b + AT_HI] = at;
    const slab = blocks[b + AT_SLAB] as number;
    const i = (blocks[b + AT_OFFSET] as number) + at;
    const net = slabNet[slab] as Int32Array;
    const v = net[i] as number;
    const sum = v + cents;
    if (v !== WIDE && (sum | 0) === sum && sum !== WIDE) net[i] = sum;
    else addWide(c, period, net, i, cents);
    if (sale) (slabSale[slab] as Uint8Array)[i] = 1;
  }

  /** Adds `cents` to customer `c`'s cell at `period` (slab cell `net[i]`) as a sum past 32 bits. */
  function addWide(c: number, period: number, net: Int32Array, i: number, cents: number): void {
    let sums = wideCells.get(c);
    if (sums === undefined) {
      sums = new Map();
      wideCells.set(c, sums);
    }
    const v = net[i] as number;
    sums.set(period, (v === WIDE ? (sums.get(period) as number) : v) + cents);
    net[i] = WIDE;
  }

  function countPeriodRows(period: number, n: number): void {
    periodRows.set(period, (periodRows.get(period) ?? 0) + n);
  }

  /**
   * Moves slot `k` out of the window and clears it: a dense period (an eighth or more of the
   * customers) into a column of its own, a sparse one into the customers' blocks.
   */
  function flush(k: number): void {
    const period = slotPeriod[k] as number;
    if (period === NO_PERIOD) return;
    const net = slotNet[k] as Float64Array;
    const flags = slotFlags[k] as Uint8Array;
    const count = slotCount[k] as number;
    if (count * 8 >= ids.length) {
      const n = ids.length;
      reserve(n);
      let narrow = true;
      for (let c = 0; c < n && narrow; c++) {
        const v = net[c] as number;
        narrow = (v | 0) === v;
      }
      const bytes = narrow ? (n * 4 + 7) & ~7 : n * 8;
      const { buffer, offset } = (columnBuffers as BufferCarver).carve(bytes + ((n + 7) & ~7));
      const columnNetK = narrow ? new Int32Array(buffer, offset, n) : new Float64Array(buffer, offset, n);
      const columnSaleK = new Uint8Array(buffer, offset + bytes, n);
      for (let c = 0; c < n; c++) {
        const f = flags[c] as number;
        if (f === 0) continue;
        columnNetK[c] = net[c] as number;
        if ((f & HAS_SALE) !== 0) columnSaleK[c] = 1;
        touch(c, period);
        net[c] = 0;
        flags[c] = 0;
      }
      columnOf.set(period, columnNet.length);
      columnNet.push(columnNetK);
      columnSale.push(columnSaleK);
      columnPeriod.push(period);
    } else {
      const touched = slotTouched[k] as Int32Array;
      for (let j = 0; j < count; j++) {
        const c = touched[j] as number;
        putBlock(c, period, net[c] as number, ((flags[c] as number) & HAS_SALE) !== 0);
        net[c] = 0;
        flags[c] = 0;
      }
    }
    countPeriodRows(period, slotRows[k] as number);
    slotPeriod[k] = NO_PERIOD;
    slotCount[k] = 0;
    slotRows[k] = 0;
  }

  /** Slides the window up so that it starts at `newLo`, flushing the periods that leave it. */
  function slide(newLo: number): void {
    const last = Math.min(newLo - 1, windowLo + WINDOW - 1);
    for (let p = windowLo; p <= last; p++) flush(p & WINDOW_MASK);
    windowLo = newLo;
  }

  function add(row: SaleRow): void {
    addSale(row.customerId, 0, row.customerId.length, row.day, row.amountCents, row.line, row.storeId);
  }

  function addSale(
    text: string,
    from: number,
    to: number,
    day: number,
    amount: number,
    line: number | undefined,
    storeId: string | undefined,
  ): boolean {
    if (built) throw new Error('createLedgerBuilder: add() after build(); start a new builder');
    flushRows();
    const c = customerNumber(text, from, to);
    if (c === NOT_OURS) return false;
    addSaleOf(c, day, amount, line, storeNumberOf(storeId));
    return true;
  }

  /** The number of a store id (numbered as first met), or -1 for none. */
  function storeNumberOf(storeId: string | undefined): number {
    if (storeId === undefined) return -1;
    let s = storeNumbers.get(storeId);
    if (s === undefined) {
      s = storeIds.length;
      storeIds.push(storeId);
      storeNumbers.set(storeId, s);
    }
    return s;
  }

  /** Counts a row of customer `c` at store number `s`. */
  function countStoreRow(c: number, s: number): void {
    if (c >= storeA.length) {
      const next = Math.max(1024, storeA.length * 2, c + 1);
      storeA = grownInt32(storeA, next);
      countA = grownInt32(countA, next);
      storeB = grownInt32(storeB, next);
      countB = grownInt32(countB, next);
    }
    const first = storeA[c] as number;
    if (first === 0) {
      storeA[c] = s + 1;
      countA[c] = 1;
    } else if (first === s + 1) {
      countA[c] = (countA[c] as number) + 1;
    } else if (storeB[c] === 0) {
      storeB[c] = s + 1;
      countB[c] = 1;
    } else if (storeB[c] === s + 1) {
      countB[c] = (countB[c] as number) + 1;
    } else {
      extraPairs.add(c, s, 1);
    }
  }

  /** Rows per store per customer, as `LedgerPart.storeRows` gives them. */
  function storeRowsOf(): StoreRowCounts {
    const extras = extraPairs.size;
    let entries = extras;
    for (let c = 0; c < storeA.length; c++) {
      if (storeA[c] !== 0) entries++;
      if (storeB[c] !== 0) entries++;
    }
    const customer = new Int32Array(entries);
    const store = new Int32Array(entries);
    const rows = new Int32Array(entries);
    let e = 0;
    for (let c = 0; c < storeA.length; c++) {
      if (storeA[c] === 0) continue;
      customer[e] = c;
      store[e] = (storeA[c] as number) - 1;
      rows[e++] = countA[c] as number;
      if (storeB[c] === 0) continue;
      customer[e] = c;
      store[e] = (storeB[c] as number) - 1;
      rows[e++] = countB[c] as number;
    }
    customer.set(extraPairs.customer.subarray(0, extras), e);
    store.set(extraPairs.store.subarray(0, extras), e);
    rows.set(extraPairs.rows.subarray(0, extras), e);
    return { storeIds: storeIds.slice(), customer, store, rows };
  }

  function addSaleBytes(
    bytes: Uint8Array,
    from: number,
    to: number,
    day: number,
    amount: number,
    line: number | undefined,
    storeId: string | undefined,
  ): boolean {
    if (built) throw new Error('createLedgerBuilder: add() after build(); start a new builder');
    const length = to - from;
    if (length > HELD_ID_MAX) {
      flushRows();
      const c = customerNumberOfBytes(bytes, from, to);
      if (c === NOT_OURS) return false;
      addSaleOf(c, day, amount, line, storeNumberOf(storeId));
      return true;
    }
    // customerNumberOfBytes' hash and packed key, kept for the batch's lookups.
    const j = held;
    const hash = hashAndPackBytes(bytes, from, to, heldKey, j * KEY_WORDS);
    if (!ours(hash)) return false;
    heldLength[j] = length;
    if (length > PACKED_MAX_LENGTH) {
      const at = j * HELD_ID_MAX - from;
      for (let i = from; i < to; i++) heldBytes[at + i] = bytes[i] as number;
    }
    heldStore[j] = storeNumberOf(storeId);
    heldHash[j] = hash;
    heldDay[j] = day;
    heldAmount[j] = amount;
    heldLine[j] = line ?? Number.NaN;
    held = j + 1;
    if (held === HELD_ROWS) flushRows();
    return true;
  }

  /** Folds a row of customer `c` in (numbered first: the rest is the same whatever the id's form). */
  function addSaleOf(c: number, day: number, amount: number, line: number | undefined, store: number): void {
    let period: number;
    if (day === lastDay) {
      period = lastPeriod;
    } else {
      period = periodOfDay(day, spec);
      lastDay = day;
      lastPeriod = period;
      lastWeekday = weekdayOfDay(day);
      lastOnPeriodStart = day === periodStartDay(period, spec) ? 1 : 0;
      if (minDay === null || day < minDay) minDay = day;
      if (maxDay === null || day > maxDay) maxDay = day;
    }
    weekdayRows[lastWeekday] = (weekdayRows[lastWeekday] as number) + 1;
    rowsOnPeriodStart += lastOnPeriodStart;
    rows++;
    if (day > latestFloor) keepLatest(day, ids[c] as string, line);
    if (firstLines !== undefined && rowsOf[c] === 0) firstLines[c] = line ?? Number.NaN;
    rowsOf[c] = (rowsOf[c] as number) + 1;
    if (store >= 0) countStoreRow(c, store);
    if (windowLo === NO_PERIOD) windowLo = period;
    else if (period >= windowLo + WINDOW) slide(period - WINDOW + 1);
    else if (period < windowLo) {
      // Before the window (unsorted input): straight into the customer's block.
      put(c, period, amount, amount > 0);
      countPeriodRows(period, 1);
      return;
    }
    const k = period & WINDOW_MASK;
    slotPeriod[k] = period;
    slotRows[k] = (slotRows[k] as number) + 1;
    const flags = slotFlags[k] as Uint8Array;
    const f = flags[c] as number;
    if (f === 0) {
      let touched = slotTouched[k] as Int32Array;
      const count = slotCount[k] as number;
      if (count === touched.length) {
        touched = grownInt32(touched, count * 2);
        slotTouched[k] = touched;
      }
      touched[count] = c;
      slotCount[k] = count + 1;
    }
    flags[c] = f | (amount > 0 ? HAS_ROW | HAS_SALE : HAS_ROW);
    const net = slotNet[k] as Float64Array;
    net[c] = (net[c] as number) + amount;
  }

  function buildPart(): LedgerPart {
    if (built) throw new Error('createLedgerBuilder: build() called twice; start a new builder');
    flushRows();
    if (windowLo !== NO_PERIOD) slide(windowLo + WINDOW);
    const n = ids.length;
    const startPeriod = new Int32Array(n);
    const length = new Int32Array(n);
    const customerRows = new Float64Array(n);
    let cells = 0;
    // Where each customer's span starts in `net`, less its first period: cell (c, p) is at
    // origin[c] + p.
    const origin = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      startPeriod[c] = spans[c * 2] as number;
      length[c] = spans[c * 2 + 1] as number;
      customerRows[c] = rowsOf[c] as number;
      origin[c] = cells - (spans[c * 2] as number);
      cells += length[c] as number;
    }
    // Customer-major, back to back: each customer's block (its sparse periods, zeros elsewhere)
    // copied into place, then the columns' cells added (a cell is in a column or a block, never both).
    // 32-bit unless a block cell or a column has a sum past that range.
    const net =
      wideCells.size === 0 && columnNet.every((column) => column instanceof Int32Array)
        ? new Int32Array(cells)
        : new Float64Array(cells);
    const sale = new Uint8Array(cells);
    const idEnds = new Int32Array(n);
    let idEnd = 0;
    for (let c = 0; c < n; c++) {
      const b = c * BLOCK_INTS;
      if (blocks[b + AT_BLOCK_SIZE] !== 0) {
        const from = (blocks[b + AT_OFFSET] as number) + (blocks[b + AT_LO] as number);
        const to = (blocks[b + AT_OFFSET] as number) + (blocks[b + AT_HI] as number) + 1;
        const at = (origin[c] as number) + (blocks[b + AT_BASE] as number) + (blocks[b + AT_LO] as number);
        net.set((slabNet[blocks[b + AT_SLAB] as number] as Int32Array).subarray(from, to), at);
        sale.set((slabSale[blocks[b + AT_SLAB] as number] as Uint8Array).subarray(from, to), at);
      }
      idEnd += (ids[c] as string).length;
      idEnds[c] = idEnd;
    }
    for (const [c, sums] of wideCells) for (const [p, v] of sums) net[(origin[c] as number) + p] = v;
    // Column by column over blocks of customers: the cells of a block's customers (~0.5 MB at 52
    // periods) stay in the CPU cache while every column adds its cells, where whole columns wrote
    // one cell per cache line across the whole of net (each a miss: ~100 ms at 100,000 customers x
    // 52 weeks). Each cell comes from one column at most, so the order does not change a sum.
    for (let from = 0; from < n; from += TRANSPOSE_BLOCK) {
      for (let j = 0; j < columnNet.length; j++) {
        const p = columnPeriod[j] as number;
        const columnNetJ = columnNet[j] as Float64Array | Int32Array;
        const columnSaleJ = columnSale[j] as Uint8Array;
        const to = Math.min(columnNetJ.length, from + TRANSPOSE_BLOCK);
        for (let c = from; c < to; c++) {
          const v = columnNetJ[c] as number;
          const flag = columnSaleJ[c] as number;
          if (v === 0 && flag === 0) continue;
          const i = (origin[c] as number) + p;
          net[i] = (net[i] as number) + v;
          sale[i] = (sale[i] as number) | flag;
        }
      }
    }
    let rowsStartPeriod = 0;
    let periodRowCounts = new Float64Array(0);
    if (periodRows.size > 0) {
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const p of periodRows.keys()) {
        if (p < first) first = p;
        if (p > last) last = p;
      }
      rowsStartPeriod = first;
      periodRowCounts = new Float64Array(last - first + 1);
      for (const [p, count] of periodRows) periodRowCounts[p - first] = count;
    }
    const part = createLedgerPart(
      { ids: ids.join(''), idEnds, startPeriod, length, customerRows, net, sale },
      { minDay, maxDay, rows, rowsOnPeriodStart, rowsStartPeriod, periodRows: periodRowCounts },
    );
    part.weekdayRows = weekdayRows.slice();
    part.latestRows = latest.slice();
    // (A store is numbered only for a row of this builder's, which counts it.)
    if (storeIds.length > 0) part.storeRows = storeRowsOf();
    if (firstLines !== undefined) {
      part.firstLines = firstLines.slice(0, n);
      firstLines = new Float64Array(0);
    }
    // Release the slabs and columns (~60 MB on 100,000 customers) while the caller still holds
    // the builder.
    built = true;
    table = new Int32Array(0);
    ids.length = 0;
    slabNet = [];
    slabSale = [];
    slabBuffers = undefined;
    free.clear();
    wideCells.clear();
    columnNet = [];
    columnSale = [];
    columnPeriod = [];
    columnOf.clear();
    columnBuffers = undefined;
    slotNet = [];
    slotFlags = [];
    storeIds.length = 0;
    storeNumbers.clear();
    extraPairs = new StorePairCounts();
    storeA = countA = storeB = countB = new Int32Array(0);
    blocks = spans = rowsOf = new Int32Array(0);
    return part;
  }

  function build(): SalesLedger {
    return ledgerFromPart(spec, buildPart());
  }

  return { add, addSale, addSaleBytes, flushRows, build, buildPart };
}

/**
 * A ledger in a form that crosses threads cheaply (typed arrays are transferred, not copied): the
 * customers in order of first appearance, customer `c`'s periods `startPeriod[c]` ..
 * `startPeriod[c] + length[c] - 1` stored back to back in `net` and `sale`.
 */
export interface LedgerPart {
  /** The customer ids, concatenated; id `c` ends at `idEnds[c]`. */
  ids: string;
  idEnds: Int32Array;
  startPeriod: Int32Array;
  length: Int32Array;
  /** Rows per customer. */
  customerRows: Float64Array;
  /** Net cents per customer period: 32-bit when every sum fits (a builder's part, usually). */
  net: Float64Array | Int32Array;
  /** 1 where the customer period had a positive row. */
  sale: Uint8Array;
  minDay: number | null;
  maxDay: number | null;
  rows: number;
  /**
   * Rows per weekday (as `SalesLedger.weekdayRows`). Absent when the source does not know them: a
   * database source knows which weekdays had rows, not how many, and gives them only when one
   * weekday holds every row.
   */
  weekdayRows?: number[];
  rowsOnPeriodStart: number;
  /**
   * Latest first, ties in the order the rows were added (as `SalesLedger.latestRows`). Absent when
   * the source did not keep them (a database source asks for them only when needed).
   */
  latestRows?: LatestRow[];
  /** Rows per period (all customers) from `rowsStartPeriod`; empty without rows. */
  rowsStartPeriod: number;
  periodRows: Float64Array;
  /** Rows per store per customer (customers in this part's numbering). */
  storeRows?: StoreRowCounts;
  /** A partition's part (`LedgerBuilderOptions.partition`): each customer's first line. */
  firstLines?: Float64Array;
}

/** A part's customers: their ids, spans and row counts, and their periods' cells back to back. */
export type LedgerPartCustomers = Pick<
  LedgerPart,
  'ids' | 'idEnds' | 'startPeriod' | 'length' | 'customerRows' | 'net' | 'sale'
>;

/** A part's counts over all its rows; `rowsStartPeriod` is where `periodRows` starts. */
export type LedgerPartRows = Pick<
  LedgerPart,
  'minDay' | 'maxDay' | 'rows' | 'rowsOnPeriodStart' | 'rowsStartPeriod' | 'periodRows'
>;

/**
 * A `LedgerPart`, the one constructor of every source that builds one (the ledger builder, the
 * merge of the CSV workers' parts, the Postgres source's sums). `rowsStartPeriod` is 0 without
 * rows, as `LedgerPart` says. The fields a source knows only sometimes (`weekdayRows`,
 * `latestRows`, `storeRows`) are the caller's to add.
 */
export function createLedgerPart(customers: LedgerPartCustomers, rows: LedgerPartRows): LedgerPart {
  return {
    ids: customers.ids,
    idEnds: customers.idEnds,
    startPeriod: customers.startPeriod,
    length: customers.length,
    customerRows: customers.customerRows,
    net: customers.net,
    sale: customers.sale,
    minDay: rows.minDay,
    maxDay: rows.maxDay,
    rows: rows.rows,
    rowsOnPeriodStart: rows.rowsOnPeriodStart,
    rowsStartPeriod: rows.periodRows.length > 0 ? rows.rowsStartPeriod : 0,
    periodRows: rows.periodRows,
  };
}

/** The text of the ASCII bytes `bytes[from .. to)`, as a flat string (core stays free of Buffer). */
function asciiString(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) text += String.fromCharCode(bytes[i] as number);
  return ownString(text, 0, text.length);
}

/** The id the packed key `keys[at ..]` holds (see PACKED_MAX_LENGTH): its length in the first byte. */
function unpackedId(keys: Int32Array, at: number): string {
  const length = (keys[at] as number) & 0xff;
  let id = '';
  for (let p = 1; p <= length; p++) {
    id += String.fromCharCode(((keys[at + (p >> 2)] as number) >>> ((p & 3) << 3)) & 0xff);
  }
  return id;
}

/** Whether `bytes[from ..]` holds the characters of `id` (ASCII ids: a byte is its code). */
function sameText(id: string, bytes: Uint8Array, from: number): boolean {
  for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) !== bytes[from + k]) return false;
  return true;
}

/** Flat copy of `text.slice(from, to)` (see customerNumber). */
function ownString(text: string, from: number, to: number): string {
  const s = text.slice(from, to);
  // V8 keeps a slice of 13+ characters as a view that pins the whole source string (a 1 MiB chunk
  // of a CSV file, for as long as the customer lives); a JSON round trip makes a flat copy.
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

function idOf(part: LedgerPart, c: number): string {
  return part.ids.slice(c === 0 ? 0 : (part.idEnds[c - 1] as number), part.idEnds[c] as number);
}

/**
 * Merges parts built from consecutive pieces of the same rows (e.g. byte ranges of one file, in
 * file order) into the part one builder would have built from all the rows: customers in order of
 * first appearance, sums per customer period (cents are integers: the sum is exact in any order),
 * the latest rows of all parts (`LatestRow.line` must already count from the start of the file).
 */
export function mergeLedgerParts(parts: readonly LedgerPart[]): LedgerPart {
  if (parts.length === 1) return parts[0] as LedgerPart;
  const index = new Map<string, number>();
  const newIds: string[] = [];
  const globalOf: Int32Array[] = [];
  let first = new Int32Array(1024);
  let last = new Int32Array(1024);
  let customerRows = new Float64Array(1024);
  let n = 0;
  for (const part of parts) {
    const count = part.idEnds.length;
    const map = new Int32Array(count);
    for (let c = 0; c < count; c++) {
      const id = idOf(part, c);
      let g = index.get(id);
      const from = part.startPeriod[c] as number;
      const to = from + (part.length[c] as number) - 1;
      if (g === undefined) {
        g = n++;
        index.set(id, g);
        newIds.push(id);
        if (g === first.length) {
          first = grownInt32(first, g * 2);
          last = grownInt32(last, g * 2);
          customerRows = grownFloat64(customerRows, g * 2);
        }
        first[g] = from;
        last[g] = to;
      } else {
        if (from < (first[g] as number)) first[g] = from;
        if (to > (last[g] as number)) last[g] = to;
      }
      customerRows[g] = (customerRows[g] as number) + (part.customerRows[c] as number);
      map[c] = g;
    }
    globalOf.push(map);
  }
  const offset = new Float64Array(n + 1);
  const length = new Int32Array(n);
  const idEnds = new Int32Array(n);
  let idEnd = 0;
  for (let g = 0; g < n; g++) {
    length[g] = (last[g] as number) - (first[g] as number) + 1;
    offset[g + 1] = (offset[g] as number) + (length[g] as number);
    idEnd += (newIds[g] as string).length;
    idEnds[g] = idEnd;
  }
  const cells = offset[n] as number;
  checkMergedCells(cells, parts);
  const sale = new Uint8Array(cells);
  // 32-bit cells when every part's are and every sum fits; else (rare) 8-byte cells, added again.
  const into = { offset, first, globalOf, sale };
  let net: Float64Array | Int32Array = new Int32Array(cells);
  if (!parts.every((part) => part.net instanceof Int32Array) || !addPartCells(net, parts, into)) {
    net = new Float64Array(cells);
    sale.fill(0);
    addPartCells(net, parts, into);
  }

  const merged = createLedgerPart(
    {
      ids: newIds.join(''),
      idEnds,
      startPeriod: first.slice(0, n),
      length,
      customerRows: customerRows.slice(0, n),
      net,
      sale,
    },
    partRowTotals(parts),
  );
  // Each part's list is latest first, ties in row order; a stable sort of the parts in order keeps
  // ties in row order across parts, as one builder would have.
  addMergedCounts(merged, parts, (a, b) => b.day - a.day);
  const storeRows = mergeStoreRows(
    parts.map((part) => part.storeRows),
    globalOf,
  );
  if (storeRows !== undefined) merged.storeRows = storeRows;
  return merged;
}

/**
 * Adds each part's cells into the merged `net` and `sale` (customer `c` of part `k` is merged
 * customer `globalOf[k][c]`, whose cells start at `offset[g]` with period `first[g]`). Into 32-bit
 * cells it stops, with false, at the first sum that leaves their range.
 */
function addPartCells(
  net: Float64Array | Int32Array,
  parts: readonly LedgerPart[],
  into: { offset: Float64Array; first: Int32Array; globalOf: readonly Int32Array[]; sale: Uint8Array },
): boolean {
  const { offset, first, globalOf, sale } = into;
  const narrow = net instanceof Int32Array;
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as LedgerPart;
    const map = globalOf[k] as Int32Array;
    let src = 0;
    for (let c = 0; c < map.length; c++) {
      const g = map[c] as number;
      const span = part.length[c] as number;
      const dst = (offset[g] as number) + (part.startPeriod[c] as number) - (first[g] as number);
      for (let i = 0; i < span; i++) {
        const sum = (net[dst + i] as number) + (part.net[src + i] as number);
        if (narrow && (sum | 0) !== sum) return false;
        net[dst + i] = sum;
        sale[dst + i] = (sale[dst + i] as number) | (part.sale[src + i] as number);
      }
      src += span;
    }
  }
  return true;
}

/**
 * The memory cap (MIN_CELL_BUDGET, CELLS_PER_ROW) on merged parts: each part kept to it for its own
 * rows, but joined spans can outgrow it (byte ranges of one customer's rows in 1900 and in 2990
 * each span one period). Over it, the merge stops before allocating; a reader then reads the file
 * in one builder, which says where (its message names the dates and a customer).
 */
function checkMergedCells(cells: number, parts: readonly LedgerPart[]): void {
  let rows = 0;
  for (const part of parts) rows += part.rows;
  const budget = Math.max(MIN_CELL_BUDGET, rows * CELLS_PER_ROW);
  if (cells <= budget) return;
  throw new InputError(
    `The sales dates span too many periods for the number of rows: these ${rows.toLocaleString('en-US')} rows ` +
      `would need ${cells.toLocaleString('en-US')} period values (the cap is ${CELLS_PER_ROW} per row, at least ` +
      `${MIN_CELL_BUDGET.toLocaleString('en-US')}).`,
    {
      hint: 'A mistyped year (1900, 2999) in the date column usually causes this: correct or remove those rows, or check --date-format.',
    },
  );
}

/** The row counts over all parts (days, rows, rows per period). */
function partRowTotals(parts: readonly LedgerPart[]): LedgerPartRows {
  let minDay: number | null = null;
  let maxDay: number | null = null;
  let rows = 0;
  let rowsOnPeriodStart = 0;
  let rowsFirst = Number.POSITIVE_INFINITY;
  let rowsLast = Number.NEGATIVE_INFINITY;
  for (const part of parts) {
    if (part.minDay !== null && (minDay === null || part.minDay < minDay)) minDay = part.minDay;
    if (part.maxDay !== null && (maxDay === null || part.maxDay > maxDay)) maxDay = part.maxDay;
    rows += part.rows;
    rowsOnPeriodStart += part.rowsOnPeriodStart;
    if (part.periodRows.length > 0) {
      rowsFirst = Math.min(rowsFirst, part.rowsStartPeriod);
      rowsLast = Math.max(rowsLast, part.rowsStartPeriod + part.periodRows.length - 1);
    }
  }
  const periodRows = new Float64Array(rowsLast >= rowsFirst ? rowsLast - rowsFirst + 1 : 0);
  for (const part of parts) {
    for (let i = 0; i < part.periodRows.length; i++) {
      const at = part.rowsStartPeriod - rowsFirst + i;
      periodRows[at] = (periodRows[at] as number) + (part.periodRows[i] as number);
    }
  }
  return { minDay, maxDay, rows, rowsOnPeriodStart, rowsStartPeriod: rowsFirst, periodRows };
}

/**
 * Sets the merged part's rows per weekday (known only if every part knows them) and its latest
 * rows: the parts' lists joined, sorted by `order`, the first LATEST_ROWS_KEPT.
 */
function addMergedCounts(
  merged: LedgerPart,
  parts: readonly LedgerPart[],
  order: (a: LatestRow, b: LatestRow) => number,
): void {
  let weekdayRows: number[] | undefined = [0, 0, 0, 0, 0, 0, 0];
  for (const part of parts) {
    if (part.weekdayRows === undefined) weekdayRows = undefined;
    else if (weekdayRows !== undefined)
      for (let d = 0; d < 7; d++) weekdayRows[d] = (weekdayRows[d] as number) + (part.weekdayRows[d] ?? 0);
  }
  if (weekdayRows !== undefined) merged.weekdayRows = weekdayRows;
  merged.latestRows = parts
    .flatMap((part) => part.latestRows ?? [])
    .sort(order)
    .slice(0, LATEST_ROWS_KEPT);
}

/**
 * Joins the parts of builders that each folded in the rows of one partition of the customers
 * (`LedgerBuilderOptions.partition`) from the same rows: the part one builder would have built.
 * No customer is in two parts; they are put back in order of first appearance (their first
 * lines), the latest rows too. Each part must carry `firstLines`.
 */
export function mergePartitionedParts(parts: readonly LedgerPart[]): LedgerPart {
  if (parts.length === 1) return parts[0] as LedgerPart;
  let n = 0;
  let cells = 0;
  for (const part of parts) {
    if (part.firstLines === undefined) throw new Error('mergePartitionedParts: a part without first lines');
    n += part.idEnds.length;
    cells += part.net.length;
  }
  checkMergedCells(cells, parts);
  const idEnds = new Int32Array(n);
  const startPeriod = new Int32Array(n);
  const length = new Int32Array(n);
  const customerRows = new Float64Array(n);
  const net = parts.every((part) => part.net instanceof Int32Array)
    ? new Int32Array(cells)
    : new Float64Array(cells);
  const sale = new Uint8Array(cells);
  const ids: string[] = [];
  // Each part's customers are in order of their first lines: a merge of the parts' runs.
  const next = new Int32Array(parts.length);
  /** Each part's customers' numbers in the merged part. */
  const mergedOf = parts.map((part) => new Int32Array(part.idEnds.length));
  const idAt = new Int32Array(parts.length);
  const cellAt = new Float64Array(parts.length);
  let idEnd = 0;
  let at = 0;
  for (let g = 0; g < n; g++) {
    let k = -1;
    let line = Number.POSITIVE_INFINITY;
    for (let q = 0; q < parts.length; q++) {
      const part = parts[q] as LedgerPart;
      const c = next[q] as number;
      if (c >= part.idEnds.length) continue;
      const l = (part.firstLines as Float64Array)[c] as number;
      // Without a line (NaN), a part keeps its place after the parts before it.
      if (k < 0 || l < line) {
        k = q;
        line = Number.isNaN(l) ? Number.NEGATIVE_INFINITY : l;
      }
    }
    const part = parts[k] as LedgerPart;
    const c = next[k] as number;
    next[k] = c + 1;
    (mergedOf[k] as Int32Array)[c] = g;
    const end = part.idEnds[c] as number;
    ids.push(part.ids.slice(idAt[k] as number, end));
    idEnd += end - (idAt[k] as number);
    idAt[k] = end;
    idEnds[g] = idEnd;
    startPeriod[g] = part.startPeriod[c] as number;
    const span = part.length[c] as number;
    length[g] = span;
    customerRows[g] = part.customerRows[c] as number;
    const from = cellAt[k] as number;
    net.set(part.net.subarray(from, from + span), at);
    sale.set(part.sale.subarray(from, from + span), at);
    cellAt[k] = from + span;
    at += span;
  }
  const merged = createLedgerPart(
    { ids: ids.join(''), idEnds, startPeriod, length, customerRows, net, sale },
    partRowTotals(parts),
  );
  // Latest first, ties in row order (by line).
  addMergedCounts(merged, parts, (a, b) => b.day - a.day || (a.line ?? 0) - (b.line ?? 0));
  const storeRows = mergeStoreRows(
    parts.map((part) => part.storeRows),
    mergedOf,
  );
  if (storeRows !== undefined) merged.storeRows = storeRows;
  return merged;
}

/**
 * The `SalesLedger` of a part: each customer's net cents as an exact-size plain array (shared by
 * the analysis as the customer's series), sale flags as views of one buffer.
 */
export function ledgerFromPart(
  spec: PeriodSpec,
  part: LedgerPart,
  options: LedgerFromPartOptions = {},
): SalesLedger {
  return drainSteps(ledgerFromPartSteps(spec, part, options));
}

/** How `ledgerFromPart` lays out the customers' arrays. */
export interface LedgerFromPartOptions {
  /**
   * Run a customer's `net` on with zeros to the ledger's last period when its rows stop before it
   * and the whole padded span fits in SERIES_PERIODS. The analysis shows each customer's series up
   * to the as-of period, usually that last one, and then shares the ledger's array instead of
   * copying it with the zeros appended (38,919 of the benchmark's 100,000 customers, ~23 MB less
   * while it runs). The CSV and Postgres sources, read for an analysis, ask for it. Default false.
   */
  padToLastPeriod?: boolean;
  /**
   * Keep every customer's `net` as an `IntCents` view of one shared Int32Array (4 bytes a period
   * and a 96-byte view, against 8 bytes a period and a 48-byte array) when every net fits 32 bits.
   * Default: from `COMPACT_NETS_MIN_CUSTOMERS` customers on, where it saves ~160 MB per 1,000,000
   * customers x 52 weeks; smaller ledgers keep plain arrays. A net outside the 32-bit range (over
   * ~$21 million in one period) keeps plain arrays whatever this says.
   */
  compactNets?: boolean;
}

/** From this many customers a ledger keeps its nets compact by default (`LedgerFromPartOptions.compactNets`). */
export const COMPACT_NETS_MIN_CUSTOMERS = 20_000;

/**
 * A customer's net cents per period as a view of a ledger's shared Int32Array. It serialises as a
 * plain array (`toJSON`), so a snapshot or a JSON document holds the same text either way, and its
 * `subarray`/`slice`/`map` give `IntCents` too.
 */
export class IntCents extends Int32Array {
  toJSON(): number[] {
    return Array.from(this);
  }
}

/**
 * A customer of a compact ledger. Its sale flags are read through a view made at each read of
 * `positive` (the readers take it once per customer): a view kept per customer cost 96 bytes, ~76
 * MB per 1,000,000 customers, against 24 here.
 */
export class CompactCustomerLedger implements CustomerLedger {
  readonly customerId: string;
  readonly startPeriod: number;
  readonly net: IntCents;
  readonly rows: number;
  readonly #flags: Uint8Array;
  readonly #at: number;
  readonly #length: number;
  constructor(
    customerId: string,
    startPeriod: number,
    net: IntCents,
    rows: number,
    flags: Uint8Array,
    flagsAt: number,
    flagsLength: number,
  ) {
    this.customerId = customerId;
    this.startPeriod = startPeriod;
    this.net = net;
    this.rows = rows;
    this.#flags = flags;
    this.#at = flagsAt;
    this.#length = flagsLength;
  }
  get positive(): Uint8Array {
    return this.#flags.subarray(this.#at, this.#at + this.#length);
  }
  /**
   * The buffer `positive` is a view of, and the view's offset and length in it: a reader that takes
   * the flags for every customer at every replay point (computeCustomerFacts) reads them in place
   * instead of making a view each time (1.4 million views at 100,000 customers x 14 points).
   */
  get flagBuffer(): Uint8Array {
    return this.#flags;
  }
  get flagOffset(): number {
    return this.#at;
  }
  get flagLength(): number {
    return this.#length;
  }
}

/** Whether every value is a whole number in the 32-bit range (what `IntCents` can hold). */
export function fitsInt32(values: ArrayLike<number>): boolean {
  if (values instanceof Int32Array) return true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if ((v | 0) !== v) return false;
  }
  return true;
}

/**
 * `ledgerFromPart` in steps of `CUSTOMERS_PER_STEP` customers (see steps.ts): a bot's refresh turns
 * 1,000,000 customers into objects without holding its event loop for the whole of it.
 */
export function* ledgerFromPartSteps(
  spec: PeriodSpec,
  part: LedgerPart,
  options: LedgerFromPartOptions = {},
): Steps<SalesLedger> {
  const out = new Map<string, CustomerLedger>();
  const n = part.idEnds.length;
  const { net: partNet, sale: partSale } = part;
  // Sale flags: one buffer for every customer, handed out as views (a view costs a fraction of a
  // plain array of 0s and 1s). Customers who bought in every period of their span (a quarter to
  // most of them, in dense data) share one all-ones view per length.
  let flagged = 0;
  let at = 0;
  for (let c = 0; c < n; c++) {
    const length = part.length[c] as number;
    for (let i = at; i < at + length; i++) {
      if (partSale[i] !== 1) {
        flagged += length;
        break;
      }
    }
    at += length;
    if ((c + 1) % CUSTOMERS_PER_STEP === 0) yield;
  }
  const flags = new Uint8Array(flagged);
  let flagsUsed = 0;
  const ones = new Map<number, Uint8Array>();
  // Pad to (options.padToLastPeriod), or never.
  const lastPeriod =
    options.padToLastPeriod === true && part.maxDay !== null
      ? periodOfDay(part.maxDay, spec)
      : Number.NEGATIVE_INFINITY;
  const netLength = (c: number): number => {
    const length = part.length[c] as number;
    const padded = lastPeriod - (part.startPeriod[c] as number) + 1;
    return padded > length && padded <= SERIES_PERIODS ? padded : length;
  };
  // Compact nets: one Int32Array for all of them (zeros where padded), views handed out below.
  let cells: Int32Array | null = null;
  if ((options.compactNets ?? n >= COMPACT_NETS_MIN_CUSTOMERS) && fitsInt32(partNet)) {
    let total = 0;
    for (let c = 0; c < n; c++) total += netLength(c);
    cells = new Int32Array(total);
    yield;
  }
  let cellsUsed = 0;
  // A compact ledger's all-sales customers read their flags from one run of ones, as long as the longest.
  let allOnes: Uint8Array | null = null;
  if (cells !== null) {
    let longest = 0;
    for (let c = 0; c < n; c++) longest = Math.max(longest, part.length[c] as number);
    allOnes = new Uint8Array(longest).fill(1);
  }
  // Each customer's main store, keyed by the id string its ledger holds (not a second copy).
  const { storeRows } = part;
  const mainStore =
    storeRows !== undefined && storeRows.customer.length > 0 ? mainStores(storeRows, n) : undefined;
  const stores = mainStore === undefined ? undefined : new Map<string, string>();
  at = 0;
  let idStart = 0;
  for (let c = 0; c < n; c++) {
    const length = part.length[c] as number;
    const startPeriod = part.startPeriod[c] as number;
    const span = netLength(c);
    let net: number[] | IntCents;
    if (cells !== null) {
      net = new IntCents(cells.buffer as ArrayBuffer, cellsUsed * 4, span);
      cellsUsed += span;
      net.set(partNet.subarray(at, at + length));
    } else {
      const plain = new Array<number>(span);
      for (let i = 0; i < length; i++) plain[i] = partNet[at + i] as number;
      for (let i = length; i < span; i++) plain[i] = 0;
      net = plain;
    }
    let allSales = true;
    for (let i = 0; i < length; i++) {
      if (partSale[at + i] !== 1) {
        allSales = false;
        break;
      }
    }
    const idEnd = part.idEnds[c] as number;
    const customerId = part.ids.slice(idStart, idEnd);
    idStart = idEnd;
    const store = mainStore?.[c] ?? -1;
    if (store >= 0) stores?.set(customerId, (storeRows as StoreRowCounts).storeIds[store] as string);
    const rows = part.customerRows[c] as number;
    if (net instanceof IntCents && allOnes !== null) {
      let customer: CompactCustomerLedger;
      if (allSales) {
        customer = new CompactCustomerLedger(customerId, startPeriod, net, rows, allOnes, 0, length);
      } else {
        flags.set(partSale.subarray(at, at + length), flagsUsed);
        customer = new CompactCustomerLedger(customerId, startPeriod, net, rows, flags, flagsUsed, length);
        flagsUsed += length;
      }
      out.set(customerId, customer);
    } else {
      let positive: Uint8Array;
      if (allSales) {
        positive = ones.get(length) ?? new Uint8Array(length).fill(1);
        ones.set(length, positive);
      } else {
        positive = flags.subarray(flagsUsed, flagsUsed + length);
        positive.set(partSale.subarray(at, at + length));
        flagsUsed += length;
      }
      out.set(customerId, { customerId, startPeriod, net, positive, rows });
    }
    at += length;
    if ((c + 1) % CUSTOMERS_PER_STEP === 0) yield;
  }
  const ledger: SalesLedger = {
    period: spec,
    customers: out,
    minDay: part.minDay,
    maxDay: part.maxDay,
    rows: part.rows,
    rowsOnPeriodStart: part.rowsOnPeriodStart,
  };
  if (part.weekdayRows !== undefined) ledger.weekdayRows = part.weekdayRows.slice();
  if (part.latestRows !== undefined) ledger.latestRows = part.latestRows.slice();
  if (stores !== undefined) ledger.customerStores = stores;
  if (part.periodRows.length > 0) {
    ledger.rowsByPeriod = { startPeriod: part.rowsStartPeriod, counts: Array.from(part.periodRows) };
  }
  return ledger;
}
