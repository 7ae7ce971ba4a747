//! What a database failure is, told safely: why the database could not be opened (one line
//! for the operator, the password hidden), and which driver errors mean "unreachable or busy
//! right now" rather than a defect.

/// Why the database could not be opened or prepared. Messages are for the operator starting
/// custsync (one clear line), never for a browser.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{0}")]
    Config(String),
    #[error("cannot open the {backend} database at {location}: {reason}")]
    Connect {
        backend: &'static str,
        location: String,
        reason: String,
    },
    #[error("cannot apply database migrations to {location}: {reason}")]
    Migrate { location: String, reason: String },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// The first line of a connection error, without the driver's noise.
pub(super) fn short_reason(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Io(io) => io.to_string(),
        sqlx::Error::PoolTimedOut => "no answer in time (is the server running?)".to_owned(),
        other => other
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned(),
    }
}

/// Hides the password of a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Whether an error means "the database is unreachable or busy right now" (worth a 503 and a
/// retry) rather than a bug.
pub fn is_unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
                code.parse::<i64>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                // Connection exceptions (08…), shutdown (57P…), too many connections.
                code.starts_with("08") || code.starts_with("57P") || code == "53300"
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_a_redacted_url() {
        assert_eq!(
            redact("postgres://custsync:s3cret@db.local:5432/custsync"),
            "postgres://custsync:***@db.local:5432/custsync"
        );
        assert_eq!(
            redact("sqlite://data/custsync.db"),
            "sqlite://data/custsync.db"
        );
    }
}
