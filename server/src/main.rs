//! `custsync`: the headquarters side of asynchronous customer operations. See `cli.rs` for the
//! commands; everything else lives in the `server` library so tests can drive it.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    server::telemetry::init(&cli.log);
    server::panics::install_hook();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("custsync: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(server::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One clear line: what failed and why, no backtrace.
            eprintln!("custsync: {error:#}");
            ExitCode::FAILURE
        }
    }
}
