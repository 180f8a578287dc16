/**
 * Connections that refuse `COPY ... TO STDOUT` as Redshift does (its parser is PostgreSQL 8.0's,
 * which had no `COPY (query)`): the refusal is raised by the engine itself, so it aborts the
 * transaction as a real refusal would, and reaches the source as the driver's own error.
 */
import pg from 'pg';
import { pgConnection, type SqlConnection } from '../../src/sources/postgres/postgres-sales-source.ts';

/** Redshift's words for `COPY (select) TO STDOUT` (SQLSTATE 42601, no position). */
export const REDSHIFT_COPY_REFUSAL = 'syntax error at or near "(" in context "COPY (", at line 1';

interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** A COPY stream that fails before any data with `code` and `message`, raised by the engine. */
export function refusedCopy(
  db: Queryable,
  code = '42601',
  message = REDSHIFT_COPY_REFUSAL,
): AsyncIterable<Uint8Array> {
  const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
  return {
    async *[Symbol.asyncIterator]() {
      await db.query(
        `DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = ${quoted(code)}, MESSAGE = ${quoted(message)}; END $$`,
      );
      yield new Uint8Array(0); // not reached: the statement above fails
    },
  };
}

/** A `pg` connection to `url` whose COPY is refused as Redshift refuses it; counts the refusals. */
export function openRefusingCopy(url: string): {
  open: () => Promise<SqlConnection>;
  refusals: () => number;
} {
  let refusals = 0;
  return {
    refusals: () => refusals,
    open: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return {
        ...pgConnection(client),
        copyOut: () => {
          refusals++;
          return refusedCopy(client);
        },
      };
    },
  };
}
