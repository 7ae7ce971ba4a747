//! Storage tests, each run on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).

use app::{
    model::{
        AttributeDefinition, AttributeType, Channel, ChannelKind, LegalEntity, ReferenceKind,
        SyncStatus,
    },
    storage::{
        bulk::Value,
        operations::{OPERATIONS, OPERATION_FIELDS, UPLOAD_SESSIONS},
        Db,
    },
};
use custsync_tests::storage_test;

async fn entity_and_channel(db: &Db) -> Channel {
    db.upsert_legal_entity(&LegalEntity {
        id: "NO01".into(),
        name: "Nordlys Retail AS".into(),
        currency: "NOK".into(),
    })
    .await
    .unwrap();
    db.insert_channel(&Channel {
        id: 0,
        code: "BGO-STS".into(),
        name: "Bergen Storsenter".into(),
        kind: ChannelKind::Store,
        legal_entity_id: "NO01".into(),
        country: "NO".into(),
        default_customer_group: "RETAIL".into(),
        default_currency: "NOK".into(),
        default_language: "nb-NO".into(),
        default_receipt_option: "Print".into(),
    })
    .await
    .unwrap()
}

/// Loads `n` operations of `channel`, one per minute, through the bulk loader.
async fn load_operations(db: &Db, channel: &Channel, n: i64) {
    let mut loader = db.bulk_loader().await.unwrap();
    loader
        .insert(
            UPLOAD_SESSIONS,
            &[vec![
                1.into(),
                channel.id.into(),
                "applied".into(),
                n.into(),
                0.into(),
                0.into(),
            ]],
        )
        .await
        .unwrap();
    let base = 1_764_000_000_000_000_i64;
    let rows: Vec<Vec<Value>> = (1..=n)
        .map(|i| {
            let status = if i % 10 == 0 { "failed" } else { "succeeded" };
            vec![
                i.into(),
                channel.id.into(),
                format!("op-{i}").into(),
                format!("00000000-0000-4000-8000-{i:012}").into(),
                (status == "succeeded").then(|| format!("NO{i:07}")).into(),
                "NO01".into(),
                "create".into(),
                status.into(),
                (base + i * 60_000_000).into(),
                (base + i * 60_000_000).into(),
                (base + i * 60_000_000).into(),
                1.into(),
                0.into(),
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
                Value::Null,
            ]
        })
        .collect();
    loader.insert(OPERATIONS, &rows).await.unwrap();
    let fields: Vec<Vec<Value>> = (1..=n)
        .map(|i| {
            vec![
                i.into(),
                "email".into(),
                Value::Null,
                format!("kunde{i}@example.no").into(),
                (base + i * 60_000_000).into(),
                format!("kunde{i}@example.no").into(),
            ]
        })
        .collect();
    loader.insert(OPERATION_FIELDS, &fields).await.unwrap();
    loader.commit().await.unwrap();
}

storage_test! {
    async fn migrations_can_be_applied_twice(db) {
        db.migrate().await.expect("a second run finds nothing to do");
        assert_eq!(db.count_operations().await.unwrap(), 0);
    }
}

storage_test! {
    async fn an_empty_database_gives_an_empty_first_page_with_zero_counts(db) {
        let page = db.operations_page(None, 50).await.unwrap();
        assert!(page.operations.is_empty());
        assert_eq!(page.next, None);
        let counts = db.status_counts().await.unwrap();
        assert_eq!(counts.len(), SyncStatus::ALL.len());
        assert!(counts.iter().all(|(_, n)| *n == 0));
    }
}

storage_test! {
    async fn pages_walk_every_operation_newest_first_without_gaps_or_repeats(db) {
        let channel = entity_and_channel(&db).await;
        load_operations(&db, &channel, 125).await;
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = db.operations_page(cursor, 50).await.unwrap();
            seen.extend(page.operations.iter().map(|o| o.summary.id));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<i64> = (1..=125).rev().collect();
        assert_eq!(seen, expected);
    }
}

storage_test! {
    async fn a_page_row_carries_the_five_default_columns(db) {
        let channel = entity_and_channel(&db).await;
        load_operations(&db, &channel, 3).await;
        let page = db.operations_page(None, 10).await.unwrap();
        let newest = &page.operations[0].summary;
        assert_eq!(newest.channel_name, "Bergen Storsenter");
        assert_eq!(newest.customer_account.as_deref(), Some("NO0000003"));
        assert_eq!(newest.async_account, "00000000-0000-4000-8000-000000000003");
        assert_eq!(newest.operation_at.timestamp_micros(), 1_764_000_000_000_000 + 3 * 60_000_000);
        assert_eq!(newest.status, SyncStatus::Succeeded);
    }
}

storage_test! {
    async fn status_counts_cover_every_operation(db) {
        let channel = entity_and_channel(&db).await;
        load_operations(&db, &channel, 40).await;
        let counts = db.status_counts().await.unwrap();
        let count = |s: SyncStatus| counts.iter().find(|(x, _)| *x == s).map(|(_, n)| *n).unwrap();
        assert_eq!(count(SyncStatus::Failed), 4);
        assert_eq!(count(SyncStatus::Succeeded), 36);
        assert_eq!(count(SyncStatus::Pending), 0);
    }
}

storage_test! {
    async fn a_failed_bulk_load_leaves_nothing_behind(db) {
        let channel = entity_and_channel(&db).await;
        let mut loader = db.bulk_loader().await.unwrap();
        loader
            .insert(UPLOAD_SESSIONS, &[vec![1.into(), channel.id.into(), "applied".into(), 1.into(), 0.into(), 0.into()]])
            .await
            .unwrap();
        // The same id twice: the second insert fails, and the whole load is abandoned.
        let row = |id: i64| -> Vec<Value> {
            vec![
                id.into(), channel.id.into(), "dup".into(), "g".into(), Value::Null, "NO01".into(),
                "create".into(), "pending".into(), 1.into(), 1.into(), 1.into(), 1.into(), 0.into(),
                Value::Null, Value::Null, Value::Null, Value::Null, Value::Null,
            ]
        };
        let result = loader.insert(OPERATIONS, &[row(1), row(1)]).await;
        assert!(result.is_err());
        drop(loader);
        assert_eq!(db.count_operations().await.unwrap(), 0);
        assert_eq!(db.max_id(UPLOAD_SESSIONS).await.unwrap(), 0);
    }
}

storage_test! {
    async fn explicit_ids_of_a_bulk_load_do_not_collide_with_later_inserts(db) {
        let channel = entity_and_channel(&db).await;
        load_operations(&db, &channel, 5).await;
        // A normal insert after the load gets a fresh id (PostgreSQL's identity was moved on).
        let row = sqlx::query(
            "INSERT INTO upload_sessions (channel_id, status, operation_count, created_at) \
             VALUES ($1, 'uploaded', 0, 0) RETURNING id",
        )
        .bind(channel.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        let id: i64 = sqlx::Row::get(&row, "id");
        assert!(id > 1, "got id {id}");
    }
}

storage_test! {
    async fn the_validation_context_holds_reference_data_and_attribute_definitions(db) {
        entity_and_channel(&db).await;
        db.add_reference_values(ReferenceKind::CustomerGroup, "", &[("RETAIL", "Retail")]).await.unwrap();
        db.add_reference_values(ReferenceKind::TaxGroup, "NO01", &[("MVA25", "25 %")]).await.unwrap();
        db.add_reference_values(ReferenceKind::TaxGroup, "GB01", &[("VAT20", "20 %")]).await.unwrap();
        db.insert_attribute_definition(&AttributeDefinition {
            id: 0,
            legal_entity_id: "NO01".into(),
            name: "shoe_size".into(),
            label_en: "Shoe size".into(),
            label_nb: "Skostørrelse".into(),
            group_name: "Fit".into(),
        group_name_nb: None,
            attribute_type: AttributeType::Decimal { min: Some(30.0), max: Some(50.0), unit: Some("EU".into()) },
            default_value: None,
        })
        .await
        .unwrap();
        let ctx = db.validation_context("NO01").await.unwrap();
        assert!(ctx.references["customer_group"].contains("RETAIL"));
        assert!(ctx.references["tax_group"].contains("MVA25"));
        assert!(!ctx.references["tax_group"].contains("VAT20"), "another legal entity's code");
        assert_eq!(ctx.attributes.len(), 1);
        assert!(app::validate::validate_value("attr:shoe_size", "62", None, &ctx).is_err());
    }
}

storage_test! {
    async fn job_schedules_are_created_once_for_every_job(db) {
        db.ensure_job_schedules(900).await.unwrap();
        db.ensure_job_schedules(60).await.unwrap();
        let schedules = db.job_schedules().await.unwrap();
        assert_eq!(schedules.len(), app::model::JobName::ALL.len());
        assert!(schedules.iter().all(|s| !s.paused));
        // The pipeline's jobs at the interval given first; Retention hourly, whatever it is.
        for s in &schedules {
            let expected = match s.job {
                app::model::JobName::Retention => app::jobs::retention::INTERVAL_SECONDS,
                _ => 900,
            };
            assert_eq!(s.interval_seconds, expected, "{:?}", s.job);
        }
    }
}

storage_test! {
    async fn a_token_notes_its_last_use_to_the_minute_and_stops_working_when_revoked(db) {
        let channel = entity_and_channel(&db).await;
        let minute = app::storage::tokens::LAST_USED_RESOLUTION_MICROS;
        let t0 = 1_764_000_000_000_000_i64;
        db.insert_channel_token(channel.id, "hash-a", None, t0).await.unwrap();
        let last_used = || async {
            custsync_tests::scalar(&db, "SELECT last_used_at FROM channel_tokens").await
        };
        assert_eq!(db.channel_of_token("hash-a", t0).await.unwrap(), Some(channel.id));
        assert_eq!(last_used().await, t0);
        assert_eq!(db.channel_of_token("hash-a", t0 + minute - 1).await.unwrap(), Some(channel.id));
        assert_eq!(last_used().await, t0, "a use within the minute is only read");
        db.channel_of_token("hash-a", t0 + minute).await.unwrap();
        assert_eq!(last_used().await, t0 + minute);
        assert_eq!(db.channel_of_token("hash-b", t0).await.unwrap(), None);
        sqlx::query("UPDATE channel_tokens SET revoked_at = 1")
            .execute(db.pool())
            .await
            .unwrap();
        assert_eq!(db.channel_of_token("hash-a", t0 + 2 * minute).await.unwrap(), None);
    }
}

#[tokio::test]
async fn postgresql_page_reads_use_no_parallel_workers_but_write_transactions_may() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Postgres).await;
    let show = "SHOW max_parallel_workers_per_gather";
    let server_default: String = sqlx::query_scalar(
        "SELECT reset_val FROM pg_settings WHERE name = 'max_parallel_workers_per_gather'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_ne!(
        server_default, "0",
        "the test needs a server that allows them"
    );
    for _ in 0..3 {
        let mut tx = db.begin_write().await.unwrap();
        let workers: String = sqlx::query_scalar(show).fetch_one(&mut *tx).await.unwrap();
        assert_eq!(workers, server_default, "inside a write transaction");
        tx.rollback().await.unwrap();
        let workers: String = sqlx::query_scalar(show).fetch_one(db.pool()).await.unwrap();
        assert_eq!(
            workers, "0",
            "every pooled connection, after a write transaction too"
        );
    }
}

#[tokio::test]
async fn sqlite_copies_its_write_ahead_log_into_the_file_in_the_background() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
    let path = db.sqlite_path().unwrap();
    let file_size = || std::fs::metadata(&path).unwrap().len();
    sqlx::query("CREATE TABLE scratch (payload BLOB)")
        .execute(db.pool())
        .await
        .unwrap();
    let before = file_size();
    // About 2 MB: below SQLite's own checkpoint threshold, so no commit copies it back.
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500) \
         INSERT INTO scratch SELECT randomblob(4000) FROM n",
    )
    .execute(db.pool())
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while file_size() < before + 1_500_000 {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file stayed at {} bytes (was {before})",
            file_size()
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
