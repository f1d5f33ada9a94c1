#!/usr/bin/env python3
"""Writes the expected token ids that greater's Java tokenizer and chat templates must reproduce.

For every tokenizer folder in ../shared/tokenizers/<name>/ (tokenizer.json + tokenizer_config.json)
this writes transformer/src/test/resources/tokenizer/expected_<name>.json with:

  plain[]          {text, ids, ids_no_special, offsets, decoded}
                   ids            = tokenizers.Tokenizer.from_file(...).encode(text).ids
                                    (add_special_tokens=True, special-token literals parsed)
                   ids_no_special = the same with add_special_tokens=False
                   offsets        = [start, end) of each token of `ids` in the text, in UTF-16
                                    code units (Python reports code points; converted here so the
                                    Java side can compare String indices directly)
                   decoded        = tokenizer.decode(ids, skip_special_tokens=False)
  special_as_text[] {text, ids}   with tokenizer.encode_special_tokens = True (special-token
                                    literals are plain text, as transformers' split_special_tokens)
  chat[]           {messages, ids, text}
                   ids  = AutoTokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                            tokenize=True)
                   text = the same rendered as a string (tokenize=False), for debugging
  chat_continue[]  {messages, ids, text} for conversations ending with a partial assistant turn,
                   apply_chat_template(messages, continue_final_message=True, tokenize=True): the
                   final message left open (no end-of-turn), as when a reasoning is prefilled
  transformers_differs[]  plain texts where AutoTokenizer(text) disagrees with tokenizer.json's
                   semantics (transformers 5 rebuilds some slow-tokenizer classes, e.g. Llama-2's
                   Metaspace pre-tokenizer, instead of using tokenizer.json as written). Recorded
                   for information only: the Java tokenizer follows tokenizer.json.

The ids for plain text are the tokenizers (Rust) library's, because "exact parity for
tokenizer.json" means parity with the library that defines that file format. The chat ids are
transformers', because that is what `apply_chat_template` feeds the model; the script asserts that
they equal tokenizers.encode(rendered, add_special_tokens=False), i.e. that both agree.

Llama-2's tokenizer_config.json ships no chat_template; the official Llama-2-chat template is
passed explicitly (LLAMA2_CHAT_TEMPLATE below) and recorded in the fixture.

Run from the repository root with the project venv:
  .venv/bin/python transformer/reference/tokenizer_fixtures.py [--shared ../shared]
The tokenizer files themselves are never copied into the project.

  .venv/bin/python transformer/reference/tokenizer_fixtures.py --bench CORPUS.txt
instead measures HF tokenizers on the benchmark corpus (written by
greater.benchmarks.tokenizer.Prose): load time of each tokenizer.json and single-threaded encode
speed (one Tokenizer.encode call on the whole text, RAYON_NUM_THREADS=1), the figures printed
beside greater's TokenizerBenchmark.
"""
import argparse
import hashlib
import json
import os
import sys
import time

import tokenizers
import torch
import transformers
from tokenizers import Tokenizer
from transformers import AutoTokenizer

FORMAT_VERSION = 1

# meta-llama/Llama-2-7b-chat-hf tokenizer_config.json "chat_template".
LLAMA2_CHAT_TEMPLATE = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}"
)

# The Llama-3.1 / 3.3 Instruct template without its tool-calling branches (greater does not use
# tools); Llama-3.2 differs only in taking today's date (strftime_now) when date_string is unset.
# Rendered with the Llama-3 tokenizer, which has the same special tokens.
LLAMA31_CHAT_TEMPLATE = (
    "{{- bos_token }}\n"
    "{%- if not date_string is defined %}\n    {%- set date_string = \"26 Jul 2024\" %}\n{%- endif %}\n"
    "{%- if messages[0]['role'] == 'system' %}\n    {%- set system_message = messages[0]['content']|trim %}\n"
    "    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = \"\" %}\n{%- endif %}\n"
    "{{- \"<|start_header_id|>system<|end_header_id|>\\n\\n\" }}\n"
    "{{- \"Cutting Knowledge Date: December 2023\\n\" }}\n"
    "{{- \"Today Date: \" + date_string + \"\\n\\n\" }}\n"
    "{{- system_message }}\n{{- \"<|eot_id|>\" }}\n"
    "{%- for message in messages %}\n"
    "    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n{%- endif %}\n"
)

TEXTS = [
    "",
    " ",
    "  ",
    "\n",
    "Hello world",
    "Hello, world! How are you today?",
    "The quick brown fox jumps over the lazy dog.",
    "  leading and trailing spaces  ",
    "multiple   spaces\tand\ttabs\t\there",
    "line1\nline2\r\nline3\n\n\nend\n",
    "   \n  \n\t\n",
    "I'm sure they'll say we've done what you'd've done, isn't it? I'M DON'T WE'LL 'S",
    "\u017f'S 'd'D 'RE 're'",
    "Numbers: 1 12 123 1234 12345 123456 3.14159 -42 1,000,000 2024-01-31",
    "caf\u00e9 na\u00efve r\u00e9sum\u00e9 Zo\u00eb fa\u00e7ade \u00c5ngstr\u00f6m",
    "cafe\u0301 decomposed e\u0301 and A\u030a",
    "\ufb01 ligature \uff21\uff22\uff23 full-width \u2460 circled \u00bd",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3067\u3059\u3002\u4e2d\u6587\u6d4b\u8bd5\uff0c\u4f60\u597d\uff01",
    "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8",
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u05e9\u05dc\u05d5\u05dd",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e \u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
    "emoji: \U0001f44d\U0001f3fd \U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f1eb\U0001f1f7 \u2764\ufe0f \U0001f642\U0001f642",
    "def square(x):\n    return x ** 2  # square it\n\nprint(square(12))\n",
    "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }\n",
    "{\"key\": [1, 2, 3], \"nested\": {\"a\": null}}",
    "http://example.com/path?q=1&r=two#frag user@mail.org",
    "<s>literal</s> and <|begin_of_text|>x<|eot_id|> <|im_start|>user\nhi<|im_end|>",
    "<start_of_turn>user\nhi<end_of_turn>\n<bos><eos><pad> <unk>",
    "<think>\nreasoning here\n</think>\n\nThe answer is 4.",
    "<h1>Title</h1><table><tr><td>cell</td></tr></table>",
    "a" * 300,
    "=" * 64,
    " " * 40 + "x",
    "\n" * 20,
    "\t\t\tindented\n\t\t\tcode",
    "ab" * 100,
    "\U0001f642" * 30,
    "x\u00a0y\u2003z\u3000w\u202fv",
    "zero\u200bwidth\u200cjoiner\u2060",
    "control\u0001\u0007\u001fchars\u007f",
    "mixed CASE WoRdS and camelCaseIdentifiers snake_case_name",
    "Q: Tom has 3 apples and buys 12 more. How many?\nA: Let's think step by step.",
    "\u2581 literal lower-one-eighth block \u2581\u2581 \u0120 \u010a",
    "1234567890123 $1.5M 50% 3x+2=11",
]

SPECIAL_AS_TEXT = [
    "<s>literal</s> and <|begin_of_text|>x<|eot_id|> <|im_start|>user\nhi<|im_end|>",
    "<start_of_turn>user\nhi<end_of_turn>\n<bos><eos>",
    "<think>x</think> <tool_call> <h1>t</h1>",
]

CHATS = [
    [{"role": "user", "content": "What is 2+2?"}],
    [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Solve: 17 * 23"},
    ],
    [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "Name a prime number."},
        {"role": "assistant", "content": "7 is a prime number."},
        {"role": "user", "content": "And an even one?"},
    ],
    [
        {"role": "user", "content": "  padded question with spaces \n\n"},
        {"role": "assistant", "content": " \nan answer\n "},
        {"role": "user", "content": "\tnext"},
    ],
    [
        {"role": "user", "content": "Q: Tom has 3 apples and buys 12 more. How many?\n"
                                    "Let's think step by step."},
    ],
    [
        {"role": "system", "content": "Sys with\nnewlines\n"},
        {"role": "user", "content": "Caf\u00e9 \u65e5\u672c \U0001f44d\U0001f3fd"},
    ],
    [
        {"role": "user", "content": "Write code."},
        {"role": "assistant", "content": "def f():\n    return 1"},
    ],
    [
        {"role": "user", "content": "Literal <|im_end|> and <end_of_turn> and [INST] inside"},
    ],
]


CONTINUE_CHATS = [
    [
        {"role": "user", "content": "Q: Tom has 3 apples and buys 12 more. How many?"},
        {"role": "assistant", "content": "Let's think step by step. First,"},
    ],
    [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 2+2?"},
        {"role": "assistant", "content": "  The answer is "},
    ],
]


def utf16_offsets(text, offsets):
    """Code-point offsets -> UTF-16 code-unit offsets."""
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) > 0xFFFF else 1))
    return [[prefix[s], prefix[e]] for s, e in offsets]


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def build(name, folder):
    tok_path = os.path.join(folder, "tokenizer.json")
    raw = Tokenizer.from_file(tok_path)
    auto = AutoTokenizer.from_pretrained(folder)
    out = {
        "format": FORMAT_VERSION,
        "tokenizer": name,
        "tokenizer_json_sha256": sha256(tok_path),
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__,
            "python": sys.version.split()[0],
        },
        "plain": [],
        "special_as_text": [],
        "chat": [],
        "transformers_differs": [],
    }
    for text in TEXTS:
        enc = raw.encode(text)
        out["plain"].append({
            "text": text,
            "ids": enc.ids,
            "ids_no_special": raw.encode(text, add_special_tokens=False).ids,
            "offsets": utf16_offsets(text, enc.offsets),
            "decoded": raw.decode(enc.ids, skip_special_tokens=False),
        })
        auto_ids = auto(text)["input_ids"]
        if auto_ids != enc.ids:
            out["transformers_differs"].append({"text": text, "transformers_ids": auto_ids})
    raw.encode_special_tokens = True
    for text in SPECIAL_AS_TEXT:
        out["special_as_text"].append({"text": text, "ids": raw.encode(text, add_special_tokens=False).ids})
    raw.encode_special_tokens = False

    template = None
    if auto.chat_template is None:
        if name != "llama2":
            raise SystemExit(f"{name}: tokenizer_config.json has no chat_template")
        template = LLAMA2_CHAT_TEMPLATE
        out["chat_template_override"] = template
    for messages in CHATS:
        try:
            ids = auto.apply_chat_template(messages, chat_template=template, add_generation_prompt=True,
                                           tokenize=True, return_dict=False)
            text = auto.apply_chat_template(messages, chat_template=template, add_generation_prompt=True,
                                            tokenize=False)
        except Exception as e:  # e.g. a template that rejects a role order
            out["chat"].append({"messages": messages, "error": str(e)})
            continue
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        ids = list(ids)
        direct = raw.encode(text, add_special_tokens=False).ids
        if direct != ids:
            raise SystemExit(f"{name}: apply_chat_template ids differ from tokenizer.json encode of {text!r}")
        out["chat"].append({"messages": messages, "ids": ids, "text": text})
    if name == "llama3":
        out["chat_llama31_template"] = LLAMA31_CHAT_TEMPLATE
        out["chat_llama31"] = []
        for messages in CHATS:
            kwargs = dict(chat_template=LLAMA31_CHAT_TEMPLATE, add_generation_prompt=True)
            ids = auto.apply_chat_template(messages, tokenize=True, return_dict=False, **kwargs)
            if isinstance(ids, dict) or hasattr(ids, "keys"):
                ids = ids["input_ids"]
            text = auto.apply_chat_template(messages, tokenize=False, **kwargs)
            out["chat_llama31"].append({"messages": messages, "ids": list(ids), "text": text})
    out["chat_continue"] = []
    for messages in CONTINUE_CHATS:
        kwargs = dict(chat_template=template, add_generation_prompt=False, continue_final_message=True)
        ids = auto.apply_chat_template(messages, tokenize=True, return_dict=False, **kwargs)
        if isinstance(ids, dict) or hasattr(ids, "keys"):
            ids = ids["input_ids"]
        text = auto.apply_chat_template(messages, tokenize=False, **kwargs)
        out["chat_continue"].append({"messages": messages, "ids": list(ids), "text": text})
    return out


def bench(root, corpus_path, repeats=5):
    with open(corpus_path, encoding="utf-8") as f:
        text = f.read()
    mb = len(text.encode("utf-8")) / 1e6
    print(f"corpus: {mb:.3f} MB, tokenizers {tokenizers.__version__}, RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS')}")
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "tokenizer.json")
        if not os.path.isfile(path):
            continue
        t0 = time.perf_counter()
        tok = Tokenizer.from_file(path)
        load = time.perf_counter() - t0
        best = best_cpu = float("inf")
        for _ in range(repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            n = len(tok.encode(text, add_special_tokens=False).ids)
            best = min(best, time.perf_counter() - t0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(f"{name}: load {load * 1000:.0f} ms, encode {mb / best:.1f} MB/s wall, {mb / best_cpu:.1f} MB/s by CPU time"
              f" ({n} tokens, best of {repeats})")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=os.path.join(os.path.dirname(repo), "shared"))
    parser.add_argument("--out", default=os.path.join(repo, "transformer", "src", "test", "resources", "tokenizer"))
    parser.add_argument("--bench", metavar="CORPUS", help="measure HF tokenizers' speed on this text instead")
    args = parser.parse_args()
    root = os.path.join(args.shared, "tokenizers")
    if args.bench:
        os.environ.setdefault("RAYON_NUM_THREADS", "1")
        bench(root, args.bench)
        return
    os.makedirs(args.out, exist_ok=True)
    for name in sorted(os.listdir(root)):
        folder = os.path.join(root, name)
        if not os.path.isfile(os.path.join(folder, "tokenizer.json")):
            continue
        data = build(name, folder)
        path = os.path.join(args.out, f"expected_{name}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=True, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: {len(data['plain'])} plain, {len(data['special_as_text'])} special-as-text, "
              f"{sum('ids' in c for c in data['chat'])} chat, {len(data['chat_continue'])} continued chat, "
              f"{len(data['transformers_differs'])} where transformers differs -> {path}")


if __name__ == "__main__":
    main()
