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
