//! Crash safety with real `custsync` processes, on SQLite and on PostgreSQL: a server is killed
//! (SIGKILL) again and again in the middle of its jobs and started again. In the end no
//! operation is lost or applied twice, no account number is used twice or skipped, and each
//! channel's feed is complete. On PostgreSQL, two instances run the jobs on one database under
//! `simulate` load: every async customer becomes exactly one customer.

use std::time::{Duration, Instant};

use app::{
    model::{channel_api::IncomingOperation, OperationKind},
    storage::Db,
};
use custsync_tests::{
    free_port, fresh_db, guid, incoming, receive, retailer, scalar, storage_test,
    wait_until_serving, Backend, ServerProcess,
};
use sqlx::Row;

/// A few failed operations' errors, to say why a run went wrong.
async fn failures(db: &Db) -> Vec<String> {
    sqlx::query(
        "SELECT error_code, error_field, error_message FROM operations WHERE status = 'failed' LIMIT 3",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        format!(
            "{:?} {:?} {:?}",
            r.get::<Option<String>, _>(0),
            r.get::<Option<String>, _>(1),
            r.get::<Option<String>, _>(2)
        )
    })
    .collect()
}

/// Whether the pipeline has nothing left to do.
async fn settled(db: &Db, expected_operations: i64) -> bool {
    db.unassigned_inbox().await.unwrap() == 0
        && scalar(db, "SELECT COUNT(*) FROM operations").await == expected_operations
        && scalar(
            db,
            "SELECT COUNT(*) FROM operations WHERE status IN ('pending', 'waiting')",
        )
        .await
            == 0
        && db.undistributed_changes().await.unwrap() == 0
}

/// Waits (at most 10 s) until a job run started after run `after` is recorded as running.
async fn job_under_way(db: &Db, after: i64) {
    let running =
        format!("SELECT COUNT(*) FROM job_runs WHERE status = 'running' AND id > {after}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline && scalar(db, &running).await == 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A pseudo-random pause from the clock's nanoseconds: each run kills at other moments.
fn random_pause(min_ms: u64, spread_ms: u64) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    Duration::from_millis(min_ms + nanos % spread_ms)
}

/// `n` valid creates and an edit of every third, for one channel.
fn workload(prefix: &str, n: usize) -> (Vec<IncomingOperation>, usize) {
    let mut ops = Vec::new();
    let mut edits = 0;
    for i in 0..n {
        let account = guid();
        let email = format!("{prefix}.{i}@example.no");
        ops.push(incoming(
            &format!("{prefix}-c{i}"),
            &account,
            OperationKind::Create,
            &[("name", &format!("Kunde {prefix} {i}")), ("email", &email)],
        ));
        if i % 3 == 0 {
            ops.push(incoming(
                &format!("{prefix}-e{i}"),
                &account,
                OperationKind::Update,
                &[("cellular_phone", "+47 912 34 567")],
            ));
            edits += 1;
        }
    }
    (ops, edits)
}

storage_test! {
    async fn killing_the_server_mid_job_loses_nothing_and_applies_nothing_twice(db) {
        let shop = retailer(&db).await;
        db.ensure_job_schedules(1).await.unwrap();
        let mut creates = 0;
        let mut edits = 0;
        for (channel, prefix) in [(&shop.oslo, "osl"), (&shop.bergen, "bgo"), (&shop.london, "lon")] {
            let (ops, e) = workload(prefix, 1_200);
            for chunk in ops.chunks(1_000) {
                receive(&db, channel, chunk).await;
            }
            creates += 1_200;
            edits += e;
        }
        let total = (creates + edits) as i64;

        // Kill the server at random moments until the work is done.
        let mut kills = 0;
        let deadline = Instant::now() + Duration::from_secs(180);
        while !settled(&db, total).await {
            assert!(
                Instant::now() < deadline,
                "the pipeline did not finish after {kills} kills; failures: {:?}",
                failures(&db).await
            );
            let runs_before = scalar(&db, "SELECT COALESCE(MAX(id), 0) FROM job_runs").await;
            let mut server = ServerProcess::start(&db.url, free_port()).allow_errors("job run failed");
            // Kill while a job runs: wait until this server has one under way (a fixed pause
            // missed them once the pipeline got faster), then a random moment into it.
            job_under_way(&db, runs_before).await;
            tokio::time::sleep(random_pause(100, 1_100)).await;
            server.kill();
            kills += 1;
        }
        let cut_off = scalar(
            &db,
            "SELECT COUNT(*) FROM job_runs WHERE status = 'failed' AND error LIKE 'The instance running it stopped%'",
        )
        .await;
        assert!(cut_off >= 2, "only {cut_off} of {kills} kills hit a running job");

        // Every received operation staged once and applied once.
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, total);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'").await, total);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM (SELECT channel_id, channel_operation_id FROM operations \
                         GROUP BY channel_id, channel_operation_id HAVING COUNT(*) > 1) d").await,
            0
        );
        // One customer per async account, every edit applied exactly once.
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, creates as i64);
        assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT async_account) FROM customers").await, creates as i64);
        assert_eq!(
            scalar(&db, "SELECT CAST(SUM(version) AS BIGINT) FROM customers").await,
            total,
            "each customer's version is 1 + its edits"
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM customer_changes WHERE change = 'updated'").await,
            edits as i64
        );
        // No account number used twice (each customer's is below the sequence's next value,
        // and accounts are unique). PostgreSQL takes numbers in a short transaction of their
        // own, so a killed batch leaves a gap there, as number sequences of an ERP may; SQLite
        // takes them inside the batch, so there is none.
        for (entity, customers) in [("NO01", 2_400_i64), ("GB01", 1_200)] {
            let sequence = db.number_sequence(entity).await.unwrap().unwrap();
            let highest: i64 = sqlx::query_scalar::<_, String>(
                "SELECT MAX(account) FROM customers WHERE legal_entity_id = $1",
            )
            .bind(entity)
            .fetch_one(db.pool())
            .await
            .unwrap()[2..]
                .parse()
                .unwrap();
            assert!(highest < sequence.next_value, "{entity}: {highest} was handed out again");
            match db.backend() {
                app::storage::Backend::Sqlite => {
                    assert_eq!(sequence.next_value, 1 + customers, "{entity}'s sequence has a gap");
                }
                app::storage::Backend::Postgres => {
                    assert!(sequence.next_value > customers, "{entity}'s sequence");
                }
            }
        }
        // Each channel's feed has every customer of its legal entity, once.
        for (channel, customers) in [(&shop.oslo, 2_400_usize), (&shop.london, 1_200)] {
            let mut accounts = std::collections::BTreeSet::new();
            let mut after = None;
            loop {
                let page = db.feed_page(channel.id, after, 1_000).await.unwrap();
                for customer in &page.customers {
                    accounts.insert(customer.account.clone());
                }
                after = Some(page.next_cursor);
                if !page.has_more {
                    break;
                }
            }
            assert_eq!(accounts.len(), customers, "{}'s feed", channel.code);
        }
    }
}

#[tokio::test]
async fn two_instances_on_one_postgresql_under_simulated_load_make_each_async_customer_once() {
    let db = fresh_db(Backend::Postgres).await;
    custsync_tools::seed::seed_demo(
        &db,
        &custsync_tools::seed::DemoConfig {
            operations: 200,
            seed: 3,
            days: 1,
            now: None,
        },
        false,
    )
    .await
    .unwrap();
    sqlx::query("UPDATE job_schedules SET interval_seconds = 1, next_run_at = 0")
        .execute(db.pool())
        .await
        .unwrap();
    let ports = [free_port(), free_port()];
    let mut instances: Vec<ServerProcess> = ports
        .iter()
        .map(|p| ServerProcess::start(&db.url, *p).allow_errors("job run failed"))
        .collect();
    for port in ports {
        wait_until_serving(port).await;
    }

    // Channels post to both instances at once.
    let load = ports.map(|port| {
        let db = db.db.clone();
        tokio::spawn(async move {
            let config = custsync_tools::simulate::SimulateConfig {
                url: format!("http://127.0.0.1:{port}"),
                channels: 4,
                rate: 150.0,
                duration: Duration::from_secs(4),
                batch: 10,
                mistake_rate: 0.1,
                seed: u64::from(port),
                settle: Duration::ZERO,
            };
            custsync_tools::simulate::run(&db, &config).await.unwrap()
        })
    });
    let mut sent = 0;
    for report in load {
        let report = report.await.unwrap();
        assert_eq!(report.totals.rejected_batches, 0, "{report}");
        sent += report.totals.operations;
    }
    assert!(sent > 500, "only {sent} operations sent");

    let deadline = Instant::now() + Duration::from_secs(120);
    let total = scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await;
    while !(db.unassigned_inbox().await.unwrap() == 0
        && scalar(&db, "SELECT COUNT(*) FROM operations").await == total
        && scalar(
            &db,
            "SELECT COUNT(*) FROM operations WHERE status = 'pending'",
        )
        .await
            == 0)
    {
        assert!(
            Instant::now() < deadline,
            "the two instances did not settle the load"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    for instance in &mut instances {
        instance.kill();
    }

    let instances_that_ran: i64 = scalar(
        &db,
        "SELECT COUNT(DISTINCT instance) FROM job_runs WHERE instance <> 'seed-demo'",
    )
    .await;
    assert_eq!(instances_that_ran, 2, "both instances took job runs");
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM (SELECT async_account FROM customers \
                     GROUP BY async_account HAVING COUNT(*) > 1) d"
        )
        .await,
        0,
        "an async customer became two customers"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM operations WHERE kind = 'create' AND status = 'succeeded'"
        )
        .await,
        scalar(&db, "SELECT COUNT(*) FROM customers").await,
        "each succeeded create made exactly one customer"
    );
    assert_eq!(
        scalar(
            &db,
            "SELECT COUNT(*) FROM (SELECT channel_id, channel_operation_id FROM operations \
                     GROUP BY channel_id, channel_operation_id HAVING COUNT(*) > 1) d"
        )
        .await,
        0,
        "an operation was staged twice"
    );
}
