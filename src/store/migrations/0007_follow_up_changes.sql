-- Change notifications for the follow-up view (src/store/follow-up-view.ts): every follow-up event
-- recorded, and every followed-up gap started or measured, notifies channel
-- revgap_follow_up_changes with "<schema> <customer id>" when its transaction commits, so that each
-- bot instance on a shared Postgres re-reads that customer. A trigger, so that every writer notifies
-- whatever code path it takes. On PGlite nobody listens and the notification is dropped.
CREATE FUNCTION revgap_notify_follow_up_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('revgap_follow_up_changes', current_schema() || ' ' || NEW.customer_id);
  RETURN NULL;
END
$$;
CREATE TRIGGER revgap_follow_ups_changed AFTER INSERT ON revgap_follow_ups
  FOR EACH ROW EXECUTE FUNCTION revgap_notify_follow_up_change();
CREATE TRIGGER revgap_followed_up_gaps_changed AFTER INSERT OR UPDATE ON revgap_followed_up_gaps
  FOR EACH ROW EXECUTE FUNCTION revgap_notify_follow_up_change();
