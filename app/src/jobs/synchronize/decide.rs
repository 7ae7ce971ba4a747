//! The rules of the Synchronize job that need no database: whether a create can be made (and
//! with which account) or is a possible duplicate, duplicate emails within a legal entity, and
//! the retry backoff.

use std::collections::HashMap;

use super::{claim::ClaimedOperation, Settled};
use crate::{
    duplicates::best_match,
    model::{changes::CustomerChanges, duplicate::MatchRule},
    validate::{FieldError, Reason},
};

/// The longest wait between two tries of an operation that failed for a transient reason.
const MAX_BACKOFF_SECONDS: i64 = 3_600;

/// Seconds to wait before try number `retries` + 1.
pub fn backoff_seconds(retries: i64) -> i64 {
    let exponent = retries.clamp(1, 20) - 1;
    (10_i64 << exponent).min(MAX_BACKOFF_SECONDS)
}

/// A create's account, or how it is settled instead: Failed when a customer already came from
/// this async account, its email belongs to another customer of the legal entity, or the number
/// sequence is exhausted; a possible duplicate when it looks like an existing customer
/// (`matches`: every `(rule, account)` its keys matched) and no person said Create anyway.
pub(super) fn decide_create(
    op: &ClaimedOperation,
    changes: &CustomerChanges,
    existing: &HashMap<String, String>,
    matches: &[(MatchRule, String)],
    email_owners: &HashMap<(String, String), String>,
    numbers: &mut HashMap<String, std::vec::IntoIter<String>>,
) -> Result<String, Settled> {
    if let Some(account) = existing.get(&op.async_account) {
        return Err(Settled::Failed(FieldError::because(
            "async_account",
            Reason::AlreadyExists {
                account: account.clone(),
            },
        )));
    }
    if !op.distinct_person {
        if let Some((of, rules)) = best_match(matches) {
            return Err(Settled::PossibleDuplicate { of, rules });
        }
    }
    if let Some(error) = duplicate_email(op, changes, email_owners, None) {
        return Err(Settled::Failed(error));
    }
    numbers
        .get_mut(&op.legal_entity_id)
        .and_then(Iterator::next)
        .ok_or_else(|| {
            Settled::Failed(FieldError::because(
                "customer_account",
                Reason::SequenceExhausted {
                    entity: op.legal_entity_id.clone(),
                },
            ))
        })
}

/// The duplicate-email error, if another customer of the legal entity has the email `changes`
/// gives (`except` is the customer being updated).
pub(super) fn duplicate_email(
    op: &ClaimedOperation,
    changes: &CustomerChanges,
    email_owners: &HashMap<(String, String), String>,
    except: Option<&str>,
) -> Option<FieldError> {
    let email = changes.email()?;
    let owner = email_owners.get(&(op.legal_entity_id.clone(), email.to_owned()))?;
    (Some(owner.as_str()) != except).then(|| {
        FieldError::because(
            "email",
            Reason::DuplicateEmail {
                email: email.to_owned(),
                owner: owner.clone(),
                entity: op.legal_entity_id.clone(),
            },
        )
    })
}

/// Notes that `account` now has the email `changes` gives, for the rest of the batch.
pub(super) fn claim_email(
    owners: &mut HashMap<(String, String), String>,
    op: &ClaimedOperation,
    changes: &CustomerChanges,
    account: &str,
) {
    if let Some(email) = changes.email() {
        owners.insert(
            (op.legal_entity_id.clone(), email.to_owned()),
            account.to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_ten_seconds_up_to_an_hour() {
        assert_eq!(backoff_seconds(1), 10);
        assert_eq!(backoff_seconds(2), 20);
        assert_eq!(backoff_seconds(3), 40);
        assert_eq!(backoff_seconds(12), 3_600);
        assert_eq!(backoff_seconds(1_000), 3_600);
    }
}
