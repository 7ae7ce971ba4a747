//! Creating the customers of a Synchronize batch: the customer rows, their primary addresses
//! and their attribute values, one statement per table for the whole batch.

use std::collections::HashSet;

use serde_json::Value;

use super::claim::SyncBatch;
use crate::model::{changes::CustomerChanges, CustomerField};
use crate::storage::{col, json_int, json_param, json_rows, json_text, placeholders};

/// A customer the batch creates.
pub struct NewCustomer<'a> {
    pub account: &'a str,
    pub legal_entity_id: &'a str,
    pub async_account: &'a str,
    pub origin_channel_id: i64,
    pub changes: &'a CustomerChanges,
}

/// `customers` columns a create may fill besides its keys and timestamps.
pub(super) fn customer_columns() -> Vec<&'static str> {
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
pub(super) fn column_value(column: &str, value: Option<&str>) -> Value {
    if is_flag(column) {
        Value::from(i64::from(value == Some("1")))
    } else {
        value.map_or(Value::Null, Value::from)
    }
}

/// The select-list expressions reading `columns` from JSON rows, starting at member `first`.
pub(super) fn column_reads(columns: &[&str], first: usize) -> Vec<String> {
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
    /// Creates customers with their primary addresses and attribute values: one statement per
    /// table for the whole batch. Returns the positions in `new` of those it did not create
    /// because their email was taken meanwhile by another customer of the legal entity: a
    /// concurrent batch (another worker or instance) that wrote it after this batch looked.
    ///
    /// Such a create waits for the other batch's commit and is then left out (`ON CONFLICT DO
    /// NOTHING`), so the rest of the batch goes on. Refusing the whole batch instead cost it
    /// 500 one-operation transactions each time (bench-sync's fallbacks, on PostgreSQL). The
    /// rows go in email order, so two batches wait for each other in one order, never in a
    /// cycle.
    pub async fn insert_customers(
        &mut self,
        new: &[NewCustomer<'_>],
    ) -> Result<Vec<usize>, sqlx::Error> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.db.backend();
        let fields = customer_columns();
        let mut order: Vec<usize> = (0..new.len()).collect();
        order.sort_by_key(|&i| (new[i].legal_entity_id, new[i].changes.email()));
        let rows: Vec<Vec<Value>> = order
            .iter()
            .map(|&i| &new[i])
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
             created_at, updated_at, {}) SELECT {}, {}, {}, {}, {now}, {now}, {} FROM {} \
             WHERE true ON CONFLICT (legal_entity_id, email) \
             WHERE email IS NOT NULL AND email <> '' DO NOTHING RETURNING account",
            fields.join(", "),
            json_text(0),
            json_text(1),
            json_text(2),
            json_int(3),
            column_reads(&fields, 4).join(", "),
            json_rows(backend, 1)
        );
        // (`WHERE true` tells SQLite's parser that `ON CONFLICT` belongs to the INSERT.)
        let inserted: HashSet<String> = sqlx::query(&sql)
            .bind(json_param(&rows)?)
            .bind(self.now)
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(|row| col(row, "account"))
            .collect::<Result<_, _>>()?;
        let refused: Vec<usize> = (0..new.len())
            .filter(|&i| !inserted.contains(new[i].account))
            .collect();
        let new: Vec<&NewCustomer> = new
            .iter()
            .filter(|c| inserted.contains(c.account))
            .collect();

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
        Ok(refused)
    }
}
