import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSample } from '../../../src/sources/sample/generate-sample.ts';
import { csvField, formatCentsPlain, writeSample } from '../../../src/sources/sample/write-sample.ts';

const dir = mkdtempSync(join(tmpdir(), 'revgap-sample-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('formatCentsPlain', () => {
  it('writes cents as a plain decimal with two places', () => {
    expect(formatCentsPlain(12345)).toBe('123.45');
    expect(formatCentsPlain(5)).toBe('0.05');
    expect(formatCentsPlain(-500)).toBe('-5.00');
    expect(formatCentsPlain(100000)).toBe('1000.00');
  });
});

describe('csvField', () => {
  it('quotes only fields with a comma, quote or line break', () => {
    expect(csvField('Acme')).toBe('Acme');
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvField('The "Best"')).toBe('"The ""Best"""');
  });
});

describe('writeSample', () => {
  it('writes sales.csv and customers.csv with the agreed headers and every generated row', async () => {
    const written = await writeSample(join(dir, 'out'), { end: '2026-11-22', customers: 20, periods: 4 });
    const sales = readFileSync(written.salesPath, 'utf8').trimEnd().split('\n');
    const customers = readFileSync(written.customersPath, 'utf8').trimEnd().split('\n');
    expect(sales[0]).toBe('customer_id,date,amount,order_id');
    expect(customers[0]).toBe('customer_id,name,segment,account_manager');
    expect(customers).toHaveLength(21);
    const expected = [...generateSample({ end: '2026-11-22', customers: 20, periods: 4 }).sales()];
    expect(sales).toHaveLength(expected.length + 1);
    expect(written.salesRows).toBe(expected.length);
    for (const line of sales.slice(1)) expect(line).toMatch(/^C\d{4},2026-1[01]-\d\d,-?\d+\.\d\d,S\d+(-R)?$/);
    expect(written.firstDate).toBe('2026-10-26');
    expect(written.lastDate).toBe('2026-11-22');
  });
});
