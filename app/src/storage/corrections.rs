//! The correction workflow's statements: holding an operation in Editing while a person
//! corrects it (and letting go), and storing a correction — the new values, the operation back
//! to Pending and one change log line per field — in one transaction, guarded by the version
//! the editor started from.

use sqlx::{Any, Transaction};

use super::{col, Db};
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
const CORRECTABLE: &str = "('failed', 'pending', 'editing')";
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
        let stored = store_correction_in(&mut tx, correction).await?;
        if stored {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(stored)
    }
}

/// [`Db::store_correction`] inside the caller's transaction (a bulk run stores a chunk of
/// corrections in one); `false`, with nothing written, when the operation no longer has the
/// version or a status that may be corrected.
pub(super) async fn store_correction_in(
    tx: &mut Transaction<'static, Any>,
    correction: &StoredCorrection<'_>,
) -> Result<bool, sqlx::Error> {
    let statuses = if correction.bulk_run.is_some() {
        CORRECTABLE_IN_BULK
    } else {
        CORRECTABLE
    };
    let row = sqlx::query(&format!(
        "UPDATE operations SET status = 'pending', editing_by = NULL, editing_since = NULL, \
         status_before_editing = NULL, error_code = NULL, error_field = NULL, \
         error_message = NULL, error_reason = NULL, failure_group = NULL, retry_count = 0, \
         next_retry_at = NULL, updated_at = $3, version = version + 1 \
         WHERE id = $1 AND version = $2 AND status IN {statuses} RETURNING operation_at"
    ))
    .bind(correction.operation_id)
    .bind(correction.version)
    .bind(correction.now_micros)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let operation_at: i64 = col(&row, "operation_at")?;
    for change in correction.changes {
        write_field(tx, correction.operation_id, operation_at, change).await?;
        log(tx, correction, correction.action, Some(change)).await?;
    }
    if correction.synchronize {
        log(tx, correction, ChangeAction::Synchronize, None).await?;
    }
    Ok(true)
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

/// Writes one corrected value and moves its count in the value dictionary.
async fn write_field(
    tx: &mut Transaction<'static, Any>,
    operation_id: i64,
    operation_at: i64,
    change: &FieldChange,
) -> Result<(), sqlx::Error> {
    let after_key = change.after.as_deref().map(value_key);
    sqlx::query(
        "INSERT INTO operation_fields (operation_id, field, old_value, new_value, operation_at, \
         value_key) VALUES ($1, $2, NULL, $3, $4, $5) ON CONFLICT (operation_id, field) \
         DO UPDATE SET new_value = excluded.new_value, value_key = excluded.value_key",
    )
    .bind(operation_id)
    .bind(&change.field)
    .bind(change.after.as_deref())
    .bind(operation_at)
    .bind(after_key.as_deref())
    .execute(&mut **tx)
    .await?;
    if let Some(before) = change
        .before
        .as_deref()
        .map(value_key)
        .filter(|k| !k.is_empty())
    {
        sqlx::query(
            "UPDATE field_values SET uses = uses - 1 WHERE field = $1 AND value_key = $2 \
             AND uses > 0",
        )
        .bind(&change.field)
        .bind(before)
        .execute(&mut **tx)
        .await?;
    }
    if let (Some(after), Some(key)) = (change.after.as_deref(), after_key.filter(|k| !k.is_empty()))
    {
        sqlx::query(
            "INSERT INTO field_values (field, value_key, value, uses) VALUES ($1, $2, $3, 1) \
             ON CONFLICT (field, value_key) DO UPDATE SET uses = field_values.uses + 1",
        )
        .bind(&change.field)
        .bind(key)
        .bind(after.trim())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Appends one change log line.
async fn log(
    tx: &mut Transaction<'static, Any>,
    correction: &StoredCorrection<'_>,
    action: ChangeAction,
    change: Option<&FieldChange>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO change_log (at, actor, operation_id, action, field, before_value, \
         after_value, reason, reverts, bulk_run_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(correction.now_micros)
    .bind(correction.actor)
    .bind(correction.operation_id)
    .bind(action.as_str())
    .bind(change.map(|c| c.field.as_str()))
    .bind(change.and_then(|c| c.before.as_deref()))
    .bind(change.and_then(|c| c.after.as_deref()))
    .bind(correction.reason)
    .bind(correction.reverts.filter(|_| change.is_some()))
    .bind(correction.bulk_run)
    .execute(&mut **tx)
    .await?;
    Ok(())
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
