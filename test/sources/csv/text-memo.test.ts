import { describe, expect, it } from 'vitest';
import { dayFromIso } from '../../../src/core/periods.ts';
import { TextMemo } from '../../../src/sources/csv/text-memo.ts';

const bytesOf = (text: string): Uint8Array => Buffer.from(text, 'latin1');

describe('TextMemo', () => {
  it('gives the remembered day of a text, read as bytes or as text, and nothing for one never seen', () => {
    const memo = new TextMemo<number>();
    memo.set('x,2026-03-02,y', 2, 12, 20_514);
    expect(memo.getText('2026-03-02', 0, 10)).toBe(20_514);
    expect(memo.getBytes(bytesOf('C1,2026-03-02,10'), 3, 13)).toBe(20_514);
    expect(memo.getText('2026-03-03', 0, 10)).toBeUndefined();
    expect(memo.getText('2026-03-0', 0, 9)).toBeUndefined();
    expect(memo.getBytes(bytesOf('2026-03-02 '), 0, 11)).toBeUndefined();
  });

  it('never gives another date its day: more dates than slots, each found or not', () => {
    const memo = new TextMemo<number>();
    const dates: string[] = [];
    const start = dayFromIso('2000-01-01') as number;
    for (let i = 0; i < 20_000; i++)
      dates.push(new Date((start + i) * 86_400_000).toISOString().slice(0, 10));
    for (const [i, date] of dates.entries()) memo.set(date, 0, date.length, start + i);
    let found = 0;
    dates.forEach((date, i) => {
      const day = memo.getBytes(bytesOf(date), 0, date.length);
      if (day !== undefined) {
        found++;
        expect(day).toBe(start + i);
      }
      expect(memo.getText(date, 0, date.length)).toBe(day);
    });
    // Direct-mapped: the later of two colliding dates holds the slot; most are still there.
    expect(found).toBeGreaterThan(4_000);
    expect(found).toBeLessThan(dates.length);
  });

  it('keeps no text longer than 32 characters', () => {
    const memo = new TextMemo<number>();
    const long = `2026-03-02T10:00:00.000000000+01:00`;
    memo.set(long, 0, long.length, 20_514);
    expect(memo.getText(long, 0, long.length)).toBeUndefined();
  });
});
