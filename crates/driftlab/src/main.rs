//! `driftlab`: run a Driftlab scenario from the command line, or serve the app.

mod compare;
mod run;
mod serve;
mod sweep;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Driftlab: what drifting clocks do to a distributed ticket-reservation system.
#[derive(Parser)]
#[command(name = "driftlab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario to the end and print its report.
    #[command(after_help = run::presets_help())]
    Run(run::RunArgs),
    /// Serve the app and a time API backed by real NTP servers (see docs/COMPANION.md).
    Serve(serve::ServeArgs),
    /// Run a load test's matrix (algorithms × instances × users) on every core (see
    /// docs/LOAD_TESTS.md).
    Sweep(sweep::SweepArgs),
    /// Run the same crowd and seed twice, differing in one thing (the policy, NTP, ε,
    /// the preset), and print the figures side by side with their difference.
    Compare(compare::CompareArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Serve(args) => serve::serve(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Compare(args) => compare::compare(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("driftlab: {message}");
            ExitCode::FAILURE
        }
    }
}
