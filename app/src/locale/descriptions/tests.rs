//! The change description's sentences, in both languages.

use super::*;
use crate::model::{
    detail::OperationDetail, GridRow, LastError, OperationField, OperationKind, OperationState,
    OperationSummary, Reason, SyncStatus,
};

fn field(key: &str, old: Option<&str>, new: Option<&str>) -> OperationField {
    OperationField {
        field: key.into(),
        old_value: old.map(Into::into),
        new_value: new.map(Into::into),
    }
}

fn detail(kind: OperationKind, status: SyncStatus, fields: &[OperationField]) -> OperationDetail {
    let summary = OperationSummary::sample(7, kind, status);
    OperationDetail {
        state: OperationState {
            summary: summary.clone(),
            retry_count: 0,
            last_error: None,
            version: 1,
        },
        channel_operation_id: "BGO-1".into(),
        legal_entity_id: "NO01".into(),
        upload_session_id: Some(1),
        received_at: summary.operation_at,
        updated_at: summary.operation_at,
        customer_account: None,
        grid: GridRow::build(fields, &[], None, |_| None),
        history: vec![summary],
        changes: Vec::new(),
        duplicate: None,
    }
}

#[test]
fn a_create_names_the_channel_the_customer_and_how_many_fields() {
    let d = detail(
        OperationKind::Create,
        SyncStatus::Pending,
        &[
            field("name", None, Some("Kari Nordmann")),
            field("email", None, Some("kari@example.no")),
            field("city", None, Some("Bergen")),
        ],
    );
    assert_eq!(
        ChangeDescription::of(&d).sentence(Locale::en),
        "Customer created in Bergen Storsenter: Kari Nordmann, 3 fields"
    );
}

#[test]
fn the_sentence_is_said_in_norwegian_too() {
    let create = detail(
        OperationKind::Create,
        SyncStatus::Pending,
        &[field("name", None, Some("Kari Nordmann"))],
    );
    assert_eq!(
        ChangeDescription::of(&create).sentence(Locale::nb),
        "Kunde opprettet i Bergen Storsenter: Kari Nordmann, 1 felt"
    );
    let update = detail(
        OperationKind::Update,
        SyncStatus::Succeeded,
        &[field("email", Some("a@example.no"), Some("b@example.no"))],
    );
    assert_eq!(
        ChangeDescription::of(&update).sentence(Locale::nb),
        "Kontoendring: e-post endret"
    );
}

#[test]
fn an_update_lists_the_fields_whose_value_changes() {
    let d = detail(
        OperationKind::Update,
        SyncStatus::Succeeded,
        &[
            field("email", Some("a@example.no"), Some("b@example.no")),
            field("phone", Some("+47 1"), Some("+47 2")),
            field("city", Some("Bergen"), Some("Bergen")),
        ],
    );
    assert_eq!(
        ChangeDescription::of(&d).sentence(Locale::en),
        "Account update: phone and email changed"
    );
}

#[test]
fn a_failure_is_described_by_what_it_tried_to_do_not_by_its_error() {
    let mut d = detail(
        OperationKind::Create,
        SyncStatus::Failed,
        &[field("receipt_email", None, Some("ola@@example"))],
    );
    d.state.last_error = Some(LastError {
        code: "invalid_email".into(),
        field: Some("receipt_email".into()),
        message: "“ola@@example” is not a valid email address".into(),
        reason: Some(Reason::InvalidEmail {
            value: "ola@@example".into(),
        }),
    });
    let description = ChangeDescription::of(&d).sentence(Locale::en);
    assert!(
        description.starts_with("Customer created in "),
        "{description}"
    );
    assert!(!description.contains("ola@@example"), "{description}");
}

#[test]
fn long_lists_of_names_are_cut_short() {
    let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
    assert_eq!(join_names(Locale::en, &names[..2]), "a and b");
    assert_eq!(join_names(Locale::en, &names[..4]), "a, b, c and d");
    assert_eq!(join_names(Locale::en, &names), "a, b, c and 2 more fields");
    assert_eq!(join_names(Locale::nb, &names[..3]), "a, b og c");
}
