-- Failures grouped by cause: each Failed operation's group key (app::model::FailureGroup:
-- error code, field and the kind of reason, without the values) and how many operations of
-- each group there are per channel and day, so the failures page reads a few hundred counters
-- instead of every Failed operation. The key stays while a person corrects the operation
-- (Editing) and goes with its error. As for the status counts (0007), several Synchronize
-- workers write at once, so the triggers append their net changes to failure_count_deltas and
-- custsync folds them into failure_counts every second; the counts are the sum of both. Keep in
-- step with the other database's 0014_failure_groups.sql.
ALTER TABLE operations ADD COLUMN failure_group TEXT;
UPDATE operations
SET failure_group = error_code || '.' || COALESCE(error_field, '') || '.'
    || COALESCE(error_reason::jsonb ->> 'reason', '')
WHERE error_code IS NOT NULL AND status IN ('failed', 'editing');
CREATE INDEX operations_by_failure_group ON operations (failure_group, operation_at, id)
    WHERE failure_group IS NOT NULL;

CREATE TABLE failure_counts (
    failure_group TEXT NOT NULL,
    channel_id    BIGINT NOT NULL,
    day           BIGINT NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (failure_group, channel_id, day)
);
-- Counters that reached zero, removed after each fold.
CREATE INDEX failure_counts_empty ON failure_counts (failure_group, channel_id, day) WHERE n = 0;
CREATE TABLE failure_count_deltas (
    failure_group TEXT NOT NULL,
    channel_id    BIGINT NOT NULL,
    day           BIGINT NOT NULL,
    n             BIGINT NOT NULL
);
INSERT INTO failure_counts (failure_group, channel_id, day, n)
    SELECT failure_group, channel_id, operation_at / 86400000000, COUNT(*) FROM operations
    WHERE status = 'failed' AND failure_group IS NOT NULL
    GROUP BY failure_group, channel_id, operation_at / 86400000000;

CREATE FUNCTION count_failures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO failure_count_deltas (failure_group, channel_id, day, n)
            SELECT failure_group, channel_id, operation_at / 86400000000, COUNT(*) FROM new_rows
            WHERE status = 'failed' AND failure_group IS NOT NULL
            GROUP BY failure_group, channel_id, operation_at / 86400000000;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO failure_count_deltas (failure_group, channel_id, day, n)
            SELECT failure_group, channel_id, day, SUM(n) FROM (
                SELECT failure_group, channel_id, operation_at / 86400000000 AS day, -1 AS n
                    FROM old_rows WHERE status = 'failed' AND failure_group IS NOT NULL
                UNION ALL
                SELECT failure_group, channel_id, operation_at / 86400000000 AS day, 1 AS n
                    FROM new_rows WHERE status = 'failed' AND failure_group IS NOT NULL
            ) c GROUP BY failure_group, channel_id, day HAVING SUM(n) <> 0;
    ELSE
        INSERT INTO failure_count_deltas (failure_group, channel_id, day, n)
            SELECT failure_group, channel_id, operation_at / 86400000000, -COUNT(*) FROM old_rows
            WHERE status = 'failed' AND failure_group IS NOT NULL
            GROUP BY failure_group, channel_id, operation_at / 86400000000;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER failures_counted_insert AFTER INSERT ON operations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_failures();
CREATE TRIGGER failures_counted_update AFTER UPDATE ON operations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_failures();
CREATE TRIGGER failures_counted_delete AFTER DELETE ON operations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_failures();
