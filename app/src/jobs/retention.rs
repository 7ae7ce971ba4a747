//! Retention: customer data kept no longer than the retention period
//! (`CUSTSYNC_RETENTION_DAYS`, 90 days unless set). Each step removes one small batch of
//! Succeeded operations settled before the period (see [`crate::storage::retention`]), so a
//! channel posting or a person saving waits for at most one short transaction; once none is
//! left, the acknowledged feed entries and the audit log's old export filters.

use crate::storage::{to_micros, Db};

use super::Outcome;

/// Operations one step removes (with their fields, inbox payloads and change-log values): a
/// transaction of about 70 ms on SQLite at a million operations, which is how long a channel's
/// post may wait behind it.
pub const BATCH: i64 = 50;

/// How often the Retention job runs in a new database (its schedule can be changed like the
/// others').
pub const INTERVAL_SECONDS: i64 = 3_600;

/// The retention period when `CUSTSYNC_RETENTION_DAYS` does not say.
pub const DEFAULT_DAYS: i64 = 90;

/// One step: removes up to [`BATCH`] operations older than `days`, or else old feed entries
/// and export filters.
pub async fn run_once(db: &Db, days: i64) -> anyhow::Result<Outcome> {
    let cutoff = to_micros(chrono::Utc::now() - chrono::Duration::days(days));
    let mut removed = db.remove_old_operations(cutoff, BATCH).await? as i64;
    if removed < BATCH {
        removed += db.remove_old_feed(cutoff, BATCH).await? as i64;
        removed += db.scrub_old_audit(cutoff, BATCH).await? as i64;
    }
    Ok(Outcome {
        seen: removed,
        succeeded: removed,
        more: removed >= BATCH,
        ..Outcome::default()
    })
}

/// How many operations wait to be removed, for the progress bar.
pub async fn backlog(db: &Db, days: i64) -> anyhow::Result<i64> {
    let cutoff = to_micros(chrono::Utc::now() - chrono::Duration::days(days));
    Ok(db.operations_past_retention(cutoff).await?)
}
