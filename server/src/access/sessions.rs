//! The session store of tower-sessions over custsync's database (one store for SQLite and
//! PostgreSQL, through the storage layer), and the sweep of expired sessions.

use std::time::Duration;

use app::storage::{to_micros, Db};
use async_trait::async_trait;
use tower_sessions::{
    session::{Id, Record},
    session_store::{self, SessionStore},
};

/// Sessions in the `sessions` table.
#[derive(Debug, Clone)]
pub struct DbSessions {
    db: Db,
}

impl DbSessions {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

fn backend(error: sqlx::Error) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<(String, i64)> {
    let data =
        serde_json::to_string(record).map_err(|e| session_store::Error::Encode(e.to_string()))?;
    let expires = record.expiry_date.unix_timestamp_nanos() / 1_000;
    Ok((data, expires as i64))
}

fn now() -> i64 {
    to_micros(chrono::Utc::now())
}

#[async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            let (data, expires) = encode(record)?;
            let stored = self
                .db
                .create_session(&record.id.to_string(), &data, expires)
                .await
                .map_err(backend)?;
            if stored {
                return Ok(());
            }
            // A 128-bit id collided: draw another.
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let (data, expires) = encode(record)?;
        self.db
            .save_session(&record.id.to_string(), &data, expires)
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(data) = self
            .db
            .load_session(&id.to_string(), now())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        serde_json::from_str(&data)
            .map(Some)
            .map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.db
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

/// Removes expired sessions every `period`, until the database closes.
pub async fn sweep_expired(db: Db, period: Duration) {
    let mut every = tokio::time::interval(period);
    loop {
        every.tick().await;
        match db.delete_expired_sessions(now()).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(sessions = n, "expired sessions removed"),
            Err(error) if db.pool().is_closed() => {
                tracing::debug!(%error, "session sweep stopped");
                return;
            }
            Err(error) => tracing::warn!(%error, "expired sessions not removed"),
        }
    }
}
