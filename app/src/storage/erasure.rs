//! Erasing one customer's personal data (GDPR article 17), in one transaction: every value
//! they gave becomes [`ERASED`] (or is removed where a row is nothing but their data), and
//! the records stay (operations with their status, timestamps and channel; the customer's
//! account and dates) so the counts and the audit trail stay true.
//!
//! What changes, for the customer's accounts and GUIDs as [`Db::find_customer`] found them:
//! - `customers`: name [`ERASED`], every other personal column empty, `erased_at` set; their
//!   addresses and attribute values removed; an `erased` change queued for the 1010 feed (the
//!   channels erase too), and the earlier feed rows' payloads emptied;
//! - `operations`: `erased_at` set; those not Succeeded become Failed (`customer_erased`), so
//!   no job applies what is left of them; values quoted in their errors erased;
//! - `operation_fields`, `change_log`, `bulk_run_items`: old and new values (and reasons, and
//!   details) erased; the value dictionary (`field_values`) counts them out and forgets the
//!   values no other operation carries;
//! - `channel_inbox`: the payloads as posted, replaced by `{"erased":true}`.
//!
//! On SQLite, `secure_delete` (every connection) zeroes what was deleted, and the write-ahead
//! log is copied back and emptied at once, so the old values stay in neither file.

use std::collections::BTreeSet;

use serde_json::Value;
use sqlx::{Any, Transaction};

use super::{
    col,
    dossier::{CustomerKeys, LookupError},
    field_values::ValueCounts,
    from_micros, json_ints, json_param, json_rows, json_text, json_texts, Backend, Db,
};
use crate::{
    model::{
        dossier::{CustomerLookup, ErasureRefusal, LookupMistake, ERASED},
        failure_group::FailureGroup,
        filter::value_key,
    },
    validate::{FieldError, Reason},
};

/// What an erasure changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    /// The customer's operations (records kept, values erased).
    pub operations: usize,
    /// Of them, those that were not Succeeded and are now Failed (`customer_erased`).
    pub stopped: usize,
}

/// An erasure that did not happen (nothing was changed): the lookup found no one (or
/// several), the erasure is refused, or the database failed.
#[derive(Debug)]
pub enum ErasureError {
    Lookup(LookupMistake),
    Refused(ErasureRefusal),
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ErasureError {
    fn from(error: sqlx::Error) -> Self {
        Self::Database(error)
    }
}

impl From<LookupError> for ErasureError {
    fn from(error: LookupError) -> Self {
        match error {
            LookupError::Mistake(mistake) => Self::Lookup(mistake),
            LookupError::Database(error) => Self::Database(error),
        }
    }
}

impl ErasureError {
    /// The parameter a refusal is about and what an admin reads, or `None` for the
    /// database's failure (whose text is for the log only).
    pub fn refusal(&self) -> Option<(&'static str, String)> {
        match self {
            Self::Lookup(mistake) => Some((mistake.param(), mistake.text())),
            Self::Refused(refusal) => Some((refusal.param(), refusal.text())),
            Self::Database(_) => None,
        }
    }
}

/// The payload that replaces a channel's posted operation.
const ERASED_PAYLOAD: &str = r#"{"erased":true}"#;
/// The payload that replaces the customer in the 1010 feed rows written before the erasure.
const EMPTY_FEED_PAYLOAD: &str = r#"{"fields":{},"attributes":{}}"#;
/// The customer master's personal columns, emptied (`name` reads [`ERASED`]).
const PERSONAL_COLUMNS: [&str; 11] = [
    "first_name",
    "middle_name",
    "last_name",
    "organization_id",
    "vat_number",
    "receipt_email",
    "phone",
    "phone_extension",
    "cellular_phone",
    "email",
    "url",
];
/// Members of an error's reason that quote a value the customer gave.
const QUOTED_MEMBERS: [&str; 2] = ["value", "email"];

/// `column` erased where it holds a value (an empty one stays empty).
fn erased(column: &str) -> String {
    format!(
        "{column} = CASE WHEN {column} IS NULL OR {column} = '' THEN {column} ELSE '{ERASED}' END"
    )
}

/// An error's reason with the values it quotes erased.
fn erase_quoted(reason: &str) -> String {
    match serde_json::from_str::<Value>(reason) {
        Ok(Value::Object(mut members)) => {
            for member in QUOTED_MEMBERS {
                if let Some(value) = members.get_mut(member) {
                    *value = Value::String(ERASED.to_owned());
                }
            }
            Value::Object(members).to_string()
        }
        _ => ERASED.to_owned(),
    }
}

impl Db {
    /// Erases the personal data of `lookup`'s customer (see the module's text), as `actor`,
    /// and writes the audit line, all in one transaction; on SQLite, then empties the
    /// write-ahead log. Refused for a customer erased already (unless operations of theirs
    /// arrived since: those are erased), while an operation of theirs is in the correction editor, and unless `confirm` is their account (their GUID when they
    /// have none). Returns whom it erased and what changed.
    /// (A refusal is an answer, not an error: not logged as one.)
    #[tracing::instrument(skip(self))]
    pub async fn erase_customer(
        &self,
        lookup: &CustomerLookup,
        confirm: &str,
        actor: &str,
        now: i64,
    ) -> Result<(CustomerKeys, Erasure), ErasureError> {
        let keys = self.find_customer(lookup).await?;
        let erasure = self.erase_found(&keys, confirm, actor, now).await?;
        Ok((keys, erasure))
    }

    async fn erase_found(
        &self,
        keys: &CustomerKeys,
        confirm: &str,
        actor: &str,
        now: i64,
    ) -> Result<Erasure, ErasureError> {
        let backend = self.backend();
        let guids = json_param(&keys.async_accounts)?;
        let account = keys.account.clone().unwrap_or_default();
        let mut tx = self.begin_write().await?;

        let operations = sqlx::query(&format!(
            "SELECT id, status, editing_by, erased_at FROM operations \
             WHERE customer_account = $1 OR async_account IN ({}){}",
            json_texts(backend, 2),
            self.for_update()
        ))
        .bind(&account)
        .bind(&guids)
        .fetch_all(&mut *tx)
        .await?;
        let mut ids = Vec::with_capacity(operations.len());
        let mut open = Vec::with_capacity(operations.len());
        let mut editors = BTreeSet::new();
        // When it was erased before (the master's time, or an operation's when there is no
        // master), and whether anything of theirs arrived since (an edit from a channel that
        // had not read the feed yet: its values are erased now).
        let mut erased_at = None;
        let mut arrived_since = false;
        for row in &operations {
            let id: i64 = col(row, "id")?;
            let status: String = col(row, "status")?;
            if status == "editing" {
                editors.insert(col::<Option<String>>(row, "editing_by")?.unwrap_or_default());
            }
            if status != "succeeded" {
                open.push(id);
            }
            match col::<Option<i64>>(row, "erased_at")? {
                Some(at) => erased_at = erased_at.or(Some(at)),
                None => arrived_since = true,
            }
            ids.push(id);
        }
        if let Some(customer) = &keys.account {
            let row = sqlx::query(&format!(
                "SELECT erased_at FROM customers WHERE account = $1{}",
                self.for_update()
            ))
            .bind(customer)
            .fetch_optional(&mut *tx)
            .await?;
            erased_at = match row {
                Some(row) => col(&row, "erased_at")?,
                None => None,
            };
        }
        let who = keys
            .account
            .clone()
            .or_else(|| keys.async_accounts.first().cloned())
            .unwrap_or_default();
        if let Some(at) = erased_at.filter(|_| !arrived_since) {
            return Err(ErasureError::Refused(ErasureRefusal::AlreadyErased {
                who,
                at: from_micros(at),
            }));
        }
        if !editors.is_empty() {
            return Err(ErasureError::Refused(ErasureRefusal::BeingCorrected {
                by: editors.into_iter().collect(),
            }));
        }
        if confirm.trim() != who {
            return Err(ErasureError::Refused(ErasureRefusal::NotConfirmed {
                expected: who,
            }));
        }
        let ids_param = json_param(&ids)?;
        forget_values(&mut tx, backend, &ids_param).await?;
        erase_values(&mut tx, backend, &ids_param).await?;
        stop_operations(&mut tx, backend, &ids_param, &open, now).await?;
        if let Some(customer) = &keys.account {
            erase_master(&mut tx, customer, now).await?;
        }
        sqlx::query(
            "INSERT INTO audit_log (at, user_name, action, subject) VALUES ($1, $2, $3, $4)",
        )
        .bind(now)
        .bind(actor)
        .bind("customer.erase")
        .bind(format!("{who} · {} operations", ids.len()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.empty_write_ahead_log().await;
        Ok(Erasure {
            operations: ids.len(),
            stopped: open.len(),
        })
    }
}

/// The value dictionary (`field_values`) counts the operations' values out, and forgets the
/// values no other operation carries: theirs now, and those a correction replaced (already at
/// no use).
async fn forget_values(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    ids_param: &str,
) -> Result<(), sqlx::Error> {
    let in_ids = json_ints(backend, 1);
    let values = sqlx::query(&format!(
        "SELECT field, value_key, COUNT(*) AS n FROM operation_fields \
         WHERE operation_id IN ({in_ids}) AND value_key IS NOT NULL AND value_key <> '' \
         GROUP BY field, value_key"
    ))
    .bind(ids_param)
    .fetch_all(&mut **tx)
    .await?;
    let values = values
        .iter()
        .map(|row| Ok((col(row, "field")?, col(row, "value_key")?, col(row, "n")?)))
        .collect::<Result<Vec<(String, String, i64)>, sqlx::Error>>()?;
    let mut counts = ValueCounts::default();
    for (field, key, n) in &values {
        counts.count(field, key.clone(), "", -n);
    }
    counts.write(tx, backend).await?;
    let mut candidates: BTreeSet<(String, String)> = values
        .into_iter()
        .map(|(field, key, _)| (field, key))
        .collect();
    let corrected = sqlx::query(&format!(
        "SELECT field, before_value, after_value FROM change_log \
         WHERE operation_id IN ({in_ids}) AND field IS NOT NULL"
    ))
    .bind(ids_param)
    .fetch_all(&mut **tx)
    .await?;
    for row in &corrected {
        let field: String = col(row, "field")?;
        for column in ["before_value", "after_value"] {
            if let Some(value) = col::<Option<String>>(row, column)? {
                candidates.insert((field.clone(), value_key(&value)));
            }
        }
    }
    let keys_param = json_param(&candidates)?;
    let forgotten = format!(
        "SELECT d.id, d.value_key FROM field_values d JOIN (SELECT {} AS field, {} AS value_key \
         FROM {}) v ON d.field = v.field AND d.value_key = v.value_key WHERE d.uses = 0",
        json_text(0),
        json_text(1),
        json_rows(backend, 1)
    );
    if backend == Backend::Sqlite {
        // The trigram index has external content: it is told what a removed row held.
        sqlx::query(&format!(
            "INSERT INTO field_values_trigram (field_values_trigram, rowid, value_key) \
             SELECT 'delete', id, value_key FROM ({forgotten})"
        ))
        .bind(&keys_param)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(&format!(
        "DELETE FROM field_values WHERE id IN (SELECT id FROM ({forgotten}) f)"
    ))
    .bind(&keys_param)
    .execute(&mut **tx)
    .await?;

    Ok(())
}

/// The operations' values, old and new, in their fields, the change log, the bulk runs and the
/// inbox, and those their errors quote.
async fn erase_values(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    ids_param: &str,
) -> Result<(), sqlx::Error> {
    let in_ids = json_ints(backend, 1);
    for (table, columns) in [
        ("operation_fields", &["old_value", "new_value"][..]),
        ("change_log", &["before_value", "after_value", "reason"][..]),
        (
            "bulk_run_items",
            &["before_value", "after_value", "detail"][..],
        ),
    ] {
        let set: Vec<String> = columns.iter().map(|c| erased(c)).collect();
        let also = if table == "operation_fields" {
            ", value_key = NULL"
        } else {
            ""
        };
        sqlx::query(&format!(
            "UPDATE {table} SET {}{also} WHERE operation_id IN ({in_ids})",
            set.join(", ")
        ))
        .bind(ids_param)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(&format!(
        "UPDATE channel_inbox SET payload = '{ERASED_PAYLOAD}' WHERE id IN \
         (SELECT i.id FROM operations o JOIN channel_inbox i ON i.channel_id = o.channel_id \
         AND i.channel_operation_id = o.channel_operation_id WHERE o.id IN ({in_ids}))"
    ))
    .bind(ids_param)
    .execute(&mut **tx)
    .await?;

    let reasons = sqlx::query(&format!(
        "SELECT id, error_reason FROM operations WHERE id IN ({in_ids}) \
         AND error_reason IS NOT NULL"
    ))
    .bind(ids_param)
    .fetch_all(&mut **tx)
    .await?;
    let mut quoted = Vec::with_capacity(reasons.len());
    for row in &reasons {
        let reason: String = col(row, "error_reason")?;
        quoted.push((col::<i64>(row, "id")?, erase_quoted(&reason)));
    }
    sqlx::query(&format!(
        "UPDATE operations SET error_reason = v.reason, {} FROM (SELECT {} AS id, {} AS reason \
         FROM {}) AS v WHERE operations.id = v.id",
        erased("error_message"),
        super::json_int(0),
        json_text(1),
        json_rows(backend, 1)
    ))
    .bind(json_param(&quoted)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The operations not Succeeded become Failed because the customer is erased (so no job
/// applies what is left of them), and every one is marked erased.
async fn stop_operations(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    ids_param: &str,
    open: &[i64],
    now: i64,
) -> Result<(), sqlx::Error> {
    let stop = FieldError::because("customer_account", Reason::CustomerErased);
    let reason = stop
        .reason
        .as_deref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| sqlx::Error::Encode(e.into()))?;
    let group = FailureGroup::of(stop.code, &stop.field, stop.reason.as_deref());
    // (Parameters in the order they appear: SQLite numbers `$n` as it meets them.)
    let in_open = json_ints(backend, 7);
    sqlx::query(&format!(
        "UPDATE operations SET status = 'failed', error_code = $1, error_field = $2, \
         error_message = $3, error_reason = $4, failure_group = $5, next_retry_at = NULL, \
         updated_at = $6, version = version + 1 \
         WHERE id IN ({in_open}) AND status <> 'succeeded'"
    ))
    .bind(stop.code.as_str())
    .bind(&stop.field)
    .bind(&stop.message)
    .bind(reason)
    .bind(group.key())
    .bind(now)
    .bind(json_param(open)?)
    .execute(&mut **tx)
    .await?;
    sqlx::query(&format!(
        "UPDATE operations SET erased_at = $1 WHERE id IN ({})",
        json_ints(backend, 2)
    ))
    .bind(now)
    .bind(ids_param)
    .execute(&mut **tx)
    .await?;

    Ok(())
}

/// The customer master: personal columns emptied (the name reads [`ERASED`]), addresses and
/// attribute values removed, earlier feed rows emptied, and an `erased` change for the 1010 job.
async fn erase_master(
    tx: &mut Transaction<'static, Any>,
    customer: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    let emptied: Vec<String> = PERSONAL_COLUMNS
        .iter()
        .map(|c| format!("{c} = NULL"))
        .collect();
    sqlx::query(&format!(
        "UPDATE customers SET name = '{ERASED}', {}, erased_at = COALESCE(erased_at, $1), \
         updated_at = $1, \
         version = version + 1 WHERE account = $2",
        emptied.join(", ")
    ))
    .bind(now)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    for table in ["customer_addresses", "customer_attribute_values"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE customer_account = $1"))
            .bind(customer)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query(&format!(
        "UPDATE distribution_feed SET payload = '{EMPTY_FEED_PAYLOAD}' \
         WHERE customer_account = $1"
    ))
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO customer_changes (customer_account, legal_entity_id, change, \
         changed_at) SELECT account, legal_entity_id, 'erased', $1 FROM customers \
         WHERE account = $2",
    )
    .bind(now)
    .bind(customer)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
