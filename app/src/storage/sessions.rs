//! Browser sessions: opaque records (JSON) by session id, with their expiry. The session
//! middleware (tower-sessions, in the server) decides what they hold.

use super::{col, Db};

impl Db {
    /// Stores a new session; `false` when the id is already taken (the caller draws another).
    #[tracing::instrument(skip(self, id, data), err)]
    pub async fn create_session(
        &self,
        id: &str,
        data: &str,
        expires_micros: i64,
    ) -> Result<bool, sqlx::Error> {
        let insert = sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(data)
        .bind(expires_micros);
        Ok(self.write_one(insert).await? == 1)
    }

    /// Stores a session, replacing what it held.
    #[tracing::instrument(skip(self, id, data), err)]
    pub async fn save_session(
        &self,
        id: &str,
        data: &str,
        expires_micros: i64,
    ) -> Result<(), sqlx::Error> {
        let upsert = sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(data)
        .bind(expires_micros);
        self.write_one(upsert).await.map(drop)
    }

    /// A session's record, if it exists and has not expired.
    #[tracing::instrument(skip(self, id), err)]
    pub async fn load_session(
        &self,
        id: &str,
        now_micros: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        sqlx::query("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id)
            .bind(now_micros)
            .fetch_optional(self.pool())
            .await?
            .map(|row| col(&row, "data"))
            .transpose()
    }

    /// Removes a session (sign-out).
    #[tracing::instrument(skip(self, id), err)]
    pub async fn delete_session(&self, id: &str) -> Result<(), sqlx::Error> {
        let delete = sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id);
        self.write_one(delete).await.map(drop)
    }

    /// Removes every expired session; returns how many.
    #[tracing::instrument(skip(self), err)]
    pub async fn delete_expired_sessions(&self, now_micros: i64) -> Result<u64, sqlx::Error> {
        let delete = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_micros);
        self.write_one(delete).await
    }
}
