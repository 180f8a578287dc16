/**
 * The PersonalStore port: what revgap keeps per person, apart from the team's follow-ups: who asked
 * for their digest by direct message (the Home tab toggle), and which direct messages (digest DMs,
 * next-step reminders) were sent, so that a restart neither loses nor repeats one. Implemented by
 * the SQL store (PGlite and Postgres: src/store/_sql-personal-store.ts, migration 0005); contract
 * suite: test/store/contract/personal-store.ts.
 */

export interface SentDirectMessage {
  userId: string;
  /** Slack ts of the posted message. */
  ts: string;
  /** ISO timestamp. */
  at: string;
}

export interface PersonalStore {
  /** Whether `userId` turned on "My digest by DM" (false when never set). */
  getDmDigest(userId: string): Promise<boolean>;
  /** Turns "My digest by DM" on or off for `userId` (the latest call wins). */
  setDmDigest(userId: string, on: boolean, at: string): Promise<void>;
  /** Users with "My digest by DM" on, sorted. */
  listDmDigestUsers(): Promise<string[]>;
  /** Whether a direct message with this key (e.g. `digest:<run id>:<user>`) was recorded as sent. */
  directMessageSent(key: string): Promise<boolean>;
  /** Records a sent direct message; the first record of a key wins. True when it was new. */
  recordDirectMessage(key: string, sent: SentDirectMessage): Promise<boolean>;
}
