//! `custsync-tools simulate`: stores and a web shop over the real channel API. Each channel creates
//! and edits customers at its share of `--rate` (with the mistakes cashiers make), polls its
//! 1010 feed, and replaces the GUIDs of its customers with their real accounts, like a POS.
//! Prints what it sent, how fast the API answered, and what came back.

mod channel;

use std::time::{Duration, Instant};

use anyhow::Context;
use app::storage::{to_micros, Db};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SimulateConfig {
    /// Where custsync serves, e.g. `http://127.0.0.1:3000`.
    pub url: String,
    pub channels: usize,
    /// Operations per second, all channels together.
    pub rate: f64,
    pub duration: Duration,
    /// Operations per batch (a POS uploads what piled up since its last upload).
    pub batch: usize,
    /// Share of operations with a mistake a person must fix.
    pub mistake_rate: f64,
    pub seed: u64,
    /// After sending, how long to keep reading the feeds until every create came back.
    pub settle: Duration,
}

pub use channel::ChannelTotals;

/// What a simulation did: every channel's totals together, answer times sorted.
#[derive(Debug, Default)]
pub struct SimulateReport {
    pub channels: usize,
    pub elapsed: Duration,
    pub totals: ChannelTotals,
}

/// The `p` quantile of sorted durations (zero when there are none).
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

impl SimulateReport {
    fn percentile(&self, p: f64) -> Duration {
        percentile(&self.totals.latencies, p)
    }
}

impl std::fmt::Display for SimulateReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.elapsed.as_secs_f64().max(0.001);
        write!(
            f,
            "simulate: {} channels sent {} operations in {} batches over {:.1} s ({:.0} operations/s); \
             batch answer p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} batches refused, {} answers 503; \
             feed: {} customers read, {} of our async accounts replaced by real accounts; \
             end to end (create received → its account in the feed): {} of {} creates, \
             p50 {:.1} s, p99 {:.1} s, max {:.1} s",
            self.channels,
            self.totals.operations,
            self.totals.batches,
            secs,
            self.totals.operations as f64 / secs,
            self.percentile(0.5).as_secs_f64() * 1e3,
            self.percentile(0.99).as_secs_f64() * 1e3,
            self.totals.latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
            self.totals.rejected_batches,
            self.totals.unavailable,
            self.totals.feed_customers,
            self.totals.mapped,
            self.totals.end_to_end.len(),
            self.totals.creates,
            percentile(&self.totals.end_to_end, 0.5).as_secs_f64(),
            percentile(&self.totals.end_to_end, 0.99).as_secs_f64(),
            self.totals.end_to_end.last().copied().unwrap_or_default().as_secs_f64(),
        )
    }
}

/// Runs the simulation against the custsync at `config.url`, whose database is `db` (used only
/// to find the channels and give each a token, as an administrator would).
pub async fn run(db: &Db, config: &SimulateConfig) -> anyhow::Result<SimulateReport> {
    let channels = db.channels().await?;
    anyhow::ensure!(
        !channels.is_empty(),
        "the database has no channels; run `custsync-tools seed-demo` first"
    );
    let chosen: Vec<_> = channels.into_iter().take(config.channels.max(1)).collect();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(chosen.len())
        .timeout(Duration::from_secs(30))
        .build()
        .context("building the HTTP client")?;
    let per_channel = config.rate / chosen.len() as f64;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, ch) in chosen.iter().enumerate() {
        let token = app::access::secrets::new_token();
        db.insert_channel_token(
            ch.id,
            &app::access::secrets::token_hash(&token),
            Some("custsync-tools simulate"),
            to_micros(chrono::Utc::now()),
        )
        .await?;
        let sim = channel::SimulatedChannel::new(
            ch.clone(),
            client.clone(),
            config.url.trim_end_matches('/').to_owned(),
            token,
            config.seed.wrapping_add(i as u64),
        );
        tasks.push(tokio::spawn(sim.run(
            per_channel,
            config.batch.max(1),
            config.mistake_rate,
            config.duration,
            config.settle,
        )));
    }
    let mut report = SimulateReport {
        channels: chosen.len(),
        ..SimulateReport::default()
    };
    for task in tasks {
        let done = task.await.context("a simulated channel stopped")??;
        report.totals.add(done);
    }
    report.elapsed = started.elapsed();
    report.totals.latencies.sort();
    report.totals.end_to_end.sort();
    Ok(report)
}
