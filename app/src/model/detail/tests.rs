//! The grid's order and what it marks.

use super::*;

fn field(key: &str, old: Option<&str>, new: Option<&str>) -> OperationField {
    OperationField {
        field: key.into(),
        old_value: old.map(Into::into),
        new_value: new.map(Into::into),
    }
}

#[test]
fn the_grid_lists_standard_fields_first_and_marks_the_failing_one() {
    let rows = GridRow::build(
        &[
            field("attr:loyalty_tier", None, Some("Gold")),
            field("email", None, Some("x")),
            field("name", None, Some("Kari")),
        ],
        &[],
        Some("email"),
        |key| (key == "name").then(|| "Kari N".to_owned()),
    );
    let keys: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(keys, ["name", "email", "attr:loyalty_tier"]);
    assert!(rows[1].failing && !rows[0].failing);
    assert_eq!(rows[0].hq_value.as_deref(), Some("Kari N"));
    assert_eq!(rows[0].label_nb, "Navn");
}

fn detail_of(history: Vec<OperationSummary>, id: i64) -> OperationDetail {
    let state = history.iter().find(|op| op.id == id).unwrap().clone();
    OperationDetail {
        state: OperationState {
            summary: state,
            retry_count: 0,
            last_error: None,
            version: 1,
        },
        channel_operation_id: "x".into(),
        legal_entity_id: "NO01".into(),
        upload_session_id: None,
        received_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
        customer_account: None,
        grid: Vec::new(),
        history,
        changes: Vec::new(),
        duplicate: None,
    }
}

#[test]
fn a_waiting_edit_names_the_latest_earlier_operation_that_has_not_succeeded() {
    use OperationKind::{Create, Update};
    let history = vec![
        OperationSummary::sample(1, Create, SyncStatus::Failed),
        OperationSummary::sample(2, Update, SyncStatus::Succeeded),
        OperationSummary::sample(3, Update, SyncStatus::Waiting),
        OperationSummary::sample(4, Update, SyncStatus::Waiting),
    ];
    assert_eq!(
        detail_of(history.clone(), 3).waiting_for().map(|op| op.id),
        Some(1)
    );
    assert_eq!(
        detail_of(history.clone(), 4).waiting_for().map(|op| op.id),
        Some(3)
    );
    assert_eq!(
        detail_of(history, 1).waiting_for(),
        None,
        "only a Waiting one waits"
    );
}
