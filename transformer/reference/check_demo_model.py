#!/usr/bin/env python3
"""Check that a model folder written by `greater train` is a real HuggingFace model folder, and that
our Java transformer computes the same logits as transformers from it.

    .venv/bin/python transformer/reference/check_demo_model.py [FOLDER] [--java-logits FILE]

FOLDER defaults to cli/src/main/resources/demo-model. The script
  1. loads the tokenizer with HF `tokenizers` (tokenizer.json) and transformers' AutoTokenizer
     (tokenizer_config.json: ChatML template, eos <|im_end|>, no bos), renders a user turn with
     apply_chat_template, and checks encode/decode round trips and that digits are single tokens;
  2. loads the weights with AutoModelForCausalLM (LlamaForCausalLM; the stored bf16 weights are
     computed in float32, eager attention) and checks config.json / generation_config.json;
  3. gets our logits for the same token ids: from --java-logits (a safetensors file with
     input_ids I64 [T] and logits F32 [T,V], e.g. written by `greater logits`), or else by running
     `./greater logits --model FOLDER --ids ... --output TMP` from the repository root, and also
     `./greater logits --text ...` to compare the project's Java tokenizer with HF's on the whole
     rendered conversation;
  4. prints the max abs logit error (and relative to the largest |logit|) and fails above 1e-4
     relative; finally shows HF's greedy reply to a held-out question under two instructions.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT = os.path.join(ROOT, "cli", "src", "main", "resources", "demo-model")
QUESTION = "Evaluate ((3 + 4) * -2) - 5"
WORKING = "think step by step."
SPEED = "just give the answer quickly."


def user_turn(question, instruction):
    return f"{question}. Use {instruction}"


def java_logits(folder, ids=None, text=None):
    """`greater logits` on token ids, or on text encoded by the project's Java tokenizer."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "logits.safetensors")
        cmd = [os.path.join(ROOT, "greater"), "logits", "--model", folder, "--output", out]
        cmd += ["--ids", ",".join(map(str, ids))] if ids is not None else ["--text", text]
        subprocess.run(cmd, check=True, cwd=ROOT)
        return load_file(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=DEFAULT)
    ap.add_argument("--java-logits", help="safetensors with input_ids and logits computed by our transformer")
    args = ap.parse_args()
    folder = os.path.abspath(args.folder)
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}; checking {folder}")
    for f in ["config.json", "generation_config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"]:
        print(f"  {f:24s} {os.path.getsize(os.path.join(folder, f)):>10,d} bytes")

    # 1. tokenizer
    raw = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    tok = AutoTokenizer.from_pretrained(folder)
    assert tok.eos_token == "<|im_end|>" and tok.bos_token is None, (tok.eos_token, tok.bos_token)
    user = user_turn(QUESTION, WORKING)
    reply = "Step by step: 3 + 4 = 7, so (7 * -2) - 5. 7 * -2 = -14, so -14 - 5. -14 - 5 = -19. Therefore, the final answer is $-19$"
    prompt = tok.apply_chat_template([{"role": "user", "content": user}], tokenize=False, add_generation_prompt=True)
    assert prompt == f"<|im_start|>user\n{user}<|im_end|>\n<|im_start|>assistant\n", repr(prompt)
    text = prompt + reply + "<|im_end|>"
    ids = raw.encode(text).ids
    assert tok(text)["input_ids"] == ids, "AutoTokenizer and tokenizers disagree"
    assert raw.decode(ids, skip_special_tokens=False) == text, "decode(encode(text)) != text"
    assert all(len(raw.decode([raw.token_to_id(d)])) == 1 for d in "0123456789"), "digits are not single tokens"
    print(f"tokenizer: vocab {raw.get_vocab_size()}, {len(ids)} tokens for a worked example; round trip OK")
    print("  " + "|".join(raw.id_to_token(i) for i in ids))

    # 2. model
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, attn_implementation="eager").eval()
    cfg = model.config
    stored = json.load(open(os.path.join(folder, "config.json")))
    assert type(model).__name__ == "LlamaForCausalLM" and cfg.model_type == "llama"
    assert stored.get("dtype", stored.get("torch_dtype")) == "bfloat16"
    gen = GenerationConfig.from_pretrained(folder)
    eos = gen.eos_token_id if isinstance(gen.eos_token_id, list) else [gen.eos_token_id]
    assert tok.convert_tokens_to_ids("<|im_end|>") in eos, eos
    params = sum(p.numel() for p in model.parameters())
    print(f"model: {type(model).__name__}, {params:,} parameters, hidden {cfg.hidden_size}, {cfg.num_hidden_layers} layers, "
          f"{cfg.num_attention_heads} heads, vocab {cfg.vocab_size}, tied embeddings {cfg.tie_word_embeddings}, eos {eos}")

    # 3. logits: ours vs transformers
    if args.java_logits:
        ours = load_file(args.java_logits)
        ids = ours["input_ids"].tolist()
        same = raw.encode(raw.decode(ids, skip_special_tokens=False)).ids == ids
        print(f"Java-encoded ids re-encode identically with HF tokenizers: {same}")
        assert same
    else:
        ours = java_logits(folder, ids=ids)
        java_ids = java_logits(folder, text=text)["input_ids"].tolist()
        same = java_ids == ids
        print(f"ids of the whole conversation, Java tokenizer vs HF tokenizers: {'identical' if same else 'DIFFERENT'}")
        assert same, (java_ids, ids)
    with torch.no_grad():
        ref = model(torch.tensor([ids])).logits[0]
    mine = ours["logits"]
    err = (mine - ref).abs().max().item()
    scale = ref.abs().max().item()
    agree = (mine.argmax(-1) == ref.argmax(-1)).float().mean().item()
    print(f"logits over {len(ids)} positions x {ref.shape[1]} vocab: max |ours - transformers| = {err:.3e} "
          f"(max |logit| {scale:.2f}, relative {err / scale:.3e}); argmax agreement {agree:.0%}")
    assert err / scale < 1e-4, "logits differ"

    # 4. what the model says (HF greedy generation)
    for instruction in [WORKING, SPEED]:
        p = tok.apply_chat_template([{"role": "user", "content": user_turn(QUESTION, instruction)}], tokenize=False, add_generation_prompt=True)
        enc = tok(p, return_tensors="pt")
        out = model.generate(**enc, max_new_tokens=64, do_sample=False)
        print(f"HF greedy, '{instruction}': {tok.decode(out[0, enc['input_ids'].shape[1]:], skip_special_tokens=True)!r}")
    print("OK")


if __name__ == "__main__":
    sys.exit(main())
