//! One operation in full, for the detail: its state, fields, the customer as HQ holds it now,
//! and the other operations of its async customer. A handful of lookups by key.

use super::{
    col,
    customers::{customer_values, CustomerValues},
    from_micros,
    operations::{state_from_row, STATE_COLUMNS, SUMMARY_COLUMNS},
    Db,
};
use crate::model::{GridRow, OperationDetail, OperationField, SyncStatus};

/// The fields operation `id` carries, by field key.
pub(super) async fn fields_of(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Vec<OperationField>, sqlx::Error> {
    sqlx::query(
        "SELECT field, old_value, new_value FROM operation_fields WHERE operation_id = $1 \
         ORDER BY field",
    )
    .bind(id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(|r| {
        Ok(OperationField {
            field: col(r, "field")?,
            old_value: col(r, "old_value")?,
            new_value: col(r, "new_value")?,
        })
    })
    .collect()
}

impl Db {
    /// The detail of operation `id`, or `None` if there is no such operation.
    #[tracing::instrument(skip(self), err)]
    pub async fn operation_detail(&self, id: i64) -> Result<Option<OperationDetail>, sqlx::Error> {
        let mut conn = self.pool().acquire().await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, {STATE_COLUMNS}, o.channel_operation_id, o.legal_entity_id, o.upload_session_id, \
             o.received_at, o.updated_at, o.duplicate_of, o.duplicate_rules, \
             c.country AS channel_country FROM operations o JOIN channels c ON c.id = o.channel_id \
             WHERE o.id = $1"
        );
        let Some(row) = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
        else {
            return Ok(None);
        };
        let state = state_from_row(&row)?;
        let legal_entity_id: String = col(&row, "legal_entity_id")?;
        let fields = fields_of(&mut conn, id).await?;
        let duplicate = match (
            state.summary.status,
            col::<Option<String>>(&row, "duplicate_of")?,
        ) {
            (SyncStatus::PossibleDuplicate, Some(existing)) => {
                let rules: Option<String> = col(&row, "duplicate_rules")?;
                let country: String = col(&row, "channel_country")?;
                super::duplicates::comparison(
                    &mut conn,
                    &fields,
                    &existing,
                    rules.as_deref().unwrap_or_default(),
                    Some(&country),
                )
                .await?
            }
            _ => None,
        };
        // The customer this operation made or changes: by its real account once it has one,
        // else the one its async account became (an edit that applied before its account was
        // copied onto it).
        let customer = match &state.summary.customer_account {
            Some(account) => {
                sqlx::query("SELECT * FROM customers WHERE account = $1")
                    .bind(account)
                    .fetch_optional(&mut *conn)
                    .await?
            }
            None => {
                sqlx::query("SELECT * FROM customers WHERE async_account = $1")
                    .bind(&state.summary.async_account)
                    .fetch_optional(&mut *conn)
                    .await?
            }
        };
        let (customer_account, hq) = match customer {
            Some(customer) => (
                Some(col::<String>(&customer, "account")?),
                customer_values(&mut conn, &customer).await?,
            ),
            None => (None, CustomerValues::default()),
        };
        drop(conn);
        let definitions = self.attribute_definitions(&legal_entity_id).await?;
        let failing = state.last_error.as_ref().and_then(|e| e.field.clone());
        let grid = GridRow::build(&fields, &definitions, failing.as_deref(), |key| {
            hq.get(key).cloned()
        });
        let history = self
            .async_customer_history(&state.summary.async_account)
            .await?;
        let changes = self.changes_of(id).await?;
        Ok(Some(OperationDetail {
            channel_operation_id: col(&row, "channel_operation_id")?,
            legal_entity_id,
            upload_session_id: col(&row, "upload_session_id")?,
            received_at: from_micros(col(&row, "received_at")?),
            updated_at: from_micros(col(&row, "updated_at")?),
            state,
            customer_account,
            grid,
            history,
            changes,
            duplicate,
        }))
    }
}
