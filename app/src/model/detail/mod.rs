//! The detail of one operation, as the right side of the status page shows it: where it stands,
//! the attributes grid (old value, new value, the value HQ holds now), the other operations of
//! the same async customer, and a change description generated from all that (never stored).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    field::ATTRIBUTE_PREFIX, filter::ValueKind, AttributeDefinition, CustomerField, OperationField,
    OperationKind, OperationState, OperationSummary, SyncStatus,
};

/// Everything the detail shows of one operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationDetail {
    pub state: OperationState,
    /// The channel's own id of the operation (the "Retail async operation").
    pub channel_operation_id: String,
    pub legal_entity_id: String,
    pub upload_session_id: Option<i64>,
    /// When HQ received it from the channel.
    pub received_at: DateTime<Utc>,
    /// When a job or a person last changed it.
    pub updated_at: DateTime<Utc>,
    /// The real account of the customer this operation made or changes, once HQ has it (an
    /// edit that failed does not carry it itself).
    pub customer_account: Option<String>,
    /// One row per field the operation carries, standard fields first.
    pub grid: Vec<GridRow>,
    /// Every operation of the same async customer, in the order they apply (this one included).
    pub history: Vec<OperationSummary>,
    /// The corrections people made to it, newest first (the change log's lines of it).
    pub changes: Vec<super::ChangeEntry>,
    /// A possible duplicate's comparison with the existing customer it looks like.
    #[serde(default)]
    pub duplicate: Option<super::duplicate::DuplicateComparison>,
}

/// One field of the attributes grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    /// A [`CustomerField`] key, or `attr:<name>` for a custom attribute.
    pub field: String,
    pub label_en: String,
    pub label_nb: String,
    /// The attribute group's name (custom attributes only).
    pub group: Option<FieldName>,
    /// What the field holds: how its values are made readable.
    #[serde(default)]
    pub kind: ValueKind,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// What the customer master holds now (`None` before the customer exists, or when empty).
    pub hq_value: Option<String>,
    /// The field the last known error names.
    pub failing: bool,
}

impl OperationDetail {
    /// What a Waiting operation waits behind: the latest earlier operation of its async
    /// customer (in the order they apply) that has not succeeded.
    pub fn waiting_for(&self) -> Option<&super::OperationSummary> {
        if self.state.summary.status != SyncStatus::Waiting {
            return None;
        }
        let at = self
            .history
            .iter()
            .position(|op| op.id == self.state.summary.id)?;
        self.history[..at]
            .iter()
            .rev()
            .find(|op| op.status != SyncStatus::Succeeded)
    }
}

impl GridRow {
    /// The grid rows of `fields` in display order: standard fields as [`CustomerField::ALL`]
    /// lists them, then custom attributes in their definitions' order, then anything unknown.
    /// `hq` gives the value HQ holds now for a field key.
    pub fn build(
        fields: &[OperationField],
        definitions: &[AttributeDefinition],
        failing_field: Option<&str>,
        hq: impl Fn(&str) -> Option<String>,
    ) -> Vec<GridRow> {
        let rank = |key: &str| -> (usize, usize) {
            if let Some(name) = key.strip_prefix(ATTRIBUTE_PREFIX) {
                let at = definitions.iter().position(|d| d.name == name);
                return (1, at.unwrap_or(usize::MAX));
            }
            match CustomerField::ALL.iter().position(|f| f.key() == key) {
                Some(at) => (0, at),
                None => (2, 0),
            }
        };
        let mut sorted: Vec<&OperationField> = fields.iter().collect();
        sorted.sort_by(|a, b| {
            rank(&a.field)
                .cmp(&rank(&b.field))
                .then(a.field.cmp(&b.field))
        });
        sorted
            .into_iter()
            .map(|f| {
                let (label_en, label_nb, group) = labels(&f.field, definitions);
                GridRow {
                    label_en,
                    label_nb,
                    group,
                    kind: value_kind(&f.field, definitions),
                    old_value: f.old_value.clone(),
                    new_value: f.new_value.clone(),
                    hq_value: hq(&f.field),
                    failing: failing_field == Some(f.field.as_str()),
                    field: f.field.clone(),
                }
            })
            .collect()
    }
}

/// English and Norwegian display names of a field key, and its attribute group's.
fn labels(key: &str, definitions: &[AttributeDefinition]) -> (String, String, Option<FieldName>) {
    if let Some(name) = key.strip_prefix(ATTRIBUTE_PREFIX) {
        return match definitions.iter().find(|d| d.name == name) {
            Some(d) => (
                d.label_en.clone(),
                d.label_nb.clone(),
                Some(FieldName::group_of(d)),
            ),
            None => {
                let readable = readable_key(name);
                (readable.clone(), readable, None)
            }
        };
    }
    if let Some(f) = CustomerField::from_key(key) {
        return (f.label_en().to_owned(), f.label_nb().to_owned(), None);
    }
    match key {
        "customer_account" => ("Customer account".into(), "Kundekonto".into(), None),
        "async_account" => (
            "Async customer account".into(),
            "Asynkron kundekonto".into(),
            None,
        ),
        _ => {
            let readable = readable_key(key);
            (readable.clone(), readable, None)
        }
    }
}

/// What the field `key` holds (free text when nothing defines it).
fn value_kind(key: &str, definitions: &[AttributeDefinition]) -> ValueKind {
    match key.strip_prefix(ATTRIBUTE_PREFIX) {
        Some(name) => definitions
            .iter()
            .find(|d| d.name == name)
            .map_or(ValueKind::Text, |d| {
                ValueKind::of_attribute(&d.attribute_type)
            }),
        None => CustomerField::from_key(key).map_or(ValueKind::Text, ValueKind::of_field),
    }
}

/// A key nothing names (an attribute no definition knows any more), made readable:
/// `shoe_size` → “Shoe size”.
fn readable_key(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut chars = words.trim().chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A field's display name in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldName {
    pub en: String,
    pub nb: String,
}

impl FieldName {
    fn of_row(row: &GridRow) -> Self {
        Self {
            en: row.label_en.clone(),
            nb: row.label_nb.clone(),
        }
    }

    /// An attribute group's name (the English one where it has no Norwegian one).
    pub fn group_of(definition: &AttributeDefinition) -> Self {
        Self {
            en: definition.group_name.clone(),
            nb: definition
                .group_name_nb
                .clone()
                .filter(|nb| !nb.trim().is_empty())
                .unwrap_or_else(|| definition.group_name.clone()),
        }
    }

    /// A field's name known from its key alone: a standard field's label, an attribute's
    /// name made readable.
    pub fn of_key(key: &str) -> Self {
        Self::of_field(key, &[])
    }

    /// A field's name: a standard field's label, an attribute's label from its definition
    /// (its name when none of `definitions` defines it).
    pub fn of_field(key: &str, definitions: &[AttributeDefinition]) -> Self {
        let (en, nb, _) = labels(key, definitions);
        Self { en, nb }
    }
}

/// What happened, in one short sentence: generated from the operation, so it always matches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ChangeDescription {
    /// A new customer from a channel: its name (when the operation carries one) and how many
    /// fields it set.
    Created {
        channel: String,
        name: Option<String>,
        fields: usize,
        /// The real account, once created.
        account: Option<String>,
    },
    /// An edit: the display names of the fields it changes.
    Updated { changed: Vec<FieldName> },
}

impl ChangeDescription {
    /// Describes what `detail` does (or, when it failed, tried to do: its error is said
    /// beside it, not here).
    pub fn of(detail: &OperationDetail) -> Self {
        Self::of_grid(&detail.state.summary, &detail.grid)
    }

    /// Describes what the operation `summary` does with the fields of `grid`.
    pub fn of_grid(summary: &OperationSummary, grid: &[GridRow]) -> Self {
        match summary.kind {
            OperationKind::Create => Self::Created {
                channel: summary.channel_name.clone(),
                name: new_value(grid, "name").or_else(|| {
                    let first = new_value(grid, "first_name");
                    let last = new_value(grid, "last_name");
                    match (first, last) {
                        (Some(f), Some(l)) => Some(format!("{f} {l}")),
                        (f, l) => f.or(l),
                    }
                }),
                fields: grid.len(),
                account: summary.customer_account.clone(),
            },
            OperationKind::Update => Self::Updated {
                changed: grid
                    .iter()
                    .filter(|r| r.old_value != r.new_value)
                    .map(FieldName::of_row)
                    .collect(),
            },
        }
    }
}

/// The new value the operation carries for `key`, if any and not blank.
fn new_value(grid: &[GridRow], key: &str) -> Option<String> {
    grid.iter()
        .find(|r| r.field == key)
        .and_then(|r| r.new_value.clone())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests;
