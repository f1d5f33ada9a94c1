#!/usr/bin/env bash
# Whole GReaTer steps side by side, in one run on one machine: the new path (packed batches,
# continuous batching, reuse, draft verification), the sequential path of the same build
# (--no-batching --no-reuse --no-draft), optionally another build (e.g. main), and the official
# code's cost structure in PyTorch (benchmarks/scripts/torch_greater_step.py), alternating
# A B C D, A B C D, ... so every side sees the same machine state. Prints seconds per step and
# per phase (result.json's keys), peak RSS and CPU seconds (user + system, /usr/bin/time: the
# measure a shared machine moves least), and the draft acceptance.
#
# Usage: benchmarks/scripts/step_compare.sh [MODEL_DIR]
#   MODEL_DIR   default /tmp/greater-models/smollm2-135m-llama3, made on first use by
#               make_random_model.py --shape smollm2-135m --tokenizer ../shared/tokenizers/llama3
# Environment:
#   TRAIN=8 STEPS=2 TOKENS=64 TASK=date_understanding   the workload (issue 11)
#   ROUNDS=1          rounds of all sides
#   BASE=DIR          also run DIR/greater (e.g. a worktree of main: git worktree add /tmp/base 71d9028)
#   PYTHON=/work/venv/bin/python   Python with torch + transformers (skipped when it has none)
#   SIDES="new seq base torch"     which sides to run
#   EXTRA="..."       extra flags for the new path (e.g. --token-budget 8192)
#   TORCH_STEPS=N     steps of the PyTorch side (default STEPS; seconds per step are per step)
#   KEEP=DIR          keep every side's run folder / output in DIR (default: a temporary folder)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-/tmp/greater-models/smollm2-135m-llama3}"
train="${TRAIN:-8}"; steps="${STEPS:-2}"; tokens="${TOKENS:-64}"; task="${TASK:-date_understanding}"
rounds="${ROUNDS:-1}"; python="${PYTHON:-/work/venv/bin/python}"; sides="${SIDES:-new seq base torch}"
data="$(cd "$root/../shared/data" 2>/dev/null && pwd)" || { echo "step_compare: ../shared/data is missing" >&2; exit 2; }
if [ ! -f "$model/config.json" ]; then
  "$python" "$root/benchmarks/scripts/make_random_model.py" --shape smollm2-135m --tokenizer "$root/../shared/tokenizers/llama3" \
    --out "$model" || exit 1
fi
cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
echo "machine: ${cpu:-unknown CPU}, $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo) GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "workload: $model, task $task, --train $train --test 1 --steps $steps --max-reasoning-tokens $tokens; $rounds round(s)"
"$root/greater" help >/dev/null 2>&1 || { echo "step_compare: the build failed" >&2; exit 1; }
[ -n "${BASE:-}" ] && { "$BASE/greater" help >/dev/null 2>&1 || { echo "step_compare: $BASE does not build" >&2; exit 1; }; }
if [ -n "${KEEP:-}" ]; then tmp="$KEEP"; mkdir -p "$tmp"; else tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT; fi
common=(optimize --model "$model" --task "$task" --data-dir "$data" --train "$train" --test 1 --steps "$steps" --max-reasoning-tokens "$tokens" --quiet)

run_side() { # side round
  local side=$1 r=$2 out="$tmp/$1-$2" t0 t1
  case "$side" in
    new)  /usr/bin/time -f "%M %U %S" -o "$out.rss" "$root/greater" "${common[@]}" ${EXTRA:-} --out "$out" >/dev/null 2>"$out.err" ;;
    seq)  /usr/bin/time -f "%M %U %S" -o "$out.rss" "$root/greater" "${common[@]}" --no-batching --no-reuse --no-draft --out "$out" >/dev/null 2>"$out.err" ;;
    base) [ -n "${BASE:-}" ] || return 0
          /usr/bin/time -f "%M %U %S" -o "$out.rss" "$BASE/greater" "${common[@]}" --out "$out" >/dev/null 2>"$out.err" ;;
    torch) "$python" -c 'import torch, transformers' 2>/dev/null || return 0
          /usr/bin/time -f "%M %U %S" -o "$out.rss" "$python" "$root/benchmarks/scripts/torch_greater_step.py" --model "$model" \
            --data "$data/bbh/$task.csv" --train "$train" --steps "${TORCH_STEPS:-$steps}" --max-reasoning-tokens "$tokens" >"$out.json" 2>"$out.err" ;;
  esac || { echo "$side round $r failed:"; tail -5 "$out.err"; }
}
for r in $(seq 1 "$rounds"); do
  for side in $sides; do echo "round $r: $side ($(date +%T), load $(cut -d' ' -f1 /proc/loadavg))" >&2; run_side "$side" "$r"; done
done

python3 - "$tmp" "$rounds" "$sides" <<'PY'
import json, os, sys
tmp, rounds, sides = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
rows = {}
for side in sides:
    for r in range(1, rounds + 1):
        base = os.path.join(tmp, f"{side}-{r}")
        res = None
        if os.path.exists(os.path.join(base, "result.json")):
            res = json.load(open(os.path.join(base, "result.json")))
            trace = [json.loads(l) for l in open(os.path.join(base, "trace.jsonl"))]
            res["draft"] = (sum(t.get("draftAccepted", 0) for t in trace), sum(t.get("draftTokens", 0) for t in trace))
            res["reused"] = sum(1 for t in trace if t.get("reasoningReused"))
            res["prompt"] = res["final_prompt"]
        elif os.path.exists(base + ".json") and os.path.getsize(base + ".json") > 0:
            res = json.loads(open(base + ".json").read().strip().splitlines()[-1])
        if res is None:
            continue
        timed = open(base + ".rss").read().split()[-3:] if os.path.exists(base + ".rss") else []
        res["rss_mib"] = int(timed[0]) / 1024 if len(timed) == 3 else float("nan")
        res["cpu_s"] = float(timed[1]) + float(timed[2]) if len(timed) == 3 else float("nan")
        rows.setdefault(side, []).append(res)
print(f"{'side':6} {'round':>5} {'s/step':>8} {'reasoning':>9} {'gradient':>9} {'selection':>9} {'peak RSS':>9} {'CPU s':>8}  drafts accepted / reused steps")
for side, rs in rows.items():
    for k, res in enumerate(rs, 1):
        n = max(1, res.get("steps", 1))
        extra = ""
        if "draft" in res:
            a, d = res["draft"]
            extra = f"{a}/{d} ({100 * a / d:.0f}%)" if d else "no drafts"
            extra += f", {res['reused']} reused"
        print(f"{side:6} {k:>5} {res['seconds_per_step']:8.1f} {res['generation_seconds'] / n:9.1f} {res['gradient_seconds'] / n:9.1f} "
              f"{res['selection_seconds'] / n:9.1f} {res['rss_mib']:7.0f} MiB {res['cpu_s']:8.1f}  {extra}")
best = {s: min(r["seconds_per_step"] for r in rs) for s, rs in rows.items()}
if "new" in best:
    for other in ("seq", "base", "torch"):
        if other in best:
            print(f"new / {other}: {best['new'] / best[other]:.3f} (best round of each)")
prompts = {s: rs[0].get("prompt") for s, rs in rows.items() if rs[0].get("prompt")}
if len(set(prompts.values())) > 1:
    print("final prompts differ:", prompts)
PY
