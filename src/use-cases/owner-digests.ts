/**
 * "My digest by DM", sent with each weekly digest run: every account manager who turned it on in
 * the Home tab (or all of them with REVGAP_DM_OWNERS=true) gets one direct message with their own
 * open gaps (my-accounts.ts: their accounts, by Slack id or an email mapped to one, and the gaps
 * they hold), as cards with the digest's buttons; nobody gets an empty one.
 *
 * Crash-safe like the digest's parts: each DM is recorded (PersonalStore, key
 * `digest:<run id>:<user>`) right after Slack accepted it, and a resumed run skips the recorded
 * ones, so a restart neither loses nor repeats one (short of a crash between Slack's answer and the
 * write, the same window the digest's own parts have).
 */

import { isGapHidden } from '../core/gap-state.ts';
import { periodTitle } from '../core/periods.ts';
import type { GapState, Priority } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import { renderOwnerDigest } from '../render/slack/owner-digest.ts';
import type { PersonalStore } from '../store/personal-store.ts';
import type { DigestRun } from '../store/state-store.ts';
import { type AccountManagerDirectory, looksLikeUserId } from './account-managers.ts';
import { isMine, isOpenForAction } from './my-accounts.ts';
import type { ChatPort } from './ports.ts';
import type { LoadedSnapshot } from './refresh-snapshot.ts';

export interface OwnerDigestDeps {
  slack: Pick<ChatPort, 'postMessage'>;
  personal: Pick<PersonalStore, 'listDmDigestUsers' | 'directMessageSent' | 'recordDirectMessage'>;
  /** Maps account managers given by email to Slack users. */
  people?: AccountManagerDirectory;
  /** REVGAP_DM_OWNERS=true: every account manager who is a Slack user, opted in or not. */
  dmOwners: boolean;
  logger: Logger;
  now: () => Date;
}

/** Ranked customers read for the DMs (the digest's own cap on cards). */
const OWNER_DIGEST_SCAN = 1000;

export function ownerDigestKey(runId: string, userId: string): string {
  return `digest:${runId}:${userId}`;
}

/**
 * Each recipient's gaps (rank order), for the gaps that ask for action and are not snoozed or
 * dismissed: `recipients` is a set of user ids, or `'all'` for every account manager who is a Slack
 * user (their id in the file, or an email already mapped to one) and everyone holding a gap.
 * Account managers come in as mapped by `AccountManagerDirectory.withSlackUsers`.
 */
export function selectOwnerDigests(
  ranked: Iterable<Priority>,
  states: ReadonlyMap<string, GapState>,
  recipients: ReadonlySet<string> | 'all',
): Map<string, Priority[]> {
  const byUser = new Map<string, Priority[]>();
  const add = (userId: string, p: Priority) => {
    if (recipients !== 'all' && !recipients.has(userId)) return;
    const list = byUser.get(userId);
    if (list) list.push(p);
    else byUser.set(userId, [p]);
  };
  for (const p of ranked) {
    const state = states.get(p.customerId);
    if (!isOpenForAction(p, state) || isGapHidden(state, p.gapAmountCents)) continue;
    const users = new Set<string>();
    if (p.accountManager && looksLikeUserId(p.accountManager)) users.add(p.accountManager);
    if (state?.ownerUserId) users.add(state.ownerUserId);
    for (const userId of users) if (isMine(p.accountManager, state, { userId })) add(userId, p);
  }
  return byUser;
}

/**
 * Sends the run's DMs not sent yet; returns how many were sent now. A DM Slack refuses is logged and
 * skipped (the channel digest is already out); an interrupted run resumed later sends the missing ones.
 */
export async function sendOwnerDigests(
  input: {
    run: DigestRun;
    loaded: LoadedSnapshot;
    ranked: Iterable<Priority>;
    states: ReadonlyMap<string, GapState>;
  },
  deps: OwnerDigestDeps,
): Promise<number> {
  const log = deps.logger.child({ component: 'owner-digests', runId: input.run.id });
  const recipients: ReadonlySet<string> | 'all' = deps.dmOwners
    ? 'all'
    : new Set(await deps.personal.listDmDigestUsers());
  if (recipients !== 'all' && recipients.size === 0) return 0;
  const scanned: Priority[] = [];
  for (const p of input.ranked) {
    if (scanned.length >= OWNER_DIGEST_SCAN) break;
    scanned.push(p);
  }
  const mapped = deps.people ? await deps.people.withSlackUsers(scanned) : scanned;
  const byUser = selectOwnerDigests(mapped, input.states, recipients);
  const { result } = input.loaded.snapshot;
  const shownInRun = new Set(input.run.priorities.map((p) => p.customerId));
  let sent = 0;
  let failed = 0;
  for (const [userId, priorities] of byUser) {
    const key = ownerDigestKey(input.run.id, userId);
    if (await deps.personal.directMessageSent(key)) continue;
    const message = renderOwnerDigest({
      userId,
      currency: input.loaded.settings.currency,
      weekLabel: periodTitle(result.asOf.period, result.period),
      cards: priorities.map((p) => {
        const customer = input.loaded.index.byId(p.customerId);
        const state = input.states.get(p.customerId);
        return {
          priority: p,
          ...(state ? { state } : {}),
          ...(customer ? { series: customer.series } : {}),
          // A click there updates the channel's copy of the card when the digest shows it.
          ...(shownInRun.has(p.customerId) ? { digestRunId: input.run.id } : {}),
        };
      }),
    });
    try {
      // Posting to the user id lands in the app's Messages tab with that user (chat:write only).
      const { ts } = await deps.slack.postMessage({ channel: userId, ...message });
      await deps.personal.recordDirectMessage(key, { userId, ts, at: deps.now().toISOString() });
      sent++;
    } catch (error) {
      // One person's DM (a deactivated user, Slack down past the client's retries) never fails the
      // team's digest, which is already posted: logged, and the others still go out.
      failed++;
      log.error(
        { err: error, userId },
        'could not send a digest by DM; check that the user is active and the app may message them (chat:write)',
      );
    }
  }
  log.info({ recipients: byUser.size, sent, failed }, 'digests by DM sent');
  return sent;
}
