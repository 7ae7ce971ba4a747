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

use sqlx::{Any, Transaction};

use super::{col, placeholders, Db};
use crate::model::{channel_api::IncomingOperation, filter::value_key, SyncStatus};
use crate::validate::ErrorCode;

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
            ops.push((op, col::<i64>(row, "received_at")?));
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

/// A staged field as bound to the insert: channel operation id, field, old value, new value and
/// the new value's filter key.
type FieldRow<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
);

/// Where a session's operations are staged.
struct Staging<'a> {
    backend: super::Backend,
    channel_id: i64,
    legal_entity_id: &'a str,
    session_id: i64,
    now_micros: i64,
}

impl Staging<'_> {
    /// Inserts a session's operations (in inbox order) and their fields, set-based: a handful
    /// of statements for the whole session, each binding it as one JSON parameter. Returns the
    /// status each got.
    ///
    /// Operations of the same async customer apply in the order the channel made them. One that
    /// arrives late (an offline store) goes before those made after it: they wait behind it,
    /// and so do edits that failed because their create had not arrived yet.
    async fn stage(
        &self,
        tx: &mut Transaction<'static, Any>,
        ops: &[(IncomingOperation, i64)],
    ) -> Result<Vec<SyncStatus>, sqlx::Error> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend;
        let mut earliest: HashMap<&str, i64> = HashMap::new();
        for (op, _) in ops {
            let at = op.operation_at.timestamp_micros();
            earliest
                .entry(op.async_account.as_str())
                .and_modify(|e| *e = (*e).min(at))
                .or_insert(at);
        }
        // The earliest unfinished operation each of these async customers already has.
        let accounts: Vec<&str> = earliest.keys().copied().collect();
        let rows = sqlx::query(&format!(
            "SELECT async_account, MIN(operation_at) AS first_at FROM operations \
             WHERE async_account IN ({}) AND status <> 'succeeded' GROUP BY async_account",
            super::json_texts(backend, 1)
        ))
        .bind(super::json_param(&accounts)?)
        .fetch_all(&mut **tx)
        .await?;
        let mut unfinished: HashMap<String, i64> = HashMap::with_capacity(rows.len());
        for row in &rows {
            unfinished.insert(col(row, "async_account")?, col(row, "first_at")?);
        }
        // Those made after one of this session's operations wait behind it again. (`CROSS JOIN`
        // keeps SQLite's loop on the session's rows, each looked up by index, instead of on
        // every Pending operation; PostgreSQL plans it as any join.)
        let late: Vec<(&str, i64)> = earliest.iter().map(|(a, at)| (*a, *at)).collect();
        sqlx::query(&format!(
            "UPDATE operations SET status = 'waiting', error_code = NULL, error_field = NULL, \
             error_message = NULL, next_retry_at = NULL, updated_at = {now}, \
             version = version + 1 \
             WHERE id IN (SELECT o.id FROM {rows} CROSS JOIN operations o \
             WHERE o.async_account = {account} AND o.operation_at > {at} \
             AND (o.status = 'pending' OR (o.status = 'failed' AND o.error_code = {code})))",
            now = placeholders(backend, 2, 1),
            rows = super::json_rows(backend, 1),
            account = super::json_text(0),
            at = super::json_int(1),
            code = placeholders(backend, 3, 1),
        ))
        .bind(super::json_param(&late)?)
        .bind(self.now_micros)
        .bind(ErrorCode::CustomerNotSynced.as_str())
        .execute(&mut **tx)
        .await?;
        let keys: Vec<(&str, i64)> = ops
            .iter()
            .map(|(op, _)| {
                (
                    op.async_account.as_str(),
                    op.operation_at.timestamp_micros(),
                )
            })
            .collect();
        let statuses = staged_statuses(&unfinished, &keys);
        let operation_rows: Vec<serde_json::Value> = ops
            .iter()
            .zip(&statuses)
            .map(|((op, received_at), status)| {
                serde_json::json!([
                    op.channel_operation_id,
                    op.async_account,
                    op.customer_account,
                    op.kind.as_str(),
                    status.as_str(),
                    op.operation_at.timestamp_micros(),
                    received_at,
                ])
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO operations (channel_id, channel_operation_id, async_account, \
             customer_account, legal_entity_id, kind, status, operation_at, received_at, \
             updated_at, upload_session_id) \
             SELECT {channel}, {c0}, {c1}, {c2}, {entity}, {c3}, {c4}, {i5}, {i6}, {now}, {session} \
             FROM {rows}",
            channel = placeholders(backend, 2, 1),
            entity = placeholders(backend, 3, 1),
            now = placeholders(backend, 4, 1),
            session = placeholders(backend, 5, 1),
            rows = super::json_rows(backend, 1),
            c0 = super::json_text(0),
            c1 = super::json_text(1),
            c2 = super::json_text(2),
            c3 = super::json_text(3),
            c4 = super::json_text(4),
            i5 = super::json_int(5),
            i6 = super::json_int(6),
        ))
        .bind(super::json_param(&operation_rows)?)
        .bind(self.channel_id)
        .bind(self.legal_entity_id)
        .bind(self.now_micros)
        .bind(self.session_id)
        .execute(&mut **tx)
        .await?;
        let field_rows: Vec<FieldRow> = ops
            .iter()
            .flat_map(|(op, _)| {
                op.fields.iter().map(|f| {
                    (
                        op.channel_operation_id.as_str(),
                        f.field.as_str(),
                        f.old_value.as_deref(),
                        f.new_value.as_deref(),
                        f.new_value.as_deref().map(value_key),
                    )
                })
            })
            .collect();
        if !field_rows.is_empty() {
            sqlx::query(&format!(
                "INSERT INTO operation_fields (operation_id, field, old_value, new_value, \
                 operation_at, value_key) \
                 SELECT o.id, {f1}, {f2}, {f3}, o.operation_at, {f4} FROM {rows} \
                 CROSS JOIN operations o \
                 WHERE o.channel_id = {channel} AND o.channel_operation_id = {f0}",
                rows = super::json_rows(backend, 1),
                channel = placeholders(backend, 2, 1),
                f0 = super::json_text(0),
                f1 = super::json_text(1),
                f2 = super::json_text(2),
                f3 = super::json_text(3),
                f4 = super::json_text(4),
            ))
            .bind(super::json_param(&field_rows)?)
            .bind(self.channel_id)
            .execute(&mut **tx)
            .await?;
        }
        Ok(statuses)
    }
}

/// The status each of a session's operations gets, given (async account, operation time) in
/// inbox order and the earliest unfinished operation each account already had. The same as
/// staging them one by one: an operation waits when an unfinished one of its customer was made
/// at or before it; and one staged later but made earlier sends a Pending one back to waiting.
fn staged_statuses(unfinished: &HashMap<String, i64>, ops: &[(&str, i64)]) -> Vec<SyncStatus> {
    let mut statuses: Vec<SyncStatus> = Vec::with_capacity(ops.len());
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (account, at)) in ops.iter().enumerate() {
        let earlier = by_account.entry(account).or_default();
        for &i in earlier.iter() {
            if ops[i].1 > *at && statuses[i] == SyncStatus::Pending {
                statuses[i] = SyncStatus::Waiting;
            }
        }
        let blocked = unfinished.get(*account).is_some_and(|first| first <= at)
            || earlier.iter().any(|&i| ops[i].1 <= *at);
        statuses.push(if blocked {
            SyncStatus::Waiting
        } else {
            SyncStatus::Pending
        });
        earlier.push(k);
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;
    use SyncStatus::{Pending, Waiting};

    #[test]
    fn the_first_operation_of_a_customer_is_pending_and_later_ones_wait() {
        let statuses = staged_statuses(&HashMap::new(), &[("a", 1), ("b", 1), ("a", 2), ("a", 3)]);
        assert_eq!(statuses, [Pending, Pending, Waiting, Waiting]);
    }

    #[test]
    fn an_operation_staged_later_but_made_earlier_goes_first() {
        let statuses = staged_statuses(&HashMap::new(), &[("a", 5), ("a", 1)]);
        assert_eq!(statuses, [Waiting, Pending]);
    }

    #[test]
    fn an_unfinished_earlier_operation_in_the_database_holds_new_ones_back() {
        let unfinished = HashMap::from([("a".to_owned(), 3)]);
        assert_eq!(staged_statuses(&unfinished, &[("a", 4)]), [Waiting]);
        assert_eq!(staged_statuses(&unfinished, &[("a", 2)]), [Pending]);
    }
}
