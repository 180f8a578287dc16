/**
 * Whose gap is whose, for the personal surfaces (Home tab, digest by DM, next-step reminders).
 * "Mine" = a customer whose account manager is me (my Slack user id, or my profile email, as the
 * customers file may give either; account-managers.ts maps emails for the cards) or a gap I have
 * claimed or taken over. Closed gaps (lost, or dismissed and not grown back) and snoozed ones the
 * digest hides are left out of the lists that ask for action.
 */
import { isGapHidden } from '../core/gap-state.ts';
import type { GapState, Priority } from '../core/types.ts';

/** A person: Slack user id, and their profile email when known (lower-cased on compare). */
export interface Person {
  userId: string;
  email?: string | null;
}

/** Whether a customer is `me`'s: my account (by id or email) or a gap I hold. */
export function isMine(accountManager: string | undefined, state: GapState | undefined, me: Person): boolean {
  if (state?.ownerUserId === me.userId) return true;
  if (!accountManager) return false;
  const am = accountManager.trim().toLowerCase();
  return am === me.userId.toLowerCase() || (!!me.email && am === me.email.trim().toLowerCase());
}

/** Whether a gap still asks for someone's attention: not lost, not a dismissed gap that stayed the same. */
export function isOpenForAction(
  priority: Pick<Priority, 'gapAmountCents'>,
  state: GapState | undefined,
): boolean {
  if (state?.status === 'lost') return false;
  if (state?.status === 'dismissed') return !isGapHidden(state, priority.gapAmountCents);
  return true;
}

/** My gaps among `ranked` (rank order kept), with snoozed ones when `withSnoozed` (the Home tab shows them). */
export function selectMine(
  ranked: Iterable<Priority>,
  states: ReadonlyMap<string, GapState>,
  me: Person,
  options: { withSnoozed?: boolean } = {},
): Priority[] {
  const mine: Priority[] = [];
  for (const p of ranked) {
    const state = states.get(p.customerId);
    if (!isMine(p.accountManager, state, me) || !isOpenForAction(p, state)) continue;
    if (!options.withSnoozed && isGapHidden(state, p.gapAmountCents)) continue;
    mine.push(p);
  }
  return mine;
}

/** The team's top `n` gaps nobody holds (open, no owner), leaving out `exclude` (e.g. mine). */
export function selectUnclaimed(
  ranked: Iterable<Priority>,
  states: ReadonlyMap<string, GapState>,
  n: number,
  exclude: ReadonlySet<string> = new Set(),
): Priority[] {
  const out: Priority[] = [];
  for (const p of ranked) {
    if (out.length >= n) break;
    const state = states.get(p.customerId);
    if (exclude.has(p.customerId) || state?.ownerUserId !== undefined) continue;
    if (state && state.status !== 'open') continue;
    out.push(p);
  }
  return out;
}
