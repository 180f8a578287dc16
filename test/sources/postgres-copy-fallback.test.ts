/**
 * The Postgres source on an engine that refuses `COPY ... TO STDOUT` (Redshift, some gateways): the
 * refusal is told by its error, the sums come through a cursor in a fresh read-only transaction and
 * give the same ledger, it is logged once, and any other error of the COPY is not taken for one.
 * The read-through-the-server half needs the test server (skipped, saying why, without).
 */

import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notesLogger } from '../../src/cli/_analysis-flags.ts';
import { toPeriodSpec } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import {
  isCopyRefusal,
  postgresSalesSource,
  type SqlConnection,
} from '../../src/sources/postgres/postgres-sales-source.ts';
import type { SalesReadOptions } from '../../src/sources/sales-source.ts';
import { captureLogs } from '../helpers/capture-logs.ts';
import {
  dropTestSchemas,
  probeTestPostgres,
  randomTestSchema,
  TEST_DATABASE_URL,
} from '../helpers/postgres.ts';
import { REDSHIFT_COPY_REFUSAL, refusedCopy } from '../helpers/refuse-copy.ts';

const unreachable = await probeTestPostgres();
if (unreachable) console.warn(`postgres COPY fallback: server half skipped (${unreachable})`);

const read = (): SalesReadOptions => ({
  period: toPeriodSpec(defaultAnalysisSettings()),
  badRows: 'lenient',
  dropDuplicates: false,
  maxProblemsListed: 20,
});

describe('telling a refused COPY from a failing SELECT', () => {
  const select = 'SELECT c, p FROM sums'; // 21 characters: positions 7-27 of COPY (...) TO STDOUT
  it('takes Redshift’s syntax error at "(" (42601, no position) for a refusal', () => {
    expect(isCopyRefusal({ code: '42601', message: REDSHIFT_COPY_REFUSAL }, select.length)).toBe(true);
  });
  it('takes feature_not_supported (0A000) for a refusal', () => {
    expect(
      isCopyRefusal({ code: '0A000', message: 'cannot COPY to/from client in PL/pgSQL' }, select.length),
    ).toBe(true);
  });
  it('takes a gateway’s "COPY TO STDOUT not yet supported" without a code for a refusal', () => {
    expect(isCopyRefusal(new Error('COPY TO STDOUT not yet supported'), select.length)).toBe(true);
  });
  it('takes a syntax error placed on COPY or on TO STDOUT (outside the SELECT) for a refusal', () => {
    expect(isCopyRefusal({ code: '42601', message: 'syntax error', position: '1' }, select.length)).toBe(
      true,
    );
    expect(isCopyRefusal({ code: '42601', message: 'syntax error', position: '30' }, select.length)).toBe(
      true,
    );
    expect(isCopyRefusal({ code: 'XX000', message: 'at or near "(": syntax error' }, select.length)).toBe(
      true,
    );
  });
  it('does not take a syntax error inside the SELECT, a missing column or a division by zero for one', () => {
    expect(
      isCopyRefusal(
        { code: '42601', message: 'syntax error at or near "FROM"', position: '17' },
        select.length,
      ),
    ).toBe(false);
    expect(
      isCopyRefusal(
        { code: '42703', message: 'column "amount_x" does not exist', position: '14' },
        select.length,
      ),
    ).toBe(false);
    expect(isCopyRefusal({ code: '22012', message: 'division by zero' }, select.length)).toBe(false);
    expect(
      isCopyRefusal(
        { code: '57014', message: 'canceling statement due to statement timeout' },
        select.length,
      ),
    ).toBe(false);
    expect(isCopyRefusal('COPY not supported', select.length)).toBe(false);
  });
});

describe.skipIf(unreachable !== null)('postgres sales source when COPY is refused', () => {
  const schema = randomTestSchema();
  const table = `${schema}.sales`;
  const secret = 'hunter2-not-logged';
  beforeAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.query(
      `CREATE TABLE "${schema}".sales (id int, customer_id text, date date, amount numeric)`,
    );
    await client.query(
      `INSERT INTO "${schema}".sales VALUES (1,'A','2026-11-02',10.005),(2,'A','2026-11-09',-2),(3,'tab\tand\\back','2026-11-09',4),(7,NULL,'2026-11-09',5),(9,'B','2026-11-16',3)`,
    );
    await client.end();
  });
  afterAll(() => dropTestSchemas([schema]));

  /** A `pg` connection whose COPY goes through `copyOut`; records every statement it is sent. */
  function connection(copyOut: (client: pg.Client, select: string) => AsyncIterable<Uint8Array>) {
    const sent: string[] = [];
    let copies = 0;
    const open = async (): Promise<SqlConnection> => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      return {
        query: (text, values) => {
          sent.push(text);
          return client.query(text, values) as never;
        },
        copyOut: (select) => {
          copies++;
          return copyOut(client, select);
        },
        end: () => client.end(),
      };
    };
    return { open, sent, copies: () => copies };
  }
  const secretUrl = (() => {
    const url = new URL(TEST_DATABASE_URL);
    url.password = secret;
    return url.toString();
  })();

  it('reads the same ledger through a cursor when the server refuses COPY (a real 0A000), and says so once', async () => {
    const expected = await postgresSalesSource({
      url: TEST_DATABASE_URL,
      relation: { table },
      rowKey: 'id',
    }).load(read());
    // The server's own refusal, through pg-copy-streams: COPY TO STDOUT inside PL/pgSQL is 0A000.
    const db = connection((client) =>
      client.query(copyTo(`DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO STDOUT'; END $$`)),
    );
    const logs = captureLogs({ secrets: [secret] });
    const source = postgresSalesSource({
      url: secretUrl,
      relation: { table },
      rowKey: 'id',
      open: db.open,
      logger: logs.logger,
    });
    const first = await source.load(read());
    expect(first.ledger).toEqual(expected.ledger);
    expect(first.dataQuality).toEqual({ ...expected.dataQuality, source: source.description });
    // Its week of 2026-11-09, then a zero for the ledger's last week (padded, as for a CSV file).
    expect(first.ledger.customers.get('tab\tand\\back')?.net).toEqual([400, 0]);
    // The refused COPY aborted the transaction: rolled back, opened again read-only, then the cursor.
    const rollback = db.sent.indexOf('ROLLBACK');
    expect(rollback).toBeGreaterThan(0);
    expect(db.sent[rollback + 1]).toMatch(/^BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY$/);
    expect(db.sent[rollback + 3]).toMatch(/^DECLARE revgap_sums CURSOR FOR SELECT c, p,/);
    // A second read goes straight to the cursor; the fallback is logged once, without the password.
    const second = await source.load(read());
    expect(second.ledger).toEqual(expected.ledger);
    expect(db.copies()).toBe(1);
    const told = logs.find('refused COPY');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      level: 30,
      code: '0A000',
      reason: 'cannot COPY to/from client in PL/pgSQL',
    });
    expect(logs.text()).not.toContain(secret);
  });

  it('tells a CLI user on stderr, as a note, that the sums came through a cursor (revgap analyze, backtest)', async () => {
    const db = connection((client) =>
      client.query(copyTo(`DO $$ BEGIN EXECUTE 'COPY (SELECT 1) TO STDOUT'; END $$`)),
    );
    let stderr = '';
    const io = {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
      stderrIsTTY: false,
    };
    const source = postgresSalesSource({
      url: secretUrl,
      relation: { table },
      rowKey: 'id',
      open: db.open,
      logger: notesLogger(io),
    });
    await source.load(read());
    expect(stderr).toBe(
      'note: the database refused COPY ... TO STDOUT: the sums come through a cursor (FETCH) instead ' +
        '(cannot COPY to/from client in PL/pgSQL).\n',
    );
    expect(stderr).not.toContain(secret);
  });

  it('reads through a cursor when COPY is refused as Redshift refuses it', async () => {
    const db = connection((client) => refusedCopy(client));
    const { ledger } = await postgresSalesSource({
      url: TEST_DATABASE_URL,
      relation: { table },
      open: db.open,
    }).load(read());
    expect(ledger.customers.get('A')?.net).toEqual([1001, -200, 0]);
    expect(db.sent.some((text) => text.startsWith('DECLARE revgap_sums'))).toBe(true);
  });

  it('does not swallow another error of the COPY (a missing column): no cursor, no log, the error as it is', async () => {
    const db = connection((client) => refusedCopy(client, '42703', 'column "amount_x" does not exist'));
    const logs = captureLogs();
    const source = postgresSalesSource({
      url: TEST_DATABASE_URL,
      relation: { table },
      open: db.open,
      logger: logs.logger,
    });
    await expect(source.load(read())).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('column "amount_x" does not exist'),
      hint: expect.stringContaining('--map field=column'),
    });
    expect(db.sent.some((text) => text.startsWith('DECLARE'))).toBe(false);
    expect(logs.lines).toEqual([]);
  });

  it('does not swallow an error the SELECT raises through a real COPY (division by zero)', async () => {
    const db = connection((client, select) => client.query(copyTo(`COPY (${select}) TO STDOUT`)));
    const source = postgresSalesSource({
      url: TEST_DATABASE_URL,
      relation: { query: `SELECT customer_id, date, amount / 0 AS amount FROM "${schema}".sales` },
      open: db.open,
    });
    await expect(source.load(read())).rejects.toMatchObject({
      message: expect.stringContaining('division by zero'),
    });
    expect(db.sent.some((text) => text.startsWith('DECLARE'))).toBe(false);
  });
});
