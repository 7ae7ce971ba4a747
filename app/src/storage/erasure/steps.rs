//! The steps of an erasure, each inside its transaction: the value dictionary, the values
//! themselves, the operations that stop, and the customer master (see the parent module).

use serde_json::Value;
use sqlx::{Any, Transaction};

use crate::{
    model::{dossier::ERASED, failure_group::FailureGroup},
    storage::{col, json_int, json_ints, json_param, json_rows, json_text, Backend},
    validate::{FieldError, Reason},
};

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

/// The operations' values, old and new, in their fields, the change log, the bulk runs and the
/// inbox, and those their errors quote.
pub(super) async fn erase_values(
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
        json_int(0),
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
pub(super) async fn stop_operations(
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
pub(super) async fn erase_master(
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
    // The normalized email, phone and name+address keys are personal data too.
    for table in [
        "customer_addresses",
        "customer_attribute_values",
        "customer_match_keys",
    ] {
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
