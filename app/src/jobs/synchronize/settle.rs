//! Settling a batch of claimed operations in one write transaction: what only the customer
//! master can tell is read for the whole batch at once, each operation is decided in order,
//! and the creates, the change log and the new statuses are written set by set.

use std::collections::{BTreeMap, HashMap};

use crate::{
    model::{
        changes::CustomerChanges, channel_api::CustomerChange, duplicate::MatchRule, OperationKind,
    },
    storage::match_keys,
    validate::{FieldError, Reason},
};

use super::{
    claim::{ClaimedOperation, SyncBatch},
    decide::{claim_email, decide_create, duplicate_email},
    lookalikes::Lookalikes,
    new_customers::NewCustomer,
    Checked, Settled, Synchronize,
};

impl Synchronize {
    /// Settles every claimed operation inside `batch`, with what [`Synchronize::check`] said
    /// of each, and commits it.
    pub(super) async fn settle_batch(
        &self,
        mut batch: SyncBatch,
        claimed: &[ClaimedOperation],
        checked: Vec<Checked>,
    ) -> Result<Vec<Settled>, sqlx::Error> {
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
        // The existing customers each create looks like (not asked once a person said Create
        // anyway).
        let mut lookalikes =
            Lookalikes::read(&mut batch, claimed, &checked, &existing, &self.channels).await?;
        // Account numbers for the creates that will be made. (A create that looks like another
        // of the same batch is found only below: its number stays a gap.)
        let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
        for (i, op) in claimed.iter().enumerate() {
            let made = op.kind == OperationKind::Create
                && checked[i].is_ok()
                && !existing.contains_key(&op.async_account)
                && lookalikes.of(i, op).is_empty();
            if made {
                *wanted.entry(op.legal_entity_id.as_str()).or_default() += 1;
            }
        }
        let mut numbers: HashMap<String, std::vec::IntoIter<String>> = HashMap::new();
        for (entity, n) in wanted {
            let taken = batch.allocate_accounts(entity, n).await?;
            numbers.insert(entity.to_owned(), taken.into_iter());
        }

        // Decide each operation in order; updates write at once, creates all together below.
        let mut results = Vec::with_capacity(claimed.len());
        let mut created: Vec<(usize, String, CustomerChanges)> = Vec::new();
        for (i, (op, checked)) in claimed.iter().zip(checked).enumerate() {
            let decided = match checked {
                Err(error) => Err(Settled::Failed(error)),
                Ok(changes) => match op.kind {
                    OperationKind::Create => {
                        let changes = match self.channels.get(&op.channel_id) {
                            Some(channel) => changes.with_defaults_of(channel),
                            None => changes,
                        };
                        let matches = lookalikes.of(i, op);
                        let decided = decide_create(
                            op,
                            &changes,
                            &existing,
                            &matches,
                            &email_owners,
                            &mut numbers,
                        );
                        if let Ok(account) = &decided {
                            claim_email(&mut email_owners, op, &changes, account);
                            // A later create of the batch that looks like this one waits too.
                            lookalikes.made(i, op, account);
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
                            Err(error) => Err(Settled::Failed(error)),
                        }
                    }
                },
            };
            results.push(match decided {
                Ok(account) => Settled::Succeeded { account },
                Err(settled) => settled,
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
        for refused in batch.insert_customers(&new_customers).await? {
            // Its email was written by a concurrent batch after this one looked.
            let (i, _, changes) = &created[refused];
            results[*i] = email_taken(&mut batch, &claimed[*i], changes).await?;
        }
        let changes: Vec<(&str, &str, CustomerChange)> = claimed
            .iter()
            .zip(&results)
            .filter_map(|(op, settled)| match settled {
                Settled::Succeeded { account } => Some((
                    account.as_str(),
                    op.legal_entity_id.as_str(),
                    match op.kind {
                        OperationKind::Create => CustomerChange::Created,
                        OperationKind::Update => CustomerChange::Updated,
                    },
                )),
                _ => None,
            })
            .collect();
        batch.record_changes(&changes).await?;
        let mut succeeded = Vec::new();
        let mut failed = Vec::new();
        let mut held = Vec::new();
        for (op, settled) in claimed.iter().zip(&results) {
            match settled {
                Settled::Succeeded { account } => {
                    succeeded.push((op.id, account.as_str(), op.async_account.as_str()))
                }
                Settled::Failed(error) => failed.push((op.id, error)),
                Settled::PossibleDuplicate { of, rules } => {
                    held.push((op.id, of.as_str(), MatchRule::join(rules)))
                }
                Settled::Skipped => {}
            }
        }
        // The match keys of every customer created or updated, as they are now.
        let keyed: Vec<&str> = succeeded.iter().map(|(_, account, _)| *account).collect();
        match_keys::key_customers(&mut batch.tx, self.db.backend(), &keyed, batch.now).await?;
        batch.succeed_all(&succeeded).await?;
        batch.fail_all(&failed).await?;
        batch.hold_possible_duplicates(&held).await?;
        batch.commit().await?;
        Ok(results)
    }

    /// Applies a valid update to its customer, or says why it cannot be (the customer has not
    /// synced yet or was erased, or the email belongs to another customer).
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
        if customer.erased {
            // A channel that has not read the feed's `erased` yet: a returning person is a new
            // customer, not the erased one filled in again.
            return Ok(Err(FieldError::because(
                "customer_account",
                Reason::CustomerErased,
            )));
        }
        if let Some(error) = duplicate_email(op, changes, email_owners, Some(&customer.account)) {
            return Ok(Err(error));
        }
        batch.update_customer(&customer.account, changes).await?;
        Ok(Ok(customer.account))
    }
}

/// A create whose email another customer of the legal entity took while its batch ran: a
/// possible duplicate of that customer, or — once a person said Create anyway — Failed as a
/// duplicate email (one email, one customer).
async fn email_taken(
    batch: &mut SyncBatch,
    op: &ClaimedOperation,
    changes: &CustomerChanges,
) -> Result<Settled, sqlx::Error> {
    let email = changes.email().unwrap_or_default();
    let owners = batch.email_owners(&op.legal_entity_id, &[email]).await?;
    let owner = owners.get(email).cloned().unwrap_or_default();
    if !op.distinct_person {
        return Ok(Settled::PossibleDuplicate {
            of: owner,
            rules: vec![MatchRule::Email],
        });
    }
    Ok(Settled::Failed(FieldError::because(
        "email",
        Reason::DuplicateEmail {
            email: email.to_owned(),
            owner,
            entity: op.legal_entity_id.clone(),
        },
    )))
}
