// cim_crossbar_dpi.cpp: the conversions of cim_crossbar_macro_dpi.sv, in C++ through DPI-C,
// for Verilator co-simulation. It computes tile-arithmetic.md (v2) as cim_crossbar_macro.v does,
// bit for bit, from its own code:
//   - each cell's effective conductance geff(r, pc) (programming error, stuck cells, drift) is
//     computed when the cell is programmed, and kept column by column;
//   - one call converts every ADC of a phase: the column current I of the driven rows of the
//     group, the IR drop I - floor(I*I*Q / 2^40) (exact in 128 bits), the seeded read noise
//     uni(H(READ, seed, k, b, g, pc), Nr), then the ADC rule
//     code = V < 0 ? 0 : min(2^Ab - 1, (V + floor(step/2)) div step).
// State is per instance (the handle of cimtile_xbar_new), so tiles side by side are independent.
// The names avoid the "cim_" prefix that generate --prefix renames in the Verilog.

// The column sums vectorize at -O3 (Verilator builds user C++ with OPT_FAST).
#pragma GCC optimize("O3")

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "svdpi.h"

namespace {

const uint32_t PROG = 0x50524f47u;
const uint32_t READ = 0x52454144u;
const uint32_t FAULT = 0x46414c54u;
const uint32_t DRIFT = 0x44524654u;

inline uint32_t mix(uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

inline uint32_t hash(uint32_t seed, uint32_t tag, uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return mix(mix(mix(mix(mix(seed ^ tag) ^ a) ^ b) ^ c) ^ d);
}

// uni(h, amp) = (h mod (2*amp + 1)) - amp, h unsigned.
inline int64_t uni(uint32_t h, uint32_t amp) {
    if (amp == 0) return 0;
    return (int64_t)((uint64_t)h % (2 * (uint64_t)amp + 1)) - (int64_t)amp;
}

struct Xbar {
    uint32_t rows, phys_cols, rows_per_read, adcs, adc_bits, step;
    uint32_t cell_bits, fine_bits, read_noise, program_error, seed;
    uint32_t drift, drift_spread, stuck_off, stuck_on;
    uint64_t ir_drop;
    uint64_t code_max;
    // Every column current fits 32 bits: rows_per_read * the largest conductance < 2^32.
    bool narrow;
    // geff of cell (r, pc) at conductance[pc * rows + r]: a column's rows are contiguous.
    std::vector<uint32_t> conductance;
    // Per conversion: all-ones for a driven row of the group, else 0.
    std::vector<uint32_t> mask;

    // geff(r, pc) of a cell at `level` (spec sections 2 and 6).
    uint32_t cell(uint32_t r, uint32_t pc, uint32_t level) const {
        uint32_t u = hash(seed, FAULT, r, pc, 0, 0) % 1000000u;
        if (u < stuck_off) return 0;
        if ((uint64_t)u < (uint64_t)stuck_off + stuck_on)
            return (uint32_t)((((uint64_t)1 << cell_bits) - 1) << fine_bits);
        int64_t g = ((int64_t)level << fine_bits) + uni(hash(seed, PROG, r, pc, 0, 0), program_error);
        if (g < 0) g = 0;
        int64_t d = (int64_t)drift + uni(hash(seed, DRIFT, r, pc, 0, 0), drift_spread);
        if (d < 0) d = 0;
        if (d > 65536) d = 65536;
        return (uint32_t)((g * (65536 - d) + 32768) >> 16);
    }
};

}  // namespace

extern "C" {

void* cimtile_xbar_new(int rows, int phys_cols, int rows_per_read, int adcs, int adc_bits,
                       int adc_step, int cell_bits, int fine_bits, int read_noise,
                       int program_error, int seed, int drift, int drift_spread,
                       long long ir_drop, int stuck_off_ppm, int stuck_on_ppm) {
    Xbar* x = new Xbar;
    x->rows = (uint32_t)rows;
    x->phys_cols = (uint32_t)phys_cols;
    x->rows_per_read = (uint32_t)rows_per_read;
    x->adcs = (uint32_t)adcs;
    x->adc_bits = (uint32_t)adc_bits;
    x->step = (uint32_t)adc_step;
    x->cell_bits = (uint32_t)cell_bits;
    x->fine_bits = (uint32_t)fine_bits;
    x->read_noise = (uint32_t)read_noise;
    x->program_error = (uint32_t)program_error;
    x->seed = (uint32_t)seed;
    x->drift = (uint32_t)drift;
    x->drift_spread = (uint32_t)drift_spread;
    x->ir_drop = (uint64_t)ir_drop;
    x->stuck_off = (uint32_t)stuck_off_ppm;
    x->stuck_on = (uint32_t)stuck_on_ppm;
    x->code_max = ((uint64_t)1 << x->adc_bits) - 1;
    // A fresh array is erased: every cell at level 0, device effects included.
    x->conductance.assign((size_t)x->rows * x->phys_cols, 0);
    for (uint32_t pc = 0; pc < x->phys_cols; pc++)
        for (uint32_t r = 0; r < x->rows; r++)
            x->conductance[(size_t)pc * x->rows + r] = x->cell(r, pc, 0);
    x->mask.assign(x->rows_per_read, 0);
    // The largest conductance any cell can have: the top level with the largest programming
    // error (drift only lowers it; a stuck-on cell holds the top level).
    const uint64_t largest = ((((uint64_t)1 << x->cell_bits) - 1) << x->fine_bits) + x->program_error;
    x->narrow = (uint64_t)x->rows_per_read * largest < ((uint64_t)1 << 32);
    return x;
}

void cimtile_xbar_free(void* handle) { delete (Xbar*)handle; }

// Cell (row, col) takes `level`; addresses out of range are ignored.
void cimtile_xbar_program(void* handle, int row, int col, int level) {
    Xbar* x = (Xbar*)handle;
    uint32_t r = (uint32_t)row, pc = (uint32_t)col;
    if (x == nullptr || r >= x->rows || pc >= x->phys_cols) return;
    x->conductance[(size_t)pc * x->rows + r] = x->cell(r, pc, (uint32_t)level);
}

// One conversion of every ADC in `phase`: ADC a converts physical column phase*adcs + a (code
// 0 where that is past the last column), from row group `group` with wordline i of the group
// driven by bit i of `drive`; batch index `mvm` and input bit `bit_index` seed the noise.
// Codes go to `converted`, ADC a at bits a*adc_bits.
void cimtile_xbar_convert(void* handle, int phase, int group, const svBitVecVal* drive, int mvm,
                          int bit_index, svBitVecVal* converted) {
    Xbar* x = (Xbar*)handle;
    const uint32_t total_bits = x->adcs * x->adc_bits;
    std::memset(converted, 0, sizeof(svBitVecVal) * ((total_bits + 31) / 32));
    // Rows of the group that exist (the last group may be short).
    const uint64_t first = (uint64_t)(uint32_t)group * x->rows_per_read;
    const uint32_t count = first >= x->rows ? 0
                         : (x->rows - first < x->rows_per_read ? (uint32_t)(x->rows - first)
                                                                : x->rows_per_read);
    uint32_t* mask = x->mask.data();
    for (uint32_t i = 0; i < count; i++)
        mask[i] = ((drive[i >> 5] >> (i & 31)) & 1u) ? 0xffffffffu : 0u;
    // H(READ, seed, k, b, g, pc): every round but the last is the same for the whole phase.
    const uint32_t noise_base = mix(mix(mix(mix(x->seed ^ READ) ^ (uint32_t)mvm) ^ (uint32_t)bit_index)
                                    ^ (uint32_t)group);
    const uint64_t half_step = x->step / 2;
    for (uint32_t a = 0; a < x->adcs; a++) {
        const uint64_t pc = (uint64_t)(uint32_t)phase * x->adcs + a;
        int64_t v = 0;
        if (pc < x->phys_cols) {
            const uint32_t* column = x->conductance.data() + (size_t)pc * x->rows + first;
            // Masked, not branched: drive bits are data. In 32 bits when no column current of
            // the tile can reach 2^32 (the loop then vectorizes), else in 64.
            uint64_t current = 0;
            if (x->narrow) {
                uint32_t sum = 0;
                for (uint32_t i = 0; i < count; i++) sum += column[i] & mask[i];
                current = sum;
            } else {
                for (uint32_t i = 0; i < count; i++) current += column[i] & mask[i];
            }
            // I * I * Q needs up to 73 bits: exact in 128.
            const unsigned __int128 square = (unsigned __int128)current * current;
            const uint64_t drop = (uint64_t)((square * x->ir_drop) >> 40);
            v = (int64_t)(current - drop) + uni(mix(noise_base ^ (uint32_t)pc), x->read_noise);
        }
        uint64_t q = v < 0 ? 0 : ((uint64_t)v + half_step) / x->step;
        if (q > x->code_max) q = x->code_max;
        // ADC a's code at bits a*adc_bits (at most 16 bits: it spans two words at most).
        const uint64_t at = (uint64_t)a * x->adc_bits;
        const uint64_t shifted = q << (at & 31);
        converted[at >> 5] |= (svBitVecVal)shifted;
        if ((shifted >> 32) != 0) converted[(at >> 5) + 1] |= (svBitVecVal)(shifted >> 32);
    }
}

}  // extern "C"
