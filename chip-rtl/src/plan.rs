//! The chip's structure, derived from the network on its tiles: one activation memory per
//! tensor, one step per operator in graph order, the tiles numbered layer by layer. The
//! Verilog, the manifest and the co-simulation all read it.

use anyhow::{bail, Result};
use cimtile_net::graph::{Graph, Op, Pool};
use cimtile_net::quant::{code_ranges, ADD_SHIFT};
use cimtile_net::tiled::requantized_on_tile;
use cimtile_tile::config::Activation;
use cimtile_tile::TileParams;
use serde::Serialize;

/// Bits of an unsigned number that holds `0..=max` (at least 1).
pub fn bits(max: u64) -> u32 {
    (64 - max.leading_zeros()).max(1)
}

/// The narrowest two's complement width that holds `lo..=hi`.
pub fn signed_bits(lo: i64, hi: i64) -> u32 {
    (1..=64)
        .find(|&w| lo >= -(1i128 << (w - 1)) as i64 && (hi as i128) < (1i128 << (w - 1)))
        .expect("an i64 range fits 64 bits")
}

/// One activation memory: the codes of a tensor.
#[derive(Debug, Clone, Serialize)]
pub struct Memory {
    /// The graph node whose tensor it holds.
    pub node: usize,
    /// Codes of the tensor.
    pub depth: usize,
    /// Two's complement bits of a code.
    pub width: u32,
}

impl Memory {
    /// Bits of an address.
    pub fn addr_bits(&self) -> u32 {
        bits(self.depth as u64 - 1)
    }
}

/// How a weight layer's im2col vectors are read: a convolution's geometry, a dense layer as a
/// 1x1 kernel over a `k x 1 x 1` input.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Window {
    /// Input channels, height, width.
    pub input: [usize; 3],
    /// Kernel height and width.
    pub kernel: [usize; 2],
    /// Vertical and horizontal stride.
    pub stride: [usize; 2],
    /// Padding at the top and the left (the bottom and right follow from the output size).
    pub pad: [usize; 2],
    /// Vertical and horizontal dilation.
    pub dilation: [usize; 2],
    /// Output height and width: the positions, one MVM each.
    pub output: [usize; 2],
}

/// A weight layer's step: its tiles, how its input is read and how its output is made.
#[derive(Debug, Clone, Serialize)]
pub struct LayerStep {
    /// Index of the weight layer (graph order).
    pub layer: usize,
    /// The layer's name.
    pub name: String,
    /// The memory it reads.
    pub input: usize,
    /// The memory it writes.
    pub output: usize,
    /// Inputs and outputs of one MVM.
    pub k: usize,
    /// Outputs of one MVM (the layer's columns).
    pub n: usize,
    /// The im2col reading.
    pub window: Window,
    /// The chip's number of the layer's first tile; its tiles follow row tile by row tile.
    pub first_tile: usize,
    /// Tiles along the inputs (their results are added) and along the outputs.
    pub row_tiles: usize,
    /// Tiles along the outputs.
    pub col_tiles: usize,
    /// Whether the chip requantizes the sum of the row tiles' accumulators (else the tiles'
    /// column parameters did).
    pub chip_requantizes: bool,
    /// Where the chip requantizes: the number of the table of its column parameters (mult,
    /// shift, bias per column) on the programming port.
    pub table: Option<usize>,
    /// A ReLU before the clamp.
    pub relu: bool,
    /// The output codes' range.
    pub range: (i64, i64),
}

impl LayerStep {
    /// MVMs an image.
    pub fn positions(&self) -> usize {
        self.window.output[0] * self.window.output[1]
    }

    /// Tiles of the layer.
    pub fn tiles(&self) -> usize {
        self.row_tiles * self.col_tiles
    }
}

/// A window operator's step: ReLU (a 1x1 window), max or average pooling, global average.
#[derive(Debug, Clone, Serialize)]
pub struct PoolStep {
    /// The graph node.
    pub node: usize,
    /// The memory it reads.
    pub input: usize,
    /// The memory it writes.
    pub output: usize,
    /// Input channels, height and width.
    pub shape: [usize; 3],
    /// Window height and width.
    pub kernel: [usize; 2],
    /// Vertical and horizontal stride.
    pub stride: [usize; 2],
    /// Padding: top, left, bottom, right.
    pub pads: [usize; 4],
    /// Output height and width.
    pub output_size: [usize; 2],
    /// The mean of the window (else its largest code).
    pub average: bool,
    /// The average's divisor counts the padding.
    pub count_pad: bool,
    /// `max(y, 0)` after.
    pub relu: bool,
}

/// A residual connection's step: two tensors added with fixed-point factors.
#[derive(Debug, Clone, Serialize)]
pub struct AddStep {
    /// The graph node.
    pub node: usize,
    /// The memories it reads.
    pub inputs: [usize; 2],
    /// The memory it writes.
    pub output: usize,
    /// Codes of each tensor.
    pub count: usize,
    /// The number of the table of its two factors on the programming port.
    pub table: usize,
    /// The factors' fraction bits.
    pub shift: u32,
    /// The output codes' range.
    pub range: (i64, i64),
}

/// One step of the image loop.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Step {
    /// A weight layer on its tiles.
    Layer(LayerStep),
    /// A window operator.
    Pool(PoolStep),
    /// A residual sum.
    Add(AddStep),
}

impl Step {
    /// The name of its engine in the chip's Verilog.
    pub fn engine(&self) -> String {
        match self {
            Step::Layer(l) => format!("layer{}", l.layer),
            Step::Pool(p) => format!("pool{}", p.node),
            Step::Add(a) => format!("add{}", a.node),
        }
    }

    /// The memories it reads, each with the name of its read port's nets.
    pub fn reads(&self) -> Vec<(usize, String)> {
        match self {
            Step::Layer(l) => vec![(l.input, self.engine())],
            Step::Pool(p) => vec![(p.input, self.engine())],
            Step::Add(a) => vec![
                (a.inputs[0], format!("{}_a", self.engine())),
                (a.inputs[1], format!("{}_b", self.engine())),
            ],
        }
    }
}

/// The chip: memories, steps and tiles.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Every activation memory.
    pub memories: Vec<Memory>,
    /// Per graph node, the memory holding its tensor (a reshape shares its input's).
    pub memory_of: Vec<usize>,
    /// The steps, in the order they run.
    pub steps: Vec<Step>,
    /// Tiles of the chip.
    pub tiles: usize,
    /// Tables of the chip's own parameters (requantization, residual factors), programmed after
    /// the tiles: table t is `prog_tile = tiles + t`.
    pub tables: usize,
    /// The memory the host's images go to.
    pub input: usize,
    /// The memory the logits are read from.
    pub output: usize,
}

impl Plan {
    /// The chip of `graph` on tiles `p`: its structure, which the quantization does not change
    /// (the requantization's constants are programmed, not built in).
    pub fn new(graph: &Graph, p: &TileParams) -> Result<Self> {
        let (in_lo, in_hi) = p.input_range();
        let ranges = code_ranges(graph, p);
        let mut memories = Vec::new();
        let mut memory_of = Vec::with_capacity(graph.nodes.len());
        let mut steps = Vec::new();
        let (mut tiles, mut tables) = (0, 0);
        for (i, node) in graph.nodes.iter().enumerate() {
            let depth = node.shape.iter().product::<usize>();
            let (lo, hi) = ranges[i];
            let own = |memories: &mut Vec<Memory>, width: u32| {
                memories.push(Memory {
                    node: i,
                    depth,
                    width,
                });
                memories.len() - 1
            };
            let memory = match node.op {
                // The sequencer writes the input codes with one bit above them, so a signed and
                // an unsigned input are both two's complement.
                Op::Input => own(
                    &mut memories,
                    signed_bits(in_lo, in_hi).max(p.input_bits() + 1),
                ),
                Op::Reshape => memory_of[node.inputs[0]],
                Op::Weight(l) => {
                    let layer = &graph.layers[l];
                    let (row_tiles, col_tiles) =
                        (layer.k.div_ceil(p.rows()), layer.n.div_ceil(p.cols()));
                    let on_tile = requantized_on_tile(p, layer.relu, (lo, hi), row_tiles);
                    let (out_lo, out_hi) = p.output_range();
                    let acc_max = p.widths().acc_max as i128;
                    if !on_tile
                        && (p.activation() != Activation::None
                            || (out_lo as i128) > -acc_max
                            || (out_hi as i128) < acc_max)
                    {
                        bail!(
                            "layer {} ({}) is requantized by the chip from its tiles' accumulators, but the tiles' outputs \
                             ({out_lo}..={out_hi}, activation {:?}) cannot hold every accumulator (-{acc_max}..={acc_max}): \
                             use a signed output of at least {} bits and output.activation = \"none\"",
                            l,
                            layer.name,
                            p.activation(),
                            p.widths().acc_bits
                        );
                    }
                    let window = match layer.conv {
                        Some(c) => Window {
                            input: [c.cin, c.h, c.w],
                            kernel: [c.kh, c.kw],
                            stride: c.stride,
                            pad: [c.pads[0], c.pads[1]],
                            dilation: c.dilation,
                            output: [c.hout, c.wout],
                        },
                        None => Window {
                            input: [layer.k, 1, 1],
                            kernel: [1, 1],
                            stride: [1, 1],
                            pad: [0, 0],
                            dilation: [1, 1],
                            output: [1, 1],
                        },
                    };
                    let output = own(&mut memories, signed_bits(lo, hi));
                    steps.push(Step::Layer(LayerStep {
                        layer: l,
                        name: layer.name.clone(),
                        input: memory_of[node.inputs[0]],
                        output,
                        k: layer.k,
                        n: layer.n,
                        window,
                        first_tile: tiles,
                        row_tiles,
                        col_tiles,
                        chip_requantizes: !on_tile,
                        table: (!on_tile).then(|| {
                            tables += 1;
                            tables - 1
                        }),
                        relu: layer.relu,
                        range: (lo, hi),
                    }));
                    tiles += row_tiles * col_tiles;
                    output
                }
                Op::Relu | Op::MaxPool(_) | Op::AveragePool(_) | Op::GlobalAveragePool => {
                    let input_node = node.inputs[0];
                    let shape = &graph.nodes[input_node].shape;
                    let [c, h, w] = match shape.as_slice() {
                        &[c, h, w] => [c, h, w],
                        _ => [shape.iter().product(), 1, 1],
                    };
                    let whole = Pool {
                        kernel: [h, w],
                        stride: [1, 1],
                        pads: [0; 4],
                        count_include_pad: false,
                    };
                    let single = Pool {
                        kernel: [1, 1],
                        ..whole
                    };
                    let (pool, average) = match node.op {
                        Op::MaxPool(pool) => (pool, false),
                        Op::AveragePool(pool) => (pool, true),
                        Op::GlobalAveragePool => (whole, true),
                        _ => (single, false),
                    };
                    let output_size = if node.op == Op::Relu {
                        [h, w]
                    } else {
                        [node.shape[1], node.shape[2]]
                    };
                    let output = own(&mut memories, signed_bits(lo, hi));
                    steps.push(Step::Pool(PoolStep {
                        node: i,
                        input: memory_of[input_node],
                        output,
                        shape: [c, h, w],
                        kernel: pool.kernel,
                        stride: pool.stride,
                        pads: pool.pads,
                        output_size,
                        average,
                        count_pad: pool.count_include_pad,
                        relu: node.op == Op::Relu,
                    }));
                    output
                }
                Op::Add => {
                    let output = own(&mut memories, signed_bits(lo, hi));
                    steps.push(Step::Add(AddStep {
                        node: i,
                        inputs: [memory_of[node.inputs[0]], memory_of[node.inputs[1]]],
                        output,
                        count: depth,
                        table: tables,
                        shift: ADD_SHIFT,
                        range: (lo, hi),
                    }));
                    tables += 1;
                    output
                }
            };
            memory_of.push(memory);
        }
        Ok(Plan {
            input: memory_of[0],
            output: memory_of[graph.output],
            memories,
            memory_of,
            steps,
            tiles,
            tables,
        })
    }

    /// The layer steps.
    pub fn layers(&self) -> impl Iterator<Item = &LayerStep> {
        self.steps.iter().filter_map(|s| match s {
            Step::Layer(l) => Some(l),
            _ => None,
        })
    }

    /// Bits of a chip tile number.
    pub fn tile_bits(&self) -> u32 {
        bits(self.tiles as u64 - 1)
    }

    /// Bits of `prog_tile`: a tile's number, or the tiles' count plus a table's.
    pub fn prog_tile_bits(&self) -> u32 {
        bits((self.tiles + self.tables) as u64 - 1)
    }

    /// Entries of each table, in table order: a layer's columns, an Add's two factors.
    pub fn table_entries(&self) -> Vec<usize> {
        let mut entries = vec![0; self.tables];
        for step in &self.steps {
            match step {
                Step::Layer(LayerStep {
                    table: Some(t), n, ..
                }) => entries[*t] = *n,
                Step::Add(a) => entries[a.table] = 2,
                _ => {}
            }
        }
        entries
    }

    /// Bits of `prog_entry`: an entry of the largest table, and at least a slot of every
    /// requantizing collector (its table spans its column tiles' `cols` columns each).
    pub fn entry_bits(&self, cols: usize) -> u32 {
        let slots = self
            .layers()
            .filter(|l| l.table.is_some())
            .map(|l| l.col_tiles * cols);
        bits(
            self.table_entries()
                .into_iter()
                .chain(slots)
                .max()
                .unwrap_or(1) as u64
                - 1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_the_narrowest_that_hold_the_range() {
        assert_eq!(signed_bits(-8, 7), 4);
        assert_eq!(signed_bits(0, 15), 5);
        assert_eq!(signed_bits(-32767, 32767), 16);
        assert_eq!(signed_bits(0, 0), 1);
        assert_eq!(bits(0), 1);
        assert_eq!(bits(1), 1);
        assert_eq!(bits(63), 6);
        assert_eq!(bits(64), 7);
    }
}
