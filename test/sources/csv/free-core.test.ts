import { describe, expect, it } from 'vitest';
import {
  IDLE_AT_START,
  idleAtStart,
  idleCores,
  MIN_WINDOW_MS,
  secondCoreFreeBy,
} from '../../../src/sources/csv/_free-core.ts';

describe('idleCores', () => {
  it('is the idle milliseconds over the window, summed over the CPUs', () => {
    // 2 CPUs over 400 ms: one idle throughout (400 ms), the other 100 ms of it.
    expect(idleCores({ idleMs: 10_000, at: 1_000 }, { idleMs: 10_500, at: 1_400 })).toBeCloseTo(1.25);
    expect(idleCores({ idleMs: 10_000, at: 0 }, { idleMs: 10_000, at: 300 })).toBe(0);
  });

  it('cannot tell without idle times from the platform', () => {
    expect(idleCores({ idleMs: 0, at: 0 }, { idleMs: 0, at: 1_000 })).toBeNull();
  });

  it('cannot tell from a window shorter than the minimum', () => {
    expect(idleCores({ idleMs: 0, at: 0 }, { idleMs: 100, at: MIN_WINDOW_MS - 1 })).toBeNull();
    expect(idleCores({ idleMs: 0, at: 0 }, { idleMs: 100, at: MIN_WINDOW_MS })).not.toBeNull();
  });
});

describe('secondCoreFreeBy', () => {
  it('goes by the idle time since start-up when there is a window, whatever the load average', () => {
    // A quiet machine right after a heavy minute: the load average still says busy.
    expect(secondCoreFreeBy(2, 0.7, 2.5)).toBe(true);
    // Another process kept the second core busy: the load average does not matter either.
    expect(secondCoreFreeBy(2, 0.05, 0)).toBe(false);
    expect(secondCoreFreeBy(2, 0.35, 9)).toBe(true);
    expect(secondCoreFreeBy(2, 0.34, 0)).toBe(false);
  });

  it('falls back to the 1-minute load average without a window', () => {
    expect(secondCoreFreeBy(2, null, 0.9)).toBe(true);
    expect(secondCoreFreeBy(2, null, 1)).toBe(true);
    expect(secondCoreFreeBy(2, null, 1.1)).toBe(false);
    expect(secondCoreFreeBy(4, null, 2.9)).toBe(true);
  });

  it('never on one CPU', () => {
    expect(secondCoreFreeBy(1, 1, 0)).toBe(false);
    expect(secondCoreFreeBy(1, null, 0)).toBe(false);
  });
});

describe('idleAtStart', () => {
  it("reads the launcher's start-up sample, and nothing else", () => {
    expect(idleAtStart({ [IDLE_AT_START]: { idleMs: 1_234, at: 41.5 } })).toEqual({
      idleMs: 1_234,
      at: 41.5,
    });
    expect(idleAtStart({})).toBeNull();
    expect(idleAtStart({ [IDLE_AT_START]: { idleMs: '1234', at: 41.5 } })).toBeNull();
    expect(idleAtStart({ [IDLE_AT_START]: 'x' })).toBeNull();
  });

  it('is the symbol bin/revgap.mjs sets', async () => {
    const { readFile } = await import('node:fs/promises');
    const launcher = await readFile(new URL('../../../bin/revgap.mjs', import.meta.url), 'utf8');
    expect(launcher).toContain("Symbol.for('revgap.idleAtStart')");
    expect(IDLE_AT_START).toBe(Symbol.for('revgap.idleAtStart'));
  });
});
