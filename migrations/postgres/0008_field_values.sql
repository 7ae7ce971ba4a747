-- Every distinct value of every field the operations carry, with how many field rows carry it
-- and one of its spellings as typed. It serves the filter bar's value suggestions (most
-- frequent first) and "contains": a trigram index (pg_trgm, shipped with PostgreSQL) finds the
-- few values that contain the searched text, and the list then walks operation_fields_by_value
-- for each of them, newest first, instead of reading every operation. The P-job adds to it in
-- the same transaction that stages the fields. Keep in step with the other database's
-- 0008_field_values.sql.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE field_values (
    id        BIGSERIAL PRIMARY KEY,
    field     TEXT NOT NULL,
    value_key TEXT COLLATE "C" NOT NULL,
    value     TEXT NOT NULL,
    uses      BIGINT NOT NULL,
    UNIQUE (field, value_key)
);
INSERT INTO field_values (field, value_key, value, uses)
    SELECT field, value_key, MIN(TRIM(new_value)), COUNT(*) FROM operation_fields
    WHERE value_key IS NOT NULL AND value_key <> '' GROUP BY field, value_key;
CREATE INDEX field_values_trigram ON field_values USING gin (value_key gin_trgm_ops);
