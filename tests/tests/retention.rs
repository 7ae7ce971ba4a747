//! Retention on SQLite and PostgreSQL: the Retention job removes Succeeded operations settled
//! before the retention period with their fields, inbox payloads and emptied upload sessions;
//! keeps every operation still waiting for something; keeps the change log's who, when and
//! what without the values; leaves the status counts and the value dictionary true; removes
//! feed entries only once every channel of their legal entity has read them; and drops old
//! export filters from the audit log.

use app::{
    functions::corrections::plain,
    jobs::{execute, retention, Jobs},
    model::{
        Correction, JobName, JobTrigger, OperationKind, Role, SaveOutcome, SignedIn, SyncStatus,
    },
    storage::{retention::FILTER_REMOVED, to_micros, Db},
};
use custsync_tests::{
    guid, incoming, receive, retailer, run_pipeline, scalar, status_of, storage_test,
};
use sqlx::Row;

/// A time `days` days ago.
fn days_ago(days: i64) -> i64 {
    to_micros(chrono::Utc::now() - chrono::Duration::days(days))
}

/// Makes the operations of `async_account` `days` old (their time and last change).
async fn age(db: &Db, async_account: &str, days: i64) {
    sqlx::query(
        "UPDATE operations SET operation_at = $1, updated_at = $1 WHERE async_account = $2",
    )
    .bind(days_ago(days))
    .bind(async_account)
    .execute(db.pool())
    .await
    .unwrap();
}

/// Runs the Retention job (period: 90 days) to the end, as the scheduler does.
async fn run_retention(db: &Db) {
    let mut jobs = Jobs::new(db.clone(), "retention-test".into());
    execute(&mut jobs, JobName::Retention, JobTrigger::RunNow, false)
        .await
        .unwrap();
}

/// Every status's count as the counters say, and as the operations are.
async fn counts_agree(db: &Db) {
    let counted = db.status_counts().await.unwrap();
    for (status, n) in counted {
        let real = scalar(
            db,
            &format!(
                "SELECT COUNT(*) FROM operations WHERE status = '{}'",
                status.as_str()
            ),
        )
        .await;
        assert_eq!(n, real, "{status:?}");
    }
    // The value dictionary counts each value as often as the operations carry it.
    let wrong = scalar(db,
        "SELECT COUNT(*) FROM field_values d WHERE d.uses <> (SELECT COUNT(*) FROM operation_fields f \
         WHERE f.field = d.field AND f.value_key = d.value_key)").await;
    assert_eq!(wrong, 0, "field_values disagrees with operation_fields");
}

storage_test! {
    async fn old_succeeded_operations_go_with_their_values_and_everything_unfinished_stays(db) {
        let shop = retailer(&db).await;
        let (kari, ola, per, dup) = (guid(), guid(), guid(), guid());
        let create = |id: &str, guid: &str, name: &str, email: &str, receipt: &str| incoming(id, guid, OperationKind::Create, &[
            ("name", name), ("email", email), ("street", "Kariveien 1"), ("zip", "5013"),
            ("city", "Bergen"), ("country", "NO"), ("receipt_option", "Email"), ("receipt_email", receipt),
        ]);
        // Kari: a create corrected by a person, then an edit; all long ago.
        receive(&db, &shop.oslo, &[create("k-1", &kari, "Kari Gammel", "kari.gammel@example.no", "kari@@example.no")]).await;
        run_pipeline(&db).await;
        let kari_create = db.async_customer_history(&kari).await.unwrap()[0].id;
        let version = db.operation_state(kari_create).await.unwrap().unwrap().version;
        let operator = SignedIn { id: 1, name: "retention-operator".into(), role: Role::Operator };
        let correction = Correction {
            operation_id: kari_create,
            version,
            values: [("receipt_email".to_owned(), "kari.gammel@example.no".to_owned())].into(),
            reason: Some("Kari Gammel said so at the till".into()),
            synchronize: true,
        };
        let saved = plain::save(&db, &operator, &correction, to_micros(chrono::Utc::now())).await.unwrap();
        assert!(matches!(saved, SaveOutcome::Saved(_)));
        receive(&db, &shop.oslo, &[incoming("k-2", &kari, OperationKind::Update, &[("street", "Gamlegata 9")])]).await;
        // Ola: a create that failed and an edit waiting behind it, long ago.
        receive(&db, &shop.oslo, &[
            create("o-1", &ola, "Ola Venter", "ola.venter@example.no", "ola@@example.no"),
            incoming("o-2", &ola, OperationKind::Update, &[("street", "Ventegata 2")]),
        ]).await;
        // A possible duplicate of Kari, long ago; Per, yesterday.
        receive(&db, &shop.bergen, &[incoming("d-1", &dup, OperationKind::Create, &[("name", "K. G."), ("email", "kari.gammel@example.no")])]).await;
        receive(&db, &shop.bergen, &[create("p-1", &per, "Per Ny", "per.ny@example.no", "per.ny@example.no")]).await;
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 2]);
        assert_eq!(status_of(&db, &ola).await, [SyncStatus::Failed, SyncStatus::Waiting]);
        assert_eq!(status_of(&db, &dup).await, [SyncStatus::PossibleDuplicate]);
        assert_eq!(status_of(&db, &per).await, [SyncStatus::Succeeded]);
        for old in [&kari, &ola, &dup] {
            age(&db, old, 120).await;
        }
        age(&db, &per, 1).await;
        let sessions_before = scalar(&db, "SELECT COUNT(*) FROM upload_sessions").await;

        run_retention(&db).await;

        // Kari's operations are gone, with their fields and inbox payloads; the rest stay.
        assert_eq!(status_of(&db, &kari).await, []);
        assert_eq!(status_of(&db, &ola).await, [SyncStatus::Failed, SyncStatus::Waiting]);
        assert_eq!(status_of(&db, &dup).await, [SyncStatus::PossibleDuplicate]);
        assert_eq!(status_of(&db, &per).await, [SyncStatus::Succeeded]);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox WHERE channel_operation_id LIKE 'k-%'").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM channel_inbox").await, 4);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operation_fields f LEFT JOIN operations o ON o.id = f.operation_id WHERE o.id IS NULL").await, 0);
        let sessions_after = scalar(&db, "SELECT COUNT(*) FROM upload_sessions").await;
        assert!(sessions_after < sessions_before, "Kari's emptied sessions went: {sessions_before} → {sessions_after}");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM upload_sessions s WHERE NOT EXISTS (SELECT 1 FROM operations o WHERE o.upload_session_id = s.id)").await, 0);
        // The customer master keeps Kari (retention is about the operations' copies).
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers WHERE name = 'Kari Gammel'").await, 1);
        // The change log keeps who corrected which field, and when; not the values or the reason.
        let line = sqlx::query("SELECT actor, action, field, before_value, after_value, reason, operation_id FROM change_log WHERE action = 'correct'")
            .fetch_one(db.pool()).await.unwrap();
        assert_eq!((line.get::<String, _>("actor"), line.get::<String, _>("field")), ("retention-operator".to_owned(), "receipt_email".to_owned()));
        for column in ["before_value", "after_value", "reason"] {
            assert_eq!(line.get::<Option<String>, _>(column), None, "{column}");
        }
        assert_eq!(line.get::<Option<i64>, _>("operation_id"), None);
        // Counts and the value dictionary are true; values only Kari's operations held are gone.
        counts_agree(&db).await;
        for gone in ["gamlegata 9", "kari@@example.no"] {
            assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM field_values WHERE value_key = '{gone}'")).await, 0, "{gone}");
        }
        // Nothing more to do: a second run removes nothing.
        let left = scalar(&db, "SELECT COUNT(*) FROM operations").await;
        run_retention(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations").await, left);
    }
}

storage_test! {
    async fn a_run_with_more_than_a_batch_to_remove_removes_it_all_and_the_contains_search_still_finds_what_stays(db) {
        let shop = retailer(&db).await;
        // More old creates than one step removes, each in an upload of its own (the value
        // dictionary's trigram index grows by a b-tree per upload on SQLite), and one recent.
        let old = (0..retention::BATCH + 10).map(|_| guid()).collect::<Vec<_>>();
        for (i, account) in old.iter().enumerate() {
            let email = format!("gammel.{i}@example.no");
            receive(&db, &shop.oslo, &[incoming(&format!("g-{i}"), account, OperationKind::Create, &[
                ("name", &format!("Gammel Kunde {i}")), ("email", &email), ("street", "Gamleveien 1"),
                ("zip", "5013"), ("city", "Bergen"), ("country", "NO"), ("receipt_option", "Email"),
                ("receipt_email", &email),
            ])]).await;
        }
        let recent = guid();
        receive(&db, &shop.oslo, &[incoming("ny-1", &recent, OperationKind::Create, &[
            ("name", "Nyere Kunde"), ("email", "nyere.kunde@example.no"), ("street", "Nyveien 2"),
            ("zip", "5013"), ("city", "Bergen"), ("country", "NO"), ("receipt_option", "Email"),
            ("receipt_email", "nyere.kunde@example.no"),
        ])]).await;
        run_pipeline(&db).await;
        for account in &old {
            age(&db, account, 120).await;
        }

        run_retention(&db).await;

        for account in &old {
            assert_eq!(status_of(&db, account).await, [], "{account}");
        }
        assert_eq!(status_of(&db, &recent).await, [SyncStatus::Succeeded]);
        counts_agree(&db).await;
        let found = db.values_containing("email", "nyere.kunde").await.unwrap();
        assert_eq!(found, Some(vec![("nyere.kunde@example.no".to_owned(), 1)]));
        let gone = db.values_containing("email", "gammel.1").await.unwrap();
        assert_eq!(gone, Some(vec![]));
        // The index was merged into one b-tree (SQLite): nothing is left to merge.
        assert!(!db.merge_value_index(100, true).await.unwrap());
    }
}

storage_test! {
    async fn feed_entries_go_only_once_every_channel_of_their_legal_entity_has_read_them(db) {
        let shop = retailer(&db).await;
        for (channel, id) in [(&shop.oslo, "n-1"), (&shop.london, "l-1")] {
            let customer = guid();
            receive(&db, channel, &[incoming(id, &customer, OperationKind::Create, &[("name", "Feed Kunde")])]).await;
        }
        run_pipeline(&db).await;
        sqlx::query("UPDATE distribution_feed SET created_at = $1").bind(days_ago(120)).execute(db.pool()).await.unwrap();
        sqlx::query("UPDATE customer_changes SET changed_at = $1").bind(days_ago(120)).execute(db.pool()).await.unwrap();
        let end = scalar(&db, "SELECT MAX(id) FROM distribution_feed").await;
        // Oslo has read everything, Bergen nothing: NO01's entries stay.
        db.ack_feed(shop.oslo.id, end, to_micros(chrono::Utc::now())).await.unwrap();
        run_retention(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM distribution_feed").await, 2);
        // Once Bergen and London have read them too, they go; the distributed changes with them.
        db.ack_feed(shop.bergen.id, end, to_micros(chrono::Utc::now())).await.unwrap();
        run_retention(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM distribution_feed WHERE legal_entity_id = 'NO01'").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM distribution_feed WHERE legal_entity_id = 'GB01'").await, 1);
        db.ack_feed(shop.london.id, end, to_micros(chrono::Utc::now())).await.unwrap();
        run_retention(&db).await;
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM distribution_feed").await, 0);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customer_changes").await, 0);
        // A channel reading on finds nothing missing: its cursor stays where it was.
        let page = db.feed_page(shop.oslo.id, None, 100).await.unwrap();
        assert!(page.customers.is_empty());
    }
}

storage_test! {
    async fn old_export_lines_of_the_audit_log_lose_their_filter_but_say_who_and_how_many(db) {
        let now = to_micros(chrono::Utc::now());
        db.audit("anne", "export", "12 rows · name contains \"kari gammel\"", days_ago(120)).await.unwrap();
        db.audit("anne", "export", "3 rows · email contains \"per\"", now).await.unwrap();
        db.audit("anne", "sign_in", "", days_ago(120)).await.unwrap();
        run_retention(&db).await;
        let subjects: Vec<String> = sqlx::query("SELECT subject FROM audit_log WHERE action = 'export' ORDER BY at")
            .fetch_all(db.pool()).await.unwrap()
            .iter().map(|r| r.get("subject")).collect();
        assert_eq!(subjects, [format!("12 rows {FILTER_REMOVED}"), "3 rows · email contains \"per\"".to_owned()]);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM audit_log").await, 3);
    }
}

storage_test! {
    async fn the_jobs_panel_lists_retention_with_its_hourly_schedule(db) {
        db.ensure_job_schedules(60).await.unwrap();
        let schedules = db.job_schedules().await.unwrap();
        let retention_schedule = schedules.iter().find(|s| s.job == JobName::Retention).unwrap();
        assert_eq!(retention_schedule.interval_seconds, retention::INTERVAL_SECONDS);
        assert!(schedules.iter().any(|s| s.job == JobName::Distribution && s.interval_seconds == 60));
        run_retention(&db).await;
        let runs = db.job_runs(JobName::Retention, 5).await.unwrap();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].error, None);
    }
}
