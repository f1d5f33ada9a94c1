"""Times torch.nn.functional.linear (fp32, 2 threads) on the MatMulBenchmark shapes.

out[M,N] = x[M,K] @ W[N,K]^T; GFLOP/s = 2*M*K*N / mean time. "per CPU-second" divides by the
process CPU time instead, a load-insensitive measure of per-core efficiency when the machine is
shared (meaningful with --threads 1; OpenMP spin-waiting inflates it with more threads). fp32 x and W is the baseline the
Java kernels are compared against; --bf16 additionally times bf16 x and W (torch's native path
for a bf16 model), for reference.

Usage: .venv/bin/python benchmarks/scripts/torch_linear.py [--threads 2] [--seconds 2] [--bf16]
           [--shapes 1x2048x2048,64x2048x2048] [--json]
--json prints one JSON object per shape instead of the text line (compare_matmul.sh reads them).
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

# keep in step with MatMulBenchmark's "shape" parameter
SHAPES = "1x2048x2048,8x2048x2048,16x2048x2048,32x2048x2048,64x2048x2048,256x576x1536,1024x576x1536"


def bench(m, k, n, dtype, seconds):
    x = torch.randn(m, k).to(dtype)
    w = torch.randn(n, k).to(dtype)
    out = torch.empty(m, n, dtype=dtype)
    for _ in range(20):  # warm-up
        F.linear(x, w, out=out)
    best = float("inf")
    total_iters, total_time = 0, 0.0
    cpu0 = time.process_time()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        iters = 10
        t0 = time.perf_counter()
        for _ in range(iters):
            F.linear(x, w, out=out)
        dt = (time.perf_counter() - t0) / iters
        best = min(best, dt)
        total_iters += iters
        total_time += dt * iters
    cpu = time.process_time() - cpu0
    mean = total_time / total_iters
    flops = 2.0 * m * k * n
    return flops / mean / 1e9, flops / best / 1e9, mean, flops * total_iters / cpu / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--bf16", action="store_true", help="also time bf16 x and W")
    ap.add_argument("--shapes", default=SHAPES, help="comma-separated MxKxN")
    ap.add_argument("--json", action="store_true", help="one JSON object per shape")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if not args.json:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    dtypes = [torch.float32] + ([torch.bfloat16] if args.bf16 else [])
    for dtype in dtypes:
        for m, k, n in (tuple(int(v) for v in s.split("x")) for s in args.shapes.split(",")):
            mean_gf, best_gf, mean, cpu_gf = bench(m, k, n, dtype, args.seconds)
            if args.json:
                print(json.dumps({"shape": f"{m}x{k}x{n}", "dtype": str(dtype).replace("torch.", ""),
                                  "gflops": mean_gf, "best_gflops": best_gf, "gflops_per_cpu_s": cpu_gf,
                                  "torch": torch.__version__,
                                  "threads": torch.get_num_threads()}), flush=True)
                continue
            print(f"{str(dtype):15s} M={m:4d} K={k:5d} N={n:5d}  mean {mean * 1e6:9.1f} us  "
                  f"{mean_gf:7.1f} GFLOP/s (best {best_gf:7.1f}; {cpu_gf:7.1f} GFLOP per CPU-second)")


if __name__ == "__main__":
    main()
