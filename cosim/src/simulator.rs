//! A loaded Verilated model: one instance with its own `VerilatedContext`, driven through the
//! shim's C ABI. Ports are addressed by [`PortId`], looked up once by name.

use crate::verilator_build::BuiltModel;
use crate::verilog_ports::{Direction, Port};
use crate::CosimError;
use libloading::Library;
use std::ffi::{c_char, c_void, CString};
use std::path::Path;
use std::sync::Arc;

/// A port of one loaded model, found by [`Simulator::port`]: an index into the shim's port
/// table, cheaper than a name on every cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortId(u32);

type NewFn = unsafe extern "C" fn() -> *mut c_void;
type HandleFn = unsafe extern "C" fn(*mut c_void);
type TraceFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> i32;
type SetFn = unsafe extern "C" fn(*mut c_void, u32, u64);
type GetFn = unsafe extern "C" fn(*mut c_void, u32) -> u64;
type SetWordsFn = unsafe extern "C" fn(*mut c_void, u32, *const u32);
type GetWordsFn = unsafe extern "C" fn(*mut c_void, u32, *mut u32);
type FailedFn = unsafe extern "C" fn(*mut c_void) -> i32;

/// One instance of a Verilated model, with its own `VerilatedContext`: set inputs, evaluate,
/// clock, read outputs, and optionally trace to a VCD. Freed on drop.
pub struct Simulator {
    /// Keeps the code behind the function pointers loaded.
    _library: Arc<Library>,
    handle: *mut c_void,
    free: HandleFn,
    trace: TraceFn,
    set: SetFn,
    get: GetFn,
    set_words: SetWordsFn,
    get_words: GetWordsFn,
    eval: HandleFn,
    cycle: HandleFn,
    flush: HandleFn,
    failed: FailedFn,
    ports: Vec<Port>,
    cycles: u64,
}

// The model is only touched through &mut self or &self of its one owner.
unsafe impl Send for Simulator {}

impl Simulator {
    /// Loads the shared library of `model` and creates one instance of it.
    pub fn load(model: &BuiltModel) -> Result<Self, CosimError> {
        let load_error = |message: String| CosimError::Load {
            path: model.library.clone(),
            message,
        };
        // SAFETY: the library is one the shim generator wrote; its symbols have these types.
        unsafe {
            let library =
                Arc::new(Library::new(&model.library).map_err(|e| load_error(e.to_string()))?);
            macro_rules! symbol {
                ($name:literal, $ty:ty) => {
                    *library
                        .get::<$ty>($name)
                        .map_err(|e| load_error(e.to_string()))?
                };
            }
            let new: NewFn = symbol!(b"cimtile_new", NewFn);
            let sim = Simulator {
                free: symbol!(b"cimtile_free", HandleFn),
                trace: symbol!(b"cimtile_trace", TraceFn),
                set: symbol!(b"cimtile_set", SetFn),
                get: symbol!(b"cimtile_get", GetFn),
                set_words: symbol!(b"cimtile_set_words", SetWordsFn),
                get_words: symbol!(b"cimtile_get_words", GetWordsFn),
                eval: symbol!(b"cimtile_eval", HandleFn),
                cycle: symbol!(b"cimtile_cycle", HandleFn),
                flush: symbol!(b"cimtile_flush", HandleFn),
                failed: symbol!(b"cimtile_failed", FailedFn),
                handle: new(),
                _library: library,
                ports: model.ports.clone(),
                cycles: 0,
            };
            Ok(sim)
        }
    }

    /// The top module's ports, in the shim's order.
    pub fn ports(&self) -> &[Port] {
        &self.ports
    }

    /// The port called `name`, or [`CosimError::MissingPort`].
    pub fn port(&self, name: &str) -> Result<PortId, CosimError> {
        self.ports
            .iter()
            .position(|p| p.name == name)
            .map(|i| PortId(i as u32))
            .ok_or_else(|| CosimError::MissingPort(name.to_string()))
    }

    fn info(&self, port: PortId) -> &Port {
        &self.ports[port.0 as usize]
    }

    /// Drives an input of up to 64 bits (bits above its width are dropped by the model).
    pub fn set(&mut self, port: PortId, value: u64) {
        debug_assert!(self.info(port).direction == Direction::Input && self.info(port).width <= 64);
        unsafe { (self.set)(self.handle, port.0, value) }
    }

    /// Reads a port of up to 64 bits.
    pub fn get(&self, port: PortId) -> u64 {
        debug_assert!(self.info(port).width <= 64);
        unsafe { (self.get)(self.handle, port.0) }
    }

    /// Drives an input of any width from 32-bit words, least significant first.
    pub fn set_words(&mut self, port: PortId, words: &[u32]) {
        assert_eq!(
            words.len(),
            self.info(port).width.div_ceil(32),
            "one word per 32 bits"
        );
        unsafe { (self.set_words)(self.handle, port.0, words.as_ptr()) }
    }

    /// Drives an input of any width with `values`, each in `lane_bits` bits of its own from the
    /// least significant end (two's complement values keep their low `lane_bits`).
    pub fn set_lanes(&mut self, port: PortId, values: &[i64], lane_bits: u32) {
        let width = self.info(port).width;
        let mask = if lane_bits >= 64 {
            u64::MAX
        } else {
            (1u64 << lane_bits) - 1
        };
        if width <= 64 {
            let packed = values.iter().enumerate().fold(0u64, |word, (j, &v)| {
                word | ((v as u64 & mask) << (j as u32 * lane_bits))
            });
            self.set(port, packed);
            return;
        }
        let mut words = vec![0u32; width.div_ceil(32)];
        for (j, &v) in values.iter().enumerate() {
            let value = v as u64 & mask;
            for bit in 0..lane_bits as usize {
                if value >> bit & 1 == 1 {
                    let at = j * lane_bits as usize + bit;
                    words[at / 32] |= 1 << (at % 32);
                }
            }
        }
        self.set_words(port, &words);
    }

    /// Reads a port of any width as 32-bit words, least significant first.
    pub fn get_words(&self, port: PortId) -> Vec<u32> {
        let mut words = vec![0u32; self.info(port).width.div_ceil(32)];
        unsafe { (self.get_words)(self.handle, port.0, words.as_mut_ptr()) };
        words
    }

    /// Settles combinational logic after inputs changed.
    pub fn eval(&mut self) {
        unsafe { (self.eval)(self.handle) }
    }

    /// One clock cycle: rising edge, then falling edge.
    pub fn cycle(&mut self) {
        self.cycles += 1;
        unsafe { (self.cycle)(self.handle) }
    }

    /// Whether an assertion of the model (a host rule of `cim_tile_rules.sv`) has failed; the
    /// model printed the rule's name and message on standard output.
    pub fn assertion_failed(&self) -> bool {
        unsafe { (self.failed)(self.handle) != 0 }
    }

    /// Cycles since the model was created.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// Writes a VCD of everything from now on to `path`.
    pub fn trace(&mut self, path: &Path) -> Result<(), CosimError> {
        let c_path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| CosimError::Trace(path.to_path_buf()))?;
        match unsafe { (self.trace)(self.handle, c_path.as_ptr()) } {
            0 => Ok(()),
            _ => Err(CosimError::Trace(path.to_path_buf())),
        }
    }

    /// Writes the VCD's buffered changes to the file, so it can be read while the model lives.
    pub fn flush_trace(&mut self) {
        unsafe { (self.flush)(self.handle) }
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        unsafe { (self.free)(self.handle) }
    }
}
