/**
 * Writes a generated sample as the two CSV files revgap reads: `sales.csv`
 * (customer_id,date,amount,order_id) and `customers.csv` (customer_id,name,segment,account_manager).
 * Rows are written in chunks with back-pressure, so 5 million rows never sit in memory.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isoFromDay } from '../../core/periods.ts';
import { generateSample, type SampleOptions } from './generate-sample.ts';

export interface WriteSampleResult {
  salesPath: string;
  customersPath: string;
  customers: number;
  salesRows: number;
  firstDate: string;
  lastDate: string;
}

const CHUNK_CHARS = 1 << 20;

/** Formats integer cents as a plain decimal ("123.45", "-5.00"). */
export function formatCentsPlain(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const fraction = abs % 100;
  return `${sign}${(abs - fraction) / 100}.${fraction < 10 ? '0' : ''}${fraction}`;
}

/** Quotes a CSV field when it holds a delimiter, quote or line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

async function writeLines(path: string, header: string, lines: Iterable<string>): Promise<number> {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => stream.once('error', reject));
  failed.catch(() => {});
  let chunk = `${header}\n`;
  let count = 0;
  const flush = async (): Promise<void> => {
    if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), failed]);
    chunk = '';
  };
  for (const line of lines) {
    chunk += `${line}\n`;
    count++;
    if (chunk.length >= CHUNK_CHARS) await flush();
  }
  await flush();
  stream.end();
  await Promise.race([once(stream, 'finish'), failed]);
  return count;
}

/** Generates a sample and writes `DIR/sales.csv` and `DIR/customers.csv` (DIR is created). */
export async function writeSample(dir: string, options: SampleOptions): Promise<WriteSampleResult> {
  await mkdir(dir, { recursive: true });
  const sample = generateSample(options);
  const customersPath = join(dir, 'customers.csv');
  const salesPath = join(dir, 'sales.csv');
  await writeLines(
    customersPath,
    'customer_id,name,segment,account_manager',
    sample.customers.map((c) => [c.customerId, c.name, c.segment, c.accountManager].map(csvField).join(',')),
  );
  // Only a few hundred distinct days: format each once.
  const dates = new Map<number, string>();
  const salesRows = await writeLines(
    salesPath,
    'customer_id,date,amount,order_id',
    (function* () {
      for (const row of sample.sales()) {
        let date = dates.get(row.day);
        if (date === undefined) {
          date = isoFromDay(row.day);
          dates.set(row.day, date);
        }
        yield `${row.customerId},${date},${formatCentsPlain(row.amountCents)},${row.orderId ?? ''}`;
      }
    })(),
  );
  return {
    salesPath,
    customersPath,
    customers: sample.customers.length,
    salesRows,
    firstDate: isoFromDay(sample.firstDay),
    lastDate: isoFromDay(sample.lastDay),
  };
}
