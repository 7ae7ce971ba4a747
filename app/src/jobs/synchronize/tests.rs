//! Tests of the Synchronize job's set-based writes.
use super::new_customers::{column_reads, column_value};
use serde_json::Value;

#[test]
fn flags_are_stored_as_integers_and_other_columns_as_text() {
    assert_eq!(column_value("blocked", Some("1")), Value::from(1));
    assert_eq!(column_value("blocked", None), Value::from(0));
    assert_eq!(column_value("email", None), Value::Null);
    assert_eq!(
        column_reads(&["email", "blocked"], 4),
        ["value->>4", "CAST(value->>5 AS BIGINT)"]
    );
}
