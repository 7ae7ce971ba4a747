//! The detail of one operation, as the right side of the status page shows it: where it stands,
//! the attributes grid (old value, new value, the value HQ holds now), the other operations of
//! the same async customer, and a change description generated from all that (never stored).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::locale::{td_string, Locale};

use super::{
    field::ATTRIBUTE_PREFIX, AttributeDefinition, CustomerField, OperationField, OperationKind,
    OperationState, OperationSummary, SyncStatus,
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
}

/// One field of the attributes grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridRow {
    /// A [`CustomerField`] key, or `attr:<name>` for a custom attribute.
    pub field: String,
    pub label_en: String,
    pub label_nb: String,
    /// The attribute group (custom attributes only).
    pub group: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    /// What the customer master holds now (`None` before the customer exists, or when empty).
    pub hq_value: Option<String>,
    /// The field the last known error names.
    pub failing: bool,
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

/// English and Norwegian display names of a field key, and its attribute group.
fn labels(key: &str, definitions: &[AttributeDefinition]) -> (String, String, Option<String>) {
    if let Some(name) = key.strip_prefix(ATTRIBUTE_PREFIX) {
        return match definitions.iter().find(|d| d.name == name) {
            Some(d) => (
                d.label_en.clone(),
                d.label_nb.clone(),
                Some(d.group_name.clone()),
            ),
            None => (name.to_owned(), name.to_owned(), None),
        };
    }
    match CustomerField::from_key(key) {
        Some(f) => (f.label_en().to_owned(), f.label_nb().to_owned(), None),
        None => (key.to_owned(), key.to_owned(), None),
    }
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

    /// The name in `locale`.
    pub fn get(&self, locale: Locale) -> &str {
        crate::locale::pick(locale, &self.en, &self.nb)
    }
}

/// What happened, in one short sentence: generated from the operation, so it always matches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The Synchronize job refused it: the field and why.
    Failed {
        field: Option<FieldName>,
        message: String,
    },
}

impl ChangeDescription {
    /// Describes `detail`.
    pub fn of(detail: &OperationDetail) -> Self {
        let state = &detail.state;
        if state.summary.status == SyncStatus::Failed {
            if let Some(error) = &state.last_error {
                let field = error.field.as_deref().map(|key| {
                    match detail.grid.iter().find(|r| r.field == key) {
                        Some(row) => FieldName::of_row(row),
                        None => {
                            let (en, nb, _) = labels(key, &[]);
                            FieldName { en, nb }
                        }
                    }
                });
                return Self::Failed {
                    field,
                    message: error.message.clone(),
                };
            }
        }
        match state.summary.kind {
            OperationKind::Create => Self::Created {
                channel: state.summary.channel_name.clone(),
                name: new_value(detail, "name").or_else(|| {
                    let first = new_value(detail, "first_name");
                    let last = new_value(detail, "last_name");
                    match (first, last) {
                        (Some(f), Some(l)) => Some(format!("{f} {l}")),
                        (f, l) => f.or(l),
                    }
                }),
                fields: detail.grid.len(),
                account: state.summary.customer_account.clone(),
            },
            OperationKind::Update => Self::Updated {
                changed: detail
                    .grid
                    .iter()
                    .filter(|r| r.old_value != r.new_value)
                    .map(FieldName::of_row)
                    .collect(),
            },
        }
    }

    /// The sentence in `locale`.
    pub fn sentence(&self, locale: Locale) -> String {
        match self {
            Self::Created {
                channel,
                name,
                fields,
                account,
            } => {
                let who = name
                    .as_deref()
                    .unwrap_or(td_string!(locale, describe.no_name));
                let fields = if *fields == 1 {
                    td_string!(locale, describe.one_field).to_string()
                } else {
                    td_string!(locale, describe.n_fields, n = fields).to_string()
                };
                match account {
                    Some(account) => {
                        td_string!(locale, describe.created_now, channel, who, fields, account)
                            .to_string()
                    }
                    None => td_string!(locale, describe.created, channel, who, fields).to_string(),
                }
            }
            Self::Updated { changed } if changed.is_empty() => {
                td_string!(locale, describe.update_none).to_owned()
            }
            Self::Updated { changed } => {
                let names: Vec<String> = changed
                    .iter()
                    .map(|n| lowercase_first(n.get(locale)))
                    .collect();
                let fields = join_names(locale, &names);
                td_string!(locale, describe.updated, fields).to_string()
            }
            Self::Failed {
                field: Some(field),
                message,
            } => {
                let field = lowercase_first(field.get(locale));
                td_string!(locale, describe.failed_field, field, message).to_string()
            }
            Self::Failed {
                field: None,
                message,
            } => td_string!(locale, describe.failed, message).to_string(),
        }
    }
}

/// The new value the operation carries for `key`, if any and not blank.
fn new_value(detail: &OperationDetail, key: &str) -> Option<String> {
    detail
        .grid
        .iter()
        .find(|r| r.field == key)
        .and_then(|r| r.new_value.clone())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// "a", "a and b", "a, b and c"; past four names, "a, b, c and 3 more fields".
pub fn join_names(locale: Locale, names: &[String]) -> String {
    const SHOWN: usize = 3;
    let and = td_string!(locale, describe.and);
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() > SHOWN + 1 => {
            let names_shown = names[..SHOWN].join(", ");
            let n = names.len() - SHOWN;
            td_string!(locale, describe.more_fields, names = names_shown, n).to_string()
        }
        [init @ .., last] => format!("{} {and} {last}", init.join(", ")),
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LastError, OperationSummary};

    fn field(key: &str, old: Option<&str>, new: Option<&str>) -> OperationField {
        OperationField {
            field: key.into(),
            old_value: old.map(Into::into),
            new_value: new.map(Into::into),
        }
    }

    fn detail(
        kind: OperationKind,
        status: SyncStatus,
        fields: &[OperationField],
    ) -> OperationDetail {
        let summary = OperationSummary {
            id: 7,
            channel_id: 1,
            channel_name: "Bergen Storsenter".into(),
            customer_account: None,
            async_account: "5f0c6a5e-3b1e-4c3e-9a57-2f1d9c1b7a10".into(),
            kind,
            operation_at: chrono::Utc::now(),
            status,
            legal_entity_id: "NO01".into(),
        };
        OperationDetail {
            state: OperationState {
                summary: summary.clone(),
                retry_count: 0,
                last_error: None,
                version: 1,
            },
            channel_operation_id: "BGO-1".into(),
            legal_entity_id: "NO01".into(),
            upload_session_id: Some(1),
            received_at: summary.operation_at,
            updated_at: summary.operation_at,
            customer_account: None,
            grid: GridRow::build(fields, &[], None, |_| None),
            history: vec![summary],
        }
    }

    #[test]
    fn a_create_names_the_channel_the_customer_and_how_many_fields() {
        let d = detail(
            OperationKind::Create,
            SyncStatus::Pending,
            &[
                field("name", None, Some("Kari Nordmann")),
                field("email", None, Some("kari@example.no")),
                field("city", None, Some("Bergen")),
            ],
        );
        assert_eq!(
            ChangeDescription::of(&d).sentence(Locale::en),
            "Customer created in Bergen Storsenter: Kari Nordmann, 3 fields"
        );
    }

    #[test]
    fn the_sentence_is_said_in_norwegian_too() {
        let create = detail(
            OperationKind::Create,
            SyncStatus::Pending,
            &[field("name", None, Some("Kari Nordmann"))],
        );
        assert_eq!(
            ChangeDescription::of(&create).sentence(Locale::nb),
            "Kunde opprettet i Bergen Storsenter: Kari Nordmann, 1 felt"
        );
        let update = detail(
            OperationKind::Update,
            SyncStatus::Succeeded,
            &[field("email", Some("a@example.no"), Some("b@example.no"))],
        );
        assert_eq!(
            ChangeDescription::of(&update).sentence(Locale::nb),
            "Kontoendring: e-post endret"
        );
    }

    #[test]
    fn an_update_lists_the_fields_whose_value_changes() {
        let d = detail(
            OperationKind::Update,
            SyncStatus::Succeeded,
            &[
                field("email", Some("a@example.no"), Some("b@example.no")),
                field("phone", Some("+47 1"), Some("+47 2")),
                field("city", Some("Bergen"), Some("Bergen")),
            ],
        );
        assert_eq!(
            ChangeDescription::of(&d).sentence(Locale::en),
            "Account update: phone and email changed"
        );
    }

    #[test]
    fn a_failure_names_the_field_and_the_reason() {
        let mut d = detail(
            OperationKind::Create,
            SyncStatus::Failed,
            &[field("receipt_email", None, Some("ola@@example"))],
        );
        d.state.last_error = Some(LastError {
            code: "invalid_email".into(),
            field: Some("receipt_email".into()),
            message: "“ola@@example” is not a valid email address".into(),
        });
        assert_eq!(
            ChangeDescription::of(&d).sentence(Locale::en),
            "Sync failed: receipt email: “ola@@example” is not a valid email address"
        );
    }

    #[test]
    fn long_lists_of_names_are_cut_short() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        assert_eq!(join_names(Locale::en, &names[..2]), "a and b");
        assert_eq!(join_names(Locale::en, &names[..4]), "a, b, c and d");
        assert_eq!(join_names(Locale::en, &names), "a, b, c and 2 more fields");
        assert_eq!(join_names(Locale::nb, &names[..3]), "a, b og c");
    }

    #[test]
    fn the_grid_lists_standard_fields_first_and_marks_the_failing_one() {
        let rows = GridRow::build(
            &[
                field("attr:loyalty_tier", None, Some("Gold")),
                field("email", None, Some("x")),
                field("name", None, Some("Kari")),
            ],
            &[],
            Some("email"),
            |key| (key == "name").then(|| "Kari N".to_owned()),
        );
        let keys: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(keys, ["name", "email", "attr:loyalty_tier"]);
        assert!(rows[1].failing && !rows[0].failing);
        assert_eq!(rows[0].hq_value.as_deref(), Some("Kari N"));
        assert_eq!(rows[0].label_nb, "Navn");
    }
}
