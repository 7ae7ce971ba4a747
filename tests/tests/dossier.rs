//! A customer's data as one document (GDPR article 15), on SQLite and PostgreSQL: a lookup by
//! account, GUID, email or phone finds the customer and every GUID they have; the document
//! holds the rows of every table that has their data and nobody else's; bad lookups are
//! refused naming their parameter; only admins may download it; each export is an audit line
//! that names the account, not the value asked by.

use app::{
    model::{
        dossier::{CustomerLookup, LookupMistake},
        Role,
    },
    storage::{dossier::LookupError, Db},
};
use custsync_tests::{kari_and_ola, scalar, session, storage_test, KARI_EMAIL, OLA_EMAIL};
use serde_json::Value;

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
        let (account, kari, kari_again) = kari_and_ola(&db).await;
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
        let (account, _, _) = kari_and_ola(&db).await;
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
        let held = rows(&tables, "operations").iter().find(|o| o["status"] == "possible_duplicate").unwrap();
        assert_eq!(held["duplicate_of"], account.as_str());
        let keys = rows(&tables, "customer_match_keys");
        assert!(keys.iter().any(|k| k["rule"] == "email" && k["match_key"] == KARI_EMAIL), "{keys:?}");
        let inbox = rows(&tables, "channel_inbox").len() as i64;
        assert_eq!(inbox, scalar(&db, "SELECT COUNT(*) FROM channel_inbox i JOIN operations o ON o.channel_id = i.channel_id AND o.channel_operation_id = i.channel_operation_id WHERE o.channel_operation_id LIKE 'k-%'").await);
        let text = tables.to_string();
        assert!(!text.contains(OLA_EMAIL) && !text.contains("Ola Hansen"), "only Kari's rows");
    }
}

storage_test! {
    async fn only_an_admin_downloads_it_bad_lookups_name_their_parameter_and_the_audit_log_keeps_no_value(db) {
        let (account, _, _) = kari_and_ola(&db).await;
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
