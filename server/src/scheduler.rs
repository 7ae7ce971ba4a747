//! The scheduler: decides *when* each job runs. Every tick it takes each job whose time has
//! come (or whose "Run now" was asked) — if no other instance holds it — and runs it to the end.
//! The pipeline's jobs run one after the other; Retention runs in a loop of its own beside them
//! ([`RUN_BESIDE`]), so its long runs never hold up the channels' customers.
//! With several instances on one PostgreSQL, the lease in `job_schedules` gives each run to one
//! instance; SQLite has one instance.

use std::time::Duration;

use app::{
    functions::jobs::SchedulerHealth,
    model::{JobName, SchedulerState},
    storage::to_micros,
};
use tokio::{sync::watch, task::JoinHandle};

use app::jobs::{execute, Jobs, RUN_BESIDE};

/// How often the scheduler looks for due jobs.
pub const TICK: Duration = Duration::from_secs(1);

/// Starts [`run`] as a task and watches it: if it ends without `shutdown` having turned true
/// (a panic outside a job run, say), `health` says the scheduler stopped — `/healthz` answers
/// 503 and the Jobs panel says so — and the log says why. The handle ends when the scheduler
/// does.
pub fn spawn(
    jobs: Jobs,
    shutdown: watch::Receiver<bool>,
    health: SchedulerHealth,
) -> JoinHandle<()> {
    health.set(SchedulerState::Running);
    let asked_to_stop = shutdown.clone();
    let scheduler = tokio::spawn(run(jobs, shutdown));
    tokio::spawn(async move {
        let ended = scheduler.await;
        if ended.is_ok() && *asked_to_stop.borrow() {
            health.set(SchedulerState::Off);
            return;
        }
        health.set(SchedulerState::Stopped);
        let reason = match ended {
            Err(error) if error.is_panic() => "it panicked",
            Err(_) => "it was cancelled",
            Ok(()) => "it returned",
        };
        tracing::error!(
            reason,
            "the job scheduler stopped: no job runs in this instance until custsync restarts"
        );
    })
}

/// Runs due jobs until `shutdown` turns true. A run that is going on when it does stops after
/// its current step (each step is a transaction, so stopping between steps loses nothing).
pub async fn run(mut jobs: Jobs, shutdown: watch::Receiver<bool>) {
    tracing::info!(instance = %jobs.instance, "scheduler started");
    jobs.shutdown = Some(shutdown.clone());
    if let Err(error) = tokio::task::spawn_blocking(app::duplicates::keys::warm_up).await {
        tracing::warn!(%error, "loading the phone-number metadata failed");
    }
    key_customers(&jobs.db).await;
    let beside = jobs.beside();
    let pipeline: Vec<JobName> = JobName::ALL
        .iter()
        .filter(|job| !RUN_BESIDE.contains(job))
        .copied()
        .collect();
    tokio::join!(
        run_loop(jobs, &pipeline, shutdown.clone()),
        run_loop(beside, RUN_BESIDE, shutdown)
    );
    tracing::info!("scheduler stopped");
}

/// Runs each of `names` whenever it is due, one after the other, until `shutdown` turns true.
async fn run_loop(mut jobs: Jobs, names: &[JobName], mut shutdown: watch::Receiver<bool>) {
    loop {
        if jobs.test_hooks.panic_in_scheduler {
            panic!("test hook: the scheduler panics");
        }
        for job in names {
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
}

/// Keys the customers not keyed for the duplicate check yet (after an upgrade, or a bulk
/// load), before Synchronize customers first runs: a create is checked against every customer.
async fn key_customers(db: &app::storage::Db) {
    match db.customers_to_key().await {
        Ok(0) => {}
        Ok(waiting) => {
            tracing::info!(
                customers = waiting,
                "keying customers for the duplicate check"
            );
            match db.key_all_customers().await {
                Ok(keyed) => tracing::info!(customers = keyed, "customers keyed"),
                Err(error) => {
                    tracing::warn!(%error, "keying customers failed; the next start tries again")
                }
            }
        }
        Err(error) => tracing::warn!(%error, "could not count the customers to key"),
    }
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
