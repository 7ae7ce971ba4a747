-- An operation's fields and a customer's attribute values are always read and written by their
-- primary key. Stored WITHOUT ROWID, each row lives in the primary key's b-tree itself instead of
-- in a table plus an index: half the pages to write when the Synchronize job creates customers
-- and the P-job stages operations, and one lookup instead of two for the detail. PostgreSQL has
-- no such choice (its tables are heaps), so this migration is SQLite's only.
CREATE TABLE operation_fields_new (
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    PRIMARY KEY (operation_id, field)
) WITHOUT ROWID;
INSERT INTO operation_fields_new (operation_id, field, old_value, new_value)
    SELECT operation_id, field, old_value, new_value FROM operation_fields;
DROP TABLE operation_fields;
ALTER TABLE operation_fields_new RENAME TO operation_fields;

CREATE TABLE customer_attribute_values_new (
    customer_account TEXT NOT NULL REFERENCES customers (account),
    attribute_name   TEXT NOT NULL,
    value            TEXT NOT NULL,
    PRIMARY KEY (customer_account, attribute_name)
) WITHOUT ROWID;
INSERT INTO customer_attribute_values_new (customer_account, attribute_name, value)
    SELECT customer_account, attribute_name, value FROM customer_attribute_values;
DROP TABLE customer_attribute_values;
ALTER TABLE customer_attribute_values_new RENAME TO customer_attribute_values;
