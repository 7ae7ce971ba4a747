-- Retention: the Retention job removes Succeeded operations older than the retention period
-- with their upload sessions once no operation or inbox row of a session is left; finding
-- those takes an index on the operations' session. Keep in step with the other database's
-- 0022_retention.sql.
CREATE INDEX operations_by_upload_session ON operations (upload_session_id);
