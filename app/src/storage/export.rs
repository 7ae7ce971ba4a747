//! The CSV export's pages: the status list's own walk (`list.rs`), a page of any size, read
//! as **one row**: the page's operations as one JSON array, and (when asked) their fields as
//! another.
//!
//! Why JSON: read a row at a time, a million-row export spent most of its time on each row's
//! way out of the driver rather than in the database (for SQLite, a hop between its thread
//! and the runtime's, and copies of every value and of the column list, per row), three times
//! what the query itself cost. A page aggregated by the database crosses once.

use std::collections::HashMap;

use serde::Deserialize;

use super::{
    json_group, json_group_in_order,
    list::{direction, keep_page},
    operations::decode_error,
    Db,
};
use crate::model::{
    LastError, OperationCursor, OperationField, OperationFilter, OperationKind, OperationState,
    OperationSummary, SyncStatus,
};

/// An operation and the fields it carries, as the export reads them.
pub type OperationWithFields = (OperationState, Vec<OperationField>);

/// An operation as the page's JSON holds it: the columns of `list.rs`'s query, in order.
#[derive(Deserialize)]
struct PageRow {
    id: i64,
    channel_id: i64,
    channel_name: String,
    customer_account: Option<String>,
    async_account: String,
    kind: String,
    operation_at: i64,
    status: String,
    legal_entity_id: String,
    customer_name: Option<String>,
    retry_count: i64,
    version: i64,
    error_code: Option<String>,
    error_field: Option<String>,
    error_message: Option<String>,
    error_reason: Option<String>,
}

/// The columns of a [`PageRow`], over the page `p`.
const PAGE_COLUMNS: [&str; 16] = [
    "p.id",
    "p.channel_id",
    "p.channel_name",
    "p.customer_account",
    "p.async_account",
    "p.kind",
    "p.operation_at",
    "p.status",
    "p.legal_entity_id",
    "p.customer_name",
    "p.retry_count",
    "p.version",
    "p.error_code",
    "p.error_field",
    "p.error_message",
    "p.error_reason",
];

/// A field of an operation of the page: its id, the field, the old and the new value.
type PageField = (i64, String, Option<String>, Option<String>);

impl PageRow {
    fn into_state(self) -> Result<OperationState, sqlx::Error> {
        Ok(OperationState {
            summary: OperationSummary {
                id: self.id,
                channel_id: self.channel_id,
                channel_name: self.channel_name,
                customer_account: self.customer_account,
                async_account: self.async_account,
                kind: OperationKind::parse(&self.kind)
                    .ok_or_else(|| decode_error("kind", &self.kind))?,
                operation_at: super::from_micros(self.operation_at),
                status: SyncStatus::parse(&self.status)
                    .ok_or_else(|| decode_error("status", &self.status))?,
                legal_entity_id: self.legal_entity_id,
                customer_name: self.customer_name,
            },
            retry_count: self.retry_count,
            version: self.version,
            last_error: self.error_code.map(|code| LastError {
                code,
                field: self.error_field,
                message: self.error_message.unwrap_or_default(),
                reason: self
                    .error_reason
                    .and_then(|json| serde_json::from_str(&json).ok()),
            }),
        })
    }
}

/// Reads a JSON aggregate (`None`: the database's aggregate of no rows).
fn from_json<T: serde::de::DeserializeOwned + Default>(
    json: Option<String>,
) -> Result<T, sqlx::Error> {
    match json {
        Some(json) => serde_json::from_str(&json).map_err(|e| sqlx::Error::Decode(Box::new(e))),
        None => Ok(T::default()),
    }
}

impl Db {
    /// Like [`Db::filtered_page`], a page of any size, with each operation's fields beside
    /// it when `with_fields` (else none): what the CSV export walks through.
    #[tracing::instrument(skip(self), err)]
    pub async fn filtered_batch(
        &self,
        filter: &OperationFilter,
        before: Option<OperationCursor>,
        limit: i64,
        with_fields: bool,
    ) -> Result<(Vec<OperationWithFields>, Option<OperationCursor>), sqlx::Error> {
        let limit = limit.max(1);
        let Some((page, clause)) = self.filtered_sql(filter, before, limit + 1).await? else {
            return Ok((Vec::new(), None));
        };
        let dir = direction(filter.view.oldest_first);
        let operations = json_group_in_order(
            self.backend(),
            &PAGE_COLUMNS,
            &format!("p.walk_at {dir}, p.id {dir}"),
        );
        let fields = if with_fields {
            format!(
                "(SELECT {} FROM p CROSS JOIN operation_fields f WHERE f.operation_id = p.id)",
                json_group(
                    self.backend(),
                    &["f.operation_id", "f.field", "f.old_value", "f.new_value"],
                )
            )
        } else {
            "NULL".to_owned()
        };
        let sql = format!(
            "WITH p AS ({page}) \
             SELECT (SELECT {operations} FROM p) AS operations, {fields} AS fields"
        );
        let row = clause
            .bind(sqlx::query(&sql))
            .fetch_one(self.pool())
            .await?;
        let rows: Vec<PageRow> = from_json(super::col(&row, "operations")?)?;
        let mut fields_of: HashMap<i64, Vec<OperationField>> = HashMap::new();
        for (id, field, old_value, new_value) in
            from_json::<Vec<PageField>>(super::col(&row, "fields")?)?
        {
            fields_of.entry(id).or_default().push(OperationField {
                field,
                old_value,
                new_value,
            });
        }
        let operations = rows
            .into_iter()
            .map(|row| {
                let mut fields = fields_of.remove(&row.id).unwrap_or_default();
                fields.sort_by(|a, b| a.field.cmp(&b.field));
                Ok((row.into_state()?, fields))
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        Ok(keep_page(operations, limit, |(o, _)| &o.summary))
    }
}
