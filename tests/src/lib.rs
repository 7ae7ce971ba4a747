//! Helpers for custsync's integration tests: a fresh database per test, on SQLite or on
//! PostgreSQL, so every storage test runs on both.
//!
//! PostgreSQL is found through `CUSTSYNC_TEST_PG` (a URL to a server where the tests may create
//! databases); `scripts/test.sh` starts a throw-away cluster and sets it. Without it the
//! PostgreSQL variants fail with a message saying so: they never pass silently.

use app::storage::{Db, PoolSettings};
use sqlx::{Connection, Executor};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, migrated, empty database that lives as long as the value.
pub struct TestDb {
    pub db: Db,
    _dir: Option<tempfile::TempDir>,
}

impl std::ops::Deref for TestDb {
    type Target = Db;
    fn deref(&self) -> &Db {
        &self.db
    }
}

/// Opens a fresh database of `backend`.
pub async fn fresh_db(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary folder");
            let url = format!(
                "sqlite://{}?mode=rwc",
                dir.path().join("custsync.db").display()
            );
            let db = open(&url).await;
            TestDb {
                db,
                _dir: Some(dir),
            }
        }
        Backend::Postgres => {
            let admin = std::env::var("CUSTSYNC_TEST_PG").expect(
                "CUSTSYNC_TEST_PG is not set: the PostgreSQL variant of this test needs a server \
                 (scripts/test.sh starts one and sets it)",
            );
            let name = format!("custsync_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to CUSTSYNC_TEST_PG");
            conn.execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create a test database");
            let _ = conn.close().await;
            let url = replace_database(&admin, &name);
            TestDb {
                db: open(&url).await,
                _dir: None,
            }
        }
    }
}

async fn open(url: &str) -> Db {
    let db = Db::connect(url, &PoolSettings::default())
        .await
        .expect("open test database");
    db.migrate().await.expect("migrate test database");
    db
}

/// `postgres://u:p@h:port/old?x` → `postgres://u:p@h:port/new?x`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Defines one async test per backend: `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! storage_test {
    ($(#[$meta:meta])* async fn $name:ident($db:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: $crate::TestDb) $body

            #[tokio::test]
            async fn sqlite() {
                run($crate::fresh_db($crate::Backend::Sqlite).await).await
            }

            #[tokio::test]
            async fn postgres() {
                run($crate::fresh_db($crate::Backend::Postgres).await).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_database_name_replaces_the_admin_one() {
        assert_eq!(
            replace_database(
                "postgres://u:p@127.0.0.1:5544/postgres?sslmode=disable",
                "t1"
            ),
            "postgres://u:p@127.0.0.1:5544/t1?sslmode=disable"
        );
        assert_eq!(
            replace_database("postgres://127.0.0.1:5544", "t1"),
            "postgres://127.0.0.1:5544/t1"
        );
    }
}
