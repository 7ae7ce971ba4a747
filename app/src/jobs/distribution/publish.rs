//! The 1010 job's statements: each undistributed customer change written once into the feed of
//! its legal entity, in the transaction that marks it distributed.

use crate::{
    model::channel_api::CustomerChange,
    storage::{
        col,
        customers::{customer_values, CustomerValues},
        Db,
    },
};

impl Db {
    /// Distributes up to `limit` undistributed customer changes, oldest first, in one
    /// transaction: writes their feed rows and marks them distributed. Returns how many.
    #[tracing::instrument(skip(self), err)]
    pub async fn distribute_changes(
        &self,
        limit: i64,
        now_micros: i64,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let changes = sqlx::query(&format!(
            "SELECT id, customer_account, legal_entity_id, change, async_account FROM customer_changes \
             WHERE distributed_at IS NULL ORDER BY id LIMIT $1{}",
            self.skip_locked()
        ))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        for change in &changes {
            let id: i64 = col(change, "id")?;
            let account: String = col(change, "customer_account")?;
            let kind: String = col(change, "change")?;
            let customer = sqlx::query("SELECT * FROM customers WHERE account = $1")
                .bind(&account)
                .fetch_one(&mut *tx)
                .await?;
            // An erased customer is announced without values (see `storage::erasure`).
            let payload = if kind == CustomerChange::Erased.as_str() {
                CustomerValues::default()
            } else {
                customer_values(&mut tx, &customer).await?
            };
            sqlx::query(
                "INSERT INTO distribution_feed (legal_entity_id, customer_account, async_account, \
                 origin_channel_id, change, payload, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(col::<String>(change, "legal_entity_id")?)
            .bind(&account)
            // A `linked` change names the async account a person linked to the customer.
            .bind(
                col::<Option<String>>(change, "async_account")?
                    .or(col::<Option<String>>(&customer, "async_account")?),
            )
            .bind(col::<Option<i64>>(&customer, "origin_channel_id")?)
            .bind(kind)
            .bind(serde_json::to_string(&payload).map_err(|e| sqlx::Error::Encode(e.into()))?)
            .bind(now_micros)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE customer_changes SET distributed_at = $2 WHERE id = $1")
                .bind(id)
                .bind(now_micros)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(changes.len() as i64)
    }

    /// How many customer changes wait for the 1010 job.
    pub async fn undistributed_changes(&self) -> Result<i64, sqlx::Error> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM customer_changes WHERE distributed_at IS NULL")
                .fetch_one(self.pool())
                .await?;
        col(&row, "n")
    }
}
