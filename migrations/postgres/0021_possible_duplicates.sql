-- Possible duplicates: a create that looks like an existing customer of its legal entity (same
-- email, same phone, or same name and address) waits as `possible_duplicate` for a person to
-- Link it to that customer, Create it anyway, or Correct it. Keep in step with the other
-- database's 0021_possible_duplicates.sql.
ALTER TABLE operations DROP CONSTRAINT operations_status_check;
ALTER TABLE operations ADD CONSTRAINT operations_status_check
    CHECK (status IN ('pending', 'waiting', 'editing', 'succeeded', 'failed', 'possible_duplicate'));
-- The customer it may duplicate and the rules that matched (`email,phone`), while it waits;
-- `distinct_person` = 1 once a person said Create anyway (the check is then skipped).
ALTER TABLE operations ADD COLUMN duplicate_of TEXT;
ALTER TABLE operations ADD COLUMN duplicate_rules TEXT;
ALTER TABLE operations ADD COLUMN distinct_person BIGINT NOT NULL DEFAULT 0;

-- Each customer's normalized keys (rule = 'email', 'phone' or 'name_address'): the check is one
-- index lookup per key, not a scan. Written by the Synchronize job with every customer it
-- creates or updates; `keyed_at` is NULL for customers not keyed yet (those from before this
-- migration), which the server keys when it starts.
CREATE TABLE customer_match_keys (
    legal_entity_id  TEXT NOT NULL REFERENCES legal_entities (id),
    rule             TEXT NOT NULL CHECK (rule IN ('email', 'phone', 'name_address')),
    match_key        TEXT NOT NULL,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    PRIMARY KEY (legal_entity_id, rule, match_key, customer_account)
);
CREATE INDEX customer_match_keys_by_customer ON customer_match_keys (customer_account);
ALTER TABLE customers ADD COLUMN keyed_at BIGINT;
CREATE INDEX customers_to_key ON customers (account) WHERE keyed_at IS NULL;

-- Async accounts linked to an existing customer: later edits of that async customer apply to
-- it, and the 1010 feed maps the async account to its account with a `linked` change.
CREATE TABLE customer_links (
    async_account    TEXT PRIMARY KEY,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    legal_entity_id  TEXT NOT NULL REFERENCES legal_entities (id),
    operation_id     BIGINT REFERENCES operations (id),
    linked_by        TEXT NOT NULL,
    linked_at        BIGINT NOT NULL
);
CREATE INDEX customer_links_by_customer ON customer_links (customer_account);
ALTER TABLE customer_changes ADD COLUMN async_account TEXT;
ALTER TABLE customer_changes DROP CONSTRAINT customer_changes_change_check;
ALTER TABLE customer_changes ADD CONSTRAINT customer_changes_change_check
    CHECK (change IN ('created', 'updated', 'erased', 'linked'));
ALTER TABLE distribution_feed DROP CONSTRAINT distribution_feed_change_check;
ALTER TABLE distribution_feed ADD CONSTRAINT distribution_feed_change_check
    CHECK (change IN ('created', 'updated', 'erased', 'linked'));
