import { describe, expect, it } from 'vitest';
import { CUSTOMERS_PER_STEP, drainSteps, runSteps, sortSteps } from '../../src/core/steps.ts';

describe('sortSteps', () => {
  it('sorts a short list in one go, as Array.prototype.sort does', () => {
    const items = [3, 1, 2];
    const steps = sortSteps(items, (a, b) => a - b);
    expect(steps.next().done).toBe(true);
    expect(items).toEqual([1, 2, 3]);
  });

  it('gives the order Array.prototype.sort gives, ties kept in input order, pausing on the way', () => {
    // Keys with many ties over 2.5 runs, so runs, merges and the stable tie rule all show.
    const n = Math.floor(CUSTOMERS_PER_STEP * 2.5);
    const items = Array.from({ length: n }, (_, i) => ({ key: (i * 7919) % 97, at: i }));
    const expected = [...items].sort((a, b) => a.key - b.key);
    const steps = sortSteps(items, (a, b) => a.key - b.key);
    let pauses = 0;
    while (!steps.next().done) pauses++;
    expect(pauses).toBeGreaterThan(2);
    expect(items).toEqual(expected);
  });

  it('drainSteps runs it through without pausing', () => {
    const items = Array.from({ length: CUSTOMERS_PER_STEP * 3 + 5 }, (_, i) => (i * 31) % 1000);
    const expected = [...items].sort((a, b) => b - a);
    drainSteps(sortSteps(items, (a, b) => b - a));
    expect(items).toEqual(expected);
  });
});

describe('runSteps', () => {
  function* counted(n: number) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      if (i > 0) yield;
      sum += i;
    }
    return sum;
  }

  it('awaits the pause between steps, never after the last, and returns the result', async () => {
    const seen: string[] = [];
    const result = await runSteps(counted(4), async () => {
      seen.push('pause');
    });
    expect(result).toBe(6);
    expect(seen).toEqual(['pause', 'pause', 'pause']);
  });

  it('runs through at once without a pause', async () => {
    expect(await runSteps(counted(4), undefined)).toBe(6);
  });
});
