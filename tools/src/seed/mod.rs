//! `custsync-tools seed-demo`: a realistic demo retailer in an empty database — twelve channels in two
//! legal entities, reference data, attribute definitions of every type — and the operations its
//! channels made over the past days, sent through the real pipeline: the channel inbox, then
//! the P-job, Synchronize customers and 1010 jobs, which give them their statuses.
//!
//! Deterministic for a seed (the clock aside). The retailer's set-up is one bulk transaction;
//! the operations then go in as channels send them, each upload all or nothing.

mod catalog;
mod history;
mod mistakes;
mod people;
mod persona;
mod pipeline;
mod plan;
pub mod traffic;
mod write;

use std::{
    collections::{BTreeMap, HashMap},
    fmt,
    time::{Duration, Instant},
};

use anyhow::{bail, Context};
use app::{
    model::{
        alert::{AlertKind, NewAlertRule},
        JobName, Role,
    },
    storage::{to_micros, Db},
    validate::ValidationContext,
};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use history::UNPROCESSED_WINDOW;
pub use history::{SimCustomer, SimOperation};

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    pub operations: u64,
    pub seed: u64,
    pub days: u32,
    /// The simulated present; the real clock when `None`. The same seed and present give the
    /// same data.
    pub now: Option<chrono::DateTime<chrono::Utc>>,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            operations: 5_000,
            seed: 2026,
            days: 30,
            now: None,
        }
    }
}

/// What a seed produced.
#[derive(Debug, Clone)]
pub struct SeedReport {
    pub backend: &'static str,
    pub operations: u64,
    pub customers: u64,
    pub channels: usize,
    pub by_status: BTreeMap<&'static str, u64>,
    pub elapsed: Duration,
}

impl fmt::Display for SeedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let statuses: Vec<String> = self
            .by_status
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect();
        write!(
            f,
            "seeded {} operations ({}), {} customers, {} channels into {} in {:.1} s ({:.0} operations/s)",
            self.operations,
            statuses.join(", "),
            self.customers,
            self.channels,
            self.backend,
            self.elapsed.as_secs_f64(),
            self.operations as f64 / self.elapsed.as_secs_f64().max(0.001),
        )
    }
}

/// Operations generated and written per batch.
const BATCH: usize = 5_000;

/// Writes a batch of operations and their fields through the bulk loader (for benchmarks).
pub async fn write_operations(
    loader: &mut app::storage::bulk::BulkLoader,
    batch: &[SimOperation],
) -> anyhow::Result<()> {
    write::operations(loader, batch).await
}

/// Fills an empty database with the demo retailer. Refuses a database that already has channels.
/// The demo's people besides the first admin, with passwords the README documents: a viewer
/// and an operator (never use them outside a demo).
pub const DEMO_USERS: [(&str, Role, &str); 2] = [
    ("viewer", Role::Viewer, "viewer-demo-2026"),
    ("operator", Role::Operator, "operator-demo-2026"),
];

async fn demo_users(db: &Db, now: i64) -> anyhow::Result<()> {
    for (name, role, password) in DEMO_USERS {
        let hash = app::access::secrets::hash_password_off_thread(password.to_owned()).await;
        db.insert_user(name, &hash, role, now).await?;
    }
    Ok(())
}

/// The alert rules the demo starts with, each watching every channel or job: more than 25
/// failures of a channel in an hour, a Pending operation older than 30 minutes, a job without a
/// finished run for 3 of its intervals, more than 20 % of a channel's API answers errors.
pub const DEMO_ALERT_RULES: [(AlertKind, i64); 4] = [
    (AlertKind::FailuresPerHour, 25),
    (AlertKind::OldestPending, 30),
    (AlertKind::JobStalled, 3),
    (AlertKind::ApiErrorRate, 20),
];

async fn demo_alert_rules(db: &Db, now: i64) -> anyhow::Result<()> {
    for (kind, threshold) in DEMO_ALERT_RULES {
        let rule = NewAlertRule {
            kind,
            channel_id: None,
            failure_group: None,
            job: None,
            threshold,
        };
        db.insert_alert_rule(&rule, "admin", app::storage::from_micros(now))
            .await?;
    }
    Ok(())
}

/// A few corrections for the change log to show: the operator fixes the misspelt email of
/// three failed operations (two synchronized at once, one left for the job), and the admin
/// reverts one of them.
async fn demo_corrections(db: &Db, now: i64) -> anyhow::Result<()> {
    use app::{
        functions::corrections::plain,
        model::{Correction, SignedIn},
    };
    let failed = sqlx::query(
        "SELECT id, error_field FROM operations WHERE status = 'failed' \
         AND error_code = 'invalid_email' ORDER BY operation_at DESC, id DESC LIMIT 3",
    )
    .fetch_all(db.pool())
    .await?;
    let operator = SignedIn {
        id: 0,
        name: DEMO_USERS[1].0.into(),
        role: Role::Operator,
    };
    for (i, row) in failed.iter().enumerate() {
        use sqlx::Row;
        let id: i64 = row.try_get("id")?;
        let field: String = row.try_get("error_field")?;
        let Some(base) = db.correction_base(id).await? else {
            continue;
        };
        let Some(bad) = base
            .fields
            .iter()
            .find(|f| f.field == field)
            .and_then(|f| f.new_value.clone())
        else {
            continue;
        };
        let fixed: String = bad
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .replace("@@", "@");
        let correction = Correction {
            operation_id: id,
            version: base.version,
            values: [(field, fixed)].into(),
            reason: Some(
                [
                    "Typo at the till",
                    "Checked with the customer",
                    "Misspelt domain",
                ][i]
                    .into(),
            ),
            synchronize: i < 2,
        };
        // A value this simple fix does not make valid is left for a person to correct.
        if plain::save(db, &operator, &correction, now).await.is_err() {
            continue;
        }
        if i == 2 {
            if let Some(line) = db.changes_of(id).await?.first() {
                let admin = SignedIn {
                    name: "admin".into(),
                    role: Role::Admin,
                    ..operator.clone()
                };
                let _ = plain::revert(db, &admin, line.id, Some("Wrong customer"), now).await;
            }
        }
    }
    Ok(())
}

pub async fn seed_demo(db: &Db, config: &DemoConfig, progress: bool) -> anyhow::Result<SeedReport> {
    let started = Instant::now();
    if !db.channels().await?.is_empty() {
        bail!(
            "the database at {} already has channels; seed-demo fills only an empty database \
             (point CUSTSYNC_DATABASE_URL at a new one)",
            db.location()
        );
    }
    let entities = catalog::legal_entities();
    let mut channels = catalog::channels();
    for (i, (channel, _)) in channels.iter_mut().enumerate() {
        channel.id = i as i64 + 1;
    }
    let references = catalog::reference_values();
    let mut contexts: HashMap<String, ValidationContext> = HashMap::new();
    let mut definitions = Vec::new();
    for entity in &entities {
        let mut ctx = ValidationContext::default();
        for (kind, scope, codes) in &references {
            if scope.is_empty() || *scope == entity.id {
                for (code, _) in codes {
                    ctx.allow(*kind, *code);
                }
            }
        }
        let mut defs = catalog::attribute_definitions(&entity.id);
        for def in &mut defs {
            def.id = definitions.len() as i64 + 1;
            definitions.push(def.clone());
        }
        ctx.attributes = defs;
        contexts.insert(entity.id.clone(), ctx);
    }
    let sequences: BTreeMap<String, (String, i64)> = entities
        .iter()
        .map(|e| (e.id.clone(), (e.id[..2].to_owned(), 100_001)))
        .collect();

    let now = to_micros(config.now.unwrap_or_else(chrono::Utc::now));
    let rng = ChaCha8Rng::seed_from_u64(config.seed);
    let mut sim = history::Simulation::new(history::Setup {
        rng,
        now,
        days: config.days,
        count: config.operations,
        channels: channels.clone(),
        contexts,
        sequences,
    });

    let bar = if progress {
        let bar = ProgressBar::new(config.operations);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:40}] {pos}/{len} operations ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message("seeding");
        bar
    } else {
        ProgressBar::hidden()
    };

    // The retailer's set-up, all or nothing.
    let mut loader = db.bulk_loader().await.context("starting the bulk load")?;
    write::catalog(&mut loader, &entities, &channels, &references, &definitions).await?;
    write::number_sequences(&mut loader, &sim.sequences).await?;
    loader
        .commit()
        .await
        .context("committing the demo retailer")?;
    db.ensure_job_schedules(60).await?;
    demo_users(db, now).await?;
    demo_alert_rules(db, now).await?;

    // The channels' operations through the real pipeline; the last minutes' uploads are left
    // to the running server's jobs.
    let poster = pipeline::Poster::new(db, &sim.sessions).await?;
    let recent_from = now - UNPROCESSED_WINDOW;
    let mut recent: Vec<SimOperation> = Vec::new();
    let mut batch: Vec<SimOperation> = Vec::with_capacity(BATCH);
    while sim.remaining() > 0 {
        batch.clear();
        while batch.len() < BATCH {
            match sim.next_operation() {
                Some(op) if op.received_at >= recent_from => recent.push(op),
                Some(op) => batch.push(op),
                None => break,
            }
        }
        poster.post(&batch).await?;
        bar.inc(batch.len() as u64);
    }
    pipeline::run_jobs(db, JobName::ALL, &bar).await?;
    demo_corrections(db, now).await?;
    poster.post(&recent).await?;
    bar.inc(recent.len() as u64);
    pipeline::run_jobs(db, &[JobName::PJob], &bar).await?;
    bar.finish_and_clear();

    let by_status: BTreeMap<&'static str, u64> = db
        .status_counts()
        .await?
        .into_iter()
        .map(|(status, n)| (status.as_str(), n as u64))
        .collect();
    Ok(SeedReport {
        backend: db.backend().name(),
        operations: config.operations,
        customers: db.count_customers().await? as u64,
        channels: channels.len(),
        by_status,
        elapsed: started.elapsed(),
    })
}
