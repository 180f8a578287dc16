/**
 * What someone asked with `/revgap <text>` (or `@revgap <text>`): a keyword (`top [N]`, `churn`,
 * `mine`, `report`, `help`) or else a customer id or name. A customer whose name starts with a
 * keyword still works: `top notch` is not `top` followed by a number, so it is a customer query.
 */
export type RevgapRequest =
  | { kind: 'help' }
  | { kind: 'top'; n: number | null }
  | { kind: 'churn' }
  | { kind: 'mine' }
  | { kind: 'report' }
  | { kind: 'customer'; query: string };

/** Most cards a `top N` answer lists (one ephemeral message). */
export const MAX_TOP_N = 25;

export function parseRevgapCommand(text: string): RevgapRequest {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  if (trimmed === '') return { kind: 'help' };
  const [first = '', ...rest] = trimmed.split(' ');
  const keyword = first.toLowerCase();
  if (rest.length === 0) {
    if (keyword === 'help' || keyword === '?') return { kind: 'help' };
    if (keyword === 'top') return { kind: 'top', n: null };
    if (keyword === 'churn') return { kind: 'churn' };
    if (keyword === 'mine') return { kind: 'mine' };
    if (keyword === 'report') return { kind: 'report' };
  }
  if (keyword === 'top' && rest.length === 1 && /^\d{1,4}$/.test(rest[0]!)) {
    const n = Number(rest[0]);
    return { kind: 'top', n: Math.max(1, Math.min(MAX_TOP_N, n)) };
  }
  return { kind: 'customer', query: trimmed };
}
