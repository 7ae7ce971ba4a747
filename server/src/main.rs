//! `custsync`: the headquarters side of asynchronous customer operations. See `cli.rs` for the
//! commands; everything else lives in the `server` library so tests can drive it.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = server::cli::Cli::parse();
    server::panics::install_hook();
    server::run_command("custsync", &cli.global.log.clone(), server::run(cli))
}
