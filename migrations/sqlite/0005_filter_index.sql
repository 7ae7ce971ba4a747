-- The status list filters on any field an operation carries, newest first, at a million
-- operations. Each field row keeps its operation's timestamp and a normalized value (trimmed,
-- lower case, computed by custsync so both databases agree), and one index serves "field
-- equals value" and "field starts with value" as a walk from the newest match: no sort, no
-- scan of the other operations. Keep in step with the other database's 0005_filter_index.sql.
ALTER TABLE operation_fields ADD COLUMN operation_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operation_fields ADD COLUMN value_key TEXT;
UPDATE operation_fields SET
    operation_at = (SELECT o.operation_at FROM operations o WHERE o.id = operation_fields.operation_id),
    value_key = lower(trim(new_value));
CREATE INDEX operation_fields_by_value ON operation_fields (field, value_key, operation_at, operation_id);
