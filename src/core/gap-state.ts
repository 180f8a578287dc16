/**
 * How a customer's follow-up status follows from its append-only events. Pure; the store applies it
 * to the events it keeps, the deep dive to a customer's history (snoozes left out), and the rules
 * are spelled out in docs/state-store.md.
 *
 * Events are replayed oldest first (by `at`, ties in recording order), starting from `open`:
 * - `claim`: `claimed`, owner = who claimed (a later claim by someone else reassigns).
 * - `follow_up` with outcome `contacted` / `recovering` / `lost`: that status; the owner is kept,
 *   or becomes the logger when nobody had claimed the gap.
 * - `follow_up` with outcome `not_a_gap`: `dismissed`, remembering the gap amount at the decision.
 * - `follow_up` without an outcome (a note): status unchanged.
 * - `snooze`: `snoozed` until `snoozeUntil` (none: until changed), remembering the gap amount and who
 *   snoozed it; the owner is kept.
 * - `unsnooze`: a snoozed gap goes back to what it was before the snooze (as when the snooze ends);
 *   on a gap that is not snoozed it changes nothing.
 * - `release`: `open`, nobody on it (the owner let go); a snooze ends with it.
 * With `today`, a snooze whose `snoozeUntil <= today` has ended: the state goes back to what it was
 * before the snooze (e.g. still claimed by the same owner). With `ignoreSnoozes`, snooze events are
 * (and unsnoozes) passed over altogether (the gap counts as it was before any snooze): for a caller that cannot know
 * today's date and so cannot tell whether a snooze has ended. `lastActionAt` is the last replayed
 * event's `at`.
 */
import type { FollowUpEvent, GapState, GapStatus } from './types.ts';

export interface DeriveGapStateOptions {
  /** YYYY-MM-DD: ends snoozes whose date has come. Without it, a snooze never ends by itself. */
  today?: string;
  /** Pass over snooze events, as if they had not happened. Default false. */
  ignoreSnoozes?: boolean;
}

type Decision = Pick<
  GapState,
  'status' | 'ownerUserId' | 'snoozedUntil' | 'snoozedByUserId' | 'gapAmountCentsAtDecision'
>;

const OUTCOME_STATUS: Record<string, GapStatus> = {
  contacted: 'contacted',
  recovering: 'recovering',
  lost: 'lost',
  not_a_gap: 'dismissed',
};

/** The state after replaying `events` (one customer's, oldest first). */
export function deriveGapState(
  customerId: string,
  events: readonly FollowUpEvent[],
  options: DeriveGapStateOptions = {},
): GapState {
  let current: Decision = { status: 'open' };
  // What the state was before the current run of snoozes, to return to when the snooze ends.
  let beforeSnooze: Decision | undefined;
  let lastActionAt: string | undefined;

  for (const event of events) {
    if ((event.kind === 'snooze' || event.kind === 'unsnooze') && options.ignoreSnoozes) continue;
    lastActionAt = event.at;
    if (event.kind === 'snooze') {
      if (current.status !== 'snoozed') beforeSnooze = current;
      current = {
        status: 'snoozed',
        ownerUserId: current.ownerUserId,
        snoozedUntil: event.snoozeUntil,
        snoozedByUserId: event.userId,
        gapAmountCentsAtDecision: event.gapAmountCents,
      };
      continue;
    }
    if (event.kind === 'unsnooze') {
      if (current.status === 'snoozed') current = stateBeforeSnooze(current, beforeSnooze);
      beforeSnooze = undefined;
      continue;
    }
    beforeSnooze = undefined;
    if (event.kind === 'release') {
      current = { status: 'open' };
    } else if (event.kind === 'claim') {
      current = { status: 'claimed', ownerUserId: event.userId };
    } else if (event.outcome !== undefined) {
      const status = OUTCOME_STATUS[event.outcome] ?? current.status;
      current =
        status === 'dismissed'
          ? { status, ownerUserId: current.ownerUserId, gapAmountCentsAtDecision: event.gapAmountCents }
          : { status, ownerUserId: current.ownerUserId ?? event.userId };
    }
    // A follow_up without an outcome is a note: the status stays as it is.
  }

  const snoozeOver =
    current.status === 'snoozed' &&
    options.today !== undefined &&
    current.snoozedUntil !== undefined &&
    current.snoozedUntil <= options.today;
  if (snoozeOver) current = stateBeforeSnooze(current, beforeSnooze);

  return withoutUndefined({ customerId, ...current, lastActionAt });
}

/** What a snoozed gap returns to when its snooze ends or is undone. */
function stateBeforeSnooze(snoozed: Decision, before: Decision | undefined): Decision {
  return before ?? { status: 'open', ownerUserId: snoozed.ownerUserId };
}

/** Groups events by customer (keeping their order) and derives each customer's state. */
export function deriveGapStates(
  events: readonly FollowUpEvent[],
  options: DeriveGapStateOptions = {},
): Map<string, GapState> {
  const byCustomer = new Map<string, FollowUpEvent[]>();
  for (const event of events) {
    const list = byCustomer.get(event.customerId);
    if (list) list.push(event);
    else byCustomer.set(event.customerId, [event]);
  }
  const states = new Map<string, GapState>();
  for (const [customerId, list] of byCustomer)
    states.set(customerId, deriveGapState(customerId, list, options));
  return states;
}

/**
 * Whether a dismissed or snoozed gap stays out of the digest. It re-surfaces when its amount has
 * grown by more than `worseByRatio` (default 0.25, i.e. 25%) since the decision; a decision without
 * a recorded amount hides the gap whatever its size. Other statuses are never hidden.
 */
export function isGapHidden(
  state: GapState | undefined,
  currentGapAmountCents: number,
  options: { worseByRatio?: number } = {},
): boolean {
  if (!state || (state.status !== 'dismissed' && state.status !== 'snoozed')) return false;
  const atDecision = state.gapAmountCentsAtDecision;
  if (atDecision === undefined) return true;
  return currentGapAmountCents <= atDecision * (1 + (options.worseByRatio ?? 0.25));
}

function withoutUndefined(state: GapState): GapState {
  const out = { ...state } as Record<string, unknown>;
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as unknown as GapState;
}
