-- The channel API's requests and errors (answers of 400 and above) per hour (UTC hours since
-- 1970) and channel, for the dashboard. Channel 0 is a request without a valid token. Each
-- instance counts in memory and adds its counts here every few seconds, so a request costs no
-- write of its own. Keep in step with the other database's 0018_api_calls.sql.
CREATE TABLE api_calls (
    hour       BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    requests   BIGINT NOT NULL,
    errors     BIGINT NOT NULL,
    PRIMARY KEY (hour, channel_id)
);
