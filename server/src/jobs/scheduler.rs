//! The scheduler: decides *when* each job runs. Every tick it takes each job whose time has
//! come (or whose "Run now" was asked) — if no other instance holds it — and runs it to the end.
//! With several instances on one PostgreSQL, the lease in `job_schedules` gives each run to one
//! instance; SQLite has one instance.

use std::time::Duration;

use app::{model::JobName, storage::to_micros};
use tokio::sync::watch;

use super::{execute, Jobs};

/// How often the scheduler looks for due jobs.
pub const TICK: Duration = Duration::from_secs(1);

/// Runs due jobs until `shutdown` turns true. A run that is going on when it does stops after
/// its current step (each step is a transaction, so stopping between steps loses nothing).
pub async fn run(mut jobs: Jobs, mut shutdown: watch::Receiver<bool>) {
    tracing::info!(instance = %jobs.instance, "scheduler started");
    jobs.shutdown = Some(shutdown.clone());
    loop {
        for job in JobName::ALL {
            if *shutdown.borrow() {
                break;
            }
            if let Err(error) = run_if_due(&mut jobs, *job).await {
                tracing::warn!(job = %job, error = %format!("{error:#}"), "job not run");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
    tracing::info!("scheduler stopped");
}

/// Takes `job` if it is due and runs it; gives the lease back afterwards.
pub async fn run_if_due(jobs: &mut Jobs, job: JobName) -> anyhow::Result<bool> {
    let now = to_micros(chrono::Utc::now());
    let lease_until = now + jobs.lease.as_micros() as i64;
    let Some(trigger) = jobs
        .db
        .take_due_job(job, &jobs.instance, now, lease_until)
        .await?
    else {
        return Ok(false);
    };
    let result = execute(jobs, job, trigger, true).await;
    jobs.db.release_job(job, &jobs.instance).await?;
    result.map(|_| true)
}
