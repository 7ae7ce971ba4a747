//! Two people for the tests of a customer's data (access and erasure): Kari, with a
//! corrected create, an edit and a refused second create; Ola, a customer of two legal
//! entities with one email.

use app::{
    functions::corrections::plain,
    model::{Correction, OperationKind, Role, SaveOutcome, SignedIn, SyncStatus},
    storage::{to_micros, Db},
};

use crate::{guid, incoming, receive, retailer, run_pipeline, status_of};

pub const KARI_EMAIL: &str = "kari.nordmann@example.no";
pub const OLA_EMAIL: &str = "ola.hansen@example.no";

/// Kari: a create in Oslo that failed on its receipt email and was corrected (a change-log
/// line), an edit of her street, and a create in Bergen with her email again (held as a
/// possible duplicate of her: a GUID without a customer). Ola: a customer in Oslo and one in London with the
/// same email. Returns Kari's account and her two GUIDs.
pub async fn kari_and_ola(db: &Db) -> (String, String, String) {
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
    assert_eq!(
        status_of(db, &kari_again).await,
        [SyncStatus::PossibleDuplicate]
    );
    let account = db.async_customer_history(&kari).await.unwrap()[0]
        .customer_account
        .clone()
        .unwrap();
    (account, kari, kari_again)
}
