-- Measured recovery (shared/spec/evidence.md section 5): one row per followed-up gap, started at the
-- first claim or logged follow-up on a customer, with its latest measure (updated by each analysis).
CREATE TABLE revgap_followed_up_gaps (
  customer_id text NOT NULL,
  start_period integer NOT NULL,
  started_at timestamptz NOT NULL,
  gap text NOT NULL,
  measure text,
  measure_as_of integer,
  measured_at timestamptz,
  recovered_at timestamptz,
  seq bigserial,
  PRIMARY KEY (customer_id, start_period)
);
CREATE INDEX revgap_followed_up_gaps_started ON revgap_followed_up_gaps (started_at, seq);

-- Holdout (section 6): the per-installation salt and each customer's recorded assignment, drawn
-- once when the customer first enters the top N and never re-drawn.
CREATE TABLE revgap_settings_kv (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE revgap_holdout_assignments (
  customer_id text PRIMARY KEY,
  first_period integer NOT NULL,
  held_out boolean NOT NULL,
  share double precision NOT NULL,
  assigned_at timestamptz NOT NULL,
  seq bigserial
);
