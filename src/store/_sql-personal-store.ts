/**
 * PersonalStore in the SQL both backends run (tables `revgap_user_settings` and
 * `revgap_direct_messages`, migration 0005). Mixed into the SQL state store, so it shares its
 * connection, lazy setup and error wrapping.
 */
import type { SqlExecutor } from './_sql-executor.ts';
import type { PersonalStore } from './personal-store.ts';

type Row = Record<string, unknown>;
type Runner = <T>(action: string, fn: (sql: SqlExecutor) => Promise<T>) => Promise<T>;

/** `retrying` repeats a call after a lost connection: every call here answers the same on a repeat. */
export function sqlPersonalStore(retrying: Runner): PersonalStore {
  return {
    getDmDigest(userId) {
      return retrying('reading a user setting', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT dm_digest FROM revgap_user_settings WHERE user_id = $1',
          [userId],
        );
        return rows[0]?.dm_digest === true;
      });
    },

    setDmDigest(userId, on, at) {
      return retrying('saving a user setting', async (sql) => {
        await sql.query(
          `INSERT INTO revgap_user_settings (user_id, dm_digest, updated_at) VALUES ($1, $2, $3::timestamptz)
           ON CONFLICT (user_id) DO UPDATE SET dm_digest = EXCLUDED.dm_digest, updated_at = EXCLUDED.updated_at`,
          [userId, on, at],
        );
      });
    },

    listDmDigestUsers() {
      return retrying('listing users with their digest by DM', async (sql) => {
        const { rows } = await sql.query<Row>(
          'SELECT user_id FROM revgap_user_settings WHERE dm_digest ORDER BY user_id',
        );
        return rows.map((r) => String(r.user_id));
      });
    },

    directMessageSent(key) {
      return retrying('reading a sent direct message', async (sql) => {
        const { rows } = await sql.query<Row>('SELECT 1 AS one FROM revgap_direct_messages WHERE key = $1', [
          key,
        ]);
        return rows.length === 1;
      });
    },

    recordDirectMessage(key, sent) {
      return retrying('recording a sent direct message', async (sql) => {
        const { rows } = await sql.query<Row>(
          `INSERT INTO revgap_direct_messages (key, user_id, ts, sent_at) VALUES ($1, $2, $3, $4::timestamptz)
           ON CONFLICT (key) DO NOTHING RETURNING key`,
          [key, sent.userId, sent.ts, sent.at],
        );
        return rows.length === 1;
      });
    },
  };
}
