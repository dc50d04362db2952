//! NumPy arrays in: any integer dtype (or anything `numpy.asarray` makes one of), read in one
//! pass straight into the tile's types, every value checked. A float array is refused, never
//! rounded, and a value out of range is named with its index, never clamped.

use crate::value_error;
use numpy::{
    PyArrayDescrMethods, PyArrayDyn, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::prelude::*;

/// A checked integer array: its shape and its values in row-major order.
pub struct Checked<T> {
    pub shape: Vec<usize>,
    pub values: Vec<T>,
}

/// `name[i, j]` for flat index `i` of an array of `shape`.
fn location(name: &str, shape: &[usize], flat: usize) -> String {
    let mut index = Vec::with_capacity(shape.len());
    let mut rest = flat;
    for &n in shape.iter().rev() {
        index.push(rest % n.max(1));
        rest /= n.max(1);
    }
    let index: Vec<String> = index.iter().rev().map(|i| i.to_string()).collect();
    format!("{name}[{}]", index.join(", "))
}

fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Reads `obj` (called `name` in messages) as an integer array of `ndims` dimensions (one of),
/// each value through `check(flat index, value)`, which says what is wrong with a bad one.
pub fn integers<T>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    ndims: &[usize],
    mut check: impl FnMut(usize, i64) -> Result<T, String>,
) -> PyResult<Checked<T>> {
    let array = match obj.cast::<PyUntypedArray>() {
        Ok(array) => array.clone(),
        Err(_) => obj
            .py()
            .import("numpy")?
            .call_method1("asarray", (obj,))
            .map_err(|e| value_error(format!("{name} is not an array of integers: {e}")))?
            .cast_into::<PyUntypedArray>()
            .map_err(|e| value_error(format!("{name} is not an array of integers: {e}")))?,
    };
    let shape = array.shape().to_vec();
    if !ndims.contains(&shape.len()) {
        let wanted: Vec<String> = ndims.iter().map(|d| format!("{d}-D")).collect();
        return Err(value_error(format!(
            "{name} has shape {}: a {} array is needed",
            shape_text(&shape),
            wanted.join(" or ")
        )));
    }
    let dtype = array.dtype();
    if !matches!(dtype.kind(), b'i' | b'u') {
        let what = match dtype.kind() {
            b'f' | b'c' => "integers are needed, and a float is never rounded silently: round it and cast it (x.astype(np.int64))",
            b'b' => "integers are needed (cast booleans with x.astype(np.int64))",
            _ => "integers are needed",
        };
        return Err(value_error(format!(
            "{name} has dtype {}: {what}",
            dtype.str()?
        )));
    }
    let mut values = Vec::with_capacity(shape.iter().product());
    let mut push = |flat: usize, v: i128| -> PyResult<()> {
        // A u64 beyond i64 is beyond every range of the tile: say so with the value as it is.
        let v = i64::try_from(v).map_err(|_| {
            value_error(format!(
                "{}: {v} is out of range",
                location(name, &shape, flat)
            ))
        })?;
        values.push(
            check(flat, v)
                .map_err(|e| value_error(format!("{}: {e}", location(name, &shape, flat))))?,
        );
        Ok(())
    };
    macro_rules! read_as {
        ($($t:ty),*) => {
            $(if let Ok(typed) = array.cast::<PyArrayDyn<$t>>() {
                let readonly = typed.readonly();
                for (flat, &v) in readonly.as_array().iter().enumerate() {
                    push(flat, v as i128)?;
                }
                return Ok(Checked { shape: shape.clone(), values });
            })*
        };
    }
    read_as!(i64, i32, i16, i8, u64, u32, u16, u8);
    // An integer dtype that none of those is (a platform's own spelling): through int64.
    let int64 = array.call_method1("astype", ("int64",))?;
    let typed = int64.cast::<PyArrayDyn<i64>>()?;
    let readonly = typed.readonly();
    for (flat, &v) in readonly.as_array().iter().enumerate() {
        push(flat, v as i128)?;
    }
    Ok(Checked { shape, values })
}

/// Says what shape `name` must have when it has another.
pub fn expect_shape(name: &str, shape: &[usize], wanted: &[usize], meaning: &str) -> PyResult<()> {
    if shape != wanted {
        return Err(value_error(format!(
            "{name} has shape {}: the tile needs {} ({meaning})",
            shape_text(shape),
            shape_text(wanted)
        )));
    }
    Ok(())
}
