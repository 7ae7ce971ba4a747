//! Possible duplicates in a Synchronize batch: the existing customers each create looks like,
//! read for the whole batch at once by normalized key, and the creates of the batch itself as
//! they are made (so a person sent twice in one batch is held the second time).

use std::collections::{BTreeMap, HashMap};

use super::{claim::SyncBatch, Checked, ClaimedOperation};
use crate::{
    duplicates::keys::{keys_of, MatchKey, PersonValues},
    model::{changes::CustomerChanges, duplicate::MatchRule, Channel, OperationKind},
    storage::match_keys,
};

/// The customers the batch's creates look like.
pub(super) struct Lookalikes {
    /// Each checked create's keys, by its place in the batch.
    keys: HashMap<usize, Vec<MatchKey>>,
    /// The customers holding each key, by legal entity.
    owners: HashMap<(String, MatchKey), Vec<String>>,
}

impl Lookalikes {
    /// Reads who holds the keys of the creates that passed validation, made no customer yet
    /// (`existing`: by async account) and were not sent on with Create anyway.
    pub(super) async fn read(
        batch: &mut SyncBatch,
        claimed: &[ClaimedOperation],
        checked: &[Checked],
        existing: &HashMap<String, String>,
        channels: &HashMap<i64, Channel>,
    ) -> Result<Self, sqlx::Error> {
        let mut keys = HashMap::new();
        let mut by_entity: BTreeMap<&str, Vec<MatchKey>> = BTreeMap::new();
        for (i, (op, checked)) in claimed.iter().zip(checked).enumerate() {
            let Ok(changes) = checked else { continue };
            if op.kind != OperationKind::Create
                || op.distinct_person
                || existing.contains_key(&op.async_account)
            {
                continue;
            }
            let country = channels.get(&op.channel_id).map(|c| c.country.as_str());
            let own = keys_of(&PersonValues::from_fields(&person_fields(changes), country));
            by_entity
                .entry(op.legal_entity_id.as_str())
                .or_default()
                .extend(own.iter().cloned());
            keys.insert(i, own);
        }
        let backend = batch.db.backend();
        let mut owners: HashMap<(String, MatchKey), Vec<String>> = HashMap::new();
        for (entity, wanted) in by_entity {
            let found =
                match_keys::customers_matching(&mut batch.tx, backend, entity, &wanted).await?;
            for (rule, key, account) in found {
                owners
                    .entry((entity.to_owned(), (rule, key)))
                    .or_default()
                    .push(account);
            }
        }
        Ok(Self { keys, owners })
    }

    /// Every `(rule, account)` create `i` of the batch matches.
    pub(super) fn of(&self, i: usize, op: &ClaimedOperation) -> Vec<(MatchRule, String)> {
        let mut matches = Vec::new();
        for key in self.keys.get(&i).into_iter().flatten() {
            let owned = self.owners.get(&(op.legal_entity_id.clone(), key.clone()));
            for account in owned.into_iter().flatten() {
                matches.push((key.0, account.clone()));
            }
        }
        matches
    }

    /// Create `i` became customer `account`: later creates of the batch are compared with it.
    pub(super) fn made(&mut self, i: usize, op: &ClaimedOperation, account: &str) {
        for key in self.keys.get(&i).into_iter().flatten() {
            self.owners
                .entry((op.legal_entity_id.clone(), key.clone()))
                .or_default()
                .push(account.to_owned());
        }
    }
}

/// The standard fields a create gives, by key, as the match rules read them (the address's
/// own name left out: `name` is the customer's).
fn person_fields(changes: &CustomerChanges) -> BTreeMap<String, String> {
    let customer = changes.customer.iter();
    let address = changes
        .address
        .iter()
        .filter(|(column, _)| **column != "name");
    customer
        .chain(address)
        .filter_map(|(key, value)| Some(((*key).to_owned(), value.clone()?)))
        .collect()
}
