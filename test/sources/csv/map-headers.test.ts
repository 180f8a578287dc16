import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import {
  mapHeaders,
  normalizeHeader,
  SALES_ALIASES,
  SALES_FIELDS,
  SALES_REQUIRED,
} from '../../../src/sources/csv/map-headers.ts';

function salesColumns(headers: string[], map?: Record<string, string>) {
  return mapHeaders({
    file: 'sales.csv',
    headers,
    fields: SALES_FIELDS,
    required: SALES_REQUIRED,
    aliases: SALES_ALIASES,
    map,
  }).columns;
}

describe('normalizeHeader', () => {
  it('ignores case, spaces, underscores, hyphens, punctuation and a parenthesised suffix', () => {
    expect(normalizeHeader('Customer ID')).toBe('customerid');
    expect(normalizeHeader('customer_id')).toBe('customerid');
    expect(normalizeHeader(' CUSTOMER-ID ')).toBe('customerid');
    expect(normalizeHeader('Amount (USD)')).toBe('amount');
  });
});

describe('mapHeaders', () => {
  it('finds the canonical names', () => {
    expect(salesColumns(['customer_id', 'date', 'amount'])).toMatchObject({
      customer_id: 0,
      date: 1,
      amount: 2,
      order_id: -1,
    });
  });

  it('recognises common aliases in any case and spacing', () => {
    expect(salesColumns(['Net Sales', 'Client', 'Invoice Date', 'Order #', 'SKU', 'Store', 'Qty'])).toEqual({
      customer_id: 1,
      date: 2,
      amount: 0,
      order_id: 3,
      product: 4,
      store_id: 5,
      quantity: 6,
    });
    expect(salesColumns(['customer_id', 'week_start_date', 'weekly_spend'])).toMatchObject({
      date: 1,
      amount: 2,
    });
  });

  it('reads Shopify and Stripe exports without --map', () => {
    // Shopify orders: Name is the order ("#1001"), Email the buyer, Created at the order time.
    expect(
      salesColumns(['Name', 'Email', 'Financial Status', 'Paid at', 'Created at', 'Total']),
    ).toMatchObject({
      customer_id: 1,
      date: 4,
      amount: 5,
    });
    // Stripe payments: the customer id wins over the email; "Created date (UTC)" is the date.
    expect(
      salesColumns([
        'id',
        'Created date (UTC)',
        'Amount',
        'Amount Refunded',
        'Customer ID',
        'Customer Email',
      ]),
    ).toMatchObject({ customer_id: 4, date: 1, amount: 2 });
  });

  it('prefers the canonical name when two headers match', () => {
    expect(salesColumns(['total', 'amount', 'customer', 'customer_id', 'date'])).toMatchObject({
      amount: 1,
      customer_id: 3,
    });
  });

  it('lets an explicit map win over the aliases', () => {
    expect(
      salesColumns(['Kunde', 'Datum', 'Umsatz', 'amount'], {
        customer_id: 'Kunde',
        date: 'Datum',
        amount: 'Umsatz',
      }),
    ).toMatchObject({
      customer_id: 0,
      date: 1,
      amount: 2,
    });
  });

  it('lists the headers found, the accepted names and the --map flag when a column is missing', () => {
    let error: unknown;
    try {
      salesColumns(['Kunde', 'Datum', 'Umsatz']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain('sales.csv is missing required columns customer_id, date, amount');
    expect(message).toContain('Headers found: "Kunde", "Datum", "Umsatz"');
    expect(message).toContain('customer_id, customer, customer_no');
    expect(message).toContain(
      'Name the columns yourself: --map customer_id="Your Header" --map date="Your Header" --map amount="Your Header"',
    );
  });

  it('suggests the delimiter when the header is one column holding separators', () => {
    expect(() => salesColumns(['customer_id;date;amount'])).toThrow(/--delimiter/);
  });

  it('rejects a map naming a column that is not there, or an unknown field', () => {
    expect(() => salesColumns(['a', 'date', 'amount'], { customer_id: 'Customer ID' })).toThrow(
      /--map customer_id="Customer ID" names a column that is not in the header/,
    );
    expect(() => salesColumns(['customer_id', 'date', 'amount'], { client: 'x' })).toThrow(
      /Unknown field "client"/,
    );
  });
});
