//! docs/ppa.md's table against the published figures, re-derived from `cimtile ppa --no-synth`:
//! the figures that need no synthesis (node and clock, cycles and MVMs/s, TOPS, and the analog
//! core's TOPS/W and ADC shares). `l2::ppa_synthesis` checks the synthesized ones.

use crate::common::figures::{assert_figure, doc_table};
use crate::common::*;

#[test]
fn the_documented_figures_without_synthesis_are_the_commands() {
    let table = doc_table("docs/ppa.md", "## Against the published figures");
    let dir = tempfile::tempdir().unwrap();
    for preset in ["default", "isaac", "neurram"] {
        let out = ppa(
            &["--preset", preset, "--no-synth", "--json", "r.json"],
            dir.path(),
            &[],
        );
        assert!(out.status.success(), "{preset}: {}", stderr(&out));
        let r = json(&dir.path().join("r.json"));
        let number = |key: &str| r[key].as_f64().unwrap_or_else(|| panic!("no {key} in {r}"));
        let cell = |row: &str| table.cell(row, preset).to_string();
        let parts = |row: &str, separator: &str| -> Vec<String> {
            cell(row).split(separator).map(str::to_string).collect()
        };

        let node_clock = parts("node, clock", ", ");
        assert_figure(
            &format!("{preset}: node"),
            &node_clock[0],
            number("node_nm"),
        );
        assert_figure(
            &format!("{preset}: clock"),
            &node_clock[1],
            number("clock_mhz"),
        );
        let cycles = parts("cycles per MVM, MVMs/s", ", ");
        assert_figure(
            &format!("{preset}: cycles per MVM"),
            &cycles[0],
            number("cycles_per_mvm"),
        );
        assert_figure(
            &format!("{preset}: MVMs/s"),
            &cycles[1],
            number("mvm_per_s"),
        );
        assert_figure(&format!("{preset}: TOPS"), &cell("TOPS"), number("tops"));

        let analog =
            cell("without the digital periphery (`--no-synth`): TOPS/W; ADC share of energy, area");
        let (tops_per_w, shares) = analog.split_once("; ").expect("TOPS/W; shares");
        let (energy, area) = shares.split_once(", ").expect("energy, area");
        assert_figure(
            &format!("{preset}: TOPS/W (--no-synth)"),
            tops_per_w,
            number("tops_per_w"),
        );
        let adc_energy = r["energy_pj"]["adc"].as_f64().unwrap() / number("energy_pj_per_mvm");
        let adc_area = r["area_mm2_by_block"]["adcs"].as_f64().unwrap() / number("area_mm2");
        assert_figure(
            &format!("{preset}: ADC share of energy"),
            energy,
            adc_energy,
        );
        assert_figure(&format!("{preset}: ADC share of area"), area, adc_area);
    }
}
