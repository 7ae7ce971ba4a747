//! Possible duplicates, on SQLite and PostgreSQL: a create that looks like an existing customer
//! of its legal entity — by email, by phone, or by name and address, each compared normalized —
//! waits as Possible duplicate instead of becoming a second customer; Link maps its async
//! account to the existing customer (the feed says so, the edits behind it follow), Create
//! anyway makes a new customer unless the email is the same, Correct goes through the editor;
//! each decision is a line in the change log, and one on an operation that moved on changes
//! nothing.

use app::{
    functions::corrections::plain,
    model::{
        channel_api::CustomerChange,
        duplicate::{DuplicateDecision, DuplicateRefusal, MatchRule},
        Channel, Correction, OperationFilter, OperationKind, Role, SaveOutcome, SignedIn,
        SyncStatus,
    },
    storage::{to_micros, Db},
};
use custsync_tests::{
    guid, incoming, receive, retailer, run_pipeline, scalar, status_of, storage_test,
};

/// Kari as the Oslo store created her: returns her GUID and account.
async fn kari_in_oslo(db: &Db, oslo: &Channel) -> (String, String) {
    let kari = guid();
    let create = incoming(
        "kari-1",
        &kari,
        OperationKind::Create,
        &[
            ("name", "Kari Nordmann"),
            ("email", "kari.nordmann@example.no"),
            ("phone", "22 33 44 55"),
            ("street", "Strandgaten 12"),
            ("zip", "5013"),
            ("city", "Bergen"),
            ("country", "NO"),
        ],
    );
    receive(db, oslo, &[create]).await;
    run_pipeline(db).await;
    let first = &db.async_customer_history(&kari).await.unwrap()[0];
    let state = db.operation_state(first.id).await.unwrap().unwrap();
    assert_eq!(
        status_of(db, &kari).await,
        [SyncStatus::Succeeded],
        "{:?}",
        state.last_error
    );
    let account = account_of(db, &kari).await.expect("Kari has an account");
    (kari, account)
}

/// A create of `fields` from `channel` under a new GUID, run through the jobs: its GUID.
async fn create(db: &Db, channel: &Channel, id: &str, fields: &[(&str, &str)]) -> String {
    let async_account = guid();
    receive(
        db,
        channel,
        &[incoming(id, &async_account, OperationKind::Create, fields)],
    )
    .await;
    run_pipeline(db).await;
    let first = &db.async_customer_history(&async_account).await.unwrap()[0];
    let state = db.operation_state(first.id).await.unwrap().unwrap();
    assert_ne!(
        state.summary.status,
        SyncStatus::Failed,
        "{id}: {:?}",
        state.last_error
    );
    async_account
}

async fn account_of(db: &Db, async_account: &str) -> Option<String> {
    db.async_customer_history(async_account).await.unwrap()[0]
        .customer_account
        .clone()
}

/// The first operation of `async_account`: its id, version, and what it may duplicate.
async fn held(db: &Db, async_account: &str) -> (i64, i64, Option<(String, Vec<MatchRule>)>) {
    let id = db.async_customer_history(async_account).await.unwrap()[0].id;
    let detail = db.operation_detail(id).await.unwrap().unwrap();
    let duplicate = detail.duplicate.map(|d| (d.existing_account, d.rules));
    (id, detail.state.version, duplicate)
}

fn operator() -> SignedIn {
    SignedIn {
        id: 1,
        name: "dup-operator".into(),
        role: Role::Operator,
    }
}

fn now() -> i64 {
    to_micros(chrono::Utc::now())
}

storage_test! {
    async fn a_create_with_a_customers_email_in_other_case_waits_as_a_possible_duplicate(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        let again = create(&db, &shop.bergen, "kari-2", &[
            ("name", "K. Nordmann"),
            ("email", "Kari.Nordmann@EXAMPLE.no"),
        ]).await;
        let first = &db.async_customer_history(&again).await.unwrap()[0];
        let state = db.operation_state(first.id).await.unwrap().unwrap();
        assert_eq!(status_of(&db, &again).await, [SyncStatus::PossibleDuplicate], "{:?}", state.last_error);
        let (_, _, duplicate) = held(&db, &again).await;
        assert_eq!(duplicate, Some((kari, vec![MatchRule::Email])));
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 1, "no second customer");
        let counts = db.status_counts().await.unwrap();
        assert!(counts.contains(&(SyncStatus::PossibleDuplicate, 1)), "{counts:?}");
    }
}

storage_test! {
    async fn a_create_with_the_same_phone_written_otherwise_is_a_possible_duplicate(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        // Bergen is in Norway too: "+47 223 34 455" and Oslo's "22 33 44 55" are one number.
        let again = create(&db, &shop.bergen, "kari-2", &[
            ("name", "Kari Olsen"),
            ("cellular_phone", "+47 223 34 455"),
        ]).await;
        assert_eq!(held(&db, &again).await.2, Some((kari, vec![MatchRule::Phone])));
    }
}

storage_test! {
    async fn the_same_name_and_address_without_diacritics_or_spacing_is_a_possible_duplicate(db) {
        let shop = retailer(&db).await;
        let soren = create(&db, &shop.oslo, "soren-1", &[
            ("name", "Søren Ødegård"),
            ("street", "Strandgaten"),
            ("street_number", "12"),
            ("zip", "5013"),
            ("city", "Bergen"),
            ("country", "NO"),
        ]).await;
        let account = account_of(&db, &soren).await.unwrap();
        let again = create(&db, &shop.bergen, "soren-2", &[
            ("name", "SOREN  ODEGARD"),
            ("street", "Strandgaten 12"),
            ("zip", "5013"),
            ("city", "BERGEN"),
            ("country", "NO"),
        ]).await;
        assert_eq!(held(&db, &again).await.2, Some((account, vec![MatchRule::NameAddress])));
        // The comparison marks what matched.
        let (id, _, _) = held(&db, &again).await;
        let comparison = db.operation_detail(id).await.unwrap().unwrap().duplicate.unwrap();
        let same: Vec<&str> = comparison.fields.iter().filter(|f| f.same).map(|f| f.field.as_str()).collect();
        assert_eq!(same, ["name", "zip", "city", "country"], "{comparison:?}");
    }
}

storage_test! {
    async fn a_create_like_no_customer_becomes_one_and_other_entities_are_not_compared(db) {
        let shop = retailer(&db).await;
        kari_in_oslo(&db, &shop.oslo).await;
        // Same name, another address: not enough.
        let namesake = create(&db, &shop.bergen, "kari-2", &[
            ("name", "Kari Nordmann"),
            ("street", "Bryggen 1"),
            ("zip", "5003"),
            ("city", "Bergen"),
            ("country", "NO"),
        ]).await;
        assert_eq!(status_of(&db, &namesake).await, [SyncStatus::Succeeded]);
        // The same email in another legal entity is another customer.
        let in_london = create(&db, &shop.london, "kari-3", &[
            ("name", "Kari Nordmann"),
            ("email", "kari.nordmann@example.no"),
        ]).await;
        assert_eq!(status_of(&db, &in_london).await, [SyncStatus::Succeeded]);
    }
}

storage_test! {
    async fn two_creates_of_one_person_in_one_batch_make_one_customer_and_one_possible_duplicate(db) {
        let shop = retailer(&db).await;
        let (first, second) = (guid(), guid());
        let fields = [("name", "Ola Hansen"), ("email", "ola@example.no")];
        receive(&db, &shop.oslo, &[
            incoming("ola-1", &first, OperationKind::Create, &fields),
            incoming("ola-2", &second, OperationKind::Create, &fields),
        ]).await;
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &first).await, [SyncStatus::Succeeded]);
        assert_eq!(status_of(&db, &second).await, [SyncStatus::PossibleDuplicate]);
        let account = account_of(&db, &first).await.unwrap();
        assert_eq!(held(&db, &second).await.2.map(|d| d.0), Some(account));
    }
}

storage_test! {
    async fn link_maps_the_async_account_to_the_customer_and_releases_the_edits_behind_it(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        let again = guid();
        receive(&db, &shop.bergen, &[
            incoming("kari-2", &again, OperationKind::Create, &[("name", "Kari N."), ("email", "kari.nordmann@example.no")]),
            incoming("kari-3", &again, OperationKind::Update, &[("street", "Bryggen 1")]),
        ]).await;
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &again).await, [SyncStatus::PossibleDuplicate, SyncStatus::Waiting]);
        let (id, version, _) = held(&db, &again).await;

        db.decide_duplicate(id, version, DuplicateDecision::Link, "dup-operator", now())
            .await.unwrap().unwrap();
        assert_eq!(status_of(&db, &again).await, [SyncStatus::Succeeded, SyncStatus::Pending]);
        assert_eq!(account_of(&db, &again).await.as_deref(), Some(kari.as_str()));
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &again).await, [SyncStatus::Succeeded; 2]);
        // The edit applied to the existing customer, whose values the link kept.
        let street = scalar(&db, &format!(
            "SELECT COUNT(*) FROM customer_addresses WHERE customer_account = '{kari}' AND street = 'Bryggen 1'"
        )).await;
        assert_eq!(street, 1);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers").await, 1);
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customers WHERE name = 'Kari Nordmann'").await, 1);

        // The channel learns the mapping through the feed, as for a new account.
        let feed = db.feed_page(shop.bergen.id, Some(0), 1_000).await.unwrap();
        let linked: Vec<_> = feed.customers.iter().filter(|c| c.change == CustomerChange::Linked).collect();
        assert_eq!(linked.len(), 1, "{feed:?}");
        assert_eq!((linked[0].account.as_str(), linked[0].async_account.as_deref()), (kari.as_str(), Some(again.as_str())));
        assert_eq!(linked[0].fields.get("name").map(String::as_str), Some("Kari Nordmann"));

        // Logged, and a second Link on the same operation is refused.
        assert_eq!(scalar(&db, &format!(
            "SELECT COUNT(*) FROM change_log WHERE operation_id = {id} AND action = 'link' \
             AND actor = 'dup-operator' AND after_value = '{kari}'"
        )).await, 1);
        let again_refused = db.decide_duplicate(id, version, DuplicateDecision::Link, "dup-operator", now()).await.unwrap();
        assert_eq!(again_refused, Err(DuplicateRefusal::ChangedMeanwhile));
    }
}

storage_test! {
    async fn create_anyway_makes_a_second_customer_when_the_email_differs(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        // Her daughter, at the same phone and address, with her own email.
        let daughter = create(&db, &shop.bergen, "kari-jr", &[
            ("name", "Kari Nordmann"),
            ("email", "kari.jr@example.no"),
            ("phone", "+4722334455"),
            ("street", "Strandgaten 12"),
            ("zip", "5013"),
            ("city", "Bergen"),
            ("country", "NO"),
        ]).await;
        let (id, version, duplicate) = held(&db, &daughter).await;
        assert_eq!(duplicate, Some((kari.clone(), vec![MatchRule::Phone, MatchRule::NameAddress])));
        db.decide_duplicate(id, version, DuplicateDecision::CreateAnyway, "dup-operator", now())
            .await.unwrap().unwrap();
        assert_eq!(status_of(&db, &daughter).await, [SyncStatus::Pending]);
        run_pipeline(&db).await;
        assert_eq!(status_of(&db, &daughter).await, [SyncStatus::Succeeded]);
        let account = account_of(&db, &daughter).await.unwrap();
        assert_ne!(account, kari);
        assert_eq!(scalar(&db, &format!(
            "SELECT COUNT(*) FROM change_log WHERE operation_id = {id} AND action = 'create_anyway'"
        )).await, 1);
    }
}

storage_test! {
    async fn create_anyway_is_refused_while_the_email_is_the_same(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        let again = create(&db, &shop.bergen, "kari-2", &[("name", "Kari"), ("email", "KARI.NORDMANN@example.no")]).await;
        let (id, version, _) = held(&db, &again).await;
        let refused = db
            .decide_duplicate(id, version, DuplicateDecision::CreateAnyway, "dup-operator", now())
            .await.unwrap();
        assert_eq!(refused, Err(DuplicateRefusal::SameEmail { owner: kari }));
        assert_eq!(status_of(&db, &again).await, [SyncStatus::PossibleDuplicate]);
        assert_eq!(held(&db, &again).await.1, version, "nothing changed");
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM change_log").await, 0);
        // A stale page's decision is refused too.
        let stale = db
            .decide_duplicate(id, version - 1, DuplicateDecision::Link, "dup-operator", now())
            .await.unwrap();
        assert_eq!(stale, Err(DuplicateRefusal::ChangedMeanwhile));
    }
}

storage_test! {
    async fn correct_opens_a_possible_duplicate_in_the_editor_and_save_checks_it_again(db) {
        let shop = retailer(&db).await;
        kari_in_oslo(&db, &shop.oslo).await;
        let typo = create(&db, &shop.bergen, "ola-1", &[("name", "Ola Hansen"), ("email", "kari.nordmann@example.no")]).await;
        let (id, _, _) = held(&db, &typo).await;
        plain::start(&db, &operator(), id, now()).await.unwrap();
        assert_eq!(status_of(&db, &typo).await, [SyncStatus::Editing]);
        // Cancel goes back to Possible duplicate.
        db.release_editing(id, "dup-operator").await.unwrap();
        assert_eq!(status_of(&db, &typo).await, [SyncStatus::PossibleDuplicate]);
        let session = plain::start(&db, &operator(), id, now()).await.unwrap();
        let correction = Correction {
            operation_id: id,
            version: session.detail.state.version,
            values: [("email".to_owned(), "ola.hansen@example.no".to_owned())].into(),
            reason: Some("the till took the wrong email".into()),
            synchronize: true,
        };
        let saved = plain::save(&db, &operator(), &correction, now()).await.unwrap();
        assert!(matches!(saved, SaveOutcome::Saved(_)), "{saved:?}");
        assert_eq!(status_of(&db, &typo).await, [SyncStatus::Succeeded]);
    }
}

storage_test! {
    async fn customers_from_before_the_keys_are_keyed_and_then_matched(db) {
        let shop = retailer(&db).await;
        let (_, kari) = kari_in_oslo(&db, &shop.oslo).await;
        // As after the upgrade that brought the keys.
        sqlx::query("DELETE FROM customer_match_keys").execute(db.pool()).await.unwrap();
        sqlx::query("UPDATE customers SET keyed_at = NULL").execute(db.pool()).await.unwrap();
        assert_eq!(db.customers_to_key().await.unwrap(), 1);
        assert_eq!(db.key_all_customers().await.unwrap(), 1);
        assert_eq!(db.customers_to_key().await.unwrap(), 0);
        // Email, phone, name and address.
        assert_eq!(scalar(&db, "SELECT COUNT(*) FROM customer_match_keys").await, 3);
        let again = create(&db, &shop.bergen, "kari-2", &[("name", "Kari"), ("phone", "22334455")]).await;
        assert_eq!(held(&db, &again).await.2, Some((kari, vec![MatchRule::Phone])));
    }
}

storage_test! {
    async fn an_update_rekeys_its_customer(db) {
        let shop = retailer(&db).await;
        let (kari_guid, kari) = kari_in_oslo(&db, &shop.oslo).await;
        let edit = incoming("kari-2", &kari_guid, OperationKind::Update, &[("email", "kari@nordmann.no")]);
        receive(&db, &shop.oslo, &[edit]).await;
        run_pipeline(&db).await;
        // Her old email is free again; her new one is hers.
        let old = create(&db, &shop.bergen, "x-1", &[("name", "X"), ("email", "kari.nordmann@example.no")]).await;
        assert_eq!(status_of(&db, &old).await, [SyncStatus::Succeeded]);
        let new = create(&db, &shop.bergen, "x-2", &[("name", "Y"), ("email", "kari@nordmann.no")]).await;
        assert_eq!(held(&db, &new).await.2, Some((kari, vec![MatchRule::Email])));
    }
}

storage_test! {
    async fn the_failures_page_counts_possible_duplicates_per_channel(db) {
        let shop = retailer(&db).await;
        kari_in_oslo(&db, &shop.oslo).await;
        for (i, channel) in [&shop.bergen, &shop.bergen, &shop.oslo].into_iter().enumerate() {
            create(&db, channel, &format!("dup-{i}"), &[("name", "K"), ("email", "kari.nordmann@example.no")]).await;
        }
        let groups = db.failure_groups(&OperationFilter::default()).await.unwrap();
        let duplicates = groups.possible_duplicates.expect("a group of possible duplicates");
        assert_eq!(duplicates.count, 3);
        let per_channel: Vec<(i64, i64)> = duplicates.channels.iter().map(|c| (c.id, c.n)).collect();
        assert_eq!(per_channel, [(shop.bergen.id, 2), (shop.oslo.id, 1)]);
        let in_oslo = OperationFilter { channel: Some(shop.oslo.id), ..OperationFilter::default() };
        let groups = db.failure_groups(&in_oslo).await.unwrap();
        assert_eq!(groups.possible_duplicates.map(|d| d.count), Some(1));
    }
}
