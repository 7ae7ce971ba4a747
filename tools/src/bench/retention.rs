//! `custsync-tools bench-retention`: the Retention job's throughput on the database as it is
//! (seed it first). Run here, it runs the job to the end with a period of `--days` and reports
//! how many operations it removed, in how long. `scripts/bench-retention.sh` has a server run
//! it instead, as custsync does (on SQLite a job in another process contends for the file's
//! lock without the server's fair queue), with `--prepare` before (the feeds read, the job
//! paused, the demo's operations settled when they came rather than when it was seeded),
//! `--start` to set it going while `custsync-tools simulate` measures the channel API, and
//! `--report` for its run so far. It removes what it is asked to.

use std::time::{Duration, Instant};

use sqlx::Row;

use app::{
    jobs::{execute, Jobs},
    model::{JobName, JobTrigger},
    storage::{to_micros, Db},
};

/// What the benchmark measured.
pub struct RetentionReport {
    pub days: i64,
    pub past: i64,
    pub removed: i64,
    pub left: i64,
    pub elapsed: Duration,
}

impl std::fmt::Display for RetentionReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "retention of {} days: {} operations past it, {} removed in {:.1} s \
             ({:.0} operations/s); {} operations left",
            self.days,
            self.past,
            self.removed,
            self.elapsed.as_secs_f64(),
            self.removed as f64 / self.elapsed.as_secs_f64().max(0.001),
            self.left
        )
    }
}

/// Acknowledges every channel's feed to its end, as channels that keep up would have (so the
/// simulated channels beside the job read only what is new).
async fn read_feeds_to_the_end(db: &Db) -> anyhow::Result<()> {
    let end: i64 = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM distribution_feed")
        .fetch_one(db.pool())
        .await?
        .try_get("n")?;
    let now = to_micros(chrono::Utc::now());
    for channel in db.channels().await? {
        db.ack_feed(channel.id, end, now).await?;
    }
    Ok(())
}

/// Readies a seeded demo for the server's Retention job: every feed read to its end, the job
/// paused, each Succeeded operation's last change at its own time (the seed settled them all
/// at once, when it ran), and the customers keyed (as a server does when it starts).
pub async fn prepare(db: &Db) -> anyhow::Result<()> {
    read_feeds_to_the_end(db).await?;
    db.key_all_customers().await?;
    db.set_job_paused(JobName::Retention, true).await?;
    sqlx::query("UPDATE operations SET updated_at = operation_at WHERE status = 'succeeded'")
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Sets the server's Retention job going now.
pub async fn start(db: &Db) -> anyhow::Result<()> {
    db.set_job_paused(JobName::Retention, false).await?;
    db.request_job_run(JobName::Retention).await?;
    Ok(())
}

/// The latest Retention run: how many operations it removed, in how long so far.
pub async fn report(db: &Db) -> anyhow::Result<String> {
    let run = db
        .job_runs(JobName::Retention, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the Retention job has not run"))?;
    let until = run.finished_at.unwrap_or_else(chrono::Utc::now);
    let seconds = (until - run.started_at).num_milliseconds() as f64 / 1e3;
    Ok(format!(
        "the server's Retention run {}: {} operations removed in {seconds:.1} s ({:.0} \
         operations/s){}",
        run.id,
        run.seen,
        run.seen as f64 / seconds.max(0.001),
        if run.finished_at.is_some() {
            ""
        } else {
            ", still running"
        }
    ))
}

/// Runs the Retention job to the end with a period of `days`.
pub async fn retention_bench(db: &Db, days: i64) -> anyhow::Result<RetentionReport> {
    let cutoff = to_micros(chrono::Utc::now() - chrono::Duration::days(days));
    let past = db.operations_past_retention(cutoff).await?;
    let before = db.count_operations().await?;
    let mut jobs = Jobs::new(db.clone(), "bench-retention".into());
    jobs.retention.days = days;
    let started = Instant::now();
    execute(&mut jobs, JobName::Retention, JobTrigger::RunNow, false).await?;
    let elapsed = started.elapsed();
    let left = db.count_operations().await?;
    Ok(RetentionReport {
        days,
        past,
        removed: before - left,
        left,
        elapsed,
    })
}
