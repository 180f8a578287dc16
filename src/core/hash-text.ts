/**
 * FNV-1a over a string's UTF-16 code units: the hash of the ledger builder's customer table (and so
 * of its partitions, `partitionOfHash`) and of the customer matcher's tables. A byte of an ASCII id
 * is its character's code, so hashing the bytes in place gives the same value.
 */
export function hashText(text: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}
