//! A customer's data on SQLite and PostgreSQL. As one document (GDPR article 15): a lookup by
//! account, GUID, email or phone finds the customer and every GUID they have; the document
//! holds the rows of every table that has their data and nobody else's; bad lookups are
//! refused naming their parameter; only admins may download it; each export is an audit line
//! that names the account, not the value asked by. Erased (article 17): no value of theirs is
//! left in any table (nor in the SQLite files' bytes), the records and counts stay, the 1010
//! feed says `erased`, what is left of their operations is never applied; refusals change
//! nothing.

use app::{
    functions::{corrections::plain, customer_data},
    model::{
        channel_api::CustomerChange,
        dossier::{CustomerLookup, ErasureRefusal, LookupMistake, ERASED},
        Correction, OperationKind, Role, SaveOutcome, SignedIn, SyncStatus,
    },
    storage::{dossier::LookupError, erasure::ErasureError, to_micros, Backend, Db},
    AppError,
};
use custsync_tests::{
    guid, incoming, receive, retailer, run_pipeline, scalar, session, status_of, storage_test,
};
use serde_json::Value;
use sqlx::Row;

const KARI_EMAIL: &str = "kari.nordmann@example.no";
const OLA_EMAIL: &str = "ola.hansen@example.no";

/// Kari: a create in Oslo that failed on its receipt email and was corrected (a change-log
/// line), an edit of her street, and a create in Bergen with her email again (refused as a
/// duplicate: a GUID without a customer). Ola: a customer in Oslo and one in London with the
/// same email. Returns Kari's account and her two GUIDs.
async fn shop(db: &Db) -> (String, String, String) {
    let shop = retailer(db).await;
    let (kari, kari_again) = (guid(), guid());
    let create = |id: &str, guid: &str, email: &str, receipt: &str| {
        incoming(
            id,
            guid,
            OperationKind::Create,
            &[
                ("name", "Kari Nordmann"),
                ("email", email),
                ("phone", "+47 22 33 44 55"),
                ("street", "Strandgaten 12"),
                ("zip", "5013"),
                ("city", "Bergen"),
                ("country", "NO"),
                ("receipt_option", "Email"),
                ("receipt_email", receipt),
                ("attr:loyalty_tier", "Gold"),
            ],
        )
    };
    receive(
        db,
        &shop.oslo,
        &[create("k-1", &kari, KARI_EMAIL, "kari@@example.no")],
    )
    .await;
    let olas = [
        (
            &shop.oslo,
            guid(),
            [
                ("street", "Storgata 1"),
                ("zip", "0155"),
                ("city", "Oslo"),
                ("country", "NO"),
            ],
        ),
        (
            &shop.london,
            guid(),
            [
                ("street", "1 High Street"),
                ("zip", "SW1A 1AA"),
                ("city", "London"),
                ("country", "GB"),
            ],
        ),
    ];
    for (channel, ola, address) in &olas {
        let mut fields = vec![("name", "Ola Hansen"), ("email", OLA_EMAIL)];
        fields.extend(address);
        receive(
            db,
            channel,
            &[incoming(ola, ola, OperationKind::Create, &fields)],
        )
        .await;
    }
    run_pipeline(db).await;
    for (_, ola, _) in &olas {
        assert_eq!(
            status_of(db, ola).await,
            [SyncStatus::Succeeded],
            "Ola in {ola}"
        );
    }
    let create_id = db.async_customer_history(&kari).await.unwrap()[0].id;
    let version = db
        .operation_state(create_id)
        .await
        .unwrap()
        .unwrap()
        .version;
    let correction = Correction {
        operation_id: create_id,
        version,
        values: [("receipt_email".to_owned(), "kari@example.no".to_owned())].into(),
        reason: Some("typo at the till".into()),
        synchronize: true,
    };
    let operator = SignedIn {
        id: 1,
        name: "kari-operator".into(),
        role: Role::Operator,
    };
    let now = to_micros(chrono::Utc::now());
    let saved = plain::save(db, &operator, &correction, now).await.unwrap();
    assert!(matches!(saved, SaveOutcome::Saved(_)));
    let edit = incoming(
        "k-2",
        &kari,
        OperationKind::Update,
        &[("street", "Bryggen 1")],
    );
    receive(db, &shop.oslo, &[edit]).await;
    receive(
        db,
        &shop.bergen,
        &[create("k-3", &kari_again, KARI_EMAIL, "kari@example.no")],
    )
    .await;
    run_pipeline(db).await;
    assert_eq!(status_of(db, &kari).await, [SyncStatus::Succeeded; 2]);
    assert_eq!(status_of(db, &kari_again).await, [SyncStatus::Failed]);
    let account = db.async_customer_history(&kari).await.unwrap()[0]
        .customer_account
        .clone()
        .unwrap();
    (account, kari, kari_again)
}

/// The rows of `table` in a dossier.
fn rows<'a>(tables: &'a Value, table: &str) -> &'a Vec<Value> {
    tables[table]
        .as_array()
        .unwrap_or_else(|| panic!("{table} is listed"))
}

/// `GET /customer-data.json?query` with `cookie`: the status and the body.
async fn download(db: &Db, cookie: &str, query: &str) -> (u16, String) {
    custsync_tests::get_as(db, cookie, &format!("/customer-data.json?{query}")).await
}

storage_test! {
    async fn a_lookup_by_account_guid_email_or_phone_finds_the_customer_and_all_their_guids(db) {
        let (account, kari, kari_again) = shop(&db).await;
        for lookup in [
            CustomerLookup::Account(account.clone()),
            CustomerLookup::AsyncAccount(kari.to_uppercase()),
            CustomerLookup::Email(" Kari.Nordmann@EXAMPLE.no ".trim().to_owned()),
            CustomerLookup::Phone("+47 (22) 33-44-55".into()),
        ] {
            let keys = db.find_customer(&lookup).await.unwrap();
            assert_eq!(keys.account.as_deref(), Some(account.as_str()), "{lookup:?}");
            assert!(keys.async_accounts.contains(&kari), "{lookup:?}");
            let by_value = matches!(lookup, CustomerLookup::Email(_) | CustomerLookup::Phone(_));
            assert_eq!(keys.async_accounts.contains(&kari_again), by_value, "{lookup:?}");
        }
        // The refused create's GUID alone never made a customer.
        let orphan = db.find_customer(&CustomerLookup::AsyncAccount(kari_again.clone())).await.unwrap();
        assert_eq!((orphan.account, orphan.async_accounts), (None, vec![kari_again]));
        let several = db.find_customer(&CustomerLookup::Email(OLA_EMAIL.into())).await;
        let Err(LookupError::Mistake(LookupMistake::SeveralCustomers { param, accounts })) = several else {
            panic!("Ola has a customer in two legal entities: {several:?}");
        };
        assert_eq!((param, accounts.len()), ("email", 2));
        let unknown = db.find_customer(&CustomerLookup::Email("nobody@example.no".into())).await;
        assert!(matches!(unknown, Err(LookupError::Mistake(LookupMistake::NotFound { param: "email" }))));
    }
}

storage_test! {
    async fn the_document_holds_every_table_with_the_customers_rows_and_nobody_elses(db) {
        let (account, _, _) = shop(&db).await;
        let keys = db.find_customer(&CustomerLookup::Email(KARI_EMAIL.into())).await.unwrap();
        let tables = db.customer_dossier(&keys).await.unwrap();
        assert_eq!(rows(&tables, "customers").len(), 1);
        assert_eq!(rows(&tables, "customers")[0]["account"], account.as_str());
        assert!(!rows(&tables, "customer_addresses").is_empty());
        assert_eq!(rows(&tables, "customer_attribute_values")[0]["value"], "Gold");
        assert_eq!(rows(&tables, "operations").len(), 3, "create, edit, refused create");
        let fields = rows(&tables, "operation_fields");
        assert!(fields.iter().any(|f| f["new_value"] == "Bryggen 1"));
        assert_eq!(fields.iter().filter(|f| f["new_value"] == KARI_EMAIL).count(), 2);
        let change = &rows(&tables, "change_log")[0];
        assert_eq!((&change["before_value"], &change["after_value"]), (&"kari@@example.no".into(), &"kari@example.no".into()));
        assert!(!rows(&tables, "customer_changes").is_empty());
        let feed = rows(&tables, "distribution_feed");
        assert!(!feed.is_empty());
        assert!(feed[0]["payload"].is_object(), "JSON columns are JSON: {}", feed[0]["payload"]);
        let refused = rows(&tables, "operations").iter().find(|o| o["status"] == "failed").unwrap();
        assert!(refused["error_reason"].is_object(), "{}", refused["error_reason"]);
        let inbox = rows(&tables, "channel_inbox").len() as i64;
        assert_eq!(inbox, scalar(&db, "SELECT COUNT(*) FROM channel_inbox i JOIN operations o ON o.channel_id = i.channel_id AND o.channel_operation_id = i.channel_operation_id WHERE o.channel_operation_id LIKE 'k-%'").await);
        let text = tables.to_string();
        assert!(!text.contains(OLA_EMAIL) && !text.contains("Ola Hansen"), "only Kari's rows");
    }
}

storage_test! {
    async fn only_an_admin_downloads_it_bad_lookups_name_their_parameter_and_the_audit_log_keeps_no_value(db) {
        let (account, _, _) = shop(&db).await;
        let admin = session(&db, Role::Admin).await;
        let (status, body) = download(&db, &admin, "email=kari.nordmann%40example.no").await;
        assert_eq!(status, 200, "{body}");
        let document: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(document["customer"]["account"], account.as_str());
        assert_eq!(rows(&document["tables"], "operations").len(), 3);
        let operator = session(&db, Role::Operator).await;
        assert_eq!(download(&db, &operator, &format!("account={account}")).await.0, 403);
        for (query, status, named) in [
            ("", 400, "account:"),
            ("email=kari", 400, "email:"),
            ("phone=12", 400, "phone:"),
            ("account=NO1&email=a%40b.no", 400, "account:"),
            ("email=nobody%40example.no", 404, "email:"),
            ("email=ola.hansen%40example.no", 400, "email:"),
        ] {
            let (got, text) = download(&db, &admin, query).await;
            assert_eq!(got, status, "{query}: {text}");
            assert!(text.starts_with(named), "{query}: {text}");
        }
        let audit = db.audit_log(10).await.unwrap();
        let line = audit.iter().find(|a| a.action == "customer.export").unwrap();
        assert!(line.subject.contains(&account), "{}", line.subject);
        assert!(!line.subject.contains("kari"), "no value in the audit log: {}", line.subject);
    }
}

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
        let (account, kari, kari_again) = shop(&db).await;
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
        let (account, kari, kari_again) = shop(&db).await;
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
    let (account, _, _) = shop(&db).await;
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
