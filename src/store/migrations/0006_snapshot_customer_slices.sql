-- A snapshot's customers in slices (src/store/_sql-state-store.ts, CUSTOMERS_PER_SLICE). One analysis of
-- a million customers is 1-2 GB of JSON: more than one text value may hold (PostgreSQL caps a value at
-- 1 GB, PGlite's WebAssembly heap runs out well before) and more than one JavaScript string holds. The
-- snapshot row keeps the analysis without its customers; `customer_slices` says how many slices the
-- customers are in (NULL: a snapshot saved before this version, customers inside `result`).
ALTER TABLE revgap_snapshots ADD COLUMN customer_slices integer;

CREATE TABLE revgap_snapshot_customers (
  snapshot_id text NOT NULL REFERENCES revgap_snapshots (id) ON DELETE CASCADE,
  slice integer NOT NULL,
  customers text NOT NULL,
  PRIMARY KEY (snapshot_id, slice)
);
