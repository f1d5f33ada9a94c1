#!/usr/bin/env python3
"""Ablation and search grid on the built-in demo: every variant x every split seed, one run at a time.

Usage: benchmarks/search_grid.py [--seeds 1,2,3,4,5] [--variants NAME,...] [--runs DIR] [--out FILE] [--run-seed split|N] [--own-answer]

Each run is `greater optimize --split-seed S --seed S --out DIR/<variant>/seed-S <variant flags>` with
the demo's defaults otherwise (model cli/src/main/resources/demo-model, task arithmetic, 24 train and
100 held-out problems drawn by the split seed, 12 steps, top-k 12, reasoning stopped before the
model's own extractor). --run-seed N gives every run --seed N instead (then the random ranking draws
the same order at every split seed, and its runs are not independent). A run whose result.json
exists is not redone, so an interrupted grid continues where it stopped. The reference rows evaluate
the hand-written "think step by step." on the same held-out problems, under each reasoning stop.
The table (mean +- sd over split seeds of held-out accuracy, steps and wall time; the first step
whose kept prompt gets fewer than half of the train answers wrong; with --own-answer, how often the
answer the model writes inside its reasoning is right; the load average around each run) goes to
--out, the raw numbers to the same name with .csv; the LOSS ranking's traces give the Spearman rank
correlation between the gradient order and the exact-loss order of the candidates at every step.

Environment: GREATER=command (default: ./greater beside this folder) runs the CLI, e.g. a wrapper
around a fixed jar so that editing sources during a grid does not rebuild it. Only Python's
standard library is needed.
"""
import argparse
import csv
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_PROMPT = "think step by step."

# Hand-written reference rows (evaluation only): name -> (flags, what it is)
REFERENCES = {
    "reference": ("", f'hand-written "{REFERENCE_PROMPT}" (evaluation only; the demo\'s reasoning stop: extractor)'),
    "reference-end-of-turn": ("--reasoning-stop end-of-turn", f'hand-written "{REFERENCE_PROMPT}", reasoning to the end of the turn (official)'),
}

# name -> (flags, what it is); the demo's default reasoning stop is the extractor
VARIANTS = {
    "official-gradient-8-end-of-turn": ("--reasoning-stop end-of-turn", "the demo before: demo defaults, reasoning to the end of the turn (official)"),
    "official-gradient-3-end-of-turn": ("--candidates 3 --reasoning-stop end-of-turn", "the paper's setting, reasoning to the end of the turn (official)"),
    "official-gradient-3": ("--candidates 3", "official search, gradient ranking, 3 re-scored (the paper's setting)"),
    "official-random-3": ("--candidates 3 --ranking random", "official search, random order, 3 re-scored"),
    "official-loss-3": ("--candidates 3 --ranking loss", "official search, exact-loss order, 3 re-scored"),
    "official-gradient-1": ("--candidates 1", "official search, gradient ranking, only the top candidate re-scored"),
    "official-random-1": ("--candidates 1 --ranking random", "official search, one random candidate re-scored"),
    "official-gradient-8": ("", "`./greater optimize` (demo defaults: 8 re-scored)"),
    "hill-climb-gradient-8": ("--search hill-climb", "`--search hill-climb`, demo defaults"),
    "hill-climb-random-8": ("--search hill-climb --ranking random", "hill climbing, random order, 8 re-scored"),
    "hill-climb-gradient-3": ("--candidates 3 --search hill-climb", "hill climbing, gradient ranking, 3 re-scored"),
    "hill-climb-random-3": ("--candidates 3 --search hill-climb --ranking random", "hill climbing, random order, 3 re-scored"),
    "hill-climb-gradient-8-24": ("--search hill-climb --steps 24", "`--search hill-climb --steps 24`"),
}


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_avg():
    return os.getloadavg()[0]


def run(cmd, log):
    t0 = time.monotonic()
    l0 = load_avg()
    with open(log, "w") as f:
        code = subprocess.call(cmd, stdout=f, stderr=subprocess.STDOUT, cwd=ROOT)
    return code, time.monotonic() - t0, (l0 + load_avg()) / 2


# The demo corpus's cue words that make the model write out its working
# (optimizer/.../task/ArithmeticInstructions.WORKING_CUES).
WORKING_CUES = {"step", "steps", "carefully", "careful", "show", "thoroughly", "detail", "slowly", "intermediate",
                "scratchpad", "explain", "methodically", "written", "through"}


def working_cue_places(trace):
    """Where the candidates that are working cues sit in each step's re-scoring order (0 first, 1 last;
    a random order puts them at 0.5 on average), over the steps up to the first whose kept prompt gets
    fewer than half of the train answers wrong: how readily the ranking offers the words that change
    the model's reasoning while it still answers directly."""
    places = []
    for t in trace:
        c = t["candidates"]
        if len(c) > 1:
            places += [i / (len(c) - 1) for i, x in enumerate(c) if x["token"].strip() in WORKING_CUES]
        if t["mistakeRate"] < 0.5:
            break
    return places


OWN_ANSWER = re.compile(r"final answer is \$(-?\d+)\$")


def own_answer_accuracy(records):
    """Percent of records whose reasoning itself ends with the gold answer ("... is $X$"); NaN when no
    reasoning holds an answer (reasoning stopped before the model's own extractor)."""
    recs = [json.loads(l) for l in Path(records).read_text().splitlines()]
    hits = [OWN_ANSWER.search(r["reasoning"]) for r in recs]
    if not any(hits):
        return float("nan")
    return 100 * sum(1 for m, r in zip(hits, recs) if m and m.group(1) == r["gold"]) / len(recs)


def mean_sd(xs):
    xs = [x for x in xs if x is not None and not (isinstance(x, float) and math.isnan(x))]
    if not xs:
        return float("nan"), float("nan")
    return statistics.fmean(xs), (statistics.stdev(xs) if len(xs) > 1 else 0.0)


def number(v):
    return float("nan") if v in (None, "NaN") else float(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--variants", default=",".join(VARIANTS))
    ap.add_argument("--runs", default=str(ROOT / "runs" / "search-grid"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "search-grid.md"))
    ap.add_argument("--run-seed", default="split",
                    help="--seed of each run: 'split' (the default) uses the split seed, so every run draws its own"
                         " candidate subsets and random order; a number gives every run that seed")
    ap.add_argument("--own-answer", action="store_true",
                    help="also evaluate each run's final prompt with --records and report how often the answer the"
                         " model writes inside its reasoning is right")
    args = ap.parse_args()
    seeds = [int(s) for s in args.seeds.split(",")]
    variants = args.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            sys.exit(f"search_grid.py: unknown variant {v}; known: {', '.join(VARIANTS)}")
    greater = shlex.split(os.environ.get("GREATER", str(ROOT / "greater")))
    runs = Path(args.runs)
    runs.mkdir(parents=True, exist_ok=True)
    print(f"CPU: {cpu_model()}, {os.cpu_count()} logical cores; runs in {runs}", file=sys.stderr)

    # Seed-major order (every variant of seed 1, then of seed 2, ...): variants alternate, so a
    # change in the machine's load spreads over all of them, and a partial grid already compares them.
    for s in seeds:
        for ref, (flags, _) in REFERENCES.items():
            d = runs / ref / f"seed-{s}"
            if (d / "evaluation.json").exists():
                continue
            d.mkdir(parents=True, exist_ok=True)
            code, secs, load = run(greater + ["evaluate", "--quiet", "--json", "--split-seed", str(s), "--prompt", REFERENCE_PROMPT,
                                              "--records", str(d / "records.jsonl")] + shlex.split(flags), d / "log.txt")
            if code != 0:
                sys.exit(f"search_grid.py: {ref} seed {s} failed (see {d / 'log.txt'})")
            line = [l for l in (d / "log.txt").read_text().splitlines() if l.startswith("{")][-1]
            (d / "evaluation.json").write_text(json.dumps({**json.loads(line), "wall_seconds": secs, "load": load}))
        for v in variants:
            d = runs / v / f"seed-{s}"
            if (d / "result.json").exists():
                continue
            d.mkdir(parents=True, exist_ok=True)
            run_seed = str(s) if args.run_seed == "split" else args.run_seed
            cmd = greater + ["optimize", "--quiet", "--split-seed", str(s), "--seed", run_seed, "--out", str(d)] + shlex.split(VARIANTS[v][0])
            print(f"{time.strftime('%H:%M:%S')} {v} seed {s}: {' '.join(cmd[len(greater):])}", file=sys.stderr)
            code, secs, load = run(cmd, d.parent / f"seed-{s}.log")
            if code != 0:
                sys.exit(f"search_grid.py: {v} seed {s} failed (see {d.parent / f'seed-{s}.log'})")
            (d / "wall.json").write_text(json.dumps({"wall_seconds": secs, "load": load}))
            r = json.loads((d / "result.json").read_text())
            print(f"  {100 * r['initial_accuracy']:.0f}% -> {100 * r['final_accuracy']:.0f}% in {secs:.0f} s "
                  f"(load {load:.1f}): {r['final_prompt']}", file=sys.stderr)

    if args.own_answer:
        for s in seeds:
            for v in variants:
                d = runs / v / f"seed-{s}"
                if (d / "own_answer.json").exists():
                    continue
                prompt = json.loads((d / "result.json").read_text())["final_prompt"]
                flags = shlex.split(VARIANTS[v][0])
                stop = flags[flags.index("--reasoning-stop"):][:2] if "--reasoning-stop" in flags else []
                code, _, _ = run(greater + ["evaluate", "--quiet", "--split-seed", str(s), "--prompt", prompt,
                                            "--records", str(d / "records.jsonl")] + stop, d / "own_answer.log")
                if code != 0:
                    sys.exit(f"search_grid.py: evaluating {v} seed {s} failed (see {d / 'own_answer.log'})")
                (d / "own_answer.json").write_text(json.dumps({"accuracy": own_answer_accuracy(d / "records.jsonl")}))

    rows = []
    in_reasoning = []
    for ref in REFERENCES:
        for s in seeds:
            e = json.loads((runs / ref / f"seed-{s}" / "evaluation.json").read_text())
            # The answer the model itself wrote at the end of its reasoning ("... is $X$"), before the
            # evaluation appends the extractor and reads the answer again (end-of-turn reasoning only).
            in_reasoning.append(own_answer_accuracy(runs / ref / f"seed-{s}" / "records.jsonl"))
            rows.append({"variant": ref, "seed": s, "initial": float("nan"), "final": e["accuracy"], "steps": 0,
                         "wall": e["wall_seconds"], "load": e["load"], "prompt": REFERENCE_PROMPT, "first_working_step": float("nan"),
                         "cue_place": float("nan"),
                         "own_answer": in_reasoning[-1]})
    for v in variants:
        for s in seeds:
            d = runs / v / f"seed-{s}"
            r = json.loads((d / "result.json").read_text())
            w = json.loads((d / "wall.json").read_text())
            # The first step whose kept prompt makes fewer than half of the train answers wrong: when
            # the search first found words that make the model work the problem out.
            trace = [json.loads(l) for l in (d / "trace.jsonl").read_text().splitlines()]
            first = next((t["step"] + 1 for t in trace if t["mistakeRate"] < 0.5), float("nan"))
            cues = working_cue_places(trace)
            rows.append({"variant": v, "seed": s, "initial": r["initial_accuracy"], "final": r["final_accuracy"],
                         "steps": r["steps"], "wall": w["wall_seconds"], "load": w["load"], "prompt": r["final_prompt"],
                         "first_working_step": first, "cue_place": statistics.fmean(cues) if cues else float("nan"),
                         "own_answer": json.loads((d / "own_answer.json").read_text())["accuracy"] if (d / "own_answer.json").exists() else float("nan")})

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_suffix(".csv"), "w", newline="") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)

    lines = [f"# Search grid on the demo ({len(seeds)} split seeds: {', '.join(map(str, seeds))})", "",
             f"CPU: {cpu_model()}, {os.cpu_count()} logical cores, shared with other jobs; one run at a time;"
             f" written {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `benchmarks/search_grid.py`;"
             f" each run's --seed: {'its split seed' if args.run_seed == 'split' else args.run_seed}.", "",
             "| variant | what | held-out accuracy, mean ± sd | min–max | initial | steps | first step < 50% train mistakes | working cues' place in the order | model's own answer, mean ± sd | wall time (s), mean ± sd | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for v in list(REFERENCES) + variants:
        rs = [r for r in rows if r["variant"] == v]
        what = REFERENCES[v][1] if v in REFERENCES else VARIANTS[v][1]
        m, sd = mean_sd([100 * r["final"] for r in rs])
        im, _ = mean_sd([100 * r["initial"] for r in rs])
        sm, ssd = mean_sd([r["steps"] for r in rs])
        wm, wsd = mean_sd([r["wall"] for r in rs])
        lm, _ = mean_sd([r["load"] for r in rs])
        lo, hi = min(100 * r["final"] for r in rs), max(100 * r["final"] for r in rs)
        firsts = [r["first_working_step"] for r in rs]
        found = [x for x in firsts if not math.isnan(x)]
        first = "" if v in REFERENCES else f"{statistics.fmean(found):.1f} ({len(found)}/{len(rs)} runs)" if found else f"never (0/{len(rs)})"
        cm, _ = mean_sd([r["cue_place"] for r in rs])
        om, osd = mean_sd([r["own_answer"] for r in rs])
        own = "" if math.isnan(om) else f"{om:.1f} ± {osd:.1f}"
        lines.append(f"| {v} | {what} | **{m:.1f} ± {sd:.1f}** | {lo:.0f}–{hi:.0f} | {'' if math.isnan(im) else f'{im:.1f}'} "
                     f"| {sm:.0f} | {first} | {'' if math.isnan(cm) else f'{cm:.2f}'} | {own} | {wm:.0f} ± {wsd:.0f} | {lm:.1f} |")

    lines += ["", "\"Working cues' place\": where the candidates that are the demo's working cue words (\"show\", \"step\","
              " \"carefully\", ...) sit in each step's re-scoring order, 0 first and 1 last (a random order: 0.5), over the steps"
              " up to the first working prompt, averaged over split seeds."]
    lines += ["", "\"Model's own answer\": how often the answer the model writes itself at the end of its reasoning"
              " (\"... is $X$\", before the evaluation appends the extractor and reads the answer a second time) is right"
              " on the same held-out problems (`--own-answer`)."]
    lines += ["", "Final prompts:", ""]
    for v in variants:
        lines.append(f"- {v}: " + "; ".join(f'{r["seed"]}: "{r["prompt"]}" ({100 * r["final"]:.0f}%)' for r in rows if r["variant"] == v))

    loss_runs = [v for v in variants if "--ranking loss" in VARIANTS[v][0]]
    for v in loss_runs:
        per_step, top, by_gradient = {}, [], []
        for s in seeds:
            trace = [json.loads(line) for line in (runs / v / f"seed-{s}" / "trace.jsonl").read_text().splitlines()]
            # the same cue places in the gradient's order of the same candidates
            by_gradient += working_cue_places([{**t, "candidates": sorted(t["candidates"], key=lambda x: (number(x["gradient"]), x["id"]))}
                                               for t in trace])
            for t in trace:
                rho = number(t.get("rankCorrelation"))
                if not math.isnan(rho):
                    per_step.setdefault(t["step"], []).append(rho)
                c = t["candidates"]
                k = min(3, len(c))
                by_grad = [x["id"] for x in sorted(c, key=lambda x: (number(x["gradient"]), x["id"]))][:k]
                by_loss = [x["id"] for x in sorted(c, key=lambda x: (number(x["exactLoss"]), x["id"]))][:k]
                top.append(len(set(by_grad) & set(by_loss)) / k)
        allr = [x for xs in per_step.values() for x in xs]
        am, asd = mean_sd(allr)
        lines += ["", f"Rank correlation in `{v}` (Spearman ρ between the gradient order and the exact-loss order of each"
                  f" step's candidates; mean ± sd over split seeds): all steps {am:.2f} ± {asd:.2f}; the gradient's top 3"
                  f" share {100 * statistics.fmean(top):.0f}% of the exact loss's top 3. Working cues sit at"
                  f" {statistics.fmean(by_gradient):.2f} of the gradient's order of the same candidates (0 first, 1 last).", "",
                  "| step | " + " | ".join(str(k + 1) for k in sorted(per_step)) + " |",
                  "|---|" + "---|" * len(per_step),
                  "| ρ | " + " | ".join("{:.2f} ± {:.2f}".format(*mean_sd(per_step[k])) for k in sorted(per_step)) + " |"]
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
