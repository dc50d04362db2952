//! The native part of the `cimtile` Python package (`cimtile._native`): the tile model, its
//! derived sizes, PPA, aging, calibration and fault map over NumPy arrays. Every Python-visible
//! name is documented in `cimtile/__init__.pyi`; the work is done by the library crates, the same
//! code as the `cimtile` command line, so the results and the error messages are the CLI's.

mod arrays;
mod network;
mod tile;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// A `ValueError` with `message`: what the CLI would print after `cimtile:`.
pub(crate) fn value_error(message: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(message.to_string())
}

/// A JSON value (the CLI's report form) as Python dicts, lists and numbers.
pub(crate) fn json_to_py<'py>(
    py: Python<'py>,
    value: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(value_error)?;
    py.import("json")?.call_method1("loads", (text,))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<tile::Tile>()?;
    m.add_class::<network::Network>()?;
    Ok(())
}
