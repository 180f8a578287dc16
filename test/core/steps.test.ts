import { describe, expect, it } from 'vitest';
import { analyzeSteps } from '../../src/core/analyze.ts';
import { createLedgerBuilder } from '../../src/core/ledger.ts';
import { dayFromIso } from '../../src/core/periods.ts';
import { defaultAnalysisSettings } from '../../src/core/settings.ts';
import {
  COLLECT,
  CUSTOMERS_PER_STEP,
  drainSteps,
  runSteps,
  type Steps,
  sortSteps,
} from '../../src/core/steps.ts';
import { emptyQuality } from '../../src/use-cases/run-analysis.ts';

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

  it('keeps the order of runs already in order, ties at their seams included', () => {
    // Sorted except a few swapped places, and ties across the runs' seams: the copied runs and the
    // merged ones must both give Array.prototype.sort's stable order.
    const n = CUSTOMERS_PER_STEP * 5 + 17;
    for (const swaps of [0, 3, 40]) {
      const items = Array.from({ length: n }, (_, i) => ({ key: Math.floor(i / 3), at: i }));
      for (let s = 0; s < swaps; s++) {
        const a = (s * 7_919) % n;
        const b = (s * 104_729 + 11) % n;
        [items[a], items[b]] = [items[b] as (typeof items)[number], items[a] as (typeof items)[number]];
      }
      const expected = [...items].sort((a, b) => a.key - b.key);
      drainSteps(sortSteps(items, (a, b) => a.key - b.key));
      expect(items).toEqual(expected);
    }
  });

  it('merges two runs whose seam is out of order by one', () => {
    // After the runs are sorted, the second run starts one below where the first ends.
    const run = CUSTOMERS_PER_STEP;
    const items = Array.from({ length: 2 * run }, (_, i) => (i < run ? i : run + i));
    items[run + 5] = run - 2;
    const expected = [...items].sort((a, b) => a - b);
    drainSteps(sortSteps(items, (a, b) => a - b));
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

describe('runSteps and the COLLECT hint', () => {
  function* hinted(): Steps<string> {
    yield;
    yield COLLECT;
    yield;
    return 'done';
  }

  it('without a pause, calls collect where a step says COLLECT, once per hint', async () => {
    let collected = 0;
    await expect(runSteps(hinted(), undefined, () => collected++)).resolves.toBe('done');
    expect(collected).toBe(1);
  });

  it('with a pause (a bot keeping its event loop), never collects and pauses between steps', async () => {
    let collected = 0;
    let paused = 0;
    const pause = async () => {
      paused++;
    };
    await expect(runSteps(hinted(), pause, () => collected++)).resolves.toBe('done');
    expect(collected).toBe(0);
    expect(paused).toBe(3);
  });

  it('the analysis says COLLECT once, after every customer has its analysis', () => {
    const ledger = createLedgerBuilder({ kind: 'week', weekStartsOn: 1 });
    ledger.add({ customerId: 'A', day: dayFromIso('2026-11-02'), amountCents: 100 });
    const steps = analyzeSteps(
      { ledger: ledger.build(), customers: [], dataQuality: emptyQuality('sales.csv') },
      defaultAnalysisSettings(),
    );
    let hints = 0;
    for (let next = steps.next(); !next.done; next = steps.next()) if (next.value === COLLECT) hints++;
    expect(hints).toBe(1);
  });
});
