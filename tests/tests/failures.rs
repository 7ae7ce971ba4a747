//! Failures grouped by cause on SQLite and PostgreSQL: what is and is not the same cause, the
//! counters per channel and day as operations fail, are held for correcting and are corrected,
//! the list's `error=` filter, and the key migration 0014 computes for older failures.

use app::{
    functions::{corrections::plain, failures::groups, operations::list},
    model::{
        failure_group::FailureGroupSummary, Correction, OperationFilter, OperationKind, Role,
        SaveOutcome, SignedIn,
    },
    storage::{to_micros, Db},
    AppError,
};
use chrono::{Duration, Utc};
use custsync_tests::{guid, incoming, receive, retailer, run_pipeline, scalar, storage_test};

const RECEIPT_EMAIL: &str = "invalid_email.receipt_email.invalid_email";
const PHONE: &str = "invalid_phone.phone.invalid_phone";

/// Oslo sends five creates with broken receipt emails (two of them three days ago) and two with
/// broken phones; Bergen three with broken receipt emails and one with a broken (main) email;
/// one create of each is fine. Every value differs.
async fn broken_creates(db: &Db) -> custsync_tests::Retailer {
    let shop = retailer(db).await;
    let create = |id: String, field: &str, value: String, days_ago: i64| {
        let mut op = incoming(
            &id,
            &guid(),
            OperationKind::Create,
            &[
                ("name", "Kunde"),
                ("receipt_option", "Email"),
                (field, &value),
            ],
        );
        op.operation_at = Utc::now() - Duration::days(days_ago);
        op
    };
    let mut oslo: Vec<_> = (0..5)
        .map(|i| {
            let days_ago = if i < 2 { 3 } else { 0 };
            create(
                format!("o-{i}"),
                "receipt_email",
                format!("kunde{i}@@example.no"),
                days_ago,
            )
        })
        .collect();
    oslo.push(create("o-p1".into(), "phone", "ring meg".into(), 0));
    oslo.push(create("o-p2".into(), "phone", "22 33 44 5x".into(), 0));
    oslo.push(create(
        "o-ok".into(),
        "receipt_email",
        "ok@example.no".into(),
        0,
    ));
    let mut bergen: Vec<_> = (0..3)
        .map(|i| create(format!("b-{i}"), "receipt_email", format!("b{i}@"), 0))
        .collect();
    bergen.push(create("b-e".into(), "email", "kari@@example.no".into(), 0));
    receive(db, &shop.oslo, &oslo).await;
    receive(db, &shop.bergen, &bergen).await;
    run_pipeline(db).await;
    shop
}

async fn groups_of(db: &Db, query: &str) -> Vec<FailureGroupSummary> {
    groups(db, query).await.unwrap().groups
}

fn find<'a>(groups: &'a [FailureGroupSummary], key: &str) -> &'a FailureGroupSummary {
    groups
        .iter()
        .find(|g| g.group.key() == key)
        .unwrap_or_else(|| panic!("no group {key} in {groups:#?}"))
}

fn operator() -> SignedIn {
    SignedIn {
        id: 1,
        name: "kari".into(),
        role: Role::Operator,
    }
}

storage_test! {
    async fn failures_of_one_cause_are_one_group_whatever_their_values(db) {
        let shop = broken_creates(&db).await;
        let all = groups_of(&db, "").await;
        let keys: Vec<String> = all.iter().map(|g| g.group.key()).collect();
        assert_eq!(
            keys,
            [RECEIPT_EMAIL, PHONE, "invalid_email.email.invalid_email"],
            "most first; the main email is another cause than the receipt email"
        );
        let receipt = find(&all, RECEIPT_EMAIL);
        assert_eq!(receipt.count, 8);
        let channels: Vec<(&str, i64)> =
            receipt.channels.iter().map(|c| (c.name.as_str(), c.n)).collect();
        assert_eq!(channels, [(shop.oslo.name.as_str(), 5), (shop.bergen.name.as_str(), 3)]);
        let days: Vec<i64> = receipt.days.iter().map(|(_, n)| *n).collect();
        assert_eq!(days, [2, 6], "two of them three days ago");
        assert!(receipt.first_seen < receipt.last_seen - Duration::days(2));
        assert_eq!(receipt.samples.len(), 2);
        for sample in &receipt.samples {
            let value = sample.value.as_deref().unwrap();
            assert!(value.contains('@'), "{value}");
            assert_eq!(sample.error.code, "invalid_email");
        }
        assert_eq!(
            receipt.group.title(app::locale::Locale::en, receipt.field_name.as_ref()),
            "Receipt email is not a valid email address"
        );
        let total = groups(&db, "").await.unwrap().total;
        assert_eq!(total, 11);
        assert_eq!(
            total,
            scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'failed'").await,
            "the counters agree with a direct count"
        );
    }
}

storage_test! {
    async fn the_failures_page_narrows_by_channel_and_days(db) {
        let shop = broken_creates(&db).await;
        let bergen = groups_of(&db, &format!("channel={}", shop.bergen.id)).await;
        let keys: Vec<(String, i64)> = bergen.iter().map(|g| (g.group.key(), g.count)).collect();
        assert_eq!(
            keys,
            [(RECEIPT_EMAIL.to_owned(), 3), ("invalid_email.email.invalid_email".to_owned(), 1)]
        );
        let today = Utc::now().date_naive();
        let recent = groups_of(&db, &format!("from={today}&to={today}")).await;
        assert_eq!(find(&recent, RECEIPT_EMAIL).count, 6);
        let error = groups(&db, "from=yesterday").await.unwrap_err();
        assert!(matches!(&error, AppError::Validation { field, .. } if field == "from"), "{error:?}");
    }
}

storage_test! {
    async fn the_list_filtered_to_a_group_shows_exactly_its_operations(db) {
        let shop = broken_creates(&db).await;
        let page = list(&db, &format!("status=failed&error={RECEIPT_EMAIL}")).await.unwrap();
        assert_eq!(page.operations.len(), 8);
        assert!(page.operations.iter().all(|o| o.last_error.as_ref().unwrap().field.as_deref() == Some("receipt_email")));
        let bergen = list(&db, &format!("error={RECEIPT_EMAIL}&channel={}", shop.bergen.id)).await.unwrap();
        assert_eq!(bergen.operations.len(), 3, "the group composes with the other filters");
        let counts = db
            .filtered_counts(&OperationFilter {
                error: app::model::FailureGroup::parse(PHONE),
                ..OperationFilter::default()
            })
            .await
            .unwrap();
        let failed = counts.counts.iter().find(|(s, _)| *s == app::model::SyncStatus::Failed).unwrap().1;
        assert_eq!(failed, 2);
        let error = list(&db, "error=DROP TABLE").await.unwrap_err();
        assert!(matches!(&error, AppError::Validation { field, .. } if field == "error"), "{error:?}");
    }
}

storage_test! {
    async fn an_operation_leaves_its_group_while_corrected_and_for_good_once_saved(db) {
        broken_creates(&db).await;
        let page = list(&db, &format!("error={PHONE}")).await.unwrap();
        let id = page.operations[0].summary.id;
        let now = to_micros(Utc::now());
        plain::start(&db, &operator(), id, now).await.unwrap();
        assert_eq!(find(&groups_of(&db, "").await, PHONE).count, 1, "Editing is not Failed");
        assert!(db.release_editing(id, "kari").await.unwrap());
        assert_eq!(find(&groups_of(&db, "").await, PHONE).count, 2, "back after Cancel");
        let session = plain::start(&db, &operator(), id, now).await.unwrap();
        let correction = Correction {
            operation_id: id,
            version: session.detail.state.version,
            values: [("phone".to_owned(), "+47 22 33 44 55".to_owned())].into(),
            reason: None,
            synchronize: true,
        };
        let outcome = plain::save(&db, &operator(), &correction, now).await.unwrap();
        assert!(matches!(outcome, SaveOutcome::Saved(_)));
        assert_eq!(find(&groups_of(&db, "").await, PHONE).count, 1);
        let left = scalar(
            &db,
            &format!("SELECT COUNT(*) FROM operations WHERE id = {id} AND failure_group IS NULL"),
        )
        .await;
        assert_eq!(left, 1, "a corrected operation has no cause of failure any more");
    }
}

storage_test! {
    async fn the_key_the_job_stores_is_the_one_the_migration_computes(db) {
        broken_creates(&db).await;
        let reason_tag = match db.backend() {
            app::storage::Backend::Sqlite => "json_extract(error_reason, '$.reason')",
            app::storage::Backend::Postgres => "(error_reason::jsonb ->> 'reason')",
        };
        let differing = scalar(
            &db,
            &format!(
                "SELECT COUNT(*) FROM operations WHERE status = 'failed' AND failure_group <> \
                 error_code || '.' || COALESCE(error_field, '') || '.' || COALESCE({reason_tag}, '')"
            ),
        )
        .await;
        assert_eq!(differing, 0);
        assert_eq!(
            scalar(&db, "SELECT COUNT(*) FROM operations WHERE status = 'failed' AND failure_group IS NULL").await,
            0
        );
    }
}
