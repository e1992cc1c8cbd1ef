//! `starmap`: the command-line shell over the builder library.

use std::process::ExitCode;

use clap::Parser;
use starmap_builder::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match starmap_builder::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}
