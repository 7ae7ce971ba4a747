//! The status list's filter: quick filters (status, channel, date range) and field filters on
//! any customer field or custom attribute an operation carries, all combined with AND. The
//! whole filter lives in the URL query (`status=failed&channel=3&from=2026-11-01&f=email~contains~gmial`;
//! `error=<failure group key>` for one cause of failure), so a view can be bookmarked, shared
//! and walked with the back button. Read on the server and in the browser with the same code; every problem names its URL parameter.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

mod fields;
mod mistake;
mod view;

pub use fields::{FilterField, ValueKind};
pub use mistake::FilterMistake;
pub use view::{ExtraColumn, ListView};

use super::{field::ATTRIBUTE_PREFIX, CustomerField, FailureGroup, SyncStatus};

/// At most this many field filters at once.
pub const MAX_FIELD_FILTERS: usize = 5;
/// Counts under a filter with field filters or dates stop after this many operations: the
/// chips then count the newest matches (and say so), so a page never counts a million rows.
pub const COUNT_CAP: i64 = 1_000;
/// At most this many operations picked one by one (`ids=`).
pub const MAX_PICKED: usize = 500;
/// The longest value a field filter may hold (characters).
pub const MAX_FILTER_VALUE: usize = 200;

/// The form of a value the filter index compares: trimmed, lower case. Computed by custsync
/// (not the database), so SQLite and PostgreSQL agree on every letter (æ, ø, å included).
pub fn value_key(value: &str) -> String {
    value.trim().to_lowercase()
}

/// How a field filter compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FilterOp {
    Equals,
    Contains,
    StartsWith,
    Empty,
    NotEmpty,
    AtLeast,
    AtMost,
}

super::text_enum!(FilterOp {
    Equals => "eq",
    Contains => "contains",
    StartsWith => "starts",
    Empty => "empty",
    NotEmpty => "not_empty",
    AtLeast => "gte",
    AtMost => "lte",
});

impl FilterOp {
    /// Whether the operator compares with a value (all but empty / not empty).
    pub fn needs_value(self) -> bool {
        !matches!(self, Self::Empty | Self::NotEmpty)
    }

    /// Whether the operator compares numbers or dates.
    pub fn is_range(self) -> bool {
        matches!(self, Self::AtLeast | Self::AtMost)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::Contains => "contains",
            Self::StartsWith => "starts with",
            Self::Empty => "is empty",
            Self::NotEmpty => "is not empty",
            Self::AtLeast => "is at least",
            Self::AtMost => "is at most",
        }
    }

    /// The operators that fit a field of this kind of value.
    pub fn fitting(kind: ValueKind) -> &'static [FilterOp] {
        use FilterOp::*;
        match kind {
            ValueKind::Text => &[Equals, Contains, StartsWith, Empty, NotEmpty],
            ValueKind::Code => &[Equals, StartsWith, Empty, NotEmpty],
            ValueKind::Number | ValueKind::Date => &[Equals, AtLeast, AtMost, Empty, NotEmpty],
            ValueKind::Boolean => &[Equals, Empty, NotEmpty],
        }
    }
}

/// One field filter: `field op value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldFilter {
    /// A [`CustomerField`] key or `attr:<name>`.
    pub field: String,
    pub op: FilterOp,
    /// Empty for [`FilterOp::Empty`] and [`FilterOp::NotEmpty`].
    pub value: String,
}

impl FieldFilter {
    /// The URL form: `field~op~value`.
    pub fn to_param(&self) -> String {
        if self.op.needs_value() {
            format!("{}~{}~{}", self.field, self.op, self.value)
        } else {
            format!("{}~{}", self.field, self.op)
        }
    }

    /// Reads [`Self::to_param`]'s form, checking the field's name, the operator and the
    /// value's size (the server then checks the field exists and the operator fits it).
    pub fn parse(param: &str) -> Result<Self, FilterMistake> {
        let mut parts = param.splitn(3, '~');
        let field = parts.next().unwrap_or_default().trim();
        let op = parts.next().unwrap_or_default().trim();
        let value = parts.next().unwrap_or_default().trim();
        if field.is_empty() {
            return Err(FilterMistake::NoField);
        }
        let known_standard = CustomerField::from_key(field).is_some();
        let attribute_name = field.strip_prefix(ATTRIBUTE_PREFIX);
        let plausible_attribute = attribute_name.is_some_and(|name| {
            !name.is_empty()
                && name.len() <= 64
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        if !known_standard && !plausible_attribute {
            return Err(FilterMistake::NotAField {
                name: shorten(field),
            });
        }
        let op =
            FilterOp::parse(op).ok_or_else(|| FilterMistake::NotAnOperator { op: shorten(op) })?;
        if op.needs_value() && value.is_empty() {
            return Err(FilterMistake::NeedsValue { op });
        }
        if value.chars().count() > MAX_FILTER_VALUE {
            return Err(FilterMistake::ValueTooLong {
                max: MAX_FILTER_VALUE,
            });
        }
        if op.is_range() && parse_bound(value).is_none() {
            return Err(FilterMistake::NotABound {
                value: shorten(value),
            });
        }
        Ok(Self {
            field: field.to_owned(),
            op,
            value: if op.needs_value() {
                value.to_owned()
            } else {
                String::new()
            },
        })
    }
}

/// A bound of a range filter: a number, or a date as its `YYYY-MM-DD` text (which sorts like
/// the date).
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Number(f64),
    Date(String),
}

/// Reads a range bound; `None` when it is neither a number nor a date.
pub fn parse_bound(value: &str) -> Option<Bound> {
    let value = value.trim();
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return Some(Bound::Date(date.format("%Y-%m-%d").to_string()));
    }
    value
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .map(Bound::Number)
}

/// The whole filter of the status list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationFilter {
    pub status: Option<SyncStatus>,
    pub channel: Option<i64>,
    /// First day (UTC) of the operation timestamp range, inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (UTC) of the range, inclusive.
    pub to: Option<NaiveDate>,
    /// Operations whose last error is of this cause (`error=<key>`, from the failures page).
    pub error: Option<FailureGroup>,
    /// Operations picked one by one in the list (`ids=12,15,31`), for a bulk action.
    pub ids: Vec<i64>,
    pub fields: Vec<FieldFilter>,
    /// How the list is shown (order, extra columns): not a filter, but kept with it.
    pub view: ListView,
}

/// A filter parameter that cannot be read: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterProblem {
    pub param: String,
    pub mistake: FilterMistake,
}

impl OperationFilter {
    /// Reads the filter from URL query pairs (other parameters are ignored).
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, FilterProblem> {
        let mut filter = Self::default();
        let problem = |param: &str, mistake: FilterMistake| FilterProblem {
            param: param.to_owned(),
            mistake,
        };
        for (key, value) in pairs {
            let value = value.trim();
            if value.is_empty() || filter.view.read(key, value)? {
                continue;
            }
            match key {
                "status" => {
                    filter.status = Some(SyncStatus::parse(value).ok_or_else(|| {
                        problem(
                            "status",
                            FilterMistake::NotAStatus {
                                value: shorten(value),
                            },
                        )
                    })?)
                }
                "channel" => {
                    filter.channel =
                        Some(value.parse().ok().filter(|c| *c > 0).ok_or_else(|| {
                            problem(
                                "channel",
                                FilterMistake::NotAChannel {
                                    value: shorten(value),
                                },
                            )
                        })?)
                }
                "from" | "to" => {
                    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                        problem(
                            key,
                            FilterMistake::NotADate {
                                value: shorten(value),
                            },
                        )
                    })?;
                    if key == "from" {
                        filter.from = Some(date);
                    } else {
                        filter.to = Some(date);
                    }
                }
                "error" => {
                    filter.error = Some(FailureGroup::parse(value).ok_or_else(|| {
                        problem(
                            "error",
                            FilterMistake::NotAFailureGroup {
                                value: shorten(value),
                            },
                        )
                    })?)
                }
                "ids" => {
                    let ids: Option<Vec<i64>> = value
                        .split(',')
                        .map(|id| id.trim().parse::<i64>().ok().filter(|id| *id > 0))
                        .collect();
                    filter.ids = ids
                        .filter(|ids| ids.len() <= MAX_PICKED)
                        .ok_or_else(|| problem("ids", FilterMistake::NotIds { max: MAX_PICKED }))?;
                }
                "f" => {
                    if filter.fields.len() == MAX_FIELD_FILTERS {
                        return Err(problem(
                            "f",
                            FilterMistake::TooManyFilters {
                                max: MAX_FIELD_FILTERS,
                            },
                        ));
                    }
                    filter
                        .fields
                        .push(FieldFilter::parse(value).map_err(|m| problem("f", m))?);
                }
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(problem("to", FilterMistake::ToBeforeFrom));
            }
        }
        Ok(filter)
    }

    /// The URL query pairs of this filter, in a stable order.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(channel) = self.channel {
            pairs.push(("channel", channel.to_string()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.format("%Y-%m-%d").to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.format("%Y-%m-%d").to_string()));
        }
        if let Some(error) = &self.error {
            pairs.push(("error", error.key()));
        }
        if !self.ids.is_empty() {
            let ids: Vec<String> = self.ids.iter().map(i64::to_string).collect();
            pairs.push(("ids", ids.join(",")));
        }
        for f in &self.fields {
            pairs.push(("f", f.to_param()));
        }
        pairs.extend(self.view.to_query());
        pairs
    }

    /// The status page's address for this filter, with `extra` pairs (a page position, an
    /// open operation) after it.
    pub fn href(&self, extra: &[(&str, String)]) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.to_query() {
            query.append_pair(key, &value);
        }
        for (key, value) in extra {
            query.append_pair(key, value);
        }
        let query = query.finish();
        if query.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{query}")
        }
    }

    /// Whether nothing narrows the list (its view aside).
    pub fn is_empty(&self) -> bool {
        *self
            == Self {
                view: self.view.clone(),
                ..Self::default()
            }
    }

    /// No filter, the same view: where "Clear all filters" leads.
    pub fn cleared(&self) -> Self {
        Self {
            view: self.view.clone(),
            ..Self::default()
        }
    }

    /// The timestamp range in microseconds: `[from 00:00, the day after to 00:00)` in UTC.
    pub fn micros_range(&self) -> (Option<i64>, Option<i64>) {
        let start = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_micros())
        };
        (
            self.from.and_then(start),
            self.to.and_then(|d| d.succ_opt()).and_then(start),
        )
    }
}

/// A user's text, cut short for an error message.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    }
}

#[cfg(test)]
mod tests;
