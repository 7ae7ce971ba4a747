//! Rules: what each kind does to a value, what fits a field's kind, their JSON.

use super::*;

fn rule(change: RuleChange) -> Rule {
    Rule {
        field: "receipt_email".into(),
        change,
    }
}

#[test]
fn each_kind_of_rule_changes_a_value_as_it_says() {
    let cases: [(RuleChange, Option<&str>, Option<&str>); 11] = [
        (
            RuleChange::Replace {
                find: "@@".into(),
                with: "@".into(),
            },
            Some("ola@@example.no"),
            Some("ola@example.no"),
        ),
        (RuleChange::Trim, Some("  RETAIL "), Some("RETAIL")),
        (
            RuleChange::CollapseSpaces,
            Some(" Storgata   1  B "),
            Some("Storgata 1 B"),
        ),
        (RuleChange::Uppercase, Some("retail"), Some("RETAIL")),
        (
            RuleChange::Lowercase,
            Some("Ola@Example.NO"),
            Some("ola@example.no"),
        ),
        (RuleChange::Clear, Some("x"), None),
        (RuleChange::Set { value: "NO".into() }, None, Some("NO")),
        (
            RuleChange::Map {
                from: "RETAIL".into(),
                to: "RETAIL".into(),
            },
            Some("retail "),
            Some("RETAIL"),
        ),
        (
            RuleChange::Map {
                from: "RETAIL".into(),
                to: "B2C".into(),
            },
            Some("WHOLESALE"),
            Some("WHOLESALE"),
        ),
        (RuleChange::Trim, None, None),
        (
            RuleChange::Replace {
                find: "x".into(),
                with: String::new(),
            },
            Some(" x "),
            None,
        ),
    ];
    for (change, before, after) in cases {
        let r = rule(change);
        assert_eq!(r.apply(before).as_deref(), after, "{r:?}");
    }
}

#[test]
fn a_rule_that_does_not_fit_the_fields_kind_is_refused() {
    let upper = rule(RuleChange::Uppercase);
    assert_eq!(upper.check(ValueKind::Text), Ok(()));
    assert_eq!(upper.check(ValueKind::Number), Err(RuleMistake::DoesNotFit));
    let set = |v: &str| rule(RuleChange::Set { value: v.into() });
    assert_eq!(set("1500,50").check(ValueKind::Number), Ok(()));
    assert!(matches!(
        set("lots").check(ValueKind::Number),
        Err(RuleMistake::NotOfKind { .. })
    ));
    assert!(matches!(
        set("2026-13-01").check(ValueKind::Date),
        Err(RuleMistake::NotOfKind { .. })
    ));
    assert_eq!(set("true").check(ValueKind::Boolean), Ok(()));
    let replace = rule(RuleChange::Replace {
        find: String::new(),
        with: "@".into(),
    });
    assert_eq!(
        replace.check(ValueKind::Text),
        Err(RuleMistake::NothingToFind)
    );
    assert!(matches!(
        set(&"x".repeat(MAX_RULE_VALUE + 1)).check(ValueKind::Text),
        Err(RuleMistake::TooLong { .. })
    ));
    let tidy = rule(RuleChange::Map {
        from: "RETAIL".into(),
        to: "RETAIL".into(),
    });
    assert_eq!(
        tidy.check(ValueKind::Code),
        Ok(()),
        "tidies `retail ` and `Retail`"
    );
}

#[test]
fn a_rule_reads_back_from_its_json() {
    let r = rule(RuleChange::Replace {
        find: "@@".into(),
        with: "@".into(),
    });
    let json = serde_json::to_string(&r).expect("json");
    assert_eq!(
        json,
        r#"{"field":"receipt_email","change":"replace","find":"@@","with":"@"}"#
    );
    assert_eq!(serde_json::from_str::<Rule>(&json).expect("reads"), r);
}
