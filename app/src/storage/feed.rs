//! The 1010 feed as channels read it: a page after a cursor the channel acknowledges. The 1010
//! job writes it (`crate::jobs::distribution`).

use sqlx::any::AnyRow;

use super::{col, customers::CustomerValues, from_micros, Db};
use crate::model::channel_api::{CustomerChange, FeedCustomer, FeedPage};

/// The most feed rows one page may return.
pub const MAX_FEED_PAGE: i64 = 1_000;

impl Db {
    /// A page of the feed of the channel's legal entity after `after` (the channel's
    /// acknowledged cursor when `None`).
    #[tracing::instrument(skip(self), err)]
    pub async fn feed_page(
        &self,
        channel_id: i64,
        after: Option<i64>,
        limit: i64,
    ) -> Result<FeedPage, sqlx::Error> {
        let limit = limit.clamp(1, MAX_FEED_PAGE);
        let acked = self.acked_cursor(channel_id).await?;
        let after = after.unwrap_or(acked);
        let rows = sqlx::query(
            "SELECT f.* FROM distribution_feed f \
             JOIN channels c ON c.legal_entity_id = f.legal_entity_id \
             WHERE c.id = $1 AND f.id > $2 ORDER BY f.id LIMIT $3",
        )
        .bind(channel_id)
        .bind(after)
        .bind(limit + 1)
        .fetch_all(self.pool())
        .await?;
        let has_more = rows.len() as i64 > limit;
        let customers = rows
            .iter()
            .take(limit as usize)
            .map(feed_customer_from_row)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FeedPage {
            next_cursor: customers.last().map_or(after, |c| c.cursor),
            customers,
            has_more,
            acked_cursor: acked,
        })
    }

    /// Where the channel has acknowledged the feed up to (0 before its first ack).
    pub async fn acked_cursor(&self, channel_id: i64) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT acked_id FROM channel_cursors WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_optional(self.pool())
            .await?;
        row.map_or(Ok(0), |row| col(&row, "acked_id"))
    }

    /// Moves the channel's cursor forward to `cursor` (never back). Returns the cursor now
    /// stored, or `None` when `cursor` is past the end of the feed.
    #[tracing::instrument(skip(self), err)]
    pub async fn ack_feed(
        &self,
        channel_id: i64,
        cursor: i64,
        now_micros: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let end = sqlx::query("SELECT COALESCE(MAX(id), 0) AS end_id FROM distribution_feed")
            .fetch_one(&mut *tx)
            .await?;
        if cursor > col::<i64>(&end, "end_id")? {
            return Ok(None);
        }
        sqlx::query(
            "INSERT INTO channel_cursors (channel_id, acked_id, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (channel_id) DO UPDATE SET acked_id = excluded.acked_id, \
             updated_at = excluded.updated_at WHERE channel_cursors.acked_id < excluded.acked_id",
        )
        .bind(channel_id)
        .bind(cursor)
        .bind(now_micros)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query("SELECT acked_id FROM channel_cursors WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(col(&row, "acked_id")?))
    }
}

fn feed_customer_from_row(row: &AnyRow) -> Result<FeedCustomer, sqlx::Error> {
    let change: String = col(row, "change")?;
    let payload: String = col(row, "payload")?;
    let payload: CustomerValues =
        serde_json::from_str(&payload).map_err(|e| sqlx::Error::Decode(e.into()))?;
    Ok(FeedCustomer {
        cursor: col(row, "id")?,
        change: CustomerChange::parse(&change).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "change".into(),
            source: format!("unknown change “{change}”").into(),
        })?,
        account: col(row, "customer_account")?,
        async_account: col(row, "async_account")?,
        origin_channel_id: col(row, "origin_channel_id")?,
        legal_entity_id: col(row, "legal_entity_id")?,
        fields: payload.fields,
        attributes: payload.attributes,
        changed_at: from_micros(col(row, "created_at")?),
    })
}
