//! `cimtile completions SHELL` and `cimtile man`: shell completions and man pages, made from the
//! command-line grammar itself so that they never lag behind a flag.

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::process::ExitCode;

pub fn completions(args: &CompletionsArgs) -> Result<ExitCode> {
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "cimtile",
        &mut std::io::stdout(),
    );
    Ok(ExitCode::SUCCESS)
}

/// `cimtile.1` on stdout; with `--out DIR`, `DIR/cimtile.1` and a `DIR/cimtile-SUB.1` per subcommand.
pub fn man(args: &ManArgs) -> Result<ExitCode> {
    let command = Cli::command();
    let Some(dir) = &args.out else {
        clap_mangen::Man::new(command)
            .render(&mut std::io::stdout().lock())
            .context("cannot write the man page")?;
        return Ok(ExitCode::SUCCESS);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    let subcommands = command
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .map(|s| s.clone().name(format!("cimtile-{}", s.get_name())));
    for page in std::iter::once(command.clone()).chain(subcommands) {
        let path = dir.join(format!("{}.1", page.get_name()));
        let mut roff = Vec::new();
        clap_mangen::Man::new(page).render(&mut roff)?;
        std::fs::write(&path, roff)
            .with_context(|| format!("cannot write '{}'", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
