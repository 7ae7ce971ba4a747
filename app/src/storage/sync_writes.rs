//! Set-based statements of a Synchronize batch: one statement per kind of read or write for the
//! whole batch, with the batch bound as one JSON parameter (see [`super::json_rows`]), instead
//! of one statement per operation. This is what makes the job fast; the per-operation
//! statements in [`super::sync`] remain for updates, whose columns differ from operation to
//! operation.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    col, json_int, json_ints, json_param, json_rows, json_text, json_texts, placeholders,
    sync::SyncBatch,
};
use crate::{
    model::{changes::CustomerChanges, channel_api::CustomerChange, CustomerField},
    validate::FieldError,
};

/// A customer the batch creates.
pub struct NewCustomer<'a> {
    pub account: &'a str,
    pub legal_entity_id: &'a str,
    pub async_account: &'a str,
    pub origin_channel_id: i64,
    pub changes: &'a CustomerChanges,
}

/// `customers` columns a create may fill besides its keys and timestamps.
fn customer_columns() -> Vec<&'static str> {
    CustomerField::ALL
        .iter()
        .filter(|f| !f.is_address())
        .map(|f| f.key())
        .collect()
}

/// `customer_addresses` columns of a primary address.
fn address_columns() -> Vec<&'static str> {
    CustomerField::ALL
        .iter()
        .filter(|f| f.is_address())
        .map(|f| crate::model::changes::address_column(*f))
        .collect()
}

/// Whether a column is a 0/1 flag (stored as an integer) rather than text.
fn is_flag(column: &str) -> bool {
    matches!(column, "blocked" | "is_primary")
}

/// A column's value in a JSON row: flags as 0 or 1, everything else as text or null.
fn column_value(column: &str, value: Option<&str>) -> Value {
    if is_flag(column) {
        Value::from(i64::from(value == Some("1")))
    } else {
        value.map_or(Value::Null, Value::from)
    }
}

/// The select-list expressions reading `columns` from JSON rows, starting at member `first`.
fn column_reads(columns: &[&str], first: usize) -> Vec<String> {
    columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            if is_flag(column) {
                json_int(first + i)
            } else {
                json_text(first + i)
            }
        })
        .collect()
}

impl SyncBatch {
    /// The customers created from these async accounts, by async account.
    pub async fn customers_by_async_accounts(
        &mut self,
        async_accounts: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        if async_accounts.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT async_account, account FROM customers WHERE async_account IN ({})",
            json_texts(self.db.backend(), 1)
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

    /// Creates customers with their primary addresses and attribute values: one statement per
    /// table for the whole batch.
    pub async fn insert_customers(&mut self, new: &[NewCustomer<'_>]) -> Result<(), sqlx::Error> {
        if new.is_empty() {
            return Ok(());
        }
        let backend = self.db.backend();
        let fields = customer_columns();
        let rows: Vec<Vec<Value>> = new
            .iter()
            .map(|c| {
                let mut row = vec![
                    Value::from(c.account),
                    Value::from(c.legal_entity_id),
                    Value::from(c.async_account),
                    Value::from(c.origin_channel_id),
                ];
                row.extend(fields.iter().map(|column| {
                    column_value(
                        column,
                        c.changes.customer.get(column).and_then(|v| v.as_deref()),
                    )
                }));
                row
            })
            .collect();
        let now = placeholders(backend, 2, 1);
        let sql = format!(
            "INSERT INTO customers (account, legal_entity_id, async_account, origin_channel_id, \
             created_at, updated_at, {}) SELECT {}, {}, {}, {}, {now}, {now}, {} FROM {}",
            fields.join(", "),
            json_text(0),
            json_text(1),
            json_text(2),
            json_int(3),
            column_reads(&fields, 4).join(", "),
            json_rows(backend, 1)
        );
        sqlx::query(&sql)
            .bind(json_param(&rows)?)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;

        let columns = address_columns();
        let rows: Vec<Vec<Value>> = new
            .iter()
            .filter(|c| !c.changes.address.is_empty())
            .map(|c| {
                let mut row = vec![Value::from(c.account)];
                row.extend(columns.iter().map(|column| {
                    match (
                        *column,
                        c.changes.address.get(column).and_then(|v| v.as_deref()),
                    ) {
                        // A new customer's only address is its primary one unless it says not.
                        ("is_primary", None) => Value::from(1),
                        (column, value) => column_value(column, value),
                    }
                }));
                row
            })
            .collect();
        if !rows.is_empty() {
            let sql = format!(
                "INSERT INTO customer_addresses (customer_account, {}) SELECT {}, {} FROM {}",
                columns.join(", "),
                json_text(0),
                column_reads(&columns, 1).join(", "),
                json_rows(backend, 1)
            );
            sqlx::query(&sql)
                .bind(json_param(&rows)?)
                .execute(&mut *self.tx)
                .await?;
        }

        let attributes: Vec<(&str, &str, &str)> = new
            .iter()
            .flat_map(|c| {
                c.changes
                    .attributes
                    .iter()
                    .filter_map(move |(name, value)| {
                        Some((c.account, name.as_str(), value.as_deref()?))
                    })
            })
            .collect();
        if !attributes.is_empty() {
            let sql = format!(
                "INSERT INTO customer_attribute_values (customer_account, attribute_name, value) \
                 SELECT {}, {}, {} FROM {}",
                json_text(0),
                json_text(1),
                json_text(2),
                json_rows(backend, 1)
            );
            sqlx::query(&sql)
                .bind(json_param(&attributes)?)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
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
             error_field = NULL, error_message = NULL, error_reason = NULL",
            &format!("{} AS id, {} AS account", json_int(0), json_text(1)),
            json_param(&rows)?,
            rows.len(),
        )
        .await?;
        let async_accounts: Vec<&str> = done.iter().map(|(_, _, a)| *a).collect();
        self.release_waiting(&async_accounts).await
    }

    /// Marks claimed operations Failed with their errors; like [`Self::succeed_all`], all or
    /// nothing.
    pub async fn fail_all(&mut self, failed: &[(i64, &FieldError)]) -> Result<(), sqlx::Error> {
        if failed.is_empty() {
            return Ok(());
        }
        let rows: Vec<(i64, &str, &str, &str, Option<String>)> = failed
            .iter()
            .map(|(id, e)| {
                let reason = e
                    .reason
                    .as_ref()
                    .and_then(|r| serde_json::to_string(r).ok());
                (
                    *id,
                    e.code.as_str(),
                    e.field.as_str(),
                    e.message.as_str(),
                    reason,
                )
            })
            .collect();
        self.settle_all(
            "status = 'failed', error_code = v.code, error_field = v.field, \
             error_message = v.message, error_reason = v.reason",
            &format!(
                "{} AS id, {} AS code, {} AS field, {} AS message, {} AS reason",
                json_int(0),
                json_text(1),
                json_text(2),
                json_text(3),
                json_text(4)
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

    /// The oldest Waiting operation of each async account becomes Pending. (`status || ''`
    /// keeps SQLite, which has no statistics, from reading every Waiting operation through the
    /// status index instead of going to the few of these accounts.)
    async fn release_waiting(&mut self, async_accounts: &[&str]) -> Result<(), sqlx::Error> {
        let backend = self.db.backend();
        let sql = format!(
            "SELECT id, async_account FROM operations WHERE status || '' = 'waiting' \
             AND async_account IN ({}) ORDER BY operation_at DESC, id DESC",
            json_texts(backend, 1)
        );
        let rows = sqlx::query(&sql)
            .bind(json_param(async_accounts)?)
            .fetch_all(&mut *self.tx)
            .await?;
        // Newest first, so the oldest of each account is the one that stays.
        let mut next: HashMap<String, i64> = HashMap::new();
        for row in &rows {
            next.insert(col(row, "async_account")?, col(row, "id")?);
        }
        if next.is_empty() {
            return Ok(());
        }
        let ids: Vec<i64> = next.into_values().collect();
        let sql = format!(
            "UPDATE operations SET status = 'pending', updated_at = {}, version = version + 1 \
             WHERE status || '' = 'waiting' AND id IN ({})",
            placeholders(backend, 1, 1),
            json_ints(backend, 2)
        );
        sqlx::query(&sql)
            .bind(self.now)
            .bind(json_param(&ids)?)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

/// An operation of the batch was settled by someone else meanwhile: the batch must not commit.
fn settled_meanwhile() -> sqlx::Error {
    sqlx::Error::Protocol("an operation of the batch was settled meanwhile".into())
}

#[cfg(test)]
mod tests;
