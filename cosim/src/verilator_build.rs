//! Building generated Verilog into a loadable model with Verilator 5.
//!
//! `verilator --cc --exe --build -O3 --trace` with `-fPIC`, `-shared` and the model's C++ at
//! `-O2` (`OPT_FAST`; Verilator's default is `-Os`) turns the Verilog and
//! the generated shim into `libtile.so`. A build takes seconds, so it is cached under
//! `<cache>/<hash>/` where the hash covers the Verilog, the shim, any C++ built with it (the DPI
//! crossbar's), the flags and Verilator's version; a file lock per hash lets parallel tests and processes share one build.
//! The cache is `$CIMTILE_CACHE_DIR`, else `$XDG_CACHE_HOME/cimtile`, else `~/.cache/cimtile`.

use crate::shim::shim_source;
use crate::verilog_ports::{module_ports, Port};
use crate::{io_error, log_tail, CosimError};
use fs2::FileExt;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A built model: the shared library and the top module's ports.
#[derive(Debug, Clone)]
pub struct BuiltModel {
    /// The shared library (`libtile.so`) in its cache directory.
    pub library: PathBuf,
    /// The top module's ports, as the shim exposes them.
    pub ports: Vec<Port>,
    /// The build was taken from the cache.
    pub cached: bool,
}

const FLAGS: &[&str] = &[
    "--cc",
    "--exe",
    "--build",
    "-O3",
    "--trace",
    "--assert",
    "-j",
    "2",
    "-Wno-fatal",
    "-Wno-lint",
    "-Wno-style",
    "-CFLAGS",
    "-fPIC",
    "-LDFLAGS",
    "-shared",
    "-o",
    "libtile.so",
    // The model's eval is nearly all of a co-simulation's time; Verilator compiles it with -Os
    // unless told otherwise.
    "-MAKEFLAGS",
    "OPT_FAST=-O2",
];

/// `verilator --version`, trimmed; [`CosimError::VerilatorMissing`] when it is not installed.
pub fn verilator_version() -> Result<String, CosimError> {
    let out = Command::new("verilator")
        .arg("--version")
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CosimError::VerilatorMissing,
            _ => CosimError::Io {
                context: "cannot run verilator".into(),
                error: e,
            },
        })?;
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Builds (or finds in the cache) the model of `verilog` with top module `top`.
pub fn build(verilog: &str, top: &str) -> Result<BuiltModel, CosimError> {
    build_with_flags(verilog, top, &[])
}

/// [`build`] with Verilator flags `extra` after the usual ones (a build of its own in the
/// cache).
pub fn build_with_flags(
    verilog: &str,
    top: &str,
    extra: &[&str],
) -> Result<BuiltModel, CosimError> {
    build_with_sources(verilog, top, extra, &[])
}

/// A C++ file compiled into the model beside the shim: DPI-C functions the Verilog imports.
#[derive(Debug, Clone, Copy)]
pub struct CppSource<'a> {
    /// File name in the build directory (`name.cpp`).
    pub name: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// [`build_with_flags`] with C++ files `cpp` compiled into the model (each part of the
/// cache's hash).
pub fn build_with_sources(
    verilog: &str,
    top: &str,
    extra: &[&str],
    cpp: &[CppSource],
) -> Result<BuiltModel, CosimError> {
    let ports = module_ports(verilog, top)?;
    let shim = shim_source(top, &ports);
    let version = verilator_version()?;
    let flags: Vec<&str> = FLAGS.iter().chain(extra).copied().collect();
    let mut hasher = Sha256::new();
    for part in [verilog, shim.as_str(), &flags.join(" "), top, &version] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    for source in cpp {
        for part in [source.name, source.text] {
            hasher.update(part.as_bytes());
            hasher.update([0u8]);
        }
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect();
    let root = cimtile_hdl::cache_dir();
    std::fs::create_dir_all(&root).map_err(io_error(format!(
        "cannot create cache '{}'",
        root.display()
    )))?;
    let lock_path = root.join(format!("{hash}.lock"));
    let lock = std::fs::File::create(&lock_path)
        .map_err(io_error(format!("cannot create '{}'", lock_path.display())))?;
    lock.lock_exclusive()
        .map_err(io_error(format!("cannot lock '{}'", lock_path.display())))?;
    let dir = root.join(&hash);
    let library = dir.join("obj/libtile.so");
    let done = dir.join("done");
    if done.exists() && library.exists() {
        return Ok(BuiltModel {
            library,
            ports,
            cached: true,
        });
    }
    run_verilator(&dir, verilog, &shim, cpp, top, &flags)?;
    std::fs::write(&done, "").map_err(io_error(format!("cannot write '{}'", done.display())))?;
    Ok(BuiltModel {
        library,
        ports,
        cached: false,
    })
}

fn run_verilator(
    dir: &Path,
    verilog: &str,
    shim: &str,
    cpp: &[CppSource],
    top: &str,
    flags: &[&str],
) -> Result<(), CosimError> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(io_error(format!("cannot clear '{}'", dir.display())))?;
    }
    std::fs::create_dir_all(dir).map_err(io_error(format!("cannot create '{}'", dir.display())))?;
    let write = |name: &str, text: &str| {
        std::fs::write(dir.join(name), text).map_err(io_error(format!(
            "cannot write '{}'",
            dir.join(name).display()
        )))
    };
    write(&format!("{top}.v"), verilog)?;
    write("shim.cpp", shim)?;
    for source in cpp {
        write(source.name, source.text)?;
    }
    let log_path = dir.join("verilator.log");
    let out = Command::new("verilator")
        .args(flags)
        .args([
            "--top-module",
            top,
            "--Mdir",
            "obj",
            &format!("{top}.v"),
            "shim.cpp",
        ])
        .args(cpp.iter().map(|source| source.name))
        .current_dir(dir)
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CosimError::VerilatorMissing,
            _ => CosimError::Io {
                context: "cannot run verilator".into(),
                error: e,
            },
        })?;
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    write("verilator.log", &log)?;
    if !out.status.success() || !dir.join("obj/libtile.so").exists() {
        return Err(CosimError::ToolFailed {
            tool: "verilator (building the RTL)".into(),
            log_path,
            log_tail: log_tail(&log, 30),
        });
    }
    Ok(())
}
