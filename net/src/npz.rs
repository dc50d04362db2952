//! The NumPy files: a model (a float MLP with its calibration images) and a test set.
//! The format is documented in README.md, "The .npz format"; every problem names the file and
//! the array.

use crate::graph::{Graph, Layer, Node, Op};
use crate::LayerKind;
use anyhow::{bail, Context, Result};
use npyz::npz::NpzArchive;
use npyz::{DType, Order, TypeChar};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// One array of an .npz file, converted to f64, C order.
struct Array {
    shape: Vec<usize>,
    data: Vec<f64>,
}

/// An open .npz file and its name for error messages.
struct Npz {
    archive: NpzArchive<BufReader<File>>,
    file: String,
}

impl Npz {
    fn open(path: &Path) -> Result<Self> {
        let file = path.display().to_string();
        let archive = NpzArchive::open(path)
            .with_context(|| format!("cannot read '{file}' as a NumPy .npz file"))?;
        Ok(Npz { archive, file })
    }

    fn names(&self) -> Vec<String> {
        self.archive.array_names().map(str::to_string).collect()
    }

    /// The array `name`, which must exist, have `dims` dimensions and hold finite numbers.
    fn array(&mut self, name: &str, dims: usize) -> Result<Array> {
        let array = self.array_any(name)?;
        if array.shape.len() != dims {
            bail!(
                "{}: array '{name}' must have {dims} dimension(s), it has shape {:?}",
                self.file,
                array.shape
            );
        }
        Ok(array)
    }

    /// The array `name` of any shape, which must exist and hold finite numbers.
    fn array_any(&mut self, name: &str) -> Result<Array> {
        let file = self.file.clone();
        let present = self.names().join(", ");
        let npy = self
            .archive
            .by_name(name)
            .with_context(|| format!("{file}: cannot read array '{name}'"))?
            .with_context(|| {
                format!("{file}: array '{name}' is missing (arrays present: {present})")
            })?;
        let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
        let fortran = npy.order() == Order::Fortran;
        let DType::Plain(ty) = npy.dtype() else {
            bail!("{file}: array '{name}' has a structured dtype; expected integers or floats");
        };
        let read =
            |e: std::io::Error| anyhow::Error::new(e).context(format!("{file}: array '{name}'"));
        fn widen<T: Into<f64>>(v: Vec<T>) -> Vec<f64> {
            v.into_iter().map(Into::into).collect()
        }
        let data: Vec<f64> = match (ty.type_char(), ty.size_field()) {
            (TypeChar::Float, 4) => widen(npy.into_vec::<f32>().map_err(read)?),
            (TypeChar::Float, 8) => npy.into_vec::<f64>().map_err(read)?,
            (TypeChar::Int, 1) => widen(npy.into_vec::<i8>().map_err(read)?),
            (TypeChar::Int, 2) => widen(npy.into_vec::<i16>().map_err(read)?),
            (TypeChar::Int, 4) => widen(npy.into_vec::<i32>().map_err(read)?),
            (TypeChar::Int, 8) => npy
                .into_vec::<i64>()
                .map_err(read)?
                .into_iter()
                .map(|v| v as f64)
                .collect(),
            (TypeChar::Uint, 1) => widen(npy.into_vec::<u8>().map_err(read)?),
            (TypeChar::Uint, 2) => widen(npy.into_vec::<u16>().map_err(read)?),
            (TypeChar::Uint, 4) => widen(npy.into_vec::<u32>().map_err(read)?),
            (TypeChar::Uint, 8) => npy
                .into_vec::<u64>()
                .map_err(read)?
                .into_iter()
                .map(|v| v as f64)
                .collect(),
            _ => bail!("{file}: array '{name}' has dtype {ty}; expected integers or floats"),
        };
        if let Some(i) = data.iter().position(|v| !v.is_finite()) {
            bail!(
                "{file}: array '{name}' holds {} at flat index {i}; every value must be finite",
                data[i]
            );
        }
        let data = if fortran {
            c_order(&data, &shape)
        } else {
            data
        };
        Ok(Array { shape, data })
    }
}

/// `data` in Fortran (column-major) order for `shape`, in C (row-major) order.
fn c_order(data: &[f64], shape: &[usize]) -> Vec<f64> {
    (0..data.len())
        .map(|c_index| {
            // The C index's coordinates, then their column-major offset.
            let (mut rest, mut offset, mut stride) = (c_index, 0, 1);
            let mut coords: Vec<usize> = shape
                .iter()
                .rev()
                .map(|&d| {
                    let c = rest % d;
                    rest /= d;
                    c
                })
                .collect();
            coords.reverse();
            for (c, d) in coords.iter().zip(shape) {
                offset += c * stride;
                stride *= d;
            }
            data[offset]
        })
        .collect()
}

/// A float MLP from an .npz file: ReLU after every layer but the last, and the training
/// images (`calib`) that set the activation ranges.
pub fn load_mlp(path: &Path) -> Result<(Graph, Vec<Vec<f64>>)> {
    let mut npz = Npz::open(path)?;
    let count = (0..)
        .take_while(|i| npz.names().contains(&format!("w{i}")))
        .count();
    if count == 0 {
        bail!(
            "{}: array 'w0' is missing (arrays present: {})",
            npz.file,
            npz.names().join(", ")
        );
    }
    if let Some(stray) = npz.names().into_iter().find(|n| is_layer_array(n, count)) {
        bail!(
            "{}: array '{stray}' has no place: the layers w0..w{} must be numbered without gaps",
            npz.file,
            count - 1
        );
    }
    let mut layers: Vec<Layer> = Vec::with_capacity(count);
    for i in 0..count {
        let w = npz.array(&format!("w{i}"), 2)?;
        let b = npz.array(&format!("b{i}"), 1)?;
        let (k, n) = (w.shape[0], w.shape[1]);
        if k == 0 || n == 0 {
            bail!(
                "{}: array 'w{i}' has shape {:?}; a layer needs at least one input and one output",
                npz.file,
                w.shape
            );
        }
        if b.shape[0] != n {
            bail!(
                "{}: array 'b{i}' has {} values, layer {i} has {n} outputs (w{i} is {k} x {n})",
                npz.file,
                b.shape[0]
            );
        }
        if let Some(prev) = layers.last() {
            if prev.n != k {
                bail!(
                    "{}: array 'w{i}' takes {k} inputs but layer {} has {} outputs",
                    npz.file,
                    i - 1,
                    prev.n
                );
            }
        }
        let relu = i + 1 < count;
        layers.push(Layer {
            name: format!("layer{i}"),
            kind: LayerKind::Dense,
            k,
            n,
            w: w.data,
            b: b.data,
            relu,
            conv: None,
        });
    }
    let calib = npz.array("calib", 2)?;
    if calib.shape[0] == 0 || calib.shape[1] != layers[0].k {
        bail!(
            "{}: array 'calib' has shape {:?}; expected at least one row of {} inputs (w0 is {} x {})",
            npz.file, calib.shape, layers[0].k, layers[0].k, layers[0].n
        );
    }
    let calib = calib
        .data
        .chunks(layers[0].k)
        .map(<[f64]>::to_vec)
        .collect();
    let mut nodes = vec![Node {
        op: Op::Input,
        inputs: vec![],
        shape: vec![layers[0].k],
    }];
    for (i, layer) in layers.iter().enumerate() {
        nodes.push(Node {
            op: Op::Weight(i),
            inputs: vec![i],
            shape: vec![layer.n],
        });
    }
    Ok((
        Graph {
            output: nodes.len() - 1,
            nodes,
            layers,
        },
        calib,
    ))
}

/// `w7`, `b12`: a layer array whose index is at or beyond `count`.
fn is_layer_array(name: &str, count: usize) -> bool {
    let Some(index) = name.strip_prefix('w').or_else(|| name.strip_prefix('b')) else {
        return false;
    };
    index.parse::<usize>().is_ok_and(|i| i >= count)
}

/// A test set: images `x` (shaped `[N, ...input]`), labels `y` (N, 0..classes) and optional
/// calibration images `calib` (shaped like `x`).
pub struct TestArrays {
    pub x: Vec<Vec<f64>>,
    pub y: Vec<usize>,
    pub calib: Option<Vec<Vec<f64>>>,
}

/// Reads a test set for a network with inputs of shape `input` and `classes` outputs.
pub fn load_test_set(path: &Path, input: &[usize], classes: usize) -> Result<TestArrays> {
    let mut npz = Npz::open(path)?;
    let file = npz.file.clone();
    let images = |npz: &mut Npz, name: &str| -> Result<(usize, Vec<Vec<f64>>)> {
        let a = npz.array_any(name)?;
        if let ([_, k], [inputs]) = (&a.shape[..], input) {
            if k != inputs {
                bail!("{file}: array '{name}' has {k} columns, the model takes {inputs} inputs");
            }
        }
        if a.shape.len() != input.len() + 1 || a.shape[1..] != input[..] {
            bail!(
                "{file}: array '{name}' has shape {:?}; the model's input is {}",
                a.shape,
                shape_text(input)
            );
        }
        let size: usize = input.iter().product();
        Ok((
            a.shape[0],
            a.data.chunks(size.max(1)).map(<[f64]>::to_vec).collect(),
        ))
    };
    let (n, x) = images(&mut npz, "x")?;
    let y = npz.array("y", 1)?;
    if n == 0 || y.shape[0] != n {
        bail!("{file}: arrays 'x' ({n} images) and 'y' ({} labels) must have the same, non-zero length", y.shape[0]);
    }
    let labels = y
        .data
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.fract() != 0.0 || v < 0.0 || v >= classes as f64 {
                bail!("{file}: y[{i}] = {v} is not a class label 0..{} (the model has {classes} outputs)", classes - 1);
            }
            Ok(v as usize)
        })
        .collect::<Result<_>>()?;
    let calib = if npz.names().iter().any(|n| n == "calib") {
        Some(images(&mut npz, "calib")?.1)
    } else {
        None
    };
    Ok(TestArrays {
        x,
        y: labels,
        calib,
    })
}

/// `[N, 1, 8, 8]` for an input of shape `[1, 8, 8]`.
pub fn shape_text(input: &[usize]) -> String {
    let dims: Vec<String> = std::iter::once("N".to_string())
        .chain(input.iter().map(|d| d.to_string()))
        .collect();
    format!("[{}]", dims.join(", "))
}
