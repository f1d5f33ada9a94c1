#!/usr/bin/env bash
# Times MatMul.matmul and its input gradient (JMH MatMulBenchmark) against torch F.linear (fp32) on
# the same shapes, between two measurements of the machine's vector FMA peak (MachineBenchmark
# fmaPeak), so all of them see the same machine load; then prints each shape's GFLOP/s, its
# fraction of the peak, and the ratio to torch. Run from the repository root after
#   mvn -q package -pl benchmarks -am -DskipTests
# Usage: benchmarks/scripts/compare_matmul.sh [rounds]
# With more than one round it ends with each side's best round per shape (the statistic compare.sh
# reports) against the highest peak of the run, and which shapes miss issue 16's targets.
# MODE=cpu instead times one thread per side in CPU seconds (MatMulCpuTime, torch --threads 1),
# alternating ours and the peak per shape: per-core efficiency that holds on a machine shared with
# other work, where wall-clock rates mostly measure the neighbours.
# Environment: PYTHON (a Python with torch; default .venv/bin/python, then /work/venv/bin/python),
#   THREADS (2), JMH_ARGS (extra JMH options, e.g. "-p dtype=BF16" to time one dtype),
#   OUT (a folder to keep the raw JSON in).
set -euo pipefail
rounds=${1:-1}
if ! [[ "$rounds" =~ ^[1-9][0-9]*$ ]]; then
  echo "compare_matmul.sh: rounds must be a positive whole number, got '$rounds'" >&2
  exit 2
fi
case "${MODE:-wall}" in
  wall | cpu) ;;
  *) echo "compare_matmul.sh: MODE must be wall or cpu, got '$MODE'" >&2; exit 2 ;;
esac
java=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java
python=${PYTHON:-}
for cand in "$python" .venv/bin/python /work/venv/bin/python; do
  if [ -n "$cand" ] && "$cand" -c 'import torch' >/dev/null 2>&1; then python=$cand; break; fi
done
threads=${THREADS:-2}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
jar=benchmarks/target/benchmarks.jar
if [ ! -f "$jar" ]; then
  echo "compare_matmul.sh: $jar not found; run from the repository root after: mvn -q package -pl benchmarks -am -DskipTests" >&2
  exit 2
fi
jmh() { "$java" --add-modules jdk.incubator.vector -jar "$jar" "$@" 2>/dev/null; }
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
echo "machine: ${cpu:-unknown CPU}, $(nproc) cores, $("$java" -version 2>&1 | sed -n 2p); torch threads $threads"
# two 2 s warm-ups: the first call of each worker starts interpreted and takes over a second,
# which a single 1 s warm-up left inside the measurement (2 threads read 38 GFLOP/s, not 226)
peak() { jmh MachineBenchmark.fmaPeak -p threads="$threads" -f 1 -wi 2 -i 3 -w 2 -r 1 -rf json -rff "$1" > /dev/null; }
echo "cpu: $(sed -n 's/^cpu family\s*: /family /p' /proc/cpuinfo | head -1), $(sed -n 's/^model\s*: /model /p' /proc/cpuinfo | head -1);\
 L2 $(lscpu 2>/dev/null | sed -n 's/^L2 cache: *//p'); $(grep -o -w 'avx512f\|avx512_bf16\|avx512_fp16\|amx_bf16' /proc/cpuinfo | sort -u | tr '\n' ' ')"
if [ "${MODE:-wall}" = cpu ]; then
  for r in $(seq 1 "$rounds"); do
    echo "== round $r (CPU seconds of one thread): load average $(cut -d' ' -f1-3 /proc/loadavg)"
    "$java" --add-modules jdk.incubator.vector -Dgreater.threads=1 -cp "$jar" \
        greater.benchmarks.kernels.MatMulCpuTime 2>/dev/null > "$out/cpu-$r.jsonl"
    if [ -n "$python" ]; then
      "$python" benchmarks/scripts/torch_linear.py --threads 1 --seconds 3 --json > "$out/torch1-$r.jsonl"
    else
      : > "$out/torch1-$r.jsonl"
    fi
    python3 benchmarks/scripts/matmul_report.py --cpu "$out/cpu-$r.jsonl" "$out/torch1-$r.jsonl"
    echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg); raw results in $out"
  done
  exit 0
fi
for r in $(seq 1 "$rounds"); do
  echo "== round $r: load average $(cut -d' ' -f1-3 /proc/loadavg)"
  peak "$out/peak-$r-a.json"
  jmh MatMulBenchmark -f 1 -wi 2 -i 3 -w 1 -r 1 ${JMH_ARGS:-} -rf json -rff "$out/jmh-$r.json" > "$out/jmh-$r.log"
  if [ -n "$python" ]; then
    "$python" benchmarks/scripts/torch_linear.py --threads "$threads" --seconds 3 --json > "$out/torch-$r.jsonl"
  else
    echo "(no Python with torch: set PYTHON)"; : > "$out/torch-$r.jsonl"
  fi
  peak "$out/peak-$r-b.json"
  python3 benchmarks/scripts/matmul_report.py "$out/peak-$r-a.json" "$out/peak-$r-b.json" "$out/jmh-$r.json" \
      "$out/torch-$r.jsonl"
  echo "   load average after: $(cut -d' ' -f1-3 /proc/loadavg); raw results in $out"
done
if [ "$rounds" -gt 1 ]; then
  echo "== best of the $rounds rounds per side (as compare.sh reports), against the highest peak measured"
  python3 benchmarks/scripts/matmul_report.py --best "$out" "$rounds"
fi
