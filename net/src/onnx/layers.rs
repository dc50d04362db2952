//! Weight layers (`Conv`, `Gemm`, `MatMul`) and windowed operators (pooling): their attributes
//! checked and turned into a tile matrix or a [`Pool`], with ONNX's padding and output sizes.

use super::import::Importer;
use super::proto::{attr, ints, node_name};
use crate::graph::{ConvGeometry, Layer, Op, Pool};
use crate::LayerKind;
use anyhow::{anyhow, bail, Result};
use tract_onnx::pb::NodeProto;

impl Importer<'_> {
    /// A 2-D `Conv` (groups = 1): its weight as a `Cin * kh * kw` x `Cout` matrix.
    pub(super) fn conv(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.activation(node, 0)?;
        let (wd, w) = self
            .constant(node, 1)?
            .ok_or_else(|| anyhow!("the weight input is missing"))?;
        let [cin, h, wi] = self.nodes[x].shape[..] else {
            bail!(
                "its input has shape {:?} per image; a 2-D convolution of [C, H, W] is supported",
                self.nodes[x].shape
            );
        };
        let [cout, wcin, kh, kw] = wd[..] else {
            bail!(
                "its weight has shape {wd:?}; [Cout, Cin, kh, kw] (a 2-D convolution) is supported"
            );
        };
        let group = attr(node, "group").map_or(1, |a| a.i);
        if group != 1 {
            bail!("group = {group}; only group = 1 is supported");
        }
        if wcin != cin {
            bail!("its weight takes {wcin} input channels, its input has {cin}");
        }
        if let Some(k) = attr(node, "kernel_shape") {
            if k.ints != [kh as i64, kw as i64] {
                bail!(
                    "kernel_shape {:?} differs from the weight's {kh} x {kw}",
                    k.ints
                );
            }
        }
        let stride = two(ints(node, "strides", vec![1, 1])?, "strides")?;
        let dilation = two(ints(node, "dilations", vec![1, 1])?, "dilations")?;
        if stride.contains(&0) || dilation.contains(&0) {
            bail!("strides and dilations must be positive");
        }
        let span = [(kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1];
        let pads = pads(node, [h, wi], span, stride)?;
        let (hout, wout) = (
            out_size(h, pads[0] + pads[2], span[0], stride[0], false)?,
            out_size(wi, pads[1] + pads[3], span[1], stride[1], false)?,
        );
        let k = cin * kh * kw;
        // W[co, ci, ky, kx] is row (ci, ky, kx), column co of the tile matrix.
        let mut m = vec![0.0; k * cout];
        for (co, filter) in w.chunks(k).enumerate() {
            for (row, &v) in filter.iter().enumerate() {
                m[row * cout + co] = v;
            }
        }
        let b = self.bias(node, 2, cout)?;
        let geometry = ConvGeometry {
            cin,
            h,
            w: wi,
            kh,
            kw,
            stride,
            pads,
            dilation,
            hout,
            wout,
        };
        self.weight_layer(
            node,
            x,
            Layer {
                name: node_name(node),
                kind: LayerKind::Conv,
                k,
                n: cout,
                w: m,
                b,
                relu: false,
                conv: Some(geometry),
            },
            vec![cout, hout, wout],
        );
        Ok(())
    }

    /// Constant input `i`, the bias of a layer of `n` outputs (zeros if absent; a scalar is
    /// broadcast).
    fn bias(&self, node: &NodeProto, i: usize, n: usize) -> Result<Vec<f64>> {
        match self.constant(node, i)? {
            None => Ok(vec![0.0; n]),
            Some((_, b)) if b.len() == n => Ok(b),
            Some((_, b)) if b.len() == 1 => Ok(vec![b[0]; n]),
            Some((d, _)) => bail!("its bias has shape {d:?}; {n} values are expected"),
        }
    }

    /// Appends `layer` as a weight node reading node `x`, open to a bias, batch norm or ReLU.
    fn weight_layer(&mut self, node: &NodeProto, x: usize, layer: Layer, shape: Vec<usize>) {
        self.layers.push(layer);
        self.open.push(true);
        self.push(node, Op::Weight(self.layers.len() - 1), vec![x], shape);
    }

    /// A `Gemm` or `MatMul` of the input vector by a constant matrix.
    pub(super) fn dense(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.activation(node, 0)?;
        let (bd, b) = self
            .constant(node, 1)?
            .ok_or_else(|| anyhow!("the matrix input is missing"))?;
        let [k] = self.nodes[x].shape[..] else {
            bail!("its input has shape {:?} per image; a vector per image is supported (add a Flatten)", self.nodes[x].shape);
        };
        let gemm = node.op_type == "Gemm";
        let f = |name: &str| attr(node, name).map_or(1.0, |a| a.f as f64);
        let i = |name: &str| attr(node, name).map_or(0, |a| a.i);
        if gemm && i("transA") != 0 {
            bail!("transA = 1 would transpose the batch of images into the features; only transA = 0 is supported");
        }
        let trans_b = gemm && i("transB") != 0;
        let [r, c] = bd[..] else {
            bail!("its matrix has shape {bd:?}; a 2-D constant is supported");
        };
        let (kk, n) = if trans_b { (c, r) } else { (r, c) };
        if kk != k {
            bail!("its matrix has shape {bd:?} (transB = {}), which does not take the input's {k} values", trans_b as u8);
        }
        let alpha = if gemm { f("alpha") } else { 1.0 };
        let m: Vec<f64> = (0..k * n)
            .map(|idx| {
                alpha
                    * if trans_b {
                        b[(idx % n) * k + idx / n]
                    } else {
                        b[idx]
                    }
            })
            .collect();
        let bias = if gemm {
            self.bias(node, 2, n)?
                .iter()
                .map(|v| v * f("beta"))
                .collect()
        } else {
            vec![0.0; n]
        };
        self.weight_layer(
            node,
            x,
            Layer {
                name: node_name(node),
                kind: LayerKind::Dense,
                k,
                n,
                w: m,
                b: bias,
                relu: false,
                conv: None,
            },
            vec![n],
        );
        Ok(())
    }

    /// A `MaxPool` or `AveragePool` over [C, H, W].
    pub(super) fn pool(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.activation(node, 0)?;
        if node.output.len() > 1 && self.readers.contains_key(&node.output[1]) {
            bail!("its indices output is used; only the pooled values are supported");
        }
        let [c, h, w] = self.nodes[x].shape[..] else {
            bail!(
                "its input has shape {:?} per image; 2-D pooling of [C, H, W] is supported",
                self.nodes[x].shape
            );
        };
        let kernel = two(ints(node, "kernel_shape", vec![])?, "kernel_shape")?;
        let stride = two(ints(node, "strides", vec![1, 1])?, "strides")?;
        if ints(node, "dilations", vec![1, 1])? != [1, 1] {
            bail!("dilations other than 1 are not supported");
        }
        if kernel.contains(&0) || stride.contains(&0) {
            bail!("kernel_shape and strides must be positive");
        }
        let ceil = attr(node, "ceil_mode").is_some_and(|a| a.i != 0);
        let pads = pads(node, [h, w], kernel, stride)?;
        let (mut oh, mut ow) = (
            out_size(h, pads[0] + pads[2], kernel[0], stride[0], ceil)?,
            out_size(w, pads[1] + pads[3], kernel[1], stride[1], ceil)?,
        );
        // With ceil_mode, a last window that would start in the bottom or right padding is
        // dropped (as PyTorch and ONNX Runtime do): every window holds an input value.
        if (oh - 1) * stride[0] >= h + pads[0] {
            oh -= 1;
        }
        if (ow - 1) * stride[1] >= w + pads[1] {
            ow -= 1;
        }
        let count_include_pad = attr(node, "count_include_pad").is_some_and(|a| a.i != 0);
        let pool = Pool {
            kernel,
            stride,
            pads,
            count_include_pad,
        };
        let op = if node.op_type == "MaxPool" {
            Op::MaxPool(pool)
        } else {
            Op::AveragePool(pool)
        };
        self.push(node, op, vec![x], vec![c, oh, ow]);
        Ok(())
    }

    /// A mean over the spatial axes of a `[N, C, H, W]` tensor (the dynamo exporter's adaptive
    /// average pooling to 1 x 1) is a global average pool; `keepdims = 0` drops the 1 x 1.
    pub(super) fn reduce_mean(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.activation(node, 0)?;
        let [c, _, _] = self.nodes[x].shape[..] else {
            bail!(
                "its input has shape {:?} per image; a mean over H and W of [C, H, W] is supported",
                self.nodes[x].shape
            );
        };
        // Opset 18 moved `axes` from an attribute to an input.
        let axes: Vec<i64> = match (attr(node, "axes"), self.constant(node, 1)?) {
            (Some(a), _) => a.ints.clone(),
            (None, Some((_, v))) => v.iter().map(|&a| a as i64).collect(),
            (None, None) => vec![],
        };
        let mut axes = axes
            .iter()
            .map(|&a| if a < 0 { a + 4 } else { a })
            .collect::<Vec<_>>();
        axes.sort_unstable();
        if axes != [2, 3] {
            bail!("it averages over axes {axes:?}; only the mean over H and W (axes 2 and 3, or -2 and -1) is supported");
        }
        let shape = if attr(node, "keepdims").map_or(1, |a| a.i) == 0 {
            vec![c]
        } else {
            vec![c, 1, 1]
        };
        self.push(node, Op::GlobalAveragePool, vec![x], shape);
        Ok(())
    }
}

/// A 2-element attribute.
fn two(v: Vec<usize>, name: &str) -> Result<[usize; 2]> {
    <[usize; 2]>::try_from(v)
        .map_err(|v| anyhow!("attribute {name} = {v:?}; two values (2-D) are expected"))
}

/// Padding (top, left, bottom, right) from `pads` or `auto_pad`.
fn pads(
    node: &NodeProto,
    size: [usize; 2],
    span: [usize; 2],
    stride: [usize; 2],
) -> Result<[usize; 4]> {
    let auto = attr(node, "auto_pad")
        .map(|a| String::from_utf8_lossy(&a.s).to_string())
        .unwrap_or_default();
    match auto.as_str() {
        "" | "NOTSET" => {
            let p = ints(node, "pads", vec![0; 4])?;
            <[usize; 4]>::try_from(p)
                .map_err(|p| anyhow!("pads = {p:?}; four values (2-D) are expected"))
        }
        "VALID" => Ok([0; 4]),
        "SAME_UPPER" | "SAME_LOWER" => {
            let total = |d: usize| (size[d].div_ceil(stride[d]) - 1) * stride[d] + span[d];
            let (th, tw) = (
                total(0).saturating_sub(size[0]),
                total(1).saturating_sub(size[1]),
            );
            Ok(if auto == "SAME_UPPER" {
                [th / 2, tw / 2, th - th / 2, tw - tw / 2]
            } else {
                [th - th / 2, tw - tw / 2, th / 2, tw / 2]
            })
        }
        other => bail!("auto_pad = {other} is not an ONNX padding mode"),
    }
}

/// Output size of a window of `span` with `stride` over `size` padded by `pad` in all.
fn out_size(size: usize, pad: usize, span: usize, stride: usize, ceil: bool) -> Result<usize> {
    let room = (size + pad).checked_sub(span).ok_or_else(|| {
        anyhow!(
            "the window ({span}) is larger than the padded input ({})",
            size + pad
        )
    })?;
    Ok(if ceil {
        room.div_ceil(stride)
    } else {
        room / stride
    } + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_sizes_follow_onnx() {
        assert_eq!(out_size(8, 2, 3, 1, false).unwrap(), 8);
        assert_eq!(out_size(5, 0, 2, 2, false).unwrap(), 2);
        assert_eq!(out_size(5, 0, 2, 2, true).unwrap(), 3);
        assert!(out_size(2, 0, 3, 1, false).is_err());
    }
}
