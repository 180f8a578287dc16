/**
 * Next steps with a due date ("call Friday"): which ones are pending, and which reminders are due.
 * Pure; the events come from the store (JSON text, so a due date is checked here before use: a
 * value that is no real YYYY-MM-DD date is ignored, never trusted).
 *
 * A customer's pending next step is the one on their latest logged follow-up: a later follow-up
 * (with or without a date) replaces it. A reminder is due on its day, or up to `catchUpDays` after
 * when the bot was down that day; never for a gap that has since been closed (lost, not a real gap)
 * or released (open again, nobody on it).
 */
import type { FollowUpEvent, GapState } from './types.ts';

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDay(value: unknown): value is string {
  if (typeof value !== 'string' || !ISO_DAY.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

export interface PendingNextStep {
  event: FollowUpEvent;
  /** YYYY-MM-DD. */
  due: string;
}

/** Each customer's pending dated next step (from their latest follow-up), in event order. */
export function latestNextSteps(events: readonly FollowUpEvent[]): PendingNextStep[] {
  const latest = new Map<string, FollowUpEvent>();
  for (const event of events) if (event.kind === 'follow_up') latest.set(event.customerId, event);
  const out: PendingNextStep[] = [];
  for (const event of latest.values()) {
    if (isIsoDay(event.nextStepDue)) out.push({ event, due: event.nextStepDue });
  }
  return out;
}

/**
 * Whether a gap's next step still stands: someone works on it (claimed, contacted, recovering, or
 * snoozed); not when it was closed since (lost, not a real gap) or released (open, nobody on it).
 */
export function isStillWorkedOn(state: GapState | undefined): boolean {
  const status = state?.status ?? 'open';
  return status !== 'lost' && status !== 'dismissed' && status !== 'open';
}

export interface DueReminder extends PendingNextStep {
  /** Who gets it: whoever holds the gap now, else who logged the step. */
  userId: string;
  /** Key of the reminder's direct message: one per logged next step, ever. */
  key: string;
}

/** The key a reminder is recorded under once sent. */
export function reminderKey(event: Pick<FollowUpEvent, 'id'>): string {
  return `reminder:${event.id}`;
}

/**
 * Reminders to send on `today` (YYYY-MM-DD): next steps due today, or due up to `catchUpDays` ago
 * (default 3) and not sent, for gaps still being worked on.
 */
export function selectDueReminders(
  events: readonly FollowUpEvent[],
  states: ReadonlyMap<string, GapState>,
  today: string,
  options: { sent: (key: string) => boolean; catchUpDays?: number },
): DueReminder[] {
  const earliest = new Date(Date.parse(`${today}T00:00:00Z`) - (options.catchUpDays ?? 3) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const out: DueReminder[] = [];
  for (const step of latestNextSteps(events)) {
    if (step.due > today || step.due < earliest) continue;
    const state = states.get(step.event.customerId);
    if (!isStillWorkedOn(state)) continue;
    const key = reminderKey(step.event);
    if (options.sent(key)) continue;
    out.push({ ...step, userId: state?.ownerUserId ?? step.event.userId, key });
  }
  return out;
}
