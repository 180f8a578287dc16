/**
 * The deep dive of what someone asked for (`/revgap acme`, `@revgap C-1042`, a pick, a card's Deep
 * dive): the one customer meant, with its follow-up history and its account manager as a Slack
 * user; or a pick list when several match; or "no customer matches" with the nearest names.
 * Answered from the analysis snapshot only.
 */
import { renderDeepDiveMessage, renderNotFound, renderPickList } from '../render/slack/deep-dive-blocks.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { FollowUpStore } from '../store/state-store.ts';
import type { AccountManagerDirectory } from './account-managers.ts';
import type { LoadedSnapshot } from './refresh-snapshot.ts';

export interface DeepDiveDeps {
  store: FollowUpStore;
  /** Shows account managers given by email as Slack users (optional). */
  people?: AccountManagerDirectory;
  /** Followed-up gaps, for "since @bob's claim: $X back" in the follow-ups (optional). */
  recovery?: RecoveryStore;
}

export interface DeepDiveOptions {
  /** Add "Share in channel" (private answers). */
  shareButton?: boolean;
  /** The digest the question came from, carried by the answer's buttons. */
  digestRunId?: string;
  /** YYYY-MM-DD: a snooze that ended by then no longer counts. */
  today: string;
  /** Who sees it, for a private answer: their own gap offers Release instead of Take over. */
  viewerUserId?: string;
}

/** The deep dive of one customer by id; null when the snapshot does not have it. */
export async function deepDiveOfCustomer(
  customerId: string,
  loaded: LoadedSnapshot,
  deps: DeepDiveDeps,
  options: DeepDiveOptions,
): Promise<SlackMessage | null> {
  const found = loaded.index.byId(customerId);
  if (!found) return null;
  const history = await deps.store.listFollowUps(customerId);
  const state = (await deps.store.getGapStates([customerId], { today: options.today })).get(customerId);
  const recoveries = deps.recovery ? await deps.recovery.listFollowedUpGaps([customerId]) : [];
  const [customer = found] = deps.people ? await deps.people.withSlackUsers([found]) : [found];
  return renderDeepDiveMessage(customer, loaded.snapshot.result, loaded.settings, history, {
    ...(options.shareButton ? { shareButton: true } : {}),
    ...(options.digestRunId ? { digestRunId: options.digestRunId } : {}),
    ...(state ? { state } : {}),
    ...(recoveries.length > 0 ? { recoveries } : {}),
    ...(options.viewerUserId ? { viewerUserId: options.viewerUserId } : {}),
  });
}

/** The answer to a customer query: deep dive, pick list, or not found with suggestions. */
export async function answerDeepDive(
  query: string,
  loaded: LoadedSnapshot,
  deps: DeepDiveDeps,
  options: DeepDiveOptions,
): Promise<SlackMessage> {
  const currency = loaded.settings.currency;
  const match = loaded.index.find(query);
  if (match.kind === 'several') {
    return renderPickList(match.candidates, { query, total: match.total, currency });
  }
  if (match.kind === 'none') return renderNotFound(query, match.suggestions, { currency });
  const message = await deepDiveOfCustomer(match.customer.customerId, loaded, deps, options);
  // The index and the snapshot are one object: a customer found is always there.
  return message ?? renderNotFound(query, [], { currency });
}
