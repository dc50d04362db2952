//! `cimtile.Network`: a network file, quantized for a tile and run on tiles of its configuration
//! by the `cimtile-net` library (the `cimtile net` command's code).

use crate::arrays::integers;
use crate::tile::Tile;
use crate::{json_to_py, value_error};
use cimtile_net::{Network as Net, Options, TestSet};
use pyo3::prelude::*;
use serde_json::json;
use std::path::PathBuf;

/// A network read from a file.
#[pyclass(module = "cimtile")]
pub struct Network {
    net: Net,
    path: PathBuf,
}

#[pymethods]
impl Network {
    /// Reads a model file (as `cimtile net --model`).
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Network> {
        let net = py
            .detach(|| Net::load(&path))
            .map_err(|e| value_error(format!("{e:#}")))?;
        Ok(Network { net, path })
    }

    /// The shape of one input, without the batch dimension.
    #[getter]
    fn input_shape(&self) -> Vec<usize> {
        self.net.input_shape()
    }

    /// Outputs of the last layer.
    #[getter]
    fn classes(&self) -> usize {
        self.net.classes()
    }

    /// Accuracy of the network on tiles configured like `tile` (its age included), as
    /// `cimtile net --report` reports it.
    #[pyo3(signature = (tile, x, y, images = None, calibrate = false))]
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        tile: PyRef<'py, Tile>,
        x: &Bound<'py, PyAny>,
        y: &Bound<'py, PyAny>,
        images: Option<usize>,
        calibrate: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let x = py
            .import("numpy")?
            .call_method1("asarray", (x, "float64"))
            .map_err(|e| value_error(format!("x is not an array of numbers: {e}")))?;
        let shape: Vec<usize> = x.getattr("shape")?.extract()?;
        let flat: Vec<f64> = x.call_method1("reshape", (-1,))?.extract()?;
        let y = integers(y, "y", &[1], |_, v| Ok(v))?;
        let data = TestSet::from_arrays(&self.net, &shape, &flat, &y.values)
            .map_err(|e| value_error(format!("{e:#}")))?;
        if images == Some(0) {
            return Err(value_error("images must be at least 1"));
        }
        let options = Options {
            images,
            calibrate,
            rtl: None,
        };
        let p = tile.params();
        let figures = py
            .detach(|| self.net.evaluate(p, &data, &options))
            .map_err(|e| value_error(format!("{e:#}")))?;
        let mut report = json!({
            "tile": tile.origin(),
            "model": self.path,
            "aging": tile.aging_text(),
            "analog_drift": p.drift(),
            "calibrated": calibrate,
            "weight_layers": self.net.weight_layers(),
        });
        report
            .as_object_mut()
            .expect("json! of braces is an object")
            .extend(figures.report());
        json_to_py(py, &report)
    }

    fn __repr__(&self) -> String {
        format!(
            "<cimtile.Network '{}': {}>",
            self.path.display(),
            self.net.summary()
        )
    }
}
