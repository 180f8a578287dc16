/**
 * Ranking of scored customers: by score, then by gap amount, then by customer id, so the order is
 * total and the same on every run.
 */

export interface Rankable {
  customerId: string;
  score: number | null;
  gapAmountCents: number;
}

/** Sort order: higher score first, then the larger gap, then the smaller id (code-point order). */
export function comparePriority(a: Rankable, b: Rankable): number {
  const byScore = (b.score ?? -1) - (a.score ?? -1);
  if (byScore !== 0) return byScore;
  const byGap = b.gapAmountCents - a.gapAmountCents;
  if (byGap !== 0) return byGap;
  return a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;
}

/** Sorts in place into priority order and sets each item's 1-based `rank`; returns the array. */
export function rankCustomers<T extends Rankable & { rank: number | null }>(items: T[]): T[] {
  items.sort(comparePriority);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item) item.rank = i + 1;
  }
  return items;
}
