//! P-job (upload): channel inbox → upload sessions (Uploaded → Applied) → staging operations,
//! Pending or Waiting behind an earlier operation of the same async customer.

use crate::storage::{to_micros, Db};

use super::Outcome;

mod staging;
mod upload;

pub use upload::AppliedSession;

/// Inbox rows one step puts into upload sessions.
const UPLOAD_BATCH: i64 = 1_000;

/// One step: uploads what the inbox holds, then applies every uploaded session (also those a
/// crash left between the two steps), each session in one transaction.
pub async fn run_once(db: &Db) -> anyhow::Result<Outcome> {
    let now = || to_micros(chrono::Utc::now());
    let uploaded = db.upload_inbox(UPLOAD_BATCH, now()).await?;
    let mut outcome = Outcome::default();
    for session_id in db.uploaded_sessions(UPLOAD_BATCH).await? {
        if let Some(applied) = db.apply_upload_session(session_id, now()).await? {
            outcome.seen += applied.pending + applied.waiting;
            outcome.succeeded += applied.pending + applied.waiting;
            outcome.skipped += applied.waiting;
        }
    }
    outcome.more = !uploaded.is_empty() && db.has_unassigned_inbox().await?;
    Ok(outcome)
}
