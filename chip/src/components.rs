//! What a chip adds to its tiles, each priced per bit or per operation from [`crate::constants`]:
//! activation buffers, the mesh between tiles, partial-sum accumulation, the digital stage
//! (activation and pooling) and requantization.

use crate::constants::{self as k, energy_scale};

/// The technology every component is priced at.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    /// `tech.node_nm`.
    pub nm: f64,
    /// `tech.vdd_v`: the wires' swing.
    pub vdd_v: f64,
    /// `tech.toggle_fj` at 180 nm: one register bit toggling, for the routers.
    pub toggle_fj_180: f64,
}

impl Node {
    /// Scales a Horowitz 45 nm energy to this node (Stillmaker-Baas).
    fn scaled_from_45(&self, pj: f64) -> f64 {
        pj * energy_scale(k::HOROWITZ_NODE_NM.value, self.nm)
    }
    /// Scales a 180 nm cell area to this node (ideal layout scaling, as the tile's periphery).
    pub fn area_from_180(&self, um2: f64) -> f64 {
        um2 * (self.nm / 180.0).powi(2)
    }

    /// Energy per bit of an access to an SRAM of `bits`, pJ.
    pub fn sram_pj_per_bit(&self, bits: u64) -> f64 {
        let bytes = bits as f64 / 8.0;
        let e64 = k::SRAM_8KB_PJ_PER_64B.value * (bytes / 8192.0).powf(k::SRAM_SIZE_EXPONENT.value);
        self.scaled_from_45(e64 / 64.0)
    }

    /// Area of an SRAM of `bits` (cells only), mm^2.
    pub fn sram_mm2(&self, bits: u64) -> f64 {
        let f_mm = self.nm * 1e-6;
        bits as f64 * k::SRAM_CELL_F2.value * f_mm * f_mm
    }

    /// Energy of one `width`-bit addition (or comparison), pJ.
    pub fn add_pj(&self, width: u32) -> f64 {
        self.scaled_from_45(k::ADD32_PJ.value * width as f64 / 32.0)
    }

    /// Energy of one `width` x `width`-bit multiplication, pJ.
    pub fn mult_pj(&self, width: u32) -> f64 {
        self.scaled_from_45(k::MULT32_PJ.value * (width as f64 / 32.0).powi(2))
    }

    /// Energy of one bit crossing one mesh hop of `pitch_mm`, pJ: the wire's `a C V^2` plus the
    /// router's register bit at the same toggle rate.
    pub fn hop_pj_per_bit(&self, pitch_mm: f64) -> f64 {
        let toggle = k::LINK_TOGGLE.value;
        let wire =
            toggle * k::WIRE_FF_PER_UM.value * 1e-3 * pitch_mm * 1e3 * self.vdd_v * self.vdd_v;
        let register = toggle * self.toggle_fj_180 * 1e-3 * energy_scale(180.0, self.nm);
        wire + register
    }

    /// Area of one mesh router (a flit register per port), mm^2.
    pub fn router_mm2(&self) -> f64 {
        self.area_from_180(k::ROUTER_PORTS.value * k::FLIT_BITS.value * k::FLIP_FLOP_UM2.value)
            * 1e-6
    }

    /// Area of `lanes` registered adders of `width` bits, mm^2.
    pub fn adders_mm2(&self, lanes: u64, width: u32) -> f64 {
        let cell = k::FULL_ADDER_UM2.value + k::FLIP_FLOP_UM2.value;
        self.area_from_180(lanes as f64 * width as f64 * cell) * 1e-6
    }

    /// Area of `count` array multipliers of `width` x `width` bits, mm^2.
    pub fn multipliers_mm2(&self, count: u64, width: u32) -> f64 {
        self.area_from_180(count as f64 * (width * width) as f64 * k::FULL_ADDER_UM2.value) * 1e-6
    }
}

/// The 2-D mesh the tiles sit on, each layer's tiles in a square region of their own, the
/// layers in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Mesh {
    /// Tiles per side of the chip: `ceil(sqrt(tiles))`.
    pub side: u64,
    /// Distance between neighbouring tiles: the side of a square tile, mm.
    pub pitch_mm: f64,
    /// Energy of one bit over one hop, pJ.
    pub pj_per_bit_hop: f64,
}

impl Mesh {
    /// The mesh of `tiles` square tiles of `tile_mm2` each, its hops priced at `node`.
    pub fn new(tiles: u64, tile_mm2: f64, node: &Node) -> Mesh {
        let pitch_mm = tile_mm2.sqrt();
        Mesh {
            side: (tiles as f64).sqrt().ceil() as u64,
            pitch_mm,
            pj_per_bit_hop: node.hop_pj_per_bit(pitch_mm),
        }
    }

    /// Mean hops of a bit to or from one of a layer's `tiles`: `2 s / 3`, the mean Manhattan
    /// distance on the layer's `s x s` region (`s = ceil(sqrt(tiles))`), and at least one hop
    /// from the neighbouring region.
    pub fn hops(tiles: u64) -> f64 {
        (2.0 * (tiles as f64).sqrt().ceil() / 3.0).max(1.0)
    }
}
