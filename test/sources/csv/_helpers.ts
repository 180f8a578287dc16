/** Shared helpers for the CSV source tests. */
import { join } from 'node:path';
import type { DataQuality, SaleRow } from '../../../src/core/types.ts';
import { readSalesCsv, type SalesCsvOptions } from '../../../src/sources/csv/read-sales-csv.ts';

export const FIXTURES = join(import.meta.dirname, '../../fixtures/csv');

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

/** Day number of an ISO date, computed with the platform's Date (not the code under test). */
export function day(iso: string): number {
  return (
    Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000
  );
}

/** Reads a sales CSV (a fixture path, or `text` given as the input stream) and collects the rows. */
export async function readSales(
  options: Partial<SalesCsvOptions> & { path: string; text?: string | string[] },
): Promise<{ rows: SaleRow[]; quality: DataQuality }> {
  const rows: SaleRow[] = [];
  const { text, ...rest } = options;
  const input = text === undefined ? rest.input : Array.isArray(text) ? text : [text];
  const quality = await readSalesCsv({ ...rest, input }, (row) => rows.push(row));
  return { rows, quality };
}

/** The rejection of `promise` (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
