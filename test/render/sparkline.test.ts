import { describe, expect, it } from 'vitest';
import { renderSparkline } from '../../src/render/sparkline.ts';

describe('renderSparkline', () => {
  it('returns an empty string for an empty series', () => {
    expect(renderSparkline([])).toBe('');
  });

  it('draws zero and negative periods with the lowest bar', () => {
    expect(renderSparkline([0, -500, 0])).toBe('▁▁▁');
  });

  it('draws an all-equal positive series flat at mid height', () => {
    expect(renderSparkline([700, 700, 700])).toBe('▄▄▄');
  });

  it('scales positive values from zero up to the maximum', () => {
    // 600 -> 1 + round(6/6*6) = 7 (█); 300 -> 1 + 3 = 4 (▅); 100 -> 1 + 1 = 2 (▃); 0 -> ▁.
    expect(renderSparkline([600, 300, 100, 0])).toBe('█▅▃▁');
  });

  it('keeps a tiny positive value above a zero period', () => {
    expect(renderSparkline([1_000_000, 1, 0])).toBe('█▂▁');
  });

  it('treats non-finite values as zero', () => {
    expect(renderSparkline([Number.NaN, 10, Number.POSITIVE_INFINITY])).toBe('▁█▁');
  });

  it('gives one character per value', () => {
    const values = Array.from({ length: 52 }, (_, i) => (i * 37) % 11);
    expect([...renderSparkline(values)]).toHaveLength(52);
  });
});
