//! Carries out bulk runs in the background: while a run waits, one step (a chunk) after
//! another; else a look every second. With jobs on (`--run-jobs`), like the scheduler: on
//! PostgreSQL with several instances, a run's lease gives it to one of them. A step that fails
//! or panics is logged and tried again after a pause (its transaction rolled back: nothing is
//! half-stored); shutdown waits for the current step to end.

use std::time::Duration;

use app::storage::Db;
use tokio::{sync::watch, task::JoinHandle};

/// How long the runner waits when there is nothing to do, or after a failed step.
pub const PAUSE: Duration = Duration::from_secs(1);

/// Starts the runner as a task; it ends when `shutdown` turns true.
pub fn spawn(db: Db, instance: String, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        while !*shutdown.borrow() {
            let step = std::panic::AssertUnwindSafe(app::bulk_runs::runner::step(&db, &instance));
            let busy = match futures::FutureExt::catch_unwind(step).await {
                Ok(Ok(busy)) => busy,
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
