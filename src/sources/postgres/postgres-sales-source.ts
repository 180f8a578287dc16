/**
 * Sales from a Postgres table or query, summed in the database: the source sends one
 * `GROUP BY customer, period` query (periods, week start and time zone as in the CSV path), gets
 * back one row per customer with that customer's period sums, and builds the ledger from them, so
 * Node never holds sales rows, only series. Bad values (empty customer, missing or bad date,
 * missing or non-numeric amount) are counted by the same query and, when there are any, listed by
 * a second one with their row key. The SQL is documented in docs/postgres-source.md.
 *
 * Safety: values are parameters, identifiers are quoted, the transaction is read-only with a
 * statement timeout, and the password never appears in a description, a log or an error.
 */
import pg from 'pg';
import { farFutureRows } from '../../core/analyze.ts';
import { LATEST_ROWS_KEPT } from '../../core/ledger.ts';
import type {
  CustomerInfo,
  CustomerLedger,
  DataQuality,
  LatestRow,
  PeriodSpec,
  RowProblem,
  SalesLedger,
} from '../../core/types.ts';
import { InputError } from '../../errors.ts';
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
}

/** Customer rows read per round trip from the cursor. */
const CURSOR_BATCH = 2000;
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** `work_mem` of the read's transaction. */
export const WORK_MEM = '64MB';
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
  end(): Promise<void>;
}

async function connect(
  url: string,
  description: string,
  open?: (() => Promise<SqlConnection>) | undefined,
): Promise<SqlConnection> {
  if (open !== undefined) return open();
  const client = new pg.Client({ connectionString: url, application_name: 'revgap' });
  // A dropped connection emits 'error' on the client; the pending query rejects with it too.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw databaseError(error, url, description);
  }
  return client as unknown as SqlConnection;
}

/** Opens the read-only transaction every read runs in. */
async function beginReadOnly(
  client: SqlConnection,
  options: Pick<PostgresSourceOptions, 'statementTimeoutMs' | 'timeZone'>,
): Promise<void> {
  await client.query('BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
  // JIT compilation costs seconds on the sums query (measured 7.5 s of 65 s on 5.5 M rows) and
  // pays only for queries run many times; 64 MB of work memory keeps the sort of a few million
  // (customer, period) groups from spilling to many small temporary files. Both last only for
  // this transaction.
  await client.query(
    "SELECT set_config('statement_timeout', $1, true), set_config('TimeZone', $2, true), set_config('DateStyle', 'ISO, YMD', true), set_config('jit', 'off', true), set_config('work_mem', $3, true)",
    [String(options.statementTimeoutMs ?? DEFAULT_TIMEOUT_MS), options.timeZone ?? 'UTC', WORK_MEM],
  );
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
  /** One row per customer (and one with a null customer for the bad rows, if any). */
  sums: string;
  /** The first bad rows in row-key order ($1 = how many). */
  badRows: string;
  /** The latest good rows, latest first ($1 = how many): only run when far-future rows may be set aside. */
  latestRows: string;
}

/** Builds the two queries for a relation whose columns are known. Exported for the docs and tests. */
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
    // Rounded per row, half away from zero, as the CSV reader does with a third decimal.
    cents = `round(${a}::numeric * 100)::int8`;
    amountMissing = `${a} IS NULL`;
  } else {
    const t = `btrim(${a}::text)`;
    cents = `(CASE WHEN ${t} ~ '^[-+]?(\\d+\\.?\\d*|\\.\\d+)$' THEN round(${t}::numeric * 100)::int8 END)`;
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
  const period =
    spec.kind === 'week'
      ? `((day + ${offset + DAY_SHIFT}) / 7 - ${DAY_SHIFT / 7})`
      : `(extract(year FROM DATE '1970-01-01' + day)::int * 12 + extract(month FROM DATE '1970-01-01' + day)::int - 1)`;
  const onStart =
    spec.kind === 'week'
      ? `(day + ${offset + DAY_SHIFT}) % 7 = 0`
      : `extract(day FROM DATE '1970-01-01' + day) = 1`;
  // Per row: the customer (NULL when empty), the day (NULL when missing or bad, or when the amount
  // is), the cents (NULL when missing or bad). Grouped by (customer, period): the groups with a
  // period hold the good rows; a NULL period holds the rows with a bad date or amount (told apart
  // by whether the date was usable), a NULL customer the rows without one.
  const sums = `SELECT c,
       string_agg(p::text || ':' || cents::text || ':' || n::text, ',') FILTER (WHERE p IS NOT NULL) AS periods,
       min(d0) AS d0, max(d1) AS d1, min(w0) AS w0, max(w1) AS w1, sum(ons)::int8 AS ons,
       sum(rows)::int8 AS rows,
       coalesce(sum(rows - dated) FILTER (WHERE p IS NULL), 0)::int8 AS bad_date,
       coalesce(sum(dated) FILTER (WHERE p IS NULL), 0)::int8 AS bad_amount,
       coalesce(sum(no_date) FILTER (WHERE p IS NULL), 0)::int8 AS no_date,
       coalesce(sum(no_amount) FILTER (WHERE p IS NULL), 0)::int8 AS no_amount
FROM (
  SELECT c, p, sum(cents)::int8 AS cents,
         CASE WHEN bool_or(cents > 0) THEN count(cents) ELSE -count(cents) END AS n,
         min(day) AS d0, max(day) AS d1,
         min((day % 7 + ${7 + EPOCH_WEEKDAY}) % 7) AS w0, max((day % 7 + ${7 + EPOCH_WEEKDAY}) % 7) AS w1,
         count(*) FILTER (WHERE ${onStart}) AS ons,
         count(*) AS rows, count(raw_day) AS dated,
         ${dateText ? 'count(*) FILTER (WHERE date_missing)' : 'count(*) - count(raw_day)'} AS no_date,
         ${amountText ? 'count(*) FILTER (WHERE amount_missing AND raw_day IS NOT NULL)' : 'count(raw_day)'} AS no_amount
  FROM (
    SELECT c, ${period} AS p, cents, day, raw_day, date_missing, amount_missing
    FROM (
      SELECT NULLIF(${customer}, '') AS c, ${day} AS raw_day, ${cents} AS cents,
             CASE WHEN ${cents} IS NOT NULL THEN ${day} END AS day,
             ${dateText ? dateMissing : 'false'} AS date_missing, ${amountText ? amountMissing : 'false'} AS amount_missing
      FROM ${rel} AS s
    ) AS r
  ) AS g
  GROUP BY c, p
) AS cp
GROUP BY c
ORDER BY c`;
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

/** Turns the per-customer rows into a ledger. */
function ledgerBuilder(spec: PeriodSpec) {
  const customers = new Map<string, CustomerLedger>();
  const periodRows = new Map<number, number>();
  let rows = 0;
  let minDay: number | null = null;
  let maxDay: number | null = null;
  let minWeekday = 7;
  let maxWeekday = -1;
  let onStart = 0;
  const bad = [0, 0, 0, 0, 0, 0];
  const ones = new Map<number, Uint8Array>();

  function add(row: SumsRow): void {
    if (row.c === null) {
      bad[1]! += Number(row.rows);
      return;
    }
    const noDate = Number(row.no_date);
    const noAmount = Number(row.no_amount);
    bad[2]! += noDate;
    bad[3]! += Number(row.bad_date) - noDate;
    bad[4]! += noAmount;
    bad[5]! += Number(row.bad_amount) - noAmount;
    if (row.periods === null) return;
    const list = row.periods.split(',');
    const ps = new Int32Array(list.length);
    const cents = new Float64Array(list.length);
    const ns = new Int32Array(list.length);
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < list.length; i++) {
      const item = list[i]!;
      const x = item.indexOf(':');
      const y = item.indexOf(':', x + 1);
      const p = Number(item.slice(0, x));
      ps[i] = p;
      cents[i] = Number(item.slice(x + 1, y));
      ns[i] = Number(item.slice(y + 1));
      if (p < first) first = p;
      if (p > last) last = p;
    }
    const length = last - first + 1;
    const net = new Array<number>(length).fill(0);
    const positive = new Uint8Array(length);
    let customerRows = 0;
    let all = true;
    for (let i = 0; i < list.length; i++) {
      const at = ps[i]! - first;
      net[at] = cents[i]!;
      const n = ns[i]!;
      if (n > 0) positive[at] = 1;
      const count = Math.abs(n);
      customerRows += count;
      periodRows.set(ps[i]!, (periodRows.get(ps[i]!) ?? 0) + count);
    }
    for (let i = 0; i < length; i++) if (positive[i] !== 1) all = false;
    let flags: Uint8Array = positive;
    if (all) {
      flags = ones.get(length) ?? positive;
      ones.set(length, flags);
    }
    customers.set(row.c, { customerId: row.c, startPeriod: first, net, positive: flags, rows: customerRows });
    rows += customerRows;
    const d0 = Number(row.d0);
    const d1 = Number(row.d1);
    if (minDay === null || d0 < minDay) minDay = d0;
    if (maxDay === null || d1 > maxDay) maxDay = d1;
    minWeekday = Math.min(minWeekday, Number(row.w0));
    maxWeekday = Math.max(maxWeekday, Number(row.w1));
    onStart += Number(row.ons);
  }

  function build(): { ledger: SalesLedger; bad: number[] } {
    const ledger: SalesLedger = { period: spec, customers, minDay, maxDay, rows, rowsOnPeriodStart: onStart };
    // The database reports whether all rows fall on one weekday, not the count per weekday; that is
    // all the analysis asks of `weekdayRows` (the week-start hint), and with one weekday it is exact.
    if (rows > 0 && minWeekday === maxWeekday) {
      const weekdayRows = [0, 0, 0, 0, 0, 0, 0];
      weekdayRows[minWeekday] = rows;
      ledger.weekdayRows = weekdayRows;
    }
    if (periodRows.size > 0) {
      let first = Number.POSITIVE_INFINITY;
      let last = Number.NEGATIVE_INFINITY;
      for (const p of periodRows.keys()) {
        if (p < first) first = p;
        if (p > last) last = p;
      }
      const counts = new Array<number>(last - first + 1).fill(0);
      for (const [p, count] of periodRows) counts[p - first] = count;
      ledger.rowsByPeriod = { startPeriod: first, counts };
    }
    return { ledger, bad };
  }
  return { add, build };
}

interface SumsRow {
  c: string | null;
  /** `period:cents:n` per period with good rows (n negative when none was positive), or null. */
  periods: string | null;
  rows: string;
  bad_date: string;
  bad_amount: string;
  no_date: string;
  no_amount: string;
  d0: string | number | null;
  d1: string | number | null;
  w0: number | null;
  w1: number | null;
  ons: string;
}

/** Sales from a Postgres table or query, summed per customer and period in the database. */
export function postgresSalesSource(options: PostgresSourceOptions): SalesSource {
  const description = describe(options.url, options.relation);
  return {
    description,
    async load(read: SalesReadOptions): Promise<LoadedSales> {
      const client = await connect(options.url, description, options.open);
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
        const builder = ledgerBuilder(read.period);
        // A server-side cursor in plain SQL (DECLARE / FETCH): rows come in batches, never all at
        // once, and engines that speak Postgres SQL without the extended protocol's portals
        // (poolers, warehouses) support it too.
        await client.query(`DECLARE revgap_sums NO SCROLL CURSOR FOR ${sql.sums}`);
        let customersRead = 0;
        for (;;) {
          const batch = await client.query<SumsRow>(`FETCH ${CURSOR_BATCH} FROM revgap_sums`);
          if (batch.rows.length === 0) break;
          for (const row of batch.rows) builder.add(row);
          customersRead += batch.rows.length;
          read.onProgress?.(customersRead, customersRead);
        }
        await client.query('CLOSE revgap_sums');
        const { ledger, bad } = builder.build();
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
        throw databaseError(error, options.url, description);
      } finally {
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
        const seen = new Set<string>();
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
          if (seen.has(id)) {
            reject(
              'duplicate_customer',
              `customer ${JSON.stringify(id)} is listed again (the first entry is kept)`,
            );
            continue;
          }
          seen.add(id);
          const info: CustomerInfo = { customerId: id };
          if (row.name) info.name = row.name;
          if (row.segment) info.segment = row.segment;
          if (row.am) info.accountManager = row.am;
          customers.push(info);
        }
        if (result.rows.length === 0) {
          throw new InputError(`${description} has no customer rows.`, {
            hint: 'Drop the customers table or query option, or check that it returns the customer list.',
          });
        }
        return {
          customers,
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
