//! Job schedules: when each recurring job runs, and whether it is paused.

use super::{col, from_micros, to_micros, Db};
use crate::model::{JobName, JobSchedule};

impl Db {
    /// Gives every job a schedule if it has none (`interval_seconds` apart, first run now).
    #[tracing::instrument(skip(self), err)]
    pub async fn ensure_job_schedules(&self, interval_seconds: i64) -> Result<(), sqlx::Error> {
        let now = to_micros(chrono::Utc::now());
        for job in JobName::ALL {
            sqlx::query(
                "INSERT INTO job_schedules (job, interval_seconds, paused, next_run_at, updated_at) \
                 VALUES ($1, $2, 0, $3, $3) ON CONFLICT (job) DO NOTHING",
            )
            .bind(job.as_str())
            .bind(interval_seconds)
            .bind(now)
            .execute(self.pool())
            .await?;
        }
        Ok(())
    }

    /// Every job's schedule, in the order of the pipeline.
    #[tracing::instrument(skip(self), err)]
    pub async fn job_schedules(&self) -> Result<Vec<JobSchedule>, sqlx::Error> {
        let rows = sqlx::query("SELECT * FROM job_schedules")
            .fetch_all(self.pool())
            .await?;
        let mut schedules = Vec::with_capacity(rows.len());
        for row in &rows {
            let job: String = col(row, "job")?;
            let Some(job) = JobName::parse(&job) else {
                continue;
            };
            let paused: i64 = col(row, "paused")?;
            let next: Option<i64> = col(row, "next_run_at")?;
            schedules.push(JobSchedule {
                job,
                interval_seconds: col(row, "interval_seconds")?,
                paused: paused != 0,
                next_run_at: next.map(from_micros),
            });
        }
        schedules.sort_by_key(|s| JobName::ALL.iter().position(|j| *j == s.job));
        Ok(schedules)
    }
}
