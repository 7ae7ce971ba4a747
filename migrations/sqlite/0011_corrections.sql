-- The correction workflow: a correction that undoes an earlier one names it (`reverts`), and
-- the change log page filters by who and by field, newest first. The log itself is append
-- only: the application never updates or deletes a row of it. Keep in step with the other
-- database's 0011_corrections.sql.
ALTER TABLE change_log ADD COLUMN reverts INTEGER REFERENCES change_log (id);
CREATE INDEX change_log_by_actor ON change_log (actor, id);
CREATE INDEX change_log_by_field ON change_log (field, id);
CREATE INDEX change_log_by_reverts ON change_log (reverts);
-- Editing holds that outlived their editor are found by their age.
CREATE INDEX operations_editing ON operations (editing_since) WHERE status = 'editing';
