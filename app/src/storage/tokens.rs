//! Channel API tokens: stored only as hashes, each scoped to one channel.

use super::{col, from_micros, Db};
use crate::model::{Channel, TokenSummary};

/// How stale a token's last-used time may get before a request writes it again (one minute).
pub const LAST_USED_RESOLUTION_MICROS: i64 = 60_000_000;

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
    /// when it was last used, to the minute: a token used again within a minute is only read,
    /// so a busy channel's requests do not queue for the database's write lock.
    #[tracing::instrument(skip(self, token_hash), err)]
    pub async fn channel_of_token(
        &self,
        token_hash: &str,
        now_micros: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        let Some(row) = sqlx::query(
            "SELECT id, channel_id, last_used_at FROM channel_tokens \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?
        else {
            return Ok(None);
        };
        let last_used: Option<i64> = col(&row, "last_used_at")?;
        if last_used.is_none_or(|at| now_micros - at >= LAST_USED_RESOLUTION_MICROS) {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE channel_tokens SET last_used_at = $2 WHERE id = $1")
                .bind(col::<i64>(&row, "id")?)
                .bind(now_micros)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        col(&row, "channel_id").map(Some)
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

    /// Every token (revoked ones too), newest first, with its channel's name.
    #[tracing::instrument(skip(self), err)]
    pub async fn channel_tokens(&self) -> Result<Vec<TokenSummary>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT t.id, t.channel_id, c.name AS channel_name, t.label, t.created_at, \
             t.last_used_at, t.revoked_at FROM channel_tokens t \
             JOIN channels c ON c.id = t.channel_id ORDER BY t.created_at DESC, t.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(TokenSummary {
                    id: col(row, "id")?,
                    channel_id: col(row, "channel_id")?,
                    channel_name: col(row, "channel_name")?,
                    label: col(row, "label")?,
                    created_at: from_micros(col(row, "created_at")?),
                    last_used_at: col::<Option<i64>>(row, "last_used_at")?.map(from_micros),
                    revoked_at: col::<Option<i64>>(row, "revoked_at")?.map(from_micros),
                })
            })
            .collect()
    }

    /// Revokes a token at once; `false` when there is no such token or it was already revoked.
    #[tracing::instrument(skip(self), err)]
    pub async fn revoke_channel_token(
        &self,
        id: i64,
        now_micros: i64,
    ) -> Result<bool, sqlx::Error> {
        let revoke = sqlx::query(
            "UPDATE channel_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(now_micros);
        Ok(self.write_one(revoke).await? == 1)
    }
}
