//! The blocks a chip of tiles is built from (`cimtile-chip-rtl` writes the chip's top around
//! them): the activation memory, the feeder of a layer's im2col vectors, the broadcast to a row
//! tile's tiles, the collector that adds and requantizes, the window operators (ReLU, pooling),
//! the residual sum, and the sequencer of the image loop.

/// `(file name, Verilog)` of each block, in compilation order.
pub const BLOCKS: [(&str, &str); 7] = [
    (
        "cim_chip_memory.v",
        include_str!("../verilog/cim_chip_memory.v"),
    ),
    (
        "cim_chip_feeder.v",
        include_str!("../verilog/cim_chip_feeder.v"),
    ),
    (
        "cim_chip_broadcast.v",
        include_str!("../verilog/cim_chip_broadcast.v"),
    ),
    (
        "cim_chip_collector.v",
        include_str!("../verilog/cim_chip_collector.v"),
    ),
    (
        "cim_chip_pool.v",
        include_str!("../verilog/cim_chip_pool.v"),
    ),
    ("cim_chip_add.v", include_str!("../verilog/cim_chip_add.v")),
    (
        "cim_chip_sequencer.v",
        include_str!("../verilog/cim_chip_sequencer.v"),
    ),
];
