//! What is wrong with a filter, typed in the filter bar or read from the URL, as data: the
//! filter bar and the page say it in the reader's language, the server's 400 answer in English
//! (`crate::locale`).

use serde::{Deserialize, Serialize};

use super::FilterOp;

/// Why a filter (or one of its URL parameters) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mistake", rename_all = "snake_case")]
pub enum FilterMistake {
    NotAStatus {
        value: String,
    },
    NotAChannel {
        value: String,
    },
    NotADate {
        value: String,
    },
    TooManyFilters {
        max: usize,
    },
    ToBeforeFrom,
    NotAnOrder {
        value: String,
    },
    NotAColumn {
        value: String,
    },
    NoField,
    NotAField {
        name: String,
    },
    NotAnOperator {
        op: String,
    },
    NeedsValue {
        op: FilterOp,
    },
    ValueTooLong {
        max: usize,
    },
    NotABound {
        value: String,
    },
    /// The `ids=` parameter is not a list of operation numbers (at most `max`).
    NotIds {
        max: usize,
    },
    /// The `error=` parameter is not a failure group's key.
    NotAFailureGroup {
        value: String,
    },
    /// The export's `with=` parameter names nothing it can add.
    NotAnExportColumn {
        value: String,
    },
    /// The operator does not fit the field's kind of value.
    DoesNotFit {
        op: FilterOp,
        field_en: String,
        field_nb: String,
        fitting: Vec<FilterOp>,
    },
}
