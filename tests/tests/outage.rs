//! Database outages: while PostgreSQL is down (or the SQLite file is locked by another program)
//! channels get 503 with `Retry-After`, the page says the database is unreachable, and when it
//! is back the API and the jobs recover by themselves — custsync is never restarted.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use app::{
    model::{channel_api::OperationBatch, OperationKind},
    storage::{to_micros, Db, PoolSettings},
};
use custsync_tests::{
    custsync_binary, free_port, fresh_db, guid, incoming, pg_cluster::PgCluster, retailer, Backend,
};
use server::api::auth;
use sqlx::{Connection, Executor};

struct Instance(Child);

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_instance(url: &str, port: u16) -> Instance {
    Instance(
        Command::new(custsync_binary())
            .args(["--log", "error", "--database-url", url, "serve"])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--site-root", "target/site", "--job-lease", "1s"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start custsync"),
    )
}

async fn token_for(db: &Db, channel_id: i64) -> String {
    let token = auth::new_token();
    db.insert_channel_token(
        channel_id,
        &auth::token_hash(&token),
        None,
        to_micros(chrono::Utc::now()),
    )
    .await
    .unwrap();
    token
}

fn batch(prefix: &str) -> OperationBatch {
    OperationBatch {
        operations: (0..5)
            .map(|i| {
                incoming(
                    &format!("{prefix}-{i}"),
                    &guid(),
                    OperationKind::Create,
                    &[("name", "Kari Nordmann")],
                )
            })
            .collect(),
    }
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    body: &OperationBatch,
) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/operations"))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("the server answers even without its database")
}

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn while_postgresql_is_down_channels_get_503_and_everything_recovers_when_it_is_back() {
    let cluster = PgCluster::start();
    let db = Db::connect(&cluster.url(), &PoolSettings::default())
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let shop = retailer(&db).await;
    db.ensure_job_schedules(1).await.unwrap();
    let token = token_for(&db, shop.oslo.id).await;
    let port = free_port();
    let _server = start_instance(&cluster.url(), port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "custsync did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        post(&client, &base, &token, &batch("before"))
            .await
            .status(),
        200
    );

    cluster.stop();
    let down = post(&client, &base, &token, &batch("during")).await;
    assert_eq!(down.status(), 503);
    assert!(
        down.headers().contains_key("retry-after"),
        "{:?}",
        down.headers()
    );
    let body = down.text().await.unwrap();
    assert!(body.contains("\"unavailable\""), "{body}");
    assert!(
        !body.to_lowercase().contains("connection refused"),
        "no driver text: {body}"
    );
    assert_eq!(
        client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    let page = client
        .get(&base)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("The database is not answering"),
        "the page says so"
    );

    cluster.resume();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let response = post(&client, &base, &token, &batch("after")).await;
        if response.status() == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the API did not recover: {}",
            response.status()
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The jobs take up the work without a restart: both batches become customers.
    let db = Db::connect(&cluster.url(), &PoolSettings::default())
        .await
        .unwrap();
    while count(
        &db,
        "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'",
    )
    .await
        < 10
    {
        assert!(Instant::now() < deadline, "the jobs did not recover");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(count(&db, "SELECT COUNT(*) FROM customers").await, 10);
}

#[tokio::test]
async fn while_another_program_locks_the_sqlite_file_channels_get_503_then_it_works_again() {
    let db = fresh_db(Backend::Sqlite).await;
    let shop = retailer(&db).await;
    let token = token_for(&db, shop.oslo.id).await;
    let port = free_port();
    let _server = start_instance(&db.url, port);
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(Instant::now() < deadline, "custsync did not start");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Another program (a backup tool, say) holds an exclusive lock on the file.
    let mut locker = sqlx::SqliteConnection::connect(&db.url).await.unwrap();
    locker.execute("BEGIN EXCLUSIVE").await.unwrap();
    let locked = post(&client, &base, &token, &batch("locked")).await;
    assert_eq!(locked.status(), 503);
    assert!(locked.headers().contains_key("retry-after"));
    locker.execute("COMMIT").await.unwrap();
    drop(locker);

    let response = post(&client, &base, &token, &batch("unlocked")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        count(&db, "SELECT COUNT(*) FROM channel_inbox").await,
        5,
        "nothing half-stored"
    );
}
