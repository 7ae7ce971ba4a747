//! The server's part of the correction workflow: Synchronize now for one corrected operation
//! (the job's code lives here, the page's server functions reach it through
//! [`SynchronizeNow`]), and letting go of Editing holds whose editor went away.

use std::time::Duration;

use app::{
    functions::corrections::plain::SynchronizeNow,
    model::correction::EDIT_HOLD_SECONDS,
    storage::{is_unavailable, to_micros, Db},
    AppError,
};

use crate::jobs::synchronize::Synchronize;

/// The most operations of one customer a Synchronize now carries on to after the one asked.
const MAX_FOLLOWERS: usize = 50;

/// Synchronize now on `db`: runs the Synchronize job for the operation, then, while they
/// succeed, for the edits of the same customer it released, in order.
pub fn synchronize_now(db: Db) -> SynchronizeNow {
    SynchronizeNow::new(move |id| {
        let db = db.clone();
        async move { operation_and_followers(&db, id).await.map_err(wire_safe) }
    })
}

async fn operation_and_followers(db: &Db, id: i64) -> anyhow::Result<()> {
    let mut job = Synchronize::new(db.clone());
    let mut next = Some(id);
    let mut done = 0;
    while let Some(id) = next.take() {
        let outcome = job.run_once(Some(id)).await?;
        tracing::info!(
            operation = id,
            succeeded = outcome.succeeded,
            failed = outcome.failed,
            "synchronized now"
        );
        done += 1;
        if outcome.succeeded == 1 && done <= MAX_FOLLOWERS {
            next = db.next_pending_after(id).await?;
        }
    }
    Ok(())
}

/// A failure of Synchronize now, as a browser may see it.
fn wire_safe(error: anyhow::Error) -> AppError {
    match error.downcast_ref::<sqlx::Error>() {
        Some(e) if is_unavailable(e) => AppError::Unavailable,
        _ => {
            tracing::error!(error = %error, "Synchronize now failed");
            AppError::Internal
        }
    }
}

/// Every `period`, returns operations whose editor has not been heard from for
/// [`EDIT_HOLD_SECONDS`] to the status they had, until the database closes.
pub async fn release_stale_holds(db: Db, period: Duration) {
    let mut every = tokio::time::interval(period);
    loop {
        every.tick().await;
        let before = to_micros(chrono::Utc::now()) - EDIT_HOLD_SECONDS * 1_000_000;
        match db.release_stale_editing(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                operations = n,
                "editing holds let go after their editor left"
            ),
            Err(_) if db.pool().is_closed() => return,
            Err(error) => tracing::warn!(%error, "editing holds not checked"),
        }
    }
}
