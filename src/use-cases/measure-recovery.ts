/**
 * Measured recovery of followed-up gaps (shared/spec/evidence.md section 5), wired to the store:
 * a claim or logged follow-up starts a followed-up gap (b0, c0 from the snapshot it was taken on),
 * each analysis measures every followed-up gap again, and the results are read back for the
 * digest's recap, the deep dive, the report and `revgap results`. The formulas live in
 * src/core/recovery.ts.
 */
import {
  defaultHorizon,
  type FollowUpResultRow,
  type FollowUpResults,
  followedUpGapOf,
  followUpResultRow,
  measureRecovery,
  type RecoveryMeasure,
  summarizeFollowUpResults,
} from '../core/recovery.ts';
import type { AnalysisSettings } from '../core/settings.ts';
import type { AnalysisResult, CustomerAnalysis, FollowUpEvent } from '../core/types.ts';
import type { FollowedUpGapRecord, RecoveryStore } from '../store/recovery-store.ts';
import type { FollowUpStore } from '../store/state-store.ts';

/** Starts the followed-up gap an action begins, if it begins one; true when one was recorded. */
export async function startFollowedUpGap(
  event: FollowUpEvent,
  result: AnalysisResult | undefined,
  store: RecoveryStore,
): Promise<boolean> {
  if (!result || (event.kind !== 'claim' && event.kind !== 'follow_up')) return false;
  const customer = result.customers.find((c) => c.customerId === event.customerId);
  const previous = (await store.listFollowedUpGaps([event.customerId])).map((r) => r.gap.startPeriod);
  const gap = followedUpGapOf(
    event,
    customer,
    { period: result.period, asOfPeriod: result.asOf.period },
    previous,
    defaultHorizon(result.period),
  );
  return gap ? store.startFollowedUpGap(gap) : false;
}

/**
 * Measures every followed-up gap against a new analysis and saves the measures. Gaps recorded
 * under another period kind, with no baseline, or whose customer is not in the analysis keep
 * their last measure. Returns the measures saved. `customerById` finds a customer of `result` (the
 * refreshed snapshot's index already holds that lookup: no second map of every customer).
 */
export async function updateRecoveries(
  result: AnalysisResult,
  settings: Pick<AnalysisSettings, 'recentWindow'>,
  store: RecoveryStore,
  at: string,
  customerById: (customerId: string) => CustomerAnalysis | undefined,
): Promise<RecoveryMeasure[]> {
  const records = await store.listFollowedUpGaps();
  if (records.length === 0) return [];
  const options = { horizon: defaultHorizon(result.period), recentWindow: settings.recentWindow };
  const measures: RecoveryMeasure[] = [];
  for (const { gap } of records) {
    const customer = customerById(gap.customerId);
    if (!customer || gap.periodKind !== result.period.kind || gap.baselineCents <= 0) continue;
    measures.push(measureRecovery(gap, customer, result.asOf.period, options));
  }
  if (measures.length > 0) await store.saveRecoveryMeasures(measures, at);
  return measures;
}

/** Result rows (outcome logged, owner) for stored followed-up gaps, from the follow-up events. */
export function resultRows(
  records: readonly FollowedUpGapRecord[],
  events: readonly FollowUpEvent[],
): FollowUpResultRow[] {
  const byCustomer = new Map<string, FollowUpEvent[]>();
  for (const e of events) {
    const list = byCustomer.get(e.customerId);
    if (list) list.push(e);
    else byCustomer.set(e.customerId, [e]);
  }
  return records.map((r) => followUpResultRow(r.gap, r.measure, byCustomer.get(r.gap.customerId) ?? []));
}

/** Everything "Follow-up results" shows, from the store. */
export async function loadFollowUpResults(
  recovery: RecoveryStore,
  followUps: FollowUpStore,
): Promise<FollowUpResults> {
  const records = await recovery.listFollowedUpGaps();
  const events = records.length > 0 ? await followUps.listFollowUpsSince('1970-01-01T00:00:00.000Z') : [];
  return summarizeFollowUpResults(resultRows(records, events));
}

/** Followed-up gaps an analysis first found recovered at or after `since` (for the digest recap). */
export async function recoveredSince(store: RecoveryStore, since: string): Promise<FollowedUpGapRecord[]> {
  const records = await store.listFollowedUpGaps();
  return records.filter((r) => r.recoveredAt !== null && r.recoveredAt >= since && r.measure?.recovered);
}
