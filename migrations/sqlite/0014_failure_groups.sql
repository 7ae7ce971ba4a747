-- Failures grouped by cause: each Failed operation's group key (app::model::FailureGroup:
-- error code, field and the kind of reason, without the values) and how many operations of
-- each group there are per channel and day, kept by triggers as operations fail, are corrected
-- or succeed, so the failures page reads a few hundred counters instead of every Failed
-- operation. The key stays while a person corrects the operation (Editing) and goes with its
-- error. Keep in step with the other database's 0014_failure_groups.sql.
ALTER TABLE operations ADD COLUMN failure_group TEXT;
UPDATE operations
SET failure_group = error_code || '.' || COALESCE(error_field, '') || '.'
    || COALESCE(json_extract(error_reason, '$.reason'), '')
WHERE error_code IS NOT NULL AND status IN ('failed', 'editing');
-- The list filtered to a group walks it newest first; the failures page finds its first and
-- last operation and its samples here.
CREATE INDEX operations_by_failure_group ON operations (failure_group, operation_at, id)
    WHERE failure_group IS NOT NULL;

-- Failed operations per group, channel and day (UTC days since 1970 of operation_at); a
-- counter that reaches zero is removed. The deltas table is PostgreSQL's (see its 0014); here
-- it stays empty.
CREATE TABLE failure_counts (
    failure_group TEXT NOT NULL,
    channel_id    INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (failure_group, channel_id, day)
) WITHOUT ROWID;
CREATE TABLE failure_count_deltas (
    failure_group TEXT NOT NULL,
    channel_id    INTEGER NOT NULL,
    day           INTEGER NOT NULL,
    n             INTEGER NOT NULL
);
INSERT INTO failure_counts (failure_group, channel_id, day, n)
    SELECT failure_group, channel_id, operation_at / 86400000000, COUNT(*) FROM operations
    WHERE status = 'failed' AND failure_group IS NOT NULL
    GROUP BY failure_group, channel_id, operation_at / 86400000000;

CREATE TRIGGER failures_counted_insert AFTER INSERT ON operations
    WHEN NEW.status = 'failed' AND NEW.failure_group IS NOT NULL BEGIN
    INSERT INTO failure_counts (failure_group, channel_id, day, n)
        VALUES (NEW.failure_group, NEW.channel_id, NEW.operation_at / 86400000000, 1)
        ON CONFLICT (failure_group, channel_id, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER failures_counted_update_old
    AFTER UPDATE OF status, failure_group, channel_id, operation_at ON operations
    WHEN OLD.status = 'failed' AND OLD.failure_group IS NOT NULL BEGIN
    UPDATE failure_counts SET n = n - 1 WHERE failure_group = OLD.failure_group
        AND channel_id = OLD.channel_id AND day = OLD.operation_at / 86400000000;
    DELETE FROM failure_counts WHERE failure_group = OLD.failure_group
        AND channel_id = OLD.channel_id AND day = OLD.operation_at / 86400000000 AND n = 0;
END;
CREATE TRIGGER failures_counted_update_new
    AFTER UPDATE OF status, failure_group, channel_id, operation_at ON operations
    WHEN NEW.status = 'failed' AND NEW.failure_group IS NOT NULL BEGIN
    INSERT INTO failure_counts (failure_group, channel_id, day, n)
        VALUES (NEW.failure_group, NEW.channel_id, NEW.operation_at / 86400000000, 1)
        ON CONFLICT (failure_group, channel_id, day) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER failures_counted_delete AFTER DELETE ON operations
    WHEN OLD.status = 'failed' AND OLD.failure_group IS NOT NULL BEGIN
    UPDATE failure_counts SET n = n - 1 WHERE failure_group = OLD.failure_group
        AND channel_id = OLD.channel_id AND day = OLD.operation_at / 86400000000;
    DELETE FROM failure_counts WHERE failure_group = OLD.failure_group
        AND channel_id = OLD.channel_id AND day = OLD.operation_at / 86400000000 AND n = 0;
END;
