//! Progress of long work, on stderr: indicatif draws only when stderr is a terminal, so piped
//! or redirected output stays clean.

use cimtile_cosim::CosimError;
use indicatif::{ProgressBar, ProgressStyle};
use std::borrow::Cow;
use std::time::Duration;

/// A ticking spinner with `message` and the elapsed time, for work of unknown length.
pub fn spinner(message: impl Into<Cow<'static, str>>) -> ProgressBar {
    let spinner = ProgressBar::new_spinner().with_message(message);
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("a valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}

/// A bar over `len` items called `unit`, with the time left.
pub fn bar(len: u64, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{elapsed}} (about {{eta}} left)");
    bar.set_style(ProgressStyle::with_template(&template).expect("a valid template"));
    bar
}

/// A bar over `len` steps of a flow, each named by the bar's message while it runs.
pub fn steps(len: u64) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}, {elapsed}")
            .expect("a valid template"),
    );
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}

/// Runs `build` (a Verilator build of the tile, or the cache's) under a spinner.
pub fn build_with_spinner<T>(
    build: impl FnOnce() -> Result<T, CosimError>,
) -> Result<T, CosimError> {
    let spinner = spinner("building the tile with Verilator (cached afterwards)");
    let built = build();
    spinner.finish_and_clear();
    built
}

/// Runs a flow with a [`cimtile_flows::Status`] that draws a spinner from the flow's first word
/// on (a flow served from its cache says nothing and shows nothing), cleared at the end.
pub fn with_status<T>(run: impl FnOnce(cimtile_flows::Status) -> T) -> T {
    let shown = std::cell::OnceCell::new();
    let status = |what: &str| {
        shown
            .get_or_init(|| spinner(String::new()))
            .set_message(what.to_string());
    };
    let out = run(&status);
    if let Some(spinner) = shown.get() {
        spinner.finish_and_clear();
    }
    out
}
