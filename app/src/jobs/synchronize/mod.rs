//! Synchronize customers and channel requests: each Pending operation is validated with the
//! same functions the browser runs, then creates a customer with a real account from its legal
//! entity's number sequence or updates the existing one — Succeeded — or is Failed with the
//! error a person must fix. Transient errors leave it Pending with a retry count and a
//! backoff. A succeeded operation releases the next one waiting behind it.

use std::collections::HashMap;

use crate::{
    model::{changes::CustomerChanges, dossier::ERASED, Channel},
    storage::{to_micros, Db},
    validate::{validate_operation, FieldError, Reason, ValidationContext},
};

use super::Outcome;

mod ahead;
mod claim;
mod decide;
mod lookalikes;
mod new_customers;
pub mod now;
mod read_ahead;
mod settle;
#[cfg(test)]
mod tests;
mod writes;

pub use claim::{ClaimedOperation, SyncBatch};
pub use new_customers::NewCustomer;

pub use decide::backoff_seconds;

/// Operations one step claims (one transaction).
pub const BATCH: i64 = 500;

/// On SQLite, the operations one write transaction settles while others wait for the one
/// writer (channels posting, a person saving): about 20 ms of holding it, not 100.
pub const SHARED_BATCH: usize = 100;

/// What validation said of an operation: the changes it makes, or the error a person must fix.
type Checked = Result<CustomerChanges, FieldError>;

/// The Synchronize job of one instance, with the reference data it has read (read again at
/// every run, so a changed definition counts from the next run on).
pub struct Synchronize {
    db: Db,
    channels: HashMap<i64, Channel>,
    contexts: HashMap<String, ValidationContext>,
    /// On SQLite, the next batch being read and checked while this one is settled.
    ahead: Option<ahead::Ahead>,
    /// On SQLite, how many operations the next write transaction settles: [`BATCH`] while
    /// nobody else waits to write, [`SHARED_BATCH`] while someone does.
    chunk: usize,
}

/// A copy with the same reference data, reading nothing ahead (a PostgreSQL worker).
impl Clone for Synchronize {
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            channels: self.channels.clone(),
            contexts: self.contexts.clone(),
            ahead: None,
            chunk: self.chunk,
        }
    }
}

/// How one operation was settled.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    Succeeded {
        account: String,
    },
    Failed(FieldError),
    /// A create held for a person: it looks like customer `of` by these rules.
    PossibleDuplicate {
        of: String,
        rules: Vec<crate::model::duplicate::MatchRule>,
    },
    /// Someone else settled it meanwhile (it was no longer Pending).
    Skipped,
}

impl Synchronize {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            channels: HashMap::new(),
            contexts: HashMap::new(),
            ahead: None,
            chunk: BATCH as usize,
        }
    }

    /// Forgets cached channels and validation contexts (at the start of each run), and the
    /// batch read ahead with them.
    pub fn refresh(&mut self) {
        self.channels.clear();
        self.contexts.clear();
        if let Some(ahead) = self.ahead.take() {
            ahead.abort();
        }
    }

    /// One step of `workers` batches side by side on PostgreSQL (each claims its own rows with
    /// `FOR UPDATE SKIP LOCKED`, on a connection of its own), or of one batch on SQLite, whose
    /// single writer would only make them queue.
    pub async fn run_step(&mut self, workers: usize) -> anyhow::Result<Outcome> {
        if workers <= 1 || self.db.backend() == crate::storage::Backend::Sqlite {
            return self.run_once(None).await;
        }
        if self.channels.is_empty() {
            // Read once here, so the workers do not each read it.
            self.load_all_reference_data().await?;
        }
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..workers {
            let mut worker = self.clone();
            tasks.spawn(async move { worker.run_once(None).await });
        }
        let mut step = Outcome::default();
        while let Some(done) = tasks.join_next().await {
            step.absorb(done??);
        }
        Ok(step)
    }

    /// One step: claims up to [`BATCH`] due Pending operations (or only those of `only`: a
    /// person's Synchronize, a bulk run's chunk) and settles them in one transaction. On SQLite
    /// the step's batch was read ahead, during the step before (see [`ahead`]).
    pub async fn run_once(&mut self, only: Option<&[i64]>) -> anyhow::Result<Outcome> {
        if only.is_none() && self.db.backend() == crate::storage::Backend::Sqlite {
            return self.run_read_ahead().await;
        }
        let now = to_micros(chrono::Utc::now());
        let (batch, claimed) = self.db.claim_pending(BATCH, only, now).await?;
        if claimed.is_empty() {
            batch.commit().await?;
            return Ok(Outcome::default());
        }
        self.load_reference_data(&claimed).await?;
        let checked = self.check(&claimed);
        let mut outcome = self.settle(batch, &claimed, checked, now).await?;
        outcome.more = more_after(claimed.len(), &outcome, only.is_none());
        Ok(outcome)
    }

    /// Validates each operation (pure), so account numbers are taken only for creates that
    /// pass, and the writer's transaction need not wait for it.
    fn check(&self, claimed: &[ClaimedOperation]) -> Vec<Checked> {
        let empty = ValidationContext::default();
        claimed
            .iter()
            .map(|op| {
                let ctx = self.contexts.get(&op.legal_entity_id).unwrap_or(&empty);
                // An erased customer's operation (retried, say) has no values left to apply.
                if let Some(erased) = op
                    .fields
                    .iter()
                    .find(|f| f.new_value.as_deref() == Some(ERASED))
                {
                    return Err(FieldError::because(&erased.field, Reason::CustomerErased));
                }
                match validate_operation(op.kind, &op.fields, ctx)
                    .into_iter()
                    .next()
                {
                    Some(error) => Err(error),
                    None => Ok(CustomerChanges::from_fields(&op.fields)),
                }
            })
            .collect()
    }

    /// Settles a claimed batch. If it hits a database error that is not an outage, each
    /// operation is tried alone, so one bad row cannot hold up the others; those that still
    /// fail are retried later with backoff.
    async fn settle(
        &mut self,
        batch: SyncBatch,
        claimed: &[ClaimedOperation],
        checked: Vec<Checked>,
        now: i64,
    ) -> anyhow::Result<Outcome> {
        let mut outcome = Outcome::default();
        match self.settle_batch(batch, claimed, checked).await {
            Ok(results) => {
                for settled in results {
                    count(&mut outcome, &settled);
                }
            }
            Err(error) if crate::storage::is_unavailable(&error) => return Err(error.into()),
            Err(error) => {
                tracing::warn!(%error, "a Synchronize batch failed; settling its operations one by one");
                for op in claimed {
                    let settled = match self.db.claim_pending(1, Some(&[op.id]), now).await {
                        Ok((batch, one)) if one.len() == 1 => {
                            let checked = self.check(&one);
                            self.settle_batch(batch, &one, checked)
                                .await
                                .map(|mut r| r.remove(0))
                        }
                        Ok((batch, _)) => batch.commit().await.map(|()| Settled::Skipped),
                        Err(e) => Err(e),
                    };
                    match settled {
                        Ok(settled) => count(&mut outcome, &settled),
                        Err(e) if crate::storage::is_unavailable(&e) => return Err(e.into()),
                        Err(e) => {
                            tracing::error!(operation = op.id, error = %e, "operation could not be applied; retrying later");
                            self.schedule_retry(op).await?;
                            outcome.skipped += 1;
                            outcome.seen += 1;
                        }
                    }
                }
            }
        }
        Ok(outcome)
    }

    async fn load_channels(&mut self) -> anyhow::Result<()> {
        self.channels = self
            .db
            .channels()
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(())
    }

    /// Every channel, and the validation context of each of their legal entities.
    async fn load_all_reference_data(&mut self) -> anyhow::Result<()> {
        self.load_channels().await?;
        let entities: std::collections::BTreeSet<String> = self
            .channels
            .values()
            .map(|c| c.legal_entity_id.clone())
            .collect();
        for entity in entities {
            let ctx = self.db.validation_context(&entity).await?;
            self.contexts.insert(entity, ctx);
        }
        Ok(())
    }

    async fn load_reference_data(&mut self, claimed: &[ClaimedOperation]) -> anyhow::Result<()> {
        if claimed
            .iter()
            .any(|op| !self.channels.contains_key(&op.channel_id))
        {
            self.load_channels().await?;
        }
        for op in claimed {
            if !self.contexts.contains_key(&op.legal_entity_id) {
                let ctx = self.db.validation_context(&op.legal_entity_id).await?;
                self.contexts.insert(op.legal_entity_id.clone(), ctx);
            }
        }
        Ok(())
    }

    /// Leaves `op` Pending after a transient failure, due again after a backoff that doubles
    /// with every try (10 s, 20 s, 40 s … at most an hour).
    async fn schedule_retry(&self, op: &ClaimedOperation) -> anyhow::Result<()> {
        let retries = op.retry_count + 1;
        let now = to_micros(chrono::Utc::now());
        self.db
            .schedule_retry(
                op.id,
                retries,
                now + backoff_seconds(retries) * 1_000_000,
                "HQ could not apply the operation just now; it is tried again automatically",
                now,
            )
            .await?;
        Ok(())
    }
}

/// Whether another step has work now: a full batch leaves more behind, and a success in a run
/// over the whole queue may have released a waiting edit.
fn more_after(taken: usize, outcome: &Outcome, whole_queue: bool) -> bool {
    taken as i64 == BATCH || (whole_queue && outcome.succeeded > 0)
}

fn count(outcome: &mut Outcome, settled: &Settled) {
    outcome.seen += 1;
    match settled {
        Settled::Succeeded { .. } => outcome.succeeded += 1,
        // Both wait for a person.
        Settled::Failed(_) | Settled::PossibleDuplicate { .. } => outcome.failed += 1,
        Settled::Skipped => outcome.skipped += 1,
    }
}
