//! Crash safety with real `custsync` processes, on SQLite and on PostgreSQL: a server is killed
//! (SIGKILL) again and again in the middle of its jobs and started again. In the end no
//! operation is lost or applied twice, no account number is used twice or skipped, and each
//! channel's feed is complete; a bulk correction killed the same way changes every operation
//! once and its counts add up. On PostgreSQL, two instances run the jobs on one database under
//! `simulate` load: every async customer becomes exactly one customer.

use std::time::{Duration, Instant};

use app::{
    bulk_runs,
    model::{channel_api::IncomingOperation, OperationKind, Role, SignedIn},
    storage::{to_micros, Db},
};
use custsync_tests::{
    doubled_at_creates, doubled_at_fix, free_port, fresh_db, guid, incoming, receive, retailer,
    run_pipeline, scalar, storage_test, wait_until_serving, Backend, ServerProcess,
    DOUBLED_AT_FAILURES,
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
            // missed them once the pipeline got faster), then a random moment into it: within
            // 420 ms, as a run of this workload is short (up to 1.2 s, one kill in five landed
            // after its run and the check below of two hit runs failed).
            job_under_way(&db, runs_before).await;
            tokio::time::sleep(random_pause(20, 400)).await;
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

/// A bulk run's row: (status, selected, done, changed, skipped, passed).
async fn bulk_progress(db: &Db, run: i64) -> (String, i64, i64, i64, i64, i64) {
    let row = sqlx::query(
        "SELECT status, selected, done, changed, skipped, passed FROM bulk_runs WHERE id = $1",
    )
    .bind(run)
    .fetch_one(db.pool())
    .await
    .unwrap();
    (
        row.get(0),
        row.get(1),
        row.get(2),
        row.get(3),
        row.get(4),
        row.get(5),
    )
}

storage_test! {
    async fn killing_the_server_mid_bulk_run_changes_every_operation_once_and_the_counts_add_up(db) {
        const FAILED: i64 = 4_000;
        let shop = retailer(&db).await;
        receive(&db, &shop.oslo, &doubled_at_creates("o", FAILED as usize)).await;
        run_pipeline(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'failed'").await, FAILED);
        db.ensure_job_schedules(1).await.unwrap();
        let operator = SignedIn { id: 1, name: "kari".into(), role: Role::Operator };
        let now = to_micros(chrono::Utc::now());
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now).await.unwrap();
        let run = bulk_runs::confirm(&db, &operator, preview.run_id, true, now).await.unwrap().id;

        // Kill the server at random moments after the run has moved on, until it is finished.
        let (mut kills, mut mid_run) = (0, 0);
        let deadline = Instant::now() + Duration::from_secs(180);
        loop {
            let (status, selected, done, ..) = bulk_progress(&db, run).await;
            if status == "finished" {
                break;
            }
            assert!(Instant::now() < deadline, "the bulk run did not finish after {kills} kills: {done} of {selected} done");
            let mut server = ServerProcess::start(&db.url, free_port());
            let moved_on = Instant::now() + Duration::from_secs(20);
            // Moved on: a chunk more done, or (all done) finished.
            while matches!(bulk_progress(&db, run).await, (s, _, d, ..) if s == status && d == done) {
                assert!(Instant::now() < moved_on, "the run did not move on in 20 s; the server's log:\n{}", server.log());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            tokio::time::sleep(random_pause(0, 400)).await;
            server.kill();
            kills += 1;
            let (status, selected, done, ..) = bulk_progress(&db, run).await;
            if status == "running" && done > 0 && done < selected {
                mid_run += 1;
            }
        }
        assert!(mid_run >= 2, "only {mid_run} of {kills} kills hit the run in the middle");
        eprintln!("{kills} kills, {mid_run} in the middle of the run");

        // Every selected operation changed once: one correction and one Synchronize line each,
        // its value mended once, each a customer once; the counts add up.
        let (_, selected, done, changed, skipped, passed) = bulk_progress(&db, run).await;
        assert_eq!((selected, done, changed, skipped, passed), (FAILED, FAILED, FAILED, 0, FAILED));
        for action in ["correct", "synchronize"] {
            let lines = format!(
                "SELECT COUNT(*) FROM change_log WHERE bulk_run_id = {run} AND action = '{action}'"
            );
            assert_eq!(scalar(&db, &lines).await, FAILED, "{action} lines");
            let operations = format!(
                "SELECT COUNT(DISTINCT operation_id) FROM change_log WHERE bulk_run_id = {run} AND action = '{action}'"
            );
            assert_eq!(scalar(&db, &operations).await, FAILED, "operations with {action} lines");
        }
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM bulk_run_items WHERE outcome IS NULL").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'succeeded'").await, FAILED);
        assert_eq!(
            scalar(&db, "SELECT COUNT(DISTINCT version) FROM operations").await,
            1,
            "each went through the same changes, once"
        );
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM operation_fields WHERE field = 'receipt_email' AND new_value LIKE '%@@%'").await,
            0
        );
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, FAILED);
        assert_eq!(scalar(&db, "SELECT COUNT(DISTINCT receipt_email) FROM customers").await, FAILED);
        assert_eq!(
            scalar(&db, "SELECT CAST(COALESCE(SUM(uses), 0) AS BIGINT) FROM field_values WHERE field = 'receipt_email'").await,
            FAILED,
            "the value dictionary counts each mended value once and the doubled ones no more"
        );
        let failures = db.failure_groups(&Default::default()).await.unwrap();
        assert_eq!(failures.total, 0, "no failure is counted any more: {:?}", failures.groups);
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
