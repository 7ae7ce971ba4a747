//! Bulk runs as a person asks for them: count a selection exactly, preview a correction by rule
//! (nothing stored but the preview), confirm it, start a dry run or a synchronize, revert a
//! bulk correction, cancel. Each checks the person's role and limit and the selection, and
//! answers a wire-safe [`AppError`] naming what is wrong. [`runner`] carries the runs out.
//!
//! The selection is the status list's filter, evaluated when the run is asked for: a preview's
//! operations are fixed with their versions then, and an operation that changed before its
//! turn is skipped and counted, never overwritten.

pub mod runner;

use std::collections::HashMap;

use crate::{
    model::{
        bulk_run::{
            BulkOutcome, CorrectionPreview, PreviewItem, SkipReason, OPERATOR_LIMIT,
            PREVIEW_PAGE_SIZE,
        },
        filter::FilterField,
        BulkAction, BulkRun, BulkStatus, FailureGroup, OperationFilter, Role, Rule, SignedIn,
        SyncStatus,
    },
    storage::{
        bulk_runs::{NewBulkItem, NewBulkRun, SelectedOperation},
        Db,
    },
    validate::{validate_operation, ValidationContext},
    AppError,
};

/// The most operations an admin may act on at once (a correction's preview holds each of
/// them in memory).
pub const ADMIN_LIMIT: i64 = 200_000;
/// How long a preview waits for its confirmation (microseconds): after that, preview again.
pub const PREVIEW_LIFETIME: i64 = 30 * 60 * 1_000_000;

/// How many operations `person` may act on at once.
pub fn limit_of(person: &SignedIn) -> i64 {
    if person.may(Role::Admin) {
        ADMIN_LIMIT
    } else {
        OPERATOR_LIMIT
    }
}

/// How many operations the list's `query` selects now, exactly.
pub async fn count(db: &Db, query: &str) -> Result<i64, AppError> {
    let filter = crate::functions::operations::read_filter(db, query).await?;
    Ok(db.count_selection(&filter).await?)
}

/// Starts a dry run or a synchronize of every operation the list's `query` selects now.
pub async fn start(
    db: &Db,
    person: &SignedIn,
    query: &str,
    action: BulkAction,
    now: i64,
) -> Result<BulkRun, AppError> {
    crate::access::allow(person, Role::Operator)?;
    if !matches!(action, BulkAction::DryRun | BulkAction::Synchronize) {
        return Err(AppError::validation(
            "action",
            "only a dry run or a synchronize starts from a selection",
        ));
    }
    let filter = crate::functions::operations::read_filter(db, query).await?;
    check_size(person, db.count_selection(&filter).await?)?;
    let id = write_run(
        db,
        person,
        &NewBulkRun {
            action,
            status: BulkStatus::Running,
            actor: &person.name,
            selection: query,
            rule: None,
            and_synchronize: false,
            reverts: None,
            now_micros: now,
        },
        &filter,
        None,
    )
    .await?;
    run_of(db, id).await
}

/// What a correction by `rule` of every operation the list's `query` selects would do: a
/// preview run holding each change, to confirm with [`confirm`]. Validation is the editor's
/// and the Synchronize job's, with today's reference data.
pub async fn preview(
    db: &Db,
    person: &SignedIn,
    query: &str,
    rule: &Rule,
    now: i64,
) -> Result<CorrectionPreview, AppError> {
    crate::access::allow(person, Role::Operator)?;
    let catalog = FilterField::catalog(&db.every_attribute_definition().await?);
    let field = catalog
        .iter()
        .find(|f| f.key == rule.field)
        .ok_or_else(|| AppError::validation("rule.field", "is not a customer field"))?;
    rule.check(field.kind)
        .map_err(|m| AppError::validation("rule", rule_mistake(&m)))?;
    let filter = crate::functions::operations::read_filter(db, query).await?;
    let limit = limit_of(person);
    check_size(person, db.count_selection(&filter).await?)?;
    let selected = db.selected_operations(&filter, limit + 1).await?;
    check_size(person, selected.len() as i64)?;
    let mut contexts: HashMap<String, ValidationContext> = HashMap::new();
    for op in &selected {
        if !contexts.contains_key(&op.legal_entity_id) {
            let ctx = db.validation_context(&op.legal_entity_id).await?;
            contexts.insert(op.legal_entity_id.clone(), ctx);
        }
    }
    let items: Vec<NewBulkItem> = selected
        .iter()
        .map(|op| preview_item(op, rule, &contexts))
        .collect();
    let id = write_run(
        db,
        person,
        &NewBulkRun {
            action: BulkAction::Correct,
            status: BulkStatus::Previewed,
            actor: &person.name,
            selection: query,
            rule: Some(rule),
            and_synchronize: false,
            reverts: None,
            now_micros: now,
        },
        &filter,
        Some(&items),
    )
    .await?;
    Ok(summarize(id, &items))
}

/// One operation's item in a correction's preview: its change and whether it would pass, or
/// why it is left out.
fn preview_item(
    op: &SelectedOperation,
    rule: &Rule,
    contexts: &HashMap<String, ValidationContext>,
) -> NewBulkItem {
    let before = op
        .fields
        .iter()
        .find(|f| f.field == rule.field)
        .and_then(|f| f.new_value.clone());
    let after = rule.apply(before.as_deref());
    let left_out = match op.status {
        SyncStatus::Editing => Some(SkipReason::Editing),
        SyncStatus::Failed | SyncStatus::Pending if after == before => Some(SkipReason::Unchanged),
        SyncStatus::Failed | SyncStatus::Pending => None,
        SyncStatus::Succeeded | SyncStatus::Waiting | SyncStatus::PossibleDuplicate => {
            Some(SkipReason::NotApplicable)
        }
    };
    let still_fails = if left_out.is_none() {
        let mut fields = op.fields.clone();
        match fields.iter_mut().find(|f| f.field == rule.field) {
            Some(f) => f.new_value = after.clone(),
            None => fields.push(crate::model::OperationField {
                field: rule.field.clone(),
                old_value: None,
                new_value: after.clone(),
            }),
        }
        let empty = ValidationContext::default();
        let ctx = contexts.get(&op.legal_entity_id).unwrap_or(&empty);
        validate_operation(op.kind, &fields, ctx)
            .into_iter()
            .next()
            .map(|e| FailureGroup::of(e.code, &e.field, e.reason.as_deref()).key())
    } else {
        None
    };
    NewBulkItem {
        operation_id: op.id,
        version: op.version,
        before,
        after,
        outcome: left_out.map(|_| BulkOutcome::Skipped),
        detail: left_out.map(|r| r.as_str().to_owned()).or(still_fails),
    }
}

/// A preview's counts and first changes, from its items.
fn summarize(run_id: i64, items: &[NewBulkItem]) -> CorrectionPreview {
    let mut still_fail: HashMap<&str, i64> = HashMap::new();
    let mut left_out: HashMap<SkipReason, i64> = HashMap::new();
    let mut changes = 0;
    for item in items {
        match (item.outcome, item.detail.as_deref()) {
            (Some(_), Some(reason)) => {
                if let Some(reason) = SkipReason::parse(reason) {
                    *left_out.entry(reason).or_default() += 1;
                }
            }
            (Some(_), None) => {}
            (None, failing) => {
                changes += 1;
                if let Some(group) = failing {
                    *still_fail.entry(group).or_default() += 1;
                }
            }
        }
    }
    let mut still_fail: Vec<(String, i64)> = still_fail
        .into_iter()
        .map(|(k, n)| (k.to_owned(), n))
        .collect();
    still_fail.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut left_out: Vec<(SkipReason, i64)> = left_out.into_iter().collect();
    left_out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    CorrectionPreview {
        run_id,
        selected: items.len() as i64,
        changes,
        will_pass: changes - still_fail.iter().map(|(_, n)| n).sum::<i64>(),
        still_fail,
        left_out,
        sample: preview_page(items.iter()),
    }
}

/// Up to [`PREVIEW_PAGE_SIZE`] changes among `items`, in their order.
fn preview_page<'a>(items: impl Iterator<Item = &'a NewBulkItem>) -> Vec<PreviewItem> {
    items
        .filter(|i| i.outcome.is_none())
        .take(PREVIEW_PAGE_SIZE)
        .map(|i| PreviewItem {
            operation_id: i.operation_id,
            before: i.before.clone(),
            after: i.after.clone(),
            still_fails: i.detail.clone(),
        })
        .collect()
}

/// The next page of `person`'s preview `run_id`'s changes, after operation `after`.
pub async fn preview_more(
    db: &Db,
    person: &SignedIn,
    run_id: i64,
    after: i64,
) -> Result<Vec<PreviewItem>, AppError> {
    let run = run_of(db, run_id).await?;
    if run.status != BulkStatus::Previewed || run.actor != person.name {
        return Err(stale_preview());
    }
    let items = db
        .items_to_do(run_id, after, PREVIEW_PAGE_SIZE as i64)
        .await?;
    Ok(preview_page(items.iter()))
}

/// Stores the correction previewed as `run_id` (and synchronizes each operation it changes,
/// when asked): the runner carries it out. Refused when the preview is not the person's, is
/// no longer waiting, is older than [`PREVIEW_LIFETIME`], or its selection grew past the
/// person's limit since.
pub async fn confirm(
    db: &Db,
    person: &SignedIn,
    run_id: i64,
    and_synchronize: bool,
    now: i64,
) -> Result<BulkRun, AppError> {
    crate::access::allow(person, Role::Operator)?;
    let run = run_of(db, run_id).await?;
    if run.status != BulkStatus::Previewed || run.actor != person.name {
        return Err(stale_preview());
    }
    // The preview fixed its operations; the person's limit may have changed since.
    check_size(person, run.counts.selected)?;
    if !db
        .confirm_bulk_run(
            run_id,
            &person.name,
            and_synchronize,
            now - PREVIEW_LIFETIME,
        )
        .await?
    {
        return Err(stale_preview());
    }
    run_of(db, run_id).await
}

/// Starts putting back what bulk correction `run_id` changed, on each operation nobody changed
/// since and that is not synchronized yet (the others are listed, left alone).
pub async fn revert(
    db: &Db,
    person: &SignedIn,
    run_id: i64,
    now: i64,
) -> Result<BulkRun, AppError> {
    crate::access::allow(person, Role::Operator)?;
    let run = run_of(db, run_id).await?;
    if run.action != BulkAction::Correct
        || !matches!(run.status, BulkStatus::Finished | BulkStatus::Cancelled)
    {
        return Err(AppError::validation(
            "run",
            "only a bulk correction that has ended can be reverted",
        ));
    }
    if db.bulk_reverted(run_id).await? {
        return Err(AppError::validation("run", "has already been reverted"));
    }
    let lines = db.bulk_corrections(run_id).await?;
    check_size(person, lines.len() as i64)?;
    let items: Vec<NewBulkItem> = lines
        .into_iter()
        .map(|line| NewBulkItem {
            operation_id: line.operation_id,
            version: line.version,
            // Expected now, and put back.
            before: line.change.after,
            after: line.change.before,
            outcome: None,
            detail: Some(line.line_id.to_string()),
        })
        .collect();
    let id = write_run(
        db,
        person,
        &NewBulkRun {
            action: BulkAction::Revert,
            status: BulkStatus::Running,
            actor: &person.name,
            selection: &run.selection,
            rule: run.rule.as_ref(),
            and_synchronize: false,
            reverts: Some(run_id),
            now_micros: now,
        },
        &OperationFilter::default(),
        Some(&items),
    )
    .await?;
    run_of(db, id).await
}

/// Stops run `run_id` (its person's, or any for an admin): a preview at once, a running run
/// after its current chunk.
pub async fn cancel(
    db: &Db,
    person: &SignedIn,
    run_id: i64,
    now: i64,
) -> Result<BulkRun, AppError> {
    crate::access::allow(person, Role::Operator)?;
    let run = run_of(db, run_id).await?;
    if run.actor != person.name && !person.may(Role::Admin) {
        return Err(AppError::Forbidden);
    }
    if !db.cancel_bulk_run(run_id, now).await? {
        return Err(AppError::validation("run", "has already ended"));
    }
    run_of(db, run_id).await
}

/// Writes `run` with its items (those given, or what `filter` selects now); its id. Refused
/// when they are more than `person` may act on (a selection can grow between a count and the
/// write: the limit is checked inside it).
async fn write_run(
    db: &Db,
    person: &SignedIn,
    run: &NewBulkRun<'_>,
    filter: &OperationFilter,
    items: Option<&[NewBulkItem]>,
) -> Result<i64, AppError> {
    db.insert_bulk_run(run, filter, items, limit_of(person))
        .await?
        .ok_or_else(|| too_many(person))
}

/// Run `id` as it stands.
pub async fn run_of(db: &Db, id: i64) -> Result<BulkRun, AppError> {
    db.bulk_run(id).await?.ok_or_else(|| AppError::NotFound {
        what: format!("bulk run {id}"),
    })
}

/// Refuses an empty selection, and one larger than `person` may act on.
fn check_size(person: &SignedIn, n: i64) -> Result<(), AppError> {
    if n == 0 {
        return Err(AppError::validation(
            "selection",
            "selects no operation; change the filter",
        ));
    }
    if n > limit_of(person) {
        return Err(too_many(person));
    }
    Ok(())
}

/// A selection larger than `person` may act on at once.
fn too_many(person: &SignedIn) -> AppError {
    let limit = limit_of(person);
    let (who, or_else) = if person.may(Role::Admin) {
        ("anyone", "")
    } else {
        ("an operator", " or ask an admin")
    };
    AppError::validation(
        "selection",
        format!(
            "holds more than {limit} operations, more than {who} may change at once; narrow the \
             filter{or_else}"
        ),
    )
}

/// A preview that can no longer be confirmed or paged.
fn stale_preview() -> AppError {
    AppError::validation(
        "preview",
        "is out of date (confirmed, cancelled or older than 30 minutes); preview again",
    )
}

/// A rule's mistake in English (the API's and the log's words; the page says its own).
fn rule_mistake(mistake: &crate::model::bulk_run::RuleMistake) -> String {
    use crate::model::bulk_run::RuleMistake;
    match mistake {
        RuleMistake::DoesNotFit => {
            "changes text, but the field holds a number, a date or yes/no".to_owned()
        }
        RuleMistake::NothingToFind => "needs the text to find".to_owned(),
        RuleMistake::NotOfKind { value } => {
            format!("“{value}” is not a value of the field's kind")
        }
        RuleMistake::TooLong { max } => format!("a value is longer than {max} characters"),
    }
}

#[cfg(test)]
mod tests;
