//! The P-job's apply step, set-based: a session's operations and their fields in a handful of
//! statements, each binding the whole session as one JSON parameter, with the order rules of
//! one async customer's operations as a pure function.

use std::collections::HashMap;

use sqlx::{Any, Transaction};

use crate::model::{channel_api::IncomingOperation, filter::value_key, SyncStatus};
use crate::storage::{self, col, field_values::ValueCounts, placeholders};
use crate::validate::ErrorCode;

/// A staged field as bound to the insert: channel operation id, field, old value, new value and
/// the new value's filter key.
type FieldRow<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
);

/// Where a session's operations are staged.
pub(super) struct Staging<'a> {
    pub(super) backend: storage::Backend,
    pub(super) channel_id: i64,
    pub(super) legal_entity_id: &'a str,
    pub(super) session_id: i64,
    pub(super) now_micros: i64,
}

impl Staging<'_> {
    /// Inserts a session's operations (in inbox order) and their fields, set-based: a handful
    /// of statements for the whole session, each binding it as one JSON parameter. Returns the
    /// status each got.
    ///
    /// Operations of the same async customer apply in the order the channel made them. One that
    /// arrives late (an offline store) goes before those made after it: they wait behind it,
    /// and so do edits that failed because their create had not arrived yet.
    pub(super) async fn stage(
        &self,
        tx: &mut Transaction<'static, Any>,
        ops: &[(IncomingOperation, i64)],
    ) -> Result<Vec<SyncStatus>, sqlx::Error> {
        if ops.is_empty() {
            return Ok(Vec::new());
        }
        let backend = self.backend;
        let mut earliest: HashMap<&str, i64> = HashMap::new();
        for (op, _) in ops {
            let at = op.operation_at.timestamp_micros();
            earliest
                .entry(op.async_account.as_str())
                .and_modify(|e| *e = (*e).min(at))
                .or_insert(at);
        }
        // The earliest unfinished operation each of these async customers already has.
        let accounts: Vec<&str> = earliest.keys().copied().collect();
        let rows = sqlx::query(&format!(
            "SELECT async_account, MIN(operation_at) AS first_at FROM operations \
             WHERE async_account IN ({}) AND status <> 'succeeded' GROUP BY async_account",
            storage::json_texts(backend, 1)
        ))
        .bind(storage::json_param(&accounts)?)
        .fetch_all(&mut **tx)
        .await?;
        let mut unfinished: HashMap<String, i64> = HashMap::with_capacity(rows.len());
        for row in &rows {
            unfinished.insert(col(row, "async_account")?, col(row, "first_at")?);
        }
        // Those made after one of this session's operations wait behind it again. (`CROSS JOIN`
        // keeps SQLite's loop on the session's rows, each looked up by index, instead of on
        // every Pending operation; PostgreSQL plans it as any join.)
        let late: Vec<(&str, i64)> = earliest.iter().map(|(a, at)| (*a, *at)).collect();
        sqlx::query(&format!(
            "UPDATE operations SET status = 'waiting', error_code = NULL, error_field = NULL, \
             error_message = NULL, error_reason = NULL, failure_group = NULL, next_retry_at = NULL, \
             updated_at = {now}, version = version + 1 \
             WHERE id IN (SELECT o.id FROM {rows} CROSS JOIN operations o \
             WHERE o.async_account = {account} AND o.operation_at > {at} \
             AND (o.status = 'pending' OR (o.status = 'failed' AND o.error_code = {code})))",
            now = placeholders(backend, 2, 1),
            rows = storage::json_rows(backend, 1),
            account = storage::json_text(0),
            at = storage::json_int(1),
            code = placeholders(backend, 3, 1),
        ))
        .bind(storage::json_param(&late)?)
        .bind(self.now_micros)
        .bind(ErrorCode::CustomerNotSynced.as_str())
        .execute(&mut **tx)
        .await?;
        let keys: Vec<(&str, i64)> = ops
            .iter()
            .map(|(op, _)| {
                (
                    op.async_account.as_str(),
                    op.operation_at.timestamp_micros(),
                )
            })
            .collect();
        let statuses = staged_statuses(&unfinished, &keys);
        let operation_rows: Vec<serde_json::Value> = ops
            .iter()
            .zip(&statuses)
            .map(|((op, received_at), status)| {
                serde_json::json!([
                    op.channel_operation_id,
                    op.async_account,
                    op.customer_account,
                    op.kind.as_str(),
                    status.as_str(),
                    op.operation_at.timestamp_micros(),
                    received_at,
                ])
            })
            .collect();
        sqlx::query(&format!(
            "INSERT INTO operations (channel_id, channel_operation_id, async_account, \
             customer_account, legal_entity_id, kind, status, operation_at, received_at, \
             updated_at, upload_session_id) \
             SELECT {channel}, {c0}, {c1}, {c2}, {entity}, {c3}, {c4}, {i5}, {i6}, {now}, {session} \
             FROM {rows}",
            channel = placeholders(backend, 2, 1),
            entity = placeholders(backend, 3, 1),
            now = placeholders(backend, 4, 1),
            session = placeholders(backend, 5, 1),
            rows = storage::json_rows(backend, 1),
            c0 = storage::json_text(0),
            c1 = storage::json_text(1),
            c2 = storage::json_text(2),
            c3 = storage::json_text(3),
            c4 = storage::json_text(4),
            i5 = storage::json_int(5),
            i6 = storage::json_int(6),
        ))
        .bind(storage::json_param(&operation_rows)?)
        .bind(self.channel_id)
        .bind(self.legal_entity_id)
        .bind(self.now_micros)
        .bind(self.session_id)
        .execute(&mut **tx)
        .await?;
        let field_rows: Vec<FieldRow> = ops
            .iter()
            .flat_map(|(op, _)| {
                op.fields.iter().map(|f| {
                    (
                        op.channel_operation_id.as_str(),
                        f.field.as_str(),
                        f.old_value.as_deref(),
                        f.new_value.as_deref(),
                        f.new_value.as_deref().map(value_key),
                    )
                })
            })
            .collect();
        if !field_rows.is_empty() {
            sqlx::query(&format!(
                "INSERT INTO operation_fields (operation_id, field, old_value, new_value, \
                 operation_at, value_key) \
                 SELECT o.id, {f1}, {f2}, {f3}, o.operation_at, {f4} FROM {rows} \
                 CROSS JOIN operations o \
                 WHERE o.channel_id = {channel} AND o.channel_operation_id = {f0}",
                rows = storage::json_rows(backend, 1),
                channel = placeholders(backend, 2, 1),
                f0 = storage::json_text(0),
                f1 = storage::json_text(1),
                f2 = storage::json_text(2),
                f3 = storage::json_text(3),
                f4 = storage::json_text(4),
            ))
            .bind(storage::json_param(&field_rows)?)
            .bind(self.channel_id)
            .execute(&mut **tx)
            .await?;
            self.count_values(tx, &field_rows).await?;
        }
        Ok(statuses)
    }

    /// Adds the staged values to the value dictionary (`field_values`).
    async fn count_values(
        &self,
        tx: &mut Transaction<'static, Any>,
        field_rows: &[FieldRow<'_>],
    ) -> Result<(), sqlx::Error> {
        let mut counts = ValueCounts::default();
        for (_, field, _, new_value, key) in field_rows {
            if let (Some(value), Some(key)) = (new_value, key) {
                counts.count(field, key.clone(), value, 1);
            }
        }
        counts.write(tx, self.backend).await
    }
}

/// The status each of a session's operations gets, given (async account, operation time) in
/// inbox order and the earliest unfinished operation each account already had. The same as
/// staging them one by one: an operation waits when an unfinished one of its customer was made
/// at or before it; and one staged later but made earlier sends a Pending one back to waiting.
fn staged_statuses(unfinished: &HashMap<String, i64>, ops: &[(&str, i64)]) -> Vec<SyncStatus> {
    let mut statuses: Vec<SyncStatus> = Vec::with_capacity(ops.len());
    let mut by_account: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (account, at)) in ops.iter().enumerate() {
        let earlier = by_account.entry(account).or_default();
        for &i in earlier.iter() {
            if ops[i].1 > *at && statuses[i] == SyncStatus::Pending {
                statuses[i] = SyncStatus::Waiting;
            }
        }
        let blocked = unfinished.get(*account).is_some_and(|first| first <= at)
            || earlier.iter().any(|&i| ops[i].1 <= *at);
        statuses.push(if blocked {
            SyncStatus::Waiting
        } else {
            SyncStatus::Pending
        });
        earlier.push(k);
    }
    statuses
}

#[cfg(test)]
mod tests {
    use super::*;
    use SyncStatus::{Pending, Waiting};

    #[test]
    fn the_first_operation_of_a_customer_is_pending_and_later_ones_wait() {
        let statuses = staged_statuses(&HashMap::new(), &[("a", 1), ("b", 1), ("a", 2), ("a", 3)]);
        assert_eq!(statuses, [Pending, Pending, Waiting, Waiting]);
    }

    #[test]
    fn an_operation_staged_later_but_made_earlier_goes_first() {
        let statuses = staged_statuses(&HashMap::new(), &[("a", 5), ("a", 1)]);
        assert_eq!(statuses, [Waiting, Pending]);
    }

    #[test]
    fn an_unfinished_earlier_operation_in_the_database_holds_new_ones_back() {
        let unfinished = HashMap::from([("a".to_owned(), 3)]);
        assert_eq!(staged_statuses(&unfinished, &[("a", 4)]), [Waiting]);
        assert_eq!(staged_statuses(&unfinished, &[("a", 2)]), [Pending]);
    }
}
