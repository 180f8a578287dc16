/**
 * The ledger from the sums query's COPY text (docs/postgres-source.md): one line per (raw customer
 * value, period) group, `c \t p \t cents \t n \t pos \t days \t ons`, in the database's hash order.
 *
 * The lines are parsed by hand from the bytes as they stream in (no per-field strings, one string
 * per distinct customer value), and the groups kept in blocks of typed arrays; `buildSteps()` then
 * sorts the customers by id and lays each one's periods out densely as a `LedgerPart` (the typed-array
 * form the CSV reader's workers send), which `ledgerFromPartSteps` turns into the `SalesLedger`, as
 * for a CSV file (nets padded with zeros to the last period alike): all in steps (core/steps.ts), so
 * a bot reading a million customers keeps answering between them. A customer value is trimmed here
 * (space, tab, no-break space, as the CSV reader trims) rather than in SQL, which keeps a `btrim` per
 * row out of the scan; values that trim to the same id are merged, and a value that trims to nothing
 * makes its rows "customer id is empty" whatever else is wrong with them (the CSV reader checks the
 * customer first).
 */
import { createLedgerPart, type LedgerPart, ledgerFromPartSteps } from '../../core/ledger.ts';
import { periodStartDay, weekdayOfDay } from '../../core/periods.ts';
import { CUSTOMERS_PER_STEP, drainSteps, type Steps, sortSteps } from '../../core/steps.ts';
import type { PeriodSpec, SalesLedger } from '../../core/types.ts';

/**
 * A bad row's period in the sums query: `BAD_PERIOD - code` (code 2 date empty, 3 bad date, 4 amount
 * empty, 5 bad amount), below any period of a date Postgres can store (4713 BC is week -350,000).
 */
export const BAD_PERIOD = -1_000_000_000;

const TAB = 9;
const NEWLINE = 10;
const MINUS = 45;
const BACKSLASH = 92;
const ZERO = 48;
const T = 116;
/**
 * Groups per block of the group store, and placed in their customers' series between two pauses
 * (a few milliseconds, about a customer step).
 */
const GROUP_BLOCK = 1 << 14;

/** Trims what the CSV reader trims around a customer id (space, tab, no-break space). */
function trimId(raw: string): string {
  let start = 0;
  let end = raw.length;
  const blank = (code: number) => code === 32 || code === 9 || code === 0xa0;
  while (start < end && blank(raw.charCodeAt(start))) start++;
  while (end > start && blank(raw.charCodeAt(end - 1))) end--;
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}

/** A COPY text field with backslash escapes (`\\`, `\t`, `\n`, ...) as its value. */
function unescapeCopyText(text: string): string {
  return text.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (e[0]! >= '0' && e[0]! <= '7') return String.fromCharCode(Number.parseInt(e, 8));
    const named: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    return named[e] ?? e;
  });
}

export interface SumsLedgerBuilder {
  /** Folds in the next bytes of the COPY text (lines may be split across chunks). */
  add(chunk: Uint8Array): void;
  /** Groups read so far (lines of the COPY output). */
  readonly groups: number;
  /**
   * The ledger (customers sorted by id; nets padded with zeros to the last period, as
   * `ledgerFromPart`'s `padToLastPeriod`) and the bad-row counts by code (index 1-5), after the last
   * chunk, in steps of `CUSTOMERS_PER_STEP` customers or a block of groups. Call it once: it
   * releases the builder's buffers as it goes.
   */
  buildSteps(): Steps<{ ledger: SalesLedger; bad: number[] }>;
  /** `buildSteps()` run through at once. */
  build(): { ledger: SalesLedger; bad: number[] };
}

/** Growable typed arrays (doubling), indexed from 0. */
function wider<A extends Int32Array | Float64Array>(a: A, size: number): A {
  const b = new (a.constructor as new (n: number) => A)(size);
  b.set(a);
  return b;
}

export function sumsLedgerBuilder(spec: PeriodSpec): SumsLedgerBuilder {
  // The groups arrive in hash order, so each line touches a random customer: the per-line state is
  // kept in few interleaved typed arrays (one cache miss each) rather than in objects and maps.
  // Raw customer values (their COPY bytes) -> customer number, in an open-addressing hash table over
  // the bytes: no string per line, only per distinct value.
  let rawBytes = Buffer.alloc(1 << 20);
  let rawUsed = 0;
  let raws = 0;
  // Per slot (16 bytes, one cache line): hash, customer + 2 (0 = free), start in rawBytes, length.
  let slots = new Int32Array(4 << 13);
  const byId = new Map<string, number>();
  const ids: string[] = [];
  // Per customer: first and last period with good rows, rows, periods with a sale.
  let customer4 = new Int32Array(4 << 12);
  // Per group (good rows only): customer, period * 2 + 1 when a row was positive, net cents. In
  // fixed blocks, not one array grown by doubling: a doubling copies every group so far in one go
  // (59 ms of CPU at 2 M groups, 16 bytes a group, and twice the memory meanwhile).
  const customerBlocks: Int32Array[] = [];
  const periodSaleBlocks: Int32Array[] = [];
  const centsBlocks: Float64Array[] = [];
  let groupCustomer = new Int32Array(0);
  let groupPeriodSale = new Int32Array(0);
  let groupCents = new Float64Array(0);
  let inBlock = GROUP_BLOCK;
  // Per period, all customers: rows, and which day offsets had rows (bit i = the period's day i).
  let periodBase = 0;
  let periodRows = new Float64Array(0);
  let periodDays = new Int32Array(0);
  let lines = 0;
  let onStart = 0;
  const bad = [0, 0, 0, 0, 0, 0];
  let carry: Buffer | null = null;
  let built = false;

  function newCustomer(id: string): number {
    const n = ids.length;
    ids.push(id);
    byId.set(id, n);
    if (n * 4 === customer4.length) customer4 = wider(customer4, n * 8);
    customer4[n * 4] = 2 ** 31 - 1;
    customer4[n * 4 + 1] = -(2 ** 31);
    return n;
  }

  /** The customer number of a raw value not seen before (-1 when it trims to nothing or is NULL). */
  function firstSight(buf: Buffer, start: number, end: number): number {
    if (end - start === 2 && buf[start] === BACKSLASH && buf[start + 1] === 78) return -1; // \N: NULL
    let text = buf.toString('utf8', start, end);
    if (text.includes('\\')) text = unescapeCopyText(text);
    const id = trimId(text);
    if (id === '') return -1;
    return byId.get(id) ?? newCustomer(id);
  }

  function rehash(): void {
    const old = slots;
    slots = new Int32Array(old.length * 2);
    const mask = (slots.length >> 2) - 1;
    for (let o = 0; o < old.length; o += 4) {
      if (old[o + 1] === 0) continue;
      let slot = old[o]! & mask;
      while (slots[slot * 4 + 1] !== 0) slot = (slot + 1) & mask;
      // Four stores, not `set(subarray)`: a subarray is an object, one per customer here.
      const at = slot * 4;
      slots[at] = old[o]!;
      slots[at + 1] = old[o + 1]!;
      slots[at + 2] = old[o + 2]!;
      slots[at + 3] = old[o + 3]!;
    }
  }

  /** The customer number of the raw value in `buf[start, end)` whose FNV-1a hash is `h`. */
  function customerOf(buf: Buffer, start: number, end: number, h: number): number {
    const mask = (slots.length >> 2) - 1;
    const length = end - start;
    let slot = h & mask;
    for (;;) {
      const at = slot * 4;
      const entry = slots[at + 1]!;
      if (entry === 0) break;
      if (slots[at] === h && slots[at + 3] === length) {
        const from = slots[at + 2]! - start;
        let i = start;
        while (i < end && rawBytes[from + i] === buf[i]) i++;
        if (i === end) return entry - 2;
      }
      slot = (slot + 1) & mask;
    }
    const customer = firstSight(buf, start, end);
    if (rawUsed + length > rawBytes.length) {
      const more = Buffer.alloc(Math.max(rawBytes.length * 2, rawUsed + length));
      rawBytes.copy(more, 0, 0, rawUsed);
      rawBytes = more;
    }
    buf.copy(rawBytes, rawUsed, start, end);
    slots[slot * 4] = h;
    slots[slot * 4 + 1] = customer + 2;
    slots[slot * 4 + 2] = rawUsed;
    slots[slot * 4 + 3] = length;
    rawUsed += length;
    raws++;
    if (raws * 2 > slots.length >> 2) rehash();
    return customer;
  }

  /** Makes the per-period arrays cover `period`. */
  function coverPeriod(period: number): void {
    const from = periodRows.length === 0 ? period : Math.min(periodBase, period);
    const to = periodRows.length === 0 ? period : Math.max(periodBase + periodRows.length - 1, period);
    const rows = new Float64Array(to - from + 1);
    const days = new Int32Array(to - from + 1);
    if (periodRows.length > 0) {
      rows.set(periodRows, periodBase - from);
      days.set(periodDays, periodBase - from);
    }
    periodRows = rows;
    periodDays = days;
    periodBase = from;
  }

  function addGroup(
    customer: number,
    period: number,
    cents: number,
    rows: number,
    sale: number,
    days: number,
  ): void {
    if (inBlock === GROUP_BLOCK) {
      groupCustomer = new Int32Array(GROUP_BLOCK);
      groupPeriodSale = new Int32Array(GROUP_BLOCK);
      groupCents = new Float64Array(GROUP_BLOCK);
      customerBlocks.push(groupCustomer);
      periodSaleBlocks.push(groupPeriodSale);
      centsBlocks.push(groupCents);
      inBlock = 0;
    }
    groupCustomer[inBlock] = customer;
    groupPeriodSale[inBlock] = period * 2 + sale;
    groupCents[inBlock] = cents;
    inBlock++;
    const c = customer * 4;
    if (period < customer4[c]!) customer4[c] = period;
    if (period > customer4[c + 1]!) customer4[c + 1] = period;
    customer4[c + 2]! += rows;
    customer4[c + 3]! += sale;
    let at = period - periodBase;
    if (at < 0 || at >= periodRows.length) {
      coverPeriod(period);
      at = period - periodBase;
    }
    periodRows[at]! += rows;
    periodDays[at]! |= days;
  }

  /** The numbers of a line after the customer: p, cents, n, pos (1/0), days, ons. */
  const fields = new Float64Array(6);

  /** Parses the lines of `buf` from `from` (a line start) up to `end` (just after a newline). */
  function parse(buf: Buffer, from: number, end: number): void {
    let at = from;
    while (at < end) {
      const start = at;
      let h = 0x811c9dc5;
      for (let ch = buf[at]!; ch !== TAB; ch = buf[++at]!) h = Math.imul(h ^ ch, 0x01000193);
      const customer = customerOf(buf, start, at, h);
      at++;
      for (let k = 0; k < 6; k++) {
        if (k === 3) {
          // t, f, or \N (a group of bad rows without amounts)
          fields[3] = buf[at] === T ? 1 : 0;
          at += buf[at] === BACKSLASH ? 3 : 2;
          continue;
        }
        // A plain integer; anything else (\N, a float sum printed as 1e+16) goes through Number().
        const from = at;
        const negative = buf[at] === MINUS;
        if (negative) at++;
        let value = 0;
        let ch = buf[at]!;
        while (ch >= ZERO && ch <= ZERO + 9) {
          value = value * 10 + (ch - ZERO);
          ch = buf[++at]!;
        }
        if (ch !== TAB && ch !== NEWLINE) {
          while (buf[at] !== TAB && buf[at] !== NEWLINE) at++;
          const text = buf.toString('latin1', from, at);
          value = text === '\\N' ? 0 : Number(text);
        } else if (negative) value = -value;
        fields[k] = value;
        at++;
      }
      if (buf[at - 1] !== NEWLINE)
        throw new Error(`unexpected sums line: ${buf.toString('utf8', start, at)}`);
      lines++;
      const period = fields[0]!;
      const rows = fields[2]!;
      if (customer < 0) bad[1]! += rows;
      else if (period <= BAD_PERIOD) bad[BAD_PERIOD - period]! += rows;
      else {
        addGroup(customer, period, fields[1]!, rows, fields[3]!, fields[4]!);
        onStart += fields[5]!;
      }
    }
  }

  function add(chunk: Uint8Array): void {
    if (built) throw new Error('sumsLedgerBuilder: add() after build; start a new builder');
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    if (carry !== null) {
      // Only the line split between chunks is joined, not the whole chunk to it (a copy of every
      // byte, and as much garbage, otherwise).
      const first = buf.indexOf(NEWLINE);
      if (first < 0) {
        carry = Buffer.concat([carry, buf]);
        return;
      }
      const line = Buffer.concat([carry, buf.subarray(0, first + 1)]);
      carry = null;
      parse(line, 0, line.length);
      from = first + 1;
    }
    const last = buf.lastIndexOf(NEWLINE);
    if (last + 1 > from) parse(buf, from, last + 1);
    const rest = Math.max(from, last + 1);
    carry = rest < buf.length ? Buffer.from(buf.subarray(rest)) : null;
  }

  /**
   * The groups as a `LedgerPart`: the customers with good rows sorted by id (the order this source
   * has always given, whatever order the database sent), each one's periods from its first to its
   * last with good rows, back to back. The part carries no latest rows (the source asks the
   * database for them only when the period counts call for it), and per-weekday counts only when
   * exact (every row on one weekday).
   */
  function* partSteps(): Steps<LedgerPart> {
    if (carry !== null) throw new Error('the sums output ended in the middle of a line');
    if (built) throw new Error('sumsLedgerBuilder: built twice; start a new builder');
    built = true;
    // The raw values' table is done with; the ids stay until they are laid out.
    rawBytes = Buffer.alloc(0);
    slots = new Int32Array(0);
    byId.clear();
    const order: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (customer4[i * 4 + 1]! >= customer4[i * 4]!) order.push(i); // else only bad rows
    }
    yield* sortSteps(order, (a, b) => (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
    const n = order.length;
    const startPeriod = new Int32Array(n);
    const length = new Int32Array(n);
    const customerRows = new Float64Array(n);
    const idEnds = new Int32Array(n);
    // Per customer number: where its period 0 would sit in the part's cells (its first period's
    // cell minus that period), so a group's cell is one addition away.
    const cellOf = new Int32Array(ids.length);
    const idPieces: string[] = [];
    let cells = 0;
    let idEnd = 0;
    let rows = 0;
    for (let from = 0; from < n; from += CUSTOMERS_PER_STEP) {
      if (from > 0) yield;
      const to = Math.min(n, from + CUSTOMERS_PER_STEP);
      const piece: string[] = [];
      for (let k = from; k < to; k++) {
        const i = order[k]!;
        const first = customer4[i * 4]!;
        const span = customer4[i * 4 + 1]! - first + 1;
        startPeriod[k] = first;
        length[k] = span;
        customerRows[k] = customer4[i * 4 + 2]!;
        rows += customer4[i * 4 + 2]!;
        cellOf[i] = cells - first;
        cells += span;
        const id = ids[i]!;
        piece.push(id);
        idEnd += id.length;
        idEnds[k] = idEnd;
      }
      idPieces.push(piece.join(''));
    }
    ids.length = 0;
    customer4 = new Int32Array(0);
    // One pass over the groups (hash order) puts each in its cell, a block a step; each block (16
    // bytes a group) can go once placed, before the ledger's objects are made.
    const net = new Float64Array(cells);
    const sale = new Uint8Array(cells);
    for (let b = 0; b < customerBlocks.length; b++) {
      yield;
      const blockCustomer = customerBlocks[b]!;
      const blockPeriodSale = periodSaleBlocks[b]!;
      const blockCents = centsBlocks[b]!;
      const size = b === customerBlocks.length - 1 ? inBlock : GROUP_BLOCK;
      for (let g = 0; g < size; g++) {
        const ps = blockPeriodSale[g]!;
        const at = cellOf[blockCustomer[g]!]! + (ps >> 1);
        net[at] = blockCents[g]!;
        sale[at] = ps & 1;
      }
      customerBlocks[b] = periodSaleBlocks[b] = new Int32Array(0);
      centsBlocks[b] = new Float64Array(0);
    }
    groupCustomer = groupPeriodSale = new Int32Array(0);
    groupCents = new Float64Array(0);
    const part = createLedgerPart(
      { ids: idPieces.join(''), idEnds, startPeriod, length, customerRows, net, sale },
      {
        minDay: null,
        maxDay: null,
        rows,
        rowsOnPeriodStart: onStart,
        rowsStartPeriod: periodBase,
        periodRows,
      },
    );
    const span = periodRows.length;
    if (span === 0) return part;
    // The first and last day: the lowest day offset of the first period, the highest of the last.
    const firstDays = periodDays[0]!;
    const lastDays = periodDays[span - 1]!;
    part.minDay = periodStartDay(periodBase, spec) + (31 - Math.clz32(firstDays & -firstDays));
    part.maxDay = periodStartDay(periodBase + span - 1, spec) + (31 - Math.clz32(lastDays));
    // The database gives which days of each period had rows, not the count per weekday; that is all
    // the analysis asks of `weekdayRows` (the week-start hint): with one weekday it is exact.
    let weekdays = 0;
    for (let i = 0; i < span; i++) {
      let days = periodDays[i]!;
      const start = periodStartDay(periodBase + i, spec);
      while (days !== 0) {
        weekdays |= 1 << weekdayOfDay(start + 31 - Math.clz32(days & -days));
        days &= days - 1;
      }
    }
    if (rows > 0 && (weekdays & (weekdays - 1)) === 0) {
      const weekdayRows = [0, 0, 0, 0, 0, 0, 0];
      weekdayRows[31 - Math.clz32(weekdays)] = rows;
      part.weekdayRows = weekdayRows;
    }
    return part;
  }

  function* buildSteps(): Steps<{ ledger: SalesLedger; bad: number[] }> {
    const part = yield* partSteps();
    // Nets run on with zeros to the last period, as the CSV source's: the analysis then shares each
    // customer's net as its series rather than copying it with the zeros appended.
    const ledger = yield* ledgerFromPartSteps(spec, part, { padToLastPeriod: true });
    return { ledger, bad };
  }

  return {
    add,
    get groups() {
      return lines;
    },
    buildSteps,
    build: () => drainSteps(buildSteps()),
  };
}
