//! What each subcommand does once its flags are parsed: one module each, plus what they
//! share (reading a map back, the summary lines, shell words).

mod build;
mod demo;
mod inspect;
mod maps;
mod neighbors;
mod pack;
mod serve;
mod shell;
mod summary;

use starmap_core::Result;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Neighbors(args) => neighbors::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Demo(args) => demo::run(&args),
        Command::Pack(args) => pack::run(&args),
    }
}
