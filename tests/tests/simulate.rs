//! `custsync-tools simulate` against a real server on a loopback port: stores and a web shop create
//! and edit customers over the channel API, the jobs settle them, the channels map their GUIDs.

use std::time::Duration;

use app::jobs::{self, Jobs};
use app::model::{JobName, JobTrigger};
use custsync_tests::storage_test;
use custsync_tools::{
    seed::{seed_demo, DemoConfig},
    simulate::{self, SimulateConfig},
};
use sqlx::Row;

async fn serve(db: &app::storage::Db) -> String {
    let options = server::startup::leptos_options("target/site", "127.0.0.1:0".parse().unwrap());
    let router = server::startup::router(db.clone(), options, &Default::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

storage_test! {
    async fn simulated_channels_post_operations_the_jobs_settle_and_the_feed_maps(db) {
        seed_demo(&db, &DemoConfig { operations: 40, seed: 1, days: 1, now: None }, false).await.unwrap();
        let url = serve(&db).await;
        let config = SimulateConfig {
            url,
            channels: 3,
            rate: 60.0,
            duration: Duration::from_millis(1_500),
            batch: 10,
            mistake_rate: 0.3,
            seed: 11,
            settle: Duration::ZERO,
        };
        let sent = simulate::run(&db, &config).await.unwrap();
        assert_eq!(sent.totals.rejected_batches, 0, "{sent}");
        assert!(sent.totals.operations >= 30, "{sent}");
        let inbox: i64 = sqlx::query("SELECT COUNT(*) FROM channel_inbox WHERE channel_operation_id LIKE 'sim-%'")
            .fetch_one(db.pool()).await.unwrap().get(0);
        assert_eq!(inbox as u64, sent.totals.operations, "every operation stored once");

        let mut jobs = Jobs::new(db.db.clone(), "test".into());
        for job in JobName::ALL {
            jobs::execute(&mut jobs, *job, JobTrigger::RunNow, false).await.unwrap();
        }
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM operations o JOIN channel_inbox i \
             ON i.channel_id = o.channel_id AND i.channel_operation_id = o.channel_operation_id \
             GROUP BY status",
        )
        .fetch_all(db.pool()).await.unwrap();
        let count = |status: &str| rows.iter()
            .find(|r| r.get::<String, _>("status") == status)
            .map_or(0, |r| r.get::<i64, _>("n"));
        assert!(count("succeeded") > 0 && count("failed") > 0, "a mix of outcomes");
        assert_eq!(count("pending"), 0, "the jobs settled everything due");

        // The channels' new customers are in the feed with their GUIDs and real accounts.
        let mapped: i64 = sqlx::query(
            "SELECT COUNT(DISTINCT f.async_account) FROM distribution_feed f JOIN operations o \
             ON o.async_account = f.async_account AND o.kind = 'create' \
             JOIN channel_inbox i ON i.channel_id = o.channel_id \
             AND i.channel_operation_id = o.channel_operation_id",
        )
        .fetch_one(db.pool()).await.unwrap().get(0);
        assert_eq!(mapped, count_creates_succeeded(&db).await);
    }
}

async fn count_creates_succeeded(db: &app::storage::Db) -> i64 {
    sqlx::query(
        "SELECT COUNT(*) FROM operations o JOIN channel_inbox i ON i.channel_id = o.channel_id \
         AND i.channel_operation_id = o.channel_operation_id \
         WHERE o.kind = 'create' AND o.status = 'succeeded'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap()
    .get(0)
}
