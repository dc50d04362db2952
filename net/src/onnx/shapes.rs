//! Shape arithmetic computed while the graph is read: `Shape`, `Gather`, `Unsqueeze`,
//! `Squeeze` and `Concat` on constants and tensor shapes, and the shape a `Reshape` gives.

use super::import::{Importer, Value};
use super::proto::attr;
use anyhow::{anyhow, bail, Result};
use tract_onnx::pb::{AttributeProto, NodeProto};

impl Importer<'_> {
    /// Constant input `i` of a shape-arithmetic node; a tensor computed from the images is
    /// refused (only `Shape` reads one, and only its shape).
    fn shape_value(&self, node: &NodeProto, i: usize) -> Result<(Vec<usize>, Vec<f64>)> {
        let name = node
            .input
            .get(i)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| anyhow!("input {i} is missing"))?;
        match self.value(name)? {
            Value::Const { dims, data } => Ok((dims.clone(), data.clone())),
            Value::Node(_) => bail!("input {i} ('{name}') is computed from the images; {} is supported on constants and shapes only", node.op_type),
        }
    }

    /// `Shape`, `Gather`, `Unsqueeze`, `Squeeze` and `Concat` of constants and tensor shapes,
    /// computed now; a tensor's shape has the batch dimension 1 (the graph runs image by image).
    pub(super) fn shape_arithmetic(&self, node: &NodeProto) -> Result<(Vec<usize>, Vec<f64>)> {
        let axis_of = |a: i64, rank: usize| -> Result<usize> {
            let r = rank as i64;
            if a < -r || a >= r {
                bail!("axis {a} is outside a tensor of {rank} dimensions");
            }
            Ok(((a + r) % r) as usize)
        };
        let axes =
            |given: Option<&AttributeProto>, input: Option<(Vec<usize>, Vec<f64>)>| -> Vec<i64> {
                given
                    .map(|a| a.ints.clone())
                    .or_else(|| input.map(|(_, v)| v.iter().map(|&a| a as i64).collect()))
                    .unwrap_or_default()
            };
        match node.op_type.as_str() {
            "Shape" => {
                let full: Vec<f64> = match self.value(&node.input[0])? {
                    Value::Node(n) => std::iter::once(1)
                        .chain(self.nodes[*n].shape.iter().copied())
                        .map(|d| d as f64)
                        .collect(),
                    Value::Const { dims, .. } => dims.iter().map(|&d| d as f64).collect(),
                };
                let rank = full.len() as i64;
                let clip = |a: i64| (if a < 0 { a + rank } else { a }).clamp(0, rank) as usize;
                let start = clip(attr(node, "start").map_or(0, |a| a.i));
                let end = clip(attr(node, "end").map_or(rank, |a| a.i)).max(start);
                Ok((vec![end - start], full[start..end].to_vec()))
            }
            "Gather" => {
                let (dims, data) = self.shape_value(node, 0)?;
                let (idims, idx) = self.shape_value(node, 1)?;
                if dims.len() != 1 || attr(node, "axis").map_or(0, |a| a.i) != 0 {
                    bail!("only a gather from a vector (a shape) is supported; the data has shape {dims:?}");
                }
                let n = data.len() as i64;
                let at = |i: f64| -> Result<f64> {
                    let j = if i < 0.0 { i as i64 + n } else { i as i64 };
                    usize::try_from(j)
                        .ok()
                        .and_then(|j| data.get(j).copied())
                        .ok_or_else(|| anyhow!("index {i} is outside {n} values"))
                };
                let picked = idx.iter().map(|&i| at(i)).collect::<Result<_>>()?;
                Ok((idims, picked))
            }
            "Unsqueeze" => {
                let (mut dims, data) = self.shape_value(node, 0)?;
                let given = if node.input.len() > 1 {
                    Some(self.shape_value(node, 1)?)
                } else {
                    None
                };
                let list = axes(attr(node, "axes"), given);
                let rank = dims.len() + list.len();
                let mut at = list
                    .iter()
                    .map(|&a| axis_of(a, rank))
                    .collect::<Result<Vec<_>>>()?;
                at.sort_unstable();
                for a in at {
                    dims.insert(a.min(dims.len()), 1);
                }
                Ok((dims, data))
            }
            "Squeeze" => {
                let (dims, data) = self.shape_value(node, 0)?;
                let given = if node.input.len() > 1 {
                    Some(self.shape_value(node, 1)?)
                } else {
                    None
                };
                let at = axes(attr(node, "axes"), given)
                    .iter()
                    .map(|&a| axis_of(a, dims.len()))
                    .collect::<Result<Vec<_>>>()?;
                if at.iter().any(|&a| dims[a] != 1) {
                    bail!("it squeezes axes {at:?} of shape {dims:?}; only dimensions of 1 can be squeezed");
                }
                let keep = |(i, &d): (usize, &usize)| {
                    if at.is_empty() {
                        d != 1
                    } else {
                        !at.contains(&i)
                    }
                };
                Ok((
                    dims.iter()
                        .enumerate()
                        .filter(|p| keep(*p))
                        .map(|(_, &d)| d)
                        .collect(),
                    data,
                ))
            }
            _ => {
                let mut out = vec![];
                for i in 0..node.input.len() {
                    let (dims, data) = self.shape_value(node, i)?;
                    if dims.len() > 1 {
                        bail!("only vectors (shapes) can be concatenated; input {i} has shape {dims:?}");
                    }
                    out.extend(data);
                }
                Ok((vec![out.len()], out))
            }
        }
    }
}

/// The per-image shape after a Reshape of a one-image tensor of per-image shape `shape` to
/// `target` (ONNX: 0 copies a dimension, -1 takes the rest); the batch dimension must stay first.
pub(super) fn reshape(shape: &[usize], target: &[f64]) -> Result<Vec<usize>> {
    let full: Vec<usize> = std::iter::once(1).chain(shape.iter().copied()).collect();
    let size: usize = shape.iter().product();
    let mut dims: Vec<Option<usize>> = Vec::with_capacity(target.len());
    for (i, &t) in target.iter().enumerate() {
        dims.push(match t as i64 {
            0 => {
                Some(*full.get(i).ok_or_else(|| {
                    anyhow!("shape {target:?}: 0 at {i} has no dimension to copy")
                })?)
            }
            -1 => None,
            d if d > 0 => Some(d as usize),
            d => bail!("shape {target:?}: dimension {d} is not valid"),
        });
    }
    let known: usize = dims.iter().flatten().product();
    let dims: Vec<usize> = match dims.iter().filter(|d| d.is_none()).count() {
        0 => dims.into_iter().flatten().collect(),
        1 if known > 0 && size % known == 0 => dims
            .into_iter()
            .map(|d| d.unwrap_or(size / known))
            .collect(),
        _ => bail!("shape {target:?} does not fit {size} values per image"),
    };
    if dims.iter().product::<usize>() != size || dims.first() != Some(&1) {
        bail!("shape {target:?} of a tensor of shape {full:?}: only reshapes that keep the batch dimension first are supported");
    }
    Ok(dims[1..].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reshape_keeps_the_batch_first() {
        assert_eq!(reshape(&[16, 2, 2], &[1.0, -1.0]).unwrap(), vec![64]);
        assert_eq!(reshape(&[16, 2, 2], &[-1.0, 64.0]).unwrap(), vec![64]);
        assert_eq!(
            reshape(&[16, 2, 2], &[0.0, 16.0, 4.0]).unwrap(),
            vec![16, 4]
        );
        assert!(reshape(&[16, 2, 2], &[64.0]).is_err());
    }
}
