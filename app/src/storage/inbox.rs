//! The channel inbox and the P-job's two steps.
//!
//! 1. Receiving: what a channel posts is stored as it came, append-only, once per channel
//!    operation id (a resent batch stores nothing twice and gets the same ids back).
//! 2. Upload: the P-job puts the inbox rows no session holds yet into an upload session per
//!    channel (status `uploaded`).
//! 3. Apply: each uploaded session becomes staging operations with their fields, `pending` or
//!    `waiting` behind an earlier operation of the same async customer, and the session turns
//!    `applied`. Each step is one transaction: a crash repeats a step, never half of one.

use std::collections::{BTreeMap, HashMap};

use super::staging::Staging;
use super::{col, placeholders, Db};
use crate::model::{channel_api::IncomingOperation, SyncStatus};

/// Why a batch was not received.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// These channel operation ids were received before with other content.
    #[error("operation ids already used for other content: {0:?}")]
    ReusedIds(Vec<String>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// What one P-job apply step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppliedSession {
    pub session_id: i64,
    pub pending: i64,
    pub waiting: i64,
}

impl Db {
    /// Stores a batch from `channel_id`: each `(channel operation id, canonical JSON)` once.
    /// Returns the inbox id of each, in order, whether it is new or was received before. All or
    /// nothing: an id reused for different content refuses the whole batch.
    #[tracing::instrument(skip(self, items), fields(items = items.len()), err)]
    pub async fn receive_operations(
        &self,
        channel_id: i64,
        items: &[(String, String)],
        now_micros: i64,
    ) -> Result<Vec<i64>, ReceiveError> {
        let mut tx = self.begin_write().await?;
        let backend = self.backend();
        // One statement for the whole batch (bound as one JSON parameter); what was received
        // before comes back from a second read, and must be what it was. (`WHERE true` tells
        // SQLite's parser the `ON CONFLICT` belongs to the insert, not to a join.)
        let mut stored: HashMap<String, i64> = HashMap::with_capacity(items.len());
        let sql = format!(
            "INSERT INTO channel_inbox (channel_id, channel_operation_id, payload, received_at) \
             SELECT {}, {}, {}, {} FROM {} WHERE true \
             ON CONFLICT (channel_id, channel_operation_id) DO NOTHING \
             RETURNING id, channel_operation_id",
            placeholders(backend, 2, 1),
            super::json_text(0),
            super::json_text(1),
            placeholders(backend, 3, 1),
            super::json_rows(backend, 1)
        );
        let rows = sqlx::query(&sql)
            .bind(super::json_param(items)?)
            .bind(channel_id)
            .bind(now_micros)
            .fetch_all(&mut *tx)
            .await?;
        for row in &rows {
            stored.insert(col(row, "channel_operation_id")?, col(row, "id")?);
        }
        let before: Vec<&(String, String)> = items
            .iter()
            .filter(|(id, _)| !stored.contains_key(id))
            .collect();
        let mut reused = Vec::new();
        for chunk in before.chunks(500) {
            let sql = format!(
                "SELECT id, channel_operation_id, payload FROM channel_inbox \
                 WHERE channel_id = $1 AND channel_operation_id IN ({})",
                placeholders(backend, 2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(channel_id);
            for (operation_id, _) in chunk {
                query = query.bind(operation_id);
            }
            let rows = query.fetch_all(&mut *tx).await?;
            for (operation_id, payload) in chunk {
                let row = rows
                    .iter()
                    .find(|r| {
                        col::<String>(r, "channel_operation_id").ok().as_ref() == Some(operation_id)
                    })
                    .ok_or(sqlx::Error::RowNotFound)?;
                if &col::<String>(row, "payload")? != payload {
                    reused.push(operation_id.clone());
                }
                stored.insert(operation_id.clone(), col(row, "id")?);
            }
        }
        let ids = items
            .iter()
            .map(|(id, _)| stored.get(id).copied().ok_or(sqlx::Error::RowNotFound))
            .collect::<Result<Vec<i64>, _>>()?;
        if !reused.is_empty() {
            tx.rollback().await?;
            return Err(ReceiveError::ReusedIds(reused));
        }
        tx.commit().await?;
        Ok(ids)
    }

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
                super::Backend::Sqlite => "",
                super::Backend::Postgres => " FOR UPDATE OF s",
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
