-- Access control: the people who sign in, their sessions, and the record of what they did.
-- Keep in step with the other database's 0010_access_control.sql.

-- A person who signs in. `name` is stored in lower case (sign-in ignores case); the role is
-- viewer, operator or admin. A disabled user cannot sign in and loses open sessions.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    created_at      INTEGER NOT NULL,
    last_sign_in_at INTEGER,
    disabled_at     INTEGER
);

-- Browser sessions (tower-sessions records, as JSON), removed once expired.
CREATE TABLE sessions (
    id         TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Who did what, when: sign-ins, job actions, users and tokens changed. Append only.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_name TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (at);
