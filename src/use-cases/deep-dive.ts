/**
 * The one deep-dive use-case of the CLI (`revgap customer`) and the bot (`/revgap acme`, `@revgap
 * C-1042`, a pick, a card's Deep dive): finds the customer meant with the one matcher
 * (find-customer.ts), and gathers what a deep dive shows: the analysis of the customer, its
 * follow-up history and gap state (when there is a store), its followed-up gaps, its account manager
 * as a Slack user. Returns data; render/deep-dive.ts (markdown) and render/slack/deep-dive-blocks.ts
 * (Block Kit message and modal) turn it into output.
 */

import { deriveGapState } from '../core/gap-state.ts';
import type { FollowedUpGap, RecoveryMeasure } from '../core/recovery.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, FollowUpEvent, GapState } from '../core/types.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { customerChartSvg } from '../render/chart.ts';
import { renderDeepDiveMessage, renderNotFound, renderPickList } from '../render/slack/deep-dive-blocks.ts';
import {
  type DeepDiveOrigin,
  type ModalChart,
  renderDeepDiveModal,
  renderDeepDiveShare,
} from '../render/slack/deep-dive-modal.ts';
import { decodeFollowUpMetadata } from '../render/slack/follow-up-modal.ts';
import { resolveCardKey } from '../render/slack/ids.ts';
import type { SlackMessage, View } from '../render/slack/message.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { DigestRunStore, FollowUpStore } from '../store/state-store.ts';
import type { AccountManagerDirectory } from './account-managers.ts';
import type { CustomerIndex } from './find-customer.ts';
import type { ChatPort } from './ports.ts';
import { findRun } from './record-follow-up.ts';
import type { LoadedSnapshot, SnapshotHolder } from './refresh-snapshot.ts';

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
  // Both reads at once: on a database server they are two round trips, not one after the other.
  const [history, recoveries] = await Promise.all([
    deps.store?.listFollowUps(customerId),
    deps.recovery ? deps.recovery.listFollowedUpGaps([customerId]) : [],
  ]);
  if (history) {
    dive.history = history;
    // The state follows from the same events (what getGapStates derives): one query, not two, on
    // the request path of every deep dive.
    if (history.length > 0) dive.state = deriveGapState(customerId, history, { today: options.today });
  }
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

/**
 * The Slack answer to a customer query: deep dive, pick list, or not found with suggestions. No
 * chart: answers stay instant under load (drawing and uploading one costs 30 to 50 ms of CPU and
 * three Web API calls); the deep-dive modal carries it.
 */
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

/** SVG to PNG (src/rasterize-svg.ts), given by the composition root: native code stays in the shell. */
export type ChartRasterizer = (svg: string) => Uint8Array | Promise<Uint8Array>;

export interface DeepDiveModalDeps extends DeepDiveDeps {
  snapshots: Pick<SnapshotHolder, 'load'>;
  /** Uploads the chart privately to the bot, for the modal's image block. */
  chat: Pick<ChatPort, 'uploadFile'>;
  /** Without it the modal has no chart. */
  rasterize?: ChartRasterizer;
  logger: Logger;
  now: () => Date;
}

/** Who opened which customer's deep dive, from which card. */
export interface DeepDiveRequest {
  /** The customer, or the card key naming it when its id was too long for the button. */
  customerId?: string;
  cardKey?: string;
  userId: string;
  origin: DeepDiveOrigin;
  /**
   * The chart the modal shows already (a modal rendered again after a click in it): reused, not
   * drawn and uploaded again.
   */
  chart?: ModalChart;
}

/**
 * The deep-dive modal of a card's customer: the deep dive (as `deepDiveOf` gathers it) with its
 * chart drawn (render/chart.ts), rasterised and uploaded privately to the bot for the image block.
 * A chart that cannot be drawn or uploaded leaves the modal without it, saying why.
 * @throws AppError NOT_FOUND when the analysis has no such customer (or none is loaded).
 */
export async function deepDiveModal(
  request: DeepDiveRequest,
  deps: DeepDiveModalDeps,
): Promise<{ view: View; withoutChart?: View }> {
  const loaded = await deps.snapshots.load();
  if (!loaded) {
    throw new AppError('NOT_FOUND', 'No analysis is loaded yet.', {
      hint: 'Wait for the first analysis (a minute after start-up), or check the bot log for a data error.',
    });
  }
  const customerId =
    request.customerId ??
    (request.cardKey
      ? resolveCardKey(
          request.cardKey,
          loaded.snapshot.result.customers.map((c) => c.customerId),
        )
      : null);
  const today = deps.now().toISOString().slice(0, 10);
  const dive = customerId ? await deepDiveOf(customerId, snapshotSource(loaded), deps, { today }) : null;
  if (!dive) {
    throw new AppError(
      'NOT_FOUND',
      `Customer ${customerId ?? request.cardKey ?? ''} is not in the latest analysis.`,
      {
        hint: 'The data changed since this card was posted: look the customer up with `/revgap <name>`.',
      },
    );
  }
  const chart =
    request.chart ??
    (deps.rasterize ? await drawChart(dive, { ...deps, rasterize: deps.rasterize }) : undefined);
  const view = modalOf(dive, request, chart);
  // Slack may refuse a file it has not finished processing: the adapter falls back to this one.
  return chart && 'fileId' in chart
    ? {
        view,
        withoutChart: modalOf(dive, request, {
          missing: 'Slack could not show the chart image yet; open the deep dive again in a moment.',
          altText: chart.altText,
        }),
      }
    : { view };
}

function modalOf(dive: DeepDive, request: DeepDiveRequest, chart: ModalChart | undefined): View {
  return renderDeepDiveModal({
    customer: dive.customer,
    result: dive.result,
    settings: dive.settings,
    ...(dive.history ? { history: dive.history } : {}),
    options: {
      ...(dive.state ? { state: dive.state } : {}),
      ...(dive.recoveries ? { recoveries: dive.recoveries } : {}),
      viewerUserId: request.userId,
    },
    origin: request.origin,
    ...(chart ? { chart } : {}),
  });
}

/** What drawing and showing a chart needs: the rasteriser, an upload, a logger for a failure. */
export interface ChartDeps {
  rasterize: ChartRasterizer;
  chat: Pick<ChatPort, 'uploadFile'>;
  logger: Logger;
}

/**
 * Charts already uploaded, per analysis and customer: a snapshot never changes, so neither does its
 * chart; opening the same customer's deep dive again reuses the file.
 */
const uploadedCharts = new WeakMap<AnalysisResult, Map<string, { fileId: string; altText: string }>>();

/**
 * The customer's chart, drawn (render/chart.ts), rasterised and uploaded privately to the bot, as an
 * image block shows it; or why it is not shown (the deep dive itself is complete without it).
 */
export async function drawChart(dive: DeepDive, deps: ChartDeps): Promise<ModalChart> {
  const cached = uploadedCharts.get(dive.result)?.get(dive.customer.customerId);
  if (cached) return cached;
  const { svg, altText } = customerChartSvg(dive.customer, dive.result, dive.settings);
  try {
    const png = await deps.rasterize(svg);
    const safeId = dive.customer.customerId.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
    const { fileId } = await deps.chat.uploadFile({
      filename: `revgap-chart-${safeId}.png`,
      title: `Revenue of ${dive.customer.name}`.slice(0, 200),
      content: png,
      altText,
    });
    if (!fileId) return { missing: 'Slack accepted the chart but gave no file id.', altText };
    const charts = uploadedCharts.get(dive.result) ?? new Map<string, { fileId: string; altText: string }>();
    charts.set(dive.customer.customerId, { fileId, altText });
    uploadedCharts.set(dive.result, charts);
    return { fileId, altText };
  } catch (error) {
    deps.logger.warn({ err: error, customerId: dive.customer.customerId }, 'deep-dive chart not shown');
    return {
      missing: `the chart could not be drawn or uploaded (${(error as Error).message}). The figures below are complete.`,
      altText,
    };
  }
}

export interface ShareDeepDiveDeps {
  snapshots: Pick<SnapshotHolder, 'load'>;
  store: Pick<DigestRunStore, 'findDigestByMessage' | 'getDigestRunById' | 'listDigestRuns'>;
  chat: Pick<ChatPort, 'postMessage'>;
}

/**
 * "Share" in the deep-dive modal: a short summary of the customer (render/slack/deep-dive-modal.ts
 * `renderDeepDiveShare`) posted in the thread of the digest showing it. Resolves to where it went,
 * or to the reason it was not posted (no digest shows the customer).
 */
export async function shareDeepDive(
  input: { value: string; userId: string },
  deps: ShareDeepDiveDeps,
): Promise<{ posted: { channel: string; threadTs: string } } | { notPosted: string }> {
  const target = decodeFollowUpMetadata(input.value);
  const loaded = await deps.snapshots.load();
  const customerId =
    target?.customerId ??
    (target?.cardKey && loaded
      ? resolveCardKey(
          target.cardKey,
          loaded.snapshot.result.customers.map((c) => c.customerId),
        )
      : null);
  const customer = customerId ? loaded?.index.byId(customerId) : undefined;
  if (!loaded || !customerId || !customer) {
    return {
      notPosted: 'This customer is not in the latest analysis any more, so there is nothing to share.',
    };
  }
  const run = await findRun(
    {
      channel: target?.channelId ?? '',
      messageTs: target?.messageTs ?? '',
      customerId,
      ...(target?.digestRunId ? { digestRunId: target.digestRunId } : {}),
    },
    deps.store,
  );
  if (!run) {
    return {
      notPosted:
        'No digest shows this customer, so there is no digest thread to share it in. ' +
        `To show it in a channel, use \`/revgap ${customerId}\` there and *Share in channel*.`,
    };
  }
  const parentTs = run.parts.find((p) => p.partIndex === 0)?.ts ?? target?.messageTs;
  if (!parentTs) return { notPosted: 'The digest of this card has no posted message to reply to.' };
  const message = renderDeepDiveShare(customer, loaded.snapshot.result, loaded.settings, input.userId);
  await deps.chat.postMessage({ channel: run.channel, threadTs: parentTs, ...message });
  return { posted: { channel: run.channel, threadTs: parentTs } };
}
