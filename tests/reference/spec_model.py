#!/usr/bin/env python3
"""An independent, deliberately plain transcription of shared/spec/tile-arithmetic.md (v2).

It shares no code with the Rust golden model: the integration tests run `cimtile run` and this
script on the same random cases and require identical output.

usage: spec_model.py CONFIG.json W.csv X.csv [C.csv]   (config: the flat keys of the spec)
prints the outputs as CSV on stdout. The v2 keys (analog.drift, analog.drift_spread,
analog.ir_drop, faults.stuck_off_ppm, faults.stuck_on_ppm) default to 0 when absent.
"""
import json
import sys

M32 = 0xFFFFFFFF
PROG, READ = 0x50524F47, 0x52454144
FAULT, DRIFT = 0x46414C54, 0x44524654


def mix(x):
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M32
    x ^= x >> 15
    x = (x * 0x846CA68B) & M32
    x ^= x >> 16
    return x


def H(tag, seed, a, b, c, d):
    h = mix((seed ^ tag) & M32)
    for v in (a, b, c, d):
        h = mix((h ^ v) & M32)
    return h


def uni(h, amp):
    return 0 if amp == 0 else (h % (2 * amp + 1)) - amp


def run(cfg, W, X, cols):
    R, C, Rg = cfg["array.rows"], cfg["array.cols"], cfg["array.rows_per_read"]
    Wb, Bc = cfg["weights.bits"], cfg["weights.cell_bits"]
    Ib, isg = cfg["inputs.bits"], cfg["inputs.signed"]
    Ab, step = cfg["adc.bits"], cfg["adc.step"]
    E, Nr, Np, seed = cfg["analog.fine_bits"], cfg["analog.read_noise"], cfg["analog.program_error"], cfg["analog.seed"]
    Ob, osg, act = cfg["output.bits"], cfg["output.signed"], cfg["output.activation"]
    D, Ds, Q = cfg.get("analog.drift", 0), cfg.get("analog.drift_spread", 0), cfg.get("analog.ir_drop", 0)
    Foff, Fon = cfg.get("faults.stuck_off_ppm", 0), cfg.get("faults.stuck_on_ppm", 0)
    S = -(-(Wb - 1) // Bc)
    P = 2 * S * C
    G = -(-R // Rg)
    g = [[0] * P for _ in range(R)]
    for r in range(R):
        for c in range(C):
            w = W[r][c]
            m = abs(w)
            for s in range(S):
                lvl = (m >> (s * Bc)) & ((1 << Bc) - 1)
                for p in (0, 1):
                    pc = (c * S + s) * 2 + p
                    level = lvl if ((p == 0 and w > 0) or (p == 1 and w < 0)) else 0
                    g[r][pc] = max(0, level * 2 ** E + uni(H(PROG, seed, r, pc, 0, 0), Np))
    # Section 6: every cell of the R x P array, stuck or drifted.
    for r in range(R):
        for pc in range(P):
            u = H(FAULT, seed, r, pc, 0, 0) % 1000000
            d = min(max(D + uni(H(DRIFT, seed, r, pc, 0, 0), Ds), 0), 65536)
            if u < Foff:
                g[r][pc] = 0
            elif u < Foff + Fon:
                g[r][pc] = ((1 << Bc) - 1) * 2 ** E
            else:
                g[r][pc] = (g[r][pc] * (65536 - d) + 32768) // 65536
    lo, hi = (-(2 ** (Ob - 1)), 2 ** (Ob - 1) - 1) if osg else (0, 2 ** Ob - 1)
    out = []
    for k, x in enumerate(X):
        def bit(v, b):
            return ((v & ((1 << Ib) - 1)) >> b) & 1
        acc = [0] * C
        for b in range(Ib):
            wb = -(2 ** b) if (isg and b == Ib - 1) else 2 ** b
            for gi in range(G):
                rows = range(gi * Rg, min((gi + 1) * Rg, R))
                code = [0] * P
                for pc in range(P):
                    I = sum(bit(x[r], b) * g[r][pc] for r in rows)
                    V = I - (I * I * Q) // 2 ** 40 + uni(H(READ, seed, k, b, gi, pc), Nr)
                    code[pc] = 0 if V < 0 else min(2 ** Ab - 1, (V + step // 2) // step)
                for c in range(C):
                    for s in range(S):
                        acc[c] += (code[(c * S + s) * 2] - code[(c * S + s) * 2 + 1]) * 2 ** (s * Bc) * wb
        row = []
        for c in range(C):
            mult, shift, bias = cols[c]
            t = (acc[c] + bias) * mult
            y = t if shift == 0 else (t + 2 ** (shift - 1)) // 2 ** shift
            if act == "relu":
                y = max(y, 0)
            row.append(min(max(y, lo), hi))
        out.append((acc, row))
    return out


def read_csv(path):
    with open(path) as f:
        return [[int(v) for v in line.split(",")] for line in f.read().splitlines() if line.strip()]


def main():
    cfg = json.load(open(sys.argv[1]))
    W, X = read_csv(sys.argv[2]), read_csv(sys.argv[3])
    cols = read_csv(sys.argv[4]) if len(sys.argv) > 4 else [[1, 0, 0]] * cfg["array.cols"]
    for _, row in run(cfg, W, X, cols):
        print(",".join(str(v) for v in row))


if __name__ == "__main__":
    main()
