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

mod steps;

use std::collections::BTreeSet;

use super::{
    col,
    dossier::{CustomerKeys, LookupError},
    from_micros, json_param, json_texts, Db,
};
use crate::model::dossier::{CustomerLookup, ErasureRefusal, LookupMistake};
use steps::{erase_master, erase_values, stop_operations};

use super::field_values::forget_values;

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
        let who = keys.who();
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
