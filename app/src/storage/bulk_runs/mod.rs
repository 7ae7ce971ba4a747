//! Bulk runs' statements (migration 0015): the selection counted and read under the list's
//! filter, a run written with its items, previewed, confirmed, cancelled and listed. Carrying
//! a run out is in [`chunks`]; the lines a correction wrote, for its revert, in [`revert`].

mod chunks;
mod revert;

use sqlx::any::AnyRow;

pub use chunks::{ChunkItem, Settle};
pub use revert::BulkLine;

use super::{clause::Clause, col, from_micros, json_int, json_param, json_rows, json_text, Db};
use crate::model::{
    bulk_run::{BulkCounts, BulkOutcome},
    BulkAction, BulkRun, BulkStatus, OperationField, OperationFilter, OperationKind, Rule,
    SyncStatus,
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
