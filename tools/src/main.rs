//! `custsync-tools`: the demo generator, simulated channels and benchmarks (see `cli.rs`).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = custsync_tools::cli::Cli::parse();
    server::run_command(
        "custsync-tools",
        &cli.global.log.clone(),
        custsync_tools::run(cli),
    )
}
