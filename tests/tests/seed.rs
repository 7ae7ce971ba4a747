//! The demo generator, on SQLite and PostgreSQL: a realistic retailer whose failures are real
//! validation failures.

use app::{model::SyncStatus, storage::Db};
use custsync_tests::storage_test;
use custsync_tools::seed::{seed_demo, DemoConfig};

fn fixed_now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_764_075_600, 0).unwrap()
}

async fn error_codes(db: &Db) -> Vec<String> {
    let rows = sqlx::query("SELECT DISTINCT error_code FROM operations WHERE status = 'failed'")
        .fetch_all(db.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| sqlx::Row::get::<String, _>(r, "error_code"))
        .collect()
}

storage_test! {
    async fn the_demo_retailer_has_twelve_channels_and_a_realistic_mix_of_statuses(db) {
        let report = seed_demo(&db, &DemoConfig { operations: 3_000, seed: 7, days: 30, now: None }, false).await.unwrap();
        assert_eq!(report.channels, 12);
        assert_eq!(db.count_operations().await.unwrap(), 3_000);
        let counts = db.status_counts().await.unwrap();
        let count = |s: SyncStatus| counts.iter().find(|(x, _)| *x == s).map(|(_, n)| *n).unwrap();
        assert!(count(SyncStatus::Succeeded) > 2_400, "{counts:?}");
        assert!((60..400).contains(&count(SyncStatus::Failed)), "{counts:?}");
        assert!(count(SyncStatus::Waiting) > 0, "{counts:?}");
        assert_eq!(db.count_customers().await.unwrap() as u64, report.customers);
    }
}

storage_test! {
    async fn demo_failures_cover_every_kind_an_admin_must_fix(db) {
        seed_demo(&db, &DemoConfig { operations: 6_000, seed: 2026, days: 30, now: None }, false).await.unwrap();
        let codes = error_codes(&db).await;
        for expected in [
            "invalid_email", "invalid_phone", "too_long", "required", "unknown_reference",
            "not_in_list", "wrong_type", "out_of_range", "duplicate_email", "customer_not_synced",
            "invalid_zip",
        ] {
            assert!(codes.iter().any(|c| c == expected), "no {expected} in {codes:?}");
        }
    }
}

storage_test! {
    async fn every_demo_failure_is_what_validation_says_of_its_fields(db) {
        seed_demo(&db, &DemoConfig { operations: 2_000, seed: 11, days: 10, now: None }, false).await.unwrap();
        let ctx = db.validation_context("NO01").await.unwrap();
        let rows = sqlx::query(
            "SELECT o.id, o.kind, o.error_code, o.error_field FROM operations o \
             WHERE o.status = 'failed' AND o.legal_entity_id = 'NO01' \
             AND o.error_code NOT IN ('duplicate_email', 'customer_not_synced')",
        )
        .fetch_all(db.pool())
        .await
        .unwrap();
        assert!(!rows.is_empty());
        for row in &rows {
            let id: i64 = sqlx::Row::get(row, "id");
            let kind: String = sqlx::Row::get(row, "kind");
            let code: String = sqlx::Row::get(row, "error_code");
            let field: String = sqlx::Row::get(row, "error_field");
            let fields = sqlx::query("SELECT field, old_value, new_value FROM operation_fields WHERE operation_id = $1")
                .bind(id)
                .fetch_all(db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| app::model::OperationField {
                    field: sqlx::Row::get(r, "field"),
                    old_value: sqlx::Row::get(r, "old_value"),
                    new_value: sqlx::Row::get(r, "new_value"),
                })
                .collect::<Vec<_>>();
            let kind = app::model::OperationKind::parse(&kind).unwrap();
            let errors = app::validate::validate_operation(kind, &fields, &ctx);
            let first = errors.first().unwrap_or_else(|| panic!("operation {id} passes validation"));
            assert_eq!((first.code.as_str(), first.field.as_str()), (code.as_str(), field.as_str()), "operation {id}");
        }
    }
}

storage_test! {
    async fn the_same_seed_gives_the_same_customers(db) {
        seed_demo(&db, &DemoConfig { operations: 500, seed: 99, days: 5, now: Some(fixed_now()) }, false).await.unwrap();
        let names = |db: Db| async move {
            sqlx::query("SELECT name FROM customers ORDER BY account")
                .fetch_all(db.pool())
                .await
                .unwrap()
                .iter()
                .map(|r| sqlx::Row::get::<Option<String>, _>(r, "name"))
                .collect::<Vec<_>>()
        };
        let first = names(db.db.clone()).await;
        let other = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
        seed_demo(&other, &DemoConfig { operations: 500, seed: 99, days: 5, now: Some(fixed_now()) }, false).await.unwrap();
        assert_eq!(first, names(other.db.clone()).await);
    }
}

storage_test! {
    async fn seeding_a_database_that_has_data_is_refused(db) {
        seed_demo(&db, &DemoConfig { operations: 100, seed: 1, days: 2, now: None }, false).await.unwrap();
        let error = seed_demo(&db, &DemoConfig::default(), false).await.unwrap_err();
        assert!(error.to_string().contains("already has channels"), "{error}");
        assert_eq!(db.count_operations().await.unwrap(), 100);
    }
}

storage_test! {
    async fn every_demo_failure_was_written_by_a_real_synchronize_run(db) {
        seed_demo(&db, &DemoConfig { operations: 1_500, seed: 5, days: 3, now: None }, false).await.unwrap();
        let scalar = |sql: &'static str| {
            let db = db.db.clone();
            async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await.unwrap() }
        };
        let failed = scalar("SELECT COUNT(*) FROM operations WHERE status = 'failed'").await;
        let outside_runs = scalar(
            "SELECT COUNT(*) FROM operations o WHERE o.status = 'failed' AND NOT EXISTS (\
             SELECT 1 FROM job_runs r WHERE r.job = 'synchronize_customers' AND r.status = 'succeeded' \
             AND o.updated_at BETWEEN r.started_at AND r.finished_at)",
        )
        .await;
        let failed_in_runs = scalar(
            "SELECT CAST(COALESCE(SUM(failed), 0) AS BIGINT) FROM job_runs WHERE job = 'synchronize_customers'",
        )
        .await;
        assert!(failed > 0);
        assert_eq!(outside_runs, 0, "failures not written by a Synchronize run");
        assert!(failed <= failed_in_runs, "{failed} failed, the runs failed {failed_in_runs}");
        assert_eq!(db.unassigned_inbox().await.unwrap(), 0, "every upload is staged");
        let feed = scalar("SELECT COUNT(*) FROM distribution_feed").await;
        assert!(feed >= db.count_customers().await.unwrap(), "1010 distributed every customer");
    }
}
