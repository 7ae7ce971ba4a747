//! Possible duplicates in storage: the comparison the detail shows, and a person's decision —
//! Link (the async account becomes the existing customer's: the create Succeeded, the edits
//! waiting behind it released, a `linked` change for the 1010 feed) or Create anyway (back to
//! Pending, the duplicate check skipped). Each decision is one transaction with its change-log
//! line, refused without a change when the operation moved on since the page showed it.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::{col, customers::customer_values, Db};
use crate::{
    duplicates::{compare, keys::email_key},
    model::{
        duplicate::{DuplicateComparison, DuplicateDecision, DuplicateRefusal, MatchRule},
        ChangeAction, OperationField,
    },
};

/// The comparison of a possible duplicate's values (`fields`) with customer `existing`, whose
/// phone numbers are read in `country`; `None` when that customer is gone.
pub(super) async fn comparison(
    conn: &mut AnyConnection,
    fields: &[OperationField],
    existing: &str,
    rules: &str,
    country: Option<&str>,
) -> Result<Option<DuplicateComparison>, sqlx::Error> {
    let Some(customer) = sqlx::query("SELECT * FROM customers WHERE account = $1")
        .bind(existing)
        .fetch_optional(&mut *conn)
        .await?
    else {
        return Ok(None);
    };
    let existing_values = customer_values(conn, &customer).await?;
    let incoming: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|f| Some((f.field.clone(), f.new_value.clone()?)))
        .collect();
    Ok(Some(DuplicateComparison {
        existing_account: existing.to_owned(),
        rules: MatchRule::split(rules),
        fields: compare(&incoming, &existing_values.fields, country),
    }))
}

impl Db {
    /// Carries out `decision` on possible duplicate `id`, as the page showed it at `version`.
    #[tracing::instrument(skip(self), err)]
    pub async fn decide_duplicate(
        &self,
        id: i64,
        version: i64,
        decision: DuplicateDecision,
        actor: &str,
        now: i64,
    ) -> Result<Result<(), DuplicateRefusal>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "SELECT async_account, legal_entity_id, duplicate_of FROM operations \
             WHERE id = $1 AND status = 'possible_duplicate' AND version = $2{}",
            self.for_update()
        ))
        .bind(id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            return Ok(Err(DuplicateRefusal::ChangedMeanwhile));
        };
        let held = Held {
            id,
            async_account: col(&row, "async_account")?,
            entity: col(&row, "legal_entity_id")?,
            existing: col(&row, "duplicate_of")?,
        };
        let decided = match decision {
            DuplicateDecision::Link => link(&mut tx, self.backend(), &held, actor, now).await?,
            DuplicateDecision::CreateAnyway => create_anyway(&mut tx, id, &held.entity, now)
                .await?
                .map(|()| None),
        };
        let after = match decided {
            Ok(after) => after,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let action = match decision {
            DuplicateDecision::Link => ChangeAction::Link,
            DuplicateDecision::CreateAnyway => ChangeAction::CreateAnyway,
        };
        sqlx::query(
            "INSERT INTO change_log (at, actor, operation_id, action, after_value) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(now)
        .bind(actor)
        .bind(id)
        .bind(action.as_str())
        .bind(after)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}

/// A possible duplicate as a decision finds it.
struct Held {
    id: i64,
    async_account: String,
    entity: String,
    /// The customer it looks like.
    existing: Option<String>,
}

/// Links the async account of possible duplicate `held` to the customer it looks like;
/// returns that customer's account for the change log.
async fn link(
    tx: &mut AnyConnection,
    backend: super::Backend,
    held: &Held,
    actor: &str,
    now: i64,
) -> Result<Result<Option<String>, DuplicateRefusal>, sqlx::Error> {
    let Held {
        id,
        async_account,
        entity,
        existing,
    } = held;
    let alive = match existing {
        Some(account) => sqlx::query(
            "SELECT account FROM customers WHERE account = $1 AND legal_entity_id = $2 \
             AND erased_at IS NULL",
        )
        .bind(account)
        .bind(entity)
        .fetch_optional(&mut *tx)
        .await?
        .is_some(),
        None => false,
    };
    let (Some(existing), true) = (existing.clone(), alive) else {
        return Ok(Err(DuplicateRefusal::ExistingErased));
    };
    sqlx::query(
        "UPDATE operations SET status = 'succeeded', customer_account = $2, updated_at = $3, \
         version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .bind(&existing)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO customer_links (async_account, customer_account, legal_entity_id, \
         operation_id, linked_by, linked_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(async_account)
    .bind(&existing)
    .bind(entity)
    .bind(id)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    // The channels learn the mapping through the 1010 feed, like a new account.
    sqlx::query(
        "INSERT INTO customer_changes (customer_account, legal_entity_id, change, changed_at, \
         async_account) VALUES ($1, $2, 'linked', $3, $4)",
    )
    .bind(&existing)
    .bind(entity)
    .bind(now)
    .bind(async_account)
    .execute(&mut *tx)
    .await?;
    super::operations::release_waiting(tx, backend, &[async_account.as_str()], now).await?;
    Ok(Ok(Some(existing)))
}

/// Sends possible duplicate `id` back to the Synchronize job without the duplicate check;
/// refused while another customer of the legal entity has its email (one email, one customer).
async fn create_anyway(
    tx: &mut AnyConnection,
    id: i64,
    entity: &str,
    now: i64,
) -> Result<Result<(), DuplicateRefusal>, sqlx::Error> {
    let email = sqlx::query(
        "SELECT new_value FROM operation_fields WHERE operation_id = $1 AND field = 'email'",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| col::<Option<String>>(&row, "new_value"))
    .transpose()?
    .flatten()
    .and_then(|email| email_key(&email));
    if let Some(email) = email {
        let owner = sqlx::query(
            "SELECT customer_account FROM customer_match_keys WHERE legal_entity_id = $1 \
             AND rule = 'email' AND match_key = $2 LIMIT 1",
        )
        .bind(entity)
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(owner) = owner {
            return Ok(Err(DuplicateRefusal::SameEmail {
                owner: col(&owner, "customer_account")?,
            }));
        }
    }
    sqlx::query(
        "UPDATE operations SET status = 'pending', distinct_person = 1, next_retry_at = NULL, \
         updated_at = $2, version = version + 1 WHERE id = $1",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(Ok(()))
}
