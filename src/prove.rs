//! `cimtile prove`: generates the tile (or takes a generated directory) and runs its
//! SymbiYosys job (`cimtile_flows::prove`).

use crate::cli::ProveArgs;
use crate::{progress, tile_source};
use anyhow::{Context, Result};
use cimtile_flows::prove::{prove_dir, ProofStatus};
use std::process::ExitCode;

pub fn prove(args: &ProveArgs) -> Result<ExitCode> {
    let dir = match &args.dir {
        Some(dir) => dir.clone(),
        None => {
            let tile = tile_source::load(&args.tile)?;
            let generated = cimtile_hdl::generate(&tile.params);
            cimtile_hdl::write(&generated, &args.out)
                .with_context(|| format!("cannot write RTL into '{}'", args.out.display()))?;
            println!(
                "tile: {}, generated into {}",
                tile.origin,
                args.out.display()
            );
            args.out.clone()
        }
    };
    let spinner = progress::spinner("proving the host rules (SymbiYosys, Yices)");
    let outcome = prove_dir(&dir, |line| {
        if let Some((_, step)) = line.split_once("##") {
            spinner.set_message(step.trim().to_string());
        }
    })?;
    spinner.finish_and_clear();
    let failed = outcome.failed.join(", ");
    let code = match outcome.status {
        ProofStatus::Proved => {
            println!("PROVED: every host rule holds in every reachable state ({:.0} s, k-induction depth {})", outcome.seconds, outcome.depth);
            0
        }
        ProofStatus::Bounded => {
            println!(
                "BOUNDED: no host rule breaks in the first {} cycles after reset; induction did not close at {failed}, so not proved beyond ({:.0} s)",
                outcome.depth, outcome.seconds
            );
            3
        }
        ProofStatus::Broken => {
            println!("BROKEN: {failed} ({:.0} s)", outcome.seconds);
            if let Some(trace) = &outcome.trace {
                println!(
                    "counterexample: {} (cimtile wave reads it)",
                    trace.display()
                );
            }
            1
        }
    };
    println!("log: {}", outcome.log.display());
    Ok(ExitCode::from(code))
}
