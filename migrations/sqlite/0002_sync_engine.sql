-- The sync engine: job leases (one instance runs a job at a time), the customer-master change
-- outbox the 1010 job distributes, and the per-legal-entity distribution feed channels read with
-- a cursor of their own. Keep in step with the other database's 0002_sync_engine.sql.

-- A job run is taken by one instance: it holds the lease until it finishes (or the lease
-- expires after a crash). "Run now" sets run_requested.
ALTER TABLE job_schedules ADD COLUMN lease_owner TEXT;
ALTER TABLE job_schedules ADD COLUMN lease_until INTEGER;
ALTER TABLE job_schedules ADD COLUMN run_requested INTEGER NOT NULL DEFAULT 0;

-- Written by the Synchronize job in the same transaction as the customer change; the 1010 job
-- marks each row distributed in the same transaction as the feed rows it writes.
CREATE TABLE customer_changes (
    id               INTEGER PRIMARY KEY,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    legal_entity_id  TEXT NOT NULL REFERENCES legal_entities (id),
    change           TEXT NOT NULL CHECK (change IN ('created', 'updated')),
    changed_at       INTEGER NOT NULL,
    distributed_at   INTEGER
);
CREATE INDEX customer_changes_to_distribute ON customer_changes (id) WHERE distributed_at IS NULL;

-- The 1010 feed: every channel of a legal entity reads its entity's customers after its own cursor
-- (channel_cursors), so one change is written once, not once per channel.
DROP TABLE channel_feed;
CREATE TABLE distribution_feed (
    id                INTEGER PRIMARY KEY,
    legal_entity_id   TEXT NOT NULL REFERENCES legal_entities (id),
    customer_account  TEXT NOT NULL REFERENCES customers (account),
    async_account     TEXT,
    origin_channel_id INTEGER REFERENCES channels (id),
    change            TEXT NOT NULL CHECK (change IN ('created', 'updated')),
    payload           TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX distribution_feed_by_entity ON distribution_feed (legal_entity_id, id);

-- The P-job takes what is not yet in an upload session, oldest first.
CREATE INDEX channel_inbox_unassigned ON channel_inbox (id) WHERE upload_session_id IS NULL;
CREATE INDEX upload_sessions_uploaded ON upload_sessions (id) WHERE status = 'uploaded';
-- The Synchronize job claims Pending operations oldest first.
CREATE INDEX operations_pending ON operations (operation_at, id) WHERE status = 'pending';
