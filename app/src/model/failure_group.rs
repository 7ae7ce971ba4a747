//! Failures grouped by cause. A flood of failures usually has one cause (a till release that
//! sends `ola@@example.no`, a customer group renamed at HQ), so the failures page and the bulk
//! actions work on groups: operations whose last error has the same code, the same field and
//! the same kind of reason, whatever the values (the email, a length, an account) were.
//!
//! The group's key is stored with each Failed operation (`operations.failure_group`, written
//! by the Synchronize job) and is the list's `error=` filter. Migration 0014 computes the same
//! key in SQL for the operations that failed before it, so [`FailureGroup::key`] must stay
//! `code.field.reason`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{detail::FieldName, ErrorCode, LastError, Reason};

/// The longest group key the list's filter accepts (characters).
pub const MAX_KEY: usize = 200;

/// The cause of a failure: what stays the same across every operation it hit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FailureGroup {
    /// The stable error code (`invalid_email`).
    pub code: String,
    /// The field the error is about (`receipt_email`, `attr:shoe_size`), or empty.
    pub field: String,
    /// The kind of reason, as [`Reason`]'s serialized tag (`not_a_date`), or empty for an
    /// error without a reason.
    pub reason: String,
}

impl FailureGroup {
    /// The group of an error: its code, its field and its reason's kind, without the values.
    pub fn of(code: ErrorCode, field: &str, reason: Option<&Reason>) -> Self {
        Self {
            code: code.as_str().to_owned(),
            field: key_field(field),
            reason: reason.map(reason_tag).unwrap_or_default(),
        }
    }

    /// The group of an operation's last error.
    pub fn of_error(error: &LastError) -> Self {
        Self {
            code: error.code.clone(),
            field: key_field(error.field.as_deref().unwrap_or_default()),
            reason: error.reason.as_ref().map(reason_tag).unwrap_or_default(),
        }
    }

    /// The key stored with each operation and used in URLs: `code.field.reason`
    /// (`invalid_email.receipt_email.invalid_email`).
    pub fn key(&self) -> String {
        format!("{}.{}.{}", self.code, self.field, self.reason)
    }

    /// Reads [`Self::key`] back. The code and the reason's tag hold no dot; a field the channel
    /// named (an unknown field) may, so it is everything between the first and the last dot.
    pub fn parse(key: &str) -> Option<Self> {
        let key = key.trim();
        if key.is_empty() || key.chars().count() > MAX_KEY || key.chars().any(char::is_control) {
            return None;
        }
        let (code, rest) = key.split_once('.')?;
        let (field, reason) = rest.rsplit_once('.')?;
        let plain = |s: &str| s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        (!code.is_empty() && plain(code) && plain(reason)).then(|| Self {
            code: code.to_owned(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        })
    }
}

/// The longest field name a key holds (characters): a field a channel named may be long.
const MAX_KEY_FIELD: usize = 100;

/// A field's name as a key holds it: without control characters, at most [`MAX_KEY_FIELD`]
/// characters, so every key reads back.
fn key_field(field: &str) -> String {
    field
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_KEY_FIELD)
        .collect()
}

/// The serialized tag of a reason (`invalid_email`, `not_a_date`): the same text migration 0014
/// reads from the stored JSON.
fn reason_tag(reason: &Reason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.get("reason")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The day (UTC) as the failure counters number it: days since 1970-01-01.
pub fn day_number(day: NaiveDate) -> i64 {
    day.signed_duration_since(NaiveDate::default()).num_days()
}

/// The day of a counter's day number.
pub fn day_of_number(n: i64) -> NaiveDate {
    NaiveDate::default() + chrono::Duration::days(n)
}

/// One group on the failures page, under its filter (channel, days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureGroupSummary {
    pub group: FailureGroup,
    /// The field's name in both languages (an attribute's label from its definition).
    pub field_name: Option<FieldName>,
    /// Failed operations in the group.
    pub count: i64,
    /// Of them, per channel, most first.
    pub channels: Vec<ChannelCount>,
    /// Of them, per day of the operation (UTC), oldest first; days without any left out.
    pub days: Vec<(NaiveDate, i64)>,
    /// The oldest and the newest operation's time.
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The newest operations of the group (up to two).
    pub samples: Vec<FailureSample>,
}

/// How many of a group's operations came from one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelCount {
    pub id: i64,
    pub name: String,
    pub n: i64,
}

/// An operation of a group, as an example of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureSample {
    pub operation_id: i64,
    /// The value the operation gave the field, if it gave one.
    pub value: Option<String>,
    /// Its error, with the value in it.
    pub error: LastError,
}

/// The failures page: the groups (most operations first) and the channels it may filter by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureGroups {
    pub groups: Vec<FailureGroupSummary>,
    /// (id, name), by name.
    pub channels: Vec<(i64, String)>,
    /// Failed operations in every group.
    pub total: i64,
    /// How many groups there are (the page shows the biggest).
    pub group_count: usize,
    /// The possible duplicates under the same filter: not failures, but also waiting for a
    /// person (`None` when there are none).
    #[serde(default)]
    pub possible_duplicates: Option<PossibleDuplicates>,
}

/// The possible duplicates waiting for a person: how many, from which channels, since when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PossibleDuplicates {
    pub count: i64,
    /// Per channel, most first.
    pub channels: Vec<ChannelCount>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_cause_with_other_values_is_one_group() {
        let a = FailureGroup::of(
            ErrorCode::InvalidEmail,
            "receipt_email",
            Some(&Reason::InvalidEmail {
                value: "ola@@example.no".into(),
            }),
        );
        let b = FailureGroup::of(
            ErrorCode::InvalidEmail,
            "receipt_email",
            Some(&Reason::InvalidEmail {
                value: "kari@".into(),
            }),
        );
        assert_eq!(a, b);
        assert_eq!(a.key(), "invalid_email.receipt_email.invalid_email");
        let long = |length| {
            FailureGroup::of(
                ErrorCode::TooLong,
                "name",
                Some(&Reason::TooLong { length, max: 100 }),
            )
        };
        assert_eq!(long(101), long(250));
    }

    #[test]
    fn another_field_or_another_kind_of_reason_is_another_group() {
        let email = |field| {
            FailureGroup::of(
                ErrorCode::InvalidEmail,
                field,
                Some(&Reason::InvalidEmail { value: "x".into() }),
            )
        };
        assert_ne!(email("email"), email("receipt_email"));
        let wrong =
            |reason: Reason| FailureGroup::of(reason.code(), "attr:member_since", Some(&reason));
        assert_ne!(
            wrong(Reason::NotADate { value: "x".into() }),
            wrong(Reason::NotANumber { value: "x".into() })
        );
        assert_eq!(
            wrong(Reason::NotADate { value: "x".into() }).key(),
            "wrong_type.attr:member_since.not_a_date"
        );
    }

    #[test]
    fn a_key_reads_back_even_when_the_field_has_dots() {
        for group in [
            FailureGroup::of(ErrorCode::Transient, "", None),
            FailureGroup::of(
                ErrorCode::UnknownField,
                "loyalty.tier",
                Some(&Reason::UnknownField {
                    name: "loyalty.tier".into(),
                }),
            ),
        ] {
            assert_eq!(FailureGroup::parse(&group.key()), Some(group));
        }
    }

    #[test]
    fn a_long_or_odd_field_a_channel_named_still_makes_a_key_that_reads_back() {
        let name = format!("x\u{7}{}", "y".repeat(500));
        let group = FailureGroup::of(
            ErrorCode::UnknownField,
            &name,
            Some(&Reason::UnknownField { name: name.clone() }),
        );
        assert_eq!(FailureGroup::parse(&group.key()), Some(group));
    }

    #[test]
    fn a_key_that_is_not_one_is_refused() {
        for key in [
            "",
            "invalid_email",
            "Invalid.email.x",
            "a.b.c\u{0}",
            "a.b.C-1",
        ] {
            assert_eq!(FailureGroup::parse(key), None, "{key:?}");
        }
        assert_eq!(FailureGroup::parse(&"a.".repeat(150)), None);
    }

    #[test]
    fn day_numbers_count_from_1970() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).expect("a date");
        assert_eq!(
            day_number(NaiveDate::from_ymd_opt(1970, 1, 2).expect("a date")),
            1
        );
        assert_eq!(day_of_number(day_number(day)), day);
    }
}
