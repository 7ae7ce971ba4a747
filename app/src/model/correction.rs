//! Corrections: what a person sends to fix an operation (Save, Synchronize), what comes back
//! (the operation as it is now, or a conflict), and the change log that records every one.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::validation_context::ValidationContext;
use super::{GridRow, OperationDetail, SyncStatus};

/// How long an operation stays in Editing without a sign of life from its editor; then it goes
/// back to where it was.
pub const EDIT_HOLD_SECONDS: i64 = 10 * 60;
/// How often an open editor tells the server it is still there.
pub const EDIT_KEEPALIVE_SECONDS: u64 = 2 * 60;
/// The longest value a correction may carry, whatever the field (longer text fields do not
/// exist; this stops a megabyte before it reaches validation or the database).
pub const MAX_VALUE_CHARS: usize = 1_000;
/// The longest reason a correction may carry.
pub const MAX_REASON_CHARS: usize = 500;
/// The most fields one correction may set.
pub const MAX_CORRECTED_FIELDS: usize = 100;

/// A Save: the values a person corrected (field key → new value; empty clears the field), from
/// the version they started from. Read strictly: an unknown key or a value of the wrong type is
/// refused with its path (`values.email: invalid type: …`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Correction {
    pub operation_id: i64,
    /// The operation's version when the editor opened; a save from an older one is a conflict.
    pub version: i64,
    pub values: BTreeMap<String, String>,
    /// Why, in the person's words (optional).
    #[serde(default)]
    pub reason: Option<String>,
    /// Run the Synchronize job for this operation right after saving.
    #[serde(default)]
    pub synchronize: bool,
}

/// [`Correction`] as it arrives, before its path-naming check.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CorrectionInput {
    operation_id: i64,
    version: i64,
    values: BTreeMap<String, String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    synchronize: bool,
}

impl<'de> Deserialize<'de> for Correction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let input: CorrectionInput = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            serde::de::Error::custom(format!("{path}: {}", e.into_inner()))
        })?;
        Ok(Self {
            operation_id: input.operation_id,
            version: input.version,
            values: input.values,
            reason: input.reason,
            synchronize: input.synchronize,
        })
    }
}

/// An operation opened for correction: its detail (now Editing) and what the browser needs to
/// validate every keystroke without asking the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditSession {
    pub detail: OperationDetail,
    pub context: ValidationContext,
}

/// What a Save (or Synchronize) came to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SaveOutcome {
    /// Stored (and synchronized, when asked): the operation as it is now.
    Saved(OperationDetail),
    /// Someone else saved, or a job settled the operation, since the editor opened: nothing
    /// was stored. The operation as it is now, and the last person who changed it.
    Conflict {
        current: OperationDetail,
        by: Option<Box<ChangeEntry>>,
    },
}

/// What one line of the change log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChangeAction {
    /// A person corrected a field's value.
    Correct,
    /// A person undid an earlier correction.
    Revert,
    /// A person asked the Synchronize job to run for this operation now.
    Synchronize,
    /// A person linked a possible duplicate to the existing customer (`after`: its account).
    Link,
    /// A person said a possible duplicate is a different person: create it.
    CreateAnyway,
}

super::text_enum!(ChangeAction {
    Correct => "correct",
    Revert => "revert",
    Synchronize => "synchronize",
    Link => "link",
    CreateAnyway => "create_anyway",
});

/// One line of the change log: who, when, which operation and field, before → after, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub operation_id: Option<i64>,
    pub action: ChangeAction,
    pub field: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub reason: Option<String>,
    /// The correction this one reverts.
    pub reverts: Option<i64>,
    /// The revert that undid this correction, if any.
    pub reverted_by: Option<i64>,
    /// The bulk run that made it, if one did.
    pub bulk_run: Option<i64>,
}

/// What the change log page shows: its filter as the URL has it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLogFilter {
    pub actor: Option<String>,
    pub field: Option<String>,
    pub operation_id: Option<i64>,
    pub action: Option<ChangeAction>,
    /// Lines of one bulk run.
    pub bulk_run: Option<i64>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
}

/// A page of the change log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeLogPage {
    pub entries: Vec<ChangeEntry>,
    /// The `before` of the next page, when there is one.
    pub next: Option<i64>,
    /// Who has made changes, for the filter's choices.
    pub actors: Vec<String>,
}

/// Whether a person may open an operation in `status` for correction.
pub fn is_correctable(status: SyncStatus) -> bool {
    matches!(
        status,
        SyncStatus::Failed
            | SyncStatus::Pending
            | SyncStatus::Editing
            | SyncStatus::PossibleDuplicate
    )
}

/// One field as the editor saw it when it opened, as it is now, and as the person wanted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictField {
    pub field: String,
    pub label_en: String,
    pub label_nb: String,
    pub when_opened: Option<String>,
    pub now: Option<String>,
    pub yours: Option<String>,
}

/// The fields that changed between the grid the editor opened (`opened`) and the grid as it
/// is now (`now`), with what the person typed for each (`yours`), in the grid's order.
pub fn conflicting_fields(
    opened: &[GridRow],
    now: &[GridRow],
    yours: &BTreeMap<String, String>,
) -> Vec<ConflictField> {
    let before: BTreeMap<&str, &GridRow> = opened.iter().map(|r| (r.field.as_str(), r)).collect();
    let mut changed: Vec<ConflictField> = now
        .iter()
        .filter(|row| before.get(row.field.as_str()).map(|r| &r.new_value) != Some(&row.new_value))
        .map(|row| ConflictField {
            field: row.field.clone(),
            label_en: row.label_en.clone(),
            label_nb: row.label_nb.clone(),
            when_opened: before
                .get(row.field.as_str())
                .and_then(|r| r.new_value.clone()),
            now: row.new_value.clone(),
            yours: yours.get(&row.field).cloned(),
        })
        .collect();
    // A field that is gone now (it cannot be, today: fields are never removed) still counts.
    for row in opened {
        if !now.iter().any(|r| r.field == row.field) {
            changed.push(ConflictField {
                field: row.field.clone(),
                label_en: row.label_en.clone(),
                label_nb: row.label_nb.clone(),
                when_opened: row.new_value.clone(),
                now: None,
                yours: yours.get(&row.field).cloned(),
            });
        }
    }
    changed
}

/// Turns what a person typed into the value stored: trimmed, and `None` when empty.
pub fn stored_value(typed: &str) -> Option<String> {
    let trimmed = typed.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(field: &str, new_value: Option<&str>) -> GridRow {
        GridRow {
            field: field.into(),
            label_en: field.into(),
            label_nb: field.into(),
            group: None,
            kind: Default::default(),
            old_value: None,
            new_value: new_value.map(Into::into),
            hq_value: None,
            failing: false,
        }
    }

    #[test]
    fn a_conflict_names_only_the_fields_that_changed_since_the_editor_opened() {
        let opened = [row("email", Some("a@gmial.com")), row("name", Some("Kari"))];
        let now = [row("email", Some("a@gmail.com")), row("name", Some("Kari"))];
        let yours = BTreeMap::from([("email".to_owned(), "kari@gmail.com".to_owned())]);
        let changed = conflicting_fields(&opened, &now, &yours);
        assert_eq!(changed.len(), 1);
        assert_eq!(changed[0].field, "email");
        assert_eq!(changed[0].when_opened.as_deref(), Some("a@gmial.com"));
        assert_eq!(changed[0].now.as_deref(), Some("a@gmail.com"));
        assert_eq!(changed[0].yours.as_deref(), Some("kari@gmail.com"));
    }

    #[test]
    fn a_field_added_by_someone_else_is_a_change_too() {
        let opened = [row("name", Some("Kari"))];
        let now = [row("name", Some("Kari")), row("zip", Some("0150"))];
        let changed = conflicting_fields(&opened, &now, &BTreeMap::new());
        assert_eq!(changed[0].field, "zip");
        assert_eq!(changed[0].when_opened, None);
    }

    #[test]
    fn a_save_of_the_wrong_shape_names_what_is_wrong() {
        let wrong_type = r#"{"operation_id": 1, "version": 1, "values": {"email": 3}}"#;
        let error = serde_json::from_str::<Correction>(wrong_type)
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("values.email: invalid type"), "{error}");
        let unknown = r#"{"operation_id": 1, "version": 1, "values": {}, "owner": "me"}"#;
        let error = serde_json::from_str::<Correction>(unknown)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `owner`"), "{error}");
        let fine = r#"{"operation_id": 1, "version": 2, "values": {"email": "a@b.no"}}"#;
        assert_eq!(serde_json::from_str::<Correction>(fine).unwrap().version, 2);
    }

    #[test]
    fn typed_values_are_trimmed_and_empty_means_no_value() {
        assert_eq!(
            stored_value("  kari@example.no "),
            Some("kari@example.no".into())
        );
        assert_eq!(stored_value("   "), None);
    }

    #[test]
    fn only_failed_pending_and_editing_operations_can_be_corrected() {
        assert!(is_correctable(SyncStatus::Failed));
        assert!(is_correctable(SyncStatus::Editing));
        assert!(!is_correctable(SyncStatus::Succeeded));
        assert!(!is_correctable(SyncStatus::Waiting));
    }
}
