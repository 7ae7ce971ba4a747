use super::*;

fn field(key: &str, new_value: Option<&str>) -> OperationField {
    OperationField {
        field: key.into(),
        old_value: None,
        new_value: new_value.map(Into::into),
    }
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn correction(pairs: &[(&str, &str)]) -> Correction {
    Correction {
        operation_id: 1,
        version: 1,
        values: values(pairs),
        reason: None,
        synchronize: false,
    }
}

#[test]
fn a_megabyte_value_is_refused_naming_its_field() {
    let big = "x".repeat(1_000_000);
    let error = check_shape(&correction(&[("receipt_email", &big)])).unwrap_err();
    assert!(
        matches!(&error, AppError::Validation { field, .. } if field == "receipt_email"),
        "{error:?}"
    );
}

#[test]
fn a_correction_of_too_many_fields_is_refused() {
    let many: Vec<(String, String)> = (0..=MAX_CORRECTED_FIELDS)
        .map(|i| (format!("attr:a{i}"), "1".to_owned()))
        .collect();
    let correction = Correction {
        values: many.into_iter().collect(),
        ..correction(&[])
    };
    assert!(check_shape(&correction).is_err());
}

#[test]
fn only_values_that_differ_from_the_stored_ones_are_changes() {
    let fields = [
        field("email", Some("a@gmial.com")),
        field("name", Some("Kari")),
    ];
    let changed = changes(
        &fields,
        &values(&[("email", "a@gmail.com"), ("name", " Kari "), ("phone", "")]),
    );
    assert_eq!(
        changed,
        vec![FieldChange {
            field: "email".into(),
            before: Some("a@gmial.com".into()),
            after: Some("a@gmail.com".into()),
        }]
    );
}

#[test]
fn clearing_a_value_stores_no_value_and_a_new_field_is_added() {
    let fields = [field("phone", Some("12"))];
    let merged = merge(&fields, &values(&[("phone", "  "), ("zip", "0150")]));
    assert_eq!(merged[0].new_value, None);
    assert_eq!(merged[1], field("zip", Some("0150")));
}

#[test]
fn the_change_log_filter_reads_its_url_and_names_a_bad_parameter() {
    let filter = read_filter("who=operator&field=email&op=12&action=revert&before=40").unwrap();
    assert_eq!(filter.actor.as_deref(), Some("operator"));
    assert_eq!(filter.operation_id, Some(12));
    assert_eq!(filter.action, Some(ChangeAction::Revert));
    assert_eq!(filter.before, Some(40));
    let error = read_filter("op=abc").unwrap_err();
    assert!(matches!(error, AppError::Validation { field, .. } if field == "op"));
}
