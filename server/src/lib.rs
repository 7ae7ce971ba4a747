//! The custsync server: command line, start-up, state, HTTP routes (pages, channel API,
//! sign-in, CSV export, health, metrics) and the job scheduler. The demo generator, the
//! simulator and the benchmarks are tools beside it (`tools/`).

pub mod access;
pub mod alerts;
pub mod api;
pub mod bulk_runner;
pub mod cli;
pub mod dossier;
pub mod edit_holds;
pub mod events;
pub mod export;
pub mod function_status;
pub mod health;
pub mod message_page;
pub mod monitoring;
pub mod panics;
pub mod scheduler;
pub mod startup;
pub mod state;
pub mod static_files;
pub mod telemetry;
pub mod user_commands;

use app::storage::{Db, PoolSettings};

use cli::{Cli, Command};

/// Runs the command the user asked for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or_default() {
        Command::Serve(serve) => {
            let db = open_database(&cli.global.database_url).await?;
            db.ensure_job_schedules(serve.job_interval_seconds).await?;
            user_commands::first_admin(&db, serve.admin_password.as_deref()).await?;
            startup::serve(db, &serve).await
        }
        Command::Migrate => {
            let db = open_database(&cli.global.database_url).await?;
            tracing::info!(database = %db.location(), "migrations applied");
            db.close().await;
            Ok(())
        }
        Command::Token(cli::TokenCommand::Create(args)) => {
            let db = open_database(&cli.global.database_url).await?;
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
        Command::Customer(cli::CustomerCommand::Export(args)) => {
            let db = open_database(&cli.global.database_url).await?;
            let lookup = app::model::dossier::CustomerLookup::from_pairs(args.pairs())
                .map_err(|m| anyhow::anyhow!("{}", m.text()))?;
            let document = match dossier::dossier(&db, &lookup, dossier::CLI_ACTOR).await {
                Ok(document) => document,
                Err(dossier::DossierError::Mistake(mistake)) => anyhow::bail!("{}", mistake.text()),
                Err(dossier::DossierError::Database(error)) => return Err(error.into()),
            };
            println!("{}", serde_json::to_string_pretty(&document)?);
            db.close().await;
            Ok(())
        }
        Command::Customer(cli::CustomerCommand::Erase(args)) => {
            let db = open_database(&cli.global.database_url).await?;
            let lookup = app::model::dossier::CustomerLookup::from_pairs(args.lookup.pairs())
                .map_err(|m| anyhow::anyhow!("{}", m.text()))?;
            let now = app::storage::to_micros(chrono::Utc::now());
            let erased = db
                .erase_customer(&lookup, &args.confirm, dossier::CLI_ACTOR, now)
                .await;
            db.close().await;
            match erased {
                Ok((_, erasure)) => {
                    println!(
                        "erased: {} operations kept as records, {} of them stopped",
                        erasure.operations, erasure.stopped
                    );
                    Ok(())
                }
                Err(error) => match error.refusal() {
                    Some((param, text)) => anyhow::bail!("{param}: {text}"),
                    None => Err(anyhow::anyhow!("the database failed: {error:?}")),
                },
            }
        }
        Command::User(cli::UserCommand::Create(args)) => {
            let db = open_database(&cli.global.database_url).await?;
            user_commands::create_from_cli(&db, &args).await?;
            db.close().await;
            Ok(())
        }
    }
}

/// Runs a binary's `command` on a multi-threaded runtime with logging to standard error
/// (filtered by `log`), and says what failed in one line, without a backtrace.
pub fn run_command(
    binary: &str,
    log: &str,
    command: impl std::future::Future<Output = anyhow::Result<()>>,
) -> std::process::ExitCode {
    telemetry::init(log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("{binary}: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(command) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{binary}: {error:#}");
            std::process::ExitCode::FAILURE
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
