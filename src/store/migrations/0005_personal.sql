-- Per-person state (src/store/personal-store.ts): the "My digest by DM" choice made on the Home tab,
-- and the direct messages sent (digest DMs, next-step reminders), one row per key, so a restart
-- neither loses nor repeats one.
CREATE TABLE revgap_user_settings (
  user_id text PRIMARY KEY,
  dm_digest boolean NOT NULL DEFAULT false,
  updated_at timestamptz NOT NULL
);
CREATE TABLE revgap_direct_messages (
  key text PRIMARY KEY,
  user_id text NOT NULL,
  ts text NOT NULL,
  sent_at timestamptz NOT NULL
);
