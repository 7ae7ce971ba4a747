//! Tests of field validation: each kind of failure an admin must fix is recognised, and good
//! values pass.

use super::*;
use crate::model::{AttributeDefinition, AttributeType, ReferenceKind};

fn ctx() -> ValidationContext {
    let mut ctx = ValidationContext::default();
    for group in ["RETAIL", "STAFF", "B2B"] {
        ctx.allow(ReferenceKind::CustomerGroup, group);
    }
    ctx.allow(ReferenceKind::Currency, "NOK");
    ctx.allow(ReferenceKind::Country, "NO");
    ctx.allow(ReferenceKind::Country, "GB");
    ctx.attributes = vec![
        definition(
            "shoe_size",
            AttributeType::Decimal {
                min: Some(30.0),
                max: Some(50.0),
                unit: Some("EU".into()),
            },
        ),
        definition(
            "loyalty_tier",
            AttributeType::Text {
                allowed: vec!["Bronze".into(), "Gold".into()],
            },
        ),
        definition(
            "children",
            AttributeType::Integer {
                min: Some(0),
                max: Some(20),
                unit: None,
            },
        ),
        definition("newsletter", AttributeType::Boolean),
        definition("member_since", AttributeType::DateTime),
        definition("annual_budget", AttributeType::Currency),
    ];
    ctx
}

fn definition(name: &str, attribute_type: AttributeType) -> AttributeDefinition {
    AttributeDefinition {
        id: 0,
        legal_entity_id: "NO01".into(),
        name: name.into(),
        label_en: name.into(),
        label_nb: name.into(),
        group_name: "Loyalty".into(),
        group_name_nb: None,
        attribute_type,
        default_value: None,
    }
}

fn code_of(field: &str, value: &str) -> Option<ErrorCode> {
    validate_value(field, value, Some("NO"), &ctx())
        .err()
        .map(|e| e.code)
}

fn field(key: &str, value: &str) -> OperationField {
    OperationField {
        field: key.into(),
        old_value: None,
        new_value: Some(value.into()),
    }
}

#[test]
fn malformed_emails_are_refused_and_good_ones_pass() {
    for bad in [
        "kari.nordmann",
        "ola@@example.no",
        "per@gmail",
        "anne@ example.no",
        "@example.no",
    ] {
        assert_eq!(
            code_of("receipt_email", bad),
            Some(ErrorCode::InvalidEmail),
            "{bad}"
        );
    }
    for good in [
        "kari.nordmann@example.no",
        "o.hansen+kvittering@post.example.com",
    ] {
        assert_eq!(code_of("email", good), None, "{good}");
    }
}

#[test]
fn phones_need_five_to_fifteen_digits() {
    assert_eq!(code_of("phone", "+47 912 34 567"), None);
    assert_eq!(code_of("phone", "(0)20 7946 0958"), None);
    assert_eq!(code_of("phone", "12ab34"), Some(ErrorCode::InvalidPhone));
    assert_eq!(
        code_of("cellular_phone", "123"),
        Some(ErrorCode::InvalidPhone)
    );
}

#[test]
fn a_street_over_250_characters_is_too_long() {
    assert_eq!(
        code_of("street", &"Storgata ".repeat(30)),
        Some(ErrorCode::TooLong)
    );
    assert_eq!(code_of("street", "Storgata"), None);
    assert_eq!(
        code_of("county", "Vestland fylke"),
        Some(ErrorCode::TooLong)
    );
}

#[test]
fn reference_codes_must_be_known() {
    assert_eq!(code_of("customer_group", "RETAIL"), None);
    assert_eq!(
        code_of("customer_group", "VIP"),
        Some(ErrorCode::UnknownReference)
    );
    assert_eq!(
        code_of("currency", "NKR"),
        Some(ErrorCode::UnknownReference)
    );
    assert_eq!(code_of("country", "XX"), Some(ErrorCode::UnknownReference));
}

#[test]
fn postal_codes_follow_the_address_country() {
    let ctx = ctx();
    assert!(validate_value("zip", "0150", Some("NO"), &ctx).is_ok());
    assert!(validate_value("zip", "150", Some("NO"), &ctx).is_err());
    assert!(validate_value("zip", "SW1A 1AA", Some("GB"), &ctx).is_ok());
    assert!(validate_value("zip", "0150", Some("GB"), &ctx).is_err());
}

#[test]
fn attribute_values_are_checked_against_their_definitions() {
    assert_eq!(code_of("attr:shoe_size", "42,5"), None);
    assert_eq!(
        code_of("attr:shoe_size", "large"),
        Some(ErrorCode::WrongType)
    );
    assert_eq!(code_of("attr:shoe_size", "62"), Some(ErrorCode::OutOfRange));
    assert_eq!(
        code_of("attr:loyalty_tier", "Diamond"),
        Some(ErrorCode::NotInList)
    );
    assert_eq!(code_of("attr:children", "2.5"), Some(ErrorCode::WrongType));
    assert_eq!(
        code_of("attr:newsletter", "kanskje"),
        Some(ErrorCode::WrongType)
    );
    assert_eq!(
        code_of("attr:member_since", "17.05.2021"),
        Some(ErrorCode::WrongType)
    );
    assert_eq!(code_of("attr:member_since", "2021-05-17"), None);
    assert_eq!(
        code_of("attr:annual_budget", "1500.505"),
        Some(ErrorCode::WrongType)
    );
    assert_eq!(code_of("attr:unknown", "x"), Some(ErrorCode::UnknownField));
}

#[test]
fn an_out_of_range_message_names_the_range_and_unit() {
    let error = validate_value("attr:shoe_size", "62", None, &ctx()).unwrap_err();
    assert_eq!(error.field, "attr:shoe_size");
    assert!(
        error.message.contains("30 EU") && error.message.contains("50 EU"),
        "{}",
        error.message
    );
}

#[test]
fn a_create_without_a_city_is_refused_for_the_missing_field() {
    let fields = vec![
        field("name", "Kari Nordmann"),
        field("street", "Storgata"),
        field("zip", "0150"),
        field("country", "NO"),
    ];
    let errors = validate_operation(OperationKind::Create, &fields, &ctx());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        (errors[0].field.as_str(), errors[0].code),
        ("city", ErrorCode::Required)
    );
}

#[test]
fn an_update_of_one_field_needs_no_other_fields() {
    let fields = vec![field("email", "kari@example.no")];
    assert!(validate_operation(OperationKind::Update, &fields, &ctx()).is_empty());
}

#[test]
fn errors_come_in_field_order_whatever_the_sending_order() {
    let fields = vec![
        field("email", "bad"),
        field("name", "Kari"),
        field("customer_group", "VIP"),
    ];
    let errors = validate_operation(OperationKind::Update, &fields, &ctx());
    let order: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(order, ["customer_group", "email"]);
}

#[test]
fn every_refusal_reads_in_norwegian_as_well_as_english() {
    use crate::locale::Locale;
    let cases = [
        (
            "receipt_email",
            "ola@@example",
            "«ola@@example» er ikke en gyldig e-postadresse",
        ),
        ("attr:shoe_size", "62,5", "må være mellom 30 EU og 50 EU"),
        (
            "attr:loyalty_tier",
            "Platinum",
            "«Platinum» er ikke tillatt; velg en av: Bronze, Gold",
        ),
        (
            "customer_group",
            "VIP",
            "«VIP» er ikke en kjent kundegruppe",
        ),
        (
            "zip",
            "12345",
            "«12345» er ikke et gyldig postnummer her: forventet 4 sifre, f.eks. 0150",
        ),
    ];
    for (key, value, norwegian) in cases {
        let error = validate_value(key, value, Some("NO"), &ctx()).unwrap_err();
        assert_eq!(error.text(Locale::nb), norwegian);
        assert_eq!(
            error.text(Locale::en),
            error.message,
            "English is what is stored"
        );
        assert_eq!(error.reason.as_ref().map(|r| r.code()), Some(error.code));
    }
    let missing = validate_operation(OperationKind::Create, &[field("city", "Oslo")], &ctx());
    assert_eq!(missing[0].text(Locale::nb), "Navn må fylles ut");
}

#[test]
fn a_reason_survives_its_trip_through_json() {
    let error = validate_value("attr:children", "2.5", None, &ctx()).unwrap_err();
    let json = serde_json::to_string(&error.reason).unwrap();
    let back: Option<Box<Reason>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, error.reason);
}
