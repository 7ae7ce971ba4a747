//! Bulk runs' statements (migration 0015): the selection counted and read under the list's
//! filter, a run written with its items, the lease one instance holds while it carries a run
//! out, a chunk of items read with their operations, and a chunk settled — each operation's
//! change, its change-log line, the items' outcomes and the run's counts in one transaction.

use sqlx::any::AnyRow;

use super::{
    clause::Clause,
    col,
    corrections::{store_corrections_in, FieldChange, StoredCorrection},
    from_micros, json_int, json_param, json_rows, json_text, Db,
};
use crate::model::{
    bulk_run::{BulkCounts, BulkOutcome, SkipReason},
    BulkAction, BulkRun, BulkStatus, ChangeAction, OperationField, OperationFilter, OperationKind,
    Rule, SyncStatus,
};

/// A run to write.
#[derive(Debug, Clone)]
pub struct NewBulkRun<'a> {
    pub action: BulkAction,
    pub status: BulkStatus,
    pub actor: &'a str,
    /// The status list's query the selection came from.
    pub selection: &'a str,
    pub rule: Option<&'a Rule>,
    pub and_synchronize: bool,
    pub reverts: Option<i64>,
    pub now_micros: i64,
}

/// One operation of a run, as written with it: the operation's version then and, for a
/// correction or a revert, the field's value before and after; an outcome when it is settled
/// already (a rule that changes nothing, say).
#[derive(Debug, Clone, PartialEq)]
pub struct NewBulkItem {
    pub operation_id: i64,
    pub version: i64,
    pub before: Option<String>,
    pub after: Option<String>,
    pub outcome: Option<BulkOutcome>,
    pub detail: Option<String>,
}

/// An operation the selection holds, with what a rule and validation need.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectedOperation {
    pub id: i64,
    pub version: i64,
    pub status: SyncStatus,
    pub kind: OperationKind,
    pub legal_entity_id: String,
    pub fields: Vec<OperationField>,
}

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

/// A change-log line of a bulk correction.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLine {
    pub line_id: i64,
    pub operation_id: i64,
    /// The operation's version now.
    pub version: i64,
    pub change: FieldChange,
}

/// The columns of a run.
const RUN_COLUMNS: &str = "id, action, status, actor, created_at, finished_at, selection, rule, \
     and_synchronize, reverts, selected, done, changed, skipped, passed, failed";

impl Db {
    /// How many operations `filter` selects now, exactly.
    #[tracing::instrument(skip(self), err)]
    pub async fn count_selection(&self, filter: &OperationFilter) -> Result<i64, sqlx::Error> {
        let mut clause = Clause::default();
        let selection = self.selection(filter, &mut clause, "o.id");
        let sql = format!("SELECT COUNT(*) AS n FROM ({selection}) s");
        let row = clause
            .bind(sqlx::query(&sql))
            .fetch_one(self.pool())
            .await?;
        col(&row, "n")
    }

    /// Up to `limit` of the operations `filter` selects, by id, with their fields.
    #[tracing::instrument(skip(self), err)]
    pub async fn selected_operations(
        &self,
        filter: &OperationFilter,
        limit: i64,
    ) -> Result<Vec<SelectedOperation>, sqlx::Error> {
        let mut clause = Clause::default();
        let fields = super::json_group(self.backend(), &["f.field", "f.old_value", "f.new_value"]);
        let columns = format!(
            "o.id, o.version, o.status, o.kind, o.legal_entity_id, \
             (SELECT {fields} FROM operation_fields f WHERE f.operation_id = o.id) AS fields"
        );
        let selection = self.selection(filter, &mut clause, &columns);
        let n = clause.int(limit);
        let sql = format!("SELECT * FROM ({selection}) s ORDER BY s.id LIMIT {n}");
        let rows = clause
            .bind(sqlx::query(&sql))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(selected_from_row).collect()
    }

    /// Writes a run and its items in one transaction; its id, or `None` (nothing written) when
    /// they are more than `limit`. The items are `items`, or, when `None`, every operation
    /// `filter` selects now (with its version).
    #[tracing::instrument(skip(self, run, items), err)]
    pub async fn insert_bulk_run(
        &self,
        run: &NewBulkRun<'_>,
        filter: &OperationFilter,
        items: Option<&[NewBulkItem]>,
        limit: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO bulk_runs (action, status, actor, created_at, selection, rule, \
             and_synchronize, reverts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(run.action.as_str())
        .bind(run.status.as_str())
        .bind(run.actor)
        .bind(run.now_micros)
        .bind(run.selection)
        .bind(run.rule.map(json_param).transpose()?)
        .bind(i64::from(run.and_synchronize))
        .bind(run.reverts)
        .fetch_one(&mut *tx)
        .await?;
        let id: i64 = col(&row, "id")?;
        match items {
            None => {
                let mut clause = Clause::default();
                let run_id = clause.int(id);
                let selection =
                    self.selection(filter, &mut clause, &format!("{run_id}, o.id, o.version"));
                let sql = format!(
                    "INSERT INTO bulk_run_items (run_id, operation_id, version) {selection}"
                );
                clause.bind(sqlx::query(&sql)).execute(&mut *tx).await?;
            }
            Some(items) => {
                for chunk in items.chunks(5_000) {
                    let rows: Vec<_> = chunk
                        .iter()
                        .map(|i| {
                            (
                                i.operation_id,
                                i.version,
                                &i.before,
                                &i.after,
                                i.outcome.map(BulkOutcome::as_str),
                                &i.detail,
                            )
                        })
                        .collect();
                    let sql = format!(
                        "INSERT INTO bulk_run_items (run_id, operation_id, version, \
                         before_value, after_value, outcome, detail) \
                         SELECT $1, {}, {}, {}, {}, {}, {} FROM {}",
                        json_int(0),
                        json_int(1),
                        json_text(2),
                        json_text(3),
                        json_text(4),
                        json_text(5),
                        json_rows(self.backend(), 2)
                    );
                    sqlx::query(&sql)
                        .bind(id)
                        .bind(json_param(&rows)?)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        let row = sqlx::query(
            "UPDATE bulk_runs SET \
             selected = (SELECT COUNT(*) FROM bulk_run_items WHERE run_id = $1), \
             done = (SELECT COUNT(*) FROM bulk_run_items WHERE run_id = $1 AND outcome IS NOT NULL), \
             skipped = (SELECT COUNT(*) FROM bulk_run_items WHERE run_id = $1 AND outcome = 'skipped') \
             WHERE id = $1 RETURNING selected",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if col::<i64>(&row, "selected")? > limit {
            tx.rollback().await?;
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some(id))
    }

    /// One run, by id.
    pub async fn bulk_run(&self, id: i64) -> Result<Option<BulkRun>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM bulk_runs WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(run_from_row).transpose()
    }

    /// The newest `limit` runs (previews left aside), newest first.
    pub async fn bulk_runs(&self, limit: i64) -> Result<Vec<BulkRun>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {RUN_COLUMNS} FROM bulk_runs WHERE status <> 'previewed' \
             ORDER BY id DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(run_from_row).collect()
    }

    /// A page of a run's items still to do after operation `after` (by operation id): a
    /// preview's changes, each with the value before and after and its detail.
    pub async fn items_to_do(
        &self,
        run: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<NewBulkItem>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT operation_id, version, before_value, after_value, outcome, detail \
             FROM bulk_run_items WHERE run_id = $1 AND operation_id > $2 AND outcome IS NULL \
             ORDER BY operation_id LIMIT $3",
        )
        .bind(run)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item_from_row).collect()
    }

    /// How many of a run's items settled with each (outcome, detail), most first.
    pub async fn bulk_outcomes(
        &self,
        run: i64,
    ) -> Result<Vec<(BulkOutcome, Option<String>, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT outcome, detail, COUNT(*) AS n FROM bulk_run_items \
             WHERE run_id = $1 AND outcome IS NOT NULL GROUP BY outcome, detail \
             ORDER BY COUNT(*) DESC",
        )
        .bind(run)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let outcome: String = col(row, "outcome")?;
                Ok((
                    BulkOutcome::parse(&outcome)
                        .ok_or_else(|| super::operations::decode_error("outcome", &outcome))?,
                    col(row, "detail")?,
                    col(row, "n")?,
                ))
            })
            .collect()
    }

    /// Starts a previewed run of `actor` made since `not_before`: `false` when there is none
    /// (confirmed already, cancelled, someone else's, or too old).
    #[tracing::instrument(skip(self), err)]
    pub async fn confirm_bulk_run(
        &self,
        id: i64,
        actor: &str,
        and_synchronize: bool,
        not_before: i64,
    ) -> Result<bool, sqlx::Error> {
        let changed = self
            .write_one(
                sqlx::query(
                    "UPDATE bulk_runs SET status = 'running', and_synchronize = $3 \
                     WHERE id = $1 AND actor = $2 AND status = 'previewed' AND created_at >= $4",
                )
                .bind(id)
                .bind(actor)
                .bind(i64::from(and_synchronize))
                .bind(not_before),
            )
            .await?;
        Ok(changed == 1)
    }

    /// Asks a run to stop: a preview is dropped at once, a running run stops after its chunk.
    /// `false` when it had finished.
    #[tracing::instrument(skip(self), err)]
    pub async fn cancel_bulk_run(&self, id: i64, now_micros: i64) -> Result<bool, sqlx::Error> {
        let changed = self
            .write_one(
                sqlx::query(
                    "UPDATE bulk_runs SET cancel_requested = 1, \
                     status = CASE WHEN status = 'previewed' THEN 'cancelled' ELSE status END, \
                     finished_at = CASE WHEN status = 'previewed' THEN $2 ELSE finished_at END \
                     WHERE id = $1 AND status IN ('previewed', 'running')",
                )
                .bind(id)
                .bind(now_micros),
            )
            .await?;
        Ok(changed == 1)
    }

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
        let fields = super::json_group(self.backend(), &["f.field", "f.old_value", "f.new_value"]);
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

    /// Ends previews made before `before_micros` that nobody confirmed: they are cancelled and
    /// their items dropped (the run's row stays: who previewed what, when). How many.
    #[tracing::instrument(skip(self), err)]
    pub async fn drop_stale_previews(
        &self,
        before_micros: i64,
        now_micros: i64,
    ) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "DELETE FROM bulk_run_items WHERE run_id IN \
             (SELECT id FROM bulk_runs WHERE status = 'previewed' AND created_at < $1)",
        )
        .bind(before_micros)
        .execute(&mut *tx)
        .await?;
        let ended = sqlx::query(
            "UPDATE bulk_runs SET status = 'cancelled', finished_at = $2 \
             WHERE status = 'previewed' AND created_at < $1",
        )
        .bind(before_micros)
        .bind(now_micros)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(ended)
    }

    /// The lines bulk correction `run` wrote, each with its operation's version now, for
    /// its revert.
    pub async fn bulk_corrections(&self, run: i64) -> Result<Vec<BulkLine>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT c.id, c.operation_id, c.field, c.before_value, c.after_value, o.version \
             FROM change_log c JOIN operations o ON o.id = c.operation_id \
             WHERE c.bulk_run_id = $1 AND c.action = 'correct' ORDER BY c.operation_id",
        )
        .bind(run)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(BulkLine {
                    line_id: col(row, "id")?,
                    operation_id: col(row, "operation_id")?,
                    version: col(row, "version")?,
                    change: FieldChange {
                        field: col(row, "field")?,
                        before: col(row, "before_value")?,
                        after: col(row, "after_value")?,
                    },
                })
            })
            .collect()
    }

    /// Whether bulk correction `run` has a revert that was not cancelled before it began.
    pub async fn bulk_reverted(&self, run: i64) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM bulk_runs WHERE reverts = $1 \
             AND (status <> 'cancelled' OR done > 0)",
        )
        .bind(run)
        .fetch_one(self.pool())
        .await?;
        Ok(col::<i64>(&row, "n")? > 0)
    }

    /// The statement selecting `columns` of every operation `filter` lets through (as
    /// `SELECT … FROM operations o … WHERE …`), its arguments in `clause`.
    fn selection(&self, filter: &OperationFilter, clause: &mut Clause, columns: &str) -> String {
        let walk = self.conditions(filter, None, clause, true);
        format!(
            "SELECT {columns} FROM {} WHERE {}",
            walk.from,
            clause.take_sql()
        )
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

fn selected_from_row(row: &AnyRow) -> Result<SelectedOperation, sqlx::Error> {
    let status: String = col(row, "status")?;
    let kind: String = col(row, "kind")?;
    Ok(SelectedOperation {
        id: col(row, "id")?,
        version: col(row, "version")?,
        status: SyncStatus::parse(&status)
            .ok_or_else(|| super::operations::decode_error("status", &status))?,
        kind: OperationKind::parse(&kind)
            .ok_or_else(|| super::operations::decode_error("kind", &kind))?,
        legal_entity_id: col(row, "legal_entity_id")?,
        fields: super::operation_fields_from_json(col(row, "fields")?)?,
    })
}

fn item_from_row(row: &AnyRow) -> Result<NewBulkItem, sqlx::Error> {
    let outcome: Option<String> = col(row, "outcome")?;
    Ok(NewBulkItem {
        operation_id: col(row, "operation_id")?,
        version: col(row, "version")?,
        before: col(row, "before_value")?,
        after: col(row, "after_value")?,
        outcome: outcome.as_deref().and_then(BulkOutcome::parse),
        detail: col(row, "detail")?,
    })
}

fn run_from_row(row: &AnyRow) -> Result<BulkRun, sqlx::Error> {
    let action: String = col(row, "action")?;
    let status: String = col(row, "status")?;
    let rule: Option<String> = col(row, "rule")?;
    Ok(BulkRun {
        id: col(row, "id")?,
        action: BulkAction::parse(&action)
            .ok_or_else(|| super::operations::decode_error("action", &action))?,
        status: BulkStatus::parse(&status)
            .ok_or_else(|| super::operations::decode_error("status", &status))?,
        actor: col(row, "actor")?,
        created_at: from_micros(col(row, "created_at")?),
        finished_at: col::<Option<i64>>(row, "finished_at")?.map(from_micros),
        selection: col(row, "selection")?,
        rule: rule
            .map(|json| serde_json::from_str(&json))
            .transpose()
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        and_synchronize: col::<i64>(row, "and_synchronize")? != 0,
        reverts: col(row, "reverts")?,
        counts: BulkCounts {
            selected: col(row, "selected")?,
            done: col(row, "done")?,
            changed: col(row, "changed")?,
            skipped: col(row, "skipped")?,
            passed: col(row, "passed")?,
            failed: col(row, "failed")?,
        },
    })
}
