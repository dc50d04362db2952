//! `cimtile.Tile`: a configured tile, programmed from NumPy arrays, run by the golden model.

use crate::arrays::{expect_shape, integers};
use crate::{json_to_py, value_error};
use cimtile_tile::aging::{self, Age};
use cimtile_tile::calibration;
use cimtile_tile::config::{ConfigError, TileConfig, TileParams};
use cimtile_tile::data::{check_columns, check_input, check_weight, ColumnParams, Weights};
use cimtile_tile::engine::ModelEngine;
use cimtile_tile::golden::device::{fault_map, Stuck};
use cimtile_tile::info::TileInfo;
use cimtile_tile::ppa::{self, Workload};
use cimtile_tile::TileModel;
use numpy::ndarray::Array2;
use numpy::{IntoPyArray, PyArray2};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use rayon::prelude::*;
use serde_json::json;
use std::path::PathBuf;

/// A configured tile; after `program`, a programmed one.
#[pyclass(module = "cimtile")]
pub struct Tile {
    params: TileParams,
    /// `preset 'isaac'`, `'x.toml'`, `a dict over preset 'isaac'`: for messages and `repr`.
    origin: String,
    /// After `age`: how the age became `analog.drift`.
    aging: Option<String>,
    columns: Vec<ColumnParams>,
    /// The weights and the model programmed with them (and `columns`).
    programmed: Option<(Weights, TileModel)>,
}

/// Every problem of a configuration on one line, after where it came from (as the CLI says it).
fn invalid(origin: &str, e: ConfigError) -> PyErr {
    value_error(format!(
        "invalid tile config {origin}: {}",
        e.problems.join("; ")
    ))
}

/// `over preset 'name'` when a preset is named.
fn over(preset: Option<&str>) -> String {
    preset.map_or_else(String::new, |name| format!(" over preset '{name}'"))
}

/// A Python value as a TOML value (`where_` names it in messages).
fn toml_value(value: &Bound<'_, PyAny>, where_: &str) -> PyResult<toml::Value> {
    if let Ok(table) = value.cast::<PyDict>() {
        let mut out = toml::Table::new();
        for (key, v) in table.iter() {
            let key: String = key
                .extract()
                .map_err(|_| value_error(format!("{where_}: keys must be strings, not {key:?}")))?;
            let inner = toml_value(&v, &format!("{where_}[{key:?}]"))?;
            out.insert(key, inner);
        }
        return Ok(toml::Value::Table(out));
    }
    // bool before int: a Python bool is an int.
    if value.is_instance_of::<PyBool>() {
        return Ok(toml::Value::Boolean(value.extract()?));
    }
    if value.is_instance_of::<PyInt>() {
        let v: i64 = value
            .extract()
            .map_err(|_| value_error(format!("{where_}: {value} does not fit a 64-bit integer")))?;
        return Ok(toml::Value::Integer(v));
    }
    // NumPy scalars (np.int64(3)) are integers too.
    if let Ok(index) = value.call_method0("__index__") {
        return toml_value(&index, where_);
    }
    if value.is_instance_of::<PyFloat>() {
        return Ok(toml::Value::Float(value.extract()?));
    }
    if value.is_instance_of::<PyString>() {
        return Ok(toml::Value::String(value.extract()?));
    }
    Err(value_error(format!(
        "{where_}: a {} is not a configuration value",
        value.get_type().name()?
    )))
}

impl Tile {
    fn new(config: TileConfig, origin: String) -> PyResult<Tile> {
        let params = config.validate().map_err(|e| invalid(&origin, e))?;
        let columns = vec![ColumnParams::default(); params.cols()];
        Ok(Tile {
            params,
            origin,
            aging: None,
            columns,
            programmed: None,
        })
    }

    /// The validated configuration.
    pub(crate) fn params(&self) -> &TileParams {
        &self.params
    }

    /// Where the configuration came from, for reports.
    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }

    /// After `age`: how the age became `analog.drift`.
    pub(crate) fn aging_text(&self) -> Option<&str> {
        self.aging.as_deref()
    }

    fn model(&self) -> PyResult<&TileModel> {
        match &self.programmed {
            Some((_, model)) => Ok(model),
            None => Err(value_error(
                "the tile has no weights: call tile.program(W) first",
            )),
        }
    }

    /// Checked `N x R` (or `R`) inputs, flat, and N (None for one vector).
    fn inputs(&self, x: &Bound<'_, PyAny>) -> PyResult<(Vec<i32>, Option<usize>)> {
        let p = &self.params;
        let x = integers(x, "X", &[1, 2], |_, v| check_input(p, v))?;
        let n = match x.shape[..] {
            [_] => {
                expect_shape("X", &x.shape, &[p.rows()], "R = array.rows")?;
                None
            }
            [n, _] => {
                expect_shape("X", &x.shape, &[n, p.rows()], "N x R, R = array.rows")?;
                Some(n)
            }
            _ => unreachable!("integers checked the dimensions"),
        };
        Ok((x.values, n))
    }
}

#[pymethods]
impl Tile {
    /// A tile from a TOML file laid over `preset` (default: the `default` preset).
    #[staticmethod]
    #[pyo3(signature = (path, preset = None))]
    fn from_toml(path: PathBuf, preset: Option<String>) -> PyResult<Tile> {
        let origin = format!("'{}'{}", path.display(), over(preset.as_deref()));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            pyo3::exceptions::PyOSError::new_err(format!("cannot read '{}': {e}", path.display()))
        })?;
        let config =
            TileConfig::layered(preset.as_deref(), &text).map_err(|e| invalid(&origin, e))?;
        Tile::new(config, origin)
    }

    /// A named preset: default, isaac, neurram, fpga64, neurosim.
    #[staticmethod]
    fn preset(name: &str) -> PyResult<Tile> {
        let config =
            TileConfig::from_preset(name).map_err(|e| value_error(e.problems.join("; ")))?;
        Tile::new(config, format!("preset '{name}'"))
    }

    /// A tile from a dict with the TOML file's sections and keys (`{"adc": {"bits": 6}}`, or the
    /// dotted names `{"adc.bits": 6}`), laid over `preset` (default: the `default` preset).
    #[staticmethod]
    #[pyo3(signature = (config, preset = None))]
    fn from_dict(config: &Bound<'_, PyAny>, preset: Option<String>) -> PyResult<Tile> {
        let origin = format!("dict{}", over(preset.as_deref()));
        if !config.is_instance_of::<PyDict>() {
            return Err(value_error(format!(
                "config must be a dict of sections, not a {}",
                config.get_type().name()?
            )));
        }
        let toml::Value::Table(given) = toml_value(config, "config")? else {
            unreachable!("a dict is a table")
        };
        // Dotted keys (`{"adc.bits": 6}`, the spec's flat names) go into their sections.
        let (dotted, sections): (Vec<_>, Vec<_>) = given
            .into_iter()
            .partition(|(key, value)| key.contains('.') && !value.is_table());
        let mut table: toml::Table = sections.into_iter().collect();
        for (key, value) in dotted {
            let (section, name) = key.split_once('.').expect("a dotted key");
            let entry = table
                .entry(section)
                .or_insert_with(|| toml::Table::new().into());
            let Some(section_table) = entry.as_table_mut() else {
                return Err(value_error(format!(
                    "config: '{key}' names a key of '{section}', which is not a section"
                )));
            };
            section_table.insert(name.to_string(), value);
        }
        let text = toml::to_string(&table).map_err(value_error)?;
        let config =
            TileConfig::layered(preset.as_deref(), &text).map_err(|e| invalid(&origin, e))?;
        Tile::new(config, origin)
    }

    /// A tile of the same configuration (and age) without weights, its column parameters at
    /// their defaults.
    fn blank(&self) -> Tile {
        let columns = vec![ColumnParams::default(); self.params.cols()];
        Tile {
            params: self.params.clone(),
            origin: self.origin.clone(),
            aging: self.aging.clone(),
            columns,
            programmed: None,
        }
    }

    /// Programs the R x C weights `W` (the column parameters stay as they are).
    fn program(&mut self, py: Python<'_>, weights: &Bound<'_, PyAny>) -> PyResult<()> {
        let p = &self.params;
        let w = integers(weights, "W", &[2], |_, v| check_weight(p, v))?;
        expect_shape(
            "W",
            &w.shape,
            &[p.rows(), p.cols()],
            "R x C = array.rows x array.cols",
        )?;
        let weights = Weights {
            rows: p.rows(),
            cols: p.cols(),
            w: w.values,
        };
        let columns = &self.columns;
        let model = py
            .detach(|| TileModel::new(p, &weights, columns))
            .map_err(value_error)?;
        self.programmed = Some((weights, model));
        Ok(())
    }

    /// Sets the column parameters: a C x 3 array of `mult, shift, bias` per column.
    fn set_columns(&mut self, columns: &Bound<'_, PyAny>) -> PyResult<()> {
        let c = integers(columns, "columns", &[2], |_, v| Ok(v))?;
        expect_shape(
            "columns",
            &c.shape,
            &[self.params.cols(), 3],
            "C x 3 = array.cols x (mult, shift, bias)",
        )?;
        let parsed = c
            .values
            .chunks(3)
            .enumerate()
            .map(|(i, v)| {
                check_columns(v[0], v[1], v[2])
                    .map_err(|(j, e)| value_error(format!("columns[{i}, {j}]: {e}")))
            })
            .collect::<PyResult<Vec<_>>>()?;
        if let Some((_, model)) = &mut self.programmed {
            model.program_columns(&parsed);
        }
        self.columns = parsed;
        Ok(())
    }

    /// MVMs of the N x R inputs `X` (or one vector of R) at read-noise indices
    /// `first_index + n` (modulo 2^32): the N x C outputs (or C), int64. `output="acc"` gives
    /// the accumulators before the column arithmetic.
    #[pyo3(signature = (x, first_index = 0, output = "out"))]
    fn mvm<'py>(
        &self,
        py: Python<'py>,
        x: &Bound<'py, PyAny>,
        first_index: i64,
        output: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let acc = match output {
            "out" => false,
            "acc" => true,
            other => {
                return Err(value_error(format!(
                    "output must be 'out' or 'acc', not '{other}'"
                )))
            }
        };
        let first = u32::try_from(first_index).map_err(|_| {
            value_error(format!(
                "first_index must be in 0..={}, not {first_index}",
                u32::MAX
            ))
        })?;
        let model = self.model()?;
        let (x, n) = self.inputs(x)?;
        let (rows, cols) = (self.params.rows(), self.params.cols());
        let mut y = vec![0i64; x.len() / rows.max(1) * cols];
        // Every core, without the GIL: the read noise depends only on k, so the MVMs are independent.
        py.detach(|| {
            y.par_chunks_mut(cols.max(1))
                .zip(x.par_chunks(rows.max(1)))
                .enumerate()
                .for_each(|(i, (y, x))| {
                    let r = model.mvm(first.wrapping_add(i as u32), x);
                    y.copy_from_slice(if acc { &r.acc } else { &r.out });
                })
        });
        Ok(match n {
            None => y.into_pyarray(py).into_any(),
            Some(n) => Array2::from_shape_vec((n, cols), y)
                .expect("N x C values")
                .into_pyarray(py)
                .into_any(),
        })
    }

    /// The derived sizes, as `cimtile info` prints them (without the synthesis).
    fn info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let info = TileInfo::new(&self.params, &self.origin, self.aging.as_deref());
        json_to_py(py, &serde_json::to_value(info).map_err(value_error)?)
    }

    /// The `cimtile ppa --no-synth` figures (a dict): on the programmed weights and the inputs `X`
    /// when given, else on `mvms` uniform random vectors and weights from `seed` (the CLI's default
    /// workload).
    #[pyo3(signature = (x = None, mvms = 64, seed = 1))]
    fn ppa<'py>(
        &self,
        py: Python<'py>,
        x: Option<&Bound<'py, PyAny>>,
        mvms: u64,
        seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        let p = &self.params;
        let (weights, inputs, description) = match x {
            Some(x) => {
                let (weights, _) = self.programmed.as_ref().ok_or_else(|| {
                    value_error("ppa(X) prices the programmed weights: call tile.program(W) first")
                })?;
                let (flat, _) = self.inputs(x)?;
                let inputs: Vec<Vec<i32>> = flat.chunks(p.rows()).map(<[i32]>::to_vec).collect();
                (
                    weights.clone(),
                    inputs,
                    format!(
                        "the programmed weights and {} input vectors",
                        flat.len() / p.rows()
                    ),
                )
            }
            None => {
                if !(1..=100_000).contains(&mvms) {
                    return Err(value_error(format!(
                        "mvms must be in 1..=100000, not {mvms}"
                    )));
                }
                let (weights, inputs, _, description) = ppa::random_workload(p, mvms, seed);
                (weights, inputs, description)
            }
        };
        let workload = Workload {
            weights: &weights,
            inputs: &inputs,
            description,
            activity: None,
        };
        let report = py
            .detach(|| ppa::estimate(p, None, &workload))
            .map_err(value_error)?;
        json_to_py(py, &serde_json::to_value(report).map_err(value_error)?)
    }

    /// The same tile `age` after programming (`"30d"`, `"1y"`, or seconds): `analog.drift` from
    /// the drift law, the weights and column parameters programmed again.
    fn age(&self, py: Python<'_>, age: &Bound<'_, PyAny>) -> PyResult<Tile> {
        let age = if let Ok(text) = age.extract::<String>() {
            aging::parse_age(&text).map_err(value_error)?
        } else {
            let seconds: f64 = age.extract().map_err(|_| {
                value_error("age must be a duration such as '30d' or a number of seconds")
            })?;
            if !seconds.is_finite() || seconds < 0.0 {
                return Err(value_error(format!(
                    "age must be a non-negative number of seconds, not {seconds}"
                )));
            }
            Age {
                text: format!("{seconds}s"),
                seconds,
            }
        };
        let (config, how) =
            aging::aged(self.params.config(), &age).map_err(|e| invalid(&self.origin, e))?;
        let mut tile = Tile::new(config, self.origin.clone())?;
        tile.aging = Some(how);
        tile.columns = self.columns.clone();
        if let Some((weights, _)) = &self.programmed {
            let model = py
                .detach(|| TileModel::new(&tile.params, weights, &tile.columns))
                .map_err(value_error)?;
            tile.programmed = Some((weights.clone(), model));
        }
        Ok(tile)
    }

    /// Column parameters that bring this programmed tile close to the same tile fresh, as
    /// `cimtile calibrate --engine model` (the same vectors and batch indices): calibration
    /// vectors from `seed` at k = 0..N, held-out vectors from `seed + 1` run with the intended
    /// (current) parameters at k = N..2N and with the calibrated ones at k = 2N..3N.
    #[pyo3(signature = (vectors = 256, seed = 1))]
    fn calibrate<'py>(
        &self,
        py: Python<'py>,
        vectors: u64,
        seed: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        if !(1..=1_000_000).contains(&vectors) {
            return Err(value_error(format!(
                "vectors must be in 1..=1000000, not {vectors}"
            )));
        }
        let (weights, _) = self.programmed.as_ref().ok_or_else(|| {
            value_error("calibrate measures the programmed tile: call tile.program(W) first")
        })?;
        let (p, n, intended) = (&self.params, vectors as usize, &self.columns);
        let result = py
            .detach(|| {
                let mut engine = ModelEngine::new(p)?;
                calibration::calibrate(p, &mut engine, weights, intended, n, seed)
            })
            .map_err(value_error)?;
        let fits: Vec<_> = result
            .fits
            .iter()
            .map(|f| json!({ "fit_slope": f.slope, "fit_intercept": f.intercept, "calibration_mean_abs_error": f.mean_abs_error }))
            .collect();
        let report = json!({
            "columns": result.columns().iter().map(|c| [c.mult as i64, c.shift as i64, c.bias as i64]).collect::<Vec<_>>(),
            "vectors": n, "seed": seed, "held_out_seed": result.held_out_seed,
            "before": { "mean_abs_error": result.before.0, "max_abs_error": result.before.1 },
            "after": { "mean_abs_error": result.after.0, "max_abs_error": result.after.1 },
            "fits": fits,
        });
        let report = json_to_py(py, &report)?;
        let columns = py
            .import("numpy")?
            .call_method1("asarray", (report.get_item("columns")?, "int64"))?;
        report.set_item("columns", columns)?;
        Ok(report)
    }

    /// The stuck cells (spec v2), as `cimtile faults`: a dict of arrays `row`, `phys_col`,
    /// `col`, `slice`, `polarity` (0: the positive column of the pair, 1: the negative) and
    /// `stuck_on` (True: stuck at the top level, False: stuck at 0).
    fn faults<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let cells = fault_map(&self.params);
        let column = |f: fn(&cimtile_tile::golden::device::StuckCell) -> i64| {
            cells.iter().map(f).collect::<Vec<i64>>()
        };
        let out = PyDict::new(py);
        out.set_item("row", column(|c| c.row as i64).into_pyarray(py))?;
        out.set_item("phys_col", column(|c| c.phys_col as i64).into_pyarray(py))?;
        out.set_item("col", column(|c| c.col as i64).into_pyarray(py))?;
        out.set_item("slice", column(|c| c.slice as i64).into_pyarray(py))?;
        out.set_item("polarity", column(|c| c.polarity as i64).into_pyarray(py))?;
        out.set_item(
            "stuck_on",
            cells
                .iter()
                .map(|c| c.stuck == Stuck::On)
                .collect::<Vec<bool>>()
                .into_pyarray(py),
        )?;
        Ok(out)
    }

    /// The programmed weights (R x C), or None.
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyArray2<i64>>> {
        self.programmed.as_ref().map(|(w, _)| {
            let values = w.w.iter().map(|&v| v as i64).collect();
            Array2::from_shape_vec((w.rows, w.cols), values)
                .expect("R x C weights")
                .into_pyarray(py)
        })
    }

    /// The column parameters (C x 3: mult, shift, bias).
    #[getter]
    fn columns<'py>(&self, py: Python<'py>) -> Bound<'py, PyArray2<i64>> {
        let values = self
            .columns
            .iter()
            .flat_map(|c| [c.mult as i64, c.shift as i64, c.bias as i64])
            .collect();
        Array2::from_shape_vec((self.columns.len(), 3), values)
            .expect("C x 3 parameters")
            .into_pyarray(py)
    }

    /// R: the input vector's length (`array.rows`).
    #[getter]
    fn rows(&self) -> usize {
        self.params.rows()
    }

    /// C: the output vector's length (`array.cols`).
    #[getter]
    fn cols(&self) -> usize {
        self.params.cols()
    }

    /// The inclusive range of an input value.
    #[getter]
    fn input_range(&self) -> (i64, i64) {
        self.params.input_range()
    }

    /// The largest weight magnitude.
    #[getter]
    fn weight_max(&self) -> i64 {
        self.params.weight_max()
    }

    /// The complete configuration as TOML text (a file that reads back the same tile).
    #[getter]
    fn config(&self) -> String {
        self.params.config().to_toml()
    }

    /// After `age`: how the age became `analog.drift`; else None.
    #[getter]
    fn aging(&self) -> Option<String> {
        self.aging.clone()
    }

    fn __repr__(&self) -> String {
        let p = &self.params;
        let state = if self.programmed.is_some() {
            "programmed"
        } else {
            "not programmed"
        };
        format!(
            "<cimtile.Tile {}: {} x {}, {state}>",
            self.origin,
            p.rows(),
            p.cols()
        )
    }
}
