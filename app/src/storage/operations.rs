//! Operations: the status list (keyset pages, newest first), counts per status, and the tables
//! the bulk loader fills.

use sqlx::any::AnyRow;

use super::{bulk::Table, col, from_micros, Db};
use crate::model::{
    LastError, OperationCursor, OperationKind, OperationPage, OperationState, OperationSummary,
    SyncStatus,
};

/// The most rows one page may ask for.
pub const MAX_PAGE_SIZE: i64 = 200;

/// Columns of `operations` a bulk load fills.
pub const OPERATIONS: Table = Table {
    name: "operations",
    columns: &[
        "id",
        "channel_id",
        "channel_operation_id",
        "async_account",
        "customer_account",
        "legal_entity_id",
        "kind",
        "status",
        "operation_at",
        "received_at",
        "updated_at",
        "upload_session_id",
        "retry_count",
        "next_retry_at",
        "error_code",
        "error_field",
        "error_message",
        "error_reason",
    ],
    explicit_id: true,
};

/// Columns of `operation_fields` a bulk load fills.
pub const OPERATION_FIELDS: Table = Table {
    name: "operation_fields",
    columns: &[
        "operation_id",
        "field",
        "old_value",
        "new_value",
        "operation_at",
        "value_key",
    ],
    explicit_id: false,
};

/// Columns of `upload_sessions` a bulk load fills.
pub const UPLOAD_SESSIONS: Table = Table {
    name: "upload_sessions",
    columns: &[
        "id",
        "channel_id",
        "status",
        "operation_count",
        "created_at",
        "applied_at",
    ],
    explicit_id: true,
};

/// The columns of an [`OperationState`] (with [`SUMMARY_COLUMNS`]).
pub(super) const STATE_COLUMNS: &str =
    "o.retry_count, o.version, o.error_code, o.error_field, o.error_message, o.error_reason";

/// The columns of an [`OperationSummary`] (from `operations o JOIN channels c`). The
/// customer's name is the operation's `name` field, else the customer master's, else the one
/// its async customer's create gives (an edit waiting behind a create that failed): lookups
/// by key, each one row.
pub(super) const SUMMARY_COLUMNS: &str =
    "o.id, o.channel_id, c.name AS channel_name, o.customer_account, \
     o.async_account, o.kind, o.operation_at, o.status, o.legal_entity_id, \
     COALESCE(NULLIF(TRIM((SELECT nf.new_value FROM operation_fields nf \
     WHERE nf.operation_id = o.id AND nf.field = 'name')), ''), \
     (SELECT NULLIF(TRIM(cu.name), '') FROM customers cu \
     WHERE cu.account = o.customer_account), \
     (SELECT NULLIF(TRIM(cf.new_value), '') FROM operations co JOIN operation_fields cf \
     ON cf.operation_id = co.id AND cf.field = 'name' \
     WHERE co.async_account = o.async_account AND co.kind = 'create' \
     ORDER BY co.operation_at LIMIT 1)) AS customer_name";

pub(super) fn summary_from_row(row: &AnyRow) -> Result<OperationSummary, sqlx::Error> {
    let kind: String = col(row, "kind")?;
    let status: String = col(row, "status")?;
    Ok(OperationSummary {
        id: col(row, "id")?,
        channel_id: col(row, "channel_id")?,
        channel_name: col(row, "channel_name")?,
        customer_account: col(row, "customer_account")?,
        async_account: col(row, "async_account")?,
        kind: OperationKind::parse(&kind).ok_or_else(|| decode_error("kind", &kind))?,
        operation_at: from_micros(col(row, "operation_at")?),
        status: SyncStatus::parse(&status).ok_or_else(|| decode_error("status", &status))?,
        legal_entity_id: col(row, "legal_entity_id")?,
        customer_name: col(row, "customer_name")?,
    })
}

/// An operation's state from a row with [`SUMMARY_COLUMNS`], `retry_count`, `version` and the
/// `error_` columns.
pub(super) fn state_from_row(row: &AnyRow) -> Result<OperationState, sqlx::Error> {
    Ok(OperationState {
        summary: summary_from_row(row)?,
        retry_count: col(row, "retry_count")?,
        version: col(row, "version")?,
        last_error: last_error_from_row(row)?,
    })
}

/// An operation's last error from a row with the `error_` columns; `None` without one.
pub(super) fn last_error_from_row(row: &AnyRow) -> Result<Option<LastError>, sqlx::Error> {
    let code: Option<String> = col(row, "error_code")?;
    let message: Option<String> = col(row, "error_message")?;
    Ok(code.map(|code| LastError {
        code,
        field: col(row, "error_field").ok().flatten(),
        message: message.unwrap_or_default(),
        reason: col::<Option<String>>(row, "error_reason")
            .ok()
            .flatten()
            .and_then(|json| serde_json::from_str(&json).ok()),
    }))
}

pub(super) fn decode_error(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unexpected value “{value}”").into(),
    }
}

impl Db {
    /// A page of operations, newest first, starting after `before` (the first page when `None`).
    /// Walks `operations_by_time` backwards: the cost does not grow with the table.
    pub async fn operations_page(
        &self,
        before: Option<OperationCursor>,
        limit: i64,
    ) -> Result<OperationPage, sqlx::Error> {
        self.filtered_page(&crate::model::OperationFilter::default(), before, limit)
            .await
    }

    /// How many operations there are in each status (every status listed, zeros included).
    pub async fn status_counts(&self) -> Result<Vec<(SyncStatus, i64)>, sqlx::Error> {
        self.counted_statuses(None).await
    }

    /// Where one operation stands now, or `None` if there is no such operation.
    #[tracing::instrument(skip(self), err)]
    pub async fn operation_state(&self, id: i64) -> Result<Option<OperationState>, sqlx::Error> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {STATE_COLUMNS} FROM operations o \
             JOIN channels c ON c.id = o.channel_id WHERE o.id = $1"
        );
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| state_from_row(&row)).transpose()
    }

    /// Every operation of one async customer, in the order they apply.
    #[tracing::instrument(skip(self), err)]
    pub async fn async_customer_history(
        &self,
        async_account: &str,
    ) -> Result<Vec<OperationSummary>, sqlx::Error> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM operations o JOIN channels c ON c.id = o.channel_id \
             WHERE o.async_account = $1 ORDER BY o.operation_at, o.id"
        );
        let rows = sqlx::query(&sql)
            .bind(async_account)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(summary_from_row).collect()
    }

    /// The highest id in `table` (0 when empty): bulk loads number their rows after it.
    pub async fn max_id(&self, table: Table) -> Result<i64, sqlx::Error> {
        let sql = format!("SELECT COALESCE(MAX(id), 0) AS max_id FROM {}", table.name);
        let row = sqlx::query(&sql).fetch_one(self.pool()).await?;
        col(&row, "max_id")
    }

    /// How many operations are stored.
    pub async fn count_operations(&self) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM operations")
            .fetch_one(self.pool())
            .await?;
        col(&row, "n")
    }
}

/// The oldest Waiting operation of each async account becomes Pending. (`status || ''` keeps
/// SQLite, which has no statistics, from reading every Waiting operation through the status
/// index instead of going to the few of these accounts.)
pub(crate) async fn release_waiting(
    conn: &mut sqlx::AnyConnection,
    backend: super::Backend,
    async_accounts: &[&str],
    now: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "SELECT id, async_account FROM operations WHERE status || '' = 'waiting' \
         AND async_account IN ({}) ORDER BY operation_at DESC, id DESC",
        super::json_texts(backend, 1)
    );
    let rows = sqlx::query(&sql)
        .bind(super::json_param(async_accounts)?)
        .fetch_all(&mut *conn)
        .await?;
    // Newest first, so the oldest of each account is the one that stays.
    let mut next: std::collections::HashMap<String, i64> = Default::default();
    for row in &rows {
        next.insert(super::col(row, "async_account")?, super::col(row, "id")?);
    }
    if next.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = next.into_values().collect();
    let sql = format!(
        "UPDATE operations SET status = 'pending', updated_at = {}, version = version + 1 \
         WHERE status || '' = 'waiting' AND id IN ({})",
        super::placeholders(backend, 1, 1),
        super::json_ints(backend, 2)
    );
    sqlx::query(&sql)
        .bind(now)
        .bind(super::json_param(&ids)?)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
