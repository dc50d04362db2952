//! Level 0: the model and the configuration, and the command line where no simulator runs (no
//! Verilator, Icarus or synthesis): `scripts/test --fast` runs these with the unit tests, in a
//! few minutes. docs/verification.md lists the levels.

#[path = "../common/mod.rs"]
mod common;

mod cli_habits;
mod cli_run;
mod cli_v2;
mod ppa;
mod ppa_doc;
