/**
 * RecoveryStore in the SQL both backends run (table `revgap_followed_up_gaps`, migration 0002).
 * Mixed into the SQL state store, so it shares its connection, lazy setup and error wrapping.
 */
import type { FollowedUpGap, RecoveryMeasure } from '../core/recovery.ts';
import type { SqlExecutor } from './_sql-executor.ts';
import type { FollowedUpGapRecord, RecoveryStore } from './recovery-store.ts';

type Row = Record<string, unknown>;
type Runner = <T>(action: string, fn: (sql: SqlExecutor) => Promise<T>) => Promise<T>;

const isoOrNull = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : new Date(String(value)).toISOString();

function toRecord(row: Row): FollowedUpGapRecord {
  return {
    gap: JSON.parse(String(row.gap)) as FollowedUpGap,
    measure: row.measure ? (JSON.parse(String(row.measure)) as RecoveryMeasure) : null,
    measuredAt: isoOrNull(row.measured_at),
    recoveredAt: isoOrNull(row.recovered_at),
  };
}

/**
 * `retrying` runs a call, repeating it after a lost connection: every call here answers the same on
 * a repeat (the insert is insert-or-nothing, the updates set the same values).
 */
export function sqlRecoveryStore(retrying: Runner): RecoveryStore {
  return {
    startFollowedUpGap(gap) {
      return retrying('recording a followed-up gap', async (sql) => {
        const { rows } = await sql.query<Row>(
          `INSERT INTO revgap_followed_up_gaps (customer_id, start_period, started_at, gap)
           VALUES ($1, $2, $3::timestamptz, $4)
           ON CONFLICT (customer_id, start_period) DO NOTHING RETURNING customer_id`,
          [gap.customerId, gap.startPeriod, gap.startedAt, JSON.stringify(gap)],
        );
        return rows.length === 1;
      });
    },

    listFollowedUpGaps(customerIds) {
      return retrying('listing followed-up gaps', async (sql) => {
        const columns = 'gap, measure, measured_at, recovered_at';
        const { rows } =
          customerIds === undefined
            ? await sql.query<Row>(`SELECT ${columns} FROM revgap_followed_up_gaps ORDER BY started_at, seq`)
            : await sql.query<Row>(
                `SELECT ${columns} FROM revgap_followed_up_gaps
                 WHERE customer_id IN (SELECT jsonb_array_elements_text($1::text::jsonb))
                 ORDER BY started_at, seq`,
                [JSON.stringify(customerIds)],
              );
        return rows.map(toRecord);
      });
    },

    saveRecoveryMeasures(measures, at) {
      return retrying('saving recovery measures', (sql) =>
        sql.transaction(async (tx) => {
          for (const m of measures) {
            await tx.query(
              `UPDATE revgap_followed_up_gaps
               SET measure = $3, measure_as_of = $4, measured_at = $5::timestamptz,
                   recovered_at = CASE WHEN $6 THEN COALESCE(recovered_at, $5::timestamptz) ELSE NULL END
               WHERE customer_id = $1 AND start_period = $2
                 AND (measure_as_of IS NULL OR measure_as_of <= $4)`,
              [m.customerId, m.startPeriod, JSON.stringify(m), m.asOfPeriod, at, m.recovered],
            );
          }
        }),
      );
    },
  };
}
