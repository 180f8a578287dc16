import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { workerStats } from '../../../src/sources/csv/_read-sales-in-worker.ts';
import { fixture, readSales, rejectionOf } from './_helpers.ts';

describe('readSalesCsv in a worker thread', () => {
  let dir = '';
  let big = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'revgap-csv-worker-'));
    big = join(dir, 'big.csv');
    // 40,000 rows: three batches; optional columns on some rows only; a few bad rows. Short ids, so
    // that only the worker path gives one string object per customer.
    const lines = ['customer_id,date,amount,order_id,product,quantity'];
    for (let i = 0; i < 40_000; i++) {
      const id = `C${i % 700}`;
      const day = String(1 + (i % 28)).padStart(2, '0');
      const order = i % 3 === 0 ? '' : `O${i % 35_000}`;
      const product = i % 5 === 0 ? '' : `"P, ${i % 7}"`;
      const quantity = i % 4 === 0 ? '' : String(i % 9);
      const amount = i % 9_999 === 0 ? 'oops' : `${(i % 1000) - 100}.${String(i % 100).padStart(2, '0')}`;
      lines.push(`${id},2026-02-${day},${amount},${order},${product},${quantity}`);
    }
    await writeFile(big, `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the same rows and data quality as the single-thread reader', async () => {
    const here = await readSales({ path: big, threads: false });
    const progress: number[] = [];
    const there = await readSales({ path: big, threads: true, onProgress: (bytes) => progress.push(bytes) });
    expect(there.rows).toEqual(here.rows);
    expect(there.quality).toEqual(here.quality);
    expect(here.quality.rowsRejected).toBe(5); // i = 0, 9999, 19998, 29997, 39996
    expect(here.quality.duplicateRows).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThan(0);
  });

  it('really runs in a worker (no silent fallback to this thread)', async () => {
    const before = { ...workerStats };
    await readSales({ path: big, threads: true });
    expect(workerStats.completed).toBe(before.completed + 1);
    expect(workerStats.fellBack).toBe(before.fellBack);
  });

  it('keeps working when onRow is slow (the worker waits instead of queueing everything)', async () => {
    let seen = 0;
    const { quality } = await readSales({ path: big, threads: true });
    await import('../../../src/sources/csv/read-sales-csv.ts').then(({ readSalesCsv }) =>
      readSalesCsv({ path: big, threads: true }, () => {
        seen++;
        if (seen % 10_000 === 0) {
          const until = Date.now() + 20;
          while (Date.now() < until) {
            // busy: the main thread falls behind the worker
          }
        }
      }),
    );
    expect(seen).toBe(quality.rowsAccepted);
  });

  it.each(['sales-quoted.csv', 'sales-currency.csv', 'sales-aliases.csv', 'sales-duplicates-order-id.csv'])(
    'reads %s the same as on one thread',
    async (name) => {
      const here = await readSales({ path: fixture(name), threads: false });
      const there = await readSales({ path: fixture(name), threads: true });
      expect(there).toEqual(here);
    },
  );

  it('passes InputError through, with the rows before a strict-mode stop', async () => {
    const path = fixture('sales-bad-date-line-7.csv');
    const rows: number[] = [];
    const { readSalesCsv } = await import('../../../src/sources/csv/read-sales-csv.ts');
    const error = await rejectionOf(
      readSalesCsv({ path, threads: true, badRows: 'strict' }, (row) => rows.push(row.line ?? 0)),
    );
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain('line 7, column "date"');
    expect(rows).toEqual([2, 3, 4, 5, 6]);
    const missing = await rejectionOf(readSales({ path: fixture('nope.csv'), threads: true }));
    expect(missing).toBeInstanceOf(InputError);
    expect(missing.message).toContain('File not found');
  });

  it('rejects with the error onRow throws', async () => {
    const { readSalesCsv } = await import('../../../src/sources/csv/read-sales-csv.ts');
    await expect(
      readSalesCsv({ path: big, threads: true }, () => {
        throw new Error('ledger full');
      }),
    ).rejects.toThrow('ledger full');
  });
});
