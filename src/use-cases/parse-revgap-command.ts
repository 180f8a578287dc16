/**
 * What someone asked with `/revgap <text>` (or `@revgap <text>`): a keyword (`top [N|all]`,
 * `churn [all]`, `mine`, `report`, `help`), a follow-up to record (`log <customer>: <note>`, `snooze <customer> 2w`),
 * or else a customer id or name. A customer whose name starts with a keyword still works: `top notch`
 * is not `top` followed by a number, and `log cabin` (no colon) is not a note, so both are customer
 * queries; those two carry `commandHint`, so that when no single customer matches, the answer can
 * show the command's syntax instead.
 */
export type RevgapRequest =
  | { kind: 'help' }
  | { kind: 'top'; n: number | null; all?: true }
  | { kind: 'churn'; all?: true }
  | { kind: 'mine' }
  | { kind: 'report' }
  | { kind: 'log'; query: string; note: string }
  | { kind: 'snooze'; query: string; weeks: number }
  | { kind: 'customer'; query: string; commandHint?: 'log' | 'snooze' };

/** Longest snooze by command, in weeks (the card's menu offers 1, 2 and 4). */
export const MAX_SNOOZE_WEEKS = 12;

/** How to write the follow-up commands, for answers to a mistyped one (mrkdwn: `<` escaped). */
export const FOLLOW_UP_SYNTAX = {
  log: '`@revgap log &lt;customer&gt;: &lt;note&gt;`, e.g. `@revgap log Acme Corp: called the buyer, new order next week`',
  snooze:
    '`@revgap snooze &lt;customer&gt; &lt;weeks&gt;w`, e.g. `@revgap snooze Acme Corp 2w` (1 to 12 weeks)',
} as const;

/** `2w`, `2 w`, `2 weeks`, `1 week` at the end of the text: the weeks and the text before it. */
function trailingWeeks(text: string): { rest: string; weeks: number } | null {
  const m = /^(.*\S)\s+(\d{1,3})\s*(?:w|wk|wks|week|weeks)$/i.exec(text);
  return m ? { rest: m[1]!, weeks: Number(m[2]) } : null;
}

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
  if ((keyword === 'top' || keyword === 'churn') && rest.length === 1 && rest[0]!.toLowerCase() === 'all') {
    return keyword === 'top' ? { kind: 'top', n: null, all: true } : { kind: 'churn', all: true };
  }
  if (keyword === 'log' && rest.length > 0) {
    const body = trimmed.slice(first.length).trim();
    const colon = body.indexOf(':');
    const query = colon < 0 ? '' : body.slice(0, colon).trim();
    // The note keeps its own spacing and lines (text, not `trimmed`).
    const note = colon < 0 ? '' : noteAfterColon(text);
    if (query && note) return { kind: 'log', query, note };
    return { kind: 'customer', query: trimmed, commandHint: 'log' };
  }
  if (keyword === 'snooze' && rest.length > 0) {
    const timed = trailingWeeks(trimmed.slice(first.length).trim());
    if (timed && timed.weeks >= 1 && timed.weeks <= MAX_SNOOZE_WEEKS)
      return { kind: 'snooze', query: timed.rest, weeks: timed.weeks };
    return { kind: 'customer', query: trimmed, commandHint: 'snooze' };
  }
  if (keyword === 'top' && rest.length === 1 && /^\d{1,4}$/.test(rest[0]!)) {
    const n = Number(rest[0]);
    return { kind: 'top', n: Math.max(1, Math.min(MAX_TOP_N, n)) };
  }
  return { kind: 'customer', query: trimmed };
}

/** The note of `log <customer>: <note>` as typed (after the first colon), trimmed. */
function noteAfterColon(text: string): string {
  return text.slice(text.indexOf(':') + 1).trim();
}
