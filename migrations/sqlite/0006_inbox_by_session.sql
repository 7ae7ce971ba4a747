-- The P-job reads an upload session's inbox rows by session: without this index each session
-- scanned the whole inbox (a second per session at a million rows).
CREATE INDEX channel_inbox_by_session ON channel_inbox (upload_session_id, id);
