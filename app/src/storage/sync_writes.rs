//! Set-based statements of a Synchronize batch: one statement per kind of read or write for the
//! whole batch, instead of one per operation. At a few hundred operations per batch this is what
//! makes the job fast; the per-operation statements in [`super::sync`] remain for updates, whose
//! columns differ from operation to operation.

use std::collections::HashMap;

use super::{col, placeholders, sync::SyncBatch, Backend};
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

/// `(…), (…)` rows of `width` placeholders each, numbered from `$first`.
fn value_rows(backend: Backend, first: usize, rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| format!("({})", placeholders(backend, first + r * width, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The most rows one multi-row statement carries. Measured on SQLite (bench-sync): 200-row
/// inserts of customers cost 50 ms each, four times what 50-row ones cost together; 20-row
/// ones are no faster than 50.
const ROWS_PER_STATEMENT: usize = 50;

/// Rows per statement, so that no statement binds more than SQLite's 32,766 values.
fn rows_per_statement(width: usize) -> usize {
    (30_000 / width).clamp(1, ROWS_PER_STATEMENT)
}

impl SyncBatch {
    /// The customers created from these async accounts, by async account.
    pub async fn customers_by_async_accounts(
        &mut self,
        async_accounts: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        self.lookup(
            "SELECT async_account AS k, account AS v FROM customers WHERE async_account IN",
            async_accounts,
        )
        .await
    }

    /// Which customer of `legal_entity_id` has each of these emails, by email.
    pub async fn email_owners(
        &mut self,
        legal_entity_id: &str,
        emails: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let mut owners = HashMap::new();
        for chunk in emails.chunks(1_000) {
            let sql = format!(
                "SELECT email, account FROM customers WHERE legal_entity_id = $1 AND email IN ({})",
                placeholders(self.db.backend(), 2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(legal_entity_id);
            for email in chunk {
                query = query.bind(*email);
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                owners.insert(col(&row, "email")?, col(&row, "account")?);
            }
        }
        Ok(owners)
    }

    async fn lookup(
        &mut self,
        select_in: &str,
        keys: &[&str],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let mut found = HashMap::new();
        for chunk in keys.chunks(1_000) {
            let sql = format!(
                "{select_in} ({})",
                placeholders(self.db.backend(), 1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for key in chunk {
                query = query.bind(*key);
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                found.insert(col(&row, "k")?, col(&row, "v")?);
            }
        }
        Ok(found)
    }

    /// Creates customers with their primary addresses and attribute values, a few statements
    /// for the whole batch.
    pub async fn insert_customers(&mut self, new: &[NewCustomer<'_>]) -> Result<(), sqlx::Error> {
        if new.is_empty() {
            return Ok(());
        }
        let fields = customer_columns();
        let keys = [
            "account",
            "legal_entity_id",
            "async_account",
            "origin_channel_id",
            "created_at",
            "updated_at",
        ];
        let width = keys.len() + fields.len();
        for chunk in new.chunks(rows_per_statement(width)) {
            let sql = format!(
                "INSERT INTO customers ({}, {}) VALUES {}",
                keys.join(", "),
                fields.join(", "),
                value_rows(self.db.backend(), 1, chunk.len(), width)
            );
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query
                    .bind(c.account)
                    .bind(c.legal_entity_id)
                    .bind(c.async_account)
                    .bind(c.origin_channel_id)
                    .bind(self.now)
                    .bind(self.now);
                for column in &fields {
                    let value = c.changes.customer.get(column).and_then(|v| v.as_deref());
                    query = super::sync::bind_column(query, column, value);
                }
            }
            query.execute(&mut *self.tx).await?;
        }

        let columns = address_columns();
        let with_address: Vec<&NewCustomer> = new
            .iter()
            .filter(|c| !c.changes.address.is_empty())
            .collect();
        let width = columns.len() + 1;
        for chunk in with_address.chunks(rows_per_statement(width)) {
            let sql = format!(
                "INSERT INTO customer_addresses (customer_account, {}) VALUES {}",
                columns.join(", "),
                value_rows(self.db.backend(), 1, chunk.len(), width)
            );
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query.bind(c.account);
                for column in &columns {
                    let value = c.changes.address.get(column).and_then(|v| v.as_deref());
                    query = match (*column, value) {
                        // A new customer's only address is its primary one unless it says not.
                        ("is_primary", None) => query.bind(1_i64),
                        _ => super::sync::bind_column(query, column, value),
                    };
                }
            }
            query.execute(&mut *self.tx).await?;
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
        for chunk in attributes.chunks(rows_per_statement(3)) {
            let sql = format!(
                "INSERT INTO customer_attribute_values (customer_account, attribute_name, value) \
                 VALUES {}",
                value_rows(self.db.backend(), 1, chunk.len(), 3)
            );
            let mut query = sqlx::query(&sql);
            for (account, name, value) in chunk {
                query = query.bind(*account).bind(*name).bind(*value);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Records customer-master changes for the 1010 job.
    pub async fn record_changes(
        &mut self,
        changes: &[(&str, &str, CustomerChange)],
    ) -> Result<(), sqlx::Error> {
        for chunk in changes.chunks(rows_per_statement(4)) {
            let sql = format!(
                "INSERT INTO customer_changes (customer_account, legal_entity_id, change, changed_at) \
                 VALUES {}",
                value_rows(self.db.backend(), 1, chunk.len(), 4)
            );
            let mut query = sqlx::query(&sql);
            for (account, entity, change) in chunk {
                query = query
                    .bind(*account)
                    .bind(*entity)
                    .bind(change.as_str())
                    .bind(self.now);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Marks claimed operations Succeeded with their customers' accounts and releases the next
    /// operation waiting behind each. Fails (so the batch rolls back) if any of them was no
    /// longer Pending.
    pub async fn succeed_all(&mut self, done: &[(i64, &str, &str)]) -> Result<(), sqlx::Error> {
        for chunk in done.chunks(rows_per_statement(2)) {
            let sql = format!(
                "UPDATE operations SET status = 'succeeded', customer_account = v.column2, \
                 error_code = NULL, error_field = NULL, error_message = NULL, next_retry_at = NULL, \
                 updated_at = $1, version = version + 1 \
                 FROM (VALUES {}) AS v WHERE operations.id = v.column1 AND operations.status = 'pending'",
                value_rows(self.db.backend(), 2, chunk.len(), 2)
            );
            let mut query = sqlx::query(&sql).bind(self.now);
            for (id, account, _) in chunk {
                query = query.bind(*id).bind(*account);
            }
            let updated = query.execute(&mut *self.tx).await?.rows_affected();
            if updated != chunk.len() as u64 {
                return Err(settled_meanwhile());
            }
        }
        let async_accounts: Vec<&str> = done.iter().map(|(_, _, a)| *a).collect();
        self.release_waiting(&async_accounts).await
    }

    /// Marks claimed operations Failed with their errors; like [`Self::succeed_all`], all or
    /// nothing.
    pub async fn fail_all(&mut self, failed: &[(i64, &FieldError)]) -> Result<(), sqlx::Error> {
        for chunk in failed.chunks(rows_per_statement(4)) {
            let sql = format!(
                "UPDATE operations SET status = 'failed', error_code = v.column2, \
                 error_field = v.column3, error_message = v.column4, next_retry_at = NULL, \
                 updated_at = $1, version = version + 1 \
                 FROM (VALUES {}) AS v WHERE operations.id = v.column1 AND operations.status = 'pending'",
                value_rows(self.db.backend(), 2, chunk.len(), 4)
            );
            let mut query = sqlx::query(&sql).bind(self.now);
            for (id, error) in chunk {
                query = query
                    .bind(*id)
                    .bind(error.code.as_str())
                    .bind(error.field.as_str())
                    .bind(error.message.as_str());
            }
            let updated = query.execute(&mut *self.tx).await?.rows_affected();
            if updated != chunk.len() as u64 {
                return Err(settled_meanwhile());
            }
        }
        Ok(())
    }

    /// The oldest Waiting operation of each async account becomes Pending.
    async fn release_waiting(&mut self, async_accounts: &[&str]) -> Result<(), sqlx::Error> {
        let mut next: HashMap<String, i64> = HashMap::new();
        for chunk in async_accounts.chunks(1_000) {
            let sql = format!(
                "SELECT id, async_account FROM operations WHERE status = 'waiting' \
                 AND async_account IN ({}) ORDER BY operation_at DESC, id DESC",
                placeholders(self.db.backend(), 1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for account in chunk {
                query = query.bind(*account);
            }
            // Newest first, so the oldest of each account is the one that stays.
            for row in query.fetch_all(&mut *self.tx).await? {
                next.insert(col(&row, "async_account")?, col(&row, "id")?);
            }
        }
        let ids: Vec<i64> = next.into_values().collect();
        for chunk in ids.chunks(1_000) {
            let sql = format!(
                "UPDATE operations SET status = 'pending', updated_at = $1, version = version + 1 \
                 WHERE status = 'waiting' AND id IN ({})",
                placeholders(self.db.backend(), 2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(self.now);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

/// An operation of the batch was settled by someone else meanwhile: the batch must not commit.
fn settled_meanwhile() -> sqlx::Error {
    sqlx::Error::Protocol("an operation of the batch was settled meanwhile".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_rows_number_their_placeholders_row_by_row() {
        assert_eq!(
            value_rows(Backend::Postgres, 2, 2, 3),
            "($2, $3, $4), ($5, $6, $7)"
        );
        assert_eq!(value_rows(Backend::Sqlite, 2, 2, 2), "(?2, ?3), (?4, ?5)");
    }

    #[test]
    fn no_statement_binds_more_values_than_sqlite_allows() {
        for width in [1, 3, 28, 500] {
            assert!(rows_per_statement(width) * width <= 32_766);
        }
    }
}
