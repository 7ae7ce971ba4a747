//! Database outages: while PostgreSQL is down (or the SQLite file is locked by another program)
//! channels get 503 with `Retry-After`, the page says the database is unreachable, and when it
//! is back the API and the jobs recover by themselves — custsync is never restarted.

use std::time::{Duration, Instant};

use app::{
    model::{channel_api::OperationBatch, OperationKind},
    storage::{Db, PoolSettings},
};
use custsync_tests::{
    free_port, fresh_db, guid, incoming, pg_cluster::PgCluster, retailer, scalar, token_for,
    wait_until_serving, Backend, ServerProcess,
};
use sqlx::{Connection, Executor};

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

/// A browser-like client (it keeps cookies) signed in as a new viewer.
async fn signed_in_person(db: &Db, base: &str) -> reqwest::Client {
    let hash = app::access::secrets::hash_password("outage-password-1");
    db.insert_user("kari", &hash, app::model::Role::Viewer, 0)
        .await
        .unwrap();
    let person = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_in = person
        .post(format!("{base}/sign-in"))
        .form(&[("name", "kari"), ("password", "outage-password-1")])
        .send()
        .await
        .unwrap();
    assert!(signed_in.url().path() == "/", "{}", signed_in.url());
    person
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
    let token = token_for(&db, &shop.oslo).await;
    let port = free_port();
    let _server = ServerProcess::start(&cluster.url(), port).allow_database_outage();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    wait_until_serving(port).await;
    // A person signed in before the outage.
    let person = signed_in_person(&db, &base).await;
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
        "the sign-in page says so: {page}"
    );
    let theirs = person.get(&base).send().await.unwrap();
    assert_eq!(theirs.status(), 503, "a signed-in page says so too");
    assert!(theirs.headers().contains_key("retry-after"));
    assert!(theirs
        .text()
        .await
        .unwrap()
        .contains("The database is not answering"));

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
    while scalar(
        &db,
        "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'",
    )
    .await
        < 10
    {
        assert!(Instant::now() < deadline, "the jobs did not recover");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 10);
}

#[tokio::test]
async fn while_another_program_locks_the_sqlite_file_channels_get_503_then_it_works_again() {
    let db = fresh_db(Backend::Sqlite).await;
    let shop = retailer(&db).await;
    let token = token_for(&db, &shop.oslo).await;
    let port = free_port();
    let _server = ServerProcess::start(&db.url, port).allow_database_outage();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    wait_until_serving(port).await;

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
        scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await,
        5,
        "nothing half-stored"
    );
}
