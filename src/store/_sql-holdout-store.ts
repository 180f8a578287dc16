/**
 * HoldoutStore in the SQL both backends run (tables `revgap_settings_kv` and
 * `revgap_holdout_assignments`, migrations 0002 and 0003). Mixed into the SQL state store.
 */
import type { HoldoutAssignment } from '../core/holdout.ts';
import type { RecoveryMeasure } from '../core/recovery.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import type { HoldoutStore } from './holdout-store.ts';

type Row = Record<string, unknown>;
type Runner = <T>(action: string, fn: (sql: SqlExecutor) => Promise<T>) => Promise<T>;

const SALT_KEY = 'holdout_salt';

/** `retrying`: every call here answers the same on a repeat (inserts are insert-or-nothing). */
export function sqlHoldoutStore(retrying: Runner): HoldoutStore {
  return {
    holdoutSalt(candidate) {
      return retrying('reading the holdout salt', async (sql) => {
        await sql.query(
          'INSERT INTO revgap_settings_kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING',
          [SALT_KEY, candidate],
        );
        const { rows } = await sql.query<Row>('SELECT value FROM revgap_settings_kv WHERE key = $1', [
          SALT_KEY,
        ]);
        return String(rows[0]?.value);
      });
    },

    recordHoldoutAssignments(assignments) {
      return retrying('recording holdout assignments', (sql) =>
        sql.transaction(async (tx) => {
          for (const a of assignments) {
            await tx.query(
              `INSERT INTO revgap_holdout_assignments
                 (customer_id, first_period, held_out, share, assigned_at, assignment)
               VALUES ($1, $2, $3, $4, $5::timestamptz, $6) ON CONFLICT (customer_id) DO NOTHING`,
              [a.customerId, a.firstPeriod, a.heldOut, a.share, a.assignedAt, JSON.stringify(a)],
            );
          }
        }),
      );
    },

    listHoldoutAssignments() {
      return retrying('listing holdout assignments', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT assignment, measure FROM revgap_holdout_assignments ORDER BY assigned_at, seq',
        );
        return rows.map((row) => ({
          assignment: JSON.parse(String(row.assignment)) as HoldoutAssignment,
          measure: row.measure ? (JSON.parse(String(row.measure)) as RecoveryMeasure) : null,
        }));
      });
    },

    saveHoldoutMeasures(measures) {
      return retrying('saving holdout measures', (sql) =>
        sql.transaction(async (tx) => {
          for (const m of measures) {
            await tx.query(
              `UPDATE revgap_holdout_assignments SET measure = $2, measure_as_of = $3
               WHERE customer_id = $1 AND (measure_as_of IS NULL OR measure_as_of <= $3)`,
              [m.customerId, JSON.stringify(m), m.asOfPeriod],
            );
          }
        }),
      );
    },
  };
}
