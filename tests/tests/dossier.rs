//! A customer's data as one document (GDPR article 15) on SQLite and PostgreSQL: a lookup by
//! account, GUID, email or phone finds the customer and every GUID they have; the document
//! holds the rows of every table that has their data and nobody else's; bad lookups are
//! refused naming their parameter; only admins may download it; each export is an audit line
//! that names the account, not the value asked by.

use app::{
    functions::corrections::plain,
    model::{
        dossier::{CustomerLookup, LookupMistake},
        Correction, OperationKind, Role, SaveOutcome, SignedIn, SyncStatus,
    },
    storage::{dossier::LookupError, to_micros, Db},
};
use axum::{body::Body, http::Request};
use custsync_tests::{
    guid, incoming, receive, retailer, run_pipeline, scalar, session, status_of, storage_test,
};
use serde_json::Value;
use tower::ServiceExt;

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
    let answer = custsync_tests::router(db)
        .oneshot(
            Request::get(format!("/customer-data.json?{query}"))
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = answer.status().as_u16();
    let bytes = axum::body::to_bytes(answer.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
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
        let line = audit.iter().find(|a| a.action == "customer data export").unwrap();
        assert!(line.subject.contains(&account), "{}", line.subject);
        assert!(!line.subject.contains("kari"), "no value in the audit log: {}", line.subject);
    }
}
