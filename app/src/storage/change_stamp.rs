//! What the live status page watches: a stamp that changes whenever something the page shows may
//! have changed (a job run starts, makes progress or ends; a schedule changes; operations arrive;
//! a correction is logged; a bulk run starts, moves on or ends; an alert fires or resolves). One cheap query, run by each
//! server once a second for all its browsers together.

use super::{col, Db};

impl Db {
    /// The current change stamp (compare with the previous one; its content means nothing).
    pub async fn change_stamp(&self) -> Result<String, sqlx::Error> {
        let row = sqlx::query(
            "SELECT \
             (SELECT COALESCE(MAX(id), 0) FROM job_runs) AS runs, \
             (SELECT CAST(COALESCE(SUM(seen + progress + CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) AS BIGINT) \
              FROM job_runs WHERE id > (SELECT COALESCE(MAX(id), 0) - 6 FROM job_runs)) AS work, \
             (SELECT COALESCE(MAX(updated_at), 0) FROM job_schedules) AS schedules, \
             (SELECT COALESCE(MAX(id), 0) FROM operations) AS operations, \
             (SELECT COALESCE(MAX(id), 0) FROM change_log) AS changes, \
             (SELECT CAST(COALESCE(SUM(id + done + CASE WHEN status = 'running' THEN 1 ELSE 0 END), 0) AS BIGINT) \
              FROM bulk_runs WHERE id > (SELECT COALESCE(MAX(id), 0) - 6 FROM bulk_runs)) AS bulk, \
             (SELECT CAST(COALESCE(MAX(id), 0) + COUNT(resolved_at) + COALESCE(SUM(CASE WHEN resolved_at IS NULL THEN value ELSE 0 END), 0) AS BIGINT) FROM alert_episodes) AS alerts",
        )
        .fetch_one(self.pool())
        .await?;
        let parts: [i64; 7] = [
            col(&row, "runs")?,
            col(&row, "work")?,
            col(&row, "schedules")?,
            col(&row, "operations")?,
            col(&row, "changes")?,
            col(&row, "bulk")?,
            col(&row, "alerts")?,
        ];
        Ok(parts.map(|p| p.to_string()).join("."))
    }
}
