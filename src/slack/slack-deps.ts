/**
 * What every Slack listener gets (`register(app, deps)`): the Slack client (the one door to the Web
 * API), the state store, the analysis snapshot, the digest channel, a logger and a clock. Listeners
 * acknowledge, pull the fields they need out of the payload and hand over to a use-case.
 * De-duplication of re-sent deliveries and access control are app-wide middleware
 * (reliability/install-reliability.ts), installed before the listeners.
 */

import type { FollowUpEvent } from '../core/types.ts';
import type { Logger } from '../logger.ts';
import type { HoldoutStore } from '../store/holdout-store.ts';
import type { PersonalStore } from '../store/personal-store.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { DigestRunStore, FollowUpStore } from '../store/state-store.ts';
import type { AccountManagerDirectory } from '../use-cases/account-managers.ts';
import type { ChartRasterizer } from '../use-cases/deep-dive.ts';
import type { SnapshotHolder } from '../use-cases/refresh-snapshot.ts';
import type { SlackClient } from './slack-client.ts';

export interface SlackDeps {
  slack: SlackClient;
  /** Follow-ups and gap states (answers, cards), and the digest run a clicked card belongs to. */
  store: FollowUpStore & DigestRunStore;
  snapshots: SnapshotHolder;
  /** Digest channel id. */
  digestChannel: string;
  logger: Logger;
  now: () => Date;
  /** Account managers given by email, shown as Slack users (optional). */
  people?: AccountManagerDirectory;
  /** Followed-up gaps and their measured recovery (optional; the state store implements it). */
  recovery?: RecoveryStore;
  /** Holdout assignments: held-out customers stay out of cards, top and mine (optional). */
  holdout?: HoldoutStore;
  /** The configured holdout share q in percent (for the report's method). */
  holdoutPercent?: number;
  /** "My digest by DM" choices and sent direct messages (optional; the state store implements it). */
  personal?: PersonalStore;
  /** REVGAP_DM_OWNERS=true: every account manager gets their digest by DM (no toggle on Home). */
  dmOwners?: boolean;
  /** Today (YYYY-MM-DD) in the configured time zone. */
  today?: () => string;
  /** After each newly recorded follow-up (main.ts binds it to re-publish the actor's Home tab). */
  onRecorded?: (event: FollowUpEvent) => Promise<void>;
  /** Draws the deep dive's chart as PNG (src/rasterize-svg.ts); without it the modal has no chart. */
  rasterize?: ChartRasterizer;
}
