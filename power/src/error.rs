//! The crate's error type: every variant names the file and, where there is one, the line.

use std::path::PathBuf;

/// Everything that can go wrong reading a library or a netlist, or running OpenSTA.
#[derive(Debug, thiserror::Error)]
pub enum PowerError {
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A Liberty file is malformed, or lacks something the engine needs.
    #[error("{file}:{line}: {what}")]
    Liberty {
        /// The Liberty file (or `<string>` when parsed from memory).
        file: String,
        /// 1-based line of the offending token or group.
        line: usize,
        /// What is wrong.
        what: String,
    },
    /// A Yosys JSON netlist is malformed.
    #[error("{file}: {what}")]
    Netlist {
        /// The netlist file (or `<string>`).
        file: String,
        /// What is wrong, naming the module, cell or port.
        what: String,
    },
    /// The conditions or activity given to the engine are not usable.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// OpenSTA could not be run, or its report could not be parsed.
    #[error("OpenSTA: {0}")]
    OpenSta(String),
}

/// The crate's result type.
pub type Result<T> = std::result::Result<T, PowerError>;
