-- Failures over time, for the dashboard: how many operations failed, per hour of the
-- operation's own time (UTC hours since 1970 of operation_at), channel and failure group,
-- counted when an operation becomes Failed and never taken back (a failure stays a failure of
-- its hour after it is mended; the failure groups' counters say what is still failing). Kept
-- by triggers like failure_counts; the deltas table is PostgreSQL's (see its 0017) and stays
-- empty here. Keep in step with the other database's 0017_failure_events.sql.
CREATE TABLE failure_events (
    hour          INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    failure_group TEXT NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (hour, channel_id, failure_group)
) WITHOUT ROWID;
CREATE TABLE failure_event_deltas (
    hour          INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    failure_group TEXT NOT NULL,
    n             INTEGER NOT NULL
);
-- What is Failed now is what failed before this table existed.
INSERT INTO failure_events (hour, channel_id, failure_group, n)
    SELECT operation_at / 3600000000, channel_id, failure_group, COUNT(*) FROM operations
    WHERE status = 'failed' AND failure_group IS NOT NULL
    GROUP BY operation_at / 3600000000, channel_id, failure_group;

CREATE TRIGGER failure_events_insert AFTER INSERT ON operations
    WHEN NEW.status = 'failed' AND NEW.failure_group IS NOT NULL BEGIN
    INSERT INTO failure_events (hour, channel_id, failure_group, n)
        VALUES (NEW.operation_at / 3600000000, NEW.channel_id, NEW.failure_group, 1)
        ON CONFLICT (hour, channel_id, failure_group) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER failure_events_update AFTER UPDATE OF status ON operations
    WHEN NEW.status = 'failed' AND OLD.status <> 'failed' AND NEW.failure_group IS NOT NULL BEGIN
    INSERT INTO failure_events (hour, channel_id, failure_group, n)
        VALUES (NEW.operation_at / 3600000000, NEW.channel_id, NEW.failure_group, 1)
        ON CONFLICT (hour, channel_id, failure_group) DO UPDATE SET n = n + 1;
END;
