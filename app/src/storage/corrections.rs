//! The correction workflow's statements: holding an operation in Editing while a person
//! corrects it (and letting go), and storing a correction — the new values, the operation back
//! to Pending and one change log line per field — in one transaction, guarded by the version
//! the editor started from.

use std::collections::HashMap;

use sqlx::{Any, Transaction};

use super::{
    col, field_values::ValueCounts, json_int, json_param, json_rows, json_text, Backend, Db,
};
use crate::model::{filter::value_key, ChangeAction, OperationField, OperationKind, SyncStatus};

/// An operation as a correction starts from: where it stands and what it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionBase {
    pub status: SyncStatus,
    pub version: i64,
    pub kind: OperationKind,
    pub legal_entity_id: String,
    pub fields: Vec<OperationField>,
}

/// One field a correction changes: its value before and after (`None`: no value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// A correction to store.
#[derive(Debug, Clone)]
pub struct StoredCorrection<'a> {
    pub operation_id: i64,
    /// The version it was made from: stored only if the operation still has it.
    pub version: i64,
    pub actor: &'a str,
    pub reason: Option<&'a str>,
    pub action: ChangeAction,
    pub changes: &'a [FieldChange],
    /// The change log line a revert undoes.
    pub reverts: Option<i64>,
    /// Logs that the person asked for Synchronize now.
    pub synchronize: bool,
    /// The bulk run making it: its lines name the run, and an operation someone holds for
    /// correcting (Editing) is left alone.
    pub bulk_run: Option<i64>,
    pub now_micros: i64,
}

/// Statuses a person may correct, as SQL.
const CORRECTABLE: &str = "('failed', 'pending', 'editing', 'possible_duplicate')";
/// Statuses a bulk run may correct: not one someone is correcting.
const CORRECTABLE_IN_BULK: &str = "('failed', 'pending')";

impl Db {
    /// Puts operation `id` in Editing for `actor` (or renews their hold), so jobs skip it; the
    /// status it had is kept to go back to. Returns the status it had when it could not be
    /// held (`None`: there is no such operation).
    #[tracing::instrument(skip(self), err)]
    pub async fn hold_for_editing(
        &self,
        id: i64,
        actor: &str,
        now_micros: i64,
    ) -> Result<Result<(), Option<SyncStatus>>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let held = sqlx::query(&format!(
            "UPDATE operations SET status_before_editing = CASE WHEN status = 'editing' \
             THEN status_before_editing ELSE status END, status = 'editing', editing_by = $2, \
             editing_since = $3 WHERE id = $1 AND status IN {CORRECTABLE}"
        ))
        .bind(id)
        .bind(actor)
        .bind(now_micros)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let answer = if held == 1 {
            Ok(())
        } else {
            Err(status_of(&mut tx, id).await?)
        };
        tx.commit().await?;
        Ok(answer)
    }

    /// Lets go of `actor`'s hold on operation `id`: it goes back to the status it had. A hold
    /// someone else has taken since is left alone. Returns whether it was let go.
    #[tracing::instrument(skip(self), err)]
    pub async fn release_editing(&self, id: i64, actor: &str) -> Result<bool, sqlx::Error> {
        let sql = release_sql("id = $1 AND editing_by = $2");
        Ok(self
            .write_one(sqlx::query(&sql).bind(id).bind(actor))
            .await?
            == 1)
    }

    /// Lets go of every hold of `actor` (they signed out); how many there were.
    pub async fn release_editing_of(&self, actor: &str) -> Result<u64, sqlx::Error> {
        let sql = release_sql("editing_by = $1");
        self.write_one(sqlx::query(&sql).bind(actor)).await
    }

    /// Lets go of every hold not renewed since `before_micros` (its editor left without a
    /// word: the tab closed, the session ended); how many there were.
    pub async fn release_stale_editing(&self, before_micros: i64) -> Result<u64, sqlx::Error> {
        let sql = release_sql("editing_since < $1");
        self.write_one(sqlx::query(&sql).bind(before_micros)).await
    }

    /// What a correction of operation `id` starts from; `None` if there is no such operation.
    #[tracing::instrument(skip(self), err)]
    pub async fn correction_base(&self, id: i64) -> Result<Option<CorrectionBase>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        let Some(row) = sqlx::query(
            "SELECT status, version, kind, legal_entity_id FROM operations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        else {
            return Ok(None);
        };
        let fields = super::detail::fields_of(&mut conn, id).await?;
        Ok(Some(CorrectionBase {
            status: parse_status(&col::<String>(&row, "status")?)?,
            version: col(&row, "version")?,
            kind: {
                let kind: String = col(&row, "kind")?;
                OperationKind::parse(&kind)
                    .ok_or_else(|| super::operations::decode_error("kind", &kind))?
            },
            legal_entity_id: col(&row, "legal_entity_id")?,
            fields,
        }))
    }

    /// Stores a correction, all or nothing: the new values (and the value dictionary's counts),
    /// the operation Pending again with its error cleared and its version one higher, and one
    /// change log line per field. `false`, with nothing stored, when the operation no longer
    /// has the version the correction was made from or can no longer be corrected.
    #[tracing::instrument(skip(self, correction), fields(operation = correction.operation_id), err)]
    pub async fn store_correction(
        &self,
        correction: &StoredCorrection<'_>,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let stored =
            store_corrections_in(&mut tx, self.backend(), std::slice::from_ref(correction)).await?
                == [true];
        if stored {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(stored)
    }
}

/// Stores many corrections inside the caller's transaction (a bulk run stores a chunk in one),
/// as [`Db::store_correction`] does one, in a handful of statements over the whole batch; for
/// each correction, whether it was stored (`false`, with nothing of it written: the operation
/// no longer has the version or a status that may be corrected). One correction per operation.
pub(super) async fn store_corrections_in(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    corrections: &[StoredCorrection<'_>],
) -> Result<Vec<bool>, sqlx::Error> {
    if corrections.is_empty() {
        return Ok(Vec::new());
    }
    let stored = back_to_pending(tx, backend, corrections).await?;
    let kept: Vec<(&StoredCorrection, i64)> = corrections
        .iter()
        .filter_map(|c| stored.get(&c.operation_id).map(|at| (c, *at)))
        .collect();
    write_fields(tx, backend, &kept).await?;
    log_corrections(tx, backend, &kept).await?;
    Ok(corrections
        .iter()
        .map(|c| stored.contains_key(&c.operation_id))
        .collect())
}

/// Moves every correction's operation back to Pending (error cleared, version one higher) if
/// it still has the correction's version and a status that may be corrected; the operations
/// moved, each with its operation time.
async fn back_to_pending(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    corrections: &[StoredCorrection<'_>],
) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let now = corrections[0].now_micros;
    let rows: Vec<(i64, i64, i64)> = corrections
        .iter()
        .map(|c| (c.operation_id, c.version, i64::from(c.bulk_run.is_none())))
        .collect();
    // `ORDER BY` keeps SQLite from flattening the rows into a scan of the operations.
    let moved = sqlx::query(&format!(
        "UPDATE operations SET status = 'pending', editing_by = NULL, editing_since = NULL, \
         status_before_editing = NULL, error_code = NULL, error_field = NULL, \
         error_message = NULL, error_reason = NULL, failure_group = NULL, retry_count = 0, \
         next_retry_at = NULL, updated_at = $1, version = operations.version + 1 \
         FROM (SELECT {i0} AS id, {i1} AS version, {i2} AS by_person FROM {rows} ORDER BY 1) AS v \
         WHERE operations.id = v.id AND operations.version = v.version \
         AND (operations.status IN {CORRECTABLE_IN_BULK} \
         OR (operations.status = 'editing' AND v.by_person = 1)) \
         RETURNING operations.id, operations.operation_at",
        rows = json_rows(backend, 2),
        i0 = json_int(0),
        i1 = json_int(1),
        i2 = json_int(2),
    ))
    .bind(now)
    .bind(json_param(&rows)?)
    .fetch_all(&mut **tx)
    .await?;
    moved
        .iter()
        .map(|row| Ok((col(row, "id")?, col(row, "operation_at")?)))
        .collect()
}

/// Writes the corrected values, and moves their counts in the value dictionary.
async fn write_fields(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    kept: &[(&StoredCorrection<'_>, i64)],
) -> Result<(), sqlx::Error> {
    let mut rows = Vec::new();
    let mut counts = ValueCounts::default();
    for (correction, operation_at) in kept {
        for change in correction.changes {
            let after_key = change.after.as_deref().map(value_key);
            if let Some(before) = change.before.as_deref() {
                counts.count_value(&change.field, before, -1);
            }
            if let (Some(after), Some(key)) = (change.after.as_deref(), &after_key) {
                counts.count(&change.field, key.clone(), after, 1);
            }
            rows.push((
                correction.operation_id,
                change.field.as_str(),
                change.after.as_deref(),
                *operation_at,
                after_key,
            ));
        }
    }
    if rows.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "INSERT INTO operation_fields (operation_id, field, old_value, new_value, operation_at, \
         value_key) SELECT {i0}, {t1}, NULL, {t2}, {i3}, {t4} FROM {rows} WHERE TRUE \
         ON CONFLICT (operation_id, field) \
         DO UPDATE SET new_value = excluded.new_value, value_key = excluded.value_key",
        rows = json_rows(backend, 1),
        i0 = json_int(0),
        t1 = json_text(1),
        t2 = json_text(2),
        i3 = json_int(3),
        t4 = json_text(4),
    ))
    .bind(json_param(&rows)?)
    .execute(&mut **tx)
    .await?;
    counts.write(tx, backend).await
}

/// Appends the corrections' change log lines: one per field, then the Synchronize line of
/// those that asked for it, in the corrections' order.
async fn log_corrections(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    kept: &[(&StoredCorrection<'_>, i64)],
) -> Result<(), sqlx::Error> {
    type Line<'a> = (
        usize,
        i64,
        &'a str,
        i64,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<i64>,
        Option<i64>,
    );
    let mut lines: Vec<Line> = Vec::new();
    for (c, _) in kept {
        for change in c.changes {
            lines.push((
                lines.len(),
                c.now_micros,
                c.actor,
                c.operation_id,
                c.action.as_str(),
                Some(&change.field),
                change.before.as_deref(),
                change.after.as_deref(),
                c.reason,
                c.reverts,
                c.bulk_run,
            ));
        }
        if c.synchronize {
            lines.push((
                lines.len(),
                c.now_micros,
                c.actor,
                c.operation_id,
                ChangeAction::Synchronize.as_str(),
                None,
                None,
                None,
                c.reason,
                None,
                c.bulk_run,
            ));
        }
    }
    if lines.is_empty() {
        return Ok(());
    }
    // Ordered by their number (the first member), so the lines get their ids in order.
    sqlx::query(&format!(
        "INSERT INTO change_log (at, actor, operation_id, action, field, before_value, \
         after_value, reason, reverts, bulk_run_id) \
         SELECT {at}, {actor}, {op}, {action}, {field}, {before}, {after}, {reason}, {reverts}, \
         {run} FROM {rows} ORDER BY {n}",
        rows = json_rows(backend, 1),
        n = json_int(0),
        at = json_int(1),
        actor = json_text(2),
        op = json_int(3),
        action = json_text(4),
        field = json_text(5),
        before = json_text(6),
        after = json_text(7),
        reason = json_text(8),
        reverts = json_int(9),
        run = json_int(10),
    ))
    .bind(json_param(&lines)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The statement that lets go of the holds `condition` picks.
fn release_sql(condition: &str) -> String {
    format!(
        "UPDATE operations SET status = COALESCE(status_before_editing, 'failed'), \
         status_before_editing = NULL, editing_by = NULL, editing_since = NULL \
         WHERE status = 'editing' AND {condition}"
    )
}

async fn status_of(
    tx: &mut Transaction<'static, Any>,
    id: i64,
) -> Result<Option<SyncStatus>, sqlx::Error> {
    let row = sqlx::query("SELECT status FROM operations WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|row| parse_status(&col::<String>(&row, "status")?))
        .transpose()
}

fn parse_status(text: &str) -> Result<SyncStatus, sqlx::Error> {
    SyncStatus::parse(text).ok_or_else(|| super::operations::decode_error("status", text))
}

impl Db {
    /// The Pending operation of the same async customer that applies right after operation
    /// `id` (one a success of `id` released), if any.
    pub async fn next_pending_after(&self, id: i64) -> Result<Option<i64>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT n.id FROM operations o JOIN operations n ON n.async_account = o.async_account \
             WHERE o.id = $1 AND n.status = 'pending' \
             AND (n.operation_at > o.operation_at OR (n.operation_at = o.operation_at AND n.id > o.id)) \
             ORDER BY n.operation_at, n.id LIMIT 1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| col(&row, "id")).transpose()
    }
}
