//! Co-simulation of the AXI top (`generate --bus axi`) against the golden model: programming
//! through AXI4-Lite, vectors in and results out through AXI4-Stream with random gaps and
//! backpressure, programming attempted while streaming, the AXI rules checked on every cycle;
//! the register map's status, counters and error responses.

use crate::common::*;
use cimtile_cosim::axi_driver::{build_axi_tile, reg, AxiTileRtl, Resp};
use cimtile_cosim::tile_driver::Stimulus;
use cimtile_tile::config::TileConfig;
use cimtile_tile::random_case::{expected_with_writes, random_case};
use proptest::prelude::*;

fn load(config: &TileConfig) -> AxiTileRtl {
    let p = config.validate().unwrap();
    AxiTileRtl::load(
        p.clone(),
        &build_axi_tile(&p).unwrap_or_else(|e| panic!("build failed: {e}")),
    )
    .unwrap()
}

/// Configurations the property draws from: the cosim pool's first ones, whose builds are cached.
const POOL: u64 = 4;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, max_shrink_iters: 16, ..ProptestConfig::default() })]

    #[test]
    fn axi_tile_equals_the_golden_model(
        index in 0..POOL,
        seed in any::<u64>(),
        mvms in 1usize..8,
        gaps in 0u32..50,
        stalls in 0u32..50,
        attempts in 0u32..8,
    ) {
        let config = random_config(index);
        let p = config.validate().unwrap();
        let case = random_case(&p, mvms, seed);
        let mut rtl = load(&config);
        rtl.program_weights(&case.weights).unwrap();
        rtl.program_columns(&case.columns).unwrap();
        let stim = Stimulus { input_gap_percent: gaps, backpressure_percent: stalls, program_attempt_percent: attempts, seed };
        let stream = rtl.stream(&case.inputs, &stim);
        prop_assert!(stream.is_ok(), "{}\nconfig:\n{}", stream.unwrap_err(), config.to_toml());
        let stream = stream.unwrap();
        prop_assert_eq!(stream.outputs, expected_with_writes(&p, &case, &stream.column_writes), "config:\n{}", config.to_toml());
    }
}

fn read(rtl: &mut AxiTileRtl, addr: u32) -> u32 {
    let (value, resp) = rtl.read(addr).unwrap();
    assert_eq!(resp, Resp::Okay, "read of 0x{addr:02x}");
    value
}

#[test]
fn default_preset_streams_and_counts() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let case = random_case(&p, 100, 7);
    let mut rtl = load(&config);
    assert_eq!(read(&mut rtl, reg::ID), 0x4349_4d54);
    assert_eq!(
        read(&mut rtl, reg::GEOMETRY),
        (p.cols() as u32) << 16 | p.rows() as u32
    );
    assert_eq!(read(&mut rtl, reg::PHYS_COLS), p.phys_cols() as u32);
    let format = read(&mut rtl, reg::FORMAT);
    assert_eq!(
        (format & 0x1f, (format >> 8) & 0x3f, (format >> 16) & 0xf),
        (p.input_bits(), p.output_bits(), p.cell_bits())
    );
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    assert_eq!(
        rtl.write(reg::CONTROL, 1).unwrap(),
        Resp::Okay,
        "clear the counters"
    );
    let stim = Stimulus {
        input_gap_percent: 30,
        backpressure_percent: 40,
        program_attempt_percent: 3,
        seed: 5,
    };
    let stream = rtl.stream(&case.inputs, &stim).unwrap();
    assert_eq!(
        stream.outputs,
        expected_with_writes(&p, &case, &stream.column_writes)
    );
    assert_eq!(read(&mut rtl, reg::VECTORS), 100);
    assert_eq!(read(&mut rtl, reg::MVMS), 100);
    assert_eq!(read(&mut rtl, reg::TLAST_ERRORS), 0);
    let cycles = read(&mut rtl, reg::CYCLES) as u64;
    assert!(
        cycles >= stream.cycles && cycles < stream.cycles + 100,
        "CYCLES {cycles}, stream {}",
        stream.cycles
    );
    let busy = read(&mut rtl, reg::BUSY_CYCLES) as u64;
    assert!(
        busy > 100 * p.min_cycles_per_mvm() / 2 && busy <= cycles,
        "BUSY_CYCLES {busy}"
    );
    assert!(
        read(&mut rtl, reg::OUT_STALLS) > 0,
        "40% backpressure stalls the result stream"
    );
    assert!(
        read(&mut rtl, reg::IN_STALLS) > 0,
        "the tile holds input back while both banks are full"
    );
    let status = read(&mut rtl, reg::STATUS);
    assert_eq!(
        status
            & (reg::STATUS_BUSY
                | reg::STATUS_IDLE
                | reg::STATUS_TLAST_EARLY
                | reg::STATUS_TLAST_MISSING),
        reg::STATUS_IDLE
    );
    assert_ne!(
        status & reg::STATUS_PROG_REFUSED,
        0,
        "some programming was refused while busy"
    );
    assert_eq!(
        rtl.write(reg::STATUS, reg::STATUS_PROG_REFUSED).unwrap(),
        Resp::Okay
    );
    assert_eq!(
        read(&mut rtl, reg::STATUS) & reg::STATUS_PROG_REFUSED,
        0,
        "write 1 to clear"
    );
}

/// A one-row tile whose MVMs are shorter than the gaps between vectors, so the stream leaves it
/// idle and programming lands between vectors, each write where the driver saw it land.
#[test]
fn programming_lands_between_vectors_when_the_stream_leaves_the_tile_idle() {
    let config =
        TileConfig::layered(None, "[array]\nrows = 1\ncols = 2\nrows_per_read = 1").unwrap();
    let p = config.validate().unwrap();
    let case = random_case(&p, 40, 8);
    let mut rtl = load(&config);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    let stim = Stimulus {
        input_gap_percent: 97,
        backpressure_percent: 20,
        program_attempt_percent: 20,
        seed: 2,
    };
    let stream = rtl.stream(&case.inputs, &stim).unwrap();
    let landed: Vec<usize> = stream
        .column_writes
        .iter()
        .map(|w| w.vector)
        .filter(|&k| k > 0 && k < 40)
        .collect();
    assert!(landed.len() >= 3, "{:?}", stream.column_writes);
    assert_eq!(
        stream.outputs,
        expected_with_writes(&p, &case, &stream.column_writes)
    );
}

#[test]
fn back_to_back_through_axi_keeps_the_tiles_pace() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let case = random_case(&p, 8, 3);
    let mut rtl = load(&config);
    rtl.program_weights(&case.weights).unwrap();
    let stream = rtl.stream(&case.inputs, &Stimulus::default()).unwrap();
    assert_eq!(
        stream.steady_cycles_per_mvm(),
        Some(p.expected_cycles_per_mvm())
    );
}

#[test]
fn misplaced_tlast_is_reported_and_the_count_frames_vectors() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let rows = p.rows();
    let case = random_case(&p, 4, 9);
    let mut rtl = load(&config);
    rtl.program_weights(&case.weights).unwrap();
    rtl.program_columns(&case.columns).unwrap();
    // Vector 1 has an extra tlast on its row 2; vector 2 lacks its own.
    let tlast = |i: usize| (i % rows == rows - 1 && i / rows != 2) || i == rows + 2;
    let stream = rtl
        .stream_with_tlast(&case.inputs, &Stimulus::default(), tlast)
        .unwrap();
    assert_eq!(stream.outputs, expected_with_writes(&p, &case, &[]));
    let status = read(&mut rtl, reg::STATUS);
    assert_eq!(
        status & (reg::STATUS_TLAST_EARLY | reg::STATUS_TLAST_MISSING),
        reg::STATUS_TLAST_EARLY | reg::STATUS_TLAST_MISSING
    );
    assert_eq!(read(&mut rtl, reg::TLAST_ERRORS), 2);
    assert_eq!(read(&mut rtl, reg::IN_ROW), 0);
    rtl.write(
        reg::STATUS,
        reg::STATUS_TLAST_EARLY | reg::STATUS_TLAST_MISSING,
    )
    .unwrap();
    assert_eq!(
        read(&mut rtl, reg::STATUS) & (reg::STATUS_TLAST_EARLY | reg::STATUS_TLAST_MISSING),
        0
    );
}

#[test]
fn bad_writes_and_reads_answer_slverr_and_change_nothing() {
    let config = preset("default");
    let p = config.validate().unwrap();
    let mut rtl = load(&config);
    assert_eq!(rtl.read(0x3c).unwrap(), (0, Resp::SlvErr), "unmapped read");
    assert_eq!(
        rtl.read(reg::PROG_COLUMN).unwrap(),
        (0, Resp::Okay),
        "write-only reads 0"
    );
    rtl.write(reg::PROG_MULT, 7 | 3 << 16).unwrap();
    let refused = [
        (0xfc, 0, 0xf, "unmapped address"),
        (reg::CYCLES, 0, 0xf, "read-only register"),
        (reg::PROG_BIAS, 9, 0x3, "partial write"),
        (reg::PROG_ROW, p.rows() as u32, 0xf, "row out of range"),
        (
            reg::PROG_CELL,
            p.phys_cols() as u32,
            0xf,
            "physical column out of range",
        ),
        (
            reg::PROG_CELL,
            1 << (24 + p.cell_bits()),
            0xf,
            "level out of range",
        ),
        (
            reg::PROG_COLUMN,
            p.cols() as u32,
            0xf,
            "column out of range",
        ),
    ];
    for (addr, data, strb, what) in refused {
        assert_eq!(
            rtl.write_strobed(addr, data, strb).unwrap(),
            Resp::SlvErr,
            "{what}"
        );
    }
    assert_eq!(read(&mut rtl, reg::PROG_MULT), 7 | 3 << 16);
    assert_eq!(
        read(&mut rtl, reg::PROG_BIAS),
        0,
        "the partial write changed nothing"
    );
    assert_eq!(read(&mut rtl, reg::PROG_ROW), 0);
    // A programming write while a vector is in flight (its first element taken): SLVERR.
    let sim = rtl.simulator();
    let (tvalid, tready) = (
        sim.port("s_axis_tvalid").unwrap(),
        sim.port("s_axis_tready").unwrap(),
    );
    assert_eq!(sim.get(tready), 1);
    sim.set(tvalid, 1);
    sim.cycle();
    sim.set(tvalid, 0);
    sim.cycle();
    assert_eq!(
        read(&mut rtl, reg::STATUS) & reg::STATUS_BUSY,
        reg::STATUS_BUSY
    );
    assert_eq!(
        rtl.write(reg::PROG_COLUMN, 0).unwrap(),
        Resp::SlvErr,
        "busy"
    );
    assert_ne!(read(&mut rtl, reg::STATUS) & reg::STATUS_PROG_REFUSED, 0);
}
