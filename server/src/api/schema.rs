//! Schema-level checks of a posted batch: shape, sizes, GUIDs, known field names. Business
//! validation happens later, in the Synchronize job, so a store is never blocked by it.

use std::collections::HashSet;

use app::model::{
    channel_api::{
        IncomingOperation, OperationBatch, MAX_BATCH, MAX_FIELDS, MAX_OPERATION_ID_CHARS,
        MAX_VALUE_CHARS,
    },
    field::ATTRIBUTE_PREFIX,
    CustomerField, OperationKind,
};
use chrono::{DateTime, Duration, Utc};

use super::error::Problem;

/// How far ahead of our clock a channel's operation timestamp may be (channel clocks drift).
const MAX_CLOCK_AHEAD: Duration = Duration::hours(24);

/// Checks a batch; returns every problem, each naming its item and field.
pub fn check_batch(
    batch: &OperationBatch,
    attribute_names: &HashSet<String>,
    now: DateTime<Utc>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if batch.operations.is_empty() || batch.operations.len() > MAX_BATCH {
        problems.push(Problem {
            item: None,
            field: "operations".into(),
            message: format!(
                "a batch carries 1 to {MAX_BATCH} operations (this one has {})",
                batch.operations.len()
            ),
        });
    }
    let mut ids = HashSet::new();
    for (i, op) in batch.operations.iter().enumerate() {
        let mut problem = |field: String, message: String| {
            problems.push(Problem {
                item: Some(i),
                field: format!("operations[{i}].{field}"),
                message,
            })
        };
        check_operation(op, attribute_names, now, &mut problem);
        if !ids.insert(op.channel_operation_id.as_str()) {
            problem(
                "channel_operation_id".into(),
                "appears twice in this batch".into(),
            );
        }
    }
    problems
}

fn check_operation(
    op: &IncomingOperation,
    attribute_names: &HashSet<String>,
    now: DateTime<Utc>,
    problem: &mut impl FnMut(String, String),
) {
    let id = &op.channel_operation_id;
    if id.trim().is_empty()
        || id.chars().count() > MAX_OPERATION_ID_CHARS
        || id.chars().any(char::is_control)
    {
        problem(
            "channel_operation_id".into(),
            format!("must be 1 to {MAX_OPERATION_ID_CHARS} printable characters"),
        );
    }
    if !is_guid(&op.async_account) {
        problem(
            "async_account".into(),
            "must be a GUID such as 3f2b8c1e-0a4d-4e7b-9c55-2d1f6a7b8c9d".into(),
        );
    }
    if let Some(account) = &op.customer_account {
        if account.trim().is_empty() || account.chars().count() > 20 {
            problem(
                "customer_account".into(),
                "must be 1 to 20 characters, or left out".into(),
            );
        }
    }
    if op.operation_at > now + MAX_CLOCK_AHEAD {
        problem(
            "operation_at".into(),
            "is more than a day in the future; check the channel's clock".into(),
        );
    }
    if op.operation_at.timestamp() < 946_684_800 {
        problem("operation_at".into(), "is before the year 2000".into());
    }
    if op.fields.is_empty() && op.kind == OperationKind::Create {
        problem(
            "fields".into(),
            "a create carries at least the customer's name".into(),
        );
    }
    if op.fields.len() > MAX_FIELDS {
        problem(
            "fields".into(),
            format!("at most {MAX_FIELDS} fields per operation"),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (j, field) in op.fields.iter().enumerate() {
        let key = field.field.as_str();
        let known = match key.strip_prefix(ATTRIBUTE_PREFIX) {
            Some(name) => attribute_names.contains(name),
            None => CustomerField::from_key(key).is_some(),
        };
        if !known {
            problem(
                format!("fields[{j}].field"),
                format!("“{}” is not a customer field or attribute", shorten(key)),
            );
        }
        if !seen.insert(key) {
            problem(
                format!("fields[{j}].field"),
                format!("“{}” appears twice in this operation", shorten(key)),
            );
        }
        for (name, value) in [
            ("old_value", &field.old_value),
            ("new_value", &field.new_value),
        ] {
            let Some(value) = value else { continue };
            if value.chars().count() > MAX_VALUE_CHARS {
                problem(
                    format!("fields[{j}].{name}"),
                    format!("is longer than {MAX_VALUE_CHARS} characters"),
                );
            } else if let Err(reason) = app::validate::check_characters(value) {
                problem(
                    format!("fields[{j}].{name}"),
                    reason.text(app::locale::Locale::en),
                );
            }
        }
    }
}

/// A hyphenated GUID, 36 characters.
fn is_guid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::try_parse(text).is_ok()
}

/// At most 60 characters of something a channel sent, for a message.
pub fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::OperationField;

    fn op(id: &str, guid: &str) -> IncomingOperation {
        IncomingOperation {
            channel_operation_id: id.into(),
            async_account: guid.into(),
            customer_account: None,
            kind: OperationKind::Create,
            operation_at: Utc::now(),
            fields: vec![OperationField {
                field: "name".into(),
                old_value: None,
                new_value: Some("Kari Nordmann".into()),
            }],
        }
    }

    const GUID: &str = "3f2b8c1e-0a4d-4e7b-9c55-2d1f6a7b8c9d";

    #[test]
    fn a_well_formed_batch_has_no_problems() {
        let batch = OperationBatch {
            operations: vec![op("a", GUID)],
        };
        assert_eq!(check_batch(&batch, &HashSet::new(), Utc::now()), vec![]);
    }

    #[test]
    fn each_problem_names_its_item_and_field() {
        let mut bad = op("b", "not-a-guid");
        bad.fields.push(OperationField {
            field: "attr:shoe_size".into(),
            old_value: None,
            new_value: Some("x".repeat(MAX_VALUE_CHARS + 1)),
        });
        let batch = OperationBatch {
            operations: vec![op("a", GUID), bad],
        };
        let problems = check_batch(&batch, &HashSet::new(), Utc::now());
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "operations[1].async_account",
                "operations[1].fields[1].field",
                "operations[1].fields[1].new_value"
            ]
        );
        assert!(problems.iter().all(|p| p.item == Some(1)));
    }

    #[test]
    fn an_empty_batch_and_a_repeated_operation_id_are_refused() {
        let empty = OperationBatch { operations: vec![] };
        assert_eq!(
            check_batch(&empty, &HashSet::new(), Utc::now())[0].field,
            "operations"
        );
        let twice = OperationBatch {
            operations: vec![op("a", GUID), op("a", GUID)],
        };
        assert_eq!(
            check_batch(&twice, &HashSet::new(), Utc::now())[0].field,
            "operations[1].channel_operation_id"
        );
    }
}
