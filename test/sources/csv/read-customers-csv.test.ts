import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.ts';
import { readCustomersCsv } from '../../../src/sources/csv/read-customers-csv.ts';
import { fixture, rejectionOf } from './_helpers.ts';

describe('readCustomersCsv', () => {
  it('reads the same customers from ASCII bytes as csv-parse does from text (spaces, tabs, quotes, empty fields)', async () => {
    const text =
      'customer_id,name,segment,account_manager\r\n' +
      ' C1 ,  Silverline Printing Company \t,SMB,erin@example.com\r\n' +
      'C2,"Quoted ""Name"" Holdings Ltd",\tEnterprise\t,\r\n' +
      'C3,,SMB, bob@example.com \r\n' +
      '"C4","  padded quoted name here  ",SMB,erin@example.com\r\n' +
      'C5,\u000bVertical tab name long enough\f,SMB,erin@example.com\r\n';
    const read = (engine: 'fast' | 'csv-parse') => readCustomersCsv({ path: 'c.csv', engine, input: [text] });
    const fast = await read('fast');
    expect(fast).toEqual(await read('csv-parse'));
    expect(fast.customers.map((c) => c.name)).toEqual([
      'Silverline Printing Company',
      'Quoted "Name" Holdings Ltd',
      undefined,
      'padded quoted name here',
      'Vertical tab name long enough',
    ]);
  });

  it('maps aliases (Customer, Company, Segment, Owner) and reports repeated or missing ids', async () => {
    const path = fixture('customers.csv');
    const { customers, quality } = await readCustomersCsv({ path });
    expect(customers).toEqual([
      { customerId: 'C001', name: 'Acme, Inc.', segment: 'Enterprise', accountManager: 'U012AB3CD' },
      { customerId: 'C002', name: 'Globex', accountManager: 'ana@example.com' },
    ]);
    expect(quality).toEqual({
      source: path,
      rowsRead: 4,
      rowsRejected: 2,
      problems: [
        {
          file: path,
          line: 4,
          column: 'Customer',
          code: 'duplicate_customer',
          reason: 'customer "C001" is listed again (the first entry is kept)',
        },
        { file: path, line: 5, column: 'Customer', code: 'missing_value', reason: 'customer id is empty' },
      ],
    });
  });

  it('accepts a file with only the id column', async () => {
    const { customers } = await readCustomersCsv({ path: fixture('customers-id-only.csv') });
    expect(customers).toEqual([{ customerId: 'C001' }, { customerId: 'C002' }]);
  });

  it('takes an explicit map', async () => {
    const { customers } = await readCustomersCsv({
      path: 'c.csv',
      input: ['Kunde;Firma;Betreuer\nK1;Muster GmbH;U1\n'],
      map: { customer_id: 'Kunde', name: 'Firma', account_manager: 'Betreuer' },
    });
    expect(customers).toEqual([{ customerId: 'K1', name: 'Muster GmbH', accountManager: 'U1' }]);
  });

  it('refuses a file without a customer id column, and one without rows', async () => {
    const missing = await rejectionOf(
      readCustomersCsv({ path: 'c.csv', input: ['name,segment\nAcme,SMB\n'] }),
    );
    expect(missing).toBeInstanceOf(InputError);
    expect(missing.message).toContain('c.csv is missing required column customer_id');
    const empty = await rejectionOf(readCustomersCsv({ path: 'c.csv', input: ['customer_id,name\n'] }));
    expect(empty.message).toContain('c.csv has a header line but no customer rows');
  });

  it('names the customers columns, not the sales ones, when the file is missing, empty or UTF-16', async () => {
    const gone = await rejectionOf(readCustomersCsv({ path: fixture('no-such-customers.csv') }));
    expect(gone.message).toContain('(customer_id,name,segment,account_manager)');
    expect(gone.message).not.toContain('customer_id,date,amount');
    const blank = await rejectionOf(readCustomersCsv({ path: 'c.csv', input: ['\n\n'] }));
    expect(blank.message).toContain('customer_id,name,segment,account_manager) and one row per line');
    const utf16 = await rejectionOf(
      readCustomersCsv({ path: 'c.csv', input: [Buffer.from('\ufeffcustomer_id\n', 'utf16le')] }),
    );
    expect(utf16.message).toContain('UTF-16');
    expect(utf16.message).toContain('(customer_id,name,segment,account_manager)');
  });
});
