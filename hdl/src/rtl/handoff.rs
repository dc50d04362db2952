//! Files for the engineer who receives a generated directory: a FuseSoC core, an SDC file and a
//! README with the host interface of this very configuration.

use super::{FileRole, GeneratedRtl, RtlFile};
use crate::config::TileParams;

pub fn files(_p: &TileParams, _rtl: &GeneratedRtl) -> Vec<RtlFile> {
    let _ = FileRole::Handoff;
    Vec::new()
}
