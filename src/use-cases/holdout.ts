/**
 * The holdout (shared/spec/evidence.md section 6), wired to the store: each analysis assigns the
 * customers newly in the top N (stable hash, recorded, never re-drawn) and measures every assigned
 * customer; the digest, `/revgap top`, `mine` and the report leave out customers while they are
 * held out; `revgap results` compares the groups. The formulas live in src/core/holdout.ts.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { rankedPriorities } from '../core/analyze.ts';
import {
  compareHoldout,
  drawAssignments,
  type HoldoutComparison,
  measureAssignment,
} from '../core/holdout.ts';
import { defaultHorizon, type RecoveryMeasure } from '../core/recovery.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import { runSteps } from '../core/steps.ts';
import type { AnalysisResult, CustomerAnalysis, Priority } from '../core/types.ts';
import type { HoldoutRecord, HoldoutStore } from '../store/holdout-store.ts';
import { customersByIdSteps } from './find-customer.ts';

export interface HoldoutSettings {
  /** q in percent (0 = no new assignments; recorded ones keep being measured and hidden). */
  percent: number;
}

/**
 * Assigns the customers newly in the top N of `result` and measures every assignment against it.
 * Returns the new assignments' count and the measures saved.
 */
export async function updateHoldout(
  result: AnalysisResult,
  settings: Pick<AnalysisSettings, 'topN' | 'recentWindow'> & HoldoutSettings,
  store: HoldoutStore,
  at: string,
  newSalt: () => string = randomUUID,
  options: {
    sliceSize?: number;
    pause?: () => Promise<void>;
    /** The customers of `result` by id, when the caller has them (the refresh: its new index). */
    byId?: Pick<ReadonlyMap<string, CustomerAnalysis>, 'get'>;
  } = {},
): Promise<{ assigned: number; measured: number }> {
  let records = await store.listHoldoutAssignments();
  // One lookup for the draw and the measures, built in slices: the bot answers meanwhile.
  const byId =
    options.byId ??
    (await runSteps(
      customersByIdSteps(result.customers, options.sliceSize),
      options.pause ?? (() => setImmediate()),
    ));
  let assigned = 0;
  if (settings.percent > 0 && result.rules === 'revgap') {
    const salt = await store.holdoutSalt(newSalt());
    const fresh = drawAssignments(rankedPriorities(result), byId, {
      recorded: new Map(records.map((r) => [r.assignment.customerId, r.assignment])),
      topN: settings.topN,
      share: settings.percent / 100,
      salt,
      asOfPeriod: result.asOf.period,
      periodKind: result.period.kind,
      at,
    });
    if (fresh.length > 0) {
      await store.recordHoldoutAssignments(fresh);
      records = await store.listHoldoutAssignments();
      assigned = fresh.length;
    }
  }
  const measureOptions = { horizon: defaultHorizon(result.period), recentWindow: settings.recentWindow };
  const measures: RecoveryMeasure[] = [];
  for (const { assignment } of records) {
    const customer = byId.get(assignment.customerId);
    if (!customer || assignment.periodKind !== result.period.kind || assignment.baselineCents <= 0) continue;
    measures.push(measureAssignment(assignment, customer, result.asOf.period, measureOptions));
  }
  if (measures.length > 0) await store.saveHoldoutMeasures(measures);
  return { assigned, measured: measures.length };
}

/** Customers held out now: assigned to the holdout and not yet past the horizon. */
export function heldOutNow(records: readonly HoldoutRecord[]): Set<string> {
  return new Set(
    records.filter((r) => r.assignment.heldOut && !r.measure?.final).map((r) => r.assignment.customerId),
  );
}

/** Reads the held-out customers (empty without a holdout store). */
export async function loadHeldOut(
  store: Pick<HoldoutStore, 'listHoldoutAssignments'> | undefined,
): Promise<Set<string>> {
  return store ? heldOutNow(await store.listHoldoutAssignments()) : new Set();
}

/** The ranked priorities without held-out customers. */
export function* visiblePriorities(
  ranked: Iterable<Priority>,
  heldOut: ReadonlySet<string>,
): Generator<Priority> {
  for (const p of ranked) if (!heldOut.has(p.customerId)) yield p;
}

/** The result as account managers may see it: held-out customers left out of the priorities and churn risks. */
export function withoutHeldOut<T extends Pick<AnalysisResult, 'priorities' | 'churnRisk'>>(
  result: T,
  heldOut: ReadonlySet<string>,
): T {
  if (heldOut.size === 0) return result;
  return {
    ...result,
    priorities: result.priorities.filter((p) => !heldOut.has(p.customerId)),
    churnRisk: result.churnRisk.filter((c) => !heldOut.has(c.customerId)),
  };
}

/** Shown vs holdout, from the store. */
export async function loadHoldoutComparison(
  store: Pick<HoldoutStore, 'listHoldoutAssignments'>,
): Promise<{ comparison: HoldoutComparison; records: HoldoutRecord[] }> {
  const records = await store.listHoldoutAssignments();
  return { comparison: compareHoldout(records), records };
}
