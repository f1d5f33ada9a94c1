"""PyTorch + transformers counterpart of `greater bench`: the same three workloads, timed the same way.

On random token ids (fixed seed), in fp32 on CPU with --threads threads (default 2):
  prefill  one forward pass of N tokens filling a KV cache (model(input_ids, use_cache=True) under
           torch.inference_mode()). Like greater's prefill and transformers' own generate(), only
           the last position's logits are computed (logits_to_keep=1); --prefill-all-logits
           computes the LM head on every position instead.
  grad     forward + backward of N tokens w.r.t. inputs_embeds (a leaf requiring grad; every
           parameter has requires_grad False); loss = mean next-token cross-entropy over
           positions 0..N-2 (transformers' labels=input_ids loss).
  decode   greedy decoding of N tokens after an 8-token prompt: the first 7 prompt tokens are
           prefilled untimed, then the timed part feeds the 8th and each new token one at a
           time through past_key_values (N forward passes, argmax each), EOS ignored; this is
           what greater's bench times too.
Each workload first runs for --warmup seconds (at least once, as `greater bench`, which then also
runs until its JIT compiler is quiet; PyTorch has no JIT to wait for), then --repeats times; the
median is reported.

Prints one JSON line on stdout:
  {"prefill_seconds":..,"grad_seconds":..,"decode_tokens_per_second":..,"peak_rss_bytes":..}
peak_rss_bytes is resource.getrusage(RUSAGE_SELF).ru_maxrss * 1024 (the whole process, model
load included). A workload with N = 0 is skipped and left out of the line.

Usage: .venv/bin/python benchmarks/scripts/torch_bench.py --model DIR [--prefill 256] [--grad 256]
         [--decode 64] [--repeats 3] [--threads 2] [--attn sdpa|eager] [--prefill-all-logits]
"""
import argparse
import json
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from transformers import AutoModelForCausalLM, DynamicCache

PROMPT_LEN = 8


def median_time(fn, repeats, warmup):
    spent = 0.0
    while spent == 0.0 or spent < warmup:  # warm-up: at least one run, as `greater bench --warmup`
        spent += fn()
    times = []
    for _ in range(repeats):
        times.append(fn())
    return statistics.median(times)


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True, help="HuggingFace model folder")
    ap.add_argument("--prefill", type=int, default=256, metavar="N", help="prefill length (0 = skip)")
    ap.add_argument("--grad", type=int, default=256, metavar="N", help="forward+gradient length (0 = skip)")
    ap.add_argument("--decode", type=int, default=64, metavar="N", help="tokens to decode (0 = skip)")
    ap.add_argument("--repeats", type=int, default=3, metavar="R", help="timed runs per workload (median reported)")
    ap.add_argument("--warmup", type=float, default=2.0, metavar="SECONDS",
                    help="untimed runs of each workload first, for at least this long (at least one run; default 2)")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    ap.add_argument("--attn", choices=["sdpa", "eager"], default="sdpa", help="attn_implementation")
    ap.add_argument("--prefill-all-logits", action="store_true",
                    help="prefill computes logits for every position (model default) instead of the last one")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    if args.prefill < 0 or args.grad < 0 or args.decode < 0 or args.repeats < 1 or not 0 <= args.warmup < 3600:
        ap.error("lengths must be >= 0, --repeats >= 1 and --warmup in [0, 3600) seconds")

    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=torch.float32, attn_implementation=args.attn)
    model.eval()
    model.requires_grad_(False)
    vocab = model.config.vocab_size
    gen = torch.Generator().manual_seed(args.seed)
    out = {}

    if args.prefill > 0:
        ids = torch.randint(0, vocab, (1, args.prefill), generator=gen)
        keep = 0 if args.prefill_all_logits else 1  # 0 = all positions in transformers

        def prefill():
            with torch.inference_mode():
                cache = DynamicCache(config=model.config)
                model(input_ids=ids, past_key_values=cache, use_cache=True, logits_to_keep=keep)

        out["prefill_seconds"] = median_time(lambda: timed(prefill), args.repeats, args.warmup)

    if args.grad > 0:
        ids = torch.randint(0, vocab, (1, max(2, args.grad)), generator=gen)
        embed = model.get_input_embeddings()

        def grad():
            with torch.no_grad():
                rows = embed(ids)
            x = rows.detach().clone().requires_grad_(True)
            logits = model(inputs_embeds=x, use_cache=False).logits
            loss = F.cross_entropy(logits[0, :-1].float(), ids[0, 1:])
            loss.backward()
            assert x.grad is not None

        out["grad_seconds"] = median_time(lambda: timed(grad), args.repeats, args.warmup)

    if args.decode > 0:
        prompt = torch.randint(0, vocab, (1, PROMPT_LEN), generator=gen)

        def decode():
            with torch.inference_mode():
                cache = DynamicCache(config=model.config)
                model(input_ids=prompt[:, :-1], past_key_values=cache, use_cache=True, logits_to_keep=1)
                t0 = time.perf_counter()
                tok = prompt[:, -1:]
                for _ in range(args.decode):
                    logits = model(input_ids=tok, past_key_values=cache, use_cache=True).logits
                    tok = logits[:, -1].argmax(dim=-1, keepdim=True)
                return time.perf_counter() - t0

        out["decode_tokens_per_second"] = args.decode / median_time(decode, args.repeats, args.warmup)

    out["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
