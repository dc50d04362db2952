//! The importer: the graph's nodes read in order into [`Graph`] nodes and weight layers. A bias
//! `Add`, a `BatchNormalization` and a `Relu` right after a weight layer are folded into it here;
//! the weight layers and windows are in `layers`, the shape arithmetic in `shapes`.

use super::proto::{attr, batch_symbol, input_shape, node_name, tensor_values};
use super::shapes::reshape;
use super::SUPPORTED;
use crate::graph::{Graph, Layer, Node, Op};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::HashMap;
use tract_onnx::pb::{GraphProto, NodeProto};

/// A tensor of the graph while it is read: a node's output or a constant.
#[derive(Clone)]
pub(super) enum Value {
    /// The output of node `.0` of the graph being built.
    Node(usize),
    /// A constant: its dimensions and its values in C order.
    Const { dims: Vec<usize>, data: Vec<f64> },
}

/// The graph being read: its nodes and weight layers so far, and what each tensor name is.
pub(super) struct Importer<'a> {
    /// The model file, for messages.
    pub(super) file: &'a str,
    /// The graph's nodes so far; node 0 is the input.
    pub(super) nodes: Vec<Node>,
    /// The weight layers so far, in graph order.
    pub(super) layers: Vec<Layer>,
    /// What each tensor name read so far is.
    pub(super) values: HashMap<String, Value>,
    /// How many nodes read each tensor (a graph output counts as one more reader).
    pub(super) readers: HashMap<String, usize>,
    /// Weight layers that may still take a bias, batch norm or ReLU (they have no other reader).
    pub(super) open: Vec<bool>,
}

impl<'a> Importer<'a> {
    /// The importer of graph `g` of `file`, its initializers read; an operator outside
    /// [`SUPPORTED`] is refused here, before anything runs.
    pub(super) fn new(file: &'a str, g: &GraphProto) -> Result<Self> {
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
    pub(super) fn import(mut self, g: &GraphProto) -> Result<(Graph, Option<String>)> {
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
            input_shape(input).with_context(|| format!("{file}: input '{}'", input.name))?;
        self.nodes.push(Node {
            op: Op::Input,
            inputs: vec![],
            shape,
        });
        self.values.insert(input.name.clone(), Value::Node(0));
        for node in &g.node {
            self.node(node).with_context(|| {
                format!("{file}: node '{}' ({})", node_name(node), node.op_type)
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

    /// The tensor named `name`.
    pub(super) fn value(&self, name: &str) -> Result<&Value> {
        self.values
            .get(name)
            .ok_or_else(|| anyhow!("input '{name}' is not defined before it"))
    }

    /// The node behind activation input `i`.
    pub(super) fn activation(&self, node: &NodeProto, i: usize) -> Result<usize> {
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
    pub(super) fn constant(
        &self,
        node: &NodeProto,
        i: usize,
    ) -> Result<Option<(Vec<usize>, Vec<f64>)>> {
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

    /// Appends node `op` of `inputs` with per-image `shape` as the value of `node`'s output.
    pub(super) fn push(&mut self, node: &NodeProto, op: Op, inputs: Vec<usize>, shape: Vec<usize>) {
        self.nodes.push(Node { op, inputs, shape });
        self.values
            .insert(node.output[0].clone(), Value::Node(self.nodes.len() - 1));
    }

    /// The weight layer whose output node `n` is, if it can still take a bias, batch norm or
    /// ReLU: its only reader is the node being read.
    pub(super) fn open_layer(&self, n: usize, tensor: &str) -> Option<usize> {
        match self.nodes[n].op {
            Op::Weight(l) if self.open[l] && self.readers.get(tensor) == Some(&1) => Some(l),
            _ => None,
        }
    }

    /// Reads `node` into the graph.
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

    /// An `Add`: a residual add of two computed tensors, or the bias of the weight layer before it.
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

    /// A `BatchNormalization` (inference), folded into the weight layer before it.
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
}
