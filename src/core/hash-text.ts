/**
 * FNV-1a over a string's UTF-16 code units: the hash of the ledger builder's customer table (and so
 * of its partitions, `partitionOfHash`), of the customer matcher's tables and of the CSV reader's
 * text memo. A byte of an ASCII (or Latin-1) text is its character's code, so hashing the bytes in
 * place (`hashBytes`) gives the same value.
 */
export function hashText(text: string, from = 0, to = text.length): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** `hashText` of the text `bytes[from .. to)` decode to as Latin-1, read from the bytes. */
export function hashBytes(bytes: Uint8Array, from: number, to: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ (bytes[i] as number), 0x01000193);
  return hash;
}
