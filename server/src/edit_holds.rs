//! Letting go of Editing holds whose editor went away: an open correction editor tells the
//! server every two minutes that it is still there; a hold not renewed for
//! [`EDIT_HOLD_SECONDS`] goes back to the status it had, so the jobs take the operation again.

use std::time::Duration;

use app::{
    model::correction::EDIT_HOLD_SECONDS,
    storage::{to_micros, Db},
};

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
