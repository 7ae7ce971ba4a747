//! `custsync-tools bench-sync`: the Synchronize customers job's throughput on many Pending creates of
//! about twenty fields each, beside a bare sqlx loop that makes the same claims, reads and
//! writes without the job around them, in the same run on the same database.
//!
//! Two equal sets of Pending operations are loaded; the bare loop takes the older set, the job
//! the newer one, so both see the same shape of data and the same table sizes.

use std::time::{Duration, Instant};

use anyhow::Context;
use app::{
    model::{OperationKind, SyncStatus},
    storage::{to_micros, Db},
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

mod bare;
pub mod duplicates;
pub mod erasure;
pub mod page;
pub mod retention;
pub mod save;
pub mod triage;

use app::jobs::synchronize::Synchronize;

use crate::seed::{self, traffic, DemoConfig, SimOperation};

/// What the benchmark measured.
#[derive(Debug, Clone)]
pub struct SyncBenchReport {
    pub backend: &'static str,
    pub operations: u64,
    pub fields_per_operation: f64,
    pub load: Duration,
    pub bare: Duration,
    pub job: Duration,
    pub workers: usize,
    pub job_succeeded: i64,
    pub job_failed: i64,
}

impl std::fmt::Display for SyncBenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = |d: Duration| self.operations as f64 / d.as_secs_f64().max(0.001);
        write!(
            f,
            "bench-sync on {}: {} Pending creates ({:.1} fields each), loaded twice in {:.1} s\n\
             bare sqlx loop : {:>8.1} s  {:>8.0} operations/s\n\
             Synchronize job: {:>8.1} s  {:>8.0} operations/s  ({} succeeded, {} failed; {} worker(s))\n\
             ratio job/bare : {:.2}",
            self.backend,
            self.operations,
            self.fields_per_operation,
            self.load.as_secs_f64(),
            self.bare.as_secs_f64(),
            rate(self.bare),
            self.job.as_secs_f64(),
            rate(self.job),
            self.job_succeeded,
            self.job_failed,
            self.workers,
            rate(self.job) / rate(self.bare),
        )
    }
}

/// Runs the benchmark on an empty database.
pub async fn sync_bench(
    db: &Db,
    operations: u64,
    workers: usize,
) -> anyhow::Result<SyncBenchReport> {
    seed::seed_demo(
        db,
        &DemoConfig {
            operations: 50,
            ..DemoConfig::default()
        },
        false,
    )
    .await
    .context("the demo retailer the benchmark runs on")?;
    let load_started = Instant::now();
    let fields = load_pending(db, operations).await?;
    let load = load_started.elapsed();
    eprintln!(
        "bench-sync: loaded in {:.0} s; measuring the bare loop, then the job",
        load.as_secs_f64()
    );

    let started = Instant::now();
    bare::bare_loop(db, operations as i64).await?;
    let bare = started.elapsed();

    let started = Instant::now();
    let mut job = Synchronize::new(db.clone());
    let (mut succeeded, mut failed) = (0, 0);
    loop {
        let outcome = job.run_step(workers).await?;
        succeeded += outcome.succeeded;
        failed += outcome.failed;
        if !outcome.more {
            break;
        }
    }
    let job_time = started.elapsed();
    Ok(SyncBenchReport {
        backend: db.backend().name(),
        operations,
        fields_per_operation: fields,
        load,
        bare,
        job: job_time,
        workers: workers.max(1),
        job_succeeded: succeeded,
        job_failed: failed,
    })
}

/// Loads two sets of `n` Pending creates, the first older than the second. Returns the mean
/// number of fields per operation.
async fn load_pending(db: &Db, n: u64) -> anyhow::Result<f64> {
    let channels = db.channels().await?;
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let first_id = db.max_id(app::storage::operations::OPERATIONS).await? + 1;
    let session: i64 = sqlx::query("SELECT COALESCE(MIN(id), 0) FROM upload_sessions")
        .fetch_one(db.pool())
        .await?
        .get(0);
    anyhow::ensure!(session > 0, "the demo retailer has no upload session");
    let base = to_micros(chrono::Utc::now()) - 2 * n as i64 * 1_000;
    let mut loader = db.bulk_loader().await?;
    let mut batch = Vec::with_capacity(5_000);
    let mut fields = 0_u64;
    for i in 0..2 * n as i64 {
        let channel = &channels[i as usize % channels.len()];
        let at = base + i * 1_000;
        let op = SimOperation {
            id: first_id + i,
            channel_id: channel.id,
            channel_operation_id: format!("bench-{i}"),
            async_account: uuid::Uuid::new_v4().to_string(),
            customer_account: None,
            legal_entity_id: channel.legal_entity_id.clone(),
            kind: OperationKind::Create,
            status: SyncStatus::Pending,
            operation_at: at,
            received_at: at,
            updated_at: at,
            upload_session_id: session,
            retry_count: 0,
            next_retry_at: None,
            error: None,
            fields: traffic::create_fields(&mut rng, channel, 0.0, None),
        };
        fields += op.fields.len() as u64;
        batch.push(op);
        if batch.len() == 5_000 {
            seed::write_operations(&mut loader, &batch).await?;
            batch.clear();
        }
    }
    seed::write_operations(&mut loader, &batch).await?;
    loader.commit().await?;
    // Fresh planner statistics, as autovacuum would gather soon after a real load; without
    // them PostgreSQL plans the first run (the bare loop's) for empty tables.
    if db.backend() == app::storage::Backend::Postgres {
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    // The load is one transaction, all of it in SQLite's write-ahead log; copy it into the
    // database now, or the first measured commit would pay for copying gigabytes.
    if db.backend() == app::storage::Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db.pool())
            .await?;
    }
    Ok(fields as f64 / (2 * n) as f64)
}
