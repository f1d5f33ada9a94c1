"""Writes a HuggingFace model folder with random weights in a real model's shape, for timing.

The values mean nothing (normal init, std 0.02); only the shapes, dtype (bf16 safetensors) and
config matter, so `greater bench` and torch_bench.py can be compared on a production-sized model
without downloading one. No tokenizer is written: both benchmarks feed random token ids.

Shapes:
  smollm2-135m  LlamaForCausalLM like HuggingFaceTB/SmolLM2-135M: vocab 49152, hidden 576,
                intermediate 1536, 30 layers, 9 heads / 3 kv heads (head_dim 64), tied
                embeddings, rope theta 100000, max positions 8192, rms eps 1e-5.
  llama-3.2-1b  LlamaForCausalLM like meta-llama/Llama-3.2-1B: vocab 128256, hidden 2048,
                intermediate 8192, 16 layers, 32 heads / 8 kv heads, head_dim 64, tied
                embeddings, rope theta 500000 with llama3 scaling (factor 32, low 1, high 4,
                original 8192), max positions 131072, rms eps 1e-5.

With --tokenizer DIR (a folder holding tokenizer.json and tokenizer_config.json, e.g.
../shared/tokenizers/llama3) the folder also gets that tokenizer, the vocabulary grows to the
tokenizer's size (--vocab overrides it), and bos/eos become the tokenizer's: a real-vocabulary
model for whole GReaTer runs (benchmarks/scripts/step_compare.sh).

Usage: .venv/bin/python benchmarks/scripts/make_random_model.py --shape smollm2-135m
         [--out DIR]   (default /tmp/greater-models/<shape>)  [--seed 0] [--force]
         [--tokenizer DIR] [--vocab N]
"""
import argparse
import os
import sys
import time

import torch
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

SHAPES = {
    "smollm2-135m": dict(
        vocab_size=49152,
        hidden_size=576,
        intermediate_size=1536,
        num_hidden_layers=30,
        num_attention_heads=9,
        num_key_value_heads=3,
        head_dim=64,
        tie_word_embeddings=True,
        max_position_embeddings=8192,
        rms_norm_eps=1e-5,
        rope_parameters=dict(rope_type="default", rope_theta=100000.0),
        bos_token_id=0,
        eos_token_id=0,
    ),
    "llama-3.2-1b": dict(
        vocab_size=128256,
        hidden_size=2048,
        intermediate_size=8192,
        num_hidden_layers=16,
        num_attention_heads=32,
        num_key_value_heads=8,
        head_dim=64,
        tie_word_embeddings=True,
        max_position_embeddings=131072,
        rms_norm_eps=1e-5,
        rope_parameters=dict(
            rope_type="llama3",
            rope_theta=500000.0,
            factor=32.0,
            low_freq_factor=1.0,
            high_freq_factor=4.0,
            original_max_position_embeddings=8192,
        ),
        bos_token_id=128000,
        eos_token_id=128001,
    ),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shape", required=True, choices=sorted(SHAPES))
    ap.add_argument("--out", help="output folder (default /tmp/greater-models/<shape>)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--std", type=float, default=0.02, help="init std of the random weights")
    ap.add_argument("--force", action="store_true", help="overwrite an existing model folder")
    ap.add_argument("--tokenizer", help="copy tokenizer.json + tokenizer_config.json from DIR and use its vocabulary")
    ap.add_argument("--vocab", type=int, help="vocabulary size (default: the shape's, or the tokenizer's)")
    args = ap.parse_args()
    shape = dict(SHAPES[args.shape])
    if args.tokenizer:
        import json
        with open(os.path.join(args.tokenizer, "tokenizer.json"), encoding="utf-8") as f:
            tok = json.load(f)
        ids = list(tok["model"]["vocab"].values()) + [t["id"] for t in tok.get("added_tokens", [])]
        shape["vocab_size"] = max(ids) + 1
        with open(os.path.join(args.tokenizer, "tokenizer_config.json"), encoding="utf-8") as f:
            tc = json.load(f)
        by_text = {t["content"]: t["id"] for t in tok.get("added_tokens", [])}
        for key in ("bos_token", "eos_token"):
            v = tc.get(key)
            v = v.get("content") if isinstance(v, dict) else v
            if v in by_text:
                shape[key + "_id"] = by_text[v]
    if args.vocab:
        shape["vocab_size"] = args.vocab
    out = args.out or os.path.join("/tmp/greater-models", args.shape)
    if os.path.exists(os.path.join(out, "config.json")) and not args.force:
        print(f"{out}: already has a model (use --force to rewrite it)", file=sys.stderr)
        return 0

    t0 = time.perf_counter()
    torch.manual_seed(args.seed)
    config = LlamaConfig(
        architectures=["LlamaForCausalLM"],
        hidden_act="silu",
        attention_bias=False,
        mlp_bias=False,
        initializer_range=args.std,
        dtype="bfloat16",
        **shape,
    )
    # Build directly in bf16 (half the memory and init time of fp32); init is normal(0, std),
    # RMSNorm weights 1.
    prev = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        model = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(prev)
    model = model.to(torch.bfloat16).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=config.bos_token_id, eos_token_id=config.eos_token_id, do_sample=False)
    os.makedirs(out, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    if args.tokenizer:
        import shutil
        for name in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(args.tokenizer, name), os.path.join(out, name))
    params = sum(p.numel() for p in model.parameters())
    size = sum(os.path.getsize(os.path.join(out, f)) for f in os.listdir(out))
    print(f"{out}: {args.shape}, vocab {shape['vocab_size']}, {params / 1e6:.1f}M parameters, {size / 2**20:.0f} MiB on disk, "
          f"{time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
