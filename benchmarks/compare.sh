#!/usr/bin/env bash
# Side-by-side: `greater bench` (Java) vs benchmarks/scripts/torch_bench.py (PyTorch fp32) on one
# model folder, run alternately (Java, torch, Java, torch, ...) so both sides see the same machine
# state, then a table of the best round per side and the ratios against the targets.
#
# Usage: benchmarks/compare.sh [--make-venv] MODEL_DIR [N]
#   N             prefill and grad length (default 256)
#   --make-venv   create .venv in this checkout with torch + transformers first when it is missing
# Environment:
#   DECODE=64     tokens to decode (after an 8-token prompt)
#   REPEATS=3     timed runs per workload inside each process (each process reports its median)
#   ROUNDS=2      processes per side (alternating; the best round per side is reported)
#   ATTN=sdpa     torch attn_implementation (sdpa | eager)
#   THREADS=2     torch.set_num_threads
#   PYTHON=...    Python with torch + transformers (default: .venv/bin/python, then python3)
#   GREATER_JAVA_OPTS  extra JVM options for the Java side (passed through by ./greater)
#   OUT=FILE      also append the raw JSON lines (one per process, tagged) to FILE
# Exit: 0 when both sides ran (or torch is unavailable and Java ran), 1 when a side failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

make_venv=0
if [ "${1:-}" = "--make-venv" ]; then make_venv=1; shift; fi
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
model="$(cd "$1" 2>/dev/null && pwd)" || { echo "compare.sh: $1: no such folder" >&2; exit 2; }
[ -f "$model/config.json" ] || { echo "compare.sh: $model has no config.json" >&2; exit 2; }
n="${2:-256}"
decode="${DECODE:-64}"
repeats="${REPEATS:-3}"
rounds="${ROUNDS:-2}"
attn="${ATTN:-sdpa}"
threads="${THREADS:-2}"
venv_cmd="cd $root && "'u=($(pip config get global.extra-index-url)); python3 -m venv .venv && .venv/bin/pip install --index-url ${u[0]} --extra-index-url ${u[1]} torch==2.13.0+cpu transformers==5.17.0 safetensors tokenizers'

# --- Python with torch ------------------------------------------------------------------------
has_torch() { [ -n "$1" ] && "$1" -c 'import torch, transformers' >/dev/null 2>&1; }
if [ "$make_venv" = 1 ] && [ ! -x "$root/.venv/bin/python" ]; then
  echo "compare.sh: creating $root/.venv (torch 2.13.0+cpu, transformers 5.17.0)..." >&2
  (cd "$root" && u=($(pip config get global.extra-index-url)) && python3 -m venv .venv \
    && .venv/bin/pip install -q --index-url "${u[0]}" --extra-index-url "${u[1]}" \
         torch==2.13.0+cpu transformers==5.17.0 safetensors tokenizers) || echo "compare.sh: venv creation failed" >&2
fi
python=""
for cand in "${PYTHON:-}" "$root/.venv/bin/python" "$(command -v python3 || true)"; do
  if has_torch "$cand"; then python="$cand"; break; fi
done

# --- machine and versions ---------------------------------------------------------------------
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
[ -n "$cpu" ] || cpu="$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
mem_gib="$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
is_jdk25() { [ -x "$1/bin/java" ] && "$1/bin/java" -version 2>&1 | head -1 | grep -qE 'version "25'; }
jdk=""
for d in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" /usr/lib/jvm/*25*; do
  if [ -n "$d" ] && is_jdk25 "$d"; then jdk="$("$d/bin/java" -version 2>&1 | sed -n 2p)"; break; fi
done
echo "machine: ${cpu:-unknown CPU}, $(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Thread(s) per core: *//p') thread/core), ${mem_gib} GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java:    ${jdk:-no JDK 25 found}${GREATER_JAVA_OPTS:+; GREATER_JAVA_OPTS=$GREATER_JAVA_OPTS}"
if [ -n "$python" ]; then
  echo "torch:   $("$python" -c 'import torch, transformers, platform; print(f"torch {torch.__version__}, transformers {transformers.__version__}, Python {platform.python_version()}")') ($python), fp32, $threads threads, attn $attn"
else
  echo "torch:   no Python with torch + transformers found (.venv/bin/python, python3); only the Java side runs."
  echo "         create it with:  $venv_cmd"
  echo "         (or run: benchmarks/compare.sh --make-venv ...)"
fi
echo "model:   $model ($(du -sh "$model" | cut -f1)); prefill $n, grad $n, decode $decode; $repeats repeats (median) per process, $rounds rounds per side"
echo

# --- runs -------------------------------------------------------------------------------------
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
java_fail=0; torch_fail=0
# Build (if sources changed) before timing anything, so a broken build shows up once and early.
if ! "$root/greater" help bench >/dev/null 2>"$tmp/build.err"; then
  echo "java: ./greater bench is not available:" >&2; tail -30 "$tmp/build.err" >&2; java_fail=1
fi

run_side() { # side round -> appends the JSON line to $tmp/side.jsonl
  local side="$1" r="$2" t0 t1 line
  t0=$(date +%s.%N)
  if [ "$side" = java ]; then
    "$root/greater" bench --model "$model" --prefill "$n" --grad "$n" --decode "$decode" --repeats "$repeats" --json \
      >"$tmp/out" 2>"$tmp/err"
  else
    "$python" "$root/benchmarks/scripts/torch_bench.py" --model "$model" --prefill "$n" --grad "$n" --decode "$decode" \
      --repeats "$repeats" --threads "$threads" --attn "$attn" >"$tmp/out" 2>"$tmp/err"
  fi
  local rc=$?
  t1=$(date +%s.%N)
  line="$(grep '^{' "$tmp/out" | tail -1)"
  if [ $rc -ne 0 ] || [ -z "$line" ]; then
    echo "$side round $r FAILED (exit $rc):" >&2
    tail -30 "$tmp/err" >&2; tail -5 "$tmp/out" >&2
    return 1
  fi
  echo "$line" >>"$tmp/$side.jsonl"
  [ -n "${OUT:-}" ] && echo "{\"side\":\"$side\",\"round\":$r,\"model\":\"$model\",\"n\":$n,\"decode\":$decode,\"result\":$line}" >>"$OUT"
  printf '%-5s round %d (%5.0f s wall, load %s): %s\n' "$side" "$r" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')" "$(cut -d' ' -f1 /proc/loadavg)" "$line"
}

for ((r = 1; r <= rounds; r++)); do
  if [ $java_fail = 0 ]; then run_side java "$r" || java_fail=1; fi
  if [ -n "$python" ] && [ $torch_fail = 0 ]; then run_side torch "$r" || torch_fail=1; fi
done
echo

# --- table ------------------------------------------------------------------------------------
# Best round per side: lowest seconds, highest tokens/s, lowest peak RSS.
awk -v jf="$tmp/java.jsonl" -v tf="$tmp/torch.jsonl" '
function val(line, key,   m) {
  if (match(line, "\"" key "\":[-0-9.eE+]+")) return substr(line, RSTART + length(key) + 3, RLENGTH - length(key) - 3) + 0
  return ""
}
function load(file, side,   line, i, k, v) {
  while ((getline line < file) > 0) {
    for (i = 1; i <= 4; i++) {
      k = keys[i]; v = val(line, k)
      if (v == "") continue
      if (!((side, k) in best) || (hi[k] ? v > best[side, k] : v < best[side, k])) best[side, k] = v
    }
  }
}
function fmt(side, k) {
  if (!((side, k) in best)) return "-"
  if (k == "peak_rss_bytes") return sprintf("%.0f MiB", best[side, k] / 1048576)
  if (k == "decode_tokens_per_second") return sprintf("%.2f tok/s", best[side, k])
  return sprintf("%.3f s", best[side, k])
}
BEGIN {
  keys[1] = "prefill_seconds"; keys[2] = "grad_seconds"; keys[3] = "decode_tokens_per_second"; keys[4] = "peak_rss_bytes"
  hi["decode_tokens_per_second"] = 1
  name["prefill_seconds"] = "prefill time"; name["grad_seconds"] = "grad time"
  name["decode_tokens_per_second"] = "decode tokens/s"; name["peak_rss_bytes"] = "peak RSS"
  op["prefill_seconds"] = "<="; tgt["prefill_seconds"] = 0.8
  op["grad_seconds"] = "<="; tgt["grad_seconds"] = 0.7
  op["decode_tokens_per_second"] = ">="; tgt["decode_tokens_per_second"] = 1.5
  op["peak_rss_bytes"] = "<="; tgt["peak_rss_bytes"] = 1.3
  load(jf, "java"); load(tf, "torch")
  printf "%-16s %14s %14s %12s %8s %s\n", "metric (best)", "java (ours)", "torch", "ours/torch", "target", ""
  for (i = 1; i <= 4; i++) {
    k = keys[i]
    ratio = "-"; verdict = ""
    if (((("java", k) in best)) && (("torch", k) in best) && best["torch", k] > 0) {
      x = best["java", k] / best["torch", k]; ratio = sprintf("%.2f", x)
      ok = (op[k] == "<=") ? (x <= tgt[k]) : (x >= tgt[k])
      verdict = ok ? "met" : "MISSED"
    }
    printf "%-16s %14s %14s %12s %8s %s\n", name[k], fmt("java", k), fmt("torch", k), ratio, op[k] " " tgt[k], verdict
  }
}'
echo "(best of the rounds per side: lowest seconds / highest tokens/s / lowest RSS; each round is the median of $repeats runs after a warm-up)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

[ $java_fail = 0 ] && [ $torch_fail = 0 ] && exit 0
exit 1
