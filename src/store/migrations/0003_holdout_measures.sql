-- Holdout (shared/spec/evidence.md section 6): each assignment's b0/c0 (as JSON) and its latest
-- measure after the first flagged period, updated by each analysis like the followed-up gaps'.
ALTER TABLE revgap_holdout_assignments ADD COLUMN assignment text;
ALTER TABLE revgap_holdout_assignments ADD COLUMN measure text;
ALTER TABLE revgap_holdout_assignments ADD COLUMN measure_as_of integer;
