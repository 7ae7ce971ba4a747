//! The storage layer: every SQL statement of custsync, written once for SQLite and PostgreSQL.
//!
//! Both databases are reached through sqlx's `Any` driver with `$n` placeholders (which SQLite
//! accepts too) and one representation of values: timestamps as microseconds since the epoch,
//! flags as 0/1 integers, everything else text or integers. The few places where the two
//! databases really differ branch on [`Backend`] inside this module: connection set-up,
//! migrations, bulk loading ([`bulk`]) and, later, claiming work.

pub mod alerts;
pub mod bulk;
pub mod bulk_runs;
pub mod change_log;
pub mod change_stamp;
pub mod channels;
mod clause;
pub mod corrections;
pub mod counts;
pub mod customers;
pub mod dashboard;
pub mod detail;
pub mod dossier;
pub mod duplicates;
pub mod erasure;
mod error;
pub mod export;
pub mod failures;
pub mod feed;
pub mod field_values;
pub mod inbox;
pub mod jobs;
mod json;
pub mod list;
pub mod match_keys;
pub mod operations;
pub mod reference;
pub mod retention;
pub mod sessions;
mod sqlite;
pub mod tokens;
pub mod users;
mod values;
pub mod webhooks;

use error::short_reason;
pub use error::{is_unavailable, redact, StorageError};
pub use json::{
    json_group, json_group_in_order, json_int, json_ints, json_param, json_rows, json_text,
    json_texts, operation_fields_from_json,
};
use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};
pub(crate) use values::col;
pub use values::{from_micros, placeholders, to_micros};

use sqlx::{any::AnyPoolOptions, migrate::Migrator, Any, AnyPool, Executor, Transaction};

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Tells the backend from a database URL.
    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::Config(format!(
                "database URL must start with sqlite: or postgres:// (got “{}”)",
                redact(url)
            )))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }
}

/// Pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

/// The database: a connection pool and which backend it is. On SQLite, write transactions
/// have a pool of their own with one connection: writers queue there, in order, instead of
/// holding read connections while they wait for the file's write lock (which starved the page
/// and the feeds while a dozen channels posted at once).
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    writer: Option<AnyPool>,
    /// How many write transactions have begun (see [`Db::write_requests`]).
    write_requests: Arc<AtomicU64>,
    /// SQLite's WAL checkpointer (see [`sqlite::checkpoint_in_background`]).
    checkpointer: Option<AnyPool>,
    backend: Backend,
    url: String,
}

/// How a PostgreSQL write transaction begins: with the server's own parallel-worker setting,
/// which the pool's connections turn off for the page's reads (see [`Db::connect`]).
const POSTGRES_BEGIN_WRITE: &str = "BEGIN; SET LOCAL max_parallel_workers_per_gather TO DEFAULT";

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the database at `url` (creating a SQLite file and its folder if needed).
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url)?;
        let connect_error = |e: sqlx::Error| StorageError::Connect {
            backend: backend.name(),
            location: redact(url),
            reason: short_reason(&e),
        };
        if backend == Backend::Sqlite {
            sqlite::prepare_file(url)?;
        }
        let open = |max_connections: u32| {
            AnyPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(settings.acquire_timeout)
                .after_connect(move |conn, _meta| {
                    Box::pin(async move {
                        if backend == Backend::Sqlite {
                            conn.execute(sqlite::CONNECTION_PRAGMAS).await?;
                        } else {
                            // No parallel workers for the page's reads: they are keyset walks
                            // that stop at a page (or 1,000 matches), and starting the workers
                            // cost them 10–20 ms each. At 1M operations "name contains berg"
                            // went from 31 to 17 ms p95 with them off, and no other case got
                            // slower. Write transactions allow them again ([`Db::begin_write`]).
                            conn.execute("SET max_parallel_workers_per_gather = 0")
                                .await?;
                            // No JIT compilation either: every query here is short, and the
                            // CSV export's pages (whose estimates pass `jit_above_cost` at a
                            // million operations) spent 30 ms of each ~80 ms compiling.
                            conn.execute("SET jit = off").await?;
                        }
                        Ok(())
                    })
                })
                .connect(url)
        };
        let pool = open(settings.max_connections)
            .await
            .map_err(connect_error)?;
        let (writer, checkpointer) = match backend {
            Backend::Sqlite => {
                // WAL is a property of the file: set once, kept by every later connection.
                pool.execute("PRAGMA journal_mode = WAL")
                    .await
                    .map_err(connect_error)?;
                let writer = open(1).await.map_err(connect_error)?;
                let checkpointer = open(1).await.map_err(connect_error)?;
                sqlite::checkpoint_in_background(checkpointer.clone());
                (Some(writer), Some(checkpointer))
            }
            Backend::Postgres => (None, None),
        };
        Ok(Self {
            pool,
            writer,
            write_requests: Arc::default(),
            checkpointer,
            backend,
            url: url.to_owned(),
        })
    }

    /// Applies pending migrations. Safe to call from several instances at once.
    pub async fn migrate(&self) -> Result<(), StorageError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| StorageError::Migrate {
                location: redact(&self.url),
                reason: e.to_string(),
            })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL, with any password hidden: safe to log.
    pub fn location(&self) -> String {
        redact(&self.url)
    }

    pub(crate) fn url(&self) -> &str {
        &self.url
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads before it writes can fail to
    /// upgrade when another connection committed meanwhile, whatever the busy timeout.
    ///
    /// A commit that failed (disk full) can leave the one writer connection believing it is
    /// still inside a transaction: sqlx then refuses every later `BEGIN`. That connection is
    /// closed and a fresh one takes its place, so writing resumes once the disk has room.
    pub async fn begin_write(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.write_requests.fetch_add(1, Ordering::Relaxed);
        let Some(writer) = &self.writer else {
            // The jobs' set-based statements over a whole batch are what parallel workers are
            // for: bench-sync 200k on PostgreSQL, 5,225 → 5,929 operations/s with them.
            return self.pool.begin_with(POSTGRES_BEGIN_WRITE).await;
        };
        match writer.begin_with("BEGIN IMMEDIATE").await {
            Err(sqlx::Error::InvalidSavePointStatement) => {
                tracing::warn!(
                    "the writer connection was left inside a failed transaction; reopening it"
                );
                writer.acquire().await?.close().await?;
                writer.begin_with("BEGIN IMMEDIATE").await
            }
            other => other,
        }
    }

    /// How many write transactions this process has begun since the database was opened: a
    /// job that sees it grow by more than its own while it held SQLite's one writer kept
    /// someone waiting (a channel's batch, a person's save); on PostgreSQL, others are writing
    /// beside it (the Retention job then leaves them the machine).
    pub fn write_requests(&self) -> u64 {
        self.write_requests.load(Ordering::Relaxed)
    }

    /// Runs one statement in a write transaction of its own; returns how many rows it changed.
    pub(crate) async fn write_one<'q>(
        &self,
        statement: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let changed = statement.execute(&mut *tx).await?.rows_affected();
        tx.commit().await?;
        Ok(changed)
    }

    /// Runs `statements`, each of `id`, in one write transaction; whether the last one deleted
    /// a row (the others take what depends on it first).
    pub(crate) async fn delete_with(
        &self,
        statements: &[&str],
        id: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let mut deleted = 0;
        for statement in statements {
            deleted = sqlx::query(statement)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(deleted == 1)
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several instances never take the same rows;
    /// nothing on SQLite, where the write transaction already excludes every other writer.
    pub(crate) fn skip_locked(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// `FOR UPDATE` on PostgreSQL (lock the row read for the rest of the transaction).
    pub(crate) fn for_update(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// Answers whether the database responds, for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Closes every connection (at shutdown).
    pub async fn close(&self) {
        for pool in self.writer.iter().chain(&self.checkpointer) {
            pool.close().await;
        }
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_follows_the_url_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/x.db").unwrap(),
            Backend::Sqlite
        );
        assert_eq!(
            Backend::of_url("postgres://localhost/x").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::of_url("mysql://localhost/x").is_err());
    }
}
