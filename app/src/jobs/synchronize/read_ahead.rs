//! Reading the Synchronize job's next batch ahead (on SQLite, whose one writer is the job's
//! bottleneck): while the writer settles a batch, a read connection takes the next Pending
//! operations from its own snapshot, without locking anything, and the job checks them
//! meanwhile. [`Db::begin_settling`] then keeps, inside the write transaction, only those still
//! Pending at the version that was read, so an operation changed or settled in between is
//! never applied from a stale copy.

use std::collections::{HashMap, HashSet};

use super::claim::{claimed_from_rows, ClaimedOperation, SyncBatch};
use crate::storage::{col, json_ints, json_param, Db};

impl Db {
    /// Up to `limit` Pending operations due at `now_micros`, oldest first, after `after` (an
    /// `(operation_at, id)` place in the queue) when given; read on the read pool, unlocked.
    #[tracing::instrument(skip(self), err)]
    pub async fn read_pending_ahead(
        &self,
        limit: i64,
        after: Option<(i64, i64)>,
        now_micros: i64,
    ) -> Result<Vec<ClaimedOperation>, sqlx::Error> {
        let filter = if after.is_some() {
            " AND (o.operation_at, o.id) > ($3, $4)"
        } else {
            ""
        };
        let sql = self.select_due_pending(filter, "");
        let mut query = sqlx::query(&sql).bind(now_micros).bind(limit);
        if let Some((operation_at, id)) = after {
            query = query.bind(operation_at).bind(id);
        }
        let rows = query.fetch_all(self.pool()).await?;
        claimed_from_rows(&rows)
    }

    /// Starts a Synchronize batch over operations read ahead, given as `(id, version)`: returns
    /// the batch and the ids of those that are still Pending at that version, the only ones it
    /// may settle.
    #[tracing::instrument(skip_all, err)]
    pub async fn begin_settling(
        &self,
        read: &[(i64, i64)],
        now_micros: i64,
    ) -> Result<(SyncBatch, HashSet<i64>), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = read.iter().map(|(id, _)| *id).collect();
        // `status || ''` keeps SQLite, which has no statistics, from walking every Pending
        // operation in the status index (a million at the start of a big backlog) instead of
        // looking up these few by id: bench-sync 1M went 4,691 → 3,365 operations/s without it.
        let rows = sqlx::query(&format!(
            "SELECT id, version FROM operations WHERE status || '' = 'pending' AND id IN ({})",
            json_ints(self.backend(), 1)
        ))
        .bind(json_param(&ids)?)
        .fetch_all(&mut *tx)
        .await?;
        let now_at: HashMap<i64, i64> = rows
            .iter()
            .map(|row| Ok((col(row, "id")?, col(row, "version")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let current = read
            .iter()
            .filter(|(id, version)| now_at.get(id) == Some(version))
            .map(|(id, _)| *id)
            .collect();
        Ok((
            SyncBatch {
                tx,
                db: self.clone(),
                now: now_micros,
            },
            current,
        ))
    }
}
