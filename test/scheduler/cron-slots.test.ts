import { describe, expect, it } from 'vitest';
import {
  CronSyntaxError,
  computeSlots,
  instantOfWallTime,
  lastSlotAtOrBefore,
  nextSlotAfter,
  parseCron,
} from '../../src/scheduler/cron-slots.ts';

const iso = (dates: Date[]): string[] => dates.map((d) => d.toISOString());
const at = (s: string): Date => new Date(s);

// 2026 transitions, from the tz database: the EU moves clocks at 01:00 UTC on the last Sunday of
// March (29th) and October (25th); New York at 02:00 local on 8 March and 1 November.
describe('computeSlots', () => {
  it('puts Monday 09:00 Berlin at 08:00Z before spring-forward and 07:00Z after', () => {
    expect(
      iso(computeSlots('0 9 * * 1', 'Europe/Berlin', at('2026-03-20T00:00Z'), at('2026-04-01T00:00Z'))),
    ).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z']);
  });

  it('puts Monday 09:00 Berlin back at 08:00Z after fall-back', () => {
    expect(
      iso(computeSlots('0 9 * * mon', 'Europe/Berlin', at('2026-10-18T00:00Z'), at('2026-10-27T00:00Z'))),
    ).toEqual(['2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z']);
  });

  it('follows New York across both 2026 transitions', () => {
    const slots = computeSlots(
      '0 9 * * 1',
      'America/New_York',
      at('2026-03-01T00:00Z'),
      at('2026-11-03T00:00Z'),
    );
    const march = iso(slots).slice(0, 2);
    expect(march).toEqual(['2026-03-02T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
    expect(iso(slots).slice(-2)).toEqual(['2026-10-26T13:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('runs a wall time skipped by spring-forward an hour later instead of dropping it', () => {
    expect(
      iso(computeSlots('30 2 * * *', 'Europe/Berlin', at('2026-03-28T00:00Z'), at('2026-03-30T23:00Z'))),
    ).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:30:00.000Z', // 02:30 does not exist: 03:30 CEST
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('runs a wall time that happens twice at fall-back only once, at its first occurrence', () => {
    expect(
      iso(computeSlots('30 2 * * *', 'Europe/Berlin', at('2026-10-24T12:00Z'), at('2026-10-25T12:00Z'))),
    ).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(
      iso(computeSlots('30 1 * * *', 'America/New_York', at('2026-11-01T00:00Z'), at('2026-11-01T23:00Z'))),
    ).toEqual(['2026-11-01T05:30:00.000Z']);
  });

  it('includes both ends of the range', () => {
    expect(iso(computeSlots('0 9 * * 1', 'UTC', at('2026-11-16T09:00Z'), at('2026-11-23T09:00Z')))).toEqual([
      '2026-11-16T09:00:00.000Z',
      '2026-11-23T09:00:00.000Z',
    ]);
  });

  it('matches either day field when both are restricted, as Vixie cron does', () => {
    // 1 December 2026 is a Tuesday; the Mondays around it are 30 November and 7 December.
    expect(iso(computeSlots('0 9 1 * 1', 'UTC', at('2026-11-29T00:00Z'), at('2026-12-08T00:00Z')))).toEqual([
      '2026-11-30T09:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      '2026-12-07T09:00:00.000Z',
    ]);
  });

  it('reads lists, ranges and steps', () => {
    expect(
      iso(computeSlots('*/20 8-9 * * *', 'UTC', at('2026-11-24T00:00Z'), at('2026-11-24T23:59Z'))),
    ).toEqual([
      '2026-11-24T08:00:00.000Z',
      '2026-11-24T08:20:00.000Z',
      '2026-11-24T08:40:00.000Z',
      '2026-11-24T09:00:00.000Z',
      '2026-11-24T09:20:00.000Z',
      '2026-11-24T09:40:00.000Z',
    ]);
    expect(parseCron('0 9 * * 1,3,5').daysOfWeek).toEqual(new Set([1, 3, 5]));
    expect(parseCron('0 9 * * 7').daysOfWeek).toEqual(new Set([0]));
    expect([...parseCron('5/30 * * jan-mar *').months]).toEqual([1, 2, 3]);
    expect(parseCron('5/30 * * * *').minutes).toEqual([5, 35]);
  });
});

describe('lastSlotAtOrBefore', () => {
  it('finds the Monday slot from a Tuesday', () => {
    expect(lastSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', at('2026-11-24T05:00Z'))?.toISOString()).toBe(
      '2026-11-23T08:00:00.000Z',
    );
  });

  it('counts a slot at exactly now, and goes a week back a second before it', () => {
    expect(lastSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', at('2026-11-23T08:00Z'))?.toISOString()).toBe(
      '2026-11-23T08:00:00.000Z',
    );
    expect(lastSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', at('2026-11-23T07:59:59Z'))?.toISOString()).toBe(
      '2026-11-16T08:00:00.000Z',
    );
  });

  it('finds the latest slot across a spring-forward weekend', () => {
    expect(lastSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', at('2026-03-30T06:59Z'))?.toISOString()).toBe(
      '2026-03-23T08:00:00.000Z',
    );
    expect(lastSlotAtOrBefore('0 9 * * 1', 'Europe/Berlin', at('2026-03-30T07:00Z'))?.toISOString()).toBe(
      '2026-03-30T07:00:00.000Z',
    );
  });

  it('finds a spring-forward-shifted slot looking back as well as forward (the catch-up case)', () => {
    // 02:30 does not exist in Berlin on 2026-03-29; the slot runs at 03:30 CEST = 01:30Z. A bot that
    // was down over it must still see it as the latest slot (cron-parser 5.10.7's prev() skips it,
    // docs/ARCHITECTURE.md "Decisions").
    expect(nextSlotAfter('30 2 * * *', 'Europe/Berlin', at('2026-03-29T00:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    expect(lastSlotAtOrBefore('30 2 * * *', 'Europe/Berlin', at('2026-03-29T03:00Z'))?.toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });

  it('finds a yearly 29 February slot', () => {
    expect(lastSlotAtOrBefore('0 0 29 2 *', 'UTC', at('2026-11-24T00:00Z'))?.toISOString()).toBe(
      '2024-02-29T00:00:00.000Z',
    );
  });
});

describe('nextSlotAfter', () => {
  it('gives the next Monday 09:00 in New York after fall-back', () => {
    expect(nextSlotAfter('0 9 * * 1', 'America/New_York', at('2026-10-27T00:00Z'))?.toISOString()).toBe(
      '2026-11-02T14:00:00.000Z',
    );
  });

  it('is strictly after now', () => {
    expect(nextSlotAfter('0 9 * * 1', 'UTC', at('2026-11-23T09:00Z'))?.toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
  });
});

describe('instantOfWallTime', () => {
  it('maps an ordinary wall time with the zone offset of the day', () => {
    expect(
      new Date(
        instantOfWallTime({ year: 2026, month: 7, day: 1, hour: 9, minute: 0, second: 0 }, 'Asia/Kolkata'),
      ).toISOString(),
    ).toBe('2026-07-01T03:30:00.000Z');
  });
});

describe('parseCron', () => {
  it.each([
    ['0 9 * *', /has 4 fields; use 5/],
    ['0 0 9 * * 1', /has 6 fields; use 5/],
    ['60 9 * * 1', /minute: 60 is outside 0-59/],
    ['0 9 * * funday', /day-of-week: "funday" is not a number/],
    ['0 9-5 * * 1', /runs backwards/],
    ['*/0 9 * * 1', /step "0"/],
    ['0 9 L * *', /day-of-month: "L"/],
  ])('refuses "%s" with a reason', (expression, reason) => {
    expect(() => parseCron(expression)).toThrow(CronSyntaxError);
    expect(() => parseCron(expression)).toThrow(reason);
  });

  it('refuses an unknown time zone', () => {
    expect(() =>
      computeSlots('0 9 * * 1', 'Mars/Olympus', at('2026-01-01T00:00Z'), at('2026-01-02T00:00Z')),
    ).toThrow(RangeError);
  });
});
