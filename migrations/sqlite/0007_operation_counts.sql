-- Operations per channel and status, kept exact as operations are inserted, change status or
-- are deleted: the status chips of the unfiltered list (and of one channel) read a handful of
-- rows instead of counting a million. SQLite has one writer, so triggers add to the counts
-- directly. operation_count_deltas is PostgreSQL's (see its 0007); here it stays empty, so both
-- databases read the counts with the same statement.
CREATE TABLE operation_counts (
    channel_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (channel_id, status)
) WITHOUT ROWID;
CREATE TABLE operation_count_deltas (
    channel_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL
);
INSERT INTO operation_counts (channel_id, status, n)
    SELECT channel_id, status, COUNT(*) FROM operations GROUP BY channel_id, status;

CREATE TRIGGER operations_counted_insert AFTER INSERT ON operations BEGIN
    INSERT INTO operation_counts (channel_id, status, n) VALUES (NEW.channel_id, NEW.status, 1)
        ON CONFLICT (channel_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER operations_counted_update AFTER UPDATE OF status, channel_id ON operations
    WHEN OLD.status <> NEW.status OR OLD.channel_id <> NEW.channel_id BEGIN
    UPDATE operation_counts SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status;
    INSERT INTO operation_counts (channel_id, status, n) VALUES (NEW.channel_id, NEW.status, 1)
        ON CONFLICT (channel_id, status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER operations_counted_delete AFTER DELETE ON operations BEGIN
    UPDATE operation_counts SET n = n - 1 WHERE channel_id = OLD.channel_id AND status = OLD.status;
END;
