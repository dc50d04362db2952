//! The network as the tiles see it: weight layers (dense or convolution, each a `k x n` matrix
//! that runs on tiles) and the digital operators between them, as a graph in topological order.
//! Every node makes one tensor; tensors are per image (no batch dimension), C order (`[C, H, W]`
//! for images, `[K]` for vectors).

use crate::LayerKind;

/// A pooling window: kernel, stride and padding (top, left, bottom, right) over `[C, H, W]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    /// Window height and width.
    pub kernel: [usize; 2],
    /// Steps between windows, vertical and horizontal.
    pub stride: [usize; 2],
    /// Padding: top, left, bottom, right.
    pub pads: [usize; 4],
    /// Average pooling: whether padded positions count in the divisor.
    pub count_include_pad: bool,
}

/// What a node computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The network's input.
    Input,
    /// Weight layer `Graph::layers[i]` of its one input.
    Weight(usize),
    /// `max(x, 0)` element-wise.
    Relu,
    /// The largest value of each window (padding is no value).
    MaxPool(Pool),
    /// The mean of each window, rounded half up.
    AveragePool(Pool),
    /// The mean of each channel's plane, rounded half up.
    GlobalAveragePool,
    /// Flatten or Reshape: the same values in a new shape.
    Reshape,
    /// The element-wise sum of its two inputs (a residual connection).
    Add,
}

/// One node of the graph: an operator, its inputs and its tensor's shape.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it computes.
    pub op: Op,
    /// Indices of earlier nodes.
    pub inputs: Vec<usize>,
    /// The node's tensor, per image.
    pub shape: Vec<usize>,
}

/// A convolution's geometry: input `[cin, h, w]`, kernel `kh x kw`, output `[n, hout, wout]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeometry {
    /// Input channels.
    pub cin: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Kernel height.
    pub kh: usize,
    /// Kernel width.
    pub kw: usize,
    /// Vertical and horizontal stride.
    pub stride: [usize; 2],
    /// Top, left, bottom, right.
    pub pads: [usize; 4],
    /// Vertical and horizontal dilation.
    pub dilation: [usize; 2],
    /// Output height.
    pub hout: usize,
    /// Output width.
    pub wout: usize,
}

impl ConvGeometry {
    /// Output positions: one MVM each.
    pub fn positions(&self) -> usize {
        self.hout * self.wout
    }

    /// The im2col vectors of input `x` (`[cin, h, w]`), one per output position in row-major
    /// order, each `cin * kh * kw` long in `(c, ky, kx)` order; padding reads `T::default()`
    /// (zero, which is also the code of zero).
    pub fn patches<T: Copy + Default>(&self, x: &[T]) -> Vec<Vec<T>> {
        let k = self.cin * self.kh * self.kw;
        (0..self.positions())
            .map(|p| {
                let (oy, ox) = (p / self.wout, p % self.wout);
                let mut v = Vec::with_capacity(k);
                for c in 0..self.cin {
                    for ky in 0..self.kh {
                        let y = (oy * self.stride[0] + ky * self.dilation[0])
                            .checked_sub(self.pads[0])
                            .filter(|&y| y < self.h);
                        for kx in 0..self.kw {
                            let xx = (ox * self.stride[1] + kx * self.dilation[1])
                                .checked_sub(self.pads[1])
                                .filter(|&xx| xx < self.w);
                            v.push(match (y, xx) {
                                (Some(y), Some(xx)) => x[(c * self.h + y) * self.w + xx],
                                _ => T::default(),
                            });
                        }
                    }
                }
                v
            })
            .collect()
    }
}

/// One weight layer in float: `y = x W + b` per MVM, W `k x n` row-major (`w[i * n + j]`).
#[derive(Debug, Clone)]
pub struct Layer {
    /// The ONNX node's name (`layer0`, ... in an .npz MLP).
    pub name: String,
    /// Dense or convolution.
    pub kind: LayerKind,
    /// Inputs of one MVM.
    pub k: usize,
    /// Outputs of one MVM.
    pub n: usize,
    /// The `k x n` weights, row-major.
    pub w: Vec<f64>,
    /// The `n` biases.
    pub b: Vec<f64>,
    /// A ReLU fused after it.
    pub relu: bool,
    /// A convolution's geometry (None for a dense layer).
    pub conv: Option<ConvGeometry>,
}

impl Layer {
    /// MVMs per image.
    pub fn positions(&self) -> usize {
        self.conv.map_or(1, |c| c.positions())
    }

    /// The MVM input vectors of the layer's input tensor `x`: the im2col patches of a
    /// convolution, or `x` itself.
    pub fn mvm_inputs<T: Copy + Default>(&self, x: &[T]) -> Vec<Vec<T>> {
        match &self.conv {
            Some(c) => c.patches(x),
            None => vec![x.to_vec()],
        }
    }
}

/// Lays out per-position outputs (`outputs[p][j]`) as the layer's tensor: `[n, positions]` (a
/// convolution's `[Cout, Hout, Wout]`), which for one position is the plain vector.
pub fn channels_first<T: Copy>(outputs: &[Vec<T>], n: usize) -> Vec<T> {
    (0..n)
        .flat_map(|j| outputs.iter().map(move |o| o[j]))
        .collect()
}

/// The network: nodes in topological order and the weight layers they use.
#[derive(Debug, Clone)]
pub struct Graph {
    /// The nodes in topological order; node 0 is the input.
    pub nodes: Vec<Node>,
    /// The weight layers, in the order of their nodes.
    pub layers: Vec<Layer>,
    /// The node whose tensor is the network's output (the logits).
    pub output: usize,
}

/// The window of pooling output `(c, oy, ox)`: the flat input indices it covers and the count of
/// window positions within the padded input (the divisor of an average that counts padding).
pub fn pool_window(
    pool: &Pool,
    input: &[usize],
    c: usize,
    oy: usize,
    ox: usize,
) -> (Vec<usize>, usize) {
    let (h, w) = (input[1], input[2]);
    let mut inside = Vec::with_capacity(pool.kernel[0] * pool.kernel[1]);
    let mut padded = 0;
    for ky in 0..pool.kernel[0] {
        let y = oy * pool.stride[0] + ky;
        for kx in 0..pool.kernel[1] {
            let x = ox * pool.stride[1] + kx;
            if y < h + pool.pads[0] + pool.pads[2] && x < w + pool.pads[1] + pool.pads[3] {
                padded += 1;
            }
            if let (Some(y), Some(x)) = (
                y.checked_sub(pool.pads[0]).filter(|&y| y < h),
                x.checked_sub(pool.pads[1]).filter(|&x| x < w),
            ) {
                inside.push((c * h + y) * w + x);
            }
        }
    }
    (inside, padded)
}

/// The digital operators on one number type: float for the model, integer codes for the
/// quantized network.
pub trait Digital: Copy {
    /// `max(self, 0)`.
    fn relu(self) -> Self;
    /// The larger of the two.
    fn max(self, other: Self) -> Self;
    /// The average of `values` with divisor `count`.
    fn average(values: impl Iterator<Item = Self>, count: usize) -> Self;
}

impl Digital for f64 {
    fn relu(self) -> Self {
        self.max(0.0)
    }
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
    fn average(values: impl Iterator<Item = Self>, count: usize) -> Self {
        values.sum::<f64>() / count as f64
    }
}

impl Digital for i64 {
    fn relu(self) -> Self {
        Ord::max(self, 0)
    }
    fn max(self, other: Self) -> Self {
        Ord::max(self, other)
    }
    /// Rounded half up: `floor((2 sum + count) / (2 count))`.
    fn average(values: impl Iterator<Item = Self>, count: usize) -> Self {
        let sum: i64 = values.sum();
        let count = count as i64;
        (2 * sum + count).div_euclid(2 * count)
    }
}

impl Graph {
    /// Evaluates a node that is neither the input, a weight layer nor an `Add` (whose arithmetic
    /// depends on the number type) from the values of the nodes before it.
    pub fn digital<T: Digital>(&self, node: usize, values: &[Vec<T>]) -> Vec<T> {
        let n = &self.nodes[node];
        let x = &values[n.inputs[0]];
        let input = &self.nodes[n.inputs[0]].shape;
        match n.op {
            Op::Relu => x.iter().map(|v| v.relu()).collect(),
            Op::Reshape => x.clone(),
            Op::MaxPool(pool) | Op::AveragePool(pool) => {
                let (c, oh, ow) = (n.shape[0], n.shape[1], n.shape[2]);
                let mut out = Vec::with_capacity(c * oh * ow);
                for ch in 0..c {
                    for oy in 0..oh {
                        for ox in 0..ow {
                            let (inside, padded) = pool_window(&pool, input, ch, oy, ox);
                            out.push(match n.op {
                                Op::MaxPool(_) => {
                                    inside[1..].iter().fold(x[inside[0]], |m, &i| m.max(x[i]))
                                }
                                _ => T::average(
                                    inside.iter().map(|&i| x[i]),
                                    if pool.count_include_pad {
                                        padded
                                    } else {
                                        inside.len()
                                    },
                                ),
                            });
                        }
                    }
                }
                out
            }
            Op::GlobalAveragePool => {
                let plane = input[1] * input[2];
                x.chunks(plane)
                    .map(|c| T::average(c.iter().copied(), plane))
                    .collect()
            }
            Op::Input | Op::Weight(_) | Op::Add => {
                unreachable!("{:?} is not a digital operator of one type", n.op)
            }
        }
    }

    /// Every node's tensor for input `x`, in float (f64).
    pub fn forward(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut values: Vec<Vec<f64>> = Vec::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            let v = match node.op {
                Op::Input => x.to_vec(),
                Op::Weight(l) => {
                    let layer = &self.layers[l];
                    let outputs: Vec<Vec<f64>> = layer
                        .mvm_inputs(&values[node.inputs[0]])
                        .iter()
                        .map(|v| {
                            let mut y = layer.b.clone();
                            for (xi, row) in v.iter().zip(layer.w.chunks(layer.n)) {
                                for (yj, w) in y.iter_mut().zip(row) {
                                    *yj += xi * w;
                                }
                            }
                            if layer.relu {
                                y.iter_mut().for_each(|v| *v = v.max(0.0));
                            }
                            y
                        })
                        .collect();
                    channels_first(&outputs, layer.n)
                }
                Op::Add => values[node.inputs[0]]
                    .iter()
                    .zip(&values[node.inputs[1]])
                    .map(|(a, b)| a + b)
                    .collect(),
                _ => self.digital(i, &values),
            };
            values.push(v);
        }
        values
    }

    /// The node of weight layer `l`.
    pub fn layer_node(&self, l: usize) -> usize {
        self.nodes
            .iter()
            .position(|n| n.op == Op::Weight(l))
            .expect("every layer has its node")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patches_pad_with_zeros_in_channel_kernel_order() {
        let g = ConvGeometry {
            cin: 1,
            h: 2,
            w: 2,
            kh: 3,
            kw: 3,
            stride: [1, 1],
            pads: [1, 1, 1, 1],
            dilation: [1, 1],
            hout: 2,
            wout: 2,
        };
        let p = g.patches(&[1, 2, 3, 4]);
        assert_eq!(p.len(), 4);
        assert_eq!(p[0], vec![0, 0, 0, 0, 1, 2, 0, 3, 4]);
        assert_eq!(p[3], vec![1, 2, 0, 3, 4, 0, 0, 0, 0]);
    }

    #[test]
    fn integer_average_rounds_half_up() {
        assert_eq!(i64::average([1, 2].into_iter(), 2), 2);
        assert_eq!(i64::average([-1, -2].into_iter(), 2), -1);
        assert_eq!(i64::average([1, 1, 1].into_iter(), 4), 1);
    }
}
