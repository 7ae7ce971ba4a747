//! The filter's URL form and its checks.

use super::*;

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn read(query: &str) -> Result<OperationFilter, FilterProblem> {
    let pairs = pairs(query);
    OperationFilter::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

#[test]
fn a_filter_survives_the_url() {
    let filter = OperationFilter {
        status: Some(SyncStatus::Failed),
        channel: Some(3),
        from: NaiveDate::from_ymd_opt(2026, 11, 1),
        to: NaiveDate::from_ymd_opt(2026, 11, 26),
        error: FailureGroup::parse("wrong_type.attr:member_since.not_a_date"),
        ids: vec![12, 15],
        fields: vec![
            FieldFilter {
                field: "attr:loyalty_tier".into(),
                op: FilterOp::Equals,
                value: "Gold & Co ~ 100%".into(),
            },
            FieldFilter {
                field: "email".into(),
                op: FilterOp::Empty,
                value: String::new(),
            },
        ],
        view: ListView {
            oldest_first: true,
            columns: vec![ExtraColumn::LastError],
        },
    };
    let href = filter.href(&[("op", "42".into())]);
    let query = href.strip_prefix("/?").unwrap();
    assert_eq!(read(query).unwrap(), filter);
    assert!(query.ends_with("&op=42"));
}

#[test]
fn no_filter_is_the_plain_page() {
    assert_eq!(OperationFilter::default().href(&[]), "/");
    assert!(read("before=1_2&op=3").unwrap().is_empty());
}

#[test]
fn every_problem_names_its_parameter() {
    let cases = [
        ("status=broken", "status"),
        ("channel=1;DROP TABLE operations", "channel"),
        ("from=2026-13-01", "from"),
        ("from=2026-11-02&to=2026-11-01", "to"),
        ("f=password~eq~x", "f"),
        ("f=email~like~x", "f"),
        ("f=email~eq~", "f"),
        ("f=credit_limit~gte~lots", "f"),
        ("f=attr:Robert');--~eq~x", "f"),
        ("error=invalid_email", "error"),
        ("error=DROP.TABLE.x", "error"),
        ("ids=1,two", "ids"),
        ("ids=0", "ids"),
    ];
    for (query, param) in cases {
        let problem = read(query).expect_err(query);
        assert_eq!(problem.param, param, "{query}: {}", problem.message());
        assert!(!problem.message().is_empty());
    }
    let long = format!("f=name~contains~{}", "x".repeat(10_000));
    let problem = read(&long).unwrap_err();
    assert!(
        problem.message().contains("longer than"),
        "{}",
        problem.message()
    );
    let many = ["f=name~eq~a"; MAX_FIELD_FILTERS + 1].join("&");
    assert_eq!(read(&many).unwrap_err().param, "f");
}

#[test]
fn the_date_range_covers_whole_days_in_utc() {
    let filter = read("from=2026-11-01&to=2026-11-01").unwrap();
    let (start, end) = filter.micros_range();
    assert_eq!(end.unwrap() - start.unwrap(), 86_400_000_000);
}

#[test]
fn values_compare_trimmed_and_in_lower_case_with_norwegian_letters() {
    assert_eq!(value_key("  ÅSE Ødegård "), "åse ødegård");
}

#[test]
fn range_bounds_are_numbers_or_dates() {
    assert_eq!(parse_bound("1500,50"), Some(Bound::Number(1500.5)));
    assert_eq!(
        parse_bound("2026-11-01"),
        Some(Bound::Date("2026-11-01".into()))
    );
    assert_eq!(parse_bound("NaN"), None);
    assert_eq!(parse_bound("soon"), None);
}
