/**
 * Sales from a Postgres table or query, summed in the database: the source sends one
 * `GROUP BY customer, period` query (periods, week start and time zone as in the CSV path), streams
 * back its groups (one per customer and period) with COPY, and folds them into per-customer series
 * as they arrive (sums-ledger.ts), so Node never holds sales rows. Bad values (empty customer, missing or bad date,
 * missing or non-numeric amount) are counted by the same query and, when there are any, listed by
 * a second one with their row key. The SQL is documented in docs/postgres-source.md.
 *
 * Safety: values are parameters, identifiers are quoted, the transaction is read-only with a
 * statement timeout, and the password never appears in a description, a log or an error.
 */
import { setImmediate } from 'node:timers/promises';
// The driver is loaded when a database is read, not with the module: a CSV run never needs it, and
// loading it (and Node's fetch machinery, which it touches) cost ~85 ms of every run's start-up.
import type pg from 'pg';
import { farFutureRows } from '../../core/analyze.ts';
import { LATEST_ROWS_KEPT } from '../../core/ledger.ts';
import { runSteps } from '../../core/steps.ts';
import type { CustomerInfo, DataQuality, LatestRow, PeriodSpec, RowProblem } from '../../core/types.ts';
import { InputError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import {
  CUSTOMER_ALIASES,
  CUSTOMER_FIELDS,
  type CustomerField,
  mapHeaders,
  SALES_ALIASES,
  SALES_FIELDS,
  SALES_REQUIRED,
  type SalesField,
} from '../csv/map-headers.ts';
import { describeBadAmount } from '../csv/parse-amount.ts';
import { describeBadDate } from '../csv/parse-date.ts';
import type {
  CustomersSource,
  LoadedCustomers,
  LoadedSales,
  SalesReadOptions,
  SalesSource,
} from '../sales-source.ts';
import { BAD_PERIOD, sumsLedgerBuilder } from './sums-ledger.ts';

/** Where the rows are: a table (or view) name, or a query (a join, a filter). */
export type Relation = { table: string } | { query: string };

export interface PostgresSourceOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  relation: Relation;
  /** Field -> column name, as `--map` for CSV headers; default: the same aliases as CSV headers. */
  map?: Partial<Record<SalesField, string>> | undefined;
  /**
   * An integer column that identifies a row (e.g. `id`), reported as the "line" of a bad row.
   * Default: the row's 1-based position in the table or query output.
   */
  rowKey?: string | undefined;
  /** Time zone for `timestamptz` dates (the day a sale falls on); default UTC. */
  timeZone?: string | undefined;
  /** Statement timeout in milliseconds (default 10 minutes). */
  statementTimeoutMs?: number | undefined;
  /** Opens the connection instead of `pg` with `url` (an embedded engine in tests); `url` still names it. */
  open?: (() => Promise<SqlConnection>) | undefined;
  /** Told once (info) when the engine refuses `COPY ... TO STDOUT` and the sums come through a cursor. */
  logger?: Pick<Logger, 'info'> | undefined;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** `work_mem` of the read's transaction. */
export const WORK_MEM = '256MB';
/** 1970-01-01 was a Thursday (Sunday = 0). */
const EPOCH_WEEKDAY = 4;
/** Days added before integer division so that days before 1970 divide like floor(). */
const DAY_SHIFT = 7 * 100_000;

const BAD_CODES = ['', 'missing_value', 'missing_value', 'bad_date', 'missing_value', 'bad_amount'] as const;
const BAD_COLUMN: readonly SalesField[] = ['customer_id', 'customer_id', 'date', 'date', 'amount', 'amount'];
/** The CSV reader's words for the same problems (the value, for a bad date or amount, as text). */
function badReason(code: number, value: string | null): string {
  switch (code) {
    case 1:
      return 'customer id is empty';
    case 2:
      return 'date is empty';
    case 3:
      return describeBadDate(value ?? '', 'YYYY-MM-DD');
    case 4:
      return 'amount is empty';
    default:
      return describeBadAmount(value ?? '', '.');
  }
}

const NUMERIC_TYPES = new Set([20, 21, 23, 700, 701, 1700]); // int8 int2 int4 float4 float8 numeric
const INTEGER_TYPES = new Set([20, 21, 23]);
const DATE_TYPE = 1082;
const TIMESTAMP_TYPE = 1114;
const TIMESTAMPTZ_TYPE = 1184;

/** The URL without its password (and without query parameters, which may carry one). */
export function redactPostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** Whether a sales setting names a database rather than a file. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `schema.table` or `table`, each part quoted (a part already in double quotes is kept as written). */
export function quoteQualified(name: string): string {
  const parts = name.match(/"(?:[^"]|"")*"|[^.]+/g) ?? [];
  if (parts.length === 0 || parts.length > 3) {
    throw new InputError(`table name ${JSON.stringify(name)} is not a table name`, {
      hint: 'Give --table as table or schema.table (quote a part with dots in it: "my.schema".sales).',
    });
  }
  return parts.map((p) => (p.startsWith('"') ? p : quoteIdent(p.trim()))).join('.');
}

function relationSql(relation: Relation): string {
  if ('table' in relation) return quoteQualified(relation.table);
  const query = relation.query.trim().replace(/;\s*$/, '');
  return `(${query})`;
}

function describe(url: string, relation: Relation): string {
  const where = 'table' in relation ? `table ${relation.table}` : 'query';
  return `${redactPostgresUrl(url)} (${where})`;
}

/** Removes the password (and the URL that carries it) from an error's text. */
function scrub(text: string, url: string): string {
  let out = text.replaceAll(url, redactPostgresUrl(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.replaceAll(password, '***');
  } catch {
    // unparsable URL: nothing to scrub beyond the URL itself
  }
  return out;
}

/** A database error as an InputError the user can act on, with no secret in it. */
function databaseError(error: unknown, url: string, description: string): Error {
  if (error instanceof InputError) return error;
  const e = error as { message?: string; code?: string };
  const message = scrub(String(e.message ?? error), url);
  const hint =
    e.code === '57014'
      ? 'The query ran longer than the statement timeout: add an index, narrow the query, or raise data.statementTimeoutSeconds.'
      : e.code === '42P01' || e.code === '42703'
        ? 'Check the table name (--table), the query (--query) and the column mapping (--map field=column).'
        : e.code === '28P01' || e.code === '28000'
          ? 'Check the user and password in the sales URL (REVGAP_SALES).'
          : /ECONNREFUSED|ENOTFOUND|timeout/i.test(message)
            ? 'Check that the database server is running and reachable at the host and port of the sales URL.'
            : 'Check the sales URL, the table or query, and the column mapping.';
  return new InputError(`reading sales from ${description} failed: ${message}`, { hint });
}

/**
 * What the source needs of a connection: `pg.Client` has it, and so does an embedded engine
 * (PGlite, wrapped: its `close()` is `end()`), which the tests run the same SQL on.
 */
export interface SqlConnection {
  query<R = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<{ rows: R[]; fields: { name: string; dataTypeID: number }[] }>;
  /**
   * The rows of a SELECT as COPY text (`COPY (select) TO STDOUT`), in chunks that may split lines.
   * PGlite has no COPY TO STDOUT: its wrapper runs `COPY (select) TO '/dev/blob'` instead.
   */
  copyOut(select: string): AsyncIterable<Uint8Array>;
  /**
   * Optional: the rows of a statement as arrays of the server's text values (NULL as null), without
   * the driver's per-type parsing; the cursor fallback writes them back as COPY text as they are.
   * Without it the fallback reads `query`'s row objects and prints their values.
   */
  queryText?(text: string): Promise<{ rows: (string | null)[][] }>;
  end(): Promise<void>;
}

/** Every value as the server sent it (text): the driver parses none. */
const TEXT_TYPES = { getTypeParser: () => (value: string) => value };

/** A connected `pg.Client` as a SqlConnection (COPY through pg-copy-streams, loaded when first used). */
export function pgConnection(client: pg.Client): SqlConnection {
  return {
    query: (text, values) => client.query(text, values) as never,
    async *copyOut(select) {
      const { to: copyTo } = await import('pg-copy-streams');
      yield* client.query(copyTo(`COPY (${select}) TO STDOUT`));
    },
    queryText: (text) => client.query({ text, rowMode: 'array', types: TEXT_TYPES }),
    end: () => client.end(),
  };
}

async function connect(
  url: string,
  description: string,
  open?: (() => Promise<SqlConnection>) | undefined,
): Promise<SqlConnection> {
  if (open !== undefined) return open();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, application_name: 'revgap' });
  // A dropped connection emits 'error' on the client; the pending query rejects with it too.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw databaseError(error, url, description);
  }
  return pgConnection(client);
}

/** Opens the read-only transaction every read runs in. */
async function beginReadOnly(
  client: SqlConnection,
  options: Pick<PostgresSourceOptions, 'statementTimeoutMs' | 'timeZone'>,
): Promise<void> {
  await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // JIT compilation costs seconds on the sums query (measured 7.5 s of 65 s on 5.5 M rows) and
  // pays only for queries run many times; 256 MB of work memory (hash tables may use
  // hash_mem_multiplier times that) keeps the hash aggregate of a few million (customer, period)
  // groups to a few spilled batches (64 MB: ~1.1x its CPU time). extra_float_digits 3 prints the
  // float8 cent sums exactly even where a server defaults to fewer digits. All last only for this
  // transaction.
  await client.query(
    "SELECT set_config('statement_timeout', $1, true), set_config('TimeZone', $2, true), set_config('DateStyle', 'ISO, YMD', true), set_config('jit', 'off', true), set_config('work_mem', $3, true), set_config('extra_float_digits', '3', true)",
    [String(options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS), options.timeZone ?? 'UTC', WORK_MEM],
  );
}

/** `COPY (` before the sums SELECT in the statement the COPY path sends; `) TO STDOUT` after it. */
const COPY_PREFIX = 'COPY (';

/**
 * Whether an error from `COPY (<select>) TO STDOUT` says that the engine, or a proxy in front of it,
 * does not take that statement (rather than that something is wrong with the SELECT). Judged by the
 * error, never by the engine's name:
 * - SQLSTATE 0A000 feature_not_supported;
 * - a syntax error (42601, or "syntax error" in the text where an engine uses another code, as
 *   Doltgres's XX000) whose position falls outside the SELECT, or, without a position, whose text
 *   names COPY, STDOUT or the opening parenthesis (Redshift, on PostgreSQL 8.0's grammar:
 *   `syntax error at or near "(" in context "COPY (", at line 1`);
 * - a message that says COPY is not supported, whatever the code (a gateway's
 *   `COPY TO STDOUT not yet supported`).
 * A SELECT that fails on its own (a missing column, a division by zero) fails with its own code,
 * with a position inside the SELECT, or partway through the data: none of these is a refusal. A
 * syntax error in the SELECT taken for a refusal costs only the retry, which fails with that error.
 */
export function isCopyRefusal(error: unknown, selectLength: number): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; position?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '0A000') return true;
  if (code === '42601' || /syntax error/i.test(message)) {
    const position = Number(e.position);
    if (Number.isInteger(position) && position > 0) {
      return position <= COPY_PREFIX.length || position > COPY_PREFIX.length + selectLength;
    }
    return /\bCOPY\b|\bSTDOUT\b|near "\("/i.test(message);
  }
  return (
    /\bCOPY\b/i.test(message) && /not (yet )?supported|unsupported|not implemented|not allowed/i.test(message)
  );
}

/**
 * Longest stretch of folding COPY text in before the event loop gets a turn (a bot answering
 * meanwhile). When the server sends faster than the groups are folded in, one readable event hands
 * over up to 32 socket reads of 64 KiB (libuv's limit per event), which the stream gives to the
 * loop one after another with no turn between: ~1.8 MB, 150-250 ms of parsing on the bench table,
 * the read's longest stalls once the ledger was built in steps. Measured by time, in slices of
 * `FOLD_BYTES`, rather than per chunk: the first chunks, parsed before the parser is compiled,
 * take 30-40 ms each, and an embedded engine may hand over its whole output as one chunk.
 */
const PAUSE_AFTER_MS = 10;
const FOLD_BYTES = 1 << 14;

/** Groups per FETCH when the sums come through a cursor: ~1 MB of rows per round trip. */
const FETCH_GROUPS = 20_000;

/** A value of the sums query as COPY text writes it (`\N` for NULL, `t`/`f`, escaped text). */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') {
    // A float8 sum beyond 2^53 in exponent form, as Postgres prints it, so that the parser's Number()
    // reads back the same double (its digit-by-digit path is exact only for safe integers).
    return Number.isSafeInteger(value) || !Number.isFinite(value) ? String(value) : value.toExponential();
  }
  if (typeof value === 'string') return value.replace(/[\\\t\n\r]/g, (ch) => COPY_ESCAPES[ch]!);
  return String(value); // bigint (an embedded engine's int8)
}
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * The sums through a cursor in the read's transaction (`DECLARE ... CURSOR FOR`, `FETCH FORWARD n`),
 * for an engine that refuses `COPY ... TO STDOUT`: each batch of rows is written back as the COPY
 * text the parser reads, so the ledger is built by the same code from the same values. It costs the
 * driver's row parsing (row objects, a string per field) on top of the COPY path's work.
 */
async function* cursorOut(client: SqlConnection, select: string): AsyncIterable<Uint8Array> {
  await client.query(`DECLARE revgap_sums CURSOR FOR ${select}`);
  const fetch = `FETCH FORWARD ${FETCH_GROUPS} FROM revgap_sums`;
  for (;;) {
    let text = '';
    let rows: number;
    if (client.queryText !== undefined) {
      // The server's text values are COPY's (same output functions, same session settings): only
      // NULLs and the customer value's tabs, newlines and backslashes need writing as COPY writes them.
      const batch = await client.queryText(fetch);
      rows = batch.rows.length;
      for (const row of batch.rows) {
        text += copyText(row[0]);
        for (let i = 1; i < row.length; i++) text += `\t${row[i] ?? '\\N'}`;
        text += '\n';
      }
    } else {
      const batch = await client.query(fetch);
      rows = batch.rows.length;
      const names = batch.fields.map((f) => f.name);
      for (const row of batch.rows) {
        for (let i = 0; i < names.length; i++) text += (i === 0 ? '' : '\t') + copyText(row[names[i]!]);
        text += '\n';
      }
    }
    if (rows > 0) yield Buffer.from(text, 'utf8');
    if (rows < FETCH_GROUPS) break;
  }
  await client.query('CLOSE revgap_sums');
}

interface Column {
  name: string;
  type: number;
}

async function columnsOf(client: SqlConnection, rel: string): Promise<Column[]> {
  const result = await client.query(`SELECT * FROM ${rel} AS s LIMIT 0`);
  return result.fields.map((f) => ({ name: f.name, type: f.dataTypeID }));
}

/** The SQL of one sales read: the per-customer sums query and the bad-row listing. */
export interface SalesSql {
  /**
   * One row per (customer value, period): `c, p, cents, n, pos, days, ons` (sums-ledger.ts reads
   * them); bad rows in groups of period `BAD_PERIOD - code`.
   */
  sums: string;
  /** The first bad rows in row-key order ($1 = how many). */
  badRows: string;
  /** The latest good rows, latest first ($1 = how many): only run when far-future rows may be set aside. */
  latestRows: string;
}

/** Builds the three queries for a relation whose columns are known. Exported for the docs and tests. */
export function buildSalesSql(
  rel: string,
  columns: { customer: Column; date: Column; amount: Column; key?: Column | undefined },
  spec: PeriodSpec,
): SalesSql {
  const c = `s.${quoteIdent(columns.customer.name)}`;
  const d = `s.${quoteIdent(columns.date.name)}`;
  const a = `s.${quoteIdent(columns.amount.name)}`;
  const customer = `btrim(${c}::text, E' \\t\\u00a0')`;
  let day: string;
  let dateMissing: string;
  const dt = columns.date.type;
  if (dt === DATE_TYPE) {
    day = `(${d} - DATE '1970-01-01')`;
    dateMissing = `${d} IS NULL`;
  } else if (dt === TIMESTAMP_TYPE || dt === TIMESTAMPTZ_TYPE) {
    // timestamptz::date is the day in the session time zone (set to the configured one).
    day = `(${d}::date - DATE '1970-01-01')`;
    dateMissing = `${d} IS NULL`;
  } else {
    const t = `btrim(${d}::text)`;
    day = `(CASE WHEN ${t} ~ '^\\d{4}-\\d\\d-\\d\\d($|[ T])' THEN substr(${t}, 1, 10)::date - DATE '1970-01-01' END)`;
    dateMissing = `(${d} IS NULL OR ${t} = '')`;
  }
  let cents: string;
  let amountMissing: string;
  const at = columns.amount.type;
  if (INTEGER_TYPES.has(at)) {
    cents = `(${a}::int8 * 100)`;
    amountMissing = `${a} IS NULL`;
  } else if (NUMERIC_TYPES.has(at)) {
    // Rounded per row, half away from zero (as numeric -> int8 casts round), as the CSV reader
    // does with a third decimal.
    cents = `(${a}::numeric * 100)::int8`;
    amountMissing = `${a} IS NULL`;
  } else {
    const t = `btrim(${a}::text)`;
    cents = `(CASE WHEN ${t} ~ '^[-+]?(\\d+\\.?\\d*|\\.\\d+)$' THEN (${t}::numeric * 100)::int8 END)`;
    amountMissing = `(${a} IS NULL OR ${t} = '')`;
  }
  // Typed date and amount columns cannot hold a bad value, only a missing one: no test for it.
  const dateText = !(dt === DATE_TYPE || dt === TIMESTAMP_TYPE || dt === TIMESTAMPTZ_TYPE);
  const amountText = !NUMERIC_TYPES.has(at);
  const code =
    `CASE WHEN ${c} IS NULL OR ${customer} = '' THEN 1 WHEN ${dateMissing} THEN 2 ` +
    (dateText ? `WHEN ${day} IS NULL THEN 3 ` : '') +
    `WHEN ${amountMissing} THEN 4 ` +
    (amountText ? `WHEN ${cents} IS NULL THEN 5 ` : '') +
    'ELSE 0 END';
  const offset = (EPOCH_WEEKDAY - spec.weekStartsOn + 7) % 7;
  const date = `(DATE '1970-01-01' + day)`;
  // The period of a good row, and its day's offset from the period's first day (0-6, 0-30).
  const period =
    spec.kind === 'week'
      ? `(day + ${offset + DAY_SHIFT}) / 7 - ${DAY_SHIFT / 7}`
      : `date_part('year', ${date})::int * 12 + date_part('month', ${date})::int - 1`;
  const dayOffset =
    spec.kind === 'week' ? `(day + ${offset + DAY_SHIFT}) % 7` : `date_part('day', ${date})::int - 1`;
  const badCode =
    'CASE WHEN date_missing THEN 2 ' +
    (dateText ? 'WHEN day IS NULL THEN 3 ' : '') +
    'WHEN amount_missing THEN 4 ' +
    (amountText ? 'WHEN cents IS NULL THEN 5 ' : '') +
    'ELSE 0 END';
  // Per row, once (OFFSET 0 keeps the planner from pasting the expressions into every aggregate
  // that uses them): the raw customer value, the day, the cents, and a bad-row code. Grouped by
  // (customer value, period) in one hash aggregate, as a plain GROUP BY would be; a bad row's
  // period is BAD_PERIOD - code. The customer values are trimmed, checked for emptiness and merged
  // in Node (sums-ledger.ts), and the groups are not sorted: Node gathers them per customer.
  const sums = `SELECT c, p, sum(cents::float8) AS cents, count(*) AS n, bool_or(cents > 0) AS pos,
       bit_or(1 << o) AS days, count(*) FILTER (WHERE o = 0) AS ons
FROM (
  SELECT c, CASE WHEN code = 0 THEN ${period} ELSE ${BAD_PERIOD} - code END AS p,
         CASE WHEN code = 0 THEN ${dayOffset} END AS o, cents
  FROM (
    SELECT c, day, cents, ${badCode} AS code
    FROM (
      SELECT ${c}::text AS c, ${day} AS day, ${cents} AS cents,
             ${dateMissing} AS date_missing, ${amountMissing} AS amount_missing
      FROM ${rel} AS s
      OFFSET 0
    ) AS r
  ) AS k
) AS g
GROUP BY c, p`;
  const key = columns.key ? `s.${quoteIdent(columns.key.name)}::int8` : 'row_number() OVER ()';
  const badRows = `SELECT k, code, value FROM (
  SELECT ${key} AS k, ${code} AS code,
         CASE WHEN ${c} IS NULL OR ${customer} = '' THEN NULL WHEN ${dateMissing} OR ${day} IS NULL THEN btrim(${d}::text) ELSE btrim(${a}::text) END AS value
  FROM ${rel} AS s
) AS b
WHERE code <> 0
ORDER BY k
LIMIT $1`;
  const latestRows = `SELECT c, day, k FROM (
  SELECT NULLIF(${customer}, '') AS c, ${day} AS day, ${cents} AS cents, ${key} AS k
  FROM ${rel} AS s
) AS l
WHERE c IS NOT NULL AND day IS NOT NULL AND cents IS NOT NULL
ORDER BY day DESC, k
LIMIT $1`;
  return { sums, badRows, latestRows };
}

/** Sales from a Postgres table or query, summed per customer and period in the database. */
export function postgresSalesSource(options: PostgresSourceOptions): SalesSource {
  const description = describe(options.url, options.relation);
  // Once the engine has refused COPY, later reads of this source go straight to the cursor.
  let copyRefused = false;
  return {
    description,
    async load(read: SalesReadOptions): Promise<LoadedSales> {
      read.signal?.throwIfAborted();
      const client = await connect(options.url, description, options.open);
      // Not wanted any more: the connection closes, and the query under way fails with it.
      const abort = (): void => void client.end().catch(() => {});
      read.signal?.addEventListener('abort', abort, { once: true });
      try {
        await beginReadOnly(client, options);
        const rel = relationSql(options.relation);
        const columns = await columnsOf(client, rel);
        const names = columns.map((col) => col.name);
        const { columns: at } = mapHeaders({
          file: description,
          headers: names,
          fields: SALES_FIELDS,
          required: SALES_REQUIRED,
          aliases: SALES_ALIASES,
          map: options.map,
        });
        let key: Column | undefined;
        if (options.rowKey !== undefined) {
          key = columns.find((col) => col.name === options.rowKey);
          if (key === undefined) {
            throw new InputError(`${description} has no column "${options.rowKey}" (the row key)`, {
              hint: `Name one of its columns with --row-key: ${names.join(', ')}.`,
            });
          }
        }
        const sql = buildSalesSql(
          rel,
          { customer: columns[at.customer_id]!, date: columns[at.date]!, amount: columns[at.amount]!, key },
          read.period,
        );
        // The groups stream back with COPY ... TO STDOUT (text), parsed as they arrive: no row objects,
        // no per-field strings, and Node's work overlaps the database's output. An engine that
        // refuses the COPY (told by its error, before any data) gets the same SELECT as a cursor.
        const builder = sumsLedgerBuilder(read.period);
        const fold = async (chunks: AsyncIterable<Uint8Array>) => {
          let turn = performance.now();
          for await (const chunk of chunks) {
            for (let at = 0; at < chunk.byteLength; at += FOLD_BYTES) {
              builder.add(chunk.subarray(at, at + FOLD_BYTES));
              if (performance.now() - turn >= PAUSE_AFTER_MS) {
                await setImmediate();
                turn = performance.now();
              }
            }
            read.onProgress?.(builder.groups, builder.groups);
          }
        };
        if (copyRefused) await fold(cursorOut(client, sql.sums));
        else {
          try {
            await fold(client.copyOut(sql.sums));
          } catch (error) {
            if (builder.groups > 0 || !isCopyRefusal(error, sql.sums.length)) throw error;
            copyRefused = true;
            const e = error as { code?: unknown; message?: unknown };
            options.logger?.info(
              { source: description, code: e.code, reason: scrub(String(e.message ?? error), options.url) },
              'the database refused COPY ... TO STDOUT: the sums come through a cursor (FETCH) instead',
            );
            // The refused statement may have aborted the transaction (Postgres aborts it on any
            // error), and a SAVEPOINT is not there on every engine that refuses COPY (Redshift has
            // none): roll back and open the read's transaction again. Nothing was read in it but
            // the column list, and every query after this one runs in the new snapshot.
            await client.query('ROLLBACK');
            await beginReadOnly(client, options);
            await fold(cursorOut(client, sql.sums));
          }
        }
        // The ledger is made in steps with the event loop free in between, as for a CSV file read by
        // workers: sorting and laying out a million customers is seconds of work (a bot answering).
        const { ledger, bad } = await runSteps(builder.buildSteps(), () => setImmediate());
        // Far-future rows (a mistyped year): the analysis sets them aside by name, from the latest
        // rows, which only a row-by-row read knows. The period counts tell whether any could be;
        // only then are the latest rows fetched (one more scan, with a top-N sort).
        const probe = {
          ...ledger,
          latestRows: new Array<LatestRow>(LATEST_ROWS_KEPT).fill({ day: 0, customerId: '' }),
        };
        if (farFutureRows(probe) !== null) {
          const latest = await client.query<{ c: string; day: number | string; k: number | string }>(
            sql.latestRows,
            [LATEST_ROWS_KEPT],
          );
          ledger.latestRows = latest.rows.map((r) => ({
            day: Number(r.day),
            customerId: r.c,
            line: Number(r.k),
          }));
        }
        const rejected = bad.reduce((sum, n) => sum + n, 0);
        const rejectedByCode: Record<string, number> = {};
        for (let code = 1; code < bad.length; code++) {
          if (bad[code]! > 0) {
            const name = BAD_CODES[code]!;
            rejectedByCode[name] = (rejectedByCode[name] ?? 0) + bad[code]!;
          }
        }
        const problems: RowProblem[] = [];
        if (rejected > 0) {
          const limit = read.badRows === 'strict' ? 1 : read.maxProblemsListed;
          const listed = await client.query<{ k: string; code: number; value: string | null }>(sql.badRows, [
            limit,
          ]);
          for (const row of listed.rows) {
            const column = names[at[BAD_COLUMN[row.code]!]]!;
            problems.push({
              file: description,
              line: Number(row.k),
              column,
              reason: badReason(row.code, row.value),
              code: BAD_CODES[row.code]!,
            });
          }
          const firstProblem = problems[0];
          if (read.badRows === 'strict' && firstProblem) {
            const keyName = key ? `${key.name} = ${firstProblem.line}` : `row ${firstProblem.line}`;
            throw new InputError(
              `${description} ${keyName}, column "${firstProblem.column}": ${firstProblem.reason}.`,
              {
                hint:
                  'Correct that row in the database or filter it out with --query. Strict mode stops at the first bad row ' +
                  'and outputs nothing; without --strict (--bad-rows lenient) bad rows are skipped and reported.',
              },
            );
          }
        }
        await client.query('COMMIT');
        const rowsRead = ledger.rows + rejected;
        if (rowsRead === 0) {
          throw new InputError(`${description} has no rows.`, {
            hint: 'Check the table or query: it returned nothing to analyse.',
          });
        }
        if (ledger.rows === 0) {
          throw new InputError(
            `None of the ${rowsRead} rows of ${description} could be used (${Object.entries(rejectedByCode)
              .map(([code, n]) => `${n} ${code}`)
              .join(', ')}).`,
            { hint: 'Fix the column mapping (--map field=column) or the data.' },
          );
        }
        const notes: string[] = [];
        if (read.dropDuplicates) {
          notes.push(
            'duplicate rows are not looked for in a database source (--drop-duplicates applies to CSV files); ' +
              'filter them with --query (e.g. SELECT DISTINCT ...) if the table can hold any',
          );
        }
        const dataQuality: DataQuality = {
          source: description,
          rowsRead,
          rowsAccepted: ledger.rows,
          rowsRejected: rejected,
          rejectedByCode,
          problems,
          duplicateRows: 0,
          duplicatesDropped: false,
          ...(notes.length > 0 ? { notes } : {}),
        };
        return { ledger, dataQuality, customers: [] };
      } catch (error) {
        if (read.signal?.aborted) throw read.signal.reason;
        throw databaseError(error, options.url, description);
      } finally {
        read.signal?.removeEventListener('abort', abort);
        await client.end().catch(() => {});
      }
    },
  };
}

/** Customers from a Postgres table or query (customer_id, name, segment, account_manager). */
export function postgresCustomersSource(options: {
  url: string;
  relation: Relation;
  map?: Partial<Record<CustomerField, string>> | undefined;
  statementTimeoutMs?: number | undefined;
  open?: (() => Promise<SqlConnection>) | undefined;
}): CustomersSource {
  const description = describe(options.url, options.relation);
  return {
    description,
    async load({ maxProblemsListed }): Promise<LoadedCustomers> {
      const client = await connect(options.url, description, options.open);
      try {
        await beginReadOnly(client, options);
        const rel = relationSql(options.relation);
        const columns = await columnsOf(client, rel);
        const names = columns.map((col) => col.name);
        const { columns: at } = mapHeaders({
          file: description,
          headers: names,
          fields: CUSTOMER_FIELDS,
          required: ['customer_id'],
          aliases: CUSTOMER_ALIASES,
          map: options.map,
        });
        const text = (field: CustomerField) =>
          at[field] >= 0 ? `btrim(s.${quoteIdent(names[at[field]]!)}::text)` : 'NULL::text';
        const result = await client.query<{
          id: string | null;
          name: string | null;
          segment: string | null;
          am: string | null;
        }>(
          `SELECT ${text('customer_id')} AS id, ${text('name')} AS name, ${text('segment')} AS segment, ${text('account_manager')} AS am FROM ${rel} AS s`,
        );
        await client.query('COMMIT');
        const customers: CustomerInfo[] = [];
        const problems: RowProblem[] = [];
        const byId = new Map<string, CustomerInfo>();
        let rejected = 0;
        const idColumn = names[at.customer_id]!;
        for (const [i, row] of result.rows.entries()) {
          const reject = (code: string, reason: string) => {
            rejected++;
            if (problems.length < maxProblemsListed) {
              problems.push({ file: description, line: i + 1, column: idColumn, reason, code });
            }
          };
          const id = row.id === null || row.id === '' ? undefined : row.id;
          if (id === undefined) {
            reject('missing_value', 'customer id is empty');
            continue;
          }
          if (byId.has(id)) {
            reject(
              'duplicate_customer',
              `customer ${JSON.stringify(id)} is listed again (the first entry is kept)`,
            );
            continue;
          }
          const info: CustomerInfo = { customerId: id };
          if (row.name) info.name = row.name;
          if (row.segment) info.segment = row.segment;
          if (row.am) info.accountManager = row.am;
          customers.push(info);
          byId.set(id, info);
        }
        if (result.rows.length === 0) {
          throw new InputError(`${description} has no customer rows.`, {
            hint: 'Drop the customers table or query option, or check that it returns the customer list.',
          });
        }
        return {
          customers,
          byId,
          quality: { source: description, rowsRead: result.rows.length, rowsRejected: rejected, problems },
        };
      } catch (error) {
        throw databaseError(error, options.url, description);
      } finally {
        await client.end().catch(() => {});
      }
    },
  };
}
