//! Bulk runs on SQLite and PostgreSQL: a dry run against today's reference data, a correction
//! by rule previewed (nothing stored) and confirmed with synchronize, operations changed since
//! the preview skipped and counted, a run stopped between chunks going on elsewhere with every
//! operation changed once, a bulk revert that leaves alone what someone changed since, and bad
//! input refused with its field named.

use app::{
    bulk_runs::{self, runner},
    functions::{corrections::plain, operations::list},
    model::{
        bulk_run::BulkOutcome, BulkAction, BulkStatus, Correction, OperationKind, ReferenceKind,
        Role, Rule, RuleChange, SaveOutcome, SignedIn, SyncStatus,
    },
    storage::{to_micros, Db},
    AppError,
};
use chrono::Utc;
use custsync_tests::{
    doubled_at_creates, doubled_at_fix, guid, incoming, receive, retailer, run_pipeline, scalar,
    storage_test, DOUBLED_AT_FAILURES,
};

fn person(role: Role) -> SignedIn {
    SignedIn {
        id: 1,
        name: "kari".into(),
        role,
    }
}

fn now() -> i64 {
    to_micros(Utc::now())
}

/// `n` creates from Oslo whose receipt emails have a doubled `@`, all Failed.
async fn doubled_at(db: &Db, n: usize) {
    let shop = retailer(db).await;
    receive(db, &shop.oslo, &doubled_at_creates("o", n)).await;
    run_pipeline(db).await;
}

/// Runs the runner until no run is left to carry out.
async fn run_bulk(db: &Db) {
    while runner::step(db, "test-instance").await.unwrap() {}
}

async fn statuses(db: &Db, query: &str) -> Vec<SyncStatus> {
    list(db, query)
        .await
        .unwrap()
        .operations
        .iter()
        .map(|o| o.summary.status)
        .collect()
}

async fn receipt_emails(db: &Db) -> Vec<String> {
    sqlx::query_scalar::<_, String>(
        "SELECT new_value FROM operation_fields WHERE field = 'receipt_email' ORDER BY operation_id",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

storage_test! {
    async fn a_dry_run_validates_again_with_todays_reference_data_and_changes_nothing(db) {
        let shop = retailer(&db).await;
        let ops: Vec<_> = (0..4)
            .map(|i| {
                let group = if i < 3 { "VIP" } else { "GOLD" };
                incoming(&format!("g-{i}"), &guid(), OperationKind::Create, &[("name", "Kunde"), ("customer_group", group)])
            })
            .collect();
        receive(&db, &shop.oslo, &ops).await;
        run_pipeline(&db).await;
        assert_eq!(statuses(&db, "status=failed").await.len(), 4);
        db.add_reference_values(ReferenceKind::CustomerGroup, app::storage::reference::ALL_LEGAL_ENTITIES, &[("VIP", "VIP")])
            .await
            .unwrap();
        let versions = scalar(&db, "SELECT CAST(SUM(version) AS BIGINT) FROM operations").await;
        let run = bulk_runs::start(&db, &person(Role::Operator), "status=failed", BulkAction::DryRun, now()).await.unwrap();
        assert_eq!(run.counts.selected, 4);
        run_bulk(&db).await;
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!(run.status, BulkStatus::Finished);
        assert_eq!((run.counts.done, run.counts.passed, run.counts.failed), (4, 3, 1));
        let outcomes = db.bulk_outcomes(run.id).await.unwrap();
        assert!(outcomes.contains(&(BulkOutcome::Failed, Some("unknown_reference.customer_group.unknown_reference".into()), 1)), "{outcomes:?}");
        assert_eq!(scalar(&db, "SELECT CAST(SUM(version) AS BIGINT) FROM operations").await, versions, "nothing changed");
        assert_eq!(statuses(&db, "status=failed").await.len(), 4);
    }
}

storage_test! {
    async fn a_correction_by_rule_is_previewed_without_storing_and_confirmed_with_synchronize(db) {
        doubled_at(&db, 8).await;
        let before = receipt_emails(&db).await;
        let operator = person(Role::Operator);
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now()).await.unwrap();
        assert_eq!((preview.selected, preview.changes, preview.will_pass), (8, 8, 8));
        assert!(preview.still_fail.is_empty());
        assert_eq!(preview.sample.len(), 8);
        assert_eq!(preview.sample[0].before.as_deref(), Some("kunde0@@example.no"));
        assert_eq!(preview.sample[0].after.as_deref(), Some("kunde0@example.no"));
        assert_eq!(receipt_emails(&db).await, before, "a preview stores nothing");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM change_log").await, 0);

        let run = bulk_runs::confirm(&db, &operator, preview.run_id, true, now()).await.unwrap();
        assert_eq!(run.status, BulkStatus::Running);
        run_bulk(&db).await;
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!(run.status, BulkStatus::Finished);
        assert_eq!((run.counts.selected, run.counts.changed, run.counts.skipped, run.counts.passed), (8, 8, 0, 8));
        assert_eq!(statuses(&db, "").await, [SyncStatus::Succeeded; 8]);
        let stored: Vec<String> = receipt_emails(&db).await;
        let previewed: Vec<String> = preview.sample.iter().map(|i| i.after.clone().unwrap()).collect();
        assert_eq!(stored, previewed, "what is stored is what the preview showed");
        let lines = scalar(&db, &format!("SELECT COUNT(*) FROM change_log WHERE bulk_run_id = {} AND action = 'correct'", run.id)).await;
        assert_eq!(lines, 8);
        let confirmed_again = bulk_runs::confirm(&db, &operator, preview.run_id, true, now()).await;
        assert!(matches!(confirmed_again, Err(AppError::Validation { ref field, .. }) if field == "preview"), "{confirmed_again:?}");
    }
}

storage_test! {
    async fn operations_changed_since_the_preview_are_skipped_and_counted(db) {
        doubled_at(&db, 6).await;
        let operator = person(Role::Operator);
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now()).await.unwrap();
        let first = preview.sample[0].operation_id;
        let second = preview.sample[1].operation_id;
        // Someone corrects the first by hand, and holds the second for correcting.
        let kari = person(Role::Operator);
        let session = plain::start(&db, &kari, first, now()).await.unwrap();
        let correction = Correction {
            operation_id: first,
            version: session.detail.state.version,
            values: [("receipt_email".to_owned(), "per@example.no".to_owned())].into(),
            reason: None,
            synchronize: false,
        };
        assert!(matches!(plain::save(&db, &kari, &correction, now()).await.unwrap(), SaveOutcome::Saved(_)));
        plain::start(&db, &SignedIn { name: "ola".into(), ..kari.clone() }, second, now()).await.unwrap();
        let run = bulk_runs::confirm(&db, &operator, preview.run_id, false, now()).await.unwrap();
        run_bulk(&db).await;
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!((run.counts.changed, run.counts.skipped), (4, 2));
        assert_eq!(run.counts.done, run.counts.selected, "the counts add up");
        let outcomes = db.bulk_outcomes(run.id).await.unwrap();
        assert!(outcomes.contains(&(BulkOutcome::Skipped, Some("changed_since".into()), 1)), "{outcomes:?}");
        assert!(outcomes.contains(&(BulkOutcome::Skipped, Some("editing".into()), 1)), "{outcomes:?}");
        let kept: String = sqlx::query_scalar("SELECT new_value FROM operation_fields WHERE operation_id = $1 AND field = 'receipt_email'")
            .bind(first)
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(kept, "per@example.no", "a person's correction is never overwritten");
    }
}

storage_test! {
    async fn a_run_stopped_between_chunks_goes_on_elsewhere_and_changes_each_operation_once(db) {
        doubled_at(&db, 7).await;
        let operator = person(Role::Operator);
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now()).await.unwrap();
        let run = bulk_runs::confirm(&db, &operator, preview.run_id, true, now()).await.unwrap();
        assert!(runner::step_with(&db, "instance-a", runner::LEASE, 3).await.unwrap());
        // Instance A dies here, holding the lease: B waits for it to run out.
        assert!(!runner::step_with(&db, "instance-b", runner::LEASE, 3).await.unwrap(), "the lease is A's");
        sqlx::query("UPDATE bulk_runs SET lease_until = 0").execute(db.pool()).await.unwrap();
        while runner::step_with(&db, "instance-b", runner::LEASE, 3).await.unwrap() {}
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!(run.status, BulkStatus::Finished);
        assert_eq!((run.counts.done, run.counts.changed, run.counts.passed), (7, 7, 7));
        let most = scalar(&db, &format!(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM change_log WHERE bulk_run_id = {} \
             AND action = 'correct' GROUP BY operation_id) c", run.id)).await;
        assert_eq!(most, 1, "no operation corrected twice");
        assert_eq!(statuses(&db, "").await, [SyncStatus::Succeeded; 7]);
    }
}

storage_test! {
    async fn a_bulk_revert_puts_back_each_field_nobody_changed_since(db) {
        doubled_at(&db, 5).await;
        let operator = person(Role::Operator);
        let original = receipt_emails(&db).await;
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now()).await.unwrap();
        let run = bulk_runs::confirm(&db, &operator, preview.run_id, false, now()).await.unwrap();
        run_bulk(&db).await;
        assert_eq!(statuses(&db, "").await, [SyncStatus::Pending; 5], "corrected, not synchronized");
        let touched = preview.sample[2].operation_id;
        let session = plain::start(&db, &operator, touched, now()).await.unwrap();
        let correction = Correction {
            operation_id: touched,
            version: session.detail.state.version,
            values: [("receipt_email".to_owned(), "kunde2@example.com".to_owned())].into(),
            reason: None,
            synchronize: false,
        };
        plain::save(&db, &operator, &correction, now()).await.unwrap();
        let revert = bulk_runs::revert(&db, &operator, run.id, now()).await.unwrap();
        assert_eq!(revert.reverts, Some(run.id));
        run_bulk(&db).await;
        let revert = db.bulk_run(revert.id).await.unwrap().unwrap();
        assert_eq!((revert.counts.changed, revert.counts.skipped), (4, 1));
        assert_eq!(db.bulk_outcomes(revert.id).await.unwrap().iter().find(|(o, _, _)| *o == BulkOutcome::Skipped).map(|(_, d, _)| d.clone()), Some(Some("edited_since".into())));
        let mut expected = original.clone();
        expected[2] = "kunde2@example.com".into();
        assert_eq!(receipt_emails(&db).await, expected);
        let lines = scalar(&db, &format!("SELECT COUNT(*) FROM change_log WHERE bulk_run_id = {} AND action = 'revert' AND reverts IS NOT NULL", revert.id)).await;
        assert_eq!(lines, 4, "each put-back value is logged against the line it reverts");
        let again = bulk_runs::revert(&db, &operator, run.id, now()).await;
        assert!(matches!(again, Err(AppError::Validation { .. })), "{again:?}");
    }
}

storage_test! {
    async fn bad_rules_empty_selections_and_viewers_are_refused_with_nothing_stored(db) {
        doubled_at(&db, 2).await;
        let operator = person(Role::Operator);
        let field_of = |result: Result<_, AppError>| match result {
            Err(AppError::Validation { field, .. }) => field,
            other => panic!("not refused: {other:?}"),
        };
        let unknown = Rule { field: "password".into(), change: RuleChange::Trim };
        assert_eq!(field_of(bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &unknown, now()).await.map(|_| ())), "rule.field");
        let upper_number = Rule { field: "credit_limit".into(), change: RuleChange::Uppercase };
        assert_eq!(field_of(bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &upper_number, now()).await.map(|_| ())), "rule");
        let not_a_number = Rule { field: "credit_limit".into(), change: RuleChange::Set { value: "lots".into() } };
        assert_eq!(field_of(bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &not_a_number, now()).await.map(|_| ())), "rule");
        assert_eq!(field_of(bulk_runs::preview(&db, &operator, "status=waiting", &doubled_at_fix(), now()).await.map(|_| ())), "selection");
        assert_eq!(field_of(bulk_runs::start(&db, &operator, "error=nonsense", BulkAction::DryRun, now()).await.map(|_| ())), "error");
        let viewer = bulk_runs::start(&db, &person(Role::Viewer), "status=failed", BulkAction::Synchronize, now()).await;
        assert!(matches!(viewer, Err(AppError::Forbidden)), "{viewer:?}");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM bulk_runs").await, 0, "nothing stored");
        assert_eq!(bulk_runs::count(&db, DOUBLED_AT_FAILURES).await.unwrap(), 2);
    }
}

storage_test! {
    async fn a_bulk_synchronize_sends_every_selected_failure_to_the_job_again(db) {
        let shop = retailer(&db).await;
        let ops: Vec<_> = (0..3)
            .map(|i| incoming(&format!("g-{i}"), &guid(), OperationKind::Create, &[("name", "Kunde"), ("customer_group", "VIP")]))
            .collect();
        receive(&db, &shop.oslo, &ops).await;
        run_pipeline(&db).await;
        db.add_reference_values(ReferenceKind::CustomerGroup, app::storage::reference::ALL_LEGAL_ENTITIES, &[("VIP", "VIP")])
            .await
            .unwrap();
        let run = bulk_runs::start(&db, &person(Role::Operator), "status=failed", BulkAction::Synchronize, now()).await.unwrap();
        run_bulk(&db).await;
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!((run.counts.changed, run.counts.passed, run.counts.failed), (3, 3, 0));
        assert_eq!(statuses(&db, "").await, [SyncStatus::Succeeded; 3]);
    }
}

storage_test! {
    async fn a_cancelled_run_stops_after_its_chunk_and_leaves_the_rest_untouched(db) {
        doubled_at(&db, 7).await;
        let operator = person(Role::Operator);
        let preview = bulk_runs::preview(&db, &operator, DOUBLED_AT_FAILURES, &doubled_at_fix(), now()).await.unwrap();
        let run = bulk_runs::confirm(&db, &operator, preview.run_id, false, now()).await.unwrap();
        assert!(runner::step_with(&db, "test-instance", runner::LEASE, 3).await.unwrap());
        let other = SignedIn { name: "per".into(), ..person(Role::Operator) };
        assert!(matches!(bulk_runs::cancel(&db, &other, run.id, now()).await, Err(AppError::Forbidden)), "only its person or an admin");
        bulk_runs::cancel(&db, &operator, run.id, now()).await.unwrap();
        run_bulk(&db).await;
        let run = db.bulk_run(run.id).await.unwrap().unwrap();
        assert_eq!(run.status, BulkStatus::Cancelled);
        assert_eq!((run.counts.done, run.counts.changed, run.counts.selected), (3, 3, 7));
        assert_eq!(statuses(&db, "status=failed").await.len(), 4, "the rest still Failed, unchanged");
        let again = bulk_runs::cancel(&db, &operator, run.id, now()).await;
        assert!(matches!(again, Err(AppError::Validation { .. })), "{again:?}");
    }
}

storage_test! {
    async fn each_kind_of_rule_stores_what_its_preview_showed(db) {
        doubled_at(&db, 2).await;
        let operator = person(Role::Operator);
        let names = || async {
            sqlx::query_scalar::<_, Option<String>>(
                "SELECT f.new_value FROM operations o LEFT JOIN operation_fields f \
                 ON f.operation_id = o.id AND f.field = 'name' ORDER BY o.id",
            )
            .fetch_all(db.pool())
            .await
            .unwrap()
        };
        // Each rule in turn on both operations' name; `None`: the rule changes nothing.
        let steps: [(RuleChange, Option<Option<&str>>); 8] = [
            (RuleChange::Set { value: "  Kari   Nordmann  ".into() }, Some(Some("Kari   Nordmann"))),
            (RuleChange::CollapseSpaces, Some(Some("Kari Nordmann"))),
            (RuleChange::Uppercase, Some(Some("KARI NORDMANN"))),
            (RuleChange::Lowercase, Some(Some("kari nordmann"))),
            (RuleChange::Replace { find: "kari".into(), with: "Ola".into() }, Some(Some("Ola nordmann"))),
            (RuleChange::Map { from: "OLA NORDMANN ".into(), to: "Per Hansen".into() }, Some(Some("Per Hansen"))),
            (RuleChange::Trim, None),
            (RuleChange::Clear, Some(None)),
        ];
        for (change, expected) in steps {
            let rule = Rule { field: "name".into(), change };
            let preview = bulk_runs::preview(&db, &operator, "", &rule, now()).await.unwrap();
            let Some(expected) = expected else {
                assert_eq!(preview.changes, 0, "{rule:?}");
                continue;
            };
            assert_eq!(preview.changes, 2, "{rule:?}");
            let shown: Vec<Option<String>> = preview.sample.iter().map(|p| p.after.clone()).collect();
            assert_eq!(shown, vec![expected.map(str::to_owned); 2], "{rule:?}");
            bulk_runs::confirm(&db, &operator, preview.run_id, false, now()).await.unwrap();
            run_bulk(&db).await;
            assert_eq!(names().await, shown, "{rule:?}: stored as previewed");
        }
    }
}

storage_test! {
    async fn the_live_pages_change_stamp_moves_as_a_bulk_run_moves_on(db) {
        doubled_at(&db, 3).await;
        let before = db.change_stamp().await.unwrap();
        let run = bulk_runs::start(&db, &person(Role::Operator), "status=failed", BulkAction::DryRun, now()).await.unwrap();
        let started = db.change_stamp().await.unwrap();
        assert_ne!(before, started);
        run_bulk(&db).await;
        assert_ne!(started, db.change_stamp().await.unwrap());
        assert_eq!(db.bulk_run(run.id).await.unwrap().unwrap().counts.done, 3);
    }
}
