//! The cells of each block of the tile, from Yosys's `stat -json` of the unflattened design.

use super::figures::count_cells;
use super::Target;
use serde_json::Value;

/// The module a Yosys module name was elaborated from: `$paramod$1f..\cim_stream_fifo` and
/// `$paramod\cim_stream_fifo\DEPTH=..` -> `cim_stream_fifo`.
pub(crate) fn base_module(name: &str) -> &str {
    let name = name.trim_start_matches('\\');
    match name.strip_prefix("$paramod") {
        Some(rest) => rest.split('\\').nth(1).unwrap_or(name),
        None => name,
    }
}

/// A block of the tile and its mapped cells, in the order of `Target::block_cells`.
#[derive(Debug, Clone)]
pub struct Block {
    /// The Verilog module the block was elaborated from.
    pub module: String,
    /// Yosys cells of each type of [`Target::block_cells`], in that order, over all instances.
    pub cells: Vec<u64>,
}

/// The cells of each block from Yosys's `stat -json` of the unflattened design under `top`:
/// a module's own cells times its instances, the instances of one module (such as the two
/// FIFOs) summed, the arithmetic parts of a block (the emulated crossbar's multipliers by
/// constants) counted with it, largest block first.
pub(crate) fn blocks(target: &Target, stat: &Value, top: &str) -> Vec<Block> {
    let modules = stat["modules"].as_object();
    let find = |name: &str| {
        modules
            .and_then(|m| m.iter().find(|(k, _)| k.trim_start_matches('\\') == name))
            .map(|(_, v)| v)
    };
    let mut out: Vec<Block> = Vec::new();
    // (module, instances, block): a module's submodules appear among its cell types.
    let mut pending = vec![(top.to_string(), 1u64, base_module(top).to_string())];
    while let Some((name, instances, block)) = pending.pop() {
        let Some(module) = find(&name) else { continue };
        let cells = &module["num_cells_by_type"];
        for (child, n) in cells.as_object().into_iter().flatten() {
            let child = child.trim_start_matches('\\');
            if find(child).is_some() {
                let base = base_module(child);
                let owner = if cimtile_hdl::is_arithmetic_part(base) {
                    block.clone()
                } else {
                    base.to_string()
                };
                pending.push((
                    child.to_string(),
                    instances * n.as_u64().unwrap_or(0),
                    owner,
                ));
            }
        }
        let counts: Vec<u64> = target
            .block_cells()
            .iter()
            .map(|(_, cell)| instances * count_cells(cells, cell))
            .collect();
        match out.iter_mut().find(|b| b.module == block) {
            Some(b) => b
                .cells
                .iter_mut()
                .zip(&counts)
                .for_each(|(sum, n)| *sum += n),
            None => out.push(Block {
                module: block,
                cells: counts,
            }),
        }
    }
    out.sort_by_key(|b| std::cmp::Reverse(b.cells.iter().sum::<u64>()));
    out
}

/// The per-block table, where there is one (nothing for no blocks).
pub(crate) fn write_table(
    f: &mut impl std::fmt::Write,
    target: &Target,
    blocks: &[Block],
) -> std::fmt::Result {
    if blocks.is_empty() {
        return Ok(());
    }
    writeln!(f, "per block (Yosys cells before packing, so LUT4 + carry + LUT RAM are not the packed LUT count):")?;
    writeln!(
        f,
        "  {:<24}{}",
        "block",
        target
            .block_cells()
            .iter()
            .map(|(label, _)| format!("{label:>12}"))
            .collect::<String>()
    )?;
    for b in blocks {
        writeln!(
            f,
            "  {:<24}{}",
            b.module,
            b.cells
                .iter()
                .map(|n| format!("{n:>12}"))
                .collect::<String>()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fpga::Family;
    use serde_json::json;

    #[test]
    fn cells_per_block() {
        assert_eq!(
            base_module("$paramod$1f2e\\cim_stream_fifo"),
            "cim_stream_fifo"
        );
        assert_eq!(
            base_module("$paramod\\cim_stream_fifo\\DEPTH=s32'1"),
            "cim_stream_fifo"
        );
        assert_eq!(base_module("\\cim_tile"), "cim_tile");
        let target = Target {
            family: Family::Ecp5,
            device: "85k".into(),
            package: "CABGA381".into(),
            freq_mhz: 125,
        };
        // Two FIFOs of different parameters sum into one block; the top keeps its own cells.
        let stat = json!({"modules": {
            "\\cim_tile": {"num_cells_by_type": {"LUT4": 3, "$paramod$a\\cim_stream_fifo": 1, "$paramod$b\\cim_stream_fifo": 2, "$paramod$c\\cim_crossbar_emulated": 1}},
            "$paramod$a\\cim_stream_fifo": {"num_cells_by_type": {"LUT4": 10, "TRELLIS_FF": 4}},
            "$paramod$b\\cim_stream_fifo": {"num_cells_by_type": {"LUT4": 1}},
            "$paramod$c\\cim_crossbar_emulated": {"num_cells_by_type": {"LUT4": 50, "MULT18X18D": 12}},
        }});
        let blocks = blocks(&target, &stat, "cim_tile");
        let row = |name: &str| {
            blocks
                .iter()
                .find(|b| b.module == name)
                .map(|b| b.cells.clone())
        };
        assert_eq!(blocks[0].module, "cim_crossbar_emulated");
        assert_eq!(row("cim_crossbar_emulated"), Some(vec![50, 0, 0, 0, 0, 12]));
        assert_eq!(row("cim_stream_fifo"), Some(vec![12, 0, 0, 4, 0, 0]));
        assert_eq!(row("cim_tile"), Some(vec![3, 0, 0, 0, 0, 0]));
    }
}
