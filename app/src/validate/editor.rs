//! What the correction editor shows: which rows (the operation's fields, and the required ones
//! it lacks), and which input fits each field — a select for lists and reference data, a
//! number with its unit, a date picker, a toggle for yes/no — all decided from the same field
//! kinds and attribute definitions validation uses.

use std::collections::BTreeMap;

use super::{
    validate_operation, FieldError, ValidationContext, REQUIRED_ADDRESS, REQUIRED_FOR_CREATE,
};
use crate::model::{
    correction::stored_value, field::ATTRIBUTE_PREFIX, AttributeType, CustomerField, FieldKind,
    GridRow, OperationField, OperationKind,
};

/// The input a field is edited with.
#[derive(Debug, Clone, PartialEq)]
pub enum EditorInput {
    /// Free text; `kind` is the HTML input type (`text`, `email`, `tel`, `url`).
    Text { kind: &'static str },
    /// A number typed as text (a comma or a point as decimal separator), with its unit.
    Number {
        decimals: bool,
        unit: Option<String>,
    },
    /// One of these values.
    Select { options: Vec<String> },
    /// Yes or no.
    Toggle,
    /// A date (ISO 8601).
    Date,
}

/// The input for field `key` of an operation in the legal entity `ctx` describes.
pub fn editor_input(key: &str, ctx: &ValidationContext) -> EditorInput {
    if let Some(name) = key.strip_prefix(ATTRIBUTE_PREFIX) {
        let Some(definition) = ctx.attributes.iter().find(|a| a.name == name) else {
            return EditorInput::Text { kind: "text" };
        };
        return match &definition.attribute_type {
            AttributeType::Text { allowed } if !allowed.is_empty() => EditorInput::Select {
                options: allowed.clone(),
            },
            AttributeType::Text { .. } => EditorInput::Text { kind: "text" },
            AttributeType::Integer { unit, .. } => EditorInput::Number {
                decimals: false,
                unit: unit.clone(),
            },
            AttributeType::Decimal { unit, .. } => EditorInput::Number {
                decimals: true,
                unit: unit.clone(),
            },
            AttributeType::Currency => EditorInput::Number {
                decimals: true,
                unit: None,
            },
            AttributeType::Boolean => EditorInput::Toggle,
            AttributeType::DateTime => EditorInput::Date,
        };
    }
    match CustomerField::from_key(key).map(CustomerField::kind) {
        Some(FieldKind::Email) => EditorInput::Text { kind: "email" },
        Some(FieldKind::Phone) => EditorInput::Text { kind: "tel" },
        Some(FieldKind::Url) => EditorInput::Text { kind: "url" },
        Some(FieldKind::Reference(reference)) => EditorInput::Select {
            options: ctx
                .references
                .get(reference.as_str())
                .map(|codes| codes.iter().cloned().collect())
                .unwrap_or_default(),
        },
        Some(FieldKind::Choice(allowed)) => EditorInput::Select {
            options: allowed.iter().map(|a| (*a).to_owned()).collect(),
        },
        Some(FieldKind::Decimal) => EditorInput::Number {
            decimals: true,
            unit: None,
        },
        Some(FieldKind::Boolean) => EditorInput::Toggle,
        Some(FieldKind::Text { .. } | FieldKind::Zip) | None => EditorInput::Text { kind: "text" },
    }
}

/// The editor's rows: the operation's grid, then a row for each field the operation must have
/// and lacks (a create's name; a create's whole address once it carries part of one), so a
/// person can fill it in.
pub fn editor_rows(kind: OperationKind, grid: &[GridRow]) -> Vec<GridRow> {
    let mut rows = grid.to_vec();
    if kind != OperationKind::Create {
        return rows;
    }
    let carries_address = grid
        .iter()
        .any(|r| CustomerField::from_key(&r.field).is_some_and(CustomerField::is_address));
    let required = REQUIRED_FOR_CREATE.iter().chain(if carries_address {
        REQUIRED_ADDRESS
    } else {
        &[]
    });
    for field in required {
        if !rows.iter().any(|r| r.field == field.key()) {
            rows.push(GridRow {
                field: field.key().to_owned(),
                label_en: field.label_en().to_owned(),
                label_nb: field.label_nb().to_owned(),
                group: None,
                kind: crate::model::filter::ValueKind::of_field(*field),
                old_value: None,
                new_value: None,
                hq_value: None,
                failing: false,
            });
        }
    }
    rows
}

/// Every problem with the values typed in the editor (`typed`: field key → text as typed), by
/// field: the same checks the server runs on Save, run in the browser on every keystroke.
pub fn check_typed(
    kind: OperationKind,
    rows: &[GridRow],
    typed: &BTreeMap<String, String>,
    ctx: &ValidationContext,
) -> BTreeMap<String, FieldError> {
    let fields: Vec<OperationField> = rows
        .iter()
        .map(|row| OperationField {
            field: row.field.clone(),
            old_value: row.old_value.clone(),
            new_value: match typed.get(&row.field) {
                Some(text) => stored_value(text),
                None => row.new_value.clone(),
            },
        })
        .collect();
    let mut by_field = BTreeMap::new();
    for error in validate_operation(kind, &fields, ctx) {
        by_field.entry(error.field.clone()).or_insert(error);
    }
    by_field
}

/// The values typed that differ from what the operation carries (what Save sends).
pub fn typed_changes(
    rows: &[GridRow],
    typed: &BTreeMap<String, String>,
) -> BTreeMap<String, String> {
    rows.iter()
        .filter_map(|row| {
            let text = typed.get(&row.field)?;
            (stored_value(text) != row.new_value).then(|| (row.field.clone(), text.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AttributeDefinition, ReferenceKind};

    fn ctx() -> ValidationContext {
        let mut ctx = ValidationContext::default();
        ctx.allow(ReferenceKind::Country, "NO");
        ctx.allow(ReferenceKind::Country, "SE");
        ctx.attributes.push(AttributeDefinition {
            id: 1,
            legal_entity_id: "NO01".into(),
            name: "shoe_size".into(),
            label_en: "Shoe size".into(),
            label_nb: "Skostørrelse".into(),
            group_name: "Fit".into(),
            group_name_nb: None,
            attribute_type: AttributeType::Decimal {
                min: Some(15.0),
                max: Some(50.0),
                unit: Some("EU".into()),
            },
            default_value: None,
        });
        ctx
    }

    #[test]
    fn each_field_gets_the_input_its_kind_needs() {
        let ctx = ctx();
        assert_eq!(
            editor_input("country", &ctx),
            EditorInput::Select {
                options: vec!["NO".into(), "SE".into()]
            }
        );
        assert_eq!(
            editor_input("receipt_email", &ctx),
            EditorInput::Text { kind: "email" }
        );
        assert_eq!(editor_input("blocked", &ctx), EditorInput::Toggle);
        assert_eq!(
            editor_input("attr:shoe_size", &ctx),
            EditorInput::Number {
                decimals: true,
                unit: Some("EU".into())
            }
        );
        assert!(matches!(
            editor_input("receipt_option", &ctx),
            EditorInput::Select { options } if options.contains(&"Email".to_owned())
        ));
    }

    #[test]
    fn typed_values_are_checked_as_the_server_checks_them() {
        let rows = GridRow::build(
            &[crate::model::OperationField {
                field: "receipt_email".into(),
                old_value: None,
                new_value: Some("kari@@example".into()),
            }],
            &[],
            None,
            |_| None,
        );
        let mut typed = BTreeMap::from([("receipt_email".to_owned(), "kari@".to_owned())]);
        let errors = check_typed(OperationKind::Update, &rows, &typed, &ctx());
        assert_eq!(
            errors["receipt_email"].code,
            crate::model::ErrorCode::InvalidEmail
        );
        typed.insert("receipt_email".into(), " kari@example.no ".into());
        assert!(check_typed(OperationKind::Update, &rows, &typed, &ctx()).is_empty());
        assert_eq!(
            typed_changes(&rows, &typed)["receipt_email"],
            " kari@example.no "
        );
        typed.insert("receipt_email".into(), "kari@@example".into());
        assert!(
            typed_changes(&rows, &typed).is_empty(),
            "back to what it was"
        );
    }

    #[test]
    fn a_create_that_lacks_a_required_field_gets_a_row_for_it() {
        let zip = GridRow::build(
            &[crate::model::OperationField {
                field: "zip".into(),
                old_value: None,
                new_value: Some("0150".into()),
            }],
            &[],
            None,
            |_| None,
        );
        let rows = editor_rows(OperationKind::Create, &zip);
        let keys: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(keys, ["zip", "name", "street", "city", "country"]);
        assert_eq!(editor_rows(OperationKind::Update, &zip).len(), 1);
    }
}
