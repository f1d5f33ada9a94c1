"""Converts a JMH JSON result file (-rf json -rff FILE) of the kernel benchmarks into GFLOP/s.

A benchmark with a "shape" parameter "MxKxN" counts 2*M*K*N flops per operation (a matmul);
MachineBenchmark: readF32/readBf16 read 2^30 bytes per operation (GB/s); fmaPeak retires
3.84e9 flops per worker ("threads" parameter) per operation (GFLOP/s).
KernelsBenchmark (a Qwen2.5-0.5B-like layer, T = the "tokens" parameter): rmsNorm and the
cross-entropy over the vocabulary are memory-bound, so GB/s of the least traffic they must move
(x read + out written; logits read); attention counts the
causal (query, key) pairs T(T+1)/2 × heads × head dim × 4 flops (QKᵀ and PV), its backward 8
(dP, dV, dQ, dK).
Scores must be average times (us/op, ms/op or ns/op).

Usage: python3 benchmarks/scripts/jmh_gflops.py result.json
"""
import json
import sys

UNIT_SECONDS = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}
# MachineBenchmark.fmaPeak's flops per worker per operation (12 chains × lanes × 2 × iterations)
FMA_PEAK_FLOPS_PER_WORKER = 3.84e9
# KernelsBenchmark's layer (keep in step with its D, H, HD, V constants)
D, H, HD, V = 896, 14, 64, 32000


def kernels_rate(method, t):
    """(amount, unit) of one KernelsBenchmark operation: bytes for GB/s or flops for GFLOP/s."""
    pairs = t * (t + 1) / 2 * H * HD
    if method.startswith("rmsNorm"):
        return (2 * t * D + D) * 4, "GB/s"
    if method == "crossEntropy":
        return t * V * 4, "GB/s"
    if method == "attentionBackward":
        return 8 * pairs, "GFLOP/s"
    if method.startswith("attention"):
        return 4 * pairs, "GFLOP/s"
    return None


def seconds(result):
    """The mean time of one JMH result (average-time mode), in seconds."""
    metric = result["primaryMetric"]
    return metric["score"] * UNIT_SECONDS[metric["scoreUnit"]]


def main(path):
    with open(path) as f:
        results = json.load(f)
    for r in results:
        params = r.get("params", {})
        metric = r["primaryMetric"]
        secs = seconds(r)
        err = metric.get("scoreError", 0.0) * UNIT_SECONDS[metric["scoreUnit"]]
        name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
        label = " ".join(f"{k}={v}" for k, v in params.items())
        line = f"{name:32s} {label:40s} {secs * 1e6:10.1f} us"
        if "shape" in params:
            m, k, n = (int(v) for v in params["shape"].split("x"))
            flops = 2.0 * m * k * n
            gf = flops / secs / 1e9
            line += f"  {gf:7.1f} GFLOP/s"
            if err and err == err and secs > err:  # NaN-safe
                line += f" (range {flops / (secs + err) / 1e9:.1f}..{flops / (secs - err) / 1e9:.1f})"
        if name.startswith("KernelsBenchmark.") and "tokens" in params:
            rate = kernels_rate(name.split(".")[1], int(params["tokens"]))
            if rate:
                line += f"  {rate[0] / secs / 1e9:7.1f} {rate[1]}"
        if name.startswith("MachineBenchmark.read"):
            line += f"  {2**30 / secs / 1e9:7.1f} GB/s"
        if name == "MachineBenchmark.fmaPeak":
            line += f"  {FMA_PEAK_FLOPS_PER_WORKER * int(params['threads']) / secs / 1e9:7.1f} GFLOP/s"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
