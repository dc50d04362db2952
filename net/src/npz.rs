//! The network's NumPy files: the model (a float MLP with its calibration images) and the test set.
//! The format is documented in docs/net.md; every problem names the file and
//! the array.

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
        let archive = NpzArchive::open(path).with_context(|| format!("cannot read '{file}' as a NumPy .npz file"))?;
        Ok(Npz { archive, file })
    }

    fn names(&self) -> Vec<String> {
        self.archive.array_names().map(str::to_string).collect()
    }

    /// The array `name`, which must exist, have `dims` dimensions and hold finite numbers.
    fn array(&mut self, name: &str, dims: usize) -> Result<Array> {
        let file = self.file.clone();
        let present = self.names().join(", ");
        let npy = self
            .archive
            .by_name(name)
            .with_context(|| format!("{file}: cannot read array '{name}'"))?
            .with_context(|| format!("{file}: array '{name}' is missing (arrays present: {present})"))?;
        let shape: Vec<usize> = npy.shape().iter().map(|&d| d as usize).collect();
        if shape.len() != dims {
            bail!("{file}: array '{name}' must have {dims} dimension(s), it has shape {shape:?}");
        }
        let fortran = npy.order() == Order::Fortran;
        let DType::Plain(ty) = npy.dtype() else {
            bail!("{file}: array '{name}' has a structured dtype; expected integers or floats");
        };
        let read = |e: std::io::Error| anyhow::anyhow!("{file}: array '{name}': {e}");
        fn widen<T: Into<f64>>(v: Vec<T>) -> Vec<f64> {
            v.into_iter().map(Into::into).collect()
        }
        let data: Vec<f64> = match (ty.type_char(), ty.size_field()) {
            (TypeChar::Float, 4) => widen(npy.into_vec::<f32>().map_err(read)?),
            (TypeChar::Float, 8) => npy.into_vec::<f64>().map_err(read)?,
            (TypeChar::Int, 1) => widen(npy.into_vec::<i8>().map_err(read)?),
            (TypeChar::Int, 2) => widen(npy.into_vec::<i16>().map_err(read)?),
            (TypeChar::Int, 4) => widen(npy.into_vec::<i32>().map_err(read)?),
            (TypeChar::Int, 8) => npy.into_vec::<i64>().map_err(read)?.into_iter().map(|v| v as f64).collect(),
            (TypeChar::Uint, 1) => widen(npy.into_vec::<u8>().map_err(read)?),
            (TypeChar::Uint, 2) => widen(npy.into_vec::<u16>().map_err(read)?),
            (TypeChar::Uint, 4) => widen(npy.into_vec::<u32>().map_err(read)?),
            (TypeChar::Uint, 8) => npy.into_vec::<u64>().map_err(read)?.into_iter().map(|v| v as f64).collect(),
            _ => bail!("{file}: array '{name}' has dtype {ty}; expected integers or floats"),
        };
        if let Some(i) = data.iter().position(|v| !v.is_finite()) {
            bail!("{file}: array '{name}' holds {} at flat index {i}; every value must be finite", data[i]);
        }
        let data = if fortran && dims == 2 { transpose(&data, shape[1], shape[0]) } else { data };
        Ok(Array { shape, data })
    }
}

/// `data` holds `rows` x `cols` row-major; returns its transpose, row-major.
fn transpose(data: &[f64], rows: usize, cols: usize) -> Vec<f64> {
    (0..cols).flat_map(|c| (0..rows).map(move |r| data[r * cols + c])).collect()
}

/// One dense layer: `y = x W + b`, W stored `k x n` row-major (`w[i * n + j]`).
pub struct Layer {
    pub k: usize,
    pub n: usize,
    pub w: Vec<f64>,
    pub b: Vec<f64>,
}

/// A float MLP: ReLU after every layer but the last; `calib` are training images for the
/// activation ranges.
pub struct FloatModel {
    pub layers: Vec<Layer>,
    pub calib: Vec<Vec<f64>>,
}

impl FloatModel {
    pub fn load(path: &Path) -> Result<Self> {
        let mut npz = Npz::open(path)?;
        let count = (0..).take_while(|i| npz.names().contains(&format!("w{i}"))).count();
        if count == 0 {
            bail!("{}: array 'w0' is missing (arrays present: {})", npz.file, npz.names().join(", "));
        }
        if let Some(stray) = npz.names().into_iter().find(|n| is_layer_array(n, count)) {
            bail!("{}: array '{stray}' has no place: the layers w0..w{} must be numbered without gaps", npz.file, count - 1);
        }
        let mut layers: Vec<Layer> = Vec::with_capacity(count);
        for i in 0..count {
            let w = npz.array(&format!("w{i}"), 2)?;
            let b = npz.array(&format!("b{i}"), 1)?;
            let (k, n) = (w.shape[0], w.shape[1]);
            if k == 0 || n == 0 {
                bail!("{}: array 'w{i}' has shape {:?}; a layer needs at least one input and one output", npz.file, w.shape);
            }
            if b.shape[0] != n {
                bail!("{}: array 'b{i}' has {} values, layer {i} has {n} outputs (w{i} is {k} x {n})", npz.file, b.shape[0]);
            }
            if let Some(prev) = layers.last() {
                if prev.n != k {
                    bail!("{}: array 'w{i}' takes {k} inputs but layer {} has {} outputs", npz.file, i - 1, prev.n);
                }
            }
            layers.push(Layer { k, n, w: w.data, b: b.data });
        }
        let calib = npz.array("calib", 2)?;
        if calib.shape[0] == 0 || calib.shape[1] != layers[0].k {
            bail!(
                "{}: array 'calib' has shape {:?}; expected at least one row of {} inputs (w0 is {} x {})",
                npz.file, calib.shape, layers[0].k, layers[0].k, layers[0].n
            );
        }
        let calib = calib.data.chunks(layers[0].k).map(<[f64]>::to_vec).collect();
        Ok(FloatModel { layers, calib })
    }

    pub fn inputs(&self) -> usize {
        self.layers[0].k
    }

    pub fn classes(&self) -> usize {
        self.layers.last().expect("a model has a layer").n
    }

    /// The input of every layer, then the output: `layers + 1` vectors.
    pub fn activations(&self, x: &[f64]) -> Vec<Vec<f64>> {
        let mut acts = vec![x.to_vec()];
        for (i, layer) in self.layers.iter().enumerate() {
            let input = acts.last().expect("the input is there");
            let mut y = layer.b.clone();
            for (xi, row) in input.iter().zip(layer.w.chunks(layer.n)) {
                for (yj, w) in y.iter_mut().zip(row) {
                    *yj += xi * w;
                }
            }
            if i + 1 < self.layers.len() {
                y.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            acts.push(y);
        }
        acts
    }
}

/// `w7`, `b12`: a layer array whose index is at or beyond `count`.
fn is_layer_array(name: &str, count: usize) -> bool {
    let Some(index) = name.strip_prefix('w').or_else(|| name.strip_prefix('b')) else { return false };
    index.parse::<usize>().is_ok_and(|i| i >= count)
}

/// Held-out images `x` (N x inputs) and their labels `y` (N, 0..classes).
pub struct TestSet;

impl TestSet {
    pub fn load(path: &Path, model: &FloatModel) -> Result<(Vec<Vec<f64>>, Vec<usize>)> {
        let mut npz = Npz::open(path)?;
        let x = npz.array("x", 2)?;
        let y = npz.array("y", 1)?;
        let (n, k) = (x.shape[0], x.shape[1]);
        if k != model.inputs() {
            bail!("{}: array 'x' has {k} columns, the model takes {} inputs", npz.file, model.inputs());
        }
        if n == 0 || y.shape[0] != n {
            bail!("{}: arrays 'x' ({n} images) and 'y' ({} labels) must have the same, non-zero length", npz.file, y.shape[0]);
        }
        let classes = model.classes();
        let labels = y
            .data
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                if v.fract() != 0.0 || v < 0.0 || v >= classes as f64 {
                    bail!("{}: y[{i}] = {v} is not a class label 0..{} (the model has {classes} outputs)", npz.file, classes - 1);
                }
                Ok(v as usize)
            })
            .collect::<Result<_>>()?;
        Ok((x.data.chunks(k).map(<[f64]>::to_vec).collect(), labels))
    }
}
