//! Tools beside custsync, not part of the product binary: [`seed`] makes a realistic demo
//! retailer and carries its operations through the real pipeline, [`simulate`] acts as stores
//! and a web shop over the channel API, and [`bench`] measures the jobs and the page. The
//! `custsync-tools` binary runs them ([`cli`]).

pub mod bench;
pub mod cli;
pub mod seed;
pub mod simulate;

use app::storage::Db;

use cli::{Cli, Command};

/// Runs the tool the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let db = server::open_database(&cli.global.database_url).await?;
    let result = match cli.command {
        Command::SeedDemo(args) => seed_demo(&db, &args).await,
        Command::Simulate(args) => {
            let config = simulate::SimulateConfig {
                url: args.url,
                channels: args.channels,
                rate: args.rate,
                duration: args.duration,
                batch: args.batch,
                mistake_rate: args.mistake_rate,
                seed: args.seed,
                settle: args.settle,
            };
            let report = simulate::run(&db, &config).await?;
            println!("{report}");
            Ok(())
        }
        Command::BenchSync(args) => {
            let report = bench::sync_bench(&db, args.operations, args.workers).await?;
            println!("{report}");
            Ok(())
        }
        Command::BenchPage(args) => {
            print_heading(&db, "bench-page", args.samples).await?;
            for case in bench::page::page_bench(&db, args.samples).await? {
                println!("{case}");
            }
            Ok(())
        }
        Command::BenchSave(args) => {
            print_heading(&db, "bench-save", args.samples).await?;
            for case in bench::save::save_bench(&db, args.samples).await? {
                println!("{case}");
            }
            Ok(())
        }
        Command::BenchTriage(args) => {
            print_heading(&db, "bench-triage", args.samples).await?;
            for case in bench::triage::read_bench(&db, args.samples).await? {
                println!("{case}");
            }
            println!(
                "{}",
                bench::triage::flood_bench(&db, args.operations).await?
            );
            Ok(())
        }
        Command::BenchDuplicates(args) => {
            print_heading(&db, "bench-duplicates", args.samples).await?;
            let report =
                bench::duplicates::duplicates_bench(&db, args.customers, args.samples).await?;
            println!("{report}");
            Ok(())
        }
        Command::BenchRetention(args) if args.prepare => bench::retention::prepare(&db).await,
        Command::BenchRetention(args) if args.start => bench::retention::start(&db).await,
        Command::BenchRetention(args) if args.report => {
            println!("{}", bench::retention::report(&db).await?);
            Ok(())
        }
        Command::BenchRetention(args) => {
            print_heading(&db, "bench-retention", 1).await?;
            println!(
                "{}",
                bench::retention::retention_bench(&db, args.days).await?
            );
            Ok(())
        }
        Command::BenchErasure(args) => {
            print_heading(&db, "bench-erasure", args.samples).await?;
            let case = bench::erasure::erasure_bench(&db, args.operations, args.samples).await?;
            println!("{case}");
            Ok(())
        }
    };
    db.close().await;
    result
}

/// Seeds the demo retailer; with `--if-empty`, only into a database without operations.
async fn seed_demo(db: &Db, args: &cli::SeedArgs) -> anyhow::Result<()> {
    if args.if_empty && db.count_operations().await? > 0 {
        tracing::info!("the database holds operations: no demo data added");
        return Ok(());
    }
    let config = seed::DemoConfig {
        operations: args.operations,
        seed: args.seed,
        days: args.days,
        now: None,
    };
    let report = seed::seed_demo(db, &config, !args.quiet).await?;
    println!("{report}");
    Ok(())
}

async fn print_heading(db: &Db, bench: &str, samples: usize) -> anyhow::Result<()> {
    println!(
        "{bench} on {}: {} operations, {samples} samples per case",
        db.location(),
        db.count_operations().await?,
    );
    Ok(())
}
