//! Helpers for custsync's integration tests: a fresh database per test, on SQLite or on
//! PostgreSQL, so every storage test runs on both.
//!
//! PostgreSQL is found through `CUSTSYNC_TEST_PG` (a URL to a server where the tests may create
//! databases); `scripts/test.sh` starts a throw-away cluster and sets it. Without it the
//! PostgreSQL variants fail with a message saying so: they never pass silently.

pub mod pg_cluster;

use app::{
    model::{
        channel_api::IncomingOperation, AttributeDefinition, AttributeType, Channel, ChannelKind,
        LegalEntity, OperationField, OperationKind, ReferenceKind,
    },
    storage::{customers::NumberSequence, Db, PoolSettings},
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

/// A small retailer for pipeline tests: Oslo and Bergen stores of Nordlys Retail AS (NO01),
/// a London store of Northern Lights Retail Ltd (GB01), number sequences, reference data and one
/// attribute of each entity (`loyalty_tier`: Bronze, Silver or Gold).
pub struct Retailer {
    pub oslo: Channel,
    pub bergen: Channel,
    pub london: Channel,
}

/// Adds [`Retailer`] to an empty database. `no_sequence_max` caps NO01's account numbers.
pub async fn retailer_with(db: &Db, no_sequence_max: i64) -> Retailer {
    for (id, name, currency) in [
        ("NO01", "Nordlys Retail AS", "NOK"),
        ("GB01", "Northern Lights Retail Ltd", "GBP"),
    ] {
        db.upsert_legal_entity(&LegalEntity {
            id: id.into(),
            name: name.into(),
            currency: currency.into(),
        })
        .await
        .unwrap();
    }
    for (entity, prefix, max) in [("NO01", "NO", no_sequence_max), ("GB01", "GB", 999_999)] {
        db.ensure_number_sequence(&NumberSequence {
            legal_entity_id: entity.into(),
            prefix: prefix.into(),
            next_value: 1,
            max_value: max,
            width: 7,
        })
        .await
        .unwrap();
        db.insert_attribute_definition(&AttributeDefinition {
            id: 0,
            legal_entity_id: entity.into(),
            name: "loyalty_tier".into(),
            label_en: "Loyalty tier".into(),
            label_nb: "Kundeklubbnivå".into(),
            group_name: "Loyalty".into(),
            attribute_type: AttributeType::Text {
                allowed: vec!["Bronze".into(), "Silver".into(), "Gold".into()],
            },
            default_value: None,
        })
        .await
        .unwrap();
    }
    let all = app::storage::reference::ALL_LEGAL_ENTITIES;
    for (kind, codes) in [
        (
            ReferenceKind::CustomerGroup,
            &[("RETAIL", "Retail"), ("STAFF", "Staff")][..],
        ),
        (
            ReferenceKind::Currency,
            &[("NOK", "Krone"), ("GBP", "Pound")][..],
        ),
        (
            ReferenceKind::Language,
            &[("nb-NO", "Norsk"), ("en-GB", "English")][..],
        ),
        (
            ReferenceKind::Country,
            &[("NO", "Norway"), ("GB", "United Kingdom")][..],
        ),
    ] {
        db.add_reference_values(kind, all, codes).await.unwrap();
    }
    let channel = |code: &str, name: &str, entity: &str, country: &str| Channel {
        id: 0,
        code: code.into(),
        name: name.into(),
        kind: ChannelKind::Store,
        legal_entity_id: entity.into(),
        country: country.into(),
        default_customer_group: "RETAIL".into(),
        default_currency: if entity == "NO01" { "NOK" } else { "GBP" }.into(),
        default_language: if entity == "NO01" { "nb-NO" } else { "en-GB" }.into(),
        default_receipt_option: "Email".into(),
    };
    Retailer {
        oslo: db
            .insert_channel(&channel("OSL", "Oslo Karl Johan", "NO01", "NO"))
            .await
            .unwrap(),
        bergen: db
            .insert_channel(&channel("BGO", "Bergen Storsenter", "NO01", "NO"))
            .await
            .unwrap(),
        london: db
            .insert_channel(&channel("LON", "London Oxford Street", "GB01", "GB"))
            .await
            .unwrap(),
    }
}

/// [`retailer_with`] and a sequence with room for a million accounts.
pub async fn retailer(db: &Db) -> Retailer {
    retailer_with(db, 999_999).await
}

/// The `custsync` binary of this build (`target/<profile>/custsync`, beside the test's
/// `deps/` folder), for tests that start, kill and restart real server processes.
pub fn custsync_binary() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile_dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("custsync");
    assert!(
        binary.is_file(),
        "{} is missing: build it first with `cargo build -p server --bin custsync` \
         (scripts/test.sh does)",
        binary.display()
    );
    binary
}

/// A `custsync serve` process on the database at `url`, listening on `port`, running the jobs
/// with a one-second lease (so a killed instance's run is taken over quickly). Killed on drop.
pub struct ServerProcess(std::process::Child);

impl ServerProcess {
    pub fn start(url: &str, port: u16) -> Self {
        let child = std::process::Command::new(custsync_binary())
            .args(["--log", "error", "--database-url", url, "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--site-root", "target/site", "--job-lease", "1s"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start custsync");
        Self(child)
    }

    /// Kills it at once (SIGKILL), as a crash or a pulled plug would.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Waits until custsync on `port` answers `/healthz` (with any status).
pub async fn wait_until_serving(port: u16) {
    let url = format!("http://127.0.0.1:{port}/healthz");
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client.get(&url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("custsync on port {port} did not start");
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
    let token = server::api::auth::new_token();
    db.insert_channel_token(
        channel.id,
        &server::api::auth::token_hash(&token),
        None,
        app::storage::to_micros(chrono::Utc::now()),
    )
    .await
    .unwrap();
    token
}

/// A free loopback port (free when asked; a server started at once will get it).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A new async customer account.
pub fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An operation as a channel sends it, with `(field, new value)` pairs.
pub fn incoming(
    id: &str,
    async_account: &str,
    kind: OperationKind,
    fields: &[(&str, &str)],
) -> IncomingOperation {
    IncomingOperation {
        channel_operation_id: id.into(),
        async_account: async_account.into(),
        customer_account: None,
        kind,
        operation_at: chrono::Utc::now(),
        fields: fields
            .iter()
            .map(|(field, value)| OperationField {
                field: (*field).into(),
                old_value: None,
                new_value: Some((*value).into()),
            })
            .collect(),
    }
}

/// Puts operations into `channel`'s inbox, as the API does.
pub async fn receive(db: &Db, channel: &Channel, ops: &[IncomingOperation]) -> Vec<i64> {
    let items: Vec<(String, String)> = ops
        .iter()
        .map(|op| {
            (
                op.channel_operation_id.clone(),
                serde_json::to_string(op).unwrap(),
            )
        })
        .collect();
    db.receive_operations(
        channel.id,
        &items,
        app::storage::to_micros(chrono::Utc::now()),
    )
    .await
    .unwrap()
}

/// The jobs of a test instance.
pub fn jobs_of(db: &Db) -> server::jobs::Jobs {
    server::jobs::Jobs::new(db.clone(), "test-instance".into())
}

/// Runs the three jobs to the end of their work, in pipeline order.
pub async fn run_pipeline(db: &Db) {
    let mut jobs = jobs_of(db);
    for job in app::model::JobName::ALL {
        server::jobs::execute(&mut jobs, *job, app::model::JobTrigger::RunNow, false)
            .await
            .unwrap();
    }
}

/// The statuses of an async customer's operations, in the order they apply.
pub async fn status_of(db: &Db, async_account: &str) -> Vec<app::model::SyncStatus> {
    db.async_customer_history(async_account)
        .await
        .unwrap()
        .iter()
        .map(|op| op.status)
        .collect()
}

/// A complete create of Kari Nordmann in Bergen (with a custom attribute).
pub const KARI: &[(&str, &str)] = &[
    ("name", "Kari Nordmann"),
    ("email", "kari.nordmann@example.no"),
    ("street", "Strandgaten 12"),
    ("city", "Bergen"),
    ("zip", "5013"),
    ("country", "NO"),
    ("attr:loyalty_tier", "Gold"),
];

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
