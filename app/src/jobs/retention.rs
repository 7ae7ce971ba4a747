//! Retention: customer data kept no longer than the retention period
//! (`CUSTSYNC_RETENTION_DAYS`, 90 days unless set). Each step removes one small batch of
//! Succeeded operations settled before the period (see [`crate::storage::retention`]); once
//! none is left, the acknowledged feed entries and the audit log's old export filters.
//!
//! The job is never urgent. While others write (channels posting, people saving, the other
//! jobs), it removes a few operations per transaction and then leaves the database alone nine
//! times as long: on SQLite they share its one writer, on PostgreSQL the machine. On SQLite, a
//! run with more than a batch to remove first merges the value dictionary's trigram index into
//! one b-tree (in steps as short), which makes forgetting values several times cheaper.

use std::time::{Duration, Instant};

use crate::storage::{to_micros, Db};

use super::Outcome;

/// Operations one step removes while nobody else has written for [`QUIET`], with their fields,
/// inbox payloads and change-log values: a transaction of about 50 ms on SQLite at a million
/// operations.
pub const BATCH: i64 = 50;

/// Operations one step removes while others write: about 5 ms of holding SQLite's writer.
pub const SHARED_BATCH: i64 = 5;

/// How long nobody else may have written before the job takes whole batches.
pub const QUIET: Duration = Duration::from_secs(10);

/// While others write, the job leaves the database alone this many times as long as each step
/// took: it writes a tenth of the time at most.
const PAUSE_FACTOR: u32 = 9;

/// The longest pause (a shutdown waits for it).
const MAX_PAUSE: Duration = Duration::from_secs(1);

/// Pages of the trigram index one merging step writes on SQLite: about 5 ms.
const MERGE_PAGES: i64 = 100;

/// How often the Retention job runs in a new database (its schedule can be changed like the
/// others').
pub const INTERVAL_SECONDS: i64 = 3_600;

/// The retention period when `CUSTSYNC_RETENTION_DAYS` does not say.
pub const DEFAULT_DAYS: i64 = 90;

/// The Retention job, with its pace between steps.
#[derive(Debug, Clone)]
pub struct Retention {
    /// The retention period in days: Succeeded operations older than it are removed.
    pub days: i64,
    /// When someone else last began a write transaction while a step ran or paused.
    contended_at: Option<Instant>,
    /// Where this run is with merging the value dictionary's trigram index.
    merge: Merge,
}

/// Merging the trigram index, once per run that has more than a batch to remove (on SQLite;
/// there is nothing to merge on PostgreSQL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// Decided after the run's first step.
    Due,
    /// The next step merges; `start` on the first one.
    Next { start: bool },
    /// Merged, or not needed in this run.
    Done,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            days: DEFAULT_DAYS,
            contended_at: None,
            merge: Merge::Due,
        }
    }
}

impl Retention {
    /// Readies the job for a new run.
    pub fn begin_run(&mut self) {
        self.merge = Merge::Due;
    }

    /// One step: merges the trigram index a little, or removes a batch of operations older
    /// than the period, or else old feed entries and export filters. While others write, the
    /// batch is small and the step is followed by a pause (see [`Retention::pause`]).
    pub async fn run_once(&mut self, db: &Db) -> anyhow::Result<Outcome> {
        let started = Instant::now();
        let asked = db.write_requests();
        let (outcome, own_writes) = match self.merge {
            Merge::Next { start } => {
                let merged = db.merge_value_index(MERGE_PAGES, start).await?;
                self.merge = if merged {
                    Merge::Next { start: false }
                } else {
                    Merge::Done
                };
                let more = Outcome {
                    more: true,
                    ..Outcome::default()
                };
                (more, 1)
            }
            Merge::Due | Merge::Done => self.remove(db, self.batch(started)).await?,
        };
        let held = started.elapsed();
        let others = db.write_requests().saturating_sub(asked + own_writes);
        self.note_others(others, Instant::now());
        if let Some(pause) = self.pause(Instant::now(), held) {
            // Nothing of the job's writes meanwhile: whoever begins one is another.
            let asked = db.write_requests();
            tokio::time::sleep(pause).await;
            self.note_others(db.write_requests() - asked, Instant::now());
        }
        Ok(outcome)
    }

    /// Removes up to `batch` operations, or else old feed entries and export filters; with
    /// how many write transactions that took.
    async fn remove(&mut self, db: &Db, batch: i64) -> anyhow::Result<(Outcome, u64)> {
        let cutoff = self.cutoff();
        let mut removed = db.remove_old_operations(cutoff, batch).await? as i64;
        let mut own_writes = 1;
        if self.merge == Merge::Due {
            // (On PostgreSQL the merging step finds nothing to merge.)
            self.merge = if removed >= batch {
                Merge::Next { start: true }
            } else {
                Merge::Done
            };
        }
        if removed < batch {
            removed += db.remove_old_feed(cutoff, batch).await? as i64;
            removed += db.scrub_old_audit(cutoff, batch).await? as i64;
            own_writes += 2;
        }
        let outcome = Outcome {
            seen: removed,
            succeeded: removed,
            more: removed >= batch,
            ..Outcome::default()
        };
        Ok((outcome, own_writes))
    }

    /// How many operations wait to be removed, for the progress bar.
    pub async fn backlog(&self, db: &Db) -> anyhow::Result<i64> {
        Ok(db.operations_past_retention(self.cutoff()).await?)
    }

    fn cutoff(&self) -> i64 {
        to_micros(chrono::Utc::now() - chrono::Duration::days(self.days))
    }

    /// How many operations a step starting `now` removes.
    fn batch(&self, now: Instant) -> i64 {
        match self.contended_at {
            Some(at) if now.duration_since(at) < QUIET => SHARED_BATCH,
            _ => BATCH,
        }
    }

    /// Notes that others began `others` write transactions up to `now`, while a step ran or
    /// during its pause.
    fn note_others(&mut self, others: u64, now: Instant) {
        if others > 0 {
            self.contended_at = Some(now);
        }
    }

    /// How long to leave the database alone after a step that took `held`:
    /// [`PAUSE_FACTOR`] times as long while others write (at most [`MAX_PAUSE`]), not at all
    /// otherwise.
    fn pause(&self, now: Instant, held: Duration) -> Option<Duration> {
        (self.batch(now) == SHARED_BATCH).then(|| (held * PAUSE_FACTOR).min(MAX_PAUSE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_others_write_steps_are_small_and_pause_nine_times_as_long_up_to_a_second() {
        let mut retention = Retention::default();
        let start = Instant::now();
        let held = Duration::from_millis(12);
        assert_eq!(retention.batch(start), BATCH);
        assert_eq!(retention.pause(start, held), None);
        retention.note_others(1, start);
        assert_eq!(retention.batch(start), SHARED_BATCH);
        assert_eq!(retention.pause(start, held), Some(held * 9));
        let long = Duration::from_millis(500);
        assert_eq!(retention.pause(start, long), Some(MAX_PAUSE));
    }

    #[test]
    fn once_nobody_else_has_written_for_the_quiet_time_steps_are_whole_batches_without_pauses() {
        let mut retention = Retention::default();
        let start = Instant::now();
        let held = Duration::from_millis(12);
        retention.note_others(2, start);
        let later = start + QUIET / 2;
        retention.note_others(0, later);
        assert_eq!(retention.batch(later), SHARED_BATCH);
        let quiet = start + QUIET;
        assert_eq!(retention.batch(quiet), BATCH);
        assert_eq!(retention.pause(quiet, held), None);
    }
}
