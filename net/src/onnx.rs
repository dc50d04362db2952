//! ONNX models: the graph read from the protobuf (tract-onnx's decoder) and mapped onto weight
//! layers and digital operators ([`Graph`]), and the float model run by tract itself.
//!
//! Every node is checked against the supported operators before anything else happens. Weight
//! layers: `Conv` (2-D, groups = 1), `Gemm`, `MatMul` with a constant matrix; an `Add` of a
//! constant right after one of them is its bias, and a `BatchNormalization` after one is folded
//! into its weights and bias (inference mode: running mean and variance). `Relu` right after a
//! weight layer is fused into its requantization. `Identity` and `Dropout` (inference) pass their
//! input on; `Constant` feeds the others' constant inputs. `Shape`, `Gather`, `Unsqueeze`,
//! `Squeeze` and `Concat` are computed while the graph is read, on constants and tensor shapes
//! only (the batch dimension as 1): the exporters' `x.view(x.size(0), -1)` is such a sum.

use crate::graph::{ConvGeometry, Graph, Layer, Node, Op, Pool};
use crate::LayerKind;
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tract_onnx::pb::{
    tensor_shape_proto::dimension, type_proto, AttributeProto, NodeProto, TensorProto,
};
use tract_onnx::prelude::*;

/// The operators the tiles and the digital stage run.
pub const SUPPORTED: &[&str] = &[
    "Conv",
    "Gemm",
    "MatMul",
    "Add",
    "BatchNormalization",
    "Relu",
    "MaxPool",
    "AveragePool",
    "GlobalAveragePool",
    "ReduceMean",
    "Flatten",
    "Reshape",
    "Identity",
    "Dropout",
    "Constant",
    "Shape",
    "Gather",
    "Unsqueeze",
    "Squeeze",
    "Concat",
];

/// The float ONNX model, optimized by tract for one image at a time.
pub struct FloatModel {
    plan: Arc<TypedRunnableModel>,
    /// The input with its batch dimension of 1.
    shape: Vec<usize>,
}

impl FloatModel {
    /// The model's output for one image (flat, C order).
    pub fn run(&self, x: &[f64]) -> Result<Vec<f64>> {
        let data: Vec<f32> = x.iter().map(|&v| v as f32).collect();
        let input = tract_ndarray::ArrayD::from_shape_vec(self.shape.clone(), data)?.into_tensor();
        let out = self
            .plan
            .run(tvec!(input.into()))
            .map_err(|e| anyhow!("tract: {e:#}"))?;
        let view = out[0]
            .to_plain_array_view::<f32>()
            .map_err(|e| anyhow!("tract: the output is not f32: {e}"))?;
        Ok(view.iter().map(|&v| v as f64).collect())
    }
}

/// A tensor of the graph while it is read: a node's output or a constant.
#[derive(Clone)]
enum Value {
    Node(usize),
    Const { dims: Vec<usize>, data: Vec<f64> },
}

/// Reads `path` as an ONNX model: its graph for the tiles and its float model for tract.
pub fn load(path: &Path) -> Result<(Graph, FloatModel)> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read '{file}'"))?;
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .map_err(|e| anyhow!("'{file}' is not an ONNX model: {e}"))?;
    let graph_proto = proto
        .graph
        .as_ref()
        .ok_or_else(|| anyhow!("'{file}' is not an ONNX model: it has no graph"))?;
    let (graph, batch) = Importer::new(&file, graph_proto)?.import(graph_proto)?;
    let float = float_model(path, &file, &graph, batch.as_deref())?;
    Ok((graph, float))
}

/// tract's optimized plan of the model with a batch of one image; tract's own panics (it has
/// `unimplemented!` paths for rare tensor types) become errors. A batch named by a symbol (a
/// dynamic batch) is set to 1 after the model is typed: the shapes an exporter declares for the
/// tensors inside the graph carry the same symbol, which a fixed input of 1 would contradict.
fn float_model(path: &Path, file: &str, graph: &Graph, batch: Option<&str>) -> Result<FloatModel> {
    let shape: Vec<usize> = std::iter::once(1)
        .chain(graph.nodes[0].shape.iter().copied())
        .collect();
    let build = || -> TractResult<Arc<TypedRunnableModel>> {
        let model = tract_onnx::onnx().model_for_path(path)?;
        let typed = match batch {
            Some(name) => {
                let typed = model.into_typed()?;
                let one = HashMap::from([(typed.sym(name), TDim::Val(1))]);
                typed.set_symbols(&one)?
            }
            None => model
                .with_input_fact(0, f32::fact(&shape).into())?
                .into_typed()?,
        };
        typed.into_optimized()?.into_runnable()
    };
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let plan = std::panic::catch_unwind(build);
    std::panic::set_hook(hook);
    match plan {
        Ok(Ok(plan)) => Ok(FloatModel { plan, shape }),
        Ok(Err(e)) => bail!("{file}: tract cannot run the model in float: {e:#}"),
        Err(_) => bail!("{file}: tract cannot run the model in float (it failed while loading it)"),
    }
}

struct Importer<'a> {
    file: &'a str,
    nodes: Vec<Node>,
    layers: Vec<Layer>,
    values: HashMap<String, Value>,
    /// How many nodes read each tensor (a graph output counts as one more reader).
    readers: HashMap<String, usize>,
    /// Weight layers that may still take a bias, batch norm or ReLU (they have no other reader).
    open: Vec<bool>,
}

fn attr<'p>(node: &'p NodeProto, name: &str) -> Option<&'p AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

fn node_name(node: &NodeProto) -> String {
    if node.name.is_empty() {
        format!(
            "{} -> {}",
            node.op_type,
            node.output.first().map_or("?", |s| s.as_str())
        )
    } else {
        node.name.clone()
    }
}

/// A tensor's values as f64, C order.
fn tensor_values(t: &TensorProto, file: &str) -> Result<(Vec<usize>, Vec<f64>)> {
    let what = || format!("{file}: tensor '{}'", t.name);
    if t.data_location == Some(1) || !t.external_data.is_empty() {
        bail!("{}: its data is in an external file, which is not supported (save the model with its weights inside)", what());
    }
    let dims = t
        .dims
        .iter()
        .map(|&d| usize::try_from(d).map_err(|_| anyhow!("{}: negative dimension {d}", what())))
        .collect::<Result<Vec<_>>>()?;
    let count: usize = dims.iter().product();
    let raw = |size: usize| -> Result<Vec<&[u8]>> {
        if t.raw_data.len() != count * size {
            bail!(
                "{}: {} bytes of raw data for {count} values of {size} bytes",
                what(),
                t.raw_data.len()
            );
        }
        Ok(t.raw_data.chunks(size).collect())
    };
    let data: Vec<f64> = match t.data_type {
        1 if !t.raw_data.is_empty() => raw(4)?
            .iter()
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
            .collect(),
        1 => t.float_data.iter().map(|&v| v as f64).collect(),
        11 if !t.raw_data.is_empty() => raw(8)?
            .iter()
            .map(|b| f64::from_le_bytes(b[..8].try_into().expect("8 bytes")))
            .collect(),
        11 => t.double_data.clone(),
        7 if !t.raw_data.is_empty() => raw(8)?
            .iter()
            .map(|b| i64::from_le_bytes(b[..8].try_into().expect("8 bytes")) as f64)
            .collect(),
        7 => t.int64_data.iter().map(|&v| v as f64).collect(),
        6 if !t.raw_data.is_empty() => raw(4)?
            .iter()
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64)
            .collect(),
        6 => t.int32_data.iter().map(|&v| v as f64).collect(),
        other => bail!(
            "{}: element type {other} is not supported (float, double, int32 and int64 are)",
            what()
        ),
    };
    if data.len() != count {
        bail!("{}: {} values for shape {dims:?}", what(), data.len());
    }
    if let Some(i) = data.iter().position(|v| !v.is_finite()) {
        bail!(
            "{}: value {} at flat index {i}; every value must be finite",
            what(),
            data[i]
        );
    }
    Ok((dims, data))
}

impl<'a> Importer<'a> {
    fn new(file: &'a str, g: &tract_onnx::pb::GraphProto) -> Result<Self> {
        // Refuse any operator outside the supported set before anything runs.
        for node in &g.node {
            let domain_ok = node.domain.is_empty() || node.domain == "ai.onnx";
            if !domain_ok || !SUPPORTED.contains(&node.op_type.as_str()) {
                let op = if domain_ok {
                    node.op_type.clone()
                } else {
                    format!("{}.{}", node.domain, node.op_type)
                };
                bail!("{file}: operator '{op}' (node '{}') is not supported; the supported operators are {}", node_name(node), SUPPORTED.join(", "));
            }
        }
        let mut readers: HashMap<String, usize> = HashMap::new();
        for name in g
            .node
            .iter()
            .flat_map(|n| &n.input)
            .chain(g.output.iter().map(|o| &o.name))
        {
            *readers.entry(name.clone()).or_default() += 1;
        }
        let mut values = HashMap::new();
        for t in &g.initializer {
            let (dims, data) = tensor_values(t, file)?;
            values.insert(t.name.clone(), Value::Const { dims, data });
        }
        Ok(Importer {
            file,
            nodes: vec![],
            layers: vec![],
            values,
            readers,
            open: vec![],
        })
    }

    /// The graph, and the name of its input's batch dimension if it is a symbol.
    fn import(mut self, g: &tract_onnx::pb::GraphProto) -> Result<(Graph, Option<String>)> {
        let file = self.file;
        let inputs: Vec<_> = g
            .input
            .iter()
            .filter(|i| !self.values.contains_key(&i.name))
            .collect();
        let [input] = inputs[..] else {
            bail!(
                "{file}: the model has {} inputs; one (the images) is supported",
                inputs.len()
            );
        };
        let shape =
            input_shape(input).map_err(|e| anyhow!("{file}: input '{}': {e}", input.name))?;
        self.nodes.push(Node {
            op: Op::Input,
            inputs: vec![],
            shape,
        });
        self.values.insert(input.name.clone(), Value::Node(0));
        for node in &g.node {
            self.node(node).map_err(|e| {
                anyhow!("{file}: node '{}' ({}): {e}", node_name(node), node.op_type)
            })?;
        }
        let [output] = &g.output[..] else {
            bail!(
                "{file}: the model has {} outputs; one (the logits) is supported",
                g.output.len()
            );
        };
        let output = match self.values.get(&output.name) {
            Some(Value::Node(n)) => *n,
            _ => bail!(
                "{file}: the output '{}' is not computed from the input",
                output.name
            ),
        };
        if self.layers.is_empty() {
            bail!("{file}: the model has no weight layer (Conv, Gemm or MatMul) to run on tiles");
        }
        Ok((
            Graph {
                nodes: self.nodes,
                layers: self.layers,
                output,
            },
            batch_symbol(input),
        ))
    }

    fn value(&self, name: &str) -> Result<&Value> {
        self.values
            .get(name)
            .ok_or_else(|| anyhow!("input '{name}' is not defined before it"))
    }

    /// The node behind activation input `i`.
    fn activation(&self, node: &NodeProto, i: usize) -> Result<usize> {
        let name = node
            .input
            .get(i)
            .ok_or_else(|| anyhow!("input {i} is missing"))?;
        match self.value(name)? {
            Value::Node(n) => Ok(*n),
            Value::Const { .. } => bail!(
                "input {i} ('{name}') is a constant; it must be computed from the model's input"
            ),
        }
    }

    /// Constant input `i`, if present.
    fn constant(&self, node: &NodeProto, i: usize) -> Result<Option<(Vec<usize>, Vec<f64>)>> {
        match node.input.get(i).filter(|n| !n.is_empty()) {
            None => Ok(None),
            Some(name) => match self.value(name)? {
                Value::Const { dims, data } => Ok(Some((dims.clone(), data.clone()))),
                Value::Node(_) => bail!(
                    "input {i} ('{name}') must be a constant (an initializer), it is computed"
                ),
            },
        }
    }

    fn push(&mut self, node: &NodeProto, op: Op, inputs: Vec<usize>, shape: Vec<usize>) {
        self.nodes.push(Node { op, inputs, shape });
        self.values
            .insert(node.output[0].clone(), Value::Node(self.nodes.len() - 1));
    }

    /// The weight layer whose output node `n` is, if it can still take a bias, batch norm or
    /// ReLU: its only reader is the node being read.
    fn open_layer(&self, n: usize, tensor: &str) -> Option<usize> {
        match self.nodes[n].op {
            Op::Weight(l) if self.open[l] && self.readers.get(tensor) == Some(&1) => Some(l),
            _ => None,
        }
    }

    fn ints(node: &NodeProto, name: &str, default: Vec<usize>) -> Result<Vec<usize>> {
        match attr(node, name) {
            None => Ok(default),
            Some(a) => a
                .ints
                .iter()
                .map(|&v| {
                    usize::try_from(v).map_err(|_| {
                        anyhow!("attribute {name} = {:?} must not be negative", a.ints)
                    })
                })
                .collect(),
        }
    }

    fn node(&mut self, node: &NodeProto) -> Result<()> {
        if node.output.is_empty() {
            bail!("it has no output");
        }
        let out = node.output[0].clone();
        match node.op_type.as_str() {
            "Constant" => {
                let t = attr(node, "value")
                    .and_then(|a| a.t.as_ref())
                    .ok_or_else(|| anyhow!("only a 'value' tensor constant is supported"))?;
                let (dims, data) = tensor_values(t, self.file)?;
                self.values.insert(out, Value::Const { dims, data });
            }
            "Identity" | "Dropout" => {
                if node.output.len() > 1 && self.readers.contains_key(&node.output[1]) {
                    bail!("its mask output is used; only inference (the input passed on) is supported");
                }
                let v = self.value(&node.input[0])?.clone();
                self.values.insert(out, v);
            }
            "Conv" => self.conv(node)?,
            "Gemm" | "MatMul" => self.dense(node)?,
            "Add" => self.add(node)?,
            "BatchNormalization" => self.batch_norm(node)?,
            "Relu" => {
                let x = self.activation(node, 0)?;
                if let Some(l) = self.open_layer(x, &node.input[0]) {
                    self.layers[l].relu = true;
                    self.open[l] = false;
                    self.values.insert(out, Value::Node(x));
                } else {
                    let shape = self.nodes[x].shape.clone();
                    self.push(node, Op::Relu, vec![x], shape);
                }
            }
            "MaxPool" | "AveragePool" => self.pool(node)?,
            "GlobalAveragePool" => {
                let x = self.activation(node, 0)?;
                let [c, _, _] = self.nodes[x].shape[..] else {
                    bail!(
                        "its input has shape {:?} per image; [C, H, W] is supported",
                        self.nodes[x].shape
                    );
                };
                self.push(node, Op::GlobalAveragePool, vec![x], vec![c, 1, 1]);
            }
            "ReduceMean" => self.reduce_mean(node)?,
            "Shape" | "Gather" | "Unsqueeze" | "Squeeze" | "Concat" => {
                let (dims, data) = self.shape_arithmetic(node)?;
                self.values.insert(out, Value::Const { dims, data });
            }
            "Flatten" => {
                let x = self.activation(node, 0)?;
                let axis = attr(node, "axis").map_or(1, |a| a.i);
                if axis != 1 {
                    bail!("axis = {axis}; only axis = 1 (keep the batch, flatten each image) is supported");
                }
                let size = self.nodes[x].shape.iter().product();
                self.push(node, Op::Reshape, vec![x], vec![size]);
            }
            "Reshape" => {
                let x = self.activation(node, 0)?;
                let (_, target) = self
                    .constant(node, 1)?
                    .ok_or_else(|| anyhow!("the shape input is missing"))?;
                let shape = reshape(&self.nodes[x].shape, &target)?;
                self.push(node, Op::Reshape, vec![x], shape);
            }
            other => bail!("operator '{other}' is not supported"),
        }
        Ok(())
    }

    /// A mean over the spatial axes of a `[N, C, H, W]` tensor (the dynamo exporter's adaptive
    /// average pooling to 1 x 1) is a global average pool; `keepdims = 0` drops the 1 x 1.
    fn reduce_mean(&mut self, node: &NodeProto) -> Result<()> {
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
    fn shape_arithmetic(&self, node: &NodeProto) -> Result<(Vec<usize>, Vec<f64>)> {
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

    fn conv(&mut self, node: &NodeProto) -> Result<()> {
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
        let stride = two(Self::ints(node, "strides", vec![1, 1])?, "strides")?;
        let dilation = two(Self::ints(node, "dilations", vec![1, 1])?, "dilations")?;
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

    fn bias(&self, node: &NodeProto, i: usize, n: usize) -> Result<Vec<f64>> {
        match self.constant(node, i)? {
            None => Ok(vec![0.0; n]),
            Some((_, b)) if b.len() == n => Ok(b),
            Some((_, b)) if b.len() == 1 => Ok(vec![b[0]; n]),
            Some((d, _)) => bail!("its bias has shape {d:?}; {n} values are expected"),
        }
    }

    fn weight_layer(&mut self, node: &NodeProto, x: usize, layer: Layer, shape: Vec<usize>) {
        self.layers.push(layer);
        self.open.push(true);
        self.push(node, Op::Weight(self.layers.len() - 1), vec![x], shape);
    }

    fn dense(&mut self, node: &NodeProto) -> Result<()> {
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

    fn add(&mut self, node: &NodeProto) -> Result<()> {
        let [a, b] = &node.input[..] else {
            bail!("it has {} inputs; two are expected", node.input.len());
        };
        match (self.value(a)?.clone(), self.value(b)?.clone()) {
            (Value::Node(x), Value::Node(y)) => {
                if self.nodes[x].shape != self.nodes[y].shape {
                    bail!("its inputs have shapes {:?} and {:?}; a residual Add of equal shapes is supported", self.nodes[x].shape, self.nodes[y].shape);
                }
                let shape = self.nodes[x].shape.clone();
                self.push(node, Op::Add, vec![x, y], shape);
            }
            (Value::Node(x), Value::Const { data, .. })
            | (Value::Const { data, .. }, Value::Node(x)) => {
                let tensor = if matches!(self.value(a)?, Value::Node(_)) {
                    a
                } else {
                    b
                };
                let Some(l) = self.open_layer(x, tensor) else {
                    bail!("it adds a constant to a tensor that is not the sole output of a Conv, Gemm or MatMul; only a bias of a weight layer is supported");
                };
                let n = self.layers[l].n;
                if data.len() != n && data.len() != 1 {
                    bail!(
                        "its constant has {} values; as the bias of '{}' it needs {n}",
                        data.len(),
                        self.layers[l].name
                    );
                }
                for (j, bj) in self.layers[l].b.iter_mut().enumerate() {
                    *bj += data[if data.len() == 1 { 0 } else { j }];
                }
                self.values.insert(node.output[0].clone(), Value::Node(x));
            }
            _ => bail!("both inputs are constants"),
        }
        Ok(())
    }

    fn batch_norm(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.activation(node, 0)?;
        if node
            .output
            .iter()
            .skip(1)
            .any(|o| self.readers.contains_key(o))
        {
            bail!("its running statistics outputs are used (training mode); only inference is supported");
        }
        let Some(l) = self.open_layer(x, &node.input[0]) else {
            bail!("it does not follow a Conv, Gemm or MatMul whose only reader it is, so it cannot be folded into one");
        };
        let n = self.layers[l].n;
        let param = |i: usize, what: &str| -> Result<Vec<f64>> {
            match self.constant(node, i)? {
                Some((_, v)) if v.len() == n => Ok(v),
                Some((d, _)) => {
                    bail!("its {what} has shape {d:?}; {n} values (one per channel) are expected")
                }
                None => bail!("its {what} input is missing"),
            }
        };
        let (scale, shift, mean, var) = (
            param(1, "scale")?,
            param(2, "bias")?,
            param(3, "mean")?,
            param(4, "variance")?,
        );
        let eps = attr(node, "epsilon").map_or(1e-5, |a| a.f as f64);
        let layer = &mut self.layers[l];
        for j in 0..n {
            // y = (x - mean) / sqrt(var + eps) * scale + shift, folded into column j.
            let s = scale[j] / (var[j] + eps).sqrt();
            if !s.is_finite() {
                bail!("channel {j}: scale / sqrt(variance + epsilon) is {s}");
            }
            for i in 0..layer.k {
                layer.w[i * n + j] *= s;
            }
            layer.b[j] = (layer.b[j] - mean[j]) * s + shift[j];
        }
        self.values.insert(node.output[0].clone(), Value::Node(x));
        Ok(())
    }

    fn pool(&mut self, node: &NodeProto) -> Result<()> {
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
        let kernel = two(Self::ints(node, "kernel_shape", vec![])?, "kernel_shape")?;
        let stride = two(Self::ints(node, "strides", vec![1, 1])?, "strides")?;
        if Self::ints(node, "dilations", vec![1, 1])? != [1, 1] {
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
            let p = Importer::ints(node, "pads", vec![0; 4])?;
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

/// The per-image shape after a Reshape of a one-image tensor of per-image shape `shape` to
/// `target` (ONNX: 0 copies a dimension, -1 takes the rest); the batch dimension must stay first.
fn reshape(shape: &[usize], target: &[f64]) -> Result<Vec<usize>> {
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

/// The name of the input's batch dimension when it is a symbol (`dim_param`).
fn batch_symbol(input: &tract_onnx::pb::ValueInfoProto) -> Option<String> {
    let Some(type_proto::Value::TensorType(t)) = input.r#type.as_ref()?.value.as_ref() else {
        return None;
    };
    match &t.shape.as_ref()?.dim.first()?.value {
        Some(dimension::Value::DimParam(name)) if !name.is_empty() => Some(name.clone()),
        _ => None,
    }
}

/// The input's per-image shape: its declared dimensions after the batch.
fn input_shape(input: &tract_onnx::pb::ValueInfoProto) -> Result<Vec<usize>> {
    let Some(type_proto::Value::TensorType(t)) =
        input.r#type.as_ref().and_then(|t| t.value.as_ref())
    else {
        bail!("it is not a tensor");
    };
    if t.elem_type != 1 {
        bail!(
            "its element type is {}; float (1) is supported",
            t.elem_type
        );
    }
    let dims = &t
        .shape
        .as_ref()
        .ok_or_else(|| anyhow!("its shape is not declared"))?
        .dim;
    if dims.len() < 2 {
        bail!(
            "it has {} dimension(s); a batch dimension and the image's are expected",
            dims.len()
        );
    }
    if let Some(dimension::Value::DimValue(b)) = dims[0].value {
        if b != 1 {
            bail!("its batch dimension is fixed at {b}; 1 or a symbolic batch is supported");
        }
    }
    dims[1..]
        .iter()
        .map(|d| match d.value {
            Some(dimension::Value::DimValue(v)) if v > 0 => Ok(v as usize),
            _ => bail!(
                "every dimension but the batch must be a positive number, they are {:?}",
                dims.iter().map(|d| &d.value).collect::<Vec<_>>()
            ),
        })
        .collect()
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

    /// The importer's graph in float computes what tract computes from the ONNX file: batch norm
    /// folding, padding, pooling and the residual add are read as ONNX means them.
    #[test]
    fn the_imported_graph_computes_what_tract_computes() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let models = [
            ("tests/onnx/resnet.onnx", "tests/onnx/resnet.npz"),
            ("tests/onnx/resnet-dynamo.onnx", "tests/onnx/resnet.npz"),
            ("tests/onnx/matmul.onnx", "tests/onnx/matmul.npz"),
            (
                "examples/digits/cnn-plain.onnx",
                "examples/digits/test-cnn.npz",
            ),
        ];
        for (model, data) in models {
            let (graph, float) = load(&root.join(model)).unwrap();
            let shape = graph.nodes[0].shape.clone();
            let t = crate::npz::load_test_set(
                &root.join(data),
                &shape,
                graph.nodes[graph.output].shape.iter().product(),
            )
            .unwrap();
            for x in t.x.iter().take(5) {
                let ours = graph.forward(x).swap_remove(graph.output);
                let tract = float.run(x).unwrap();
                let top = tract.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                for (a, b) in ours.iter().zip(&tract) {
                    assert!(
                        (a - b).abs() <= 1e-4 * top.max(1.0),
                        "{model}: {ours:?} vs {tract:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn output_sizes_follow_onnx() {
        assert_eq!(out_size(8, 2, 3, 1, false).unwrap(), 8);
        assert_eq!(out_size(5, 0, 2, 2, false).unwrap(), 2);
        assert_eq!(out_size(5, 0, 2, 2, true).unwrap(), 3);
        assert!(out_size(2, 0, 3, 1, false).is_err());
    }
}
