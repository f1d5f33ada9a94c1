"""A GReaTer step spent the way the official code spends it, in PyTorch + transformers on CPU.

The official implementation (GREATER.md, "One outer step") has no KV-cache reuse: every phase
re-runs whole sequences. This script reproduces that cost structure on the same model folder and
task as `greater optimize`, so benchmarks/scripts/step_compare.sh can put its seconds per step
beside ours in the same run:
  reasoning  greedy `model.generate` for every train example in left-padded batches of --batch (9)
             under the current prompt (KV cache inside generate only), --max-reasoning-tokens new
             tokens at most, stop at eos / end of turn;
  gradient   per example, a full forward (no cache) of question ⊕ prompt ⊕ reasoning ⊕ target
             whose logits at the prompt position give the top-k candidates, and a full
             forward + backward with the embedding at that position written as onehot · E_C
             (answer CE at τ = 0.2 + λ · prompt NLL, λ = 0.2) for the one-hot gradient;
  selection  for each of the --candidates steepest candidates: regenerate every example's
             reasoning (batches of --batch through generate), then full forwards (no cache) in
             batches of --batch to score mistakes + λ/10 · prompt NLL; keep the lowest.
The llama-3 chat layout is built by hand as the official code does; the model runs in --dtype
(fp32 by default, as the parity reference) with --threads threads.

Prints one JSON line: {"seconds_per_step", "generation_seconds", "gradient_seconds",
"selection_seconds" (sums over steps, like result.json), "steps", "peak_rss_bytes", "chosen": [...]}.

Usage: /work/venv/bin/python benchmarks/scripts/torch_greater_step.py --model DIR
         --data ../shared/data/bbh/date_understanding.csv [--train 8] [--steps 2]
         [--max-reasoning-tokens 64] [--batch 9] [--candidates 3] [--topk 40] [--threads 2]
"""
import argparse
import csv
import json
import random
import resource
import time

import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, AutoTokenizer

INIT = "proper logical reasoning and think step by step. Finally give the actual correct answer."
EXTRACTOR = "Therefore, the final answer (use exact format: '$A' or '$B' or '$C' or '$D' or '$E' or '$F') is $"
HEAD = "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n"
TAIL = "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
TAU, LAMBDA = 0.2, 0.2


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--train", type=int, default=8)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--max-reasoning-tokens", type=int, default=64)
    ap.add_argument("--batch", type=int, default=9)
    ap.add_argument("--candidates", type=int, default=3)
    ap.add_argument("--topk", type=int, default=40)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    tok = AutoTokenizer.from_pretrained(args.model)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype, attn_implementation="sdpa").eval()
    for p in model.parameters():
        p.requires_grad_(False)
    emb = model.get_input_embeddings().weight
    pad = tok.convert_tokens_to_ids("<|finetune_right_pad_id|>") if "<|finetune_right_pad_id|>" in tok.get_vocab() else 0
    stops = [tok.convert_tokens_to_ids("<|eot_id|>"), tok.eos_token_id]

    def ids(text):
        return tok(text, add_special_tokens=False).input_ids

    with open(args.data, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[: args.train]
    samples = []
    for r in rows:
        letter = r["final_target"].strip("()")
        target = ids(" " + EXTRACTOR + letter)
        samples.append(dict(prefix=ids(HEAD + r["goal"] + ". Use"), suffix=ids(TAIL), target=target, answer_len=len(ids(letter))))
    allowed = torch.zeros(len(tok), dtype=torch.bool)
    special = set(tok.all_special_ids)
    for i in range(len(tok)):
        s = tok.decode([i])
        allowed[i] = i not in special and (s in (",", ".", " ") or (s.isascii() and s.replace(" ", "").isalpha()))

    def generate(prompt):
        out = []
        for b in range(0, len(samples), args.batch):
            chunk = [s["prefix"] + prompt + s["suffix"] for s in samples[b: b + args.batch]]
            n = max(len(c) for c in chunk)
            input_ids = torch.tensor([[pad] * (n - len(c)) + c for c in chunk])
            mask = torch.tensor([[0] * (n - len(c)) + [1] * len(c) for c in chunk])
            with torch.inference_mode():
                g = model.generate(input_ids=input_ids, attention_mask=mask, max_new_tokens=args.max_reasoning_tokens,
                                   do_sample=False, eos_token_id=stops, pad_token_id=pad)
            for row in g[:, n:].tolist():
                r = []
                for t in row:
                    if t in stops or t == pad:
                        break
                    r.append(t)
                out.append(r)
        return out

    def sequence(s, prompt, reasoning):
        return s["prefix"] + prompt + s["suffix"] + reasoning + s["target"]

    def losses(s, prompt, reasoning, logits):
        """answer CE at τ, mistake flag, prompt NLL (mean over prompt tokens 1..L-1) from full-sequence logits [T, V]."""
        seq = sequence(s, prompt, reasoning)
        a0 = len(seq) - s["answer_len"]
        ans = torch.tensor(seq[a0:])
        al = logits[a0 - 1: len(seq) - 1].float()
        ce = F.cross_entropy(al / TAU, ans)
        mistake = bool((al.argmax(-1) != ans).any())
        p0 = len(s["prefix"])
        nll = F.cross_entropy(logits[p0: p0 + len(prompt) - 1].float(), torch.tensor(prompt[1:])) if len(prompt) > 1 else torch.zeros(())
        return ce, mistake, nll

    def padded_forward(seqs):
        n = max(len(q) for q in seqs)
        input_ids = torch.tensor([q + [pad] * (n - len(q)) for q in seqs])
        mask = torch.tensor([[1] * len(q) + [0] * (n - len(q)) for q in seqs])
        with torch.inference_mode():
            return model(input_ids=input_ids, attention_mask=mask).logits

    prompt = ids(" " + INIT)
    init_len = len(prompt)
    i = 0
    totals = dict(generation_seconds=0.0, gradient_seconds=0.0, selection_seconds=0.0)
    chosen = []
    rng = random.Random(42)
    step_seconds = []
    for step in range(args.steps):
        t0 = time.perf_counter()
        reasoning = generate(prompt)
        t1 = time.perf_counter()
        # proposal: full forwards without cache, logits predicting prompt token i
        tops = []
        for b in range(0, len(samples), args.batch):
            chunk = list(range(b, min(b + args.batch, len(samples))))
            logits = padded_forward([sequence(samples[k], prompt, reasoning[k]) for k in chunk])
            for j, k in enumerate(chunk):
                row = logits[j, len(samples[k]["prefix"]) + i - 1].float().log_softmax(-1)
                row[~allowed] = -float("inf")
                if i > 0:
                    row[prompt[i - 1]] = -float("inf")
                tops.append(set(row.topk(args.topk).indices.tolist()))
        cands = set()
        for _ in range(6):
            pick = rng.sample(range(len(tops)), min(5, len(tops)))
            inter = set.intersection(*[tops[p] for p in pick])
            cands |= inter
        cands.add(prompt[i])
        cands = sorted(cands)
        e_c = emb[cands]
        grad = torch.zeros(len(cands))
        for k, s in enumerate(samples):
            seq = sequence(s, prompt, reasoning[k])
            onehot = torch.zeros(len(cands), dtype=dtype)
            onehot[cands.index(prompt[i])] = 1
            onehot.requires_grad_(True)
            x = emb[torch.tensor(seq)].detach().clone()
            pos = len(s["prefix"]) + i
            x = torch.cat([x[:pos], (onehot @ e_c).unsqueeze(0), x[pos + 1:]]).unsqueeze(0)
            logits = model(inputs_embeds=x).logits[0]
            ce, _, nll = losses(s, prompt, reasoning[k], logits)
            (ce + LAMBDA * nll).backward()
            grad += onehot.grad.float()
        grad = grad / grad.norm()
        order = sorted(range(len(cands)), key=lambda c: (grad[c].item(), cands[c]))
        t2 = time.perf_counter()
        best, best_prompt = None, None
        for c in order[: args.candidates]:
            edited = list(prompt)
            edited[i] = cands[c]
            r = generate(edited)
            mistakes, nll_sum = 0, 0.0
            for b in range(0, len(samples), args.batch):
                chunk = list(range(b, min(b + args.batch, len(samples))))
                logits = padded_forward([sequence(samples[k], edited, r[k]) for k in chunk])
                for j, k in enumerate(chunk):
                    _, mistake, nll = losses(samples[k], edited, r[k], logits[j])
                    mistakes += mistake
                    nll_sum += nll.item()
            score = mistakes / len(samples) + LAMBDA / 10 * nll_sum / len(samples)
            if best is None or score <= best:
                best, best_prompt = score, edited
            if "." in tok.decode([cands[c]]) and i >= init_len // 2:
                best, best_prompt = score, edited
                break
        t3 = time.perf_counter()
        chosen.append(tok.decode([best_prompt[i]]))
        prompt = best_prompt
        i += 1
        if i >= len(prompt):
            prompt = prompt + ids("_")
        totals["generation_seconds"] += t1 - t0
        totals["gradient_seconds"] += t2 - t1
        totals["selection_seconds"] += t3 - t2
        step_seconds.append(t3 - t0)
    print(json.dumps(dict(seconds_per_step=sum(step_seconds) / len(step_seconds), steps=len(step_seconds), **totals,
                          peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, chosen=chosen,
                          dtype=args.dtype, threads=args.threads, batch=args.batch)))


if __name__ == "__main__":
    main()
