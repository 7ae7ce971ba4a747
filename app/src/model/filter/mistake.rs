//! What is wrong with a filter, typed in the filter bar or read from the URL, as data: the
//! filter bar and the page say it in the reader's language, the server's 400 answer in English.

use serde::{Deserialize, Serialize};

use super::FilterOp;
use crate::locale::{op_label, pick, td_string, Locale};

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
    /// The operator does not fit the field's kind of value.
    DoesNotFit {
        op: FilterOp,
        field_en: String,
        field_nb: String,
        fitting: Vec<FilterOp>,
    },
}

impl FilterMistake {
    /// The sentence in `locale`.
    pub fn text(&self, locale: Locale) -> String {
        let ops = |ops: &[FilterOp]| {
            ops.iter()
                .map(|o| op_label(locale, *o))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Self::NotAStatus { value } => {
                td_string!(locale, mistake.not_a_status, value).to_string()
            }
            Self::NotAChannel { value } => {
                td_string!(locale, mistake.not_a_channel, value).to_string()
            }
            Self::NotADate { value } => td_string!(locale, mistake.not_a_date, value).to_string(),
            Self::TooManyFilters { max } => td_string!(locale, mistake.too_many, max).to_string(),
            Self::ToBeforeFrom => td_string!(locale, mistake.to_before_from).to_owned(),
            Self::NotAnOrder { value } => {
                td_string!(locale, mistake.not_an_order, value).to_string()
            }
            Self::NotAColumn { value } => {
                td_string!(locale, mistake.not_a_column, value).to_string()
            }
            Self::NoField => td_string!(locale, mistake.no_field).to_owned(),
            Self::NotAField { name } => td_string!(locale, mistake.not_a_field, name).to_string(),
            Self::NotAnOperator { op } => {
                let ops = FilterOp::ALL
                    .iter()
                    .map(|o| o.as_str())
                    .collect::<Vec<_>>()
                    .join(", ");
                td_string!(locale, mistake.not_an_operator, op, ops).to_string()
            }
            Self::NeedsValue { op } => {
                let op = op_label(locale, *op);
                td_string!(locale, mistake.needs_value, op).to_string()
            }
            Self::ValueTooLong { max } => {
                td_string!(locale, mistake.value_too_long, max).to_string()
            }
            Self::NotABound { value } => td_string!(locale, mistake.not_a_bound, value).to_string(),
            Self::DoesNotFit {
                op,
                field_en,
                field_nb,
                fitting,
            } => {
                let field = pick(locale, field_en, field_nb);
                let ops = ops(fitting);
                let op = op_label(locale, *op);
                td_string!(locale, mistake.does_not_fit, op, field, ops).to_string()
            }
        }
    }

    /// The sentence in English, as the server's answers say it.
    pub fn message(&self) -> String {
        self.text(Locale::en)
    }
}
