/**
 * The last analysis snapshot: what `/revgap`, the buttons and the digest answer from. Slack gives a
 * command 3 seconds, so the request path never reads the sales data: a refresh (at start-up, before
 * each digest, on `revgap digest`) runs the analysis, saves the result in the state store and keeps
 * it in memory with a customer index; a restarted instance loads the latest saved one.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type { AnalysisSettings } from '../core/settings.ts';
import { runSteps } from '../core/steps.ts';
import type { AnalysisResult } from '../core/types.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { HoldoutStore } from '../store/holdout-store.ts';
import type { RecoveryStore } from '../store/recovery-store.ts';
import type { AnalysisSnapshot, SnapshotStore } from '../store/state-store.ts';
import { buildCustomerIndex, buildCustomerIndexSteps, type CustomerIndex } from './find-customer.ts';
import { updateHoldout } from './holdout.ts';
import { updateRecoveries } from './measure-recovery.ts';

/** A snapshot ready to answer from. */
export interface LoadedSnapshot {
  snapshot: AnalysisSnapshot;
  /** The settings to render with (the snapshot's own, else the running config's). */
  settings: AnalysisSettings;
  index: CustomerIndex;
}

export interface SnapshotHolder {
  /** The snapshot in memory, or null before the first refresh/load. Never does I/O. */
  current(): LoadedSnapshot | null;
  /** The snapshot in memory, else the latest saved one (loaded once), else null. */
  load(): Promise<LoadedSnapshot | null>;
  /** Makes `snapshot` current (index built at once: fine for small data and tests). */
  set(snapshot: AnalysisSnapshot): LoadedSnapshot;
  /** Makes an already loaded snapshot current. */
  install(loaded: LoadedSnapshot): void;
}

export function loadSnapshot(snapshot: AnalysisSnapshot, fallback: AnalysisSettings): LoadedSnapshot {
  return {
    snapshot,
    settings: snapshot.settings ?? fallback,
    index: buildCustomerIndex(snapshot.result.customers),
  };
}

/** Customers indexed between two pauses of a bot's refresh: about a millisecond of work. */
export const INDEX_CUSTOMERS_PER_STEP = 256;

/**
 * Same, building the customer index in slices so the bot keeps answering meanwhile, unless the
 * caller has it already (`index`: the analysis worker's transfer builds it).
 */
export async function loadSnapshotInSlices(
  snapshot: AnalysisSnapshot,
  fallback: AnalysisSettings,
  index?: CustomerIndex,
): Promise<LoadedSnapshot> {
  if (index) return { snapshot, settings: snapshot.settings ?? fallback, index };
  return {
    snapshot,
    settings: snapshot.settings ?? fallback,
    // Slices of INDEX_CUSTOMERS_PER_STEP: an answer waits for a slice at each of its own turns of
    // the event loop (a request and its store calls take several), so slices of 2,048 customers
    // (10-50 ms each on a busy 2-core machine, more when a collection's marking falls in one)
    // made `/revgap help` wait up to a second while a 1,000,000-customer index was built.
    index: await runSteps(buildCustomerIndexSteps(snapshot.result.customers, INDEX_CUSTOMERS_PER_STEP), () =>
      setImmediate(),
    ),
  };
}

export function createSnapshotHolder(options: {
  store: SnapshotStore;
  settings: AnalysisSettings;
}): SnapshotHolder {
  let loaded: LoadedSnapshot | null = null;
  let pending: Promise<LoadedSnapshot | null> | null = null;
  return {
    current: () => loaded,
    async load() {
      if (loaded) return loaded;
      pending ??= options.store
        .loadLatestSnapshot()
        .then(async (s) => {
          const ready = s ? await loadSnapshotInSlices(s, options.settings) : null;
          // A refresh may have finished meanwhile: it wins.
          if (ready && !loaded) loaded = ready;
          return loaded;
        })
        .finally(() => {
          pending = null;
        });
      return pending;
    },
    set(snapshot) {
      loaded = loadSnapshot(snapshot, options.settings);
      return loaded;
    },
    install(ready) {
      loaded = ready;
    },
  };
}

export interface RefreshSnapshotDeps {
  /**
   * Runs the analysis (e.g. `runAnalysis` with the configured source); `source` is already redacted.
   * `index`: the result's customer index, when the analysis built it (the analysis worker's
   * transfer does); else the refresh builds it.
   */
  analyze: () => Promise<{ result: AnalysisResult; source: string; index?: CustomerIndex | undefined }>;
  settings: AnalysisSettings;
  store: SnapshotStore;
  holder: SnapshotHolder;
  now: () => Date;
  logger: Logger;
  /** Followed-up gaps to measure against each new analysis (measured recovery; optional). */
  recovery?: RecoveryStore;
  /** Holdout: assign the customers newly in the top N and measure every assignment (optional). */
  holdout?: { store: HoldoutStore; percent: number };
}

/**
 * Runs the analysis and makes it the current snapshot. On failure the failure is recorded (the
 * digest says the data is stale and why) and an `AppError` is thrown; the previous snapshot stays.
 */
export async function refreshSnapshot(deps: RefreshSnapshotDeps): Promise<LoadedSnapshot> {
  const started = deps.now();
  let outcome: { result: AnalysisResult; source: string; index?: CustomerIndex | undefined };
  try {
    outcome = await deps.analyze();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await deps.store.recordSnapshotFailure(reason, deps.now().toISOString()).catch((storeError: unknown) => {
      deps.logger.error({ err: storeError }, 'could not record the failed refresh');
    });
    throw error instanceof AppError
      ? error
      : new AppError('INTERNAL', `The analysis failed: ${reason}`, { cause: error });
  }
  const snapshot: AnalysisSnapshot = {
    id: randomUUID(),
    createdAt: deps.now().toISOString(),
    asOfPeriod: outcome.result.asOf.period,
    source: outcome.source,
    result: outcome.result,
    settings: deps.settings,
  };
  await deps.store.saveSnapshot(snapshot);
  // The previous snapshot keeps answering until the new index is built and the holdout updated.
  const loaded = await loadSnapshotInSlices(snapshot, deps.settings, outcome.index);
  // Held-out customers are recorded before the snapshot answers, so none reaches an account manager.
  // The draw looks customers up in the new index (a second map of a million customers, built
  // beside it, was one more full collection of the bot's heap: bench/help-during-refresh.ts).
  if (deps.holdout) {
    const { store, percent } = deps.holdout;
    await updateHoldout(outcome.result, { ...deps.settings, percent }, store, snapshot.createdAt, undefined, {
      byId: { get: (id) => loaded.index.byId(id) },
    }).catch((error: unknown) => deps.logger.error({ err: error }, 'could not update the holdout'));
  }
  deps.holder.install(loaded);
  if (deps.recovery) {
    // Measuring follow-ups must not cost the snapshot: a failure is logged, the next analysis retries.
    await updateRecoveries(
      outcome.result,
      deps.settings,
      deps.recovery,
      snapshot.createdAt,
      loaded.index.byId,
    ).catch((error: unknown) => deps.logger.error({ err: error }, 'could not measure the followed-up gaps'));
  }
  deps.logger.info(
    {
      snapshotId: snapshot.id,
      customers: outcome.result.customers.length,
      priorities: outcome.result.priorities.length,
      ms: deps.now().getTime() - started.getTime(),
    },
    'analysis snapshot refreshed',
  );
  return loaded;
}

/** Who hears that a refresh failed (the admin channel, in the bot). */
export type RefreshFailureNotice = (notice: {
  what: string;
  error: unknown;
  reference: string;
}) => Promise<void>;

/**
 * The start-up policy: refresh, and when the analysis fails keep running on the last saved
 * snapshot (answers go on; the digest says the data is stale and why), log it and tell the admin
 * channel. Resolves to whether the refresh succeeded; never rejects for a failed analysis.
 */
export async function refreshKeepingLastGood(
  refresh: () => Promise<unknown>,
  deps: { logger: Logger; notify: RefreshFailureNotice; what: string; reference: string },
): Promise<boolean> {
  try {
    await refresh();
    return true;
  } catch (error) {
    deps.logger.error({ err: error }, `could not ${deps.what}; answering from the last saved snapshot`);
    await deps
      .notify({ what: deps.what, error, reference: deps.reference })
      .catch((notifyError: unknown) =>
        deps.logger.error({ err: notifyError }, 'could not tell the admin channel'),
      );
    return false;
  }
}
