//! Retention: personal data kept no longer than needed. The Retention job removes Succeeded
//! operations whose operation time and last change are both older than the retention period —
//! with their fields, inbox payloads and (once empty) upload sessions — a small batch per
//! transaction; the change log keeps who, when, which action on which field of them, without
//! the values and the reason; the value dictionary counts their values out and forgets those no
//! one else carries. Failed, Waiting, Editing, Pending and Possible duplicate operations stay
//! until resolved. Feed entries every channel of their legal entity has acknowledged, and
//! distributed customer changes, go once older than the period too, and so do the filters
//! (which may quote a name or an email) of the audit log's export lines.

use sqlx::{Any, Transaction};

use super::{col, field_values::forget_values, json_ints, json_param, Db};

/// What an export's audit line says in place of its filter once older than the retention
/// period (a filter may quote a customer's name or email).
pub const FILTER_REMOVED: &str = "(filter removed after the retention period)";

impl Db {
    /// Removes up to `limit` Succeeded operations settled before `cutoff` (microseconds), oldest
    /// first, in one transaction (on PostgreSQL, others than another instance is removing).
    #[tracing::instrument(skip(self), err)]
    pub async fn remove_old_operations(
        &self,
        cutoff: i64,
        limit: i64,
    ) -> Result<usize, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        // The status index walked in time order; `updated_at` is never before `operation_at`.
        let rows = sqlx::query(&format!(
            "SELECT id, upload_session_id FROM operations WHERE status = 'succeeded' \
             AND operation_at < $1 AND updated_at < $1 ORDER BY operation_at, id LIMIT $2{}",
            self.skip_locked()
        ))
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        let mut ids = Vec::with_capacity(rows.len());
        let mut sessions = Vec::new();
        for row in &rows {
            ids.push(col::<i64>(row, "id")?);
            if let Some(session) = col::<Option<i64>>(row, "upload_session_id")? {
                if !sessions.contains(&session) {
                    sessions.push(session);
                }
            }
        }
        let ids_param = json_param(&ids)?;
        let backend = self.backend();
        forget_values(&mut tx, backend, &ids_param).await?;
        let in_ids = json_ints(backend, 1);
        let statements = [
            // Who did what to which field, and when, stays; the values and the reason go.
            format!(
                "UPDATE change_log SET before_value = NULL, after_value = NULL, reason = NULL, \
                 operation_id = NULL WHERE operation_id IN ({in_ids})"
            ),
            format!("DELETE FROM bulk_run_items WHERE operation_id IN ({in_ids})"),
            format!(
                "UPDATE customer_links SET operation_id = NULL WHERE operation_id IN ({in_ids})"
            ),
            format!(
                "DELETE FROM channel_inbox WHERE id IN (SELECT i.id FROM channel_inbox i \
                 JOIN operations o ON o.channel_id = i.channel_id \
                 AND o.channel_operation_id = i.channel_operation_id WHERE o.id IN ({in_ids}))"
            ),
            format!("DELETE FROM operation_fields WHERE operation_id IN ({in_ids})"),
            // No second look at the status: the rows are this transaction's (SQLite's one
            // writer, PostgreSQL's row locks), and with it SQLite walks the status index.
            format!("DELETE FROM operations WHERE id IN ({in_ids})"),
        ];
        for sql in &statements {
            sqlx::query(sql).bind(&ids_param).execute(&mut *tx).await?;
        }
        remove_empty_sessions(&mut tx, backend, &sessions).await?;
        tx.commit().await?;
        Ok(ids.len())
    }

    /// How many Succeeded operations were settled before `cutoff`.
    pub async fn operations_past_retention(&self, cutoff: i64) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM operations WHERE status = 'succeeded' \
             AND operation_at < $1 AND updated_at < $1",
        )
        .bind(cutoff)
        .fetch_one(self.pool())
        .await?;
        col(&row, "n")
    }

    /// Removes up to `limit` feed entries older than `cutoff` that every channel of their legal
    /// entity has acknowledged, and as many distributed customer changes older than it.
    #[tracing::instrument(skip(self), err)]
    pub async fn remove_old_feed(&self, cutoff: i64, limit: i64) -> Result<usize, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        // Per legal entity, the entry every one of its channels has read (0 while one has not).
        let acknowledged = sqlx::query(
            "SELECT c.legal_entity_id, MIN(COALESCE(k.acked_id, 0)) AS acked FROM channels c \
             LEFT JOIN channel_cursors k ON k.channel_id = c.id GROUP BY c.legal_entity_id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut removed = 0;
        for row in &acknowledged {
            let entity: String = col(row, "legal_entity_id")?;
            let acked: i64 = col(row, "acked")?;
            removed += sqlx::query(
                "DELETE FROM distribution_feed WHERE id IN (SELECT id FROM distribution_feed \
                 WHERE legal_entity_id = $1 AND id <= $2 AND created_at < $3 ORDER BY id \
                 LIMIT $4)",
            )
            .bind(&entity)
            .bind(acked)
            .bind(cutoff)
            .bind(limit)
            .execute(&mut *tx)
            .await?
            .rows_affected() as usize;
        }
        removed += sqlx::query(
            "DELETE FROM customer_changes WHERE id IN (SELECT id FROM customer_changes \
             WHERE distributed_at IS NOT NULL AND changed_at < $1 ORDER BY id LIMIT $2)",
        )
        .bind(cutoff)
        .bind(limit)
        .execute(&mut *tx)
        .await?
        .rows_affected() as usize;
        tx.commit().await?;
        Ok(removed)
    }
}

impl Db {
    /// Drops the filter from up to `limit` export lines of the audit log older than `cutoff`:
    /// who exported how many rows, and when, stays.
    #[tracing::instrument(skip(self), err)]
    pub async fn scrub_old_audit(&self, cutoff: i64, limit: i64) -> Result<usize, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(
            "SELECT id, subject FROM audit_log WHERE at < $1 AND action = 'export' \
             AND subject LIKE '% · %' ORDER BY id LIMIT $2",
        )
        .bind(cutoff)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        for row in &rows {
            let subject: String = col(row, "subject")?;
            let kept = subject.split(" · ").next().unwrap_or_default();
            sqlx::query("UPDATE audit_log SET subject = $2 WHERE id = $1")
                .bind(col::<i64>(row, "id")?)
                .bind(format!("{kept} {FILTER_REMOVED}"))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }
}

/// Removes the upload sessions among `sessions` that no operation or inbox row belongs to.
async fn remove_empty_sessions(
    tx: &mut Transaction<'static, Any>,
    backend: super::Backend,
    sessions: &[i64],
) -> Result<(), sqlx::Error> {
    if sessions.is_empty() {
        return Ok(());
    }
    sqlx::query(&format!(
        "DELETE FROM upload_sessions WHERE id IN ({}) \
         AND NOT EXISTS (SELECT 1 FROM operations o WHERE o.upload_session_id = upload_sessions.id) \
         AND NOT EXISTS (SELECT 1 FROM channel_inbox i \
             WHERE i.upload_session_id = upload_sessions.id)",
        json_ints(backend, 1)
    ))
    .bind(json_param(sessions)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
