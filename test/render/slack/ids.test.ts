import { describe, expect, it } from 'vitest';
import {
  cardBlockIds,
  cardKey,
  cardKeyFromBlockId,
  decodeCardAction,
  decodeSnooze,
  encodeCardAction,
  encodeSnooze,
  hashedKey,
  resolveCardKey,
} from '../../../src/render/slack/ids.ts';

describe('card keys and block ids', () => {
  it('uses a short customer id as its own key', () => {
    expect(cardKey('C001')).toBe('C001');
    expect(cardBlockIds('C001')).toEqual({ section: 'gap:s:C001', actions: 'gap:a:C001' });
    expect(cardKeyFromBlockId('gap:a:C001')).toBe('C001');
    expect(cardKeyFromBlockId('something-else')).toBeNull();
  });

  it('hashes a long id into a short, stable key that resolves back', () => {
    const long = 'x'.repeat(300);
    const key = cardKey(long);
    expect(key).toMatch(/^#[0-9a-f]{14}$/);
    expect(cardKey(long)).toBe(key);
    expect(resolveCardKey(key, ['C001', long])).toBe(long);
    expect(resolveCardKey(key, ['C001'])).toBeNull();
  });

  it('hashes an id that starts with # so it cannot pass for a hashed key', () => {
    expect(cardKey('#1')).toBe(hashedKey('#1'));
  });
});

describe('button values', () => {
  it('carries the customer id and the digest run as compact JSON', () => {
    expect(encodeCardAction('C001', 'run-7')).toBe('{"c":"C001","r":"run-7"}');
    expect(decodeCardAction('{"c":"C001","r":"run-7"}')).toEqual({
      customerId: 'C001',
      digestRunId: 'run-7',
    });
  });

  it('falls back to the key when the id would not fit in 2000 chars', () => {
    const huge = 'y'.repeat(2500);
    const value = encodeCardAction(huge, 'run-7');
    expect(value.length).toBeLessThanOrEqual(2000);
    expect(decodeCardAction(value)).toEqual({ cardKey: cardKey(huge), digestRunId: 'run-7' });
  });

  it('reads a bare id, and refuses garbage', () => {
    expect(decodeCardAction('C9')).toEqual({ customerId: 'C9' });
    expect(decodeCardAction('{"x":1}')).toBeNull();
    expect(decodeCardAction('{nope')).toBeNull();
    expect(decodeCardAction(undefined)).toBeNull();
  });
});

describe('snooze values', () => {
  it('round-trips weeks and key within 75 chars, hashing ids that would not fit', () => {
    expect(encodeSnooze('C001', 2)).toBe('{"w":2,"k":"C001"}');
    expect(decodeSnooze('{"w":2,"k":"C001"}')).toEqual({ weeks: 2, cardKey: 'C001' });
    const sixty = 'z'.repeat(64);
    const value = encodeSnooze(sixty, 4);
    expect(value.length).toBeLessThanOrEqual(75);
    expect(resolveCardKey(decodeSnooze(value)!.cardKey, [sixty])).toBe(sixty);
  });

  it('refuses weeks it does not offer', () => {
    expect(decodeSnooze('{"w":3,"k":"C001"}')).toBeNull();
  });
});
