-- Possible duplicates: a create that looks like an existing customer of its legal entity (same
-- email, same phone, or same name and address) waits as `possible_duplicate` for a person to
-- Link it to that customer, Create it anyway, or Correct it. Keep in step with the other
-- database's 0021_possible_duplicates.sql.
--
-- SQLite cannot alter a CHECK, and rebuilding `operations` (a million rows, eight indexes,
-- seven triggers) would hold an upgrade for minutes. Widening a CHECK changes no stored row, so
-- the table definitions are edited in place, as SQLite's documentation describes for removing
-- a constraint ("Making Other Kinds Of Table Schema Changes"); `writable_schema = RESET` makes
-- this connection read the new definitions, and the CREATE/DROP below bumps the schema version
-- so every other connection does too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
    SET sql = replace(sql, '''succeeded'', ''failed'')',
                      '''succeeded'', ''failed'', ''possible_duplicate'')')
    WHERE type = 'table' AND name = 'operations';
UPDATE sqlite_master
    SET sql = replace(sql, '''updated'', ''erased'')', '''updated'', ''erased'', ''linked'')')
    WHERE type = 'table' AND name IN ('customer_changes', 'distribution_feed');
PRAGMA writable_schema = RESET;
CREATE TABLE schema_version_bump (x INTEGER);
DROP TABLE schema_version_bump;

-- The customer it may duplicate and the rules that matched (`email,phone`), while it waits;
-- `distinct_person` = 1 once a person said Create anyway (the check is then skipped).
ALTER TABLE operations ADD COLUMN duplicate_of TEXT;
ALTER TABLE operations ADD COLUMN duplicate_rules TEXT;
ALTER TABLE operations ADD COLUMN distinct_person INTEGER NOT NULL DEFAULT 0;

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
) WITHOUT ROWID;
CREATE INDEX customer_match_keys_by_customer ON customer_match_keys (customer_account);
ALTER TABLE customers ADD COLUMN keyed_at INTEGER;
CREATE INDEX customers_to_key ON customers (account) WHERE keyed_at IS NULL;

-- Async accounts linked to an existing customer: later edits of that async customer apply to
-- it, and the 1010 feed maps the async account to its account with a `linked` change.
CREATE TABLE customer_links (
    async_account    TEXT PRIMARY KEY,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    legal_entity_id  TEXT NOT NULL REFERENCES legal_entities (id),
    operation_id     INTEGER REFERENCES operations (id),
    linked_by        TEXT NOT NULL,
    linked_at        INTEGER NOT NULL
);
CREATE INDEX customer_links_by_customer ON customer_links (customer_account);
ALTER TABLE customer_changes ADD COLUMN async_account TEXT;
