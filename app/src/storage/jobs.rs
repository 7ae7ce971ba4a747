//! Job schedules: when each recurring job runs, and whether it is paused.

use super::{col, from_micros, to_micros, Db};
use crate::model::{JobName, JobOverview, JobRun, JobSchedule, JobTrigger};

impl Db {
    /// Gives every job a schedule if it has none (`interval_seconds` apart, first run now).
    #[tracing::instrument(skip(self), err)]
    pub async fn ensure_job_schedules(&self, interval_seconds: i64) -> Result<(), sqlx::Error> {
        let now = to_micros(chrono::Utc::now());
        for job in JobName::ALL {
            // Retention has no hurry: hourly, whatever the pipeline's interval.
            let interval_seconds = match job {
                JobName::Retention => crate::jobs::retention::INTERVAL_SECONDS,
                _ => interval_seconds,
            };
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

/// Counts of a job run, as they grow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    pub seen: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// 0–100.
    pub progress: i64,
}

impl Db {
    /// Takes the next run of `job` for `instance` if one is due (its time has come and it is
    /// not paused, or someone asked to run it now) and no other instance holds it. The lease
    /// lasts until `lease_until_micros` (renewed while the run goes on), so the run of a crashed
    /// instance is taken over once it expires. Returns why the job runs, or `None`.
    #[tracing::instrument(skip(self), err)]
    pub async fn take_due_job(
        &self,
        job: JobName,
        instance: &str,
        now_micros: i64,
        lease_until_micros: i64,
    ) -> Result<Option<JobTrigger>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "SELECT run_requested FROM job_schedules WHERE job = $1 \
             AND (lease_until IS NULL OR lease_until < $2) \
             AND (run_requested = 1 OR (paused = 0 AND next_run_at <= $2)){}",
            self.for_update()
        ))
        .bind(job.as_str())
        .bind(now_micros)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let requested: i64 = col(&row, "run_requested")?;
        // Holding the lease, no other run of this job can be going on: a run still marked
        // running was cut off (its instance stopped).
        sqlx::query(
            "UPDATE job_runs SET status = 'failed', finished_at = $2, \
             error = 'The instance running it stopped before it finished; the next run picks up its work.' \
             WHERE job = $1 AND status = 'running'",
        )
        .bind(job.as_str())
        .bind(now_micros)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE job_schedules SET lease_owner = $2, lease_until = $4, \
             next_run_at = $3 + interval_seconds * 1000000, run_requested = 0, updated_at = $3 \
             WHERE job = $1",
        )
        .bind(job.as_str())
        .bind(instance)
        .bind(now_micros)
        .bind(lease_until_micros)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(if requested == 1 {
            JobTrigger::RunNow
        } else {
            JobTrigger::Schedule
        }))
    }

    /// Keeps holding a job's lease while its run goes on. False if another instance took it.
    pub async fn renew_job_lease(
        &self,
        job: JobName,
        instance: &str,
        lease_until_micros: i64,
    ) -> Result<bool, sqlx::Error> {
        Ok(sqlx::query(
            "UPDATE job_schedules SET lease_until = $3 WHERE job = $1 AND lease_owner = $2",
        )
        .bind(job.as_str())
        .bind(instance)
        .bind(lease_until_micros)
        .execute(self.pool())
        .await?
        .rows_affected()
            == 1)
    }

    /// Gives a job's lease back after its run.
    pub async fn release_job(&self, job: JobName, instance: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE job_schedules SET lease_owner = NULL, lease_until = NULL \
             WHERE job = $1 AND lease_owner = $2",
        )
        .bind(job.as_str())
        .bind(instance)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Asks for a run of `job` as soon as an instance is free for it, paused or not.
    #[tracing::instrument(skip(self), err)]
    pub async fn request_job_run(&self, job: JobName) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE job_schedules SET run_requested = 1 WHERE job = $1")
            .bind(job.as_str())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Pauses or resumes a job's schedule.
    #[tracing::instrument(skip(self), err)]
    pub async fn set_job_paused(&self, job: JobName, paused: bool) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE job_schedules SET paused = $2, updated_at = $3 WHERE job = $1")
            .bind(job.as_str())
            .bind(i64::from(paused))
            .bind(to_micros(chrono::Utc::now()))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Changes how often a job runs; the next run moves accordingly.
    #[tracing::instrument(skip(self), err)]
    pub async fn set_job_interval(&self, job: JobName, seconds: i64) -> Result<(), sqlx::Error> {
        let now = to_micros(chrono::Utc::now());
        sqlx::query(
            "UPDATE job_schedules SET interval_seconds = $2, next_run_at = $3 + $2 * 1000000, \
             updated_at = $3 WHERE job = $1",
        )
        .bind(job.as_str())
        .bind(seconds)
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records the start of a run; returns its id.
    pub async fn start_job_run(
        &self,
        job: JobName,
        trigger: JobTrigger,
        instance: &str,
        now_micros: i64,
    ) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "INSERT INTO job_runs (job, run_trigger, instance, status, started_at) \
             VALUES ($1, $2, $3, 'running', $4) RETURNING id",
        )
        .bind(job.as_str())
        .bind(trigger.as_str())
        .bind(instance)
        .bind(now_micros)
        .fetch_one(self.pool())
        .await?;
        col(&row, "id")
    }

    /// Updates a running run's counts and progress.
    pub async fn update_job_run(&self, run_id: i64, counts: RunCounts) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE job_runs SET seen = $2, succeeded = $3, failed = $4, skipped = $5, \
             progress = $6 WHERE id = $1",
        )
        .bind(run_id)
        .bind(counts.seen)
        .bind(counts.succeeded)
        .bind(counts.failed)
        .bind(counts.skipped)
        .bind(counts.progress)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Records how a run ended. `error` is a sentence for the Jobs panel, never database text.
    pub async fn finish_job_run(
        &self,
        run_id: i64,
        counts: RunCounts,
        error: Option<&str>,
        now_micros: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE job_runs SET status = $2, seen = $3, succeeded = $4, failed = $5, \
             skipped = $6, progress = 100, error = $7, finished_at = $8 WHERE id = $1",
        )
        .bind(run_id)
        .bind(if error.is_some() {
            "failed"
        } else {
            "succeeded"
        })
        .bind(counts.seen)
        .bind(counts.succeeded)
        .bind(counts.failed)
        .bind(counts.skipped)
        .bind(error)
        .bind(now_micros)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Every job with its schedule and latest `runs` runs, in pipeline order.
    #[tracing::instrument(skip(self), err)]
    pub async fn job_overview(&self, runs: i64) -> Result<Vec<JobOverview>, sqlx::Error> {
        let mut overview = Vec::new();
        for schedule in self.job_schedules().await? {
            let runs = self.job_runs(schedule.job, runs).await?;
            overview.push(JobOverview { schedule, runs });
        }
        Ok(overview)
    }

    /// The latest runs of `job`, newest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn job_runs(&self, job: JobName, limit: i64) -> Result<Vec<JobRun>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT * FROM job_runs WHERE job = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        )
        .bind(job.as_str())
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                let trigger: String = col(row, "run_trigger")?;
                let finished: Option<i64> = col(row, "finished_at")?;
                Ok(JobRun {
                    id: col(row, "id")?,
                    job,
                    trigger: JobTrigger::parse(&trigger).unwrap_or(JobTrigger::Schedule),
                    started_at: from_micros(col(row, "started_at")?),
                    finished_at: finished.map(from_micros),
                    seen: col(row, "seen")?,
                    succeeded: col(row, "succeeded")?,
                    failed: col(row, "failed")?,
                    skipped: col(row, "skipped")?,
                    progress: col(row, "progress")?,
                    error: col(row, "error")?,
                })
            })
            .collect()
    }
}
