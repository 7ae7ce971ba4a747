//! Channel API tokens: stored only as hashes, each scoped to one channel.

use super::{col, Db};
use crate::model::Channel;

impl Db {
    /// Stores a new token's hash for `channel_id`; returns the token's id.
    #[tracing::instrument(skip(self, token_hash), err)]
    pub async fn insert_channel_token(
        &self,
        channel_id: i64,
        token_hash: &str,
        label: Option<&str>,
        now_micros: i64,
    ) -> Result<i64, sqlx::Error> {
        let row = sqlx::query(
            "INSERT INTO channel_tokens (channel_id, token_hash, label, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(channel_id)
        .bind(token_hash)
        .bind(label)
        .bind(now_micros)
        .fetch_one(self.pool())
        .await?;
        col(&row, "id")
    }

    /// The channel a token (by hash) speaks for, if the token exists and is not revoked. Notes
    /// when it was last used.
    #[tracing::instrument(skip(self, token_hash), err)]
    pub async fn channel_of_token(
        &self,
        token_hash: &str,
        now_micros: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let row = sqlx::query(
            "UPDATE channel_tokens SET last_used_at = $2 \
             WHERE token_hash = $1 AND revoked_at IS NULL RETURNING channel_id",
        )
        .bind(token_hash)
        .bind(now_micros)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| col(&row, "channel_id")).transpose()
    }

    /// The channel with this code (e.g. `BGO-STS`) or numeric id.
    #[tracing::instrument(skip(self), err)]
    pub async fn channel_by_code_or_id(&self, key: &str) -> Result<Option<Channel>, sqlx::Error> {
        let id = key.parse::<i64>().unwrap_or(-1);
        Ok(self
            .channels()
            .await?
            .into_iter()
            .find(|c| c.code.eq_ignore_ascii_case(key) || c.id == id))
    }
}
