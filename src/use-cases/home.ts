/**
 * The Home tab, "My accounts": gathers the opener's gaps (my-accounts.ts), their states, snoozes
 * ending this week, next steps due (the follow-up events' due dates), their measured follow-up
 * results and the team's top unclaimed gaps, renders them (render/slack/home.ts, paged within
 * 100 blocks) and publishes the view through ChatPort. Published when the user opens the tab, on
 * "Next page", after each of their recorded follow-ups, and when they flip "My digest by DM".
 */
import { rankedPriorities } from '../core/analyze.ts';
import { isStillWorkedOn, latestNextSteps } from '../core/next-steps.ts';
import type { GapState, Priority } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import {
  HOME_TEAM_CARDS,
  type HomeCard,
  type HomeNextStep,
  type HomeView,
  renderHome,
} from '../render/slack/home.ts';
import type { HoldoutStore } from '../store/holdout-store.ts';
import type { PersonalStore } from '../store/personal-store.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { DigestRunStore, FollowUpStore } from '../store/state-store.ts';
import { loadHeldOut, visiblePriorities } from './holdout.ts';
import { resultRows } from './measure-recovery.ts';
import { isMine, type Person, selectMine, selectUnclaimed } from './my-accounts.ts';
import type { ChatPort } from './ports.ts';
import type { LoadedSnapshot, SnapshotHolder } from './refresh-snapshot.ts';

export interface HomeDeps {
  slack: Pick<ChatPort, 'publishView' | 'userEmail'>;
  store: FollowUpStore & Pick<DigestRunStore, 'listDigestRuns'>;
  snapshots: SnapshotHolder;
  logger: Logger;
  now: () => Date;
  /** Today (YYYY-MM-DD) in the configured time zone; default the UTC date of `now()`. */
  today?: () => string;
  recovery?: Pick<RecoveryStore, 'listFollowedUpGaps'>;
  holdout?: Pick<HoldoutStore, 'listHoldoutAssignments'>;
  /** The "My digest by DM" choice (the toggle is shown only with it). */
  personal?: Pick<PersonalStore, 'getDmDigest'>;
  /** REVGAP_DM_OWNERS=true: every account manager gets their digest by DM. */
  dmOwners?: boolean;
}

const DAY_MS = 86_400_000;
/** Events read for next steps due: the latest follow-ups of the past 180 days. */
const NEXT_STEP_WINDOW_DAYS = 180;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

async function me(userId: string, deps: HomeDeps): Promise<Person> {
  try {
    return { userId, email: await deps.slack.userEmail(userId) };
  } catch (error) {
    deps.logger.warn(
      { err: error, userId },
      'could not read the user email; matching accounts by user id only',
    );
    return { userId };
  }
}

function card(
  p: Priority,
  state: GapState | undefined,
  loaded: LoadedSnapshot,
  digest: { id: string; customers: ReadonlySet<string> } | null,
): HomeCard {
  const customer = loaded.index.byId(p.customerId);
  return {
    priority: p,
    ...(state ? { state } : {}),
    ...(customer ? { series: customer.series } : {}),
    ...(digest?.customers.has(p.customerId) ? { digestRunId: digest.id } : {}),
  };
}

/** The Home view for `userId` from `offset` (one of their cards; 0 = first page). */
export async function buildHome(userId: string, offset: number, deps: HomeDeps): Promise<HomeView> {
  const today = deps.today?.() ?? deps.now().toISOString().slice(0, 10);
  const dmDigest = deps.personal
    ? {
        on: deps.dmOwners === true || (await deps.personal.getDmDigest(userId)),
        forAll: deps.dmOwners === true,
      }
    : undefined;
  const loaded = deps.snapshots.current() ?? (await deps.snapshots.load());
  if (!loaded) {
    return renderHome({
      userId,
      currency: 'USD',
      today,
      mine: [],
      team: [],
      snoozesEnding: [],
      nextSteps: [],
      results: null,
      noData: true,
    });
  }
  const person = await me(userId, deps);
  const states = await deps.store.getGapStates(undefined, { today });
  const heldOut = await loadHeldOut(deps.holdout);
  const ranked = [...visiblePriorities(rankedPriorities(loaded.snapshot.result), heldOut)];
  const mine = selectMine(ranked, states, person, { withSnoozed: true });
  const mineIds = new Set(mine.map((p) => p.customerId));
  const team = selectUnclaimed(ranked, states, HOME_TEAM_CARDS, mineIds);
  const [latest] = await deps.store.listDigestRuns(1);
  const digest = latest
    ? { id: latest.id, customers: new Set(latest.priorities.map((p) => p.customerId)) }
    : null;

  const weekEnd = addDays(today, 7);
  const snoozesEnding = mine.flatMap((p) => {
    const until = states.get(p.customerId)?.snoozedUntil;
    return states.get(p.customerId)?.status === 'snoozed' && until && until < weekEnd
      ? [{ customerName: p.customerName, until }]
      : [];
  });

  const since = new Date(Date.parse(`${today}T00:00:00Z`) - NEXT_STEP_WINDOW_DAYS * DAY_MS).toISOString();
  const events = await deps.store.listFollowUpsSince(since);
  const nextSteps: HomeNextStep[] = latestNextSteps(events)
    .filter(
      (n) =>
        mineIds.has(n.event.customerId) && n.due < weekEnd && isStillWorkedOn(states.get(n.event.customerId)),
    )
    .map((n) => ({
      customerName: loaded.index.byId(n.event.customerId)?.name ?? n.event.customerId,
      due: n.due,
      ...(n.event.nextStep ? { text: n.event.nextStep } : {}),
    }));

  let results = null;
  if (deps.recovery) {
    const records = await deps.recovery.listFollowedUpGaps();
    const rows = resultRows(records, events).filter((r) => r.ownerUserId === userId);
    results = {
      followedUp: rows.length,
      measured: rows.filter((r) => r.measure !== null).length,
      recovered: rows.filter((r) => r.measure?.recovered).length,
      recoveredCents: rows.reduce((sum, r) => sum + (r.measure?.recovered ? r.measure.recoveredCents : 0), 0),
    };
  }

  return renderHome({
    userId,
    currency: loaded.settings.currency,
    today,
    // My accounts show me as the owner (an email in the file becomes my mention).
    mine: mine.map((p) =>
      card(
        isMine(p.accountManager, undefined, person) ? { ...p, accountManager: userId } : p,
        states.get(p.customerId),
        loaded,
        digest,
      ),
    ),
    team: team.map((p) => card(p, states.get(p.customerId), loaded, digest)),
    snoozesEnding,
    nextSteps,
    results,
    offset,
    ...(dmDigest ? { dmDigest } : {}),
  });
}

/** Builds and publishes `userId`'s Home tab. */
export async function publishHome(userId: string, deps: HomeDeps, offset = 0): Promise<void> {
  const view = await buildHome(userId, offset, deps);
  await deps.slack.publishView(userId, view);
  deps.logger.debug({ userId, offset, blocks: view.blocks.length }, 'home tab published');
}
