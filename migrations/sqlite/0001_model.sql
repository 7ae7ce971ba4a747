-- custsync data model (SQLite). Timestamps are microseconds since the Unix epoch (UTC) in
-- INTEGER columns, flags are 0/1 INTEGERs: the same representation as on PostgreSQL, so one
-- storage layer reads both. Keep in step with migrations/postgres/0001_model.sql.

CREATE TABLE legal_entities (
    id       TEXT PRIMARY KEY,
    name     TEXT NOT NULL,
    currency TEXT NOT NULL
);

CREATE TABLE channels (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    name                   TEXT NOT NULL,
    kind                   TEXT NOT NULL CHECK (kind IN ('store', 'online', 'call_center')),
    legal_entity_id        TEXT NOT NULL REFERENCES legal_entities (id),
    country                TEXT NOT NULL,
    default_customer_group TEXT NOT NULL,
    default_currency       TEXT NOT NULL,
    default_language       TEXT NOT NULL,
    default_receipt_option TEXT NOT NULL,
    created_at             INTEGER NOT NULL
);

CREATE TABLE channel_tokens (
    id           INTEGER PRIMARY KEY,
    channel_id   INTEGER NOT NULL REFERENCES channels (id),
    token_hash   TEXT NOT NULL UNIQUE,
    label        TEXT,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX channel_tokens_by_channel ON channel_tokens (channel_id);

-- Allowed codes: customer groups, currencies, languages, price and tax groups, countries.
-- legal_entity_id '' means valid in every legal entity.
CREATE TABLE reference_values (
    kind            TEXT NOT NULL,
    legal_entity_id TEXT NOT NULL,
    code            TEXT NOT NULL,
    description     TEXT NOT NULL,
    PRIMARY KEY (kind, legal_entity_id, code)
);

CREATE TABLE attribute_definitions (
    id              INTEGER PRIMARY KEY,
    legal_entity_id TEXT NOT NULL REFERENCES legal_entities (id),
    name            TEXT NOT NULL,
    label_en        TEXT NOT NULL,
    label_nb        TEXT NOT NULL,
    group_name      TEXT NOT NULL,
    attribute_type  TEXT NOT NULL, -- JSON of app::model::AttributeType
    default_value   TEXT,
    UNIQUE (legal_entity_id, name)
);

CREATE TABLE number_sequences (
    legal_entity_id TEXT PRIMARY KEY REFERENCES legal_entities (id),
    prefix          TEXT NOT NULL,
    next_value      INTEGER NOT NULL,
    max_value       INTEGER NOT NULL,
    width           INTEGER NOT NULL
);

CREATE TABLE customers (
    account           TEXT PRIMARY KEY,
    legal_entity_id   TEXT NOT NULL REFERENCES legal_entities (id),
    async_account     TEXT UNIQUE,
    origin_channel_id INTEGER REFERENCES channels (id),
    name              TEXT,
    first_name        TEXT,
    middle_name       TEXT,
    last_name         TEXT,
    party_type        TEXT,
    organization_id   TEXT,
    vat_number        TEXT,
    customer_group    TEXT,
    currency          TEXT,
    language          TEXT,
    price_group       TEXT,
    tax_group         TEXT,
    credit_limit      TEXT,
    blocked           INTEGER NOT NULL DEFAULT 0,
    invoice_account   TEXT,
    receipt_option    TEXT,
    receipt_email     TEXT,
    phone             TEXT,
    phone_extension   TEXT,
    cellular_phone    TEXT,
    email             TEXT,
    url               TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    version           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX customers_by_email ON customers (legal_entity_id, email);

CREATE TABLE customer_addresses (
    id               INTEGER PRIMARY KEY,
    customer_account TEXT NOT NULL REFERENCES customers (account),
    name             TEXT,
    street           TEXT,
    street_number    TEXT,
    city             TEXT,
    county           TEXT,
    state            TEXT,
    zip              TEXT,
    country          TEXT,
    district         TEXT,
    purpose          TEXT,
    is_primary       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX customer_addresses_by_customer ON customer_addresses (customer_account);

CREATE TABLE customer_attribute_values (
    customer_account TEXT NOT NULL REFERENCES customers (account),
    attribute_name   TEXT NOT NULL,
    value            TEXT NOT NULL,
    PRIMARY KEY (customer_account, attribute_name)
);

-- What channels posted, as received: append-only, idempotent per channel operation id.
CREATE TABLE channel_inbox (
    id                   INTEGER PRIMARY KEY,
    channel_id           INTEGER NOT NULL REFERENCES channels (id),
    channel_operation_id TEXT NOT NULL,
    payload              TEXT NOT NULL,
    received_at          INTEGER NOT NULL,
    upload_session_id    INTEGER,
    UNIQUE (channel_id, channel_operation_id)
);

CREATE TABLE upload_sessions (
    id              INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL REFERENCES channels (id),
    status          TEXT NOT NULL CHECK (status IN ('uploaded', 'applied')),
    operation_count INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    applied_at      INTEGER
);

CREATE TABLE operations (
    id                    INTEGER PRIMARY KEY,
    channel_id            INTEGER NOT NULL REFERENCES channels (id),
    channel_operation_id  TEXT NOT NULL,
    async_account         TEXT NOT NULL,
    customer_account      TEXT,
    legal_entity_id       TEXT NOT NULL REFERENCES legal_entities (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('create', 'update')),
    status                TEXT NOT NULL
        CHECK (status IN ('pending', 'waiting', 'editing', 'succeeded', 'failed')),
    operation_at          INTEGER NOT NULL,
    received_at           INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    upload_session_id     INTEGER REFERENCES upload_sessions (id),
    retry_count           INTEGER NOT NULL DEFAULT 0,
    next_retry_at         INTEGER,
    error_code            TEXT,
    error_field           TEXT,
    error_message         TEXT,
    editing_by            TEXT,
    editing_since         INTEGER,
    status_before_editing TEXT,
    version               INTEGER NOT NULL DEFAULT 1,
    UNIQUE (channel_id, channel_operation_id)
);
-- The status list, newest first, and its quick filters: each a keyset walk on an index.
CREATE INDEX operations_by_time ON operations (operation_at, id);
CREATE INDEX operations_by_status ON operations (status, operation_at, id);
CREATE INDEX operations_by_channel ON operations (channel_id, operation_at, id);
-- One async customer's operations in order (apply in order, history in the detail).
CREATE INDEX operations_by_async_account ON operations (async_account, operation_at, id);
CREATE INDEX operations_by_customer ON operations (customer_account);

CREATE TABLE operation_fields (
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    field        TEXT NOT NULL,
    old_value    TEXT,
    new_value    TEXT,
    PRIMARY KEY (operation_id, field)
);

-- The 1010 distribution feed: per channel, what changed in the customer master.
CREATE TABLE channel_feed (
    id               INTEGER PRIMARY KEY,
    channel_id       INTEGER NOT NULL REFERENCES channels (id),
    customer_account TEXT NOT NULL REFERENCES customers (account),
    async_account    TEXT,
    change           TEXT NOT NULL CHECK (change IN ('created', 'updated')),
    payload          TEXT NOT NULL,
    created_at       INTEGER NOT NULL
);
CREATE INDEX channel_feed_by_channel ON channel_feed (channel_id, id);

CREATE TABLE channel_cursors (
    channel_id INTEGER PRIMARY KEY REFERENCES channels (id),
    acked_id   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE job_schedules (
    job              TEXT PRIMARY KEY,
    interval_seconds INTEGER NOT NULL CHECK (interval_seconds > 0),
    paused           INTEGER NOT NULL DEFAULT 0,
    next_run_at      INTEGER,
    updated_at       INTEGER NOT NULL
);

CREATE TABLE job_runs (
    id          INTEGER PRIMARY KEY,
    job         TEXT NOT NULL,
    run_trigger TEXT NOT NULL,
    instance    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    seen        INTEGER NOT NULL DEFAULT 0,
    succeeded   INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    progress    INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX job_runs_by_job ON job_runs (job, started_at);

-- Every correction and action by a person. Never updated or deleted by the application.
CREATE TABLE change_log (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    operation_id INTEGER REFERENCES operations (id),
    action       TEXT NOT NULL,
    field        TEXT,
    before_value TEXT,
    after_value  TEXT,
    reason       TEXT
);
CREATE INDEX change_log_by_operation ON change_log (operation_id, at);
CREATE INDEX change_log_by_time ON change_log (at);
