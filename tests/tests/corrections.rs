//! The correction workflow on SQLite and PostgreSQL: holding an operation in Editing (jobs skip
//! it; Cancel, sign-out and a silent editor let go), Save from a version (validated again,
//! all or nothing, conflicts overwrite nothing), Synchronize now, revert, and the change log.

use std::collections::BTreeMap;

use app::{
    functions::corrections::plain,
    model::{
        correction::ChangeLogFilter, ChangeAction, Correction, OperationKind, Role, SaveOutcome,
        SignedIn, SyncStatus,
    },
    storage::{to_micros, Db},
    AppError,
};
use custsync_tests::{
    guid, incoming, receive, retailer, run_pipeline, scalar, status_of, storage_test,
};

fn operator(name: &str) -> SignedIn {
    SignedIn {
        id: 1,
        name: name.into(),
        role: Role::Operator,
    }
}

fn now() -> i64 {
    to_micros(chrono::Utc::now())
}

/// An async customer whose create failed on its receipt email, with an edit waiting behind
/// it; returns (async account, create id, edit id).
async fn failed_create(db: &Db) -> (String, i64, i64) {
    let shop = retailer(db).await;
    let ola = guid();
    receive(
        db,
        &shop.oslo,
        &[
            incoming(
                "o-1",
                &ola,
                OperationKind::Create,
                &[
                    ("name", "Ola Nordmann"),
                    ("receipt_option", "Email"),
                    ("receipt_email", "ola@@example"),
                ],
            ),
            incoming(
                "o-2",
                &ola,
                OperationKind::Update,
                &[("phone", "+47 22 33 44 55")],
            ),
        ],
    )
    .await;
    run_pipeline(db).await;
    assert_eq!(
        status_of(db, &ola).await,
        [SyncStatus::Failed, SyncStatus::Waiting]
    );
    let history = db.async_customer_history(&ola).await.unwrap();
    (ola, history[0].id, history[1].id)
}

fn fix(id: i64, version: i64, pairs: &[(&str, &str)], synchronize: bool) -> Correction {
    Correction {
        operation_id: id,
        version,
        values: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        reason: Some("typo at the till".into()),
        synchronize,
    }
}

async fn version_of(db: &Db, id: i64) -> i64 {
    db.correction_base(id).await.unwrap().unwrap().version
}

storage_test! {
    async fn an_operation_held_for_editing_is_skipped_by_jobs_and_cancel_puts_it_back(db) {
        let (ola, id, _) = failed_create(&db).await;
        let session = plain::start(&db, &operator("kari"), id, now()).await.unwrap();
        assert_eq!(session.detail.state.summary.status, SyncStatus::Editing);
        assert!(session.context.references.contains_key("country"), "reference data reaches the editor");
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &ola).await[0], SyncStatus::Editing, "jobs skip it");
        assert!(!db.release_editing(id, "someone-else").await.unwrap(), "only the holder lets go");
        assert!(db.release_editing(id, "kari").await.unwrap());
        assert_eq!(status_of(&db, &ola).await[0], SyncStatus::Failed, "back where it was");
    }
}

storage_test! {
    async fn holds_are_let_go_when_their_editor_signs_out_or_goes_quiet(db) {
        let (ola, id, _) = failed_create(&db).await;
        plain::start(&db, &operator("kari"), id, now() - 3_600_000_000).await.unwrap();
        assert_eq!(db.release_stale_editing(now() - 60_000_000).await.unwrap(), 1);
        assert_eq!(status_of(&db, &ola).await[0], SyncStatus::Failed);
        plain::start(&db, &operator("kari"), id, now()).await.unwrap();
        assert_eq!(db.release_stale_editing(now() - 60_000_000).await.unwrap(), 0, "a fresh hold stays");
        assert_eq!(db.release_editing_of("kari").await.unwrap(), 1);
        assert_eq!(status_of(&db, &ola).await[0], SyncStatus::Failed);
    }
}

storage_test! {
    async fn a_corrected_operation_synchronizes_at_once_with_the_edit_waiting_behind_it(db) {
        let (ola, id, edit) = failed_create(&db).await;
        let session = plain::start(&db, &operator("kari"), id, now()).await.unwrap();
        let correction = fix(id, session.detail.state.version, &[("receipt_email", "ola@example.no")], true);
        let SaveOutcome::Saved(detail) = plain::save(&db, &operator("kari"), &correction, now()).await.unwrap() else {
            panic!("a conflict where none was");
        };
        assert_eq!(detail.state.summary.status, SyncStatus::Succeeded);
        let account = detail.state.summary.customer_account.clone().expect("a real account");
        assert!(account.starts_with("NO"), "{account}");
        assert_eq!(status_of(&db, &ola).await, [SyncStatus::Succeeded, SyncStatus::Succeeded], "the waiting edit went too");
        let fixed = detail.grid.iter().find(|r| r.field == "receipt_email").unwrap();
        assert_eq!(fixed.new_value.as_deref(), Some("ola@example.no"));
        let lines: Vec<(ChangeAction, Option<&str>)> = detail.changes.iter().map(|c| (c.action, c.field.as_deref())).collect();
        assert_eq!(lines, [(ChangeAction::Synchronize, None), (ChangeAction::Correct, Some("receipt_email"))]);
        let line = &detail.changes[1];
        assert_eq!((line.actor.as_str(), line.before.as_deref(), line.after.as_deref()), ("kari", Some("ola@@example"), Some("ola@example.no")));
        assert_eq!(line.reason.as_deref(), Some("typo at the till"));
        assert_eq!(db.operation_detail(edit).await.unwrap().unwrap().state.summary.status, SyncStatus::Succeeded);
        let suggested = db.suggest_values("receipt_email", "ola", 8).await.unwrap();
        assert_eq!(suggested, ["ola@example.no"], "the value dictionary follows the correction");
    }
}

storage_test! {
    async fn an_invalid_or_unknown_value_is_refused_naming_its_field_and_nothing_is_stored(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        let cases: &[(&[(&str, &str)], &str)] = &[
            (&[("receipt_email", "still@@bad")], "receipt_email"),
            (&[("receipt_email", "ok@example.no"), ("receipt_option", "Pigeon")], "receipt_option"),
            (&[("receipt_email", "ok@example.no"), ("zip", "0150")], "street"),
            (&[("receipt_email", "ok@example.no"), ("shoe_size", "44")], "shoe_size"),
            (&[("receipt_email", "ok@example.no"), ("attr:nonsense", "1")], "attr:nonsense"),
            (&[("receipt_email", "ok@example.no"), ("name", "")], "name"),
            (&[("receipt_email", &"x".repeat(1_000_001))], "receipt_email"),
        ];
        for (pairs, named) in cases {
            match plain::save(&db, &operator("kari"), &fix(id, version, pairs, false), now()).await {
                Err(AppError::Validation { field, .. }) => assert_eq!(&field, named),
                other => panic!("{named}: {other:?}"),
            }
        }
        assert_eq!(version_of(&db, id).await, version, "nothing stored");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM change_log").await, 0);
    }
}

storage_test! {
    async fn a_save_from_an_old_version_is_a_conflict_that_overwrites_nothing(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        let first = plain::save(&db, &operator("kari"), &fix(id, version, &[("receipt_email", "ola@example.no")], false), now()).await.unwrap();
        assert!(matches!(first, SaveOutcome::Saved(_)));
        let second = plain::save(&db, &operator("per"), &fix(id, version, &[("receipt_email", "per@example.no")], false), now()).await.unwrap();
        let SaveOutcome::Conflict { current, by } = second else { panic!("no conflict") };
        let email = current.grid.iter().find(|r| r.field == "receipt_email").unwrap();
        assert_eq!(email.new_value.as_deref(), Some("ola@example.no"), "the first save stands");
        assert_eq!(by.map(|c| c.actor).as_deref(), Some("kari"));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM change_log").await, 1);
    }
}

storage_test! {
    async fn a_succeeded_operation_can_no_longer_be_corrected(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        plain::save(&db, &operator("kari"), &fix(id, version, &[("receipt_email", "ola@example.no")], true), now()).await.unwrap();
        let version = version_of(&db, id).await;
        for attempt in [
            plain::save(&db, &operator("kari"), &fix(id, version, &[("name", "Ola N.")], false), now()).await.map(drop),
            plain::start(&db, &operator("kari"), id, now()).await.map(drop),
        ] {
            assert!(matches!(&attempt, Err(AppError::Validation { field, .. }) if field == "status"), "{attempt:?}");
        }
        assert!(matches!(plain::start(&db, &operator("kari"), 999_999, now()).await, Err(AppError::NotFound { .. })));
    }
}

storage_test! {
    async fn a_correction_can_be_reverted_once_and_the_revert_is_logged(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        plain::save(&db, &operator("kari"), &fix(id, version, &[("receipt_email", "ola@example.no")], false), now()).await.unwrap();
        let correction = db.changes_of(id).await.unwrap()[0].clone();
        let SaveOutcome::Saved(detail) = plain::revert(&db, &operator("per"), correction.id, Some("wrong customer"), now()).await.unwrap() else {
            panic!("conflict");
        };
        let email = detail.grid.iter().find(|r| r.field == "receipt_email").unwrap();
        assert_eq!(email.new_value.as_deref(), Some("ola@@example"));
        let revert = &detail.changes[0];
        assert_eq!((revert.action, revert.reverts, revert.actor.as_str()), (ChangeAction::Revert, Some(correction.id), "per"));
        assert_eq!(detail.changes[1].reverted_by, Some(revert.id));
        assert!(matches!(plain::revert(&db, &operator("per"), correction.id, None, now()).await, Err(AppError::Validation { .. })));
        assert!(matches!(plain::revert(&db, &operator("per"), revert.id, None, now()).await, Err(AppError::Validation { .. })), "a revert is not reverted");
    }
}

storage_test! {
    async fn the_change_log_filters_by_person_field_and_operation(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        plain::save(&db, &operator("kari"), &fix(id, version, &[("receipt_email", "ola@example.no"), ("name", "Ola Nordmann Jr")], false), now()).await.unwrap();
        let all = db.change_log(&ChangeLogFilter::default(), 10).await.unwrap();
        assert_eq!(all.len(), 2);
        let by_field = db.change_log(&ChangeLogFilter { field: Some("name".into()), ..Default::default() }, 10).await.unwrap();
        assert_eq!(by_field.len(), 1);
        assert_eq!(by_field[0].after.as_deref(), Some("Ola Nordmann Jr"));
        let nobody = db.change_log(&ChangeLogFilter { actor: Some("per".into()), ..Default::default() }, 10).await.unwrap();
        assert!(nobody.is_empty());
        let page = plain::change_log(&db, &format!("op={id}&before={}", all[0].id)).await.unwrap();
        assert_eq!(page.entries.len(), 1, "older than the newest line");
        assert_eq!(page.actors, ["kari"]);
    }
}

/// Posts `body` to the Save server function as a signed-in operator; the status and the body.
async fn post_save(db: &Db, cookie: &str, body: String) -> (u16, String) {
    use tower::ServiceExt;
    let request = axum::http::Request::post("/rpc/corrections/save")
        .header("host", "custsync.test")
        .header("cookie", cookie)
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(axum::body::Body::from(body))
        .unwrap();
    let answer = custsync_tests::router(db).oneshot(request).await.unwrap();
    let status = answer.status().as_u16();
    let bytes = axum::body::to_bytes(answer.into_body(), 4 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

storage_test! {
    async fn hostile_saves_over_http_are_refused_naming_what_is_wrong_and_store_nothing(db) {
        let (_, id, _) = failed_create(&db).await;
        let version = version_of(&db, id).await;
        let cookie = custsync_tests::session(&db, Role::Operator).await;
        let save = |values: String, extra: &str| format!(
            r#"{{"correction":{{"operation_id":{id},"version":{version},"values":{values}{extra}}}}}"#
        );
        let big = "x".repeat(900_000);
        let cases: Vec<(String, u16, &str)> = vec![
            (save(r#"{"receipt_email":42}"#.into(), ""), 400, "values.receipt_email"),
            (format!(r#"{{"correction":{{"operation_id":"{id}","version":1,"values":{{}}}}}}"#), 400, "operation_id"),
            (save("{}".into(), r#","owner":"me""#), 400, "owner"),
            (save(r#"{"shoe_size":"44"}"#.into(), ""), 400, "shoe_size"),
            (save(r#"{"receipt_email":"still@@bad"}"#.into(), ""), 400, "receipt_email"),
            (save(format!(r#"{{"receipt_email":"{big}"}}"#), ""), 400, "receipt_email"),
            (save(format!(r#"{{"receipt_email":"{}"}}"#, "x".repeat(1_100_000)), ""), 413, ""),
            ("not json at all".into(), 400, "request"),
        ];
        for (body, status, named) in cases {
            let (got, text) = post_save(&db, &cookie, body).await;
            assert_eq!(got, status, "{named}: {text:.300}");
            assert!(text.contains(named), "{named} is named: {text:.300}");
            for inside in ["sqlx", "SELECT", "UPDATE", "panicked"] {
                assert!(!text.contains(inside), "no internals: {text:.300}");
            }
        }
        assert_eq!(version_of(&db, id).await, version, "nothing stored");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM change_log").await, 0);
        let stale = save(r#"{"receipt_email":"ola@example.no"}"#.into(), "").replace(&format!(r#""version":{version}"#), r#""version":0"#);
        let (got, text) = post_save(&db, &cookie, stale).await;
        assert_eq!(got, 200);
        assert!(text.contains("Conflict"), "{text:.300}");
    }
}
