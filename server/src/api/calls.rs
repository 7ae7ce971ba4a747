//! The channel API's calls counted per channel and hour, for the dashboard: the middleware
//! ([`crate::monitoring::track_api`]) counts each answer in memory, and a task adds the counts
//! to the database every few seconds (and once more when the server stops), so a call costs
//! no write of its own and several instances add up. The channel is the one the bearer token
//! named ([`super::auth::ChannelAuth`] says it through [`CallerChannel`]); a call without a
//! valid token counts for channel 0.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use app::storage::Db;
use tokio_util::sync::CancellationToken;

/// How often the counts go to the database.
const FLUSH_EVERY: Duration = Duration::from_secs(10);

/// (hour since 1970, channel) → (requests, errors).
type Counts = HashMap<(i64, i64), (i64, i64)>;

/// Calls counted since the last flush.
#[derive(Clone, Default)]
pub struct ApiCalls {
    counts: Arc<Mutex<Counts>>,
}

impl ApiCalls {
    /// Counts one answer to `channel` (0: no valid token) now; an error is a status of 400
    /// or above.
    pub fn count(&self, channel: i64, status: u16) {
        let hour = chrono::Utc::now().timestamp().div_euclid(3600);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let entry = counts.entry((hour, channel)).or_default();
        entry.0 += 1;
        entry.1 += i64::from(status >= 400);
    }

    /// Adds the counts so far to the database; kept for the next time if it does not answer.
    pub async fn flush(&self, db: &Db) {
        let taken: Vec<(i64, i64, i64, i64)> = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts
                .drain()
                .map(|((hour, channel), (requests, errors))| (hour, channel, requests, errors))
                .collect()
        };
        if let Err(error) = db.add_api_calls(&taken).await {
            tracing::warn!(%error, "the channel API's call counts wait for the database");
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            for (hour, channel, requests, errors) in taken {
                let entry = counts.entry((hour, channel)).or_default();
                entry.0 += requests;
                entry.1 += errors;
            }
        }
    }

    /// Flushes every [`FLUSH_EVERY`] until `shutdown` (the server flushes a last time before
    /// it closes the database: a flush here could meet the pool closed).
    pub fn start_flushing(&self, db: Db, shutdown: CancellationToken) {
        let calls = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(FLUSH_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = ticks.tick() => calls.flush(&db).await,
                    () = shutdown.cancelled() => break,
                }
            }
        });
    }
}

/// The channel a call's token named, once the API's authentication has read it.
#[derive(Clone, Default)]
pub struct CallerChannel(Arc<OnceLock<i64>>);

impl CallerChannel {
    /// Says the call is `channel`'s.
    pub fn set(&self, channel: i64) {
        let _ = self.0.set(channel);
    }

    /// The channel, or 0 when no valid token named one.
    pub fn get(&self) -> i64 {
        self.0.get().copied().unwrap_or(0)
    }
}
