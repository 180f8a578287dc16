/**
 * The HoldoutStore port (shared/spec/evidence.md section 6): the per-installation salt and each
 * customer's holdout assignment, recorded once and never re-drawn, with its latest measure.
 * Implemented by the SQL store (src/store/_sql-holdout-store.ts); contract suite:
 * test/store/holdout-store.contract.ts.
 */
import type { HoldoutAssignment } from '../core/holdout.ts';
import type { RecoveryMeasure } from '../core/recovery.ts';

export interface HoldoutRecord {
  assignment: HoldoutAssignment;
  measure: RecoveryMeasure | null;
}

export interface HoldoutStore {
  /**
   * The installation's salt: the stored one, or `candidate` stored now when there is none yet
   * (first caller wins, across processes). Never changes once stored.
   */
  holdoutSalt(candidate: string): Promise<string>;
  /** Records assignments; a customer already assigned keeps its first assignment (insert-or-nothing). */
  recordHoldoutAssignments(assignments: readonly HoldoutAssignment[]): Promise<void>;
  /** Every assignment, oldest first, with its latest measure. */
  listHoldoutAssignments(): Promise<HoldoutRecord[]>;
  /** Saves measures (an older analysis than the stored measure's is ignored). */
  saveHoldoutMeasures(measures: readonly RecoveryMeasure[]): Promise<void>;
}
