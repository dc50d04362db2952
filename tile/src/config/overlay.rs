//! A TOML file laid over a preset, key by key: unknown sections or keys and wrongly typed
//! values are errors, so a typo is never ignored.

use super::{AdcKind, CellLibrary, ConfigError, TileConfig};

pub(super) fn parse_table(text: &str) -> Result<toml::Table, ConfigError> {
    text.parse::<toml::Table>().map_err(|e| {
        let message = e.message().trim().replace('\n', "; ");
        let Some(span) = e.span() else {
            return ConfigError::single(format!("not valid TOML: {message}"));
        };
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError::single(format!(
            "not valid TOML at line {line}, column {column}: {message}"
        ))
    })
}

fn type_name(v: &toml::Value) -> &'static str {
    v.type_str()
}

/// Keys that a complete preset may leave out because their absence has a meaning, with the type
/// they take.
const OPTIONAL_KEYS: [(&str, &str, &str); 3] = [
    ("adc", "latency", "integer"),
    ("inputs", "per_transfer", "integer"),
    ("output", "raw", "boolean"),
];

/// Lays `patch` over `base` key by key. `base` is a complete preset, so it also serves as the
/// schema: a section or key it lacks is unknown (but for [`OPTIONAL_KEYS`]), and a value must have the type it has there.
pub(super) fn overlay_table(base: &mut toml::Table, patch: toml::Table) -> Result<(), ConfigError> {
    let mut problems = Vec::new();
    for (section, value) in patch {
        let Some(toml::Value::Table(base_section)) = base.get_mut(&section) else {
            problems.push(format!(
                "unknown section [{section}] (known sections: {})",
                base.keys()
                    .map(|k| format!("[{k}]"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            continue;
        };
        let toml::Value::Table(keys) = value else {
            problems.push(format!(
                "[{section}] must be a table, not a {}",
                type_name(&value)
            ));
            continue;
        };
        for (key, value) in keys {
            let optional = OPTIONAL_KEYS
                .iter()
                .find(|(s, k, _)| *s == section && *k == key)
                .map(|&(_, _, ty)| ty);
            match base_section.get_mut(&key) {
                // A key whose absence means something (`adc.latency`: Ta) may be in no preset.
                None if optional == Some(type_name(&value)) => {
                    base_section.insert(key, value);
                }
                None if optional.is_some() => problems.push(format!(
                    "{section}.{key} must be {} {}, not {} {}",
                    article(optional.expect("checked")),
                    optional.expect("checked"),
                    article(type_name(&value)),
                    type_name(&value)
                )),
                None => problems.push(format!(
                    "unknown key '{section}.{key}' (keys of [{section}]: {})",
                    base_section.keys().cloned().collect::<Vec<_>>().join(", ")
                )),
                Some(slot) if slot.same_type(&value) => *slot = value,
                // A whole number where a real one is expected (`drift_t0 = 1`) is that number.
                Some(slot) if slot.is_float() && value.is_integer() => {
                    *slot = toml::Value::Float(value.as_integer().expect("an integer") as f64)
                }
                Some(slot) => problems.push(format!(
                    "{section}.{key} must be {}, not {} {}",
                    article_type(slot),
                    article(type_name(&value)),
                    type_name(&value)
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ConfigError { problems })
    }
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn article_type(v: &toml::Value) -> String {
    format!("{} {}", article(type_name(v)), type_name(v))
}

/// Keys whose value is one of a few names, with the names: checked by name before the table is
/// read, because serde's error for an unknown name tells neither the key nor its section.
const NAMED_KEYS: [(&str, &str, &[&str]); 2] = [
    ("tech", "library", CellLibrary::NAMES),
    ("adc", "kind", AdcKind::NAMES),
];

/// Records every value of [`NAMED_KEYS`] that is not one of its names.
fn check_names(table: &toml::Table) -> Result<(), ConfigError> {
    let problems: Vec<String> = NAMED_KEYS
        .iter()
        .filter_map(|&(section, key, names)| {
            let value = table.get(section)?.get(key)?.as_str()?;
            let allowed: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            (!names.contains(&value)).then(|| {
                format!(
                    "{section}.{key} must be one of {}, not \"{value}\"",
                    allowed.join(", ")
                )
            })
        })
        .collect();
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ConfigError { problems }),
    }
}

pub(super) fn table_to_config(table: toml::Table) -> Result<TileConfig, ConfigError> {
    check_names(&table)?;
    toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| {
            ConfigError::single(format!("invalid configuration: {}", e.message()))
        })
}
