//! A small retailer and its channels' operations, for tests of the pipeline: the set-up, the
//! operations a channel sends, and running the jobs over them.

use app::{
    model::{
        channel_api::IncomingOperation, AttributeDefinition, AttributeType, Channel, ChannelKind,
        LegalEntity, OperationField, OperationKind, ReferenceKind,
    },
    storage::{customers::NumberSequence, Db},
};

/// A small retailer for pipeline tests: Oslo and Bergen stores of Nordlys Retail AS (NO01),
/// a London store of Northern Lights Retail Ltd (GB01), number sequences, reference data and one
/// attribute of each entity (`loyalty_tier`: Bronze, Silver or Gold).
pub struct Retailer {
    pub oslo: Channel,
    pub bergen: Channel,
    pub london: Channel,
}

/// Adds [`Retailer`] to an empty database. `no_sequence_max` caps NO01's account numbers.
pub async fn retailer_with(db: &Db, no_sequence_max: i64) -> Retailer {
    for (id, name, currency) in [
        ("NO01", "Nordlys Retail AS", "NOK"),
        ("GB01", "Northern Lights Retail Ltd", "GBP"),
    ] {
        db.upsert_legal_entity(&LegalEntity {
            id: id.into(),
            name: name.into(),
            currency: currency.into(),
        })
        .await
        .unwrap();
    }
    for (entity, prefix, max) in [("NO01", "NO", no_sequence_max), ("GB01", "GB", 999_999)] {
        db.ensure_number_sequence(&NumberSequence {
            legal_entity_id: entity.into(),
            prefix: prefix.into(),
            next_value: 1,
            max_value: max,
            width: 7,
        })
        .await
        .unwrap();
        db.insert_attribute_definition(&AttributeDefinition {
            id: 0,
            legal_entity_id: entity.into(),
            name: "loyalty_tier".into(),
            label_en: "Loyalty tier".into(),
            label_nb: "Kundeklubbnivå".into(),
            group_name: "Loyalty".into(),
            group_name_nb: None,
            attribute_type: AttributeType::Text {
                allowed: vec!["Bronze".into(), "Silver".into(), "Gold".into()],
            },
            default_value: None,
        })
        .await
        .unwrap();
    }
    let all = app::storage::reference::ALL_LEGAL_ENTITIES;
    for (kind, codes) in [
        (
            ReferenceKind::CustomerGroup,
            &[("RETAIL", "Retail"), ("STAFF", "Staff")][..],
        ),
        (
            ReferenceKind::Currency,
            &[("NOK", "Krone"), ("GBP", "Pound")][..],
        ),
        (
            ReferenceKind::Language,
            &[("nb-NO", "Norsk"), ("en-GB", "English")][..],
        ),
        (
            ReferenceKind::Country,
            &[("NO", "Norway"), ("GB", "United Kingdom")][..],
        ),
    ] {
        db.add_reference_values(kind, all, codes).await.unwrap();
    }
    let channel = |code: &str, name: &str, entity: &str, country: &str| Channel {
        id: 0,
        code: code.into(),
        name: name.into(),
        kind: ChannelKind::Store,
        legal_entity_id: entity.into(),
        country: country.into(),
        default_customer_group: "RETAIL".into(),
        default_currency: if entity == "NO01" { "NOK" } else { "GBP" }.into(),
        default_language: if entity == "NO01" { "nb-NO" } else { "en-GB" }.into(),
        default_receipt_option: "Email".into(),
    };
    Retailer {
        oslo: db
            .insert_channel(&channel("OSL", "Oslo Karl Johan", "NO01", "NO"))
            .await
            .unwrap(),
        bergen: db
            .insert_channel(&channel("BGO", "Bergen Storsenter", "NO01", "NO"))
            .await
            .unwrap(),
        london: db
            .insert_channel(&channel("LON", "London Oxford Street", "GB01", "GB"))
            .await
            .unwrap(),
    }
}

/// [`retailer_with`] and a sequence with room for a million accounts.
pub async fn retailer(db: &Db) -> Retailer {
    retailer_with(db, 999_999).await
}

/// A new async customer account.
pub fn guid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An operation as a channel sends it, with `(field, new value)` pairs.
pub fn incoming(
    id: &str,
    async_account: &str,
    kind: OperationKind,
    fields: &[(&str, &str)],
) -> IncomingOperation {
    IncomingOperation {
        channel_operation_id: id.into(),
        async_account: async_account.into(),
        customer_account: None,
        kind,
        operation_at: chrono::Utc::now(),
        fields: fields
            .iter()
            .map(|(field, value)| OperationField {
                field: (*field).into(),
                old_value: None,
                new_value: Some((*value).into()),
            })
            .collect(),
    }
}

/// `n` creates of new customers named “Kunde”, each with an async account of its own; their
/// channel operation ids are `{prefix}-0`, `{prefix}-1` …
pub fn plain_creates(prefix: &str, n: i64) -> Vec<IncomingOperation> {
    (0..n)
        .map(|i| {
            incoming(
                &format!("{prefix}-{i}"),
                &guid(),
                OperationKind::Create,
                &[("name", "Kunde")],
            )
        })
        .collect()
}

/// `n` creates of customers whose receipt emails have a doubled `@` (`kunde{i}@@example.no`):
/// each fails Synchronize customers on `receipt_email`. Channel operation ids `{prefix}-{i}`.
pub fn doubled_at_creates(prefix: &str, n: usize) -> Vec<IncomingOperation> {
    (0..n)
        .map(|i| {
            incoming(
                &format!("{prefix}-{i}"),
                &guid(),
                OperationKind::Create,
                &[
                    ("name", "Kunde"),
                    ("receipt_option", "Email"),
                    ("receipt_email", &format!("kunde{i}@@example.no")),
                ],
            )
        })
        .collect()
}

/// The status list's query of the operations [`doubled_at_creates`] makes fail.
pub const DOUBLED_AT_FAILURES: &str =
    "status=failed&error=invalid_email.receipt_email.invalid_email";

/// The bulk rule that mends [`doubled_at_creates`]: `@@` → `@` in the receipt email.
pub fn doubled_at_fix() -> app::model::Rule {
    app::model::Rule {
        field: "receipt_email".into(),
        change: app::model::RuleChange::Replace {
            find: "@@".into(),
            with: "@".into(),
        },
    }
}

/// Puts operations into `channel`'s inbox, as the API does.
pub async fn receive(db: &Db, channel: &Channel, ops: &[IncomingOperation]) -> Vec<i64> {
    let items: Vec<(String, String)> = ops
        .iter()
        .map(|op| {
            (
                op.channel_operation_id.clone(),
                serde_json::to_string(op).unwrap(),
            )
        })
        .collect();
    db.receive_operations(
        channel.id,
        &items,
        app::storage::to_micros(chrono::Utc::now()),
    )
    .await
    .unwrap()
}

/// The jobs of a test instance.
pub fn jobs_of(db: &Db) -> app::jobs::Jobs {
    app::jobs::Jobs::new(db.clone(), "test-instance".into())
}

/// Runs the three jobs to the end of their work, in pipeline order.
pub async fn run_pipeline(db: &Db) {
    let mut jobs = jobs_of(db);
    for job in app::model::JobName::ALL {
        app::jobs::execute(&mut jobs, *job, app::model::JobTrigger::RunNow, false)
            .await
            .unwrap();
    }
}

/// The statuses of an async customer's operations, in the order they apply.
pub async fn status_of(db: &Db, async_account: &str) -> Vec<app::model::SyncStatus> {
    db.async_customer_history(async_account)
        .await
        .unwrap()
        .iter()
        .map(|op| op.status)
        .collect()
}

/// A complete create of Kari Nordmann in Bergen (with a custom attribute).
pub const KARI: &[(&str, &str)] = &[
    ("name", "Kari Nordmann"),
    ("email", "kari.nordmann@example.no"),
    ("street", "Strandgaten 12"),
    ("city", "Bergen"),
    ("zip", "5013"),
    ("country", "NO"),
    ("attr:loyalty_tier", "Gold"),
];
