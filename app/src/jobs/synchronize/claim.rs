//! The Synchronize customers job's statements: claiming Pending operations, reading and
//! writing the customer master, and settling each operation as Succeeded or Failed.
//!
//! A [`SyncBatch`] is one write transaction. Claimed rows are locked for it (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL, so another instance takes other rows; SQLite has one writer), and
//! every status change is guarded by the status it expects, so an operation is applied once even
//! if two runs ever met it.

use sqlx::{any::AnyRow, Any, Transaction};

use crate::model::{changes::CustomerChanges, OperationField, OperationKind};
use crate::storage::{self, col, placeholders, Backend, Db};

/// A Pending operation taken by a Synchronize batch, with its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedOperation {
    pub id: i64,
    pub channel_id: i64,
    pub legal_entity_id: String,
    pub async_account: String,
    pub customer_account: Option<String>,
    pub kind: OperationKind,
    pub retry_count: i64,
    /// A person said Create anyway: the duplicate check is skipped (the email's is not).
    pub distinct_person: bool,
    /// Its place in the queue (with `id`) and its version when it was read.
    pub operation_at: i64,
    pub version: i64,
    pub fields: Vec<OperationField>,
}

/// The customer an update targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRef {
    pub account: String,
    pub legal_entity_id: String,
    /// Their personal data was erased: they take no more edits.
    pub erased: bool,
}

/// One Synchronize batch: a write transaction over the operations it claimed.
pub struct SyncBatch {
    pub(super) tx: Transaction<'static, Any>,
    pub(super) db: Db,
    pub(super) now: i64,
}

/// Takes up to `limit` account numbers of a legal entity's sequence on `conn` (inside whatever
/// transaction it is in). Fewer come back when the sequence is nearly exhausted.
async fn take_numbers(
    conn: &mut sqlx::AnyConnection,
    legal_entity_id: &str,
    limit: i64,
    lock: &str,
) -> Result<Vec<String>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT prefix, next_value, max_value, width FROM number_sequences \
         WHERE legal_entity_id = $1{lock}"
    ))
    .bind(legal_entity_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(Vec::new());
    };
    let sequence = storage::customers::NumberSequence {
        legal_entity_id: legal_entity_id.to_owned(),
        prefix: col(&row, "prefix")?,
        next_value: col(&row, "next_value")?,
        max_value: col(&row, "max_value")?,
        width: col(&row, "width")?,
    };
    let take = limit
        .min(sequence.max_value - sequence.next_value + 1)
        .max(0);
    if take == 0 {
        return Ok(Vec::new());
    }
    sqlx::query("UPDATE number_sequences SET next_value = $2 WHERE legal_entity_id = $1")
        .bind(legal_entity_id)
        .bind(sequence.next_value + take)
        .execute(&mut *conn)
        .await?;
    Ok((sequence.next_value..sequence.next_value + take)
        .map(|v| sequence.format(v))
        .collect())
}

impl Db {
    /// Takes up to `limit` account numbers of `legal_entity_id` in a short transaction of its
    /// own. Numbers taken but never used are gaps, never reused.
    #[tracing::instrument(skip(self), err)]
    pub async fn allocate_accounts(
        &self,
        legal_entity_id: &str,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let numbers = take_numbers(&mut tx, legal_entity_id, limit, self.for_update()).await?;
        tx.commit().await?;
        Ok(numbers)
    }

    /// Starts a Synchronize batch and claims up to `limit` Pending operations that are due,
    /// oldest first; `only` restricts it to those operations (Synchronize from the page, a
    /// bulk run's chunk).
    #[tracing::instrument(skip(self), err)]
    pub async fn claim_pending(
        &self,
        limit: i64,
        only: Option<&[i64]>,
        now_micros: i64,
    ) -> Result<(SyncBatch, Vec<ClaimedOperation>), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let only_filter = if only.is_some() {
            format!(" AND o.id IN ({})", storage::json_ints(self.backend(), 3))
        } else {
            String::new()
        };
        let sql = self.select_due_pending(&only_filter, self.skip_locked());
        let mut query = sqlx::query(&sql).bind(now_micros).bind(limit);
        if let Some(ids) = only {
            query = query.bind(storage::json_param(ids)?);
        }
        let rows = query.fetch_all(&mut *tx).await?;
        let claimed = claimed_from_rows(&rows)?;
        Ok((
            SyncBatch {
                tx,
                db: self.clone(),
                now: now_micros,
            },
            claimed,
        ))
    }

    /// The statement reading due Pending operations, oldest first, each with its fields as one
    /// JSON value: `$1` is now, `$2` the limit; `filter` may add conditions on `o` from `$3`.
    pub(super) fn select_due_pending(&self, filter: &str, lock: &str) -> String {
        format!(
            "SELECT o.id, o.channel_id, o.legal_entity_id, o.async_account, o.customer_account, \
             o.kind, o.retry_count, o.distinct_person, o.operation_at, o.version, (SELECT {} FROM operation_fields f \
             WHERE f.operation_id = o.id) AS fields FROM operations o \
             WHERE o.status = 'pending' AND (o.next_retry_at IS NULL OR o.next_retry_at <= $1)\
             {filter} ORDER BY o.operation_at, o.id LIMIT $2{lock}",
            storage::json_group(self.backend(), &["f.field", "f.old_value", "f.new_value"]),
        )
    }
}

pub(super) fn claimed_from_rows(rows: &[AnyRow]) -> Result<Vec<ClaimedOperation>, sqlx::Error> {
    rows.iter().map(claimed_from_row).collect()
}

fn claimed_from_row(row: &AnyRow) -> Result<ClaimedOperation, sqlx::Error> {
    let kind: String = col(row, "kind")?;
    Ok(ClaimedOperation {
        id: col(row, "id")?,
        channel_id: col(row, "channel_id")?,
        legal_entity_id: col(row, "legal_entity_id")?,
        async_account: col(row, "async_account")?,
        customer_account: col(row, "customer_account")?,
        kind: OperationKind::parse(&kind).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "kind".into(),
            source: format!("unknown operation kind “{kind}”").into(),
        })?,
        retry_count: col(row, "retry_count")?,
        distinct_person: col::<i64>(row, "distinct_person")? != 0,
        operation_at: col(row, "operation_at")?,
        version: col(row, "version")?,
        fields: storage::operation_fields_from_json(col(row, "fields")?)?,
    })
}

impl SyncBatch {
    /// The customer with this real account, or else the one created from this async account.
    pub async fn find_customer(
        &mut self,
        account: Option<&str>,
        async_account: &str,
    ) -> Result<Option<CustomerRef>, sqlx::Error> {
        let row =
            match account {
                Some(account) => sqlx::query(
                    "SELECT account, legal_entity_id, erased_at FROM customers WHERE account = $1",
                )
                .bind(account)
                .fetch_optional(&mut *self.tx)
                .await?,
                // Created from this async account, or linked to it by a person.
                None => {
                    sqlx::query(
                        "SELECT account, legal_entity_id, erased_at FROM customers \
                         WHERE async_account = $1 OR account = (SELECT customer_account \
                         FROM customer_links WHERE async_account = $1)",
                    )
                    .bind(async_account)
                    .fetch_optional(&mut *self.tx)
                    .await?
                }
            };
        row.map(|row| {
            Ok(CustomerRef {
                account: col(&row, "account")?,
                legal_entity_id: col(&row, "legal_entity_id")?,
                erased: col::<Option<i64>>(&row, "erased_at")?.is_some(),
            })
        })
        .transpose()
    }

    /// Applies an update's changes to an existing customer.
    pub async fn update_customer(
        &mut self,
        account: &str,
        changes: &CustomerChanges,
    ) -> Result<(), sqlx::Error> {
        let sets: Vec<String> = changes
            .customer
            .keys()
            .enumerate()
            .map(|(i, column)| format!("{column} = ${}", i + 3))
            .collect();
        let sql = format!(
            "UPDATE customers SET updated_at = $2, version = version + 1{}{} WHERE account = $1",
            if sets.is_empty() { "" } else { ", " },
            sets.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(account).bind(self.now);
        for (column, value) in &changes.customer {
            query = bind_column(query, column, value.as_deref());
        }
        query.execute(&mut *self.tx).await?;
        self.write_address_and_attributes(account, changes).await
    }

    async fn write_address_and_attributes(
        &mut self,
        account: &str,
        changes: &CustomerChanges,
    ) -> Result<(), sqlx::Error> {
        if !changes.address.is_empty() {
            let existing = sqlx::query(
                "SELECT id FROM customer_addresses WHERE customer_account = $1 \
                 ORDER BY is_primary DESC, id LIMIT 1",
            )
            .bind(account)
            .fetch_optional(&mut *self.tx)
            .await?;
            match existing {
                Some(row) => {
                    let id: i64 = col(&row, "id")?;
                    let sets: Vec<String> = changes
                        .address
                        .keys()
                        .enumerate()
                        .map(|(i, column)| format!("{column} = ${}", i + 2))
                        .collect();
                    let sql = format!(
                        "UPDATE customer_addresses SET {} WHERE id = $1",
                        sets.join(", ")
                    );
                    let mut query = sqlx::query(&sql).bind(id);
                    for (column, value) in &changes.address {
                        query = bind_column(query, column, value.as_deref());
                    }
                    query.execute(&mut *self.tx).await?;
                }
                None => {
                    let mut columns = vec!["customer_account"];
                    columns.extend(changes.address.keys().copied());
                    if !changes.address.contains_key("is_primary") {
                        columns.push("is_primary");
                    }
                    let sql = format!(
                        "INSERT INTO customer_addresses ({}) VALUES ({})",
                        columns.join(", "),
                        placeholders(self.db.backend(), 1, columns.len())
                    );
                    let mut query = sqlx::query(&sql).bind(account);
                    for (column, value) in &changes.address {
                        query = bind_column(query, column, value.as_deref());
                    }
                    if !changes.address.contains_key("is_primary") {
                        query = query.bind(1_i64);
                    }
                    query.execute(&mut *self.tx).await?;
                }
            }
        }
        for (name, value) in &changes.attributes {
            match value {
                Some(value) => {
                    sqlx::query(
                        "INSERT INTO customer_attribute_values (customer_account, attribute_name, value) \
                         VALUES ($1, $2, $3) ON CONFLICT (customer_account, attribute_name) \
                         DO UPDATE SET value = excluded.value",
                    )
                    .bind(account)
                    .bind(name)
                    .bind(value)
                    .execute(&mut *self.tx)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "DELETE FROM customer_attribute_values \
                         WHERE customer_account = $1 AND attribute_name = $2",
                    )
                    .bind(account)
                    .bind(name)
                    .execute(&mut *self.tx)
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Account numbers for the batch's new customers. On PostgreSQL they are taken in a
    /// transaction of their own, so instances do not queue on the sequence row while they work
    /// (a rolled-back batch leaves a gap); on SQLite, the single writer, inside the batch (a
    /// rolled-back batch gives them back).
    pub async fn allocate_accounts(
        &mut self,
        legal_entity_id: &str,
        limit: i64,
    ) -> Result<Vec<String>, sqlx::Error> {
        match self.db.backend() {
            Backend::Sqlite => take_numbers(&mut self.tx, legal_entity_id, limit, "").await,
            Backend::Postgres => self.db.allocate_accounts(legal_entity_id, limit).await,
        }
    }

    /// Makes everything the batch did visible at once.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Db {
    /// How many Pending operations are due now.
    pub async fn due_pending(&self, now_micros: i64) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM operations WHERE status = 'pending' \
             AND (next_retry_at IS NULL OR next_retry_at <= $1)",
        )
        .bind(now_micros)
        .fetch_one(self.pool())
        .await?;
        col(&row, "n")
    }

    /// Leaves an operation Pending after a transient failure, to be tried again at
    /// `next_retry_micros`; the retry count and the error show on the page meanwhile.
    #[tracing::instrument(skip(self), err)]
    pub async fn schedule_retry(
        &self,
        operation_id: i64,
        retry_count: i64,
        next_retry_micros: i64,
        message: &str,
        now_micros: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE operations SET retry_count = $2, next_retry_at = $3, error_code = 'transient', \
             error_field = NULL, error_message = $4, error_reason = NULL, failure_group = NULL, updated_at = $5, version = version + 1 \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(operation_id)
        .bind(retry_count)
        .bind(next_retry_micros)
        .bind(message)
        .bind(now_micros)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

/// Binds a column's value: flags as integers, everything else as text.
pub(super) fn bind_column<'q>(
    query: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    column: &str,
    value: Option<&'q str>,
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>> {
    match column {
        "blocked" | "is_primary" => query.bind(value.map_or(0_i64, |v| i64::from(v == "1"))),
        _ => query.bind(value),
    }
}
