//! What a bulk correction's revert reads: the change-log lines the correction wrote, each
//! with its operation's version now, and whether the correction was reverted already.

use crate::storage::{col, corrections::FieldChange, Db};

/// A change-log line of a bulk correction.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkLine {
    pub line_id: i64,
    pub operation_id: i64,
    /// The operation's version now.
    pub version: i64,
    pub change: FieldChange,
}

impl Db {
    /// The lines bulk correction `run` wrote, each with its operation's version now, for
    /// its revert.
    pub async fn bulk_corrections(&self, run: i64) -> Result<Vec<BulkLine>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT c.id, c.operation_id, c.field, c.before_value, c.after_value, o.version \
             FROM change_log c JOIN operations o ON o.id = c.operation_id \
             WHERE c.bulk_run_id = $1 AND c.action = 'correct' ORDER BY c.operation_id",
        )
        .bind(run)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(BulkLine {
                    line_id: col(row, "id")?,
                    operation_id: col(row, "operation_id")?,
                    version: col(row, "version")?,
                    change: FieldChange {
                        field: col(row, "field")?,
                        before: col(row, "before_value")?,
                        after: col(row, "after_value")?,
                    },
                })
            })
            .collect()
    }

    /// Whether bulk correction `run` has a revert that was not cancelled before it began.
    pub async fn bulk_reverted(&self, run: i64) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM bulk_runs WHERE reverts = $1 \
             AND (status <> 'cancelled' OR done > 0)",
        )
        .bind(run)
        .fetch_one(self.pool())
        .await?;
        Ok(col::<i64>(&row, "n")? > 0)
    }
}
