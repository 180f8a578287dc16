import { describe, expect, it } from 'vitest';
import { CARVED_BUFFER_BYTES, createBufferCarver } from '../../src/core/buffer-carver.ts';

describe('createBufferCarver', () => {
  it('carves zeroed, non-overlapping pieces: a small first buffer, then 32 MiB ones', () => {
    const carver = createBufferCarver({ firstBytes: 64 });
    const a = carver.carve(40);
    const b = carver.carve(24);
    const c = carver.carve(16);
    expect(a.buffer).toBe(b.buffer);
    expect([a.offset, b.offset, a.buffer.byteLength]).toEqual([0, 40, 64]);
    expect(c.buffer).not.toBe(a.buffer);
    expect([c.offset, c.buffer.byteLength]).toEqual([0, CARVED_BUFFER_BYTES]);
    expect(CARVED_BUFFER_BYTES).toBe(32 << 20);
    const view = new Float64Array(b.buffer, b.offset, 3);
    expect(Array.from(view)).toEqual([0, 0, 0]);
  });

  it('gives a piece larger than a buffer a buffer of its own', () => {
    const carver = createBufferCarver({ firstBytes: 64 });
    const big = carver.carve(CARVED_BUFFER_BYTES + 8);
    expect([big.offset, big.buffer.byteLength]).toEqual([0, CARVED_BUFFER_BYTES + 8]);
  });

  it('carves SharedArrayBuffers when asked, and refuses sizes that break 8-byte alignment', () => {
    expect(createBufferCarver({ shared: true }).carve(8).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(createBufferCarver().carve(8).buffer).toBeInstanceOf(ArrayBuffer);
    expect(() => createBufferCarver().carve(12)).toThrow(/multiple of 8/);
  });
});
