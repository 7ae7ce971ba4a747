//! A bulk run carried out: the lease one instance holds while it carries the run out, a chunk
//! of items read with their operations as they are now, a chunk settled — each operation's
//! change, its change-log line, the items' outcomes and the run's counts in one transaction —
//! and the run's end.

use super::{item_from_row, selected_from_row, NewBulkItem, SelectedOperation};
use crate::{
    model::{
        bulk_run::{BulkOutcome, SkipReason},
        BulkAction, BulkRun, BulkStatus, ChangeAction,
    },
    storage::{
        col,
        corrections::{store_corrections_in, FieldChange, StoredCorrection},
        json_int, json_param, json_rows, json_text, Db,
    },
};

/// An item still to do, with its operation as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkItem {
    pub item: NewBulkItem,
    pub operation: SelectedOperation,
}

/// How one item of a chunk settles.
#[derive(Debug, Clone)]
pub enum Settle {
    /// Its outcome, and nothing else changes (a dry run; a skip).
    Outcome {
        outcome: BulkOutcome,
        detail: Option<String>,
    },
    /// A field changes (a correction, or a revert of line `reverts`) if the operation still
    /// has `version`: then `changed`, else `skipped` as changed since.
    Change {
        version: i64,
        change: FieldChange,
        reverts: Option<i64>,
        synchronize: bool,
    },
    /// Back to Pending for the Synchronize job, with a Synchronize line (a Failed operation);
    /// or, already Pending, only the line. `changed` unless it moved meanwhile.
    ToSynchronize { version: i64 },
}

impl Db {
    /// Takes (or renews) the lease of the oldest running run nobody else holds, until
    /// `until_micros`; its id and whether it was asked to stop. On PostgreSQL two instances
    /// asking at once get different runs or one of them none.
    #[tracing::instrument(skip(self), err)]
    pub async fn lease_bulk_run(
        &self,
        owner: &str,
        now_micros: i64,
        until_micros: i64,
    ) -> Result<Option<(i64, bool)>, sqlx::Error> {
        let free = "status = 'running' AND (lease_owner IS NULL OR lease_owner = $1 \
                    OR lease_until < $2)";
        // Asked every second by every instance: only take SQLite's one writer (and make the
        // Synchronize job shorten its transactions for it) when there is a run to take.
        let waiting = sqlx::query(&format!("SELECT id FROM bulk_runs WHERE {free} LIMIT 1"))
            .bind(owner)
            .bind(now_micros)
            .fetch_optional(self.pool())
            .await?;
        if waiting.is_none() {
            return Ok(None);
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "UPDATE bulk_runs SET lease_owner = $1, lease_until = $3 WHERE id = \
             (SELECT id FROM bulk_runs WHERE {free} ORDER BY id LIMIT 1) AND {free} \
             RETURNING id, cancel_requested"
        ))
        .bind(owner)
        .bind(now_micros)
        .bind(until_micros)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        row.map(|row| Ok((col(&row, "id")?, col::<i64>(&row, "cancel_requested")? != 0)))
            .transpose()
    }

    /// Up to `limit` items of run `run` still to do, by operation id, each with its operation
    /// as it is now.
    #[tracing::instrument(skip(self), err)]
    pub async fn bulk_chunk(&self, run: i64, limit: i64) -> Result<Vec<ChunkItem>, sqlx::Error> {
        let fields =
            crate::storage::json_group(self.backend(), &["f.field", "f.old_value", "f.new_value"]);
        let sql = format!(
            "SELECT i.operation_id, i.version AS item_version, i.before_value, i.after_value, \
             i.outcome, i.detail, o.id, o.version, o.status, o.kind, o.legal_entity_id, \
             (SELECT {fields} FROM operation_fields f WHERE f.operation_id = o.id) AS fields \
             FROM bulk_run_items i JOIN operations o ON o.id = i.operation_id \
             WHERE i.run_id = $1 AND i.outcome IS NULL ORDER BY i.operation_id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(run)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let mut item = item_from_row(row)?;
                item.version = col(row, "item_version")?;
                Ok(ChunkItem {
                    item,
                    operation: selected_from_row(row)?,
                })
            })
            .collect()
    }

    /// Settles a chunk of run `run`'s items in one transaction: each change or move to
    /// Pending, its change-log line (naming the run), the item's outcome, and the run's counts.
    /// Returns each item's outcome, in order.
    #[tracing::instrument(skip(self, run, items), fields(run = run.id), err)]
    pub async fn settle_bulk_chunk(
        &self,
        run: &BulkRun,
        items: &[(i64, Settle)],
        now_micros: i64,
    ) -> Result<Vec<BulkOutcome>, sqlx::Error> {
        let corrections: Vec<StoredCorrection> = items
            .iter()
            .filter_map(|(operation_id, settle)| {
                correction_of(run, *operation_id, settle, now_micros)
            })
            .collect();
        let mut tx = self.begin_write().await?;
        let stored = store_corrections_in(&mut tx, self.backend(), &corrections).await?;
        let mut stored = stored.into_iter();
        let mut outcomes = Vec::with_capacity(items.len());
        let mut rows: Vec<(i64, &'static str, Option<String>)> = Vec::with_capacity(items.len());
        for (operation_id, settle) in items {
            let (outcome, detail) = match settle {
                Settle::Outcome { outcome, detail } => (*outcome, detail.clone()),
                // One stored-or-not per correction, in the items' order.
                _ if stored.next() == Some(true) => (BulkOutcome::Changed, None),
                _ => (
                    BulkOutcome::Skipped,
                    Some(SkipReason::ChangedSince.as_str().to_owned()),
                ),
            };
            outcomes.push(outcome);
            rows.push((*operation_id, outcome.as_str(), detail));
        }
        // `ORDER BY` keeps SQLite from flattening the rows into the join (it would scan the
        // run's items for each row: 1.3 s a chunk at 10,000 items), as the job's settle_all.
        let sql = format!(
            "UPDATE bulk_run_items SET outcome = v.outcome, detail = v.detail \
             FROM (SELECT {} AS operation_id, {} AS outcome, {} AS detail FROM {} ORDER BY 1) \
             AS v WHERE bulk_run_items.run_id = $1 \
             AND bulk_run_items.operation_id = v.operation_id AND bulk_run_items.outcome IS NULL",
            json_int(0),
            json_text(1),
            json_text(2),
            json_rows(self.backend(), 2)
        );
        let settled = sqlx::query(&sql)
            .bind(run.id)
            .bind(json_param(&rows)?)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if settled != rows.len() as u64 {
            // Another instance settled some of them (its lease ran out under it): leave all
            // of this chunk to it, so nothing is changed twice.
            tx.rollback().await?;
            return Err(sqlx::Error::Protocol(
                "a bulk run's chunk was settled by another instance".into(),
            ));
        }
        let count = |o: BulkOutcome| outcomes.iter().filter(|x| **x == o).count() as i64;
        sqlx::query(
            "UPDATE bulk_runs SET done = done + $2, changed = changed + $3, \
             skipped = skipped + $4, passed = passed + $5, failed = failed + $6 WHERE id = $1",
        )
        .bind(run.id)
        .bind(outcomes.len() as i64)
        .bind(count(BulkOutcome::Changed))
        .bind(count(BulkOutcome::Skipped))
        .bind(count(BulkOutcome::Passed))
        .bind(count(BulkOutcome::Failed))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Ends a run (finished, or cancelled when it was asked to stop) and lets go of its lease.
    /// For a run that synchronizes, `passed` and `failed` are counted from the operations it
    /// changed as they stand now (Succeeded, Failed), so a restart in the middle cannot make
    /// them wrong.
    #[tracing::instrument(skip(self, run), fields(run = run.id), err)]
    pub async fn finish_bulk_run(
        &self,
        run: &BulkRun,
        cancelled: bool,
        now_micros: i64,
    ) -> Result<(), sqlx::Error> {
        let counted = if run.synchronizes() {
            "passed = (SELECT COUNT(*) FROM bulk_run_items i JOIN operations o \
             ON o.id = i.operation_id WHERE i.run_id = $1 AND i.outcome = 'changed' \
             AND o.status = 'succeeded'), \
             failed = (SELECT COUNT(*) FROM bulk_run_items i JOIN operations o \
             ON o.id = i.operation_id WHERE i.run_id = $1 AND i.outcome = 'changed' \
             AND o.status = 'failed'), "
        } else {
            ""
        };
        let status = if cancelled {
            BulkStatus::Cancelled
        } else {
            BulkStatus::Finished
        };
        self.write_one(
            sqlx::query(&format!(
                "UPDATE bulk_runs SET {counted}status = $2, finished_at = $3, \
                 lease_owner = NULL, lease_until = NULL WHERE id = $1 AND status = 'running'"
            ))
            .bind(run.id)
            .bind(status.as_str())
            .bind(now_micros),
        )
        .await?;
        Ok(())
    }

    /// Adds to a running run's synchronize counts as its chunks synchronize (the progress the
    /// page shows; [`Db::finish_bulk_run`] counts them exactly at the end).
    pub async fn count_bulk_synchronized(
        &self,
        run: i64,
        passed: i64,
        failed: i64,
    ) -> Result<(), sqlx::Error> {
        self.write_one(
            sqlx::query(
                "UPDATE bulk_runs SET passed = passed + $2, failed = failed + $3 \
                 WHERE id = $1 AND status = 'running'",
            )
            .bind(run)
            .bind(passed)
            .bind(failed),
        )
        .await?;
        Ok(())
    }

    /// Up to `limit` operations run `run` changed that are still Pending and were never tried
    /// by the Synchronize job since (a crash came between a chunk and its synchronize).
    pub async fn changed_but_not_synchronized(
        &self,
        run: i64,
        limit: i64,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT o.id FROM bulk_run_items i JOIN operations o ON o.id = i.operation_id \
             WHERE i.run_id = $1 AND i.outcome = 'changed' AND o.status = 'pending' \
             AND o.next_retry_at IS NULL ORDER BY o.id LIMIT $2",
        )
        .bind(run)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| col(row, "id")).collect()
    }
}

/// The correction settling an item stores, if it changes its operation: a field's new value
/// (a correction, a revert), or only the move back to Pending with a Synchronize line.
fn correction_of<'a>(
    run: &'a BulkRun,
    operation_id: i64,
    settle: &'a Settle,
    now_micros: i64,
) -> Option<StoredCorrection<'a>> {
    let (version, action, reason, changes, reverts, synchronize) = match settle {
        Settle::Outcome { .. } => return None,
        Settle::Change {
            version,
            change,
            reverts,
            synchronize,
        } => match run.action {
            BulkAction::Revert => (
                *version,
                ChangeAction::Revert,
                "bulk revert",
                std::slice::from_ref(change),
                *reverts,
                *synchronize,
            ),
            _ => (
                *version,
                ChangeAction::Correct,
                "bulk correction",
                std::slice::from_ref(change),
                *reverts,
                *synchronize,
            ),
        },
        Settle::ToSynchronize { version } => (
            *version,
            ChangeAction::Synchronize,
            "bulk synchronize",
            &[][..],
            None,
            true,
        ),
    };
    Some(StoredCorrection {
        operation_id,
        version,
        actor: &run.actor,
        reason: Some(reason),
        action,
        changes,
        reverts,
        synchronize,
        bulk_run: Some(run.id),
        now_micros,
    })
}
