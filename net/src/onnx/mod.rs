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

mod import;
mod layers;
mod proto;
mod shapes;

use crate::graph::Graph;
use anyhow::{bail, Context, Result};
use import::Importer;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
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
        let out = self.plan.run(tvec!(input.into())).context("tract")?;
        let view = out[0]
            .to_plain_array_view::<f32>()
            .context("tract: the output is not f32")?;
        Ok(view.iter().map(|&v| v as f64).collect())
    }
}

/// Reads `path` as an ONNX model: its graph for the tiles and its float model for tract.
pub fn load(path: &Path) -> Result<(Graph, FloatModel)> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read '{file}'"))?;
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .with_context(|| format!("'{file}' is not an ONNX model"))?;
    let graph_proto = proto
        .graph
        .as_ref()
        .with_context(|| format!("'{file}' is not an ONNX model: it has no graph"))?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
