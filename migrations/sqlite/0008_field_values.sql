-- Every distinct value of every field the operations carry, with how many field rows carry it
-- and one of its spellings as typed. It serves the filter bar's value suggestions (most
-- frequent first) and "contains": a trigram index (FTS5) finds the few values that contain the
-- searched text, and the list then walks operation_fields_by_value for each of them, newest
-- first, instead of reading every operation. The P-job adds to it in the same transaction that
-- stages the fields. Keep in step with the other database's 0008_field_values.sql.
CREATE TABLE field_values (
    id        INTEGER PRIMARY KEY,
    field     TEXT NOT NULL,
    value_key TEXT NOT NULL,
    value     TEXT NOT NULL,
    uses      INTEGER NOT NULL,
    UNIQUE (field, value_key)
);
CREATE VIRTUAL TABLE field_values_trigram USING fts5(
    value_key, content='field_values', content_rowid='id', tokenize='trigram'
);
-- A value's key never changes (only its count), so inserts are all the index needs.
CREATE TRIGGER field_values_into_trigram AFTER INSERT ON field_values BEGIN
    INSERT INTO field_values_trigram (rowid, value_key) VALUES (new.id, new.value_key);
END;
INSERT INTO field_values (field, value_key, value, uses)
    SELECT field, value_key, MIN(TRIM(new_value)), COUNT(*) FROM operation_fields
    WHERE value_key IS NOT NULL AND value_key <> '' GROUP BY field, value_key;
