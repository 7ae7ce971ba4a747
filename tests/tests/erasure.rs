//! A customer's data erased (GDPR article 17), on SQLite and PostgreSQL: no value of theirs is
//! left in any table (nor in the SQLite files' bytes), the records and counts stay, the 1010
//! feed says `erased`, what is left of their operations is never applied and an erased
//! customer takes no edits; refusals change nothing.

use app::{
    functions::{corrections::plain, customer_data},
    model::{
        channel_api::CustomerChange,
        dossier::{CustomerLookup, ErasureRefusal, LookupMistake, ERASED},
        OperationKind, Role, SignedIn, SyncStatus,
    },
    storage::{erasure::ErasureError, to_micros, Backend, Db},
    AppError,
};
use custsync_tests::{
    incoming, kari_and_ola, receive, run_pipeline, scalar, status_of, storage_test, KARI_EMAIL,
    OLA_EMAIL,
};
use sqlx::Row;

/// Kari's values: none may be left anywhere once she is erased.
const KARI_VALUES: [&str; 8] = [
    "kari nordmann",
    KARI_EMAIL,
    "kari@@example.no",
    "kari@example.no",
    "22 33 44 55",
    "strandgaten 12",
    "bryggen 1",
    "typo at the till",
];

/// Every table and column of the database: (table, columns).
async fn every_column(db: &Db) -> Vec<(String, Vec<String>)> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT m.name AS t, c.name AS c FROM sqlite_master m, pragma_table_info(m.name) c \
             WHERE m.type = 'table' ORDER BY m.name, c.cid"
        }
        Backend::Postgres => {
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"
        }
    };
    let rows = sqlx::query(sql).fetch_all(db.pool()).await.unwrap();
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for row in &rows {
        let (table, column): (String, String) = (row.get("t"), row.get("c"));
        match tables.last_mut() {
            Some((last, columns)) if *last == table => columns.push(column),
            _ => tables.push((table, vec![column])),
        }
    }
    tables
}

/// The (table, value) pairs where one of `values` is still held, in any column of any table.
async fn where_held(db: &Db, values: &[&str]) -> Vec<(String, String)> {
    let mut held = Vec::new();
    for (table, columns) in every_column(db).await {
        let text: Vec<String> = columns
            .iter()
            .map(|c| format!("LOWER(CAST(\"{c}\" AS TEXT)) LIKE $1"))
            .collect();
        let sql = format!(
            "SELECT COUNT(*) AS n FROM \"{table}\" WHERE {}",
            text.join(" OR ")
        );
        for value in values {
            let row = sqlx::query(&sql)
                .bind(format!("%{value}%"))
                .fetch_one(db.pool())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            if row.get::<i64, _>("n") > 0 {
                held.push((table.clone(), (*value).to_owned()));
            }
        }
    }
    held
}

fn erasing(refused: Result<impl std::fmt::Debug, ErasureError>) -> ErasureRefusal {
    match refused {
        Err(ErasureError::Refused(refusal)) => refusal,
        other => panic!("refused, not {other:?}"),
    }
}

storage_test! {
    async fn an_erased_customer_leaves_no_value_in_any_table_and_the_records_and_counts_stay(db) {
        let (account, kari, kari_again) = kari_and_ola(&db).await;
        assert!(!where_held(&db, &KARI_VALUES).await.is_empty(), "the check can see Kari");
        let counts = "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM operation_counts";
        let (operations, counted) = (scalar(&db, "SELECT COUNT(*) FROM operations").await, scalar(&db, counts).await);
        let now = to_micros(chrono::Utc::now());
        let (keys, erasure) = db
            .erase_customer(&CustomerLookup::Email(KARI_EMAIL.into()), &account, "an-admin", now)
            .await
            .unwrap();
        assert_eq!(keys.account.as_deref(), Some(account.as_str()));
        assert_eq!((erasure.operations, erasure.stopped), (3, 1), "the refused create is stopped");
        assert_eq!(where_held(&db, &KARI_VALUES).await, Vec::<(String, String)>::new());
        assert!(!where_held(&db, &[OLA_EMAIL, "ola hansen", "storgata 1"]).await.is_empty(), "Ola stays");

        // The records, and the counts drawn from them, stay true.
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM operations").await, operations);
        assert_eq!(scalar(&db, counts).await, counted);
        assert_eq!(status_of(&db, &kari).await, [SyncStatus::Succeeded; 2]);
        assert_eq!(status_of(&db, &kari_again).await, [SyncStatus::Failed]);
        let stopped = format!("SELECT COUNT(*) FROM operations WHERE async_account = '{kari_again}' AND error_code = 'customer_erased'");
        assert_eq!(scalar(&db, &stopped).await, 1);
        assert_eq!(
            scalar(&db, &format!("SELECT COUNT(*) FROM operation_fields f JOIN operations o ON o.id = f.operation_id WHERE o.async_account = '{kari}' AND f.new_value = '{ERASED}'")).await,
            scalar(&db, &format!("SELECT COUNT(*) FROM operation_fields f JOIN operations o ON o.id = f.operation_id WHERE o.async_account = '{kari}' AND f.new_value IS NOT NULL")).await,
        );
        assert_eq!(scalar(&db, &format!("SELECT COUNT(*) FROM customers WHERE account = '{account}' AND name = '{ERASED}' AND erased_at IS NOT NULL")).await, 1);
        let suggested = db.values_containing("email", "nordmann").await.unwrap().unwrap_or_default();
        assert!(suggested.is_empty(), "the filter's dictionary forgot her: {suggested:?}");

        // The 1010 feed tells the channels, and keeps no values of hers.
        run_pipeline(&db).await;
        let shop_channel = scalar(&db, &format!("SELECT MIN(c.id) FROM channels c JOIN customers k ON k.legal_entity_id = c.legal_entity_id WHERE k.account = '{account}'")).await;
        let feed = db.feed_page(shop_channel, Some(0), 1_000).await.unwrap();
        let hers: Vec<_> = feed.customers.iter().filter(|c| c.account == account).collect();
        let last = hers.last().unwrap();
        assert_eq!((last.change, last.async_account.as_deref()), (CustomerChange::Erased, Some(kari.as_str())));
        assert!(hers.iter().all(|c| c.fields.is_empty() && c.attributes.is_empty()), "{hers:?}");

        // The audit log names the account, never a value.
        let audit = db.audit_log(10).await.unwrap();
        let line = audit.iter().find(|a| a.action == "customer.erase").unwrap();
        assert_eq!((line.user_name.as_str(), line.subject.contains(&account)), ("an-admin", true));
        assert!(!line.subject.contains("kari"), "{}", line.subject);
    }
}

storage_test! {
    async fn an_erasure_is_refused_in_the_editor_unconfirmed_or_twice_and_an_erased_customer_takes_no_edits(db) {
        let (account, kari, kari_again) = kari_and_ola(&db).await;
        let operator = SignedIn { id: 1, name: "kari-operator".into(), role: Role::Operator };
        let refused_id = db.async_customer_history(&kari_again).await.unwrap()[0].id;
        let now = to_micros(chrono::Utc::now());
        plain::start(&db, &operator, refused_id, now).await.unwrap();
        let by_account = CustomerLookup::Account(account.clone());
        let by_email = CustomerLookup::Email(KARI_EMAIL.into());
        let refusal = erasing(db.erase_customer(&by_email, &account, "an-admin", now).await);
        assert_eq!(refusal, ErasureRefusal::BeingCorrected { by: vec!["kari-operator".into()] });
        assert!(where_held(&db, &[KARI_EMAIL]).await.len() > 1, "nothing changed");
        db.release_editing(refused_id, "kari-operator").await.unwrap();
        let refusal = erasing(db.erase_customer(&by_account, "NO-other", "an-admin", now).await);
        assert_eq!(refusal, ErasureRefusal::NotConfirmed { expected: account.clone() });
        assert!(!where_held(&db, &[KARI_EMAIL]).await.is_empty(), "nothing changed");

        // The page's server function: the same rules, each naming its field.
        let wrong = customer_data::plain::erase(&db, "an-admin", "account", &account, "nope").await;
        assert!(matches!(wrong, Err(AppError::Validation { ref field, .. }) if field == "confirm"), "{wrong:?}");
        let found = customer_data::plain::find(&db, "email", KARI_EMAIL).await.unwrap();
        assert_eq!((found.confirm_with.as_str(), found.operations, found.unfinished), (account.as_str(), 3, 1));
        assert!(found.download.ends_with("email=kari.nordmann%40example.no"), "{}", found.download);
        let done = customer_data::plain::erase(&db, "an-admin", "email", KARI_EMAIL, &account).await.unwrap();
        assert_eq!(done.operations, 3);

        let refusal = erasing(db.erase_customer(&by_account, &account, "an-admin", now).await);
        assert!(matches!(refusal, ErasureRefusal::AlreadyErased { ref who, .. } if *who == account), "{refusal:?}");
        let gone = db.erase_customer(&CustomerLookup::Email(KARI_EMAIL.into()), &account, "an-admin", now).await;
        assert!(matches!(gone, Err(ErasureError::Lookup(LookupMistake::NotFound { param: "email" }))), "{gone:?}");
        let again = customer_data::plain::find(&db, "account", &account).await.unwrap();
        assert!(again.erased_at.is_some());

        // A till that has not read the feed yet sends an edit: the erased customer takes none.
        let edit = incoming("k-late", &kari, OperationKind::Update, &[("phone", "+47 99 88 77 66")]);
        let oslo = scalar(&db, &format!("SELECT channel_id FROM operations WHERE async_account = '{kari}' LIMIT 1")).await;
        let channel = db.channels().await.unwrap().into_iter().find(|c| c.id == oslo).unwrap();
        receive(&db, &channel, &[edit]).await;
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari).await.last(), Some(&SyncStatus::Failed));
        assert!(where_held(&db, &["99 88 77 66"]).await.iter().all(|(table, _)| table != "customers"));
        // What it carried is personal data too: the page offers to erase again, and that
        // erases it (the first erasure's time kept); then there is nothing left to erase.
        let found = customer_data::plain::find(&db, "account", &account).await.unwrap();
        assert_eq!((found.erased_at.is_some(), found.not_erased), (true, 1));
        let later = to_micros(chrono::Utc::now()) + 1_000_000;
        let (_, again) = db.erase_customer(&by_account, &account, "an-admin", later).await.unwrap();
        assert_eq!(again.operations, 3, "her two and the late edit, by account");
        assert_eq!(where_held(&db, &["99 88 77 66"]).await, Vec::<(String, String)>::new());
        let found = customer_data::plain::find(&db, "account", &account).await.unwrap();
        assert_eq!(found.not_erased, 0);
        assert!(found.erased_at.map(|at| to_micros(at) < later).unwrap());
        let refusal = erasing(db.erase_customer(&by_account, &account, "an-admin", later).await);
        assert!(matches!(refusal, ErasureRefusal::AlreadyErased { .. }), "{refusal:?}");

        // Sent to the Synchronize job again (by a bulk run picked before the erasure, say),
        // what is left of an erased operation fails as erased, not as a bad value.
        sqlx::query(&format!("UPDATE operations SET status = 'pending', error_code = NULL, version = version + 1 WHERE id = {refused_id}"))
            .execute(db.pool())
            .await
            .unwrap();
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &kari_again).await, [SyncStatus::Failed]);
        let code = format!("SELECT COUNT(*) FROM operations WHERE id = {refused_id} AND error_code = 'customer_erased'");
        assert_eq!(scalar(&db, &code).await, 1);
    }
}

/// The SQLite variant of the file check: the database file and its write-ahead log, as bytes.
#[tokio::test]
async fn an_erased_email_is_not_left_in_the_sqlite_files_bytes() {
    let db = custsync_tests::fresh_db(custsync_tests::Backend::Sqlite).await;
    let (account, _, _) = kari_and_ola(&db).await;
    let path = db.sqlite_path().unwrap();
    let bytes = |path: &str| {
        [path.to_owned(), format!("{path}-wal")]
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .flatten()
            .collect::<Vec<u8>>()
    };
    let holds = |haystack: &[u8], needle: &str| {
        haystack
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    };
    assert!(
        holds(&bytes(&path), KARI_EMAIL),
        "the check can see her email"
    );
    let now = to_micros(chrono::Utc::now());
    db.erase_customer(
        &CustomerLookup::Email(KARI_EMAIL.into()),
        &account,
        "an-admin",
        now,
    )
    .await
    .unwrap();
    let files = bytes(&path);
    for value in [
        KARI_EMAIL,
        "Strandgaten 12",
        "kari@@example.no",
        "typo at the till",
    ] {
        assert!(
            !holds(&files, value),
            "{value} is still in the file's bytes"
        );
    }
}
