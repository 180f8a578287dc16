/**
 * Publishes a user's Home tab ("My accounts", use-cases/home.ts) with the Slack client and the
 * listeners' dependencies; a failure is logged, never thrown at a listener (the tab keeps its last
 * view, and Slack shows nothing went wrong, so the log says what and how to fix it).
 */
import { type HomeDeps, publishHome } from '../use-cases/home.ts';
import type { SlackDeps } from './slack-deps.ts';

export function homeDeps(deps: SlackDeps): HomeDeps {
  return {
    slack: deps.slack,
    store: deps.store,
    snapshots: deps.snapshots,
    logger: deps.logger,
    now: deps.now,
    ...(deps.today ? { today: deps.today } : {}),
    ...(deps.recovery ? { recovery: deps.recovery } : {}),
    ...(deps.holdout ? { holdout: deps.holdout } : {}),
    ...(deps.personal ? { personal: deps.personal } : {}),
    ...(deps.dmOwners !== undefined ? { dmOwners: deps.dmOwners } : {}),
  };
}

/** Publishes `userId`'s Home tab from `offset`; errors are logged with what to check. */
export async function showHome(userId: string, deps: SlackDeps, offset = 0): Promise<void> {
  try {
    await publishHome(userId, homeDeps(deps), offset);
  } catch (error) {
    deps.logger.error(
      { err: error, userId },
      'could not publish the Home tab; check that the app has the Home tab enabled (manifest features.app_home)',
    );
  }
}
