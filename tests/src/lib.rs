//! Helpers for custsync's integration tests: a fresh database per test, on SQLite or on
//! PostgreSQL, so every storage test runs on both.
//!
//! PostgreSQL is found through `CUSTSYNC_TEST_PG` (a URL to a server where the tests may create
//! databases); `scripts/test.sh` starts a throw-away cluster and sets it. Without it the
//! PostgreSQL variants fail with a message saying so: they never pass silently.

mod people;
pub mod pg_cluster;
mod server_process;
mod shop;

pub use people::*;
pub use server_process::*;
pub use shop::*;

use app::{
    model::Channel,
    storage::{Db, PoolSettings},
};
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
    /// Its URL, for a `custsync` process started on it.
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// The SQLite database's file (`None` on PostgreSQL).
    pub fn sqlite_path(&self) -> Option<String> {
        let path = self.url.strip_prefix("sqlite://")?;
        Some(path.split('?').next().unwrap_or(path).to_owned())
    }
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
                url,
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
                url,
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
            #[allow(unused_imports, reason = "a test may use nothing of its file's imports")]
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

/// The one integer a query returns.
pub async fn scalar(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// A new API token for `channel`.
pub async fn token_for(db: &Db, channel: &Channel) -> String {
    let token = app::access::secrets::new_token();
    db.insert_channel_token(
        channel.id,
        &app::access::secrets::token_hash(&token),
        None,
        app::storage::to_micros(chrono::Utc::now()),
    )
    .await
    .unwrap();
    token
}

/// The router of the whole app on `db`, as `custsync serve` builds it.
pub fn router(db: &Db) -> axum::Router {
    let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
    server::startup::router(db.clone(), options, &Default::default())
}

/// `GET uri` on [`router`] as `cookie`'s person: the status and the body as text.
pub async fn get_as(db: &Db, cookie: &str, uri: &str) -> (u16, String) {
    use tower::ServiceExt;
    let answer = router(db)
        .oneshot(
            axum::http::Request::get(uri)
                .header("cookie", cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// The password of the users [`session`] creates.
pub const TEST_PASSWORD: &str = "test-password-123";

/// Signs in as a user of `role` (created as `<role>-test` when missing) through `POST /sign-in`
/// and returns the `Cookie` header value that carries the session.
pub async fn session(db: &Db, role: app::model::Role) -> String {
    use tower::ServiceExt;
    let name = format!("{}-test", role.as_str());
    if db.user_by_name(&name).await.unwrap().is_none() {
        let hash = app::access::secrets::hash_password(TEST_PASSWORD);
        db.insert_user(&name, &hash, role, 0).await.unwrap();
    }
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("name", &name)
        .append_pair("password", TEST_PASSWORD)
        .finish();
    let answer = router(db)
        .oneshot(
            axum::http::Request::post("/sign-in")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 303, "sign-in as {name}");
    let location = answer.headers()["location"].to_str().unwrap();
    assert!(
        !location.contains("error="),
        "sign-in as {name}: {location}"
    );
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(server::access::SESSION_COOKIE))
        .expect("a session cookie");
    cookie.split(';').next().unwrap().to_owned()
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
