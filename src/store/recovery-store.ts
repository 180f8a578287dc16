/**
 * The RecoveryStore port: followed-up gaps and what each analysis measured for them
 * (shared/spec/evidence.md section 5). Implemented by the SQL store (PGlite and Postgres, one SQL:
 * src/store/_sql-recovery-store.ts); contract suite: test/store/contract/recovery-store.ts.
 */
import type { FollowedUpGap, RecoveryMeasure } from '../core/recovery.ts';

/** A followed-up gap as stored, with its latest measure. */
export interface FollowedUpGapRecord {
  gap: FollowedUpGap;
  /** Latest measure (from the analysis with the greatest as-of period so far), or null. */
  measure: RecoveryMeasure | null;
  measuredAt: string | null;
  /** When an analysis first found it recovered (null while it is not recovered). */
  recoveredAt: string | null;
}

export interface RecoveryStore {
  /**
   * Records a followed-up gap; insert-or-nothing on (customer id, start period): the first call
   * wins (b0 and c0 from the analysis that showed it). True when it was new.
   */
  startFollowedUpGap(gap: FollowedUpGap): Promise<boolean>;
  /** Followed-up gaps, oldest start first; `customerIds` restricts the list. */
  listFollowedUpGaps(customerIds?: readonly string[]): Promise<FollowedUpGapRecord[]>;
  /**
   * Saves measures taken at `at` by one analysis. A measure from an analysis older than the one
   * already stored (smaller as-of period) is ignored. `recoveredAt` is set at the first measure that
   * finds the gap recovered and cleared when a later one does not.
   */
  saveRecoveryMeasures(measures: readonly RecoveryMeasure[], at: string): Promise<void>;
}
