-- Why validation refused an operation's value, as data (JSON of app::validate::Reason): the
-- page says it in the reader's language, while error_message keeps the English sentence that
-- channels and logs read. NULL for errors that are not a validation reason (a database that
-- did not answer). Keep in step with the other database's 0009_error_reason.sql.
ALTER TABLE operations ADD COLUMN error_reason TEXT;
