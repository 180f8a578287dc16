import { describe, expect, it } from 'vitest';
import { drainSteps, runSteps } from '../../src/core/steps.ts';
import type { CustomerAnalysis } from '../../src/core/types.ts';
import {
  buildCustomerIndex,
  buildCustomerIndexSteps,
  customersByIdSteps,
  normalizeName,
} from '../../src/use-cases/find-customer.ts';

function customer(customerId: string, name: string, rank: number | null = null): CustomerAnalysis {
  return {
    customerId,
    name,
    status: rank === null ? 'no_gap' : 'scored',
    series: [],
    seriesStartPeriod: 0,
    metrics: null,
    gaps: [],
    gapAmountCents: 0,
    score: null,
    components: null,
    contributions: null,
    recoveryPotentialCents: 0,
    rank,
    recommendation: null,
  };
}

const customers = [
  customer('C-001', 'Acme Corp', 3),
  customer('C-002', 'Acme Logistics', 1),
  customer('C-003', 'Globex Inc'),
  customer('C-004', 'Café Ünited', 2),
  customer('C-005', 'Initech'),
];
const index = buildCustomerIndex(customers);
const ids = (list: CustomerAnalysis[]) => list.map((c) => c.customerId);

describe('findCustomer', () => {
  it('finds a customer by its exact id, in any case', () => {
    expect(index.find('C-003')).toMatchObject({ kind: 'found', customer: { name: 'Globex Inc' } });
    expect(index.find(' c-003 ')).toMatchObject({ kind: 'found', customer: { name: 'Globex Inc' } });
  });

  it('finds a customer by its exact name, ignoring case, accents and punctuation', () => {
    expect(index.find('acme corp')).toMatchObject({ kind: 'found', customer: { customerId: 'C-001' } });
    expect(index.find('cafe united')).toMatchObject({ kind: 'found', customer: { customerId: 'C-004' } });
  });

  it('finds the one customer whose name contains every word typed', () => {
    expect(index.find('logist')).toMatchObject({ kind: 'found', customer: { customerId: 'C-002' } });
  });

  it('offers a pick list, best ranked first, when several customers match', () => {
    const match = index.find('acme');
    expect(match.kind).toBe('several');
    if (match.kind !== 'several') return;
    expect(ids(match.candidates)).toEqual(['C-002', 'C-001']);
    expect(match.total).toBe(2);
  });

  it('caps the pick list but reports how many matched', () => {
    const match = index.find('c', { limit: 2 });
    expect(match).toMatchObject({ kind: 'several', total: 5 });
    if (match.kind === 'several') expect(match.candidates).toHaveLength(2);
  });

  it('suggests near names for a typo and nothing for gibberish', () => {
    const typo = index.find('Acme Crop');
    expect(typo.kind).toBe('none');
    if (typo.kind === 'none') expect(ids(typo.suggestions)[0]).toBe('C-001');
    expect(index.find('zzzz qqqq')).toEqual({ kind: 'none', suggestions: [] });
  });

  it('looks customers up by id for buttons that carry one', () => {
    expect(index.byId('C-005')?.name).toBe('Initech');
    expect(index.byId('c-005')).toBeUndefined();
  });
});

describe('normalizeName', () => {
  it('folds accents, case and punctuation', () => {
    expect(normalizeName('Café-Ünited, Inc.')).toBe('cafe united inc');
  });

  it('gives plain ASCII names the same treatment on its fast path', () => {
    expect(normalizeName('  Acme-Corp, Inc. #42 ')).toBe('acme corp inc 42');
  });
});

describe('buildCustomerIndexSteps', () => {
  it('builds, slice by slice, the same index as the one-go build, pausing between slices', async () => {
    let pauses = 0;
    const sliced = await runSteps(buildCustomerIndexSteps(customers, 2), async () => {
      pauses++;
    });
    for (const query of ['C-003', 'acme corp', 'acme', 'logist', 'Acme Crop', 'zzzz']) {
      expect(sliced.find(query)).toEqual(index.find(query));
    }
    expect(sliced.size).toBe(5);
    // 5 customers in slices of 2: 2 + 2 + 1, a pause between each.
    expect(pauses).toBe(2);
  });
});

describe('the index of many customers (its maps split in shards)', () => {
  it('finds every one of 20,000 customers by id, folded id and unique name, and none that is absent', () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      customer(`AC-${i.toString(36).toUpperCase()}`, `Store ${i} of ${['Oak', 'Elm', 'Fir'][i % 3]}`),
    );
    const big = buildCustomerIndex(many);
    for (const c of many) {
      expect(big.byId(c.customerId)).toBe(c);
      expect(big.find(c.customerId.toLowerCase())).toEqual({ kind: 'found', customer: c });
      expect(big.find(c.name.toUpperCase())).toEqual({ kind: 'found', customer: c });
    }
    expect(big.byId('AC-ZZZZZ')).toBeUndefined();
    expect(big.byId('')).toBeUndefined();
  });

  it('answers a name two customers share with both of them, and a word found in ids and names alike', () => {
    const twins = [
      customer('T-1', 'Twin Bakery', 2),
      customer('T-2', 'Twin  bakery!', 1),
      customer('BAKERY-9', 'Corner Shop'),
      customer('X-4', 'Other'),
    ];
    const twinIndex = buildCustomerIndex(twins);
    // The exact name matches two customers: the pick list, best ranked first.
    expect(twinIndex.find('twin bakery')).toEqual({
      kind: 'several',
      candidates: [twins[1], twins[0]],
      total: 2,
    });
    // "bakery" is in two names and in one id.
    const bakery = twinIndex.find('bakery');
    expect(bakery.kind).toBe('several');
    if (bakery.kind === 'several') expect(new Set(bakery.candidates)).toEqual(new Set(twins.slice(0, 3)));
    // Every word must be in the id or the name: "bakery 9" is only the third customer's id.
    expect(twinIndex.find('bakery 9')).toEqual({ kind: 'found', customer: twins[2] });
    expect(twinIndex.find('t 4 other')).toEqual({ kind: 'found', customer: twins[3] });
  });
});

describe('customersByIdSteps', () => {
  it('maps every customer by id, pausing between slices and not after the last', async () => {
    let pauses = 0;
    const byId = await runSteps(customersByIdSteps(customers, 2), async () => {
      pauses++;
    });
    expect([...byId.keys()]).toEqual(customers.map((c) => c.customerId));
    expect(byId.get('C-003')).toBe(customers.find((c) => c.customerId === 'C-003'));
    // 5 customers in slices of 2: 2 + 2 + 1, a pause between each.
    expect(pauses).toBe(2);
  });

  it('gives the same map run through at once', () => {
    const byId = drainSteps(customersByIdSteps(customers, 2));
    expect([...byId.entries()]).toEqual(customers.map((c) => [c.customerId, c]));
  });
});

describe('typo suggestions in a large book', () => {
  it('finds the customer sharing the most word beginnings, even behind thousands sharing one', () => {
    // 6,000 customers start a word with "acm", 6,000 others with "zeb": only Acme Zebra has both.
    const acme = Array.from({ length: 6000 }, (_, i) => customer(`A-${i}`, `Acme Foods ${i}`));
    const zebra = Array.from({ length: 6000 }, (_, i) => customer(`B-${i}`, `Beta Zebra ${i}`));
    const big = buildCustomerIndex([...acme, ...zebra, customer('Z-1', 'Acme Zebra Ltd')]);
    const match = big.find('Acme Zebar');
    expect(match.kind).toBe('none');
    if (match.kind === 'none') expect(ids(match.suggestions)[0]).toBe('Z-1');
  });
});
