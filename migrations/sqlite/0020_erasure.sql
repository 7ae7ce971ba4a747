-- Erasure (GDPR article 17): a customer whose personal data was erased keeps their record
-- (account, legal entity, dates) with the time of the erasure, and the 1010 feed tells the
-- channels with an `erased` change, so POS databases can erase too. SQLite cannot alter a
-- CHECK, so the two tables that name the changes are rebuilt. Keep in step with the other
-- database's 0020_erasure.sql.
ALTER TABLE customers ADD COLUMN erased_at INTEGER;
-- The customer's operations stay as records (status, timestamps, channel), their values erased.
ALTER TABLE operations ADD COLUMN erased_at INTEGER;

CREATE TABLE customer_changes_new (
    id               INTEGER PRIMARY KEY,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    legal_entity_id  TEXT NOT NULL REFERENCES legal_entities (id),
    change           TEXT NOT NULL CHECK (change IN ('created', 'updated', 'erased')),
    changed_at       INTEGER NOT NULL,
    distributed_at   INTEGER
);
INSERT INTO customer_changes_new (id, customer_account, legal_entity_id, change, changed_at,
    distributed_at)
    SELECT id, customer_account, legal_entity_id, change, changed_at, distributed_at
    FROM customer_changes;
DROP TABLE customer_changes;
ALTER TABLE customer_changes_new RENAME TO customer_changes;
CREATE INDEX customer_changes_to_distribute ON customer_changes (id) WHERE distributed_at IS NULL;

CREATE TABLE distribution_feed_new (
    id                INTEGER PRIMARY KEY,
    legal_entity_id   TEXT NOT NULL REFERENCES legal_entities (id),
    customer_account  TEXT NOT NULL REFERENCES customers (account),
    async_account     TEXT,
    origin_channel_id INTEGER REFERENCES channels (id),
    change            TEXT NOT NULL CHECK (change IN ('created', 'updated', 'erased')),
    payload           TEXT NOT NULL,
    created_at        INTEGER NOT NULL
);
INSERT INTO distribution_feed_new (id, legal_entity_id, customer_account, async_account,
    origin_channel_id, change, payload, created_at)
    SELECT id, legal_entity_id, customer_account, async_account, origin_channel_id, change,
    payload, created_at FROM distribution_feed;
DROP TABLE distribution_feed;
ALTER TABLE distribution_feed_new RENAME TO distribution_feed;
CREATE INDEX distribution_feed_by_entity ON distribution_feed (legal_entity_id, id);
-- An erasure finds the feed rows of a customer's accounts without reading the whole feed.
CREATE INDEX distribution_feed_by_customer ON distribution_feed (customer_account);
-- The value dictionary's trigram index removes a forgotten value's entries at once, rather
-- than marking them deleted until its segments are next merged.
INSERT INTO field_values_trigram (field_values_trigram, rank) VALUES ('secure-delete', 1);
