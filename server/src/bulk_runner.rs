//! Carries out bulk runs in the background: while a run waits, one step (a chunk) after
//! another; else a look every second. Every ten minutes it drops the previews nobody
//! confirmed. With jobs on (`--run-jobs`), like the scheduler: on PostgreSQL with several
//! instances, a run's lease (as long as a job's, `--job-lease`) gives it to one of them. A step that fails
//! or panics is logged and tried again after a pause (its transaction rolled back: nothing is
//! half-stored); shutdown waits for the current step to end.

use std::time::Duration;

use app::storage::Db;
use tokio::{sync::watch, task::JoinHandle};

/// How long the runner waits when there is nothing to do, or after a failed step.
pub const PAUSE: Duration = Duration::from_secs(1);
/// How often previews nobody confirmed in time are dropped.
pub const SWEEP: Duration = Duration::from_secs(600);

/// Ends the previews older than their lifetime (their items go; the run's row stays).
async fn drop_stale_previews(db: &Db) {
    let now = app::storage::to_micros(chrono::Utc::now());
    let before = now - app::bulk_runs::PREVIEW_LIFETIME;
    match db.drop_stale_previews(before, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(previews = n, "dropped previews nobody confirmed"),
        Err(error) => tracing::warn!(%error, "previews nobody confirmed could not be dropped"),
    }
}

/// Whether a step failed because the database is not answering (an outage the health check
/// and the pages already report), rather than for a reason someone must look into.
fn database_unavailable(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<sqlx::Error>()
        .is_some_and(app::storage::is_unavailable)
}

/// Starts the runner as a task; it ends when `shutdown` turns true.
pub fn spawn(
    db: Db,
    instance: String,
    lease: Duration,
    mut shutdown: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_sweep: Option<std::time::Instant> = None;
        while !*shutdown.borrow() {
            if last_sweep.is_none_or(|at| at.elapsed() >= SWEEP) {
                last_sweep = Some(std::time::Instant::now());
                drop_stale_previews(&db).await;
            }
            let step = std::panic::AssertUnwindSafe(app::bulk_runs::runner::step_with(
                &db,
                &instance,
                lease,
                app::bulk_runs::runner::CHUNK,
            ));
            let busy = match futures::FutureExt::catch_unwind(step).await {
                Ok(Ok(busy)) => busy,
                Ok(Err(error)) if database_unavailable(&error) => {
                    tracing::warn!(error = %error, "a bulk run waits for the database");
                    false
                }
                Ok(Err(error)) => {
                    tracing::error!(error = %error, "a bulk run's step failed; trying again");
                    false
                }
                Err(_) => {
                    tracing::error!("a bulk run's step panicked; trying again");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(PAUSE) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
    })
}
