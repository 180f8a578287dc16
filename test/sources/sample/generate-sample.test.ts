import { describe, expect, it } from 'vitest';
import type { SaleRow } from '../../../src/core/types.ts';
import {
  createPrng,
  generateSample,
  lastWeekEndOnOrBefore,
  SAMPLE_ACCOUNT_MANAGERS,
  sampleDayFromIso,
  sampleEndDate,
} from '../../../src/sources/sample/generate-sample.ts';

// 2026-11-22 is a Sunday; 2026-11-16 the Monday before it.
const SUNDAY = sampleDayFromIso('2026-11-22');

function rowsOf(options: Parameters<typeof generateSample>[0]): SaleRow[] {
  return [...generateSample(options).sales()];
}

/** Net cents per customer per week index (0 = first week). */
function weeklyNet(rows: SaleRow[], firstDay: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const row of rows) {
    const series = out.get(row.customerId) ?? [];
    const week = Math.floor((row.day - firstDay) / 7);
    series[week] = (series[week] ?? 0) + row.amountCents;
    out.set(row.customerId, series);
  }
  return out;
}

describe('createPrng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createPrng(7);
    const b = createPrng(7);
    const c = createPrng(8);
    const seqA = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(seqA);
    expect([c(), c(), c()]).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });
});

describe('lastWeekEndOnOrBefore', () => {
  it('keeps a Sunday and moves a Wednesday back to the Sunday before (Monday weeks)', () => {
    expect(lastWeekEndOnOrBefore(SUNDAY, 1)).toBe(SUNDAY);
    expect(lastWeekEndOnOrBefore(SUNDAY + 3, 1)).toBe(SUNDAY);
    expect(lastWeekEndOnOrBefore(SUNDAY + 7, 1)).toBe(SUNDAY + 7);
  });

  it('ends Sunday-start weeks on a Saturday', () => {
    expect(lastWeekEndOnOrBefore(SUNDAY, 0)).toBe(SUNDAY - 1);
  });
});

describe('sampleEndDate', () => {
  it('is the Sunday before today, and last week when today is a Sunday', () => {
    expect(sampleEndDate('2026-11-24')).toBe('2026-11-22');
    expect(sampleEndDate('2026-11-23')).toBe('2026-11-22');
    expect(sampleEndDate('2026-11-22')).toBe('2026-11-15');
  });
});

describe('generateSample', () => {
  it('is reproducible: the same seed gives the same customers and rows', () => {
    const options = { end: '2026-11-22', seed: 3 };
    expect(generateSample(options).customers).toEqual(generateSample(options).customers);
    expect(rowsOf(options)).toEqual(rowsOf(options));
    expect(rowsOf({ ...options, seed: 4 })).not.toEqual(rowsOf(options));
  });

  it('defaults to 200 customers over 104 whole Monday-to-Sunday weeks (two seasons) ending on the end date', () => {
    const sample = generateSample({ end: '2026-11-22' });
    expect(sample.customers).toHaveLength(200);
    expect(sample.lastDay).toBe(SUNDAY);
    expect(sample.firstDay).toBe(SUNDAY - 104 * 7 + 1);
    const rows = [...sample.sales()];
    expect(Math.min(...rows.map((r) => r.day))).toBeGreaterThanOrEqual(sample.firstDay);
    expect(Math.max(...rows.map((r) => r.day))).toBe(SUNDAY);
  });

  it('ends a mid-week end date at the last whole week before it', () => {
    expect(generateSample({ end: '2026-11-25' }).lastDay).toBe(SUNDAY);
  });

  it('streams rows in date order with unique order ids and whole-cent amounts', () => {
    const rows = rowsOf({ end: '2026-11-22', customers: 50 });
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.day).toBeGreaterThanOrEqual(rows[i - 1]!.day);
    const ids = rows.map((r) => r.orderId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of rows) expect(Number.isInteger(r.amountCents) && r.amountCents !== 0).toBe(true);
  });

  it('gives customers unique company-like names, a segment and an account manager email', () => {
    const { customers } = generateSample({ end: '2026-11-22' });
    expect(new Set(customers.map((c) => c.name)).size).toBe(customers.length);
    expect(customers[0]!.customerId).toBe('C0001');
    const emails = new Set(SAMPLE_ACCOUNT_MANAGERS.map((m) => m.email));
    for (const c of customers) {
      expect(['Enterprise', 'Mid-market', 'SMB']).toContain(c.segment);
      expect(emails.has(c.accountManager)).toBe(true);
    }
  });

  it('makes Enterprise customers spend more a week than SMB customers on average', () => {
    const sample = generateSample({ end: '2026-11-22', customers: 400 });
    const net = weeklyNet([...sample.sales()], sample.firstDay);
    const mean = (segment: string): number => {
      const totals = sample.customers
        .filter((c) => c.segment === segment && c.pattern === 'steady')
        .map((c) => (net.get(c.customerId) ?? []).reduce((a, b) => a + (b ?? 0), 0));
      return totals.reduce((a, b) => a + b, 0) / totals.length;
    };
    expect(mean('Enterprise')).toBeGreaterThan(3 * mean('Mid-market'));
    expect(mean('Mid-market')).toBeGreaterThan(2 * mean('SMB'));
  });

  it('includes every pattern, and lapsing, churned and new customers behave as named', () => {
    const sample = generateSample({ end: '2026-11-22', customers: 400, periods: 12 });
    const net = weeklyNet([...sample.sales()], sample.firstDay);
    const patterns = new Set(sample.customers.map((c) => c.pattern));
    expect([...patterns].sort()).toEqual(
      [
        'churned',
        'declining',
        'growing',
        'lapsing',
        'new',
        'occasional',
        'seasonal',
        'steady',
        'fortnightly',
        'monthly',
        'fading',
        'stopped',
      ].sort(),
    );
    for (const c of sample.customers) {
      const series = net.get(c.customerId) ?? [];
      const lastTwo = (series[10] ?? 0) + (series[11] ?? 0);
      if (c.pattern === 'lapsing') expect(lastTwo).toBe(0);
      if (c.pattern === 'churned') expect(series.slice(4).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
      // New customers buy only in the last five weeks.
      if (c.pattern === 'new') expect(series.slice(0, 7).every((v) => (v ?? 0) === 0)).toBe(true);
    }
  });

  it('fortnightly and monthly customers buy every 2 and 4 weeks; seasonal ones peak in December', () => {
    const sample = generateSample({ end: '2026-11-22', customers: 600, periods: 104 });
    const net = weeklyNet([...sample.sales()], sample.firstDay);
    for (const c of sample.customers) {
      const weeks = (net.get(c.customerId) ?? []).flatMap((v, i) => ((v ?? 0) > 0 ? [i] : []));
      const every = c.pattern === 'fortnightly' ? 2 : c.pattern === 'monthly' ? 4 : 0;
      // Refunds can cancel a week, never add one: every sale week is on the customer's rhythm.
      if (every > 0) for (const w of weeks) expect((w - (weeks[0] ?? 0)) % every).toBe(0);
    }
    // Seasonal customers: December weeks average more than November weeks.
    const seasonal = sample.customers.filter((c) => c.pattern === 'seasonal');
    let dec = 0;
    let nov = 0;
    for (const c of seasonal) {
      (net.get(c.customerId) ?? []).forEach((v, i) => {
        const month = new Date((sample.firstDay + i * 7 + 3) * 86_400_000).getUTCMonth() + 1;
        if (month === 12) dec += v ?? 0;
        if (month === 11) nov += v ?? 0;
      });
    }
    expect(seasonal.length).toBeGreaterThan(0);
    expect(dec).toBeGreaterThan(1.5 * nov);
  });

  it('has declining customers whose last weeks are well below their first weeks', () => {
    const sample = generateSample({ end: '2026-11-22', customers: 400, periods: 12 });
    const net = weeklyNet([...sample.sales()], sample.firstDay);
    const declining = sample.customers.filter((c) => c.pattern === 'declining');
    const fell = declining.filter((c) => {
      const s = net.get(c.customerId) ?? [];
      const first = (s[0] ?? 0) + (s[1] ?? 0) + (s[2] ?? 0) + (s[3] ?? 0);
      const last = (s[8] ?? 0) + (s[9] ?? 0) + (s[10] ?? 0) + (s[11] ?? 0);
      return last < 0.8 * first;
    });
    expect(fell.length).toBeGreaterThan(0.8 * declining.length);
  });

  it('includes a few refunds (negative rows)', () => {
    const rows = rowsOf({ end: '2026-11-22', customers: 400 });
    const refunds = rows.filter((r) => r.amountCents < 0);
    expect(refunds.length).toBeGreaterThan(0);
    expect(refunds.length).toBeLessThan(rows.length * 0.05);
    expect(refunds.every((r) => r.orderId?.endsWith('-R'))).toBe(true);
  });

  it('rejects options it cannot honour, naming them', () => {
    expect(() => generateSample({ end: '2026-02-30' })).toThrow(/2026-02-30/);
    expect(() => generateSample({ end: '2026-11-22', customers: 0 })).toThrow(/customers/);
    expect(() => generateSample({ end: '2026-11-22', periods: 1.5 })).toThrow(/periods/);
  });
});
