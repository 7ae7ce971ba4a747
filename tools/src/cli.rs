//! The command line of `custsync-tools`: the same database and log options as `custsync`
//! ([`server::cli::GlobalArgs`]).

use clap::{Args, Parser, Subcommand};

/// custsync-tools: demo data, simulated channels and benchmarks beside custsync.
#[derive(Debug, Parser)]
#[command(name = "custsync-tools", version, about)]
pub struct Cli {
    #[command(flatten)]
    pub global: server::cli::GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Which tool.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill a database with a realistic demo retailer, through the real pipeline.
    SeedDemo(SeedArgs),
    /// Act as stores and a web shop: create and edit customers over the channel API.
    Simulate(SimulateArgs),
    /// Benchmark: the Synchronize job beside a bare sqlx loop, on an empty database.
    BenchSync(BenchSyncArgs),
    /// Benchmark: the status page's server time (list under filters, detail) on this database.
    BenchPage(SamplesArgs),
    /// Benchmark: opening, saving, and saving and synchronizing corrections on this database.
    BenchSave(SamplesArgs),
    /// Benchmark: the failures page, exact counts, and a flood fixed by one bulk correction.
    BenchTriage(BenchTriageArgs),
    /// Benchmark: erasing customers (GDPR) of many operations each; it erases them.
    BenchErasure(BenchErasureArgs),
    /// Benchmark: the duplicate check of a create at many customers; it adds customers.
    BenchDuplicates(BenchDuplicatesArgs),
    /// Benchmark: the Retention job's throughput; it removes the operations past `--days`.
    BenchRetention(BenchRetentionArgs),
}

/// Options of `bench-retention`.
#[derive(Debug, Args)]
pub struct BenchRetentionArgs {
    /// The retention period the job runs with (0: every Succeeded operation is past it).
    #[arg(long, default_value_t = 7)]
    pub days: i64,
    /// Ready the database for the server's Retention job (see `scripts/bench-retention.sh`).
    #[arg(long)]
    pub prepare: bool,
    /// Set the server's Retention job going.
    #[arg(long)]
    pub start: bool,
    /// Report the server's latest Retention run.
    #[arg(long)]
    pub report: bool,
}

/// Options of `bench-duplicates`.
#[derive(Debug, Args)]
pub struct BenchDuplicatesArgs {
    /// Customers the database holds while the checks are timed (added up to it).
    #[arg(long, default_value_t = 1_000_000)]
    pub customers: u64,
    /// Checks timed of each kind.
    #[arg(long, default_value_t = 1_000)]
    pub samples: usize,
}

/// Options of `bench-erasure`.
#[derive(Debug, Args)]
pub struct BenchErasureArgs {
    /// Customers erased.
    #[arg(long, default_value_t = 10)]
    pub samples: usize,
    /// Operations each has when erased (edits are added up to it).
    #[arg(long, default_value_t = 200)]
    pub operations: usize,
}

/// Options of `bench-triage`.
#[derive(Debug, Args)]
pub struct BenchTriageArgs {
    /// Times each read is measured.
    #[arg(long, default_value_t = 200)]
    pub samples: usize,
    /// Creates in the flood the bulk correction fixes.
    #[arg(long, default_value_t = 10_000)]
    pub operations: usize,
}

/// Options of `bench-page` and `bench-save`.
#[derive(Debug, Args)]
pub struct SamplesArgs {
    /// Times each case is measured.
    #[arg(long, default_value_t = 200)]
    pub samples: usize,
}

/// Options of `bench-sync`.
#[derive(Debug, Args)]
pub struct BenchSyncArgs {
    /// Pending creates for each of the two (bare loop, job).
    #[arg(long, default_value_t = 100_000)]
    pub operations: u64,
    /// Synchronize workers running at once (each claims its own batches with `FOR UPDATE
    /// SKIP LOCKED`, as a second instance would); more than one helps only PostgreSQL.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
}

/// Options of `simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// Where custsync serves.
    #[arg(long, default_value = "http://127.0.0.1:3000")]
    pub url: String,
    /// How many channels take part.
    #[arg(long, default_value_t = 12)]
    pub channels: usize,
    /// Operations per second, all channels together.
    #[arg(long, default_value_t = 20.0)]
    pub rate: f64,
    /// How long, e.g. `60s` or `10m`.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub duration: std::time::Duration,
    /// Operations per batch.
    #[arg(long, default_value_t = 10)]
    pub batch: usize,
    /// Share of operations with a mistake a person must fix.
    #[arg(long, default_value_t = 0.08)]
    pub mistake_rate: f64,
    /// The random seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// After sending, keep reading the feeds this long (e.g. `3m`) until every create came back
    /// with its real account, to measure the end-to-end time.
    #[arg(long, default_value = "0s", value_parser = humantime::parse_duration)]
    pub settle: std::time::Duration,
}

/// Options of `seed-demo`.
#[derive(Debug, Args)]
pub struct SeedArgs {
    /// How many operations to generate.
    #[arg(long, default_value_t = 5_000)]
    pub operations: u64,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Spread the operations over this many days up to now.
    #[arg(long, default_value_t = 30)]
    pub days: u32,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Only when the database holds no operations yet (command 1 seeds this way).
    #[arg(long)]
    pub if_empty: bool,
}
