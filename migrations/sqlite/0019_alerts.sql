-- Alerts: rules an admin sets, the episodes they fire (one open episode per rule and subject:
-- the unique index below is what makes an alert fire once, whichever instance sees it first),
-- the webhooks told about them, and each webhook call to make (an outbox: written in the
-- transaction that opens or resolves an episode, sent by a worker with retries, so no job
-- ever waits for a receiver). Keep in step with the other database's 0019_alerts.sql.
CREATE TABLE alert_rules (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL
        CHECK (kind IN ('failures_per_hour', 'oldest_pending', 'job_stalled', 'api_error_rate')),
    -- The channel watched, or every channel each on its own (NULL).
    channel_id    INTEGER REFERENCES channels (id),
    -- failures_per_hour only: one failure group's key, or every failure (NULL).
    failure_group TEXT,
    -- job_stalled only: one job, or every job each on its own (NULL).
    job           TEXT,
    -- N failures, M minutes, K intervals or X percent, by kind.
    threshold     INTEGER NOT NULL CHECK (threshold >= 1),
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_by    TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE TABLE alert_episodes (
    id          INTEGER PRIMARY KEY,
    rule_id     INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
    -- What fired: a channel's code or a job's name.
    subject     TEXT NOT NULL,
    -- The measure when it fired, and the highest since.
    value       INTEGER NOT NULL,
    started_at  INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE UNIQUE INDEX alert_episodes_open ON alert_episodes (rule_id, subject)
    WHERE resolved_at IS NULL;
CREATE INDEX alert_episodes_by_time ON alert_episodes (started_at);
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    -- The key of the HMAC signature; the receiver has the same.
    secret     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    episode_id      INTEGER NOT NULL REFERENCES alert_episodes (id) ON DELETE CASCADE,
    event           TEXT NOT NULL CHECK (event IN ('alert.fired', 'alert.resolved')),
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- Ended: delivered (a 2xx answer) or given up after the last attempt.
    delivered_at    INTEGER,
    given_up_at     INTEGER,
    -- Why the last attempt failed, in custsync's words (never the receiver's text).
    last_error      TEXT,
    lease_owner     TEXT,
    lease_until     INTEGER
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE delivered_at IS NULL AND given_up_at IS NULL;
CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, id);
