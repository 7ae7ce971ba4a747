//! Reading ahead, on SQLite: while the one writer settles a step's batch, the next batch (the
//! operations after it in the queue) is read on a read connection and validated, on the other
//! core. The next step takes it, keeps inside its write transaction only the operations still
//! Pending at the version that was read ([`Db::begin_settling`]), and settles them.
//!
//! A read ahead that finds nothing behind the last batch is followed by a read from the front
//! of the queue, so an operation that became due ahead of that place meanwhile (an edit
//! released by its create, a retry) is still taken in the same run.
//!
//! While a channel's batch or a person's save waits for the writer, the batch is settled in
//! transactions of [`SHARED_BATCH`] operations, so none of them waits behind a whole batch.
//!
//! [`Db::begin_settling`]: crate::storage::Db::begin_settling

use crate::storage::to_micros;

use super::{claim::ClaimedOperation, Checked, Outcome, Synchronize, BATCH, SHARED_BATCH};

/// The next batch, being read and checked by a task of its own.
pub(super) struct Ahead(tokio::task::JoinHandle<anyhow::Result<ReadBatch>>);

impl Ahead {
    /// Stops the task (the job's reference data changed); nothing was claimed.
    pub(super) fn abort(self) {
        self.0.abort();
    }
}

/// Due Pending operations read and checked, not yet claimed.
pub(super) struct ReadBatch {
    claimed: Vec<ClaimedOperation>,
    checked: Vec<Checked>,
}

impl Synchronize {
    /// One step on SQLite: settles the batch read ahead (or reads one now), after starting to
    /// read the one after it.
    pub(super) async fn run_read_ahead(&mut self) -> anyhow::Result<Outcome> {
        let read = match self.ahead.take() {
            Some(Ahead(task)) => {
                let read = task.await??;
                if read.claimed.is_empty() {
                    self.read_and_check(None).await?
                } else {
                    read
                }
            }
            None => self.read_and_check(None).await?,
        };
        let read_count = read.claimed.len();
        if read_count == 0 {
            return Ok(Outcome::default());
        }
        if read_count as i64 == BATCH {
            let after = read.claimed.last().map(|op| (op.operation_at, op.id));
            let mut next = self.clone();
            self.ahead = Some(Ahead(tokio::spawn(async move {
                next.read_and_check(after).await
            })));
        }

        let mut outcome = Outcome::default();
        let (mut claimed, mut checked) = (read.claimed, read.checked);
        while !claimed.is_empty() {
            let take = self.chunk.min(claimed.len());
            let asked = self.db.write_requests();
            let part = self
                .settle_read(
                    claimed.drain(..take).collect(),
                    checked.drain(..take).collect(),
                )
                .await?;
            outcome.absorb(part);
            // Someone else asked for the writer while this transaction held it: hand it over
            // sooner from now on; once nobody does, grow back to whole batches.
            self.chunk = if self.db.write_requests() > asked + 1 {
                SHARED_BATCH
            } else {
                (self.chunk * 2).min(BATCH as usize)
            };
        }
        outcome.more = super::more_after(read_count, &outcome, true);
        Ok(outcome)
    }

    /// Settles, in one write transaction, those of the operations read ahead that are still
    /// Pending at the version read.
    async fn settle_read(
        &mut self,
        read: Vec<ClaimedOperation>,
        checked: Vec<Checked>,
    ) -> anyhow::Result<Outcome> {
        let now = to_micros(chrono::Utc::now());
        let versions: Vec<(i64, i64)> = read.iter().map(|op| (op.id, op.version)).collect();
        let (batch, current) = self.db.begin_settling(&versions, now).await?;
        let read_count = read.len();
        let (claimed, checked): (Vec<ClaimedOperation>, Vec<Checked>) = read
            .into_iter()
            .zip(checked)
            .filter(|(op, _)| current.contains(&op.id))
            .unzip();
        let gone = (read_count - claimed.len()) as i64;
        let mut outcome = if claimed.is_empty() {
            batch.commit().await?;
            Outcome::default()
        } else {
            self.settle(batch, &claimed, checked, now).await?
        };
        // Changed or settled by someone else since they were read: not this step's to settle.
        outcome.seen += gone;
        outcome.skipped += gone;
        Ok(outcome)
    }

    /// Reads up to [`BATCH`] due Pending operations after `after` in the queue (from its front
    /// without it) and validates them.
    async fn read_and_check(&mut self, after: Option<(i64, i64)>) -> anyhow::Result<ReadBatch> {
        let now = to_micros(chrono::Utc::now());
        let claimed = self.db.read_pending_ahead(BATCH, after, now).await?;
        self.load_reference_data(&claimed).await?;
        let checked = self.check(&claimed);
        Ok(ReadBatch { claimed, checked })
    }
}
