/**
 * What every Slack listener gets (`register(app, deps)`): the Slack client (the one door to the Web
 * API), the state store, the analysis snapshot, the digest channel, a logger and a clock. Listeners
 * acknowledge, pull the fields they need out of the payload and hand over to a use-case.
 */
import type { Logger } from '../logger.ts';
import type { StateStore } from '../store/state-store.ts';
import type { SnapshotHolder } from '../use-cases/refresh-snapshot.ts';
import type { SlackClient } from './slack-client.ts';

/** Answer from an access check: allowed, or a polite refusal to show the user (no data). */
export type AccessAnswer = { allowed: true } | { allowed: false; message: string };

/**
 * Hooks for delivery de-duplication and access control (reliability); each defaults to "yes".
 * `firstDelivery(key)` is false for a delivery Slack re-sent (same event, same click).
 */
export interface SlackGuards {
  firstDelivery?(key: string): Promise<boolean>;
  checkAccess?(userId: string, channelId: string): Promise<AccessAnswer>;
}

export interface SlackDeps {
  slack: SlackClient;
  store: StateStore;
  snapshots: SnapshotHolder;
  /** Digest channel id. */
  digestChannel: string;
  logger: Logger;
  now: () => Date;
  guards?: SlackGuards;
}

/** True unless the guard says the delivery was seen before. */
export async function isFirstDelivery(deps: SlackDeps, key: string | null): Promise<boolean> {
  if (key === null || !deps.guards?.firstDelivery) return true;
  return deps.guards.firstDelivery(key);
}

export async function checkAccess(deps: SlackDeps, userId: string, channelId: string): Promise<AccessAnswer> {
  if (!deps.guards?.checkAccess) return { allowed: true };
  return deps.guards.checkAccess(userId, channelId);
}
