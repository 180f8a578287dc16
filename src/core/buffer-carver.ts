/**
 * Carves typed-array storage out of large buffers, for memory that a read fills piece by piece and
 * then drops all at once (the ledger builder's slabs, the CSV reader's duplicate fingerprints).
 *
 * Why not one buffer per piece: glibc's malloc serves an allocation from its heap unless it is at
 * least its mmap threshold, which starts at 128 KiB but rises to the size of any mapped block freed
 * since (up to 32 MiB). Once a read's 1 MiB chunks had been freed, 2 MiB slabs and 32 KiB blocks
 * came from the heap, and freeing them later gave nothing back to the system: the heap is returned
 * only from its top, and the next allocations sit above them. On the benchmark's 100,000-customer
 * file that kept 30-60 MB resident for the rest of a run (the analysis' peak), and ~120 MB in two
 * range workers. A buffer of 32 MiB or more is always mapped on its own, so it goes back when it is
 * collected, and pages never written cost nothing. The first buffer is small, so that a small read
 * (most tests) does not map 32 MiB.
 */

/** Buffers after the first are this large (glibc always maps 32 MiB or more on its own). */
export const CARVED_BUFFER_BYTES = 32 << 20;
/** The first buffer: enough for a small read. */
const FIRST_BUFFER_BYTES = 1 << 20;

export interface BufferCarver {
  /**
   * `bytes` of zeroed storage (a multiple of 8) in a buffer shared with other pieces: the buffer and
   * the piece's byte offset in it. A piece larger than a carved buffer gets a buffer of its own.
   */
  carve(bytes: number): { buffer: ArrayBuffer | SharedArrayBuffer; offset: number };
}

/**
 * A carver whose pieces live until every piece of their buffer is dropped. `shared`: the buffers
 * are SharedArrayBuffers (other threads read the pieces in place).
 */
export function createBufferCarver(options: { shared?: boolean; firstBytes?: number } = {}): BufferCarver {
  let buffer: ArrayBuffer | SharedArrayBuffer | undefined;
  let used = 0;
  let nextBytes = options.firstBytes ?? FIRST_BUFFER_BYTES;
  const allocate = (bytes: number): ArrayBuffer | SharedArrayBuffer =>
    options.shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return {
    carve(bytes) {
      if (bytes % 8 !== 0) throw new Error(`createBufferCarver: ${bytes} bytes is not a multiple of 8`);
      if (buffer === undefined || used + bytes > buffer.byteLength) {
        const size = Math.max(nextBytes, bytes);
        nextBytes = CARVED_BUFFER_BYTES;
        buffer = allocate(size);
        used = 0;
      }
      const offset = used;
      used += bytes;
      return { buffer, offset };
    },
  };
}
