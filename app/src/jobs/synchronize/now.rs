//! Synchronize now: the Synchronize customers job for one operation a person corrected (Save
//! and synchronize, or Synchronize), then, while they succeed, for the edits of the same
//! customer it released, in order — so the person sees the outcome at once.

use crate::{
    storage::{is_unavailable, Db},
    AppError,
};

use super::Synchronize;

/// The most operations of one customer a Synchronize now carries on to after the one asked.
const MAX_FOLLOWERS: usize = 50;

/// Runs the Synchronize job for operation `id` and the edits waiting behind it. An error is
/// wire-safe: the details go to the log.
pub async fn operation_and_followers(db: &Db, id: i64) -> Result<(), AppError> {
    run(db, id).await.map_err(wire_safe)
}

async fn run(db: &Db, id: i64) -> anyhow::Result<()> {
    let mut job = Synchronize::new(db.clone());
    let mut next = Some(id);
    let mut done = 0;
    while let Some(id) = next.take() {
        let outcome = job.run_once(Some(&[id])).await?;
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
