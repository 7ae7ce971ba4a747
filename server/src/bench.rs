//! `custsync bench-sync`: the Synchronize customers job's throughput on many Pending creates of
//! about twenty fields each, beside a bare sqlx loop that makes the same claims, reads and
//! writes without the job around them, in the same run on the same database.
//!
//! Two equal sets of Pending operations are loaded; the bare loop takes the older set, the job
//! the newer one, so both see the same shape of data and the same table sizes.

use std::time::{Duration, Instant};

use anyhow::Context;
use app::{
    model::{OperationKind, SyncStatus},
    storage::{placeholders, to_micros, Db},
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sqlx::Row;

use crate::{
    jobs::synchronize::{Synchronize, BATCH},
    seed::{self, live, DemoConfig, SimOperation},
};

/// What the benchmark measured.
#[derive(Debug, Clone)]
pub struct SyncBenchReport {
    pub backend: &'static str,
    pub operations: u64,
    pub fields_per_operation: f64,
    pub load: Duration,
    pub bare: Duration,
    pub job: Duration,
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
             Synchronize job: {:>8.1} s  {:>8.0} operations/s  ({} succeeded, {} failed)\n\
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
            rate(self.job) / rate(self.bare),
        )
    }
}

/// Runs the benchmark on an empty database.
pub async fn sync_bench(db: &Db, operations: u64) -> anyhow::Result<SyncBenchReport> {
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

    let started = Instant::now();
    bare_loop(db, operations as i64).await?;
    let bare = started.elapsed();

    let mut job = Synchronize::new(db.clone());
    let started = Instant::now();
    let (mut succeeded, mut failed) = (0, 0);
    loop {
        let outcome = job.run_once(None).await?;
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
            fields: live::create_fields(&mut rng, channel, 0.0, None),
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
    Ok(fields as f64 / (2 * n) as f64)
}

/// The same claims, reads and writes as the job, in plain sqlx: claim a batch, read its fields,
/// take account numbers, insert each customer with its address and attributes, record the
/// change, mark the operation succeeded — no validation, no model types.
async fn bare_loop(db: &Db, n: i64) -> anyhow::Result<()> {
    let mut done = 0;
    while done < n {
        let now = to_micros(chrono::Utc::now());
        let mut tx = db.begin_write().await?;
        let lock = match db.backend() {
            app::storage::Backend::Sqlite => "",
            app::storage::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let claimed = sqlx::query(&format!(
            "SELECT id, channel_id, legal_entity_id, async_account FROM operations \
             WHERE status = 'pending' AND (next_retry_at IS NULL OR next_retry_at <= $1) \
             ORDER BY operation_at, id LIMIT $2{lock}"
        ))
        .bind(now)
        .bind(BATCH.min(n - done))
        .fetch_all(&mut *tx)
        .await?;
        if claimed.is_empty() {
            break;
        }
        let ids: Vec<i64> = claimed.iter().map(|r| r.get::<i64, _>("id")).collect();
        let sql = format!(
            "SELECT operation_id, field, new_value FROM operation_fields WHERE operation_id IN ({})",
            placeholders(db.backend(), 1, ids.len())
        );
        let mut query = sqlx::query(&sql);
        for id in &ids {
            query = query.bind(*id);
        }
        let mut fields: std::collections::HashMap<i64, Vec<(String, Option<String>)>> =
            std::collections::HashMap::new();
        for row in query.fetch_all(&mut *tx).await? {
            fields
                .entry(row.get("operation_id"))
                .or_default()
                .push((row.get("field"), row.get("new_value")));
        }
        let seq = sqlx::query(&format!(
            "SELECT next_value FROM number_sequences WHERE legal_entity_id = 'NO01'{}",
            if lock.is_empty() { "" } else { " FOR UPDATE" }
        ))
        .fetch_one(&mut *tx)
        .await?
        .get::<i64, _>(0);
        sqlx::query("UPDATE number_sequences SET next_value = $1 WHERE legal_entity_id = 'NO01'")
            .bind(seq + ids.len() as i64)
            .execute(&mut *tx)
            .await?;
        for (k, row) in claimed.iter().enumerate() {
            let id: i64 = row.get("id");
            let account = format!("BB{:08}", seq + k as i64);
            let entity: String = row.get("legal_entity_id");
            let mine = fields.remove(&id).unwrap_or_default();
            let value = |name: &str| {
                mine.iter()
                    .find(|(field, _)| field == name)
                    .and_then(|(_, value)| value.clone())
            };
            let async_account: String = row.get("async_account");
            sqlx::query("SELECT account FROM customers WHERE async_account = $1")
                .bind(&async_account)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "SELECT account FROM customers WHERE legal_entity_id = $1 AND email = $2 \
                 AND account <> $3 LIMIT 1",
            )
            .bind(&entity)
            .bind(value("email"))
            .bind("")
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO customers (account, legal_entity_id, async_account, origin_channel_id, \
                 created_at, updated_at, name, first_name, last_name, party_type, customer_group, \
                 currency, language, receipt_option, email, cellular_phone) \
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(&account)
            .bind(&entity)
            .bind(&async_account)
            .bind(row.get::<i64, _>("channel_id"))
            .bind(now)
            .bind(value("name"))
            .bind(value("first_name"))
            .bind(value("last_name"))
            .bind(value("party_type"))
            .bind(value("customer_group"))
            .bind(value("currency"))
            .bind(value("language"))
            .bind(value("receipt_option"))
            .bind(value("email"))
            .bind(value("cellular_phone"))
            .execute(&mut *tx)
            .await?;
            sqlx::query("SELECT id FROM customer_addresses WHERE customer_account = $1")
                .bind(&account)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO customer_addresses (customer_account, street, city, zip, country, is_primary) \
                 VALUES ($1, $2, $3, $4, $5, 1)",
            )
            .bind(&account)
            .bind(value("street"))
            .bind(value("city"))
            .bind(value("zip"))
            .bind(value("country"))
            .execute(&mut *tx)
            .await?;
            for (name, new_value) in mine.iter().filter(|(field, _)| field.starts_with("attr:")) {
                sqlx::query(
                    "INSERT INTO customer_attribute_values (customer_account, attribute_name, value) \
                     VALUES ($1, $2, $3) ON CONFLICT (customer_account, attribute_name) \
                     DO UPDATE SET value = excluded.value",
                )
                .bind(&account)
                .bind(&name[5..])
                .bind(new_value.clone().unwrap_or_default())
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO customer_changes (customer_account, legal_entity_id, change, changed_at) \
                 VALUES ($1, $2, 'created', $3)",
            )
            .bind(&account)
            .bind(&entity)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE operations SET status = 'succeeded', customer_account = $2, updated_at = $3, \
                 version = version + 1 WHERE id = $1 AND status = 'pending'",
            )
            .bind(id)
            .bind(&account)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE operations SET status = 'pending' WHERE id = (SELECT id FROM operations \
                 WHERE async_account = $1 AND status = 'waiting' ORDER BY operation_at, id LIMIT 1)",
            )
            .bind(&async_account)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        done += ids.len() as i64;
    }
    Ok(())
}
