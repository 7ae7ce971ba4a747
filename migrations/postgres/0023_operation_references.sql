-- The Retention job removes operations: for each one, the database checks every table that
-- refers to it (foreign keys), and without an index on the reference that is a scan of the
-- whole table. The change log and the operation fields have one; bulk-run items and customer
-- links get theirs here.
-- Keep in step with the other database's 0023_operation_references.sql.
CREATE INDEX bulk_run_items_by_operation ON bulk_run_items (operation_id);
CREATE INDEX customer_links_by_operation ON customer_links (operation_id);
