-- Bulk runs: one action (dry run, synchronize, correct by a rule, revert) over every operation
-- a filter selects. The run is a row (who, when, what, the selection as the list's query, its
-- counts); its operations are rows of bulk_run_items, written when the run is previewed or
-- asked for, each with the operation's version then and, for a correction, the field's value
-- before and after the rule. The runner settles items a chunk per transaction (the item's
-- outcome, the operation's change, its change-log line and the run's counts together), so a
-- crash leaves each operation changed once or not at all. One instance at a time holds a run's
-- lease. Keep in step with the other database's 0015_bulk_runs.sql.
CREATE TABLE bulk_runs (
    id               INTEGER PRIMARY KEY,
    action           TEXT NOT NULL CHECK (action IN ('dry_run', 'synchronize', 'correct', 'revert')),
    status           TEXT NOT NULL CHECK (status IN ('previewed', 'running', 'finished', 'cancelled')),
    actor            TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    finished_at      INTEGER,
    selection        TEXT NOT NULL,
    rule             TEXT,
    and_synchronize  INTEGER NOT NULL DEFAULT 0,
    reverts          INTEGER REFERENCES bulk_runs (id),
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    lease_owner      TEXT,
    lease_until      INTEGER,
    selected         INTEGER NOT NULL DEFAULT 0,
    done             INTEGER NOT NULL DEFAULT 0,
    changed          INTEGER NOT NULL DEFAULT 0,
    skipped          INTEGER NOT NULL DEFAULT 0,
    passed           INTEGER NOT NULL DEFAULT 0,
    failed           INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX bulk_runs_running ON bulk_runs (id) WHERE status = 'running';
CREATE INDEX bulk_runs_by_time ON bulk_runs (created_at);

-- outcome: NULL while to do; then 'changed', 'skipped', 'passed' or 'failed'. detail: why it
-- was skipped, or the failure group it (still) fails with.
CREATE TABLE bulk_run_items (
    run_id       INTEGER NOT NULL REFERENCES bulk_runs (id),
    operation_id INTEGER NOT NULL REFERENCES operations (id),
    version      INTEGER NOT NULL,
    before_value TEXT,
    after_value  TEXT,
    outcome      TEXT CHECK (outcome IN ('changed', 'skipped', 'passed', 'failed')),
    detail       TEXT,
    PRIMARY KEY (run_id, operation_id)
);
CREATE INDEX bulk_run_items_to_do ON bulk_run_items (run_id, operation_id) WHERE outcome IS NULL;

-- A bulk correction's lines name their run, so the run can be reverted as one.
ALTER TABLE change_log ADD COLUMN bulk_run_id INTEGER REFERENCES bulk_runs (id);
CREATE INDEX change_log_by_bulk_run ON change_log (bulk_run_id) WHERE bulk_run_id IS NOT NULL;
