//! `custsync-tools`: the demo generator, simulated channels and benchmarks (see `cli.rs`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = custsync_tools::cli::Cli::parse();
    server::telemetry::init(&cli.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("custsync-tools: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(custsync_tools::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("custsync-tools: {error:#}");
            ExitCode::FAILURE
        }
    }
}
