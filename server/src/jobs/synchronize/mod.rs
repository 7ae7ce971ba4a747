//! Synchronize customers and channel requests: each Pending operation is validated with the
//! same functions the browser runs, then creates a customer with a real account from its legal
//! entity's number sequence or updates the existing one — Succeeded — or is Failed with the
//! error a person must fix. Transient errors leave it Pending with a retry count and a
//! backoff. A succeeded operation releases the next one waiting behind it.

use std::collections::{BTreeMap, HashMap};

use app::{
    model::{changes::CustomerChanges, channel_api::CustomerChange, Channel, OperationKind},
    storage::{
        sync::{ClaimedOperation, SyncBatch},
        sync_writes::NewCustomer,
        to_micros, Db,
    },
    validate::{validate_operation, FieldError, Reason, ValidationContext},
};

use super::Outcome;

mod decide;

pub use decide::backoff_seconds;
use decide::{claim_email, decide_create, duplicate_email};

/// Operations one step claims (one transaction).
pub const BATCH: i64 = 500;

/// The Synchronize job of one instance, with the reference data it has read (read again at
/// every run, so a changed definition counts from the next run on).
#[derive(Clone)]
pub struct Synchronize {
    db: Db,
    channels: HashMap<i64, Channel>,
    contexts: HashMap<String, ValidationContext>,
}

/// How one operation was settled.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    Succeeded {
        account: String,
    },
    Failed(FieldError),
    /// Someone else settled it meanwhile (it was no longer Pending).
    Skipped,
}

impl Synchronize {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            channels: HashMap::new(),
            contexts: HashMap::new(),
        }
    }

    /// Forgets cached channels and validation contexts (at the start of each run).
    pub fn refresh(&mut self) {
        self.channels.clear();
        self.contexts.clear();
    }

    /// One step of `workers` batches side by side on PostgreSQL (each claims its own rows with
    /// `FOR UPDATE SKIP LOCKED`, on a connection of its own), or of one batch on SQLite, whose
    /// single writer would only make them queue.
    pub async fn run_step(&mut self, workers: usize) -> anyhow::Result<Outcome> {
        if workers <= 1 || self.db.backend() == app::storage::Backend::Sqlite {
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
            let outcome = done??;
            step.seen += outcome.seen;
            step.succeeded += outcome.succeeded;
            step.failed += outcome.failed;
            step.skipped += outcome.skipped;
            step.more |= outcome.more;
        }
        Ok(step)
    }

    /// One step: claims up to [`BATCH`] due Pending operations (or only `only`) and settles
    /// them in one transaction. If the batch hits a database error that is not an outage, each
    /// operation is tried alone, so one bad row cannot hold up the others; those that still
    /// fail are retried later with backoff.
    pub async fn run_once(&mut self, only: Option<i64>) -> anyhow::Result<Outcome> {
        let now = to_micros(chrono::Utc::now());
        let (batch, claimed) = self.db.claim_pending(BATCH, only, now).await?;
        if claimed.is_empty() {
            batch.commit().await?;
            return Ok(Outcome::default());
        }
        self.load_reference_data(&claimed).await?;
        let mut outcome = Outcome::default();
        match self.settle_batch(batch, &claimed).await {
            Ok(results) => {
                for settled in results {
                    count(&mut outcome, &settled);
                }
            }
            Err(error) if app::storage::is_unavailable(&error) => return Err(error.into()),
            Err(error) => {
                tracing::warn!(%error, "a Synchronize batch failed; settling its operations one by one");
                for op in &claimed {
                    let settled = match self.db.claim_pending(1, Some(op.id), now).await {
                        Ok((batch, one)) if one.len() == 1 => self
                            .settle_batch(batch, &one)
                            .await
                            .map(|mut r| r.remove(0)),
                        Ok((batch, _)) => batch.commit().await.map(|()| Settled::Skipped),
                        Err(e) => Err(e),
                    };
                    match settled {
                        Ok(settled) => count(&mut outcome, &settled),
                        Err(e) if app::storage::is_unavailable(&e) => return Err(e.into()),
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
        // A full batch leaves more behind, and a success may have released a waiting edit.
        outcome.more = claimed.len() as i64 == BATCH || (only.is_none() && outcome.succeeded > 0);
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

    /// Settles every claimed operation inside `batch` and commits it.
    async fn settle_batch(
        &self,
        mut batch: SyncBatch,
        claimed: &[ClaimedOperation],
    ) -> Result<Vec<Settled>, sqlx::Error> {
        // Validation first (pure), so account numbers are taken only for creates that pass it.
        let empty = ValidationContext::default();
        let checked: Vec<Result<CustomerChanges, FieldError>> = claimed
            .iter()
            .map(|op| {
                let ctx = self.contexts.get(&op.legal_entity_id).unwrap_or(&empty);
                match validate_operation(op.kind, &op.fields, ctx)
                    .into_iter()
                    .next()
                {
                    Some(error) => Err(error),
                    None => Ok(CustomerChanges::from_fields(&op.fields)),
                }
            })
            .collect();
        // What only the customer master can tell, read for the whole batch at once.
        let creates: Vec<&ClaimedOperation> = claimed
            .iter()
            .zip(&checked)
            .filter(|(op, c)| op.kind == OperationKind::Create && c.is_ok())
            .map(|(op, _)| op)
            .collect();
        let create_accounts: Vec<&str> =
            creates.iter().map(|op| op.async_account.as_str()).collect();
        let existing = batch.customers_by_async_accounts(&create_accounts).await?;
        let mut emails: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (op, checked) in claimed.iter().zip(&checked) {
            if let Some(email) = checked.as_ref().ok().and_then(CustomerChanges::email) {
                emails
                    .entry(op.legal_entity_id.as_str())
                    .or_default()
                    .push(email);
            }
        }
        let mut email_owners: HashMap<(String, String), String> = HashMap::new();
        for (entity, list) in emails {
            for (email, account) in batch.email_owners(entity, &list).await? {
                email_owners.insert((entity.to_owned(), email), account);
            }
        }
        let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
        for op in creates
            .iter()
            .filter(|op| !existing.contains_key(&op.async_account))
        {
            *wanted.entry(op.legal_entity_id.as_str()).or_default() += 1;
        }
        let mut numbers: HashMap<String, std::vec::IntoIter<String>> = HashMap::new();
        for (entity, n) in wanted {
            let taken = batch.allocate_accounts(entity, n).await?;
            numbers.insert(entity.to_owned(), taken.into_iter());
        }

        // Decide each operation in order; updates write at once, creates all together below.
        let mut results = Vec::with_capacity(claimed.len());
        let mut created: Vec<(usize, String, CustomerChanges)> = Vec::new();
        let mut logged: Vec<(String, &str, CustomerChange)> = Vec::new();
        for (i, (op, checked)) in claimed.iter().zip(checked).enumerate() {
            let decided = match checked {
                Err(error) => Err(error),
                Ok(changes) => match op.kind {
                    OperationKind::Create => {
                        let changes = match self.channels.get(&op.channel_id) {
                            Some(channel) => changes.with_defaults_of(channel),
                            None => changes,
                        };
                        let decided =
                            decide_create(op, &changes, &existing, &email_owners, &mut numbers);
                        if let Ok(account) = &decided {
                            claim_email(&mut email_owners, op, &changes, account);
                            created.push((i, account.clone(), changes));
                        }
                        decided
                    }
                    OperationKind::Update => {
                        match self
                            .apply_update(&mut batch, op, &changes, &email_owners)
                            .await?
                        {
                            Ok(account) => {
                                claim_email(&mut email_owners, op, &changes, &account);
                                Ok(account)
                            }
                            Err(error) => Err(error),
                        }
                    }
                },
            };
            results.push(match decided {
                Ok(account) => {
                    let change = match op.kind {
                        OperationKind::Create => CustomerChange::Created,
                        OperationKind::Update => CustomerChange::Updated,
                    };
                    logged.push((account.clone(), op.legal_entity_id.as_str(), change));
                    Settled::Succeeded { account }
                }
                Err(error) => Settled::Failed(error),
            });
        }

        let new_customers: Vec<NewCustomer> = created
            .iter()
            .map(|(i, account, changes)| NewCustomer {
                account,
                legal_entity_id: &claimed[*i].legal_entity_id,
                async_account: &claimed[*i].async_account,
                origin_channel_id: claimed[*i].channel_id,
                changes,
            })
            .collect();
        batch.insert_customers(&new_customers).await?;
        let changes: Vec<(&str, &str, CustomerChange)> = logged
            .iter()
            .map(|(a, e, c)| (a.as_str(), *e, *c))
            .collect();
        batch.record_changes(&changes).await?;
        let mut succeeded = Vec::new();
        let mut failed = Vec::new();
        for (op, settled) in claimed.iter().zip(&results) {
            match settled {
                Settled::Succeeded { account } => {
                    succeeded.push((op.id, account.as_str(), op.async_account.as_str()))
                }
                Settled::Failed(error) => failed.push((op.id, error)),
                Settled::Skipped => {}
            }
        }
        batch.succeed_all(&succeeded).await?;
        batch.fail_all(&failed).await?;
        batch.commit().await?;
        Ok(results)
    }

    /// Applies a valid update to its customer, or says why it cannot be (the customer has not
    /// synced yet, or the email belongs to another customer).
    async fn apply_update(
        &self,
        batch: &mut SyncBatch,
        op: &ClaimedOperation,
        changes: &CustomerChanges,
        email_owners: &HashMap<(String, String), String>,
    ) -> Result<Result<String, FieldError>, sqlx::Error> {
        let customer = batch
            .find_customer(op.customer_account.as_deref(), &op.async_account)
            .await?;
        let Some(customer) = customer.filter(|c| c.legal_entity_id == op.legal_entity_id) else {
            return Ok(Err(FieldError::because(
                "customer_account",
                Reason::CustomerNotSynced,
            )));
        };
        if let Some(error) = duplicate_email(op, changes, email_owners, Some(&customer.account)) {
            return Ok(Err(error));
        }
        batch.update_customer(&customer.account, changes).await?;
        Ok(Ok(customer.account))
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

fn count(outcome: &mut Outcome, settled: &Settled) {
    outcome.seen += 1;
    match settled {
        Settled::Succeeded { .. } => outcome.succeeded += 1,
        Settled::Failed(_) => outcome.failed += 1,
        Settled::Skipped => outcome.skipped += 1,
    }
}
