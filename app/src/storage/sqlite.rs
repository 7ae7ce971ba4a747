//! What SQLite needs beside the shared storage layer: its file, the settings of each
//! connection, and the checkpointer that copies its write-ahead log back into the file.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::AnyPool;

use super::StorageError;

/// Run on every SQLite connection.
/// - A 64 MiB page cache (SQLite's default is 2 MiB): the customer and operation indexes of a
///   large retailer stay in it.
/// - A commit checkpoints the WAL only past 10,000 pages (40 MiB); below that
///   [`checkpoint_in_background`] copies it back every second (see there).
/// - `secure_delete`: what a delete or an update removes is overwritten with zeros, so an
///   erased customer's values (`super::erasure`) do not stay readable in the file's free space.
pub(super) const CONNECTION_PRAGMAS: &str = "PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; \
     PRAGMA wal_autocheckpoint = 10000; PRAGMA secure_delete = ON;";

/// How often the SQLite write-ahead log is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies SQLite's write-ahead log into the database file every second, on a connection of its
/// own, until [`super::Db::close`] closes that connection.
///
/// Why beside SQLite's own checkpoint, which runs inside the commit that crosses its threshold:
/// - at SQLite's default (1,000 pages) the Synchronize job, whose every batch rewrites the same
///   index pages, copied them back once per batch; at 10,000 pages alone it ran 13 % faster,
///   but a channel's insert that crossed the threshold paid for copying 40 MiB (the channel
///   API's p99 48 → 132 ms);
/// - a `PASSIVE` checkpoint on its own connection waits for no one and runs on another core, so
///   under a channel's load the WAL is copied before any commit reaches the threshold;
/// - alone (threshold off) it never caught up with a writer that never pauses, and the WAL grew
///   5 → 15 GB in 3 minutes at bench-sync 1M. The threshold keeps it bounded.
pub(super) fn checkpoint_in_background(checkpointer: AnyPool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECKPOINT_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&checkpointer)
                .await
            {
                if checkpointer.is_closed() {
                    break;
                }
                tracing::debug!(%error, "WAL checkpoint skipped");
            }
        }
    });
}

impl super::Db {
    /// On SQLite, copies the write-ahead log back into the file and empties it (old page
    /// images with erased values are in it until then); if readers keep it from finishing now,
    /// the log's old frames are overwritten as it is reused. Nothing to do on PostgreSQL.
    pub(super) async fn empty_write_ahead_log(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(checkpointer)
                .await
            {
                tracing::warn!(%error, "emptying the write-ahead log failed");
            }
        }
    }
}

/// Creates the folder of a SQLite file and checks it can be written, so a bad path gives one
/// clear line instead of a driver error.
pub(super) fn prepare_file(url: &str) -> Result<(), StorageError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map_err(|e| StorageError::Config(format!("bad SQLite URL “{url}”: {e}")))?;
    let path = options.get_filename();
    if path == Path::new(":memory:") {
        return Ok(());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| StorageError::Connect {
            backend: "SQLite",
            location: dir.display().to_string(),
            reason: format!("cannot create the data folder: {e}"),
        })?;
        let probe = dir.join(".custsync-write-test");
        std::fs::write(&probe, b"").map_err(|e| StorageError::Connect {
            backend: "SQLite",
            location: dir.display().to_string(),
            reason: format!("the data folder is not writable: {e}"),
        })?;
        let _ = std::fs::remove_file(probe);
    }
    Ok(())
}
