//! Operations per channel and status, kept by the database itself (migration 0007): counters
//! the triggers maintain, plus on PostgreSQL the deltas its concurrent writers append, folded
//! into the counters by [`Db::fold_count_deltas`]. Reading them costs a handful of rows at any
//! table size.

use sqlx::any::AnyRow;

use super::{col, Db};
use crate::model::SyncStatus;

/// The counters and the deltas not yet folded into them, as one relation.
pub(super) const COUNTS: &str = "(SELECT channel_id, status, n FROM operation_counts \
     UNION ALL SELECT channel_id, status, n FROM operation_count_deltas) k";

/// The counters PostgreSQL's writers add deltas to: (counters, deltas, key columns).
const FOLDED: [(&str, &str, &str); 3] = [
    (
        "operation_counts",
        "operation_count_deltas",
        "channel_id, status",
    ),
    (
        "failure_counts",
        "failure_count_deltas",
        "failure_group, channel_id, day",
    ),
    (
        "failure_events",
        "failure_event_deltas",
        "hour, channel_id, failure_group",
    ),
];

impl Db {
    /// How many operations there are in each status (every status listed, zeros included),
    /// of one channel or of all.
    #[tracing::instrument(skip(self), err)]
    pub async fn counted_statuses(
        &self,
        channel: Option<i64>,
    ) -> Result<Vec<(SyncStatus, i64)>, sqlx::Error> {
        let sql = format!(
            "SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM {COUNTS} \
             WHERE channel_id = $1 OR $1 IS NULL GROUP BY status"
        );
        let rows = sqlx::query(&sql)
            .bind(channel)
            .fetch_all(self.pool())
            .await?;
        per_status(&rows)
    }

    /// How many operations each channel has in each status (pairs with none left out), by
    /// channel code.
    #[tracing::instrument(skip(self), err)]
    pub async fn status_counts_by_channel(
        &self,
    ) -> Result<Vec<(String, SyncStatus, i64)>, sqlx::Error> {
        let sql = format!(
            "SELECT c.code, k.status, CAST(SUM(k.n) AS BIGINT) AS n FROM {COUNTS} \
             JOIN channels c ON c.id = k.channel_id GROUP BY c.code, k.status \
             HAVING SUM(k.n) <> 0"
        );
        let rows = sqlx::query(&sql).fetch_all(self.pool()).await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in &rows {
            let status: String = col(row, "status")?;
            if let Some(status) = SyncStatus::parse(&status) {
                counts.push((col(row, "code")?, status, col(row, "n")?));
            }
        }
        Ok(counts)
    }

    /// Folds the deltas PostgreSQL's writers appended into the counters, each table in one
    /// atomic statement (nothing to do on SQLite, whose triggers write the counters directly):
    /// the status counts, the failure groups' (`crate::storage::failures`), whose counters
    /// that reach zero are removed, and the failures per hour (`crate::storage::dashboard`).
    pub async fn fold_count_deltas(&self) -> Result<(), sqlx::Error> {
        if self.backend() != super::Backend::Postgres {
            return Ok(());
        }
        for (counters, deltas, keys) in FOLDED {
            sqlx::query(&format!(
                "WITH d AS (DELETE FROM {deltas} RETURNING {keys}, n) \
                 INSERT INTO {counters} ({keys}, n) SELECT {keys}, SUM(n) FROM d GROUP BY {keys} \
                 ON CONFLICT ({keys}) DO UPDATE SET n = {counters}.n + EXCLUDED.n"
            ))
            .execute(self.pool())
            .await?;
        }
        sqlx::query("DELETE FROM failure_counts WHERE n = 0")
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

/// Rows of `status` and `n` as a count for every status (zeros included), in display order.
pub(super) fn per_status(rows: &[AnyRow]) -> Result<Vec<(SyncStatus, i64)>, sqlx::Error> {
    let mut counts: Vec<(SyncStatus, i64)> = SyncStatus::ALL.iter().map(|s| (*s, 0)).collect();
    for row in rows {
        let status: String = col(row, "status")?;
        let n: i64 = col(row, "n")?;
        if let Some(entry) = counts.iter_mut().find(|(s, _)| s.as_str() == status) {
            entry.1 = n;
        }
    }
    Ok(counts)
}
