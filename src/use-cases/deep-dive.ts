/**
 * The one deep-dive use-case of the CLI (`revgap customer`) and the bot (`/revgap acme`, `@revgap
 * C-1042`, a pick, a card's Deep dive): finds the customer meant with the one matcher
 * (find-customer.ts), and gathers what a deep dive shows: the analysis of the customer, its
 * follow-up history and gap state (when there is a store), its followed-up gaps, its account manager
 * as a Slack user. Returns data; render/deep-dive.ts (markdown) and render/slack/deep-dive-blocks.ts
 * (Block Kit message and modal) turn it into output.
 */

import type { FollowedUpGap, RecoveryMeasure } from '../core/recovery.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, FollowUpEvent, GapState } from '../core/types.ts';
import { renderDeepDiveMessage, renderNotFound, renderPickList } from '../render/slack/deep-dive-blocks.ts';
import type { SlackMessage } from '../render/slack/message.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { FollowUpStore } from '../store/state-store.ts';
import type { AccountManagerDirectory } from './account-managers.ts';
import type { CustomerIndex } from './find-customer.ts';
import type { LoadedSnapshot } from './refresh-snapshot.ts';

export interface DeepDiveDeps {
  store: FollowUpStore;
  /** Shows account managers given by email as Slack users (optional). */
  people?: AccountManagerDirectory;
  /** Followed-up gaps, for "since @bob's claim: $X back" in the follow-ups (optional). */
  recovery?: RecoveryStore;
}

/** What a deep dive is answered from: an analysis, its settings and its customer index. */
export interface DeepDiveSource {
  result: AnalysisResult;
  settings: AnalysisSettings;
  index: CustomerIndex;
}

/** The bot's source: the loaded snapshot. */
export const snapshotSource = (loaded: LoadedSnapshot): DeepDiveSource => ({
  result: loaded.snapshot.result,
  settings: loaded.settings,
  index: loaded.index,
});

/** Everything one deep dive shows; the renderers turn it into markdown or Block Kit. */
export interface DeepDive {
  customer: CustomerAnalysis;
  result: AnalysisResult;
  settings: AnalysisSettings;
  /** Follow-up events, oldest first; undefined without a store (the CLI), so the section is left out. */
  history?: readonly FollowUpEvent[];
  /** Who is on the gap now (claimed, snoozed...), as its card shows it. */
  state?: GapState;
  recoveries?: readonly { gap: FollowedUpGap; measure: RecoveryMeasure | null }[];
}

/** The answer to a query: one customer's deep dive, several to pick from, or none (with near misses). */
export type CustomerLookup =
  | { kind: 'found'; dive: DeepDive }
  | { kind: 'several'; query: string; candidates: CustomerAnalysis[]; total: number }
  | { kind: 'none'; query: string; suggestions: CustomerAnalysis[] };

export interface DeepDiveLookupOptions {
  /** YYYY-MM-DD: a snooze that ended by then no longer counts (only read with a store). */
  today: string;
  /** Most candidates listed when several match (default 10). */
  limit?: number;
}

/** The deep dive of one customer by id; null when the analysis does not have it. */
export async function deepDiveOf(
  customerId: string,
  source: DeepDiveSource,
  deps: Partial<DeepDiveDeps>,
  options: Pick<DeepDiveLookupOptions, 'today'>,
): Promise<DeepDive | null> {
  const found = source.index.byId(customerId);
  if (!found) return null;
  const dive: DeepDive = { customer: found, result: source.result, settings: source.settings };
  if (deps.store) {
    dive.history = await deps.store.listFollowUps(customerId);
    const state = (await deps.store.getGapStates([customerId], { today: options.today })).get(customerId);
    if (state) dive.state = state;
  }
  const recoveries = deps.recovery ? await deps.recovery.listFollowedUpGaps([customerId]) : [];
  if (recoveries.length > 0) dive.recoveries = recoveries;
  if (deps.people) [dive.customer = found] = await deps.people.withSlackUsers([found]);
  return dive;
}

/** Finds the customer `query` means and gathers its deep dive. */
export async function lookUpCustomer(
  query: string,
  source: DeepDiveSource,
  deps: Partial<DeepDiveDeps>,
  options: DeepDiveLookupOptions,
): Promise<CustomerLookup> {
  const match = source.index.find(query, { limit: options.limit ?? 10 });
  if (match.kind === 'several') {
    return { kind: 'several', query, candidates: match.candidates, total: match.total };
  }
  if (match.kind === 'none') return { kind: 'none', query, suggestions: match.suggestions };
  const dive = await deepDiveOf(match.customer.customerId, source, deps, options);
  // The index and the analysis are one object: a customer found is always there.
  return dive ? { kind: 'found', dive } : { kind: 'none', query, suggestions: [] };
}

export interface DeepDiveMessageOptions {
  /** Add "Share in channel" (private answers). */
  shareButton?: boolean;
  /** The digest the question came from, carried by the answer's buttons. */
  digestRunId?: string;
  /** YYYY-MM-DD: a snooze that ended by then no longer counts. */
  today: string;
  /** Who sees it, for a private answer: their own gap offers Release instead of Take over. */
  viewerUserId?: string;
}

/** A deep dive as a Slack message (render/slack/deep-dive-blocks.ts). */
export function deepDiveMessage(
  dive: DeepDive,
  options: Omit<DeepDiveMessageOptions, 'today'>,
): SlackMessage {
  return renderDeepDiveMessage(dive.customer, dive.result, dive.settings, dive.history, {
    ...(options.shareButton ? { shareButton: true } : {}),
    ...(options.digestRunId ? { digestRunId: options.digestRunId } : {}),
    ...(dive.state ? { state: dive.state } : {}),
    ...(dive.recoveries ? { recoveries: dive.recoveries } : {}),
    ...(options.viewerUserId ? { viewerUserId: options.viewerUserId } : {}),
  });
}

/** The deep dive of one customer by id as a Slack message; null when the snapshot does not have it. */
export async function deepDiveOfCustomer(
  customerId: string,
  loaded: LoadedSnapshot,
  deps: DeepDiveDeps,
  options: DeepDiveMessageOptions,
): Promise<SlackMessage | null> {
  const dive = await deepDiveOf(customerId, snapshotSource(loaded), deps, options);
  return dive && deepDiveMessage(dive, options);
}

/** The Slack answer to a customer query: deep dive, pick list, or not found with suggestions. */
export async function answerDeepDive(
  query: string,
  loaded: LoadedSnapshot,
  deps: DeepDiveDeps,
  options: DeepDiveMessageOptions,
): Promise<SlackMessage> {
  const currency = loaded.settings.currency;
  const found = await lookUpCustomer(query, snapshotSource(loaded), deps, options);
  switch (found.kind) {
    case 'several':
      return renderPickList(found.candidates, { query, total: found.total, currency });
    case 'none':
      return renderNotFound(query, found.suggestions, { currency });
    case 'found':
      return deepDiveMessage(found.dive, options);
  }
}
