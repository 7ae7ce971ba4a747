//! The three recurring jobs of the pipeline, each in a folder of its own with its steps, its
//! decisions and its SQL: [`p_job`], [`synchronize`] (Synchronize customers and channel
//! requests) and [`distribution`] (1010 Customers distribution); and a fourth that keeps
//! customer data no longer than needed, [`retention`]. Each is an idempotent unit
//! whose `run_once` does one step (one transaction) and says whether more work is waiting.
//! [`execute`] runs one job to the end and keeps its run history; the server's scheduler
//! decides when, and a correction's "Synchronize now" calls [`synchronize::now`] directly.

pub mod distribution;
pub mod metrics;
pub mod p_job;
pub mod retention;
pub mod synchronize;

use std::time::Duration;

use crate::{
    model::{JobName, JobTrigger},
    storage::{jobs::RunCounts, to_micros, Db},
};

/// What one step of a job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub seen: i64,
    pub succeeded: i64,
    pub failed: i64,
    pub skipped: i64,
    /// Whether work is left that another step would take now.
    pub more: bool,
}

impl Outcome {
    /// Adds another part of the same step (a worker's batch, a chunk of one).
    pub fn absorb(&mut self, part: Outcome) {
        self.seen += part.seen;
        self.succeeded += part.succeeded;
        self.failed += part.failed;
        self.skipped += part.skipped;
        self.more |= part.more;
    }

    fn add_to(self, counts: &mut RunCounts) {
        counts.seen += self.seen;
        counts.succeeded += self.succeeded;
        counts.failed += self.failed;
        counts.skipped += self.skipped;
    }
}

/// How long an instance holds a job's lease without renewing it, unless configured otherwise; a
/// crashed instance's run is taken over after this.
pub const LEASE: Duration = Duration::from_secs(120);

/// Jobs the scheduler runs in a loop of their own, beside the others: a long run of theirs (a
/// large backlog of old operations to remove) must not hold up the channels' customers.
pub const RUN_BESIDE: &[JobName] = &[JobName::Retention];

/// Synchronize batches an instance runs side by side on PostgreSQL, unless configured otherwise.
pub const SYNC_WORKERS: usize = 2;

/// The jobs of one instance, with what they keep between runs.
pub struct Jobs {
    pub db: Db,
    /// This instance's name in leases and run history.
    pub instance: String,
    /// How long a lease lasts without renewal.
    pub lease: Duration,
    /// Synchronize batches run side by side on PostgreSQL.
    pub sync_workers: usize,
    pub synchronize: synchronize::Synchronize,
    /// The Retention job: its period (`retention.days`) and pace.
    pub retention: retention::Retention,
    /// Turns true when the instance shuts down: a run stops after its current step.
    pub shutdown: Option<tokio::sync::watch::Receiver<bool>>,
    /// Faults tests inject; all off in custsync itself.
    pub test_hooks: TestHooks,
}

/// Faults a test can make the jobs meet, to prove a panic costs one run and nothing more.
#[derive(Debug, Clone, Copy, Default)]
pub struct TestHooks {
    /// Every step of this job panics.
    pub panic_in_step: Option<JobName>,
    /// The scheduler's own loop panics (outside any job run).
    pub panic_in_scheduler: bool,
    /// Every step of this job first waits this long (a long run, as a large backlog makes).
    pub slow_step: Option<(JobName, Duration)>,
}

/// A step of a job panicked (a defect): the run ends failed, the next run tries again.
#[derive(Debug, thiserror::Error)]
#[error("a step of the job panicked")]
pub struct StepPanicked;

/// A run ended early because the instance shut down (between two steps: nothing is lost).
#[derive(Debug, thiserror::Error)]
#[error("the instance shut down during the run")]
pub struct ShutDown;

impl Jobs {
    pub fn new(db: Db, instance: String) -> Self {
        Self {
            synchronize: synchronize::Synchronize::new(db.clone()),
            db,
            instance,
            lease: LEASE,
            sync_workers: SYNC_WORKERS,
            retention: retention::Retention::default(),
            shutdown: None,
            test_hooks: TestHooks::default(),
        }
    }

    /// The jobs of the same instance, with the same settings, for a loop of their own beside
    /// this one (see [`RUN_BESIDE`]).
    pub fn beside(&self) -> Self {
        Self {
            lease: self.lease,
            sync_workers: self.sync_workers,
            retention: self.retention.clone(),
            shutdown: self.shutdown.clone(),
            test_hooks: self.test_hooks,
            ..Self::new(self.db.clone(), self.instance.clone())
        }
    }

    fn shutting_down(&self) -> bool {
        self.shutdown.as_ref().is_some_and(|s| *s.borrow())
    }

    /// One step of `job`.
    pub async fn run_once(&mut self, job: JobName) -> anyhow::Result<Outcome> {
        if self.test_hooks.panic_in_step == Some(job) {
            panic!("test hook: a step of {job} panics");
        }
        match job {
            JobName::PJob => p_job::run_once(&self.db).await,
            JobName::SynchronizeCustomers => self.synchronize.run_step(self.sync_workers).await,
            JobName::Distribution => distribution::run_once(&self.db).await,
            JobName::Retention => self.retention.run_once(&self.db).await,
        }
    }

    /// How much work `job` has waiting, for the progress bar.
    async fn backlog(&self, job: JobName) -> anyhow::Result<i64> {
        Ok(match job {
            JobName::PJob => self.db.unassigned_inbox().await?,
            JobName::SynchronizeCustomers => {
                self.db.due_pending(to_micros(chrono::Utc::now())).await?
            }
            JobName::Distribution => self.db.undistributed_changes().await?,
            JobName::Retention => self.retention.backlog(&self.db).await?,
        })
    }
}

/// Runs `job` to the end of its work, recording the run with its counts and progress. When the
/// scheduler took the job's lease (`leased`), it is renewed between steps, and the run stops if
/// another instance took it over. An error ends the run as failed with a sentence for the Jobs
/// panel; the details go to the log.
pub async fn execute(
    jobs: &mut Jobs,
    job: JobName,
    trigger: JobTrigger,
    leased: bool,
) -> anyhow::Result<RunCounts> {
    let db = jobs.db.clone();
    let started = std::time::Instant::now();
    let now = || to_micros(chrono::Utc::now());
    let run_id = db
        .start_job_run(job, trigger, &jobs.instance, now())
        .await?;
    match job {
        JobName::SynchronizeCustomers => jobs.synchronize.refresh(),
        JobName::Retention => jobs.retention.begin_run(),
        JobName::PJob | JobName::Distribution => {}
    }
    let backlog = jobs.backlog(job).await.unwrap_or(0).max(1);
    let mut counts = RunCounts::default();
    let result: anyhow::Result<()> = async {
        loop {
            // A panic in a step is a defect, not the end of the scheduler: the step's
            // transaction rolls back as it is dropped, and the run ends failed.
            if let Some((slow, delay)) = jobs.test_hooks.slow_step {
                if slow == job {
                    tokio::time::sleep(delay).await;
                }
            }
            let step = std::panic::AssertUnwindSafe(jobs.run_once(job));
            let outcome = futures::FutureExt::catch_unwind(step)
                .await
                .map_err(|_| StepPanicked)??;
            outcome.add_to(&mut counts);
            counts.progress = (counts.seen * 100 / backlog).clamp(0, 99);
            if !outcome.more {
                break;
            }
            if jobs.shutting_down() {
                return Err(ShutDown.into());
            }
            db.update_job_run(run_id, counts).await?;
            let lease_until = now() + jobs.lease.as_micros() as i64;
            if leased && !db.renew_job_lease(job, &jobs.instance, lease_until).await? {
                anyhow::bail!("another instance took over the job");
            }
        }
        Ok(())
    }
    .await;
    let error = result.as_ref().err().map(|e| {
        if e.is::<ShutDown>() {
            tracing::info!(job = %job, "job run stopped for the shutdown");
        } else {
            tracing::error!(job = %job, error = %format!("{e:#}"), "job run failed");
        }
        run_error_sentence(e)
    });
    metrics::record_job_run(job, result.is_ok(), started.elapsed(), &counts);
    db.finish_job_run(run_id, counts, error.as_deref(), now())
        .await?;
    // A run changes many statuses: fold PostgreSQL's count deltas now rather than leave them
    // for the live watcher (a CLI run has none).
    db.fold_count_deltas().await?;
    match result {
        Ok(()) => {
            tracing::info!(job = %job, seen = counts.seen, succeeded = counts.succeeded, failed = counts.failed, "job run finished");
            Ok(counts)
        }
        Err(e) => Err(e),
    }
}

/// What the Jobs panel says of a failed run: never database text.
fn run_error_sentence(error: &anyhow::Error) -> String {
    if error.is::<ShutDown>() {
        return "custsync shut down during the run; the next run takes the rest.".to_owned();
    }
    if error.is::<StepPanicked>() {
        return "The run stopped on a defect in custsync (a panic); the details are in the \
                server log. The next run tries again."
            .to_owned();
    }
    match error.downcast_ref::<sqlx::Error>() {
        Some(e) if crate::storage::is_unavailable(e) => {
            "The database was unreachable; the job will try again at its next run.".to_owned()
        }
        _ => "The run stopped on an internal error; the details are in the server log.".to_owned(),
    }
}
