//! The change log: every correction, revert and Synchronize a person made, read newest first —
//! one operation's lines for its detail, or any filter of them for the change log page. Lines
//! are only ever appended (by [`super::corrections`]).

use sqlx::any::AnyRow;

use super::{col, from_micros, Db};
use crate::model::{correction::ChangeLogFilter, ChangeAction, ChangeEntry};

const ENTRY_COLUMNS: &str = "c.id, c.at, c.actor, c.operation_id, c.action, c.field, \
     c.before_value, c.after_value, c.reason, c.reverts, c.bulk_run_id, \
     (SELECT MIN(r.id) FROM change_log r WHERE r.reverts = c.id) AS reverted_by";

impl Db {
    /// The lines of operation `id`, newest first.
    pub async fn changes_of(&self, operation_id: i64) -> Result<Vec<ChangeEntry>, sqlx::Error> {
        let rows = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM change_log c WHERE c.operation_id = $1 \
             ORDER BY c.id DESC LIMIT 500"
        ))
        .bind(operation_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// One line, by its id.
    pub async fn change_entry(&self, id: i64) -> Result<Option<ChangeEntry>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {ENTRY_COLUMNS} FROM change_log c WHERE c.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(entry_from_row).transpose()
    }

    /// Up to `limit` lines that match `filter`, newest first.
    #[tracing::instrument(skip(self), err)]
    pub async fn change_log(
        &self,
        filter: &ChangeLogFilter,
        limit: i64,
    ) -> Result<Vec<ChangeEntry>, sqlx::Error> {
        let mut conditions = Vec::new();
        let mut n = 1;
        let mut next = |column: &str| {
            n += 1;
            conditions.push(format!("{column} = ${n}"));
        };
        if filter.actor.is_some() {
            next("c.actor");
        }
        if filter.field.is_some() {
            next("c.field");
        }
        if filter.operation_id.is_some() {
            next("c.operation_id");
        }
        if filter.action.is_some() {
            next("c.action");
        }
        if filter.bulk_run.is_some() {
            next("c.bulk_run_id");
        }
        if filter.before.is_some() {
            n += 1;
            conditions.push(format!("c.id < ${n}"));
        }
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM change_log c{}{} ORDER BY c.id DESC LIMIT $1",
            if conditions.is_empty() { "" } else { " WHERE " },
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(&sql).bind(limit);
        if let Some(actor) = &filter.actor {
            query = query.bind(actor);
        }
        if let Some(field) = &filter.field {
            query = query.bind(field);
        }
        if let Some(id) = filter.operation_id {
            query = query.bind(id);
        }
        if let Some(action) = filter.action {
            query = query.bind(action.as_str());
        }
        if let Some(run) = filter.bulk_run {
            query = query.bind(run);
        }
        if let Some(before) = filter.before {
            query = query.bind(before);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(entry_from_row).collect()
    }

    /// Everyone who has a line in the change log, by name.
    pub async fn change_log_actors(&self) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("SELECT DISTINCT actor FROM change_log ORDER BY actor")
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|row| col(row, "actor")).collect()
    }
}

fn entry_from_row(row: &AnyRow) -> Result<ChangeEntry, sqlx::Error> {
    let action: String = col(row, "action")?;
    Ok(ChangeEntry {
        id: col(row, "id")?,
        at: from_micros(col(row, "at")?),
        actor: col(row, "actor")?,
        operation_id: col(row, "operation_id")?,
        action: ChangeAction::parse(&action)
            .ok_or_else(|| super::operations::decode_error("action", &action))?,
        field: col(row, "field")?,
        before: col(row, "before_value")?,
        after: col(row, "after_value")?,
        reason: col(row, "reason")?,
        reverts: col(row, "reverts")?,
        reverted_by: col(row, "reverted_by")?,
        bulk_run: col(row, "bulk_run_id")?,
    })
}
