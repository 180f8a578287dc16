/**
 * Next-step reminders: on the day a logged next step is due (core/next-steps.ts), whoever holds the
 * gap gets a direct message with the step and the customer's current figures and buttons. Each is
 * recorded once Slack accepted it (PersonalStore, key `reminder:<event id>`), so a restart, a second
 * tick or a second instance never sends it twice; none for a gap closed or released since.
 */
import { priorityOfCustomer } from '../core/analyze.ts';
import { selectDueReminders } from '../core/next-steps.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { renderReminder } from '../render/slack/reminder.ts';
import type { PersonalStore } from '../store/personal-store.ts';
import type { DigestRunStore, FollowUpStore } from '../store/state-store.ts';
import type { ChatPort } from './ports.ts';
import type { SnapshotHolder } from './refresh-snapshot.ts';

export interface ReminderDeps {
  slack: Pick<ChatPort, 'postMessage'>;
  store: FollowUpStore & Pick<DigestRunStore, 'listDigestRuns'>;
  personal: Pick<PersonalStore, 'directMessageSent' | 'recordDirectMessage'>;
  snapshots: SnapshotHolder;
  logger: Logger;
  now: () => Date;
}

/** Follow-ups read for due steps: the last 180 days (a step further out is logged later than that). */
const WINDOW_DAYS = 180;

/** Sends the reminders due on `today` (YYYY-MM-DD, the configured time zone); returns how many were sent. */
export async function sendDueReminders(today: string, deps: ReminderDeps): Promise<number> {
  const log = deps.logger.child({ component: 'reminders', today });
  const since = new Date(Date.parse(`${today}T00:00:00Z`) - WINDOW_DAYS * 86_400_000).toISOString();
  const events = await deps.store.listFollowUpsSince(since);
  const customerIds = [...new Set(events.map((e) => e.customerId))];
  if (customerIds.length === 0) return 0;
  const states = await deps.store.getGapStates(customerIds, { today });
  const due = selectDueReminders(events, states, today, { sent: () => false });
  if (due.length === 0) return 0;
  const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
  const [latestRun] = await deps.store.listDigestRuns(1);
  let sent = 0;
  const failures: unknown[] = [];
  for (const reminder of due) {
    if (await deps.personal.directMessageSent(reminder.key)) continue;
    const customerId = reminder.event.customerId;
    const customer = loaded?.index.byId(customerId);
    const priority = customer ? priorityOfCustomer(customer) : null;
    const state = states.get(customerId);
    const message = renderReminder({
      userId: reminder.userId,
      customerName: customer?.name ?? customerId,
      due: reminder.due,
      today,
      ...(reminder.event.nextStep ? { nextStep: reminder.event.nextStep } : {}),
      loggedBy: reminder.event.userId,
      loggedAt: reminder.event.at,
      currency: loaded?.settings.currency ?? 'USD',
      ...(priority
        ? {
            card: {
              priority,
              ...(state ? { state } : {}),
              ...(customer ? { series: customer.series } : {}),
              ...(latestRun?.priorities.some((p) => p.customerId === customerId)
                ? { digestRunId: latestRun.id }
                : {}),
            },
          }
        : {}),
    });
    try {
      const { ts } = await deps.slack.postMessage({ channel: reminder.userId, ...message });
      await deps.personal.recordDirectMessage(reminder.key, {
        userId: reminder.userId,
        ts,
        at: deps.now().toISOString(),
      });
      sent++;
      log.info({ customerId, userId: reminder.userId, due: reminder.due }, 'next-step reminder sent');
    } catch (error) {
      // The others still go out; this one is tried again at the next tick (the job sees the failure).
      failures.push(error);
      log.error({ err: error, customerId, userId: reminder.userId }, 'could not send a next-step reminder');
    }
  }
  if (failures.length > 0) {
    throw new AppError(
      'SLACK_API',
      `${failures.length} of ${due.length} next-step reminders could not be sent (${(failures[0] as Error).message})`,
      {
        hint: 'They are tried again at the next minute; check that the users are active.',
        cause: failures[0],
      },
    );
  }
  return sent;
}
