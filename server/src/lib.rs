//! The custsync server: command line, start-up, HTTP routes and the demo data generator.

pub mod access;
pub mod api;
pub mod bench;
pub mod cli;
pub mod corrections;
pub mod health;
pub mod jobs;
pub mod live;
pub mod message_page;
pub mod monitoring;
pub mod panics;
pub mod seed;
pub mod simulate;
pub mod startup;
pub mod static_files;
pub mod telemetry;
pub mod users;
pub mod wire;

use app::storage::{Db, PoolSettings};

use cli::{Cli, Command};

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or_default() {
        Command::Serve(serve) => {
            let db = open_database(&cli.database_url).await?;
            if serve.seed_demo_if_empty && db.count_operations().await? == 0 {
                tracing::info!("empty database: adding demo data");
                seed::seed_demo(&db, &seed::DemoConfig::default(), true).await?;
            }
            db.ensure_job_schedules(serve.job_interval_seconds).await?;
            users::first_admin(&db, serve.admin_password.as_deref()).await?;
            startup::serve(db, &serve).await
        }
        Command::Migrate => {
            let db = open_database(&cli.database_url).await?;
            tracing::info!(database = %db.location(), "migrations applied");
            db.close().await;
            Ok(())
        }
        Command::Token(cli::TokenCommand::Create(args)) => {
            let db = open_database(&cli.database_url).await?;
            let Some(channel) = db.channel_by_code_or_id(&args.channel).await? else {
                anyhow::bail!(
                    "there is no channel “{}” (give its code or id)",
                    args.channel
                );
            };
            let token = app::access::secrets::new_token();
            let now = app::storage::to_micros(chrono::Utc::now());
            db.insert_channel_token(
                channel.id,
                &app::access::secrets::token_hash(&token),
                args.label.as_deref(),
                now,
            )
            .await?;
            eprintln!(
                "A new API token for {} ({}). It is shown only now; store it in the channel's settings:",
                channel.name, channel.code
            );
            println!("{token}");
            db.close().await;
            Ok(())
        }
        Command::User(cli::UserCommand::Create(args)) => {
            let db = open_database(&cli.database_url).await?;
            users::create_from_cli(&db, &args).await?;
            db.close().await;
            Ok(())
        }
        Command::BenchSync(args) => {
            let db = open_database(&cli.database_url).await?;
            let report = bench::sync_bench(&db, args.operations, args.workers).await?;
            println!("{report}");
            db.close().await;
            Ok(())
        }
        Command::BenchSave(args) => {
            let db = open_database(&cli.database_url).await?;
            println!(
                "bench-save on {}: {} operations, {} samples per case",
                db.location(),
                db.count_operations().await?,
                args.samples
            );
            for case in bench::save::save_bench(&db, args.samples).await? {
                println!("{case}");
            }
            db.close().await;
            Ok(())
        }
        Command::BenchPage(args) => {
            let db = open_database(&cli.database_url).await?;
            println!(
                "bench-page on {}: {} operations, {} samples per case",
                db.location(),
                db.count_operations().await?,
                args.samples
            );
            for case in bench::page::page_bench(&db, args.samples).await? {
                println!("{case}");
            }
            db.close().await;
            Ok(())
        }
        Command::Simulate(args) => {
            let db = open_database(&cli.database_url).await?;
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
            db.close().await;
            Ok(())
        }
        Command::SeedDemo(args) => {
            let db = open_database(&cli.database_url).await?;
            let config = seed::DemoConfig {
                operations: args.operations,
                seed: args.seed,
                days: args.days,
                now: None,
            };
            let report = seed::seed_demo(&db, &config, !args.quiet).await?;
            println!("{report}");
            db.close().await;
            Ok(())
        }
    }
}

/// Opens the database and brings its schema up to date; a failure stops start-up.
pub async fn open_database(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url, &PoolSettings::default()).await?;
    db.migrate().await?;
    tracing::info!(backend = db.backend().name(), database = %db.location(), "database ready");
    Ok(db)
}
