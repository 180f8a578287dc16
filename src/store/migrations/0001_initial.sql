-- revgap state store, version 1. Runs unchanged on PostgreSQL 13+ and PGlite.
-- Timestamps are timestamptz; JSON documents are kept as text (written and read whole, never queried).

-- Analysis snapshots: the latest few analyses, newest answered by /revgap.
CREATE TABLE revgap_snapshots (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  created_at timestamptz NOT NULL,
  as_of_period integer NOT NULL,
  source text NOT NULL,
  result text NOT NULL,
  result_chars integer NOT NULL,
  settings text
);
CREATE INDEX revgap_snapshots_newest ON revgap_snapshots (created_at DESC, seq DESC);

-- Refreshes that failed, so the digest can say why its data is stale.
CREATE TABLE revgap_snapshot_failures (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  reason text NOT NULL
);
CREATE INDEX revgap_snapshot_failures_at ON revgap_snapshot_failures (at DESC, seq DESC);

-- Digest runs: one row per run key (channel + period + schedule slot), claimed exactly once.
CREATE TABLE revgap_digest_runs (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  run_key text NOT NULL UNIQUE,
  channel text NOT NULL,
  slot text NOT NULL,
  late boolean NOT NULL,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed')),
  created_at timestamptz NOT NULL,
  snapshot_id text,
  priorities text,
  file_id text,
  completed_at timestamptz,
  failed_at timestamptz,
  failure_reason text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text
);
CREATE INDEX revgap_digest_runs_newest ON revgap_digest_runs (created_at DESC, seq DESC);

-- Messages a digest run posted (part 0 = parent, 1..n = thread continuations).
CREATE TABLE revgap_digest_parts (
  run_id text NOT NULL REFERENCES revgap_digest_runs (id) ON DELETE CASCADE,
  part_index integer NOT NULL CHECK (part_index >= 0),
  channel text NOT NULL,
  ts text NOT NULL,
  PRIMARY KEY (run_id, part_index)
);
CREATE INDEX revgap_digest_parts_message ON revgap_digest_parts (channel, ts);

-- Follow-up events: append-only history; the gap state is derived from it.
CREATE TABLE revgap_follow_ups (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  customer_id text NOT NULL,
  at timestamptz NOT NULL,
  event text NOT NULL
);
CREATE INDEX revgap_follow_ups_customer ON revgap_follow_ups (customer_id, at, seq);
CREATE INDEX revgap_follow_ups_at ON revgap_follow_ups (at, seq);

-- Delivery keys of Slack events, commands and clicks already handled.
CREATE TABLE revgap_deliveries (
  key text PRIMARY KEY,
  at timestamptz NOT NULL,
  expires_at timestamptz
);
CREATE INDEX revgap_deliveries_at ON revgap_deliveries (at);
