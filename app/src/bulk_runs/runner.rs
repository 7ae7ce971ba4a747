//! Carrying bulk runs out: the instance that holds a running run's lease settles its items a
//! chunk at a time — each chunk one transaction of operation changes, change-log lines, item
//! outcomes and the run's counts — then, for a run that synchronizes, runs Synchronize
//! customers for the operations the chunk changed. Killed in the middle, a run goes on where its
//! last chunk ended when an instance next takes its lease; an item is settled once.
//!
//! What each item becomes is decided by [`plan`], a pure function of the run, the item and the
//! operation as it is now.

use std::{collections::HashMap, time::Duration};

use crate::{
    jobs::synchronize::Synchronize,
    model::{
        bulk_run::{BulkOutcome, SkipReason},
        BulkAction, BulkRun, FailureGroup, SyncStatus,
    },
    storage::{
        bulk_runs::{ChunkItem, Settle},
        corrections::FieldChange,
        to_micros, Db,
    },
    validate::{validate_operation, ValidationContext},
};

/// Operations settled per transaction (and synchronized per Synchronize step).
pub const CHUNK: i64 = crate::jobs::synchronize::BATCH;
/// How long a lease lasts without being renewed, unless the instance is told otherwise (the
/// server's `--job-lease`): a chunk takes far less. After a crash, the run waits this long.
pub const LEASE: Duration = Duration::from_secs(60);

/// Does one step of the oldest running run this instance (`owner`) may hold: one chunk, or the
/// run's end. `false` when there was nothing to do.
pub async fn step(db: &Db, owner: &str) -> anyhow::Result<bool> {
    step_with(db, owner, LEASE, CHUNK).await
}

/// [`step`] holding the run's lease for `lease`, with chunks of `chunk` items (tests stop a
/// run between small chunks).
pub async fn step_with(db: &Db, owner: &str, lease: Duration, chunk: i64) -> anyhow::Result<bool> {
    let now = to_micros(chrono::Utc::now());
    let until = now + i64::try_from(lease.as_micros()).unwrap_or(i64::MAX / 2);
    let Some((id, cancel_asked)) = db.lease_bulk_run(owner, now, until).await? else {
        return Ok(false);
    };
    let run = db
        .bulk_run(id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("bulk run {id} disappeared"))?;
    if cancel_asked {
        db.finish_bulk_run(&run, true, now).await?;
        tracing::info!(run = id, "bulk run cancelled");
        return Ok(true);
    }
    let chunk = db.bulk_chunk(id, chunk).await?;
    if chunk.is_empty() {
        if run.synchronizes() {
            match synchronize_left_over(db, &run).await? {
                LeftOver::None => {}
                LeftOver::Synchronized => return Ok(true),
                // Finishing now would count them as neither passed nor failed.
                LeftOver::HeldElsewhere => return Ok(false),
            }
        }
        db.finish_bulk_run(&run, false, now).await?;
        tracing::info!(run = id, action = run.action.as_str(), "bulk run finished");
        return Ok(true);
    }
    let mut contexts: HashMap<String, ValidationContext> = HashMap::new();
    if run.action == BulkAction::DryRun {
        for item in &chunk {
            let entity = &item.operation.legal_entity_id;
            if !contexts.contains_key(entity) {
                contexts.insert(entity.clone(), db.validation_context(entity).await?);
            }
        }
    }
    let settles: Vec<(i64, Settle)> = chunk
        .iter()
        .map(|item| (item.item.operation_id, plan(&run, item, &contexts)))
        .collect();
    let outcomes = db.settle_bulk_chunk(&run, &settles, now).await?;
    let changed: Vec<i64> = settles
        .iter()
        .zip(&outcomes)
        .filter(|(_, o)| **o == BulkOutcome::Changed)
        .map(|((id, _), _)| *id)
        .collect();
    if run.synchronizes() && !changed.is_empty() {
        synchronize(db, &run, &changed).await?;
    }
    Ok(true)
}

/// Runs Synchronize customers for operations `ids` of `run`, and counts how they came out.
/// How many it took.
async fn synchronize(db: &Db, run: &BulkRun, ids: &[i64]) -> anyhow::Result<i64> {
    let outcome = Synchronize::new(db.clone()).run_once(Some(ids)).await?;
    db.count_bulk_synchronized(run.id, outcome.succeeded, outcome.failed)
        .await?;
    Ok(outcome.seen)
}

/// What was left to synchronize at the end of a run that synchronizes.
#[derive(Debug, PartialEq, Eq)]
enum LeftOver {
    /// Every operation the run changed has been synchronized: the run can finish.
    None,
    /// Some were left (an instance stopped between a chunk and its synchronize) and were
    /// synchronized now.
    Synchronized,
    /// Some are left, but a Synchronize batch elsewhere (the scheduled job, on PostgreSQL
    /// perhaps another instance) holds them until it commits: look again shortly.
    HeldElsewhere,
}

/// Synchronizes operations the run changed but never synchronized.
async fn synchronize_left_over(db: &Db, run: &BulkRun) -> anyhow::Result<LeftOver> {
    let left = db
        .changed_but_not_synchronized(run.id, crate::jobs::synchronize::BATCH)
        .await?;
    Ok(if left.is_empty() {
        LeftOver::None
    } else if synchronize(db, run, &left).await? > 0 {
        LeftOver::Synchronized
    } else {
        LeftOver::HeldElsewhere
    })
}

/// What one item of `run` becomes, from the operation as it is now.
pub fn plan(
    run: &BulkRun,
    chunk_item: &ChunkItem,
    contexts: &HashMap<String, ValidationContext>,
) -> Settle {
    let item = &chunk_item.item;
    let op = &chunk_item.operation;
    let skip = |why: SkipReason| Settle::Outcome {
        outcome: BulkOutcome::Skipped,
        detail: Some(why.as_str().to_owned()),
    };
    let field = run
        .rule
        .as_ref()
        .map(|r| r.field.clone())
        .unwrap_or_default();
    match run.action {
        BulkAction::DryRun => {
            if !matches!(op.status, SyncStatus::Failed | SyncStatus::Pending) {
                return skip(SkipReason::NotApplicable);
            }
            let empty = ValidationContext::default();
            let ctx = contexts.get(&op.legal_entity_id).unwrap_or(&empty);
            match validate_operation(op.kind, &op.fields, ctx)
                .into_iter()
                .next()
            {
                None => Settle::Outcome {
                    outcome: BulkOutcome::Passed,
                    detail: None,
                },
                Some(e) => Settle::Outcome {
                    outcome: BulkOutcome::Failed,
                    detail: Some(FailureGroup::of(e.code, &e.field, e.reason.as_deref()).key()),
                },
            }
        }
        BulkAction::Synchronize => match op.status {
            SyncStatus::Failed | SyncStatus::Pending if op.version == item.version => {
                Settle::ToSynchronize {
                    version: item.version,
                }
            }
            SyncStatus::Editing => skip(SkipReason::Editing),
            SyncStatus::Failed | SyncStatus::Pending => skip(SkipReason::ChangedSince),
            SyncStatus::Succeeded | SyncStatus::Waiting | SyncStatus::PossibleDuplicate => {
                skip(SkipReason::NotApplicable)
            }
        },
        BulkAction::Correct => match op.status {
            SyncStatus::Editing => skip(SkipReason::Editing),
            _ => Settle::Change {
                version: item.version,
                change: FieldChange {
                    field,
                    before: item.before.clone(),
                    after: item.after.clone(),
                },
                reverts: None,
                synchronize: run.and_synchronize,
            },
        },
        BulkAction::Revert => {
            let now_value = op
                .fields
                .iter()
                .find(|f| f.field == field)
                .and_then(|f| f.new_value.clone());
            match op.status {
                SyncStatus::Editing => skip(SkipReason::Editing),
                SyncStatus::Succeeded => skip(SkipReason::Synchronized),
                _ if now_value != item.before => skip(SkipReason::EditedSince),
                _ => Settle::Change {
                    version: op.version,
                    change: FieldChange {
                        field,
                        before: item.before.clone(),
                        after: item.after.clone(),
                    },
                    reverts: item.detail.as_deref().and_then(|d| d.parse().ok()),
                    synchronize: false,
                },
            }
        }
    }
}
