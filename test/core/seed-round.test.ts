import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundExactly, roundLikePython } from '../../src/core/seed-round.ts';

describe('roundLikePython', () => {
  it('rounds exact halves to even, as Python does (0.125 -> 0.12, 0.375 -> 0.38)', () => {
    expect(roundLikePython(0.125, 2)).toBe(0.12);
    expect(roundLikePython(0.375, 2)).toBe(0.38);
    expect(roundLikePython(-0.125, 2)).toBe(-0.12);
    expect(roundLikePython(2.5, 0)).toBe(2);
    expect(roundLikePython(3.5, 0)).toBe(4);
  });

  it('rounds the double actually stored, not the decimal it was typed as (2.675 is stored just below)', () => {
    // Python: round(2.675, 2) == 2.67 and round(1.005, 2) == 1.0; Math.round(x * 100) / 100 says 2.68 and 1.01.
    expect(roundLikePython(2.675, 2)).toBe(2.67);
    expect(roundLikePython(1.005, 2)).toBe(1);
    expect(roundLikePython(0.1 + 0.2, 2)).toBe(0.3);
  });

  it('leaves zero, infinities and huge values alone', () => {
    expect(roundLikePython(0, 2)).toBe(0);
    expect(roundLikePython(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(roundLikePython(1e22, 2)).toBe(1e22);
  });

  it('takes its fast path only where it agrees with the exact rounding', () => {
    const quarterCents = fc.integer({ min: -100_000_000, max: 100_000_000 }).map((n) => n / 400);
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ noNaN: true, min: -1e7, max: 1e7 }), quarterCents),
        fc.integer({ min: 0, max: 4 }),
        (x, d) => {
          expect(roundLikePython(x, d)).toBe(roundExactly(x, d));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
