//! Limits and a preview's counts, without a database.

use super::*;

fn person(role: Role) -> SignedIn {
    SignedIn {
        id: 1,
        name: "kari".into(),
        role,
    }
}

#[test]
fn an_operator_acts_on_at_most_ten_thousand_operations_and_an_admin_on_more() {
    let operator = person(Role::Operator);
    assert!(check_size(&operator, OPERATOR_LIMIT).is_ok());
    let refused = check_size(&operator, OPERATOR_LIMIT + 1);
    assert!(
        matches!(&refused, Err(AppError::Validation { field, message }) if field == "selection" && message.contains("ask an admin")),
        "{refused:?}"
    );
    assert!(check_size(&person(Role::Admin), OPERATOR_LIMIT + 1).is_ok());
    assert!(check_size(&person(Role::Admin), ADMIN_LIMIT + 1).is_err());
    assert!(check_size(&operator, 0).is_err(), "an empty selection");
}

#[test]
fn a_preview_counts_changes_passes_failures_and_leftovers() {
    let item = |id: i64, outcome: Option<BulkOutcome>, detail: Option<&str>| NewBulkItem {
        operation_id: id,
        version: 1,
        before: Some("a@@b.no".into()),
        after: Some("a@b.no".into()),
        outcome,
        detail: detail.map(str::to_owned),
    };
    let items = [
        item(1, None, None),
        item(2, None, Some("required.name.required")),
        item(3, None, None),
        item(4, Some(BulkOutcome::Skipped), Some("unchanged")),
        item(5, Some(BulkOutcome::Skipped), Some("editing")),
        item(6, None, Some("required.name.required")),
    ];
    let preview = summarize(9, &items);
    assert_eq!(
        (preview.selected, preview.changes, preview.will_pass),
        (6, 4, 2)
    );
    assert_eq!(
        preview.still_fail,
        [("required.name.required".to_owned(), 2)]
    );
    assert_eq!(preview.left_out.len(), 2);
    let sampled: Vec<i64> = preview.sample.iter().map(|i| i.operation_id).collect();
    assert_eq!(sampled, [1, 2, 3, 6], "only changes, in order");
}
