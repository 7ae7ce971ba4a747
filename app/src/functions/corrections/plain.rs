//! The plain, tested functions behind the correction server functions.

use std::collections::BTreeMap;

use crate::{
    model::{
        correction::{
            is_correctable, stored_value, ChangeLogFilter, ChangeLogPage, MAX_CORRECTED_FIELDS,
            MAX_REASON_CHARS, MAX_VALUE_CHARS,
        },
        field::ATTRIBUTE_PREFIX,
        ChangeAction, Correction, CustomerField, EditSession, OperationDetail, OperationField,
        SaveOutcome, SignedIn, SyncStatus,
    },
    storage::{
        corrections::{FieldChange, StoredCorrection},
        Db,
    },
    validate::{validate_operation, ValidationContext},
    AppError,
};

/// Why a person cannot correct an operation in `status`.
fn not_correctable(status: SyncStatus) -> AppError {
    let why = match status {
        SyncStatus::Succeeded => {
            "this operation has already succeeded; it can no longer be corrected (make the change in a new operation)"
        }
        SyncStatus::Waiting => {
            "this operation waits for an earlier operation of the same customer; correct that one first"
        }
        _ => "this operation cannot be corrected now",
    };
    AppError::validation("status", why)
}

/// Holds operation `id` in Editing for `person` and returns what the editor needs.
pub async fn start(db: &Db, person: &SignedIn, id: i64, now: i64) -> Result<EditSession, AppError> {
    keep(db, person, id, now).await?;
    let detail = current(db, id).await?;
    let context = db.validation_context(&detail.legal_entity_id).await?;
    Ok(EditSession { detail, context })
}

/// Renews `person`'s hold on operation `id` (the open editor's sign of life): the hold alone,
/// none of what opening reads.
pub async fn keep(db: &Db, person: &SignedIn, id: i64, now: i64) -> Result<(), AppError> {
    match db.hold_for_editing(id, &person.name, now).await? {
        Ok(()) => Ok(()),
        Err(None) => Err(operation_not_found(id)),
        Err(Some(status)) => Err(not_correctable(status)),
    }
}

/// What a correction of operation `id` starts from, if it can still be corrected.
async fn correctable_base(
    db: &Db,
    id: i64,
) -> Result<crate::storage::corrections::CorrectionBase, AppError> {
    let base = db
        .correction_base(id)
        .await?
        .ok_or_else(|| operation_not_found(id))?;
    if !is_correctable(base.status) {
        return Err(not_correctable(base.status));
    }
    Ok(base)
}

fn operation_not_found(id: i64) -> AppError {
    AppError::NotFound {
        what: format!("operation {id}"),
    }
}

async fn current(db: &Db, id: i64) -> Result<OperationDetail, AppError> {
    db.operation_detail(id)
        .await?
        .ok_or_else(|| operation_not_found(id))
}

async fn conflict(db: &Db, id: i64) -> Result<SaveOutcome, AppError> {
    let current = current(db, id).await?;
    let by = current.changes.first().cloned().map(Box::new);
    Ok(SaveOutcome::Conflict { current, by })
}

/// What is wrong with a correction's shape, before anything is read: too many fields, a value
/// or reason too long.
pub fn check_shape(correction: &Correction) -> Result<(), AppError> {
    if correction.values.len() > MAX_CORRECTED_FIELDS {
        return Err(AppError::validation(
            "values",
            format!("a correction sets at most {MAX_CORRECTED_FIELDS} fields"),
        ));
    }
    for (field, value) in &correction.values {
        if field.chars().count() > 100 {
            return Err(AppError::validation("values", "a field name is too long"));
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(AppError::validation(
                field.clone(),
                format!("is longer than {MAX_VALUE_CHARS} characters"),
            ));
        }
    }
    check_reason(correction.reason.as_deref())
}

/// A reason longer than [`MAX_REASON_CHARS`] is refused.
fn check_reason(reason: Option<&str>) -> Result<(), AppError> {
    if reason.is_some_and(|r| r.chars().count() > MAX_REASON_CHARS) {
        return Err(AppError::validation(
            "reason",
            format!("is longer than {MAX_REASON_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Whether `key` is a field the customers of this legal entity have.
fn is_known_field(key: &str, ctx: &ValidationContext) -> bool {
    match key.strip_prefix(ATTRIBUTE_PREFIX) {
        Some(name) => ctx.attributes.iter().any(|a| a.name == name),
        None => CustomerField::from_key(key).is_some(),
    }
}

/// The operation's fields with the corrected values in place (new fields added).
pub fn merge(fields: &[OperationField], values: &BTreeMap<String, String>) -> Vec<OperationField> {
    let mut merged: Vec<OperationField> = fields
        .iter()
        .map(|f| match values.get(&f.field) {
            Some(typed) => OperationField {
                new_value: stored_value(typed),
                ..f.clone()
            },
            None => f.clone(),
        })
        .collect();
    for (key, typed) in values {
        if !fields.iter().any(|f| &f.field == key) {
            merged.push(OperationField {
                field: key.clone(),
                old_value: None,
                new_value: stored_value(typed),
            });
        }
    }
    merged
}

/// The fields whose stored value a correction changes, with before and after.
pub fn changes(fields: &[OperationField], values: &BTreeMap<String, String>) -> Vec<FieldChange> {
    values
        .iter()
        .filter_map(|(key, typed)| {
            let before = fields
                .iter()
                .find(|f| &f.field == key)
                .and_then(|f| f.new_value.clone());
            let after = stored_value(typed);
            (before != after).then(|| FieldChange {
                field: key.clone(),
                before,
                after,
            })
        })
        .collect()
}

/// Saves `correction`: validated again here (the browser's checks are a courtesy), stored all
/// or nothing from the version the editor started from, then synchronized when asked.
pub async fn save(
    db: &Db,
    person: &SignedIn,
    correction: &Correction,
    now: i64,
) -> Result<SaveOutcome, AppError> {
    check_shape(correction)?;
    let id = correction.operation_id;
    let base = correctable_base(db, id).await?;
    if base.version != correction.version {
        return conflict(db, id).await;
    }
    let ctx = db.validation_context(&base.legal_entity_id).await?;
    if let Some(unknown) = correction.values.keys().find(|k| !is_known_field(k, &ctx)) {
        return Err(AppError::validation(
            unknown.clone(),
            "is not a customer field of this legal entity",
        ));
    }
    let merged = merge(&base.fields, &correction.values);
    if let Some(error) = validate_operation(base.kind, &merged, &ctx)
        .into_iter()
        .next()
    {
        return Err(AppError::validation(error.field, error.message));
    }
    let changes = changes(&base.fields, &correction.values);
    let reason = correction
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let stored = db
        .store_correction(&StoredCorrection {
            operation_id: id,
            version: correction.version,
            actor: &person.name,
            reason,
            action: ChangeAction::Correct,
            changes: &changes,
            reverts: None,
            synchronize: correction.synchronize,
            bulk_run: None,
            now_micros: now,
        })
        .await?;
    if !stored {
        return conflict(db, id).await;
    }
    if correction.synchronize {
        crate::jobs::synchronize::now::operation_and_followers(db, id).await?;
    }
    Ok(SaveOutcome::Saved(current(db, id).await?))
}

/// Undoes correction `change_id`: its field goes back to the value it had before, if nobody
/// changed it since. The value restored is not validated: it is what the channel (or an
/// earlier correction) sent.
pub async fn revert(
    db: &Db,
    person: &SignedIn,
    change_id: i64,
    reason: Option<&str>,
    now: i64,
) -> Result<SaveOutcome, AppError> {
    check_reason(reason)?;
    let entry = db
        .change_entry(change_id)
        .await?
        .ok_or_else(|| AppError::NotFound {
            what: format!("change {change_id}"),
        })?;
    let (Some(id), Some(field), ChangeAction::Correct) =
        (entry.operation_id, entry.field.clone(), entry.action)
    else {
        return Err(AppError::validation(
            "change",
            "only a correction of a field can be reverted",
        ));
    };
    if entry.reverted_by.is_some() {
        return Err(AppError::validation("change", "has already been reverted"));
    }
    let base = correctable_base(db, id).await?;
    let now_value = base
        .fields
        .iter()
        .find(|f| f.field == field)
        .and_then(|f| f.new_value.clone());
    if now_value != entry.after {
        return conflict(db, id).await;
    }
    let change = [FieldChange {
        field,
        before: now_value,
        after: entry.before.clone(),
    }];
    let stored = db
        .store_correction(&StoredCorrection {
            operation_id: id,
            version: base.version,
            actor: &person.name,
            reason: reason.map(str::trim).filter(|r| !r.is_empty()),
            action: ChangeAction::Revert,
            changes: &change,
            reverts: Some(change_id),
            synchronize: false,
            bulk_run: None,
            now_micros: now,
        })
        .await?;
    if !stored {
        return conflict(db, id).await;
    }
    Ok(SaveOutcome::Saved(current(db, id).await?))
}

/// The change log page's filter from its URL query; every problem names its parameter.
pub fn read_filter(query: &str) -> Result<ChangeLogFilter, AppError> {
    let mut filter = ChangeLogFilter::default();
    for (key, value) in form_urlencoded::parse(query.trim_start_matches('?').as_bytes()) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        if value.chars().count() > 200 {
            return Err(AppError::validation(key.into_owned(), "is too long"));
        }
        let number = || {
            value
                .parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| AppError::validation(key.to_string(), "is not a number"))
        };
        match key.as_ref() {
            "who" => filter.actor = Some(value.to_owned()),
            "field" => filter.field = Some(value.to_owned()),
            "op" => filter.operation_id = Some(number()?),
            "bulk" => filter.bulk_run = Some(number()?),
            "before" => filter.before = Some(number()?),
            "action" => {
                filter.action = Some(ChangeAction::parse(value).ok_or_else(|| {
                    AppError::validation("action", "is not correct, revert or synchronize")
                })?)
            }
            _ => {}
        }
    }
    Ok(filter)
}

/// A page of the change log.
pub async fn change_log(db: &Db, query: &str) -> Result<ChangeLogPage, AppError> {
    let filter = read_filter(query)?;
    let mut entries = db.change_log(&filter, super::CHANGE_LOG_PAGE + 1).await?;
    let next = if entries.len() as i64 > super::CHANGE_LOG_PAGE {
        entries.truncate(super::CHANGE_LOG_PAGE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    let actors = db.change_log_actors().await?;
    Ok(ChangeLogPage {
        entries,
        next,
        actors,
    })
}

#[cfg(test)]
mod tests;
