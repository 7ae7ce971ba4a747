//! `custsync-tools bench-retention`: the Retention job's throughput on the database as it is
//! (seed it first): it runs the job to the end with a period of `--days`, as the scheduler
//! would, and reports how many operations it removed, in how long. The channel API's latency
//! while it runs is measured beside it by `custsync-tools simulate` against a server on the
//! same database (`scripts/bench-retention.sh`). It removes what it is asked to.

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
pub async fn read_feeds_to_the_end(db: &Db) -> anyhow::Result<()> {
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

/// Runs the Retention job to the end with a period of `days`.
pub async fn retention_bench(db: &Db, days: i64) -> anyhow::Result<RetentionReport> {
    let cutoff = to_micros(chrono::Utc::now() - chrono::Duration::days(days));
    let past = db.operations_past_retention(cutoff).await?;
    let before = db.count_operations().await?;
    let mut jobs = Jobs::new(db.clone(), "bench-retention".into());
    jobs.retention_days = days;
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
