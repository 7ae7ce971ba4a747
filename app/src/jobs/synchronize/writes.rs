//! Set-based statements of a Synchronize batch: one statement per kind of read or write for the
//! whole batch, with the batch bound as one JSON parameter (see [`crate::storage::json_rows`]), instead
//! of one statement per operation. This is what makes the job fast; the per-operation
//! statements in [`super::claim`] remain for updates, whose columns differ from operation to
//! operation.

use std::collections::HashMap;

use super::claim::SyncBatch;
use crate::storage::{col, json_int, json_param, json_rows, json_text, json_texts, placeholders};
use crate::{
    model::{channel_api::CustomerChange, FailureGroup},
    validate::FieldError,
};

/// A failed operation's row as `fail_all` binds it: id, code, field, message, reason (JSON)
/// and failure group key.
type FailedRow<'a> = (i64, &'a str, &'a str, &'a str, Option<String>, String);

impl SyncBatch {
    /// The customers created from, or linked to, these async accounts, by async account.
    pub async fn customers_by_async_accounts(
        &mut self,
        async_accounts: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        if async_accounts.is_empty() {
            return Ok(HashMap::new());
        }
        let accounts = json_texts(self.db.backend(), 1);
        let sql = format!(
            "SELECT async_account, account FROM customers WHERE async_account IN ({accounts}) \
             UNION ALL SELECT async_account, customer_account AS account FROM customer_links \
             WHERE async_account IN ({accounts})"
        );
        let rows = sqlx::query(&sql)
            .bind(json_param(async_accounts)?)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter()
            .map(|row| Ok((col(row, "async_account")?, col(row, "account")?)))
            .collect()
    }

    /// Which customer of `legal_entity_id` has each of these emails, by email.
    pub async fn email_owners(
        &mut self,
        legal_entity_id: &str,
        emails: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        if emails.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            // `email <> ''` lets both databases use the unique partial index on emails.
            "SELECT email, account FROM customers WHERE legal_entity_id = {} AND email <> '' \
             AND email IN ({})",
            placeholders(self.db.backend(), 1, 1),
            json_texts(self.db.backend(), 2)
        );
        let rows = sqlx::query(&sql)
            .bind(legal_entity_id)
            .bind(json_param(emails)?)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter()
            .map(|row| Ok((col(row, "email")?, col(row, "account")?)))
            .collect()
    }

    /// Records customer-master changes for the 1010 job.
    pub async fn record_changes(
        &mut self,
        changes: &[(&str, &str, CustomerChange)],
    ) -> Result<(), sqlx::Error> {
        if changes.is_empty() {
            return Ok(());
        }
        let backend = self.db.backend();
        let rows: Vec<(&str, &str, &str)> = changes
            .iter()
            .map(|(account, entity, change)| (*account, *entity, change.as_str()))
            .collect();
        let sql = format!(
            "INSERT INTO customer_changes (customer_account, legal_entity_id, change, changed_at) \
             SELECT {}, {}, {}, {} FROM {}",
            json_text(0),
            json_text(1),
            json_text(2),
            placeholders(backend, 2, 1),
            json_rows(backend, 1)
        );
        sqlx::query(&sql)
            .bind(json_param(&rows)?)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Marks claimed operations Succeeded with their customers' accounts and releases the next
    /// operation waiting behind each. Fails (so the batch rolls back) if any of them was no
    /// longer Pending.
    pub async fn succeed_all(&mut self, done: &[(i64, &str, &str)]) -> Result<(), sqlx::Error> {
        if done.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, &str)> = done
            .iter()
            .map(|(id, account, _)| (*id, *account))
            .collect();
        self.settle_all(
            "status = 'succeeded', customer_account = v.account, error_code = NULL, \
             error_field = NULL, error_message = NULL, error_reason = NULL, failure_group = NULL",
            &format!("{} AS id, {} AS account", json_int(0), json_text(1)),
            json_param(&rows)?,
            rows.len(),
        )
        .await?;
        let async_accounts: Vec<&str> = done.iter().map(|(_, _, a)| *a).collect();
        self.release_waiting(&async_accounts).await
    }

    /// Holds claimed creates as possible duplicates of `(id, existing account, rules)`; like
    /// [`Self::succeed_all`], all or nothing.
    pub async fn hold_possible_duplicates(
        &mut self,
        held: &[(i64, &str, String)],
    ) -> Result<(), sqlx::Error> {
        if held.is_empty() {
            return Ok(());
        }
        self.settle_all(
            "status = 'possible_duplicate', duplicate_of = v.existing, duplicate_rules = v.rules, \
             error_code = NULL, error_field = NULL, error_message = NULL, error_reason = NULL, \
             failure_group = NULL",
            &format!(
                "{} AS id, {} AS existing, {} AS rules",
                json_int(0),
                json_text(1),
                json_text(2)
            ),
            json_param(held)?,
            held.len(),
        )
        .await
    }

    /// Marks claimed operations Failed with their errors; like [`Self::succeed_all`], all or
    /// nothing.
    pub async fn fail_all(&mut self, failed: &[(i64, &FieldError)]) -> Result<(), sqlx::Error> {
        if failed.is_empty() {
            return Ok(());
        }
        let rows: Vec<FailedRow> = failed
            .iter()
            .map(|(id, e)| {
                let reason = e
                    .reason
                    .as_ref()
                    .and_then(|r| serde_json::to_string(r).ok());
                let group = FailureGroup::of(e.code, &e.field, e.reason.as_deref());
                (
                    *id,
                    e.code.as_str(),
                    e.field.as_str(),
                    e.message.as_str(),
                    reason,
                    group.key(),
                )
            })
            .collect();
        self.settle_all(
            "status = 'failed', error_code = v.code, error_field = v.field, \
             error_message = v.message, error_reason = v.reason, failure_group = v.failure_group",
            &format!(
                "{} AS id, {} AS code, {} AS field, {} AS message, {} AS reason, \
                 {} AS failure_group",
                json_int(0),
                json_text(1),
                json_text(2),
                json_text(3),
                json_text(4),
                json_text(5)
            ),
            json_param(&rows)?,
            rows.len(),
        )
        .await
    }

    /// Sets `assignments` on the Pending operations of `rows` (read by `reads`, with an `id`);
    /// an error if any of them was no longer Pending. The `ORDER BY` keeps SQLite from
    /// flattening the rows into the join: it then looks each operation up by id instead of
    /// scanning every Pending one for each row (seconds instead of milliseconds).
    async fn settle_all(
        &mut self,
        assignments: &str,
        reads: &str,
        rows: String,
        expected: usize,
    ) -> Result<(), sqlx::Error> {
        let backend = self.db.backend();
        let sql = format!(
            "UPDATE operations SET {assignments}, next_retry_at = NULL, updated_at = {}, \
             version = version + 1 FROM (SELECT {reads} FROM {} ORDER BY 1) AS v \
             WHERE operations.id = v.id AND operations.status = 'pending'",
            placeholders(backend, 2, 1),
            json_rows(backend, 1)
        );
        let updated = sqlx::query(&sql)
            .bind(rows)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        if updated != expected as u64 {
            return Err(settled_meanwhile());
        }
        Ok(())
    }

    /// Releases the next operation waiting behind each of these async accounts.
    async fn release_waiting(&mut self, async_accounts: &[&str]) -> Result<(), sqlx::Error> {
        crate::storage::operations::release_waiting(
            &mut self.tx,
            self.db.backend(),
            async_accounts,
            self.now,
        )
        .await
    }
}

/// An operation of the batch was settled by someone else meanwhile: the batch must not commit.
fn settled_meanwhile() -> sqlx::Error {
    sqlx::Error::Protocol("an operation of the batch was settled meanwhile".into())
}
