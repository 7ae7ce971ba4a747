//! The P-job's statements, each step one transaction (a crash repeats a step, never half of
//! one):
//!
//! 1. Upload: the inbox rows no session holds yet go into an upload session per channel
//!    (status `uploaded`).
//! 2. Apply: each uploaded session becomes staging operations with their fields, `pending` or
//!    `waiting` behind an earlier operation of the same async customer, and the session turns
//!    `applied`.

use std::collections::BTreeMap;

use super::staging::Staging;
use crate::{
    model::{channel_api::IncomingOperation, SyncStatus},
    storage::{col, placeholders, Backend, Db},
};

/// What one P-job apply step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppliedSession {
    pub session_id: i64,
    pub pending: i64,
    pub waiting: i64,
}

impl Db {
    /// P-job step 1: puts up to `limit` inbox rows that no session holds into one upload
    /// session per channel. Returns the new sessions' ids (none when the inbox is empty).
    #[tracing::instrument(skip(self), err)]
    pub async fn upload_inbox(&self, limit: i64, now_micros: i64) -> Result<Vec<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(&format!(
            "SELECT id, channel_id FROM channel_inbox WHERE upload_session_id IS NULL \
             ORDER BY id LIMIT $1{}",
            self.skip_locked()
        ))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let mut by_channel: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for row in &rows {
            by_channel
                .entry(col(row, "channel_id")?)
                .or_default()
                .push(col(row, "id")?);
        }
        let mut sessions = Vec::with_capacity(by_channel.len());
        for (channel_id, inbox_ids) in by_channel {
            let row = sqlx::query(
                "INSERT INTO upload_sessions (channel_id, status, operation_count, created_at) \
                 VALUES ($1, 'uploaded', $2, $3) RETURNING id",
            )
            .bind(channel_id)
            .bind(inbox_ids.len() as i64)
            .bind(now_micros)
            .fetch_one(&mut *tx)
            .await?;
            let session_id: i64 = col(&row, "id")?;
            for chunk in inbox_ids.chunks(500) {
                let sql = format!(
                    "UPDATE channel_inbox SET upload_session_id = $1 WHERE id IN ({})",
                    placeholders(self.backend(), 2, chunk.len())
                );
                let mut query = sqlx::query(&sql).bind(session_id);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.execute(&mut *tx).await?;
            }
            sessions.push(session_id);
        }
        tx.commit().await?;
        Ok(sessions)
    }

    /// How many inbox rows wait for the P-job.
    pub async fn unassigned_inbox(&self) -> Result<i64, sqlx::Error> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM channel_inbox WHERE upload_session_id IS NULL")
                .fetch_one(self.pool())
                .await?;
        col(&row, "n")
    }

    /// Whether any inbox row waits for the P-job: an existence test, so a step's "is there more?"
    /// stays one index probe however long the inbox is (a count read every waiting row, each step).
    pub async fn has_unassigned_inbox(&self) -> Result<bool, sqlx::Error> {
        let row =
            sqlx::query("SELECT 1 FROM channel_inbox WHERE upload_session_id IS NULL LIMIT 1")
                .fetch_optional(self.pool())
                .await?;
        Ok(row.is_some())
    }

    /// The upload sessions not yet applied, oldest first (left by step 1, or by a crash).
    pub async fn uploaded_sessions(&self, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id FROM upload_sessions WHERE status = 'uploaded' ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| col(row, "id")).collect()
    }

    /// P-job step 2: turns an uploaded session into staging operations, in one transaction.
    /// Returns `None` when the session is not (or no longer) `uploaded`.
    #[tracing::instrument(skip(self), err)]
    pub async fn apply_upload_session(
        &self,
        session_id: i64,
        now_micros: i64,
    ) -> Result<Option<AppliedSession>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let session = sqlx::query(&format!(
            "SELECT s.channel_id, c.legal_entity_id FROM upload_sessions s \
             JOIN channels c ON c.id = s.channel_id \
             WHERE s.id = $1 AND s.status = 'uploaded'{}",
            match self.backend() {
                Backend::Sqlite => "",
                Backend::Postgres => " FOR UPDATE OF s",
            }
        ))
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let channel_id: i64 = col(&session, "channel_id")?;
        let legal_entity_id: String = col(&session, "legal_entity_id")?;
        let rows = sqlx::query(
            "SELECT payload, received_at FROM channel_inbox WHERE upload_session_id = $1 ORDER BY id",
        )
        .bind(session_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut ops = Vec::with_capacity(rows.len());
        for row in &rows {
            let payload: String = col(row, "payload")?;
            let op: IncomingOperation =
                serde_json::from_str(&payload).map_err(|e| sqlx::Error::Decode(e.into()))?;
            // Payloads received before GUIDs were stored canonically (migration 0013).
            ops.push((op.canonical(), col::<i64>(row, "received_at")?));
        }
        let staged = Staging {
            backend: self.backend(),
            channel_id,
            legal_entity_id: &legal_entity_id,
            session_id,
            now_micros,
        };
        let statuses = staged.stage(&mut tx, &ops).await?;
        let waiting = statuses
            .iter()
            .filter(|s| **s == SyncStatus::Waiting)
            .count() as i64;
        let applied = AppliedSession {
            session_id,
            pending: statuses.len() as i64 - waiting,
            waiting,
        };
        sqlx::query("UPDATE upload_sessions SET status = 'applied', applied_at = $2 WHERE id = $1")
            .bind(session_id)
            .bind(now_micros)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(applied))
    }
}
