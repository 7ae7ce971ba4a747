-- Operations per channel and status, kept exact as operations are inserted, change status or
-- are deleted: the status chips of the unfiltered list (and of one channel) read a handful of
-- rows instead of counting a million. Several Synchronize workers write at once here, so the
-- triggers never update a shared row (that would make each worker wait for the other's
-- commit): each statement appends its net changes to operation_count_deltas, and custsync
-- folds the deltas into operation_counts every second (one atomic statement). The counts are
-- the sum of both. Keep in step with the other database's 0007_operation_counts.sql.
CREATE TABLE operation_counts (
    channel_id BIGINT NOT NULL,
    status     TEXT NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (channel_id, status)
);
CREATE TABLE operation_count_deltas (
    channel_id BIGINT NOT NULL,
    status     TEXT NOT NULL,
    n          BIGINT NOT NULL
);
INSERT INTO operation_counts (channel_id, status, n)
    SELECT channel_id, status, COUNT(*) FROM operations GROUP BY channel_id, status;

CREATE FUNCTION count_operations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO operation_count_deltas (channel_id, status, n)
            SELECT channel_id, status, COUNT(*) FROM new_rows GROUP BY channel_id, status;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO operation_count_deltas (channel_id, status, n)
            SELECT channel_id, status, SUM(n) FROM (
                SELECT channel_id, status, -1 AS n FROM old_rows
                UNION ALL SELECT channel_id, status, 1 AS n FROM new_rows
            ) c GROUP BY channel_id, status HAVING SUM(n) <> 0;
    ELSE
        INSERT INTO operation_count_deltas (channel_id, status, n)
            SELECT channel_id, status, -COUNT(*) FROM old_rows GROUP BY channel_id, status;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER operations_counted_insert AFTER INSERT ON operations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION count_operations();
CREATE TRIGGER operations_counted_update AFTER UPDATE ON operations
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_operations();
CREATE TRIGGER operations_counted_delete AFTER DELETE ON operations
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION count_operations();
