/**
 * Issue 13, findings 6-9: hints that name a fix that works. Header problems are refused with the
 * flag that fixes them for that file; a trailing delimiter is named as such.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import {
  CUSTOMER_ALIASES,
  CUSTOMER_FIELDS,
  mapHeaders,
  SALES_ALIASES,
  SALES_FIELDS,
  SALES_REQUIRED,
} from '../../../src/sources/csv/map-headers.ts';
import { readCustomersCsv } from '../../../src/sources/csv/read-customers-csv.ts';
import { readSales, rejectionOf } from './_helpers.ts';

function salesHeaders(headers: string[], map?: Record<string, string>) {
  return () =>
    mapHeaders({
      file: 's.csv',
      headers,
      fields: SALES_FIELDS,
      required: SALES_REQUIRED,
      aliases: SALES_ALIASES,
      map,
    });
}

describe('header hints', () => {
  it('finding 6: a customers file with an "id" header names --customers-map, which then works', async () => {
    const error = (() => {
      try {
        mapHeaders({
          file: 'c.csv',
          headers: ['id', 'name'],
          fields: CUSTOMER_FIELDS,
          required: ['customer_id'],
          aliases: CUSTOMER_ALIASES,
          mapFlag: '--customers-map',
        });
      } catch (e) {
        return e as InputError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error.message).toContain('--customers-map customer_id="Your Header"');
    expect(error.message).not.toContain('--map customer_id');
    const file = await readCustomersCsv({
      path: 'c.csv',
      input: ['id,name\nC1,Acme\n'],
      map: { customer_id: 'id' },
    });
    expect(file.customers).toEqual([{ customerId: 'C1', name: 'Acme' }]);
  });

  it('finding 9: a duplicate header name that a field uses is refused, naming both columns', () => {
    expect(salesHeaders(['customer_id', 'date', 'amount', 'Amount'])).toThrow(
      /2 columns named like "amount" \(columns 3 and 4\)/,
    );
    // A repeated column no field uses is harmless.
    expect(salesHeaders(['customer_id', 'date', 'amount', 'note', 'note'])).not.toThrow();
  });

  it('finding 9: two fields mapped to one column are refused', () => {
    expect(
      salesHeaders(['customer_id', 'date', 'amount'], { customer_id: 'amount', amount: 'amount' }),
    ).toThrow(/--map maps both customer_id and amount to column "amount"/);
  });

  it('table: every pair of fields mapped to the same header is refused', () => {
    const headers = ['a', 'b', 'c', 'd'];
    for (const f of SALES_FIELDS) {
      for (const g of SALES_FIELDS) {
        if (f === g) continue;
        expect(salesHeaders(headers, { [f]: 'a', [g]: 'a' })).toThrow(InputError);
      }
    }
  });

  it('finding 9: a trailing comma on every row is named as one, not as an unquoted 1,234.56', async () => {
    const text = 'customer_id,date,amount\nC1,2026-01-05,1,\nC1,2026-01-12,1,\n';
    const error = await rejectionOf(readSales({ path: 't.csv', text }));
    expect(error.message).toContain('the row ends with an extra delimiter, a trailing comma');
    expect(error.message).not.toContain('1,234.56');
    // An extra field with a value is still the unquoted-delimiter case.
    const { quality } = await readSales({
      path: 'u.csv',
      text: 'customer_id,date,amount\nC1,2026-01-05,1,234.56\nC1,2026-01-12,1\n',
    });
    expect(quality.problems[0]?.reason).toContain('1,234.56');
  });
});
