-- Failures over time, for the dashboard: how many operations failed, per hour of the
-- operation's own time (UTC hours since 1970 of operation_at), channel and failure group,
-- counted when an operation becomes Failed and never taken back (a failure stays a failure of
-- its hour after it is mended; the failure groups' counters say what is still failing).
-- As with failure_counts, statement triggers write deltas (no two writers wait on one hot
-- row) and the live watcher folds them in once a second (Db::fold_count_deltas); readers add
-- the deltas not folded yet. Keep in step with the other database's 0017_failure_events.sql.
CREATE TABLE failure_events (
    hour          BIGINT NOT NULL,
    channel_id    BIGINT NOT NULL,
    failure_group TEXT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (hour, channel_id, failure_group)
);
CREATE TABLE failure_event_deltas (
    hour          BIGINT NOT NULL,
    channel_id    BIGINT NOT NULL,
    failure_group TEXT NOT NULL,
    n             BIGINT NOT NULL
);
-- What is Failed now is what failed before this table existed.
INSERT INTO failure_events (hour, channel_id, failure_group, n)
    SELECT operation_at / 3600000000, channel_id, failure_group, COUNT(*) FROM operations
    WHERE status = 'failed' AND failure_group IS NOT NULL
    GROUP BY operation_at / 3600000000, channel_id, failure_group;

CREATE FUNCTION count_failure_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO failure_event_deltas (hour, channel_id, failure_group, n)
            SELECT operation_at / 3600000000, channel_id, failure_group, COUNT(*) FROM new_rows
            WHERE status = 'failed' AND failure_group IS NOT NULL
            GROUP BY operation_at / 3600000000, channel_id, failure_group;
    ELSE
        INSERT INTO failure_event_deltas (hour, channel_id, failure_group, n)
            SELECT n.operation_at / 3600000000, n.channel_id, n.failure_group, COUNT(*)
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.status = 'failed' AND o.status <> 'failed' AND n.failure_group IS NOT NULL
            GROUP BY n.operation_at / 3600000000, n.channel_id, n.failure_group;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER failure_events_insert AFTER INSERT ON operations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_failure_events();
CREATE TRIGGER failure_events_update AFTER UPDATE ON operations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_failure_events();
