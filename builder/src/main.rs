//! `starmap`: the command line over the `starmap-core` stage library. Parses the flags (clap),
//! runs the subcommand, and turns its error into one line on stderr and the exit status
//! documented in `starmap --help`: 2 for bad input, 1 when the output could not be written.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod cli;
mod commands;
mod progress;
mod serve;
mod site;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Flag errors exit here with clap's own status, 2: the same as any other bad input.
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(if e.is_bad_input() { cli::EXIT_BAD_INPUT } else { cli::EXIT_FAILED })
        }
    }
}
