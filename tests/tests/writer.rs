//! SQLite's one writer, shared by the jobs and the channels: a job's batch must not keep a
//! channel's waiting write behind a whole batch.

use std::{
    collections::BTreeSet,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
};

use app::jobs::{
    self,
    synchronize::{Synchronize, BATCH, SHARED_BATCH},
};
use custsync_tests::{fresh_db, plain_creates, receive, retailer, scalar, Backend};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_a_channel_waits_to_write_the_synchronize_job_settles_in_short_transactions() {
    let db = fresh_db(Backend::Sqlite).await;
    let shop = retailer(&db).await;
    let ops = plain_creates("w", 2 * BATCH);
    receive(&db, &shop.oslo, &ops).await;
    while jobs::p_job::run_once(&db).await.unwrap().more {}

    // A channel that always has a write waiting for the writer; inside each, it notes how many
    // operations have succeeded so far, which shows where the job's transactions ended.
    let stop = Arc::new(AtomicBool::new(false));
    let channel = tokio::spawn({
        let (db, stop) = ((*db).clone(), stop.clone());
        async move {
            let mut seen = BTreeSet::new();
            while !stop.load(Ordering::Relaxed) {
                let mut tx = db.begin_write().await.unwrap();
                let succeeded: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'",
                )
                .fetch_one(&mut *tx)
                .await
                .unwrap();
                tx.commit().await.unwrap();
                seen.insert(succeeded);
            }
            seen
        }
    });

    let mut sync = Synchronize::new((*db).clone());
    // The first batch goes whole: nobody was seen waiting before it.
    assert_eq!(sync.run_once(None).await.unwrap().succeeded, BATCH);
    let second = sync.run_once(None).await.unwrap();
    stop.store(true, Ordering::Relaxed);
    let seen = channel.await.unwrap();

    assert_eq!(
        second.succeeded, BATCH,
        "the whole batch is still settled in the step"
    );
    let inside: Vec<i64> = seen.range(BATCH + 1..2 * BATCH).copied().collect();
    let expected: Vec<i64> = (1..BATCH / SHARED_BATCH as i64)
        .map(|k| BATCH + k * SHARED_BATCH as i64)
        .collect();
    assert_eq!(
        inside, expected,
        "the channel wrote between transactions of {SHARED_BATCH}"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM operations WHERE status <> 'succeeded'"
        )
        .await,
        0
    );
}
