//! The channel inbox: what a channel posts is stored as it came, append-only, once per channel
//! operation id (a resent batch stores nothing twice and gets the same ids back). The P-job
//! takes it from there (`crate::jobs::p_job`).

use std::collections::HashMap;

use super::{col, placeholders, Db};

/// Why a batch was not received.
#[derive(Debug, thiserror::Error)]
pub enum ReceiveError {
    /// These channel operation ids were received before with other content.
    #[error("operation ids already used for other content: {0:?}")]
    ReusedIds(Vec<String>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
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
}
