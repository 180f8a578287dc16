import { describe, expect, it } from 'vitest';
import { findCustomers, matchCustomer, suggestCustomers } from '../../src/cli/customer.ts';
import { buildCustomer } from '../helpers/build-result.ts';

const customers = [
  buildCustomer({ customerId: 'C1', name: 'Acme Foods' }),
  buildCustomer({ customerId: 'C10', name: 'Acme Hardware' }),
  buildCustomer({ customerId: 'acme', name: 'Zenith Labs' }),
  buildCustomer({ customerId: 'C2', name: 'Bolt Supply' }),
];

const ids = (list: { customerId: string }[]) => list.map((c) => c.customerId);

describe('findCustomers', () => {
  it('takes an exact id over anything else', () => {
    expect(ids(findCustomers(customers, 'C1'))).toEqual(['C1']);
    expect(ids(findCustomers(customers, 'acme'))).toEqual(['acme']);
  });

  it('then an id or a whole name equal ignoring case', () => {
    expect(ids(findCustomers(customers, 'c2'))).toEqual(['C2']);
    expect(ids(findCustomers(customers, 'bolt supply'))).toEqual(['C2']);
  });

  it('then every customer whose name or id contains the text', () => {
    expect(ids(findCustomers(customers, 'ACME'))).toEqual(['acme']);
    expect(ids(findCustomers(customers, 'acme f'))).toEqual(['C1']);
    expect(ids(findCustomers(customers, 'Acm'))).toEqual(['C1', 'C10', 'acme']);
  });

  it('finds nothing for blank or unknown text', () => {
    expect(findCustomers(customers, '  ')).toEqual([]);
    expect(findCustomers(customers, 'Quasar')).toEqual([]);
  });
});

describe('suggestCustomers', () => {
  it('suggests the ids and names within a few typos, closest first', () => {
    expect(ids(suggestCustomers(customers, 'Bolt Suply'))).toEqual(['C2']);
    // "c3" is one edit from C1 and C2, two from C10, four from "acme" (over the limit of 2).
    expect(ids(suggestCustomers(customers, 'C3'))).toEqual(['C1', 'C2', 'C10']);
  });

  it('suggests nothing for text far from every customer', () => {
    expect(suggestCustomers(customers, 'Quasar Interstellar')).toEqual([]);
  });
});

describe('matchCustomer', () => {
  const book = [
    buildCustomer({ customerId: 'C0092', name: 'Pinecrest Marine LLC' }),
    buildCustomer({ customerId: 'C0112', name: 'Pinecrest Coffee LLC' }),
    buildCustomer({ customerId: 'C0012', name: 'Pinecrest Outfitters Group' }),
  ];

  it('finds a customer from its words in any order, as /revgap does', () => {
    expect(ids(matchCustomer(book, 'marine pinecrest').matches)).toEqual(['C0092']);
    const both = matchCustomer(book, 'pinecrest llc');
    expect(ids(both.matches).sort()).toEqual(['C0092', 'C0112']);
    expect(both.total).toBe(2);
  });

  it('suggests the name for a typo too far from the whole name for the edit distance', () => {
    // "pinecrst marin" is six edits from "pinecrest marine llc": over suggestCustomers' limit of 4.
    expect(suggestCustomers(book, 'Pinecrst Marin')).toEqual([]);
    const r = matchCustomer(book, 'Pinecrst Marin');
    expect(r.matches).toEqual([]);
    expect(ids(r.suggestions)[0]).toBe('C0092');
  });
});
