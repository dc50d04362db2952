//! Reading the ONNX protobuf: a node's attributes and name, an initializer's or constant's
//! values, and the graph input's declared shape.

use anyhow::{anyhow, bail, Result};
use tract_onnx::pb::{
    tensor_shape_proto::dimension, type_proto, AttributeProto, NodeProto, TensorProto,
    ValueInfoProto,
};

/// The attribute `name` of `node`, if it is set.
pub(super) fn attr<'p>(node: &'p NodeProto, name: &str) -> Option<&'p AttributeProto> {
    node.attribute.iter().find(|a| a.name == name)
}

/// How messages name `node`: its name, or its operator and first output when it has none.
pub(super) fn node_name(node: &NodeProto) -> String {
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

/// The integer list attribute `name` of `node` (`default` if it is not set); a negative value is
/// an error.
pub(super) fn ints(node: &NodeProto, name: &str, default: Vec<usize>) -> Result<Vec<usize>> {
    match attr(node, name) {
        None => Ok(default),
        Some(a) => a
            .ints
            .iter()
            .map(|&v| {
                usize::try_from(v)
                    .map_err(|_| anyhow!("attribute {name} = {:?} must not be negative", a.ints))
            })
            .collect(),
    }
}

/// A tensor's values as f64, C order.
pub(super) fn tensor_values(t: &TensorProto, file: &str) -> Result<(Vec<usize>, Vec<f64>)> {
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

/// The name of the input's batch dimension when it is a symbol (`dim_param`).
pub(super) fn batch_symbol(input: &ValueInfoProto) -> Option<String> {
    let Some(type_proto::Value::TensorType(t)) = input.r#type.as_ref()?.value.as_ref() else {
        return None;
    };
    match &t.shape.as_ref()?.dim.first()?.value {
        Some(dimension::Value::DimParam(name)) if !name.is_empty() => Some(name.clone()),
        _ => None,
    }
}

/// The input's per-image shape: its declared dimensions after the batch.
pub(super) fn input_shape(input: &ValueInfoProto) -> Result<Vec<usize>> {
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
