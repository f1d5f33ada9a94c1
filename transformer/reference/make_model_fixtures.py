#!/usr/bin/env python3
"""Generate tiny-model reference fixtures for the Java transformer.

For every architecture the Java side supports (Llama, Mistral, Qwen2, Gemma, Gemma-2, Qwen3,
Gemma-3 text and image-text, SmolLM3, Phi-3/Phi-4-mini, OLMo-2, Granite) this script builds a tiny, seeded random model, rounds its weights to bf16, saves it as a
HuggingFace folder (bf16 safetensors), reloads that folder in float32 with eager attention
and records what HuggingFace transformers computes from THOSE STORED WEIGHTS:

  transformer/src/test/resources/fixtures/<name>/
      config.json, generation_config.json
      model.safetensors (bf16)          -- or model-0000N-of-00002.safetensors + model.safetensors.index.json
      expected.safetensors:
          input_ids          I64 [T]
          logits             F32 [T, V]   logits for input_ids (full causal forward, fp32, eager)
          loss               F32 [1]      mean next-token cross-entropy over positions 0..T-2
                                          (= transformers' labels=input_ids convention)
          input_embeds_grad  F32 [T, H]   d loss / d (raw embedding rows embed_tokens.weight[input_ids])
          greedy_prompt_ids  I64 [P]
          greedy_ids         I64 [N]      N new tokens, greedy argmax, no eos stopping
          __metadata__: format, torch/transformers versions, seed, description, embed_scale, ...

Run (from the repo root):  .venv/bin/python transformer/reference/make_model_fixtures.py
The output is deterministic for a given torch/transformers version (seeded init, retry loop
with deterministic seed sequence, fp32 CPU, 2 threads, deterministic algorithms).

=====================================================================================
SEMANTICS NOTES FOR THE JAVA IMPLEMENTATION (all verified against transformers 5.17)
=====================================================================================
Weights / dtype
  * Files are bf16. Java reads bf16 -> f32 exactly (bf16 is the top half of an f32) and computes
    everything in f32; the expected values are produced the same way (bf16 file -> fp32 model).
  * Tied embeddings (tie_word_embeddings=true): the file has NO lm_head.weight; the LM head is
    model.embed_tokens.weight. Untied: lm_head.weight [V,H] is present.
  * Random init (see init_random_weights): linear weights ~ N(0, gain^2/fan_in), q/k/v biases
    ~ N(0, 0.25) (qwen2), every norm weight random around its multiplier m (m*(1+0.1*randn)); the
    final norm has m = 5..24 for the tied fixtures so that logits are peaked while the embedding
    rows (which are also the LM head) stay small enough not to make the model echo its input.

RMSNorm (all five families)
  * y = x * rsqrt(mean(x^2 over hidden) + eps), computed in float32, then:
      Llama/Mistral/Qwen2:  out = weight * y.to(input_dtype)      (cast BEFORE multiplying by weight)
      Gemma/Gemma-2:        out = (y * (1 + weight)).to(input_dtype)  (1+w, cast AFTER)
    In pure f32 the casts are no-ops, but the "1 + w" offset for Gemma is essential: Gemma norm
    weights are stored centred at 0. eps comes from rms_norm_eps (1e-5 llama fixture, 1e-6 others).

Embeddings
  * Llama/Mistral/Qwen2: inputs_embeds = embed_tokens.weight[ids].
  * Gemma family: inputs_embeds = embed_tokens.weight[ids] * s, s = sqrt(hidden_size) in float32,
    UNROUNDED: transformers 5 keeps the scale in the embedding module (a float32 buffer
    embed_scale, multiplied by `embed_scale.to(weight.dtype)`), so a model loaded in float32 -- the
    reference users compare with -- uses float32(sqrt(H)) whatever dtype config.json names. (The
    HF comment "sqrt(3072)=55.4256 becomes 55.5" is about running in bf16.) The bf16 round trip of
    save_pretrained would round the buffer of the in-memory model, so it is restored after saving.
    Hidden sizes are not perfect squares (48, 80) so that the difference would show.
  * Granite: inputs_embeds * embedding_multiplier, applied INSIDE the model (also to inputs_embeds),
    so the reference passes raw rows.

Attention
  * q = x Wq^T (+bq), k, v likewise; reshape to [heads, head_dim]; head_dim = config.head_dim if
    present/non-null, else hidden_size / num_attention_heads. Fixtures llama, gemma, gemma2 have
    head_dim != hidden/heads (so q_proj is [heads*head_dim, H] and o_proj is [H, heads*head_dim]).
  * GQA: kv head j serves query heads j*g .. j*g+g-1, g = heads / kv_heads (repeat_kv = interleave
    along the head axis: query head h uses kv head h // g).
  * Qwen2: q/k/v have biases (o_proj has none). Llama/Mistral/Gemma: attention_bias=false.
  * scores = (q . k) * scaling with scaling = head_dim^-0.5, EXCEPT Gemma-2 where
    scaling = query_pre_attn_scalar^-0.5 (gemma2 fixture: query_pre_attn_scalar=24, head_dim=16).
  * Gemma-2 attention soft-capping, applied to the scaled scores BEFORE the mask:
        scores = tanh(scores / attn_logit_softcapping) * attn_logit_softcapping
    then + mask, then softmax in float32.
  * Causal mask: key j visible to query i iff j <= i. Sliding window (Mistral when
    sliding_window != null; Gemma-2 on its sliding layers): additionally j > i - sliding_window,
    i.e. a query sees itself and the previous sliding_window-1 positions (window W => W keys).
  * Which layers slide:
      Mistral: all layers if config.sliding_window != null.
      Qwen2:   only if use_sliding_window == true (then layers i >= max_window_layers, or per
               config.layer_types). With use_sliding_window=false NOTHING slides whatever
               sliding_window / max_window_layers say. The qwen2 fixture's config.json is
               rewritten to the real-world Qwen2 shape (sliding_window=4 < T, max_window_layers=1,
               no layer_types) to catch an implementation that honours sliding_window anyway.
      Gemma-2: per config.layer_types ("sliding_attention"/"full_attention"); if layer_types is
               absent transformers defaults to layer i sliding iff i is EVEN (0,2,..), full if odd.
               The gemma2 fixture writes layer_types explicitly (sliding, full, sliding, full).
RoPE
  * Rotate-half convention (NOT interleaved pairs): for head vector x of size d,
      x1 = x[:d/2], x2 = x[d/2:]; out = x*cos + concat(-x2, x1)*sin,
    with cos/sin of angle pos * inv_freq[i mod d/2] (the frequencies are duplicated: cat(f, f)).
    inv_freq[i] = 1 / theta^(2i/d), i = 0..d/2-1, d = head_dim, computed in float32
    (torch: 1.0 / (base ** (arange(0,d,2).float() / d))); angle = inv_freq(f32) * pos(f32) in f32.
  * theta: transformers-5 configs: rope_parameters.rope_theta; transformers-4 configs: top-level
    rope_theta (+ rope_scaling, null => default rope). Fixture llama_v4config has the 4.x form.
  * llama3 rope_type (fixture llama), applied to inv_freq before use:
        low_wl = original_max_position_embeddings / low_freq_factor
        high_wl = original_max_position_embeddings / high_freq_factor
        wl = 2*pi / inv_freq
        if wl < high_wl:   keep inv_freq
        elif wl > low_wl:  inv_freq / factor
        else:              smooth = (orig_max / wl - low_freq_factor) / (high_freq_factor - low_freq_factor)
                           (1 - smooth) * inv_freq / factor + smooth * inv_freq
    attention_factor (cos/sin multiplier) is 1.0 for default and llama3.
    The llama fixture (theta 20000, head_dim 24, orig_max 64, factors 1/4, factor 8) hits all
    three branches: 2 kept, 1 smoothed, 9 divided.
MLP
  * down( act(gate(x)) * up(x) ); act = silu for Llama/Mistral/Qwen2 (hidden_act), and
    gelu_pytorch_tanh (tanh approximation: 0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715x^3)))) for Gemma
    (config key hidden_act) and Gemma-2 (config key hidden_activation).
Decoder layer
  * Llama/Mistral/Qwen2/Gemma: h = x + attn(norm_in(x)); out = h + mlp(norm_post_attn(h)).
  * Gemma-2 (four norms): h = x + post_attention_layernorm(attn(input_layernorm(x)));
                          out = h + post_feedforward_layernorm(mlp(pre_feedforward_layernorm(h))).
  * Final: logits = lm_head(norm(h_last)). Gemma-2 final soft-capping:
        logits = tanh(logits / final_logit_softcapping) * final_logit_softcapping
Loss / gradient
  * loss = mean over t=0..T-2 of cross_entropy(logits[t], ids[t+1]) (log-softmax in f32).
  * input_embeds_grad = d loss / d raw, where raw = embed_tokens.weight[ids] (shape [T,H]) and the
    model input is raw * s (s as above; 1 for non-Gemma). So for Gemma the chain rule factor s is
    INCLUDED in the stored gradient.
Config files
  * llama_v4config/config.json is in transformers-4.x form: top-level "rope_theta": 500000.0,
    "rope_scaling": null, "torch_dtype": "bfloat16", no "head_dim" (=> hidden/heads), no
    "rope_parameters", no "dtype". transformers 5.17 loads it to the same model (checked: identical
    logits). Other fixtures are transformers-5 form ("rope_parameters": {"rope_type", "rope_theta",
    + llama3 keys}, "dtype"). A Java loader should accept both.
  * Gemma-2's activation key is "hidden_activation"; Gemma/Llama/Mistral/Qwen2 use "hidden_act".
  * bos=2, eos=1 in every fixture (pad 0 for llama/gemma/gemma2, null otherwise); input ids are
    drawn from [3, V) so special tokens never appear in inputs.
Tolerances (measured: the same forward in float64 vs the stored f32 results, also written to the
  metadata as f64_max_abs_logit_diff / f64_max_abs_grad_diff)
  * llama/llama_v4config/mistral/qwen2/gemma: |dlogit| ~1e-5, |dgrad| <~3e-6.
  * gemma2 is deliberately sharp (soft-caps saturating, near one-hot attention): |dlogit| ~1.5e-4,
    |dgrad| ~3e-3 on gradients of magnitude up to ~80. An f32 Java implementation should land
    within a small multiple of these; use relative+absolute tolerances scaled accordingly.
Families added for issue 12 (transformers 5.17 modeling_<family>.py)
  * llama_bias: attention_bias gives q/k/v AND o_proj biases; mlp_bias gives gate/up/down biases.
    Dynamic (NTK) RoPE recomputes inv_freq per forward from seq_len = max(position_ids) + 1 only
    when seq_len > max_position_embeddings; below, it is the default RoPE (all fixture lengths are).
  * qwen3: q = q_norm(q_proj(x).view(heads, D)), k likewise: RMSNorm over each head's D features with
    a weight [D], BEFORE RoPE; head_dim 32 > hidden/heads.
  * gemma3: per-head q/k norm in Gemma's (1 + w) form; layer_types sliding/full; sliding layers use
    rope_parameters.sliding_attention (4.x: rope_local_base_freq), full ones
    rope_parameters.full_attention (4.x: rope_theta + rope_scaling, here linear x8);
    scaling = query_pre_attn_scalar^-0.5; four norms like Gemma-2; no soft-caps.
    4.x configs without layer_types: layer i slides iff (i + 1) % sliding_window_pattern != 0 (default 6).
  * gemma3_multimodal: Gemma3ForConditionalGeneration; the text path is Gemma3TextModel + lm_head tied
    to its embeddings; transformers 5 saves the published names language_model.model.*,
    vision_tower.*, multi_modal_projector.* (and renames them back when loading).
  * smollm3: layer i applies RoPE iff no_rope_layers[i] == 1 (default: (i + 1) % no_rope_layer_interval != 0).
  * phi3: qkv_proj rows = [q | k | v], gate_up_proj rows = [gate | up]; RoPE rotates the first
    int(head_dim * partial_rotary_factor) features of each head (rotate-half within them), the rest
    pass; LongRoPE: inv_freq = 1 / (ext * theta^(2i/d)), ext = short_factor for seq_len <=
    original_max_position_embeddings (top-level key wins), long_factor beyond; cos and sin are
    multiplied by attention_factor = sqrt(1 + ln(max/original) / ln(original)); sliding_window on every layer.
  * olmo2: h = x + post_attention_layernorm(attn(x)); out = h + post_feedforward_layernorm(mlp(h));
    q_norm / k_norm over the whole projection ([heads*D], [kv*D]) before the head reshape and RoPE.
  * granite: inputs_embeds * embedding_multiplier (inside the model), scores * attention_multiplier
    (instead of D^-0.5), x + f(x) * residual_multiplier, logits / logits_scaling.
Greedy
  * Manual loop, no KV cache: each step re-runs the full sequence (embedding rows * s) and appends
    argmax of the last position's logits; eos is ignored (and, by construction, never produced:
    the seed search rejects a seed whose greedy output contains eos, so HF generate() agrees; the
    script checks that too). Every greedy step has top1 - top2 >= MARGIN * max|logit|.
"""

import json
import math
import os
import shutil
import sys

import torch
import transformers
from safetensors import safe_open
from safetensors.torch import load_file
from transformers import (
    AutoModelForCausalLM,
    Gemma3Config,
    Gemma3ForCausalLM,
    Gemma3ForConditionalGeneration,
    Gemma3TextConfig,
    Gemma2Config,
    Gemma2ForCausalLM,
    GemmaConfig,
    GemmaForCausalLM,
    GenerationConfig,
    LlamaConfig,
    LlamaForCausalLM,
    MistralConfig,
    MistralForCausalLM,
    GraniteConfig,
    GraniteForCausalLM,
    Olmo2Config,
    Olmo2ForCausalLM,
    Phi3Config,
    Phi3ForCausalLM,
    Qwen2Config,
    Qwen2ForCausalLM,
    Qwen3Config,
    Qwen3ForCausalLM,
    SmolLM3Config,
    SmolLM3ForCausalLM,
)

FORMAT_VERSION = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT_ROOT = os.path.normpath(os.path.join(HERE, "..", "src", "test", "resources", "fixtures"))

GREEDY_PROMPT_LEN = 5
GREEDY_NEW_TOKENS = 12
# Every greedy step: (top1 - top2) >= MARGIN * max|logit of that step|.
MARGIN = 2e-2
MAX_SEED_TRIES = 2000
# Greedy output must not be a trivial repetition (tied embeddings love to echo the last token).
MIN_DISTINCT = 6

torch.set_num_threads(2)
torch.use_deterministic_algorithms(True)
transformers.logging.set_verbosity_error()
try:  # silence the shard-writing progress bars
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
except Exception:  # pragma: no cover
    pass


def bf16_round(t: torch.Tensor) -> torch.Tensor:
    return t.to(torch.bfloat16).to(torch.float32)


def text_config(config):
    """The language model's config (Gemma-3 image-text checkpoints nest it as text_config)."""
    return config.get_text_config()


def is_gemma(model_type: str) -> bool:
    return model_type in ("gemma", "gemma2", "gemma3_text", "gemma3")


def embed_scale_for(config) -> float:
    """s applied to raw embedding rows outside the model: 1 for most families, sqrt(H) in float32 for the
    Gemma family -- the float32 buffer transformers' scaled embedding module multiplies by when the model
    is loaded in float32 (no bf16 rounding). Granite's embedding_multiplier is applied inside the model,
    also to inputs_embeds, so it is not part of s."""
    if is_gemma(config.model_type):
        return float(torch.tensor(text_config(config).hidden_size**0.5, dtype=torch.float32))
    return 1.0


def special(config, key):
    """A special token id from the config, or from its text_config (Gemma-3 image-text)."""
    v = getattr(config, key, None)
    return v if v is not None else getattr(text_config(config), key, None)


def state_name(stored: str) -> str:
    """The module name of a stored tensor: transformers 5 saves Gemma-3 image-text checkpoints under the
    published names (language_model.model.*, vision_tower.*, multi_modal_projector.*) and maps them back."""
    for old, new in (("language_model.model.", "model.language_model."), ("vision_tower.", "model.vision_tower."),
                     ("multi_modal_projector.", "model.multi_modal_projector.")):
        if stored.startswith(old):
            return new + stored[len(old):]
    return stored


def final_norm_name(name: str) -> bool:
    return name in ("model.norm.weight", "model.language_model.norm.weight")


def v4_keys(cfg, keep_layer_types=False):
    """A transformers-5 config dict in transformers-4.x form: top-level rope_theta (+ partial_rotary_factor),
    rope_scaling (null for default rope; 'type' spelled as the older checkpoints do), torch_dtype, and no
    layer_types (4.x configs derive them)."""
    cfg = dict(cfg)
    rp = dict(cfg.pop("rope_parameters"))
    cfg["rope_theta"] = rp.pop("rope_theta")
    if "partial_rotary_factor" in rp:
        cfg["partial_rotary_factor"] = rp.pop("partial_rotary_factor")
    if rp.get("rope_type", "default") == "default":
        cfg["rope_scaling"] = None
    else:
        rp["type"] = rp.pop("rope_type")
        rp.pop("original_max_position_embeddings", None) if "original_max_position_embeddings" in cfg else None
        cfg["rope_scaling"] = rp
    cfg["torch_dtype"] = cfg.pop("dtype")
    if not keep_layer_types:
        cfg.pop("layer_types", None)
    cfg["transformers_version"] = "4.53.0"
    return cfg


def v4_gemma3(cfg, pattern):
    """Gemma-3's 4.x keys: rope_theta (global) + rope_scaling, rope_local_base_freq, sliding_window_pattern."""
    cfg = dict(cfg)
    rp = cfg.pop("rope_parameters")
    full, local = dict(rp["full_attention"]), dict(rp["sliding_attention"])
    assert local["rope_type"] == "default", local
    cfg["rope_theta"] = full.pop("rope_theta")
    cfg["rope_local_base_freq"] = local["rope_theta"]
    cfg["rope_scaling"] = None if full["rope_type"] == "default" else full
    types = cfg.pop("layer_types")
    assert types == ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(len(types))], types
    cfg["sliding_window_pattern"] = pattern
    if "dtype" in cfg:
        cfg["torch_dtype"] = cfg.pop("dtype")
    cfg["transformers_version"] = "4.53.0"
    return cfg


def v4_gemma3_multimodal(cfg, pattern):
    cfg = dict(cfg)
    cfg["text_config"] = v4_gemma3(cfg["text_config"], pattern)
    cfg["text_config"].pop("transformers_version", None)
    cfg["torch_dtype"] = cfg.pop("dtype")
    cfg["transformers_version"] = "4.53.0"
    return cfg


def v4_smollm3(cfg):
    """SmolLM3 4.x form: no_rope_layers derived from no_rope_layer_interval."""
    cfg = v4_keys(cfg)
    interval = cfg["no_rope_layer_interval"]
    assert cfg.pop("no_rope_layers") == [int((i + 1) % interval != 0) for i in range(cfg["num_hidden_layers"])]
    return cfg


# --------------------------------------------------------------------------------------------
# Fixture specifications
# --------------------------------------------------------------------------------------------
# init: std of embeddings, lm_head, generic linear gain (std = gain/sqrt(fan_in)), optional
# per-module gains (q/k for Gemma-2 so that attention soft-capping bites), bias std.
FIXTURES = [
    dict(
        name="llama",
        cls=LlamaForCausalLM,
        description=(
            "LlamaForCausalLM, 3 layers, GQA 4 heads / 2 kv heads, explicit head_dim 24 != hidden/heads 16, "
            "tied embeddings, llama3 rope scaling (theta 20000, factor 8, low 1, high 4, original_max 64: "
            "frequencies in all three branches), rms_norm_eps 1e-5, random norm weights 1+0.1*randn"
        ),
        config=lambda: LlamaConfig(
            vocab_size=384,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=3,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=24,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-5,
            rope_parameters=dict(
                rope_type="llama3",
                rope_theta=20000.0,
                factor=8.0,
                low_freq_factor=1.0,
                high_freq_factor=4.0,
                original_max_position_embeddings=64,
            ),
            tie_word_embeddings=True,
            attention_bias=False,
            mlp_bias=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=16,
        seed=1000,
        # the llama3 rope scaling must matter: plain rope with the same theta gives other logits
        counterfactual=("rope_type default instead of llama3", lambda c: c.update(
            rope_parameters=dict(rope_type="default", rope_theta=20000.0))),
        init=dict(embed=0.1, lm_head=None, gain=1.0, bias=0.0, final_norm=5.0),
    ),
    dict(
        name="llama_v4config",
        cls=LlamaForCausalLM,
        description=(
            "LlamaForCausalLM, 2 layers, 4 heads / 4 kv heads (MHA), head_dim implicit (= hidden/heads 16), "
            "untied lm_head, default rope theta 500000; config.json rewritten in transformers-4.x key style "
            "(top-level rope_theta, rope_scaling null, torch_dtype instead of dtype, no head_dim, "
            "no rope_parameters)"
        ),
        config=lambda: LlamaConfig(
            vocab_size=320,
            hidden_size=64,
            intermediate_size=112,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=4,
            hidden_act="silu",
            max_position_embeddings=128,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=500000.0),
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=None,
        ),
        T=14,
        seed=2000,
        init=dict(embed=1.0, lm_head=1.0, gain=1.0, bias=0.0),
        rewrite="v4",
    ),
    dict(
        name="mistral",
        cls=MistralForCausalLM,
        description=(
            "MistralForCausalLM, 2 layers, GQA 4 heads / 1 kv head, head_dim 16 (= hidden/heads), untied, "
            "sliding_window 5 < T=14 on every layer (also < greedy length 17), rope theta 1e6, "
            "sharded into 2 safetensors files with model.safetensors.index.json"
        ),
        config=lambda: MistralConfig(
            vocab_size=288,
            hidden_size=64,
            intermediate_size=160,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=1,
            head_dim=16,
            hidden_act="silu",
            max_position_embeddings=128,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=1000000.0),
            sliding_window=5,
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=None,
        ),
        T=14,
        seed=3000,
        counterfactual=("sliding_window null", lambda c: c.update(sliding_window=None)),
        init=dict(embed=1.0, lm_head=1.0, gain=1.0, bias=0.0),
        shards=2,
    ),
    dict(
        name="qwen2",
        cls=Qwen2ForCausalLM,
        description=(
            "Qwen2ForCausalLM, 3 layers, GQA 6 heads / 2 kv heads, head_dim 8 (= hidden/heads), q/k/v biases "
            "(random, std 0.5), tied embeddings, use_sliding_window false; config.json carries "
            "sliding_window 4 (< T) and max_window_layers 1 but no layer_types, like real Qwen2 configs: "
            "NOTHING slides"
        ),
        config=lambda: Qwen2Config(
            vocab_size=448,
            hidden_size=48,
            intermediate_size=96,
            num_hidden_layers=3,
            num_attention_heads=6,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=1000000.0),
            use_sliding_window=False,
            sliding_window=4,
            max_window_layers=1,
            tie_word_embeddings=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=None,
        ),
        T=16,
        seed=4000,
        counterfactual=("use_sliding_window true", lambda c: c.update(use_sliding_window=True)),
        init=dict(embed=0.1, lm_head=None, gain=1.0, bias=0.5, final_norm=5.0),
        rewrite="qwen2_sliding",
    ),
    dict(
        name="gemma",
        cls=GemmaForCausalLM,
        description=(
            "GemmaForCausalLM, 2 layers, MQA 4 heads / 1 kv head, head_dim 16 != hidden/heads 12, hidden 48 "
            "(embed scale sqrt(48)=6.9282 -> bf16 6.9375), gelu_pytorch_tanh, (1+w) RMSNorm with w=0.1*randn, "
            "tied embeddings"
        ),
        config=lambda: GemmaConfig(
            vocab_size=352,
            hidden_size=48,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=1,
            head_dim=16,
            hidden_act="gelu_pytorch_tanh",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=10000.0),
            tie_word_embeddings=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=16,
        seed=5000,
        init=dict(embed=0.05, lm_head=None, gain=1.0, bias=0.0, out_gain=6.0, final_norm=10.0),
    ),
    dict(
        name="gemma2",
        cls=Gemma2ForCausalLM,
        description=(
            "Gemma2ForCausalLM, 4 layers (sliding, full, sliding, full), GQA 4 heads / 2 kv heads, head_dim 16 != "
            "hidden/heads 20, query_pre_attn_scalar 24 (!= head_dim), sliding_window 6 < T=18, "
            "attn_logit_softcapping 50 and final_logit_softcapping 30 both strongly active, hidden 80 "
            "(embed scale sqrt(80)=8.9443 -> bf16 8.9375), four (1+w) norms per layer, tied embeddings"
        ),
        config=lambda: Gemma2Config(
            vocab_size=256,
            hidden_size=80,
            intermediate_size=160,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=16,
            hidden_activation="gelu_pytorch_tanh",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=10000.0),
            query_pre_attn_scalar=24,
            sliding_window=6,
            layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
            attn_logit_softcapping=50.0,
            final_logit_softcapping=30.0,
            tie_word_embeddings=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=18,
        seed=6000,
        counterfactual=("all layers full attention", lambda c: c.update(layer_types=["full_attention"] * 4)),
        # final norm x24 -> pre-cap logits beyond the final cap 30; q/k gain 4 -> pre-cap
        # attention scores well beyond 50; post-norms x2 so layers outweigh the scaled embedding.
        init=dict(embed=0.05, lm_head=None, gain=1.0, bias=0.0, qk_gain=4.0, final_norm=24.0, post_norm=2.0),
        softcap_checks=True,
    ),
    dict(
        name="llama_bias",
        cls=LlamaForCausalLM,
        description=(
            "LlamaForCausalLM with attention_bias and mlp_bias (biases on q/k/v/o and gate/up/down), 2 layers, "
            "GQA 4/2, untied, dynamic (NTK) rope factor 2 with max_position_embeddings 64 (> every length used: "
            "equal to default rope there); config_v4.json: rope_theta + rope_scaling {type: dynamic}"
        ),
        config=lambda: LlamaConfig(
            vocab_size=288,
            hidden_size=64,
            intermediate_size=112,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=64,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="dynamic", rope_theta=10000.0, factor=2.0),
            tie_word_embeddings=False,
            attention_bias=True,
            mlp_bias=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=14,
        seed=7000,
        counterfactual=("attention_bias and mlp_bias false (biases dropped)", lambda c: c.update(attention_bias=False, mlp_bias=False)),
        init=dict(embed=1.0, lm_head=1.0, gain=1.0, bias=0.5),
        v4=lambda c: v4_keys(c),
    ),
    dict(
        name="qwen3",
        cls=Qwen3ForCausalLM,
        description=(
            "Qwen3ForCausalLM, 2 layers, GQA 4/2, head_dim 32 > hidden/heads 16, per-head q/k RMSNorm before RoPE, "
            "tied embeddings, rope theta 1e6; config_v4.json: 4.x keys"
        ),
        config=lambda: Qwen3Config(
            vocab_size=320,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=32,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=1000000.0),
            tie_word_embeddings=True,
            use_sliding_window=False,
            max_window_layers=2,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=15,
        seed=8000,
        init=dict(embed=0.1, lm_head=None, gain=1.0, bias=0.0, final_norm=8.0),
        v4=lambda c: v4_keys(c),
    ),
    dict(
        name="gemma3",
        cls=Gemma3ForCausalLM,
        description=(
            "Gemma3ForCausalLM (gemma3_text), 4 layers sliding/full/sliding/full, window 5 < T, local rope theta 1e4, "
            "global rope theta 1e6 with linear factor 8, per-head (1+w) q/k norms, query_pre_attn_scalar 24 with "
            "head_dim 16, hidden 48 (sqrt not representable), tied; config_v4.json: rope_theta + rope_scaling, "
            "rope_local_base_freq, sliding_window_pattern 2"
        ),
        config=lambda: Gemma3TextConfig(
            vocab_size=256,
            hidden_size=48,
            intermediate_size=96,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=16,
            hidden_activation="gelu_pytorch_tanh",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters={
                "full_attention": dict(rope_type="linear", factor=8.0, rope_theta=1000000.0),
                "sliding_attention": dict(rope_type="default", rope_theta=10000.0),
            },
            query_pre_attn_scalar=24,
            sliding_window=5,
            layer_types=["sliding_attention", "full_attention", "sliding_attention", "full_attention"],
            tie_word_embeddings=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=16,
        seed=9000,
        counterfactual=("all layers full attention", lambda c: c.update(layer_types=["full_attention"] * 4)),
        init=dict(embed=0.05, lm_head=None, gain=1.0, bias=0.0, final_norm=12.0, post_norm=2.0),
        v4=lambda c: v4_gemma3(c, 2),
    ),
    dict(
        name="gemma3_multimodal",
        cls=Gemma3ForConditionalGeneration,
        description=(
            "Gemma3ForConditionalGeneration (model_type gemma3): a tiny SigLIP vision tower + projector and a 2-layer "
            "gemma3_text language model (sliding/full, window 4); weights saved under the published names "
            "language_model.model.*, vision_tower.*, multi_modal_projector.*; text-only inputs"
        ),
        config=lambda: Gemma3Config(
            text_config=dict(
                vocab_size=272,
                hidden_size=48,
                intermediate_size=96,
                num_hidden_layers=2,
                num_attention_heads=2,
                num_key_value_heads=1,
                head_dim=24,
                query_pre_attn_scalar=24,
                sliding_window=4,
                max_position_embeddings=256,
                layer_types=["sliding_attention", "full_attention"],
                rope_parameters={
                    "full_attention": dict(rope_type="default", rope_theta=1000000.0),
                    "sliding_attention": dict(rope_type="default", rope_theta=10000.0),
                },
                bos_token_id=2,
                eos_token_id=1,
                pad_token_id=0,
            ),
            vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                               image_size=28, patch_size=14),
            mm_tokens_per_image=4,
            boi_token_index=268,
            eoi_token_index=269,
            image_token_index=270,
            tie_word_embeddings=True,
        ),
        T=14,
        seed=10000,
        max_input_id=268,
        init=dict(embed=0.05, lm_head=None, gain=1.0, bias=0.0, final_norm=12.0, post_norm=2.0),
        v4=lambda c: v4_gemma3_multimodal(c, 2),
    ),
    dict(
        name="smollm3",
        cls=SmolLM3ForCausalLM,
        description=(
            "SmolLM3ForCausalLM, 4 layers with no_rope_layer_interval 2 (layers 1 and 3 without RoPE), GQA 4/2, "
            "tied, rope theta 2e6; config_v4.json: rope_theta top-level, no_rope_layers derived from the interval"
        ),
        config=lambda: SmolLM3Config(
            vocab_size=300,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=2000000.0),
            no_rope_layer_interval=2,
            use_sliding_window=False,
            tie_word_embeddings=True,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=15,
        seed=11000,
        counterfactual=("RoPE on every layer", lambda c: c.update(no_rope_layers=[1, 1, 1, 1])),
        init=dict(embed=0.1, lm_head=None, gain=1.0, bias=0.0, final_norm=8.0),
        v4=v4_smollm3,
    ),
    dict(
        name="phi3",
        cls=Phi3ForCausalLM,
        description=(
            "Phi3ForCausalLM (also Phi-4-mini's class), 2 layers, fused qkv_proj and gate_up_proj, GQA 4/2, "
            "partial_rotary_factor 0.75 (12 of 16 features rotate), LongRoPE (short/long factors, "
            "original_max_position_embeddings 32, max 128: attention factor sqrt(1 + ln 4 / ln 32)), "
            "sliding_window 9 < T, untied; long_logits: a 40-token sequence (long factors); "
            "config_v4.json: rope_scaling {type: longrope}, rope_theta and partial_rotary_factor top-level"
        ),
        config=lambda: Phi3Config(
            vocab_size=320,
            hidden_size=64,
            intermediate_size=112,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=128,
            original_max_position_embeddings=32,
            rms_norm_eps=1e-5,
            rope_parameters=dict(
                rope_type="longrope",
                rope_theta=10000.0,
                partial_rotary_factor=0.75,
                short_factor=[1.0, 1.1, 1.3, 1.8, 2.5, 3.0],
                long_factor=[1.0, 1.5, 2.5, 4.0, 6.0, 8.0],
            ),
            sliding_window=9,
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=16,
        long_T=40,
        seed=12000,
        counterfactual=("LongRoPE attention_factor 1", lambda c: c["rope_parameters"].update(attention_factor=1.0)),
        init=dict(embed=1.0, lm_head=1.0, gain=1.0, bias=0.0),
        v4=lambda c: v4_keys(c),
    ),
    dict(
        name="olmo2",
        cls=Olmo2ForCausalLM,
        description=(
            "Olmo2ForCausalLM, 2 layers, GQA 4/2, norms after attention and MLP only, q/k RMSNorm over the whole "
            "projection, untied; config_v4.json: 4.x keys"
        ),
        config=lambda: Olmo2Config(
            vocab_size=300,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=500000.0),
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=15,
        seed=13000,
        init=dict(embed=1.0, lm_head=1.0, gain=1.0, bias=0.0),
        v4=lambda c: v4_keys(c),
    ),
    dict(
        name="granite",
        cls=GraniteForCausalLM,
        description=(
            "GraniteForCausalLM, 2 layers, GQA 4/2, embedding_multiplier 4, attention_multiplier 0.09, "
            "residual_multiplier 0.6, logits_scaling 2.5, attention_bias, untied; config_v4.json: 4.x keys"
        ),
        config=lambda: GraniteConfig(
            vocab_size=300,
            hidden_size=64,
            intermediate_size=128,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            hidden_act="silu",
            max_position_embeddings=256,
            rms_norm_eps=1e-6,
            rope_parameters=dict(rope_type="default", rope_theta=10000.0),
            embedding_multiplier=4.0,
            attention_multiplier=0.09,
            residual_multiplier=0.6,
            logits_scaling=2.5,
            attention_bias=True,
            tie_word_embeddings=False,
            bos_token_id=2,
            eos_token_id=1,
            pad_token_id=0,
        ),
        T=15,
        seed=14000,
        counterfactual=("residual_multiplier 1", lambda c: c.update(residual_multiplier=1.0)),
        init=dict(embed=0.05, lm_head=1.0, gain=1.0, bias=0.05),
        v4=lambda c: v4_keys(c),
    ),
]


# --------------------------------------------------------------------------------------------
# Model construction
# --------------------------------------------------------------------------------------------
def init_random_weights(model, init, gen):
    """Overwrite every parameter with seeded random values, then round to bf16."""
    gemma = is_gemma(model.config.model_type)
    with torch.no_grad():
        for name, p in model.named_parameters():
            shape = p.shape
            rnd = torch.randn(shape, generator=gen, dtype=torch.float32)
            if "norm" in name:
                # Non-trivial norm weights so that the norm code is exercised: effective multiplier
                # m * (1 + 0.1*randn), stored as-is (Llama family) or minus 1 (Gemma's 1+w).
                # m = 1 except the final norm (init["final_norm"], makes tied-embedding logits peaked
                # while the embedding rows stay small) and Gemma-2's post-attention/post-feedforward
                # norms (init["post_norm"], lets the layers outweigh the scaled embedding in the residual).
                m = 1.0
                if final_norm_name(name):
                    m = init.get("final_norm", 1.0)
                elif model.config.model_type in ("gemma2", "gemma3_text", "gemma3") and (
                    "post_attention_layernorm" in name or "post_feedforward_layernorm" in name
                ):
                    m = init.get("post_norm", 1.0)
                eff = m * (1.0 + 0.1 * rnd)
                val = eff - 1.0 if gemma else eff
            elif "embed_tokens" in name:
                val = init["embed"] * rnd
            elif name.startswith("lm_head"):
                val = init["lm_head"] * rnd
            elif name.endswith(".bias"):
                val = init["bias"] * rnd
            elif len(shape) < 2:  # other vectors (a vision tower's), unused by the text path
                val = 0.02 * rnd
            else:
                gain = init["gain"]
                if init.get("qk_gain") and (".q_proj." in name or ".k_proj." in name or ".qkv_proj." in name):
                    gain = init["qk_gain"]
                if init.get("out_gain") and (".o_proj." in name or ".down_proj." in name):
                    gain = init["out_gain"]
                val = gain / math.sqrt(shape[1]) * rnd
            p.copy_(bf16_round(val))
    # Tied models share embed_tokens and lm_head: both names point to one tensor, fine.


def build_model(spec, seed):
    config = spec["config"]()
    config._attn_implementation = "eager"
    torch.manual_seed(seed)
    model = spec["cls"](config)
    gen = torch.Generator().manual_seed(seed)
    init_random_weights(model, spec["init"], gen)
    if config.tie_word_embeddings:
        assert model.lm_head.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()
    model.eval()
    ids_gen = torch.Generator().manual_seed(seed + 1)
    # Tokens 0,1,2 are pad/eos/bos: keep them out of the inputs (and a multimodal model's image tokens).
    top = spec.get("max_input_id", text_config(config).vocab_size)
    input_ids = torch.randint(3, top, (spec["T"],), generator=ids_gen)
    prompt = torch.randint(3, top, (GREEDY_PROMPT_LEN,), generator=ids_gen)
    return model, input_ids, prompt


# --------------------------------------------------------------------------------------------
# Reference computations (all in float32)
# --------------------------------------------------------------------------------------------
def raw_rows(model, ids):
    return model.get_input_embeddings().weight[ids].detach().clone()


def forward_logits(model, ids):
    s = embed_scale_for(model.config)
    raw = raw_rows(model, ids)[None]
    with torch.no_grad():
        return model(inputs_embeds=raw * s).logits[0]


def logits_loss_grad(model, ids):
    s = embed_scale_for(model.config)
    raw = raw_rows(model, ids)[None].requires_grad_(True)  # [1,T,H]
    logits = model(inputs_embeds=raw * s).logits[0].float()  # [T,V]
    loss = torch.nn.functional.cross_entropy(logits[:-1], ids[1:], reduction="mean")
    loss.backward()
    return logits.detach(), loss.detach().reshape(1), raw.grad[0].detach().clone()


def greedy(model, prompt, n_new):
    """Manual greedy loop over the full sequence (no cache); returns new ids and min relative margin."""
    s = embed_scale_for(model.config)
    seq = prompt.clone()
    new = []
    min_rel = float("inf")
    with torch.no_grad():
        for _ in range(n_new):
            raw = raw_rows(model, seq)[None]
            last = model(inputs_embeds=raw * s).logits[0, -1].float()
            top2 = torch.topk(last, 2).values
            rel = float((top2[0] - top2[1]) / last.abs().max())
            min_rel = min(min_rel, rel)
            nxt = int(torch.argmax(last))
            new.append(nxt)
            seq = torch.cat([seq, torch.tensor([nxt], dtype=seq.dtype)])
    return torch.tensor(new, dtype=torch.int64), min_rel


class ScoreRecorder:
    """Records max |pre-softcap attention score| by wrapping Gemma-2's eager attention function."""

    def __init__(self):
        import transformers.models.gemma2.modeling_gemma2 as mg2

        self.mg2 = mg2
        self.orig = mg2.eager_attention_forward
        self.max_abs = 0.0

    def __enter__(self):
        orig = self.orig
        rec = self

        def wrapped(module, query, key, value, attention_mask, dropout=0.0, scaling=None, softcap=None, **kw):
            k = self.mg2.repeat_kv(key, module.num_key_value_groups)
            sc = torch.matmul(query, k.transpose(2, 3)) * scaling
            if attention_mask is not None:  # only look at visible positions
                vis = attention_mask > -1.0
                sc = torch.where(vis, sc, torch.zeros_like(sc))
            rec.max_abs = max(rec.max_abs, float(sc.abs().max()))
            return orig(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, softcap=softcap, **kw)

        self.mg2.eager_attention_forward = wrapped
        return self

    def __exit__(self, *a):
        self.mg2.eager_attention_forward = self.orig


def softcap_diagnostics(model, ids):
    """Return (max |pre-cap attention score|, max |pre-cap final logit|, rel. effect of each cap)."""
    cfg = model.config
    with ScoreRecorder() as rec:
        logits = forward_logits(model, ids)
    s = embed_scale_for(cfg)
    with torch.no_grad():
        hidden = model.model(inputs_embeds=raw_rows(model, ids)[None] * s).last_hidden_state[0]
        precap = model.lm_head(hidden)
    # effect of attention capping: rerun with it disabled
    saved = cfg.attn_logit_softcapping
    for layer in model.model.layers:
        layer.self_attn.attn_logit_softcapping = None
    nocap_attn = forward_logits(model, ids)
    for layer in model.model.layers:
        layer.self_attn.attn_logit_softcapping = saved
    attn_effect = float((nocap_attn - logits).abs().max() / logits.abs().max())
    return rec.max_abs, float(precap.abs().max()), attn_effect


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------
def save_model_folder(model, spec, out_dir):
    if os.path.isdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)
    cfg = model.config
    model.generation_config = GenerationConfig(
        bos_token_id=special(cfg, "bos_token_id"), eos_token_id=special(cfg, "eos_token_id"),
        pad_token_id=special(cfg, "pad_token_id"), do_sample=False
    )
    bf = model.to(torch.bfloat16)
    kwargs = {}
    if spec.get("shards"):
        total = sum(p.numel() * 2 for p in bf.state_dict().values())
        if cfg.tie_word_embeddings:
            total -= bf.lm_head.weight.numel() * 2
        kwargs["max_shard_size"] = int(total * 0.6)
    bf.save_pretrained(out_dir, **kwargs)
    model.to(torch.float32)
    if is_gemma(cfg.model_type):  # the float32 sqrt(H) buffer went through bf16 with the model: restore it
        emb = model.get_input_embeddings()
        with torch.no_grad():
            emb.embed_scale.fill_(text_config(cfg).hidden_size**0.5)
    files = sorted(os.listdir(out_dir))
    if spec.get("shards"):
        n = spec["shards"]
        shards = [f"model-{i:05d}-of-{n:05d}.safetensors" for i in range(1, n + 1)]
        assert all(f in files for f in shards), files
        assert "model.safetensors.index.json" in files and "model.safetensors" not in files, files
    else:
        assert "model.safetensors" in files, files
    return files


def load_stored_weights(out_dir):
    tensors = {}
    for f in sorted(os.listdir(out_dir)):
        if f.endswith(".safetensors") and f != "expected.safetensors":
            with safe_open(os.path.join(out_dir, f), "pt") as sf:
                for k in sf.keys():
                    t = sf.get_tensor(k)
                    assert t.dtype == torch.bfloat16, (f, k, t.dtype)
                    tensors[k] = t
    return tensors


_ST_DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(tensors, metadata, path):
    """Byte-deterministic safetensors writer (the library's writer orders __metadata__ keys
    randomly). Standard layout: u64 LE header size, JSON header (padded with spaces to a multiple
    of 8), then the little-endian tensor data in header order. Read back with safetensors.load_file."""
    header = {"__metadata__": dict(sorted(metadata.items()))}
    blobs, offset = [], 0
    for name, t in tensors.items():
        t = t.contiguous()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(len(hjson).to_bytes(8, "little"))
        f.write(hjson)
        for b in blobs:
            f.write(b)
    back = load_file(path)
    assert back.keys() == tensors.keys() and all(torch.equal(back[k], tensors[k]) for k in tensors)
    with safe_open(path, "pt") as sf:
        assert sf.metadata() == metadata


def load_hf(out_dir):
    m = AutoModelForCausalLM.from_pretrained(out_dir, dtype=torch.float32, attn_implementation="eager")
    m.eval()
    return m


def rewrite_config(spec, out_dir):
    path = os.path.join(out_dir, "config.json")
    with open(path) as f:
        cfg = json.load(f)
    kind = spec.get("rewrite")
    if kind == "v4":
        rp = cfg.pop("rope_parameters")
        assert rp == {"rope_type": "default", "rope_theta": 500000.0}, rp
        cfg["rope_theta"] = rp["rope_theta"]
        cfg["rope_scaling"] = None
        cfg["torch_dtype"] = cfg.pop("dtype")
        hd = cfg.pop("head_dim")
        assert hd == cfg["hidden_size"] // cfg["num_attention_heads"]
        cfg["transformers_version"] = "4.46.0"  # mimics a 4.x-written file
    elif kind == "qwen2_sliding":
        assert cfg["use_sliding_window"] is False and cfg["sliding_window"] is None, cfg
        cfg["sliding_window"] = 4
        cfg["max_window_layers"] = 1
        cfg.pop("layer_types")
    else:
        return
    with open(path, "w") as f:
        json.dump(dict(sorted(cfg.items())), f, indent=2)
        f.write("\n")


# --------------------------------------------------------------------------------------------
# Main per-fixture flow
# --------------------------------------------------------------------------------------------
def make_fixture(spec):
    name = spec["name"]
    out_dir = os.path.join(OUT_ROOT, name)
    # 1. seed search on the in-memory bf16-rounded fp32 model
    for attempt in range(MAX_SEED_TRIES):
        seed = spec["seed"] + 7 * attempt
        model, input_ids, prompt = build_model(spec, seed)
        new_ids, min_rel = greedy(model, prompt, GREEDY_NEW_TOKENS)
        eos = special(model.config, "eos_token_id")
        if min_rel < MARGIN or eos in new_ids.tolist() or len(set(new_ids.tolist())) < MIN_DISTINCT:
            continue
        if spec.get("softcap_checks"):
            att_max, logit_max, attn_effect = softcap_diagnostics(model, input_ids)
            _, gp_logit_max, _ = softcap_diagnostics(model, torch.cat([prompt, new_ids]))
            # tanh(x/c)*c deviates from x by > 17% once |x| >= 0.8c (24% at |x| = c)
            if not (
                att_max >= 1.0 * model.config.attn_logit_softcapping
                and min(logit_max, gp_logit_max) >= 0.8 * model.config.final_logit_softcapping
                and attn_effect > 1e-2
            ):
                continue
            print(
                f"  [{name}] max|pre-cap attn score|={att_max:.1f} (cap {model.config.attn_logit_softcapping}), "
                f"max|pre-cap logit|={logit_max:.1f} (cap {model.config.final_logit_softcapping}), "
                f"disabling attn cap changes logits by {attn_effect:.3f} rel"
            )
        break
    else:
        raise RuntimeError(f"{name}: no seed with greedy margin >= {MARGIN} in {MAX_SEED_TRIES} tries")
    print(f"  [{name}] seed {seed} (attempt {attempt}), min greedy margin {min_rel:.4f} rel")
    mem_state = {k: v.clone() for k, v in model.state_dict().items()}

    # 2. save bf16 folder
    files = save_model_folder(model, spec, out_dir)

    # 3. reload fp32 from the stored bf16 weights; check weights identical to what we generated
    ref = load_hf(out_dir)
    stored = load_stored_weights(out_dir)
    ref_state = ref.state_dict()
    for k, t in stored.items():
        k = state_name(k)
        assert torch.equal(t.float(), ref_state[k]), k
        assert torch.equal(t.float(), mem_state[k]), k
    if ref.config.tie_word_embeddings:
        assert "lm_head.weight" not in stored
        assert torch.equal(ref.lm_head.weight, ref.get_input_embeddings().weight)
    else:
        assert "lm_head.weight" in stored

    # 4. expected values from the reloaded model
    logits, loss, grad = logits_loss_grad(ref, input_ids)
    g_new, g_rel = greedy(ref, prompt, GREEDY_NEW_TOKENS)
    assert torch.equal(g_new, new_ids) and g_rel >= MARGIN, (g_new, new_ids, g_rel)

    # cross-checks against transformers' own paths
    with torch.no_grad():
        out = ref(input_ids=input_ids[None], labels=input_ids[None])
    assert torch.equal(out.logits[0], logits), f"{name}: input_ids path != inputs_embeds path"
    assert torch.allclose(out.loss.reshape(1), loss, rtol=1e-6, atol=1e-6), (out.loss, loss)
    gen = ref.generate(
        prompt[None], max_new_tokens=GREEDY_NEW_TOKENS, do_sample=False, attention_mask=torch.ones(1, len(prompt), dtype=torch.long)
    )[0, len(prompt) :]
    assert torch.equal(gen, g_new), f"{name}: HF generate {gen.tolist()} != manual greedy {g_new.tolist()}"
    if is_gemma(ref.config.model_type):
        # How far off a bf16-rounded sqrt(H) (what greater computed before) would be:
        raw = raw_rows(ref, input_ids)[None]
        rounded = float(torch.tensor(text_config(ref.config).hidden_size**0.5, dtype=torch.bfloat16))
        with torch.no_grad():
            r = ref(inputs_embeds=raw * rounded).logits[0]
        print(f"  [{name}] a bf16-rounded embed scale would move logits by {float((r - logits).abs().max()):.3e}")

    # 5a. the same weights under the other config-key form (config_v4.json: transformers-4.x keys as
    # published checkpoints carry them) must give bit-identical logits
    if spec.get("v4"):
        with open(os.path.join(out_dir, "config.json")) as f:
            v4 = spec["v4"](json.load(f))
        with open(os.path.join(out_dir, "config_v4.json"), "w") as f:
            json.dump(dict(sorted(v4.items())), f, indent=2)
            f.write("\n")
        alt = os.path.join(OUT_ROOT, "_" + name + "_v4")
        shutil.rmtree(alt, ignore_errors=True)
        os.makedirs(alt)
        for fname in os.listdir(out_dir):
            if fname.endswith(".safetensors") or fname.endswith(".index.json"):
                os.symlink(os.path.join(out_dir, fname), os.path.join(alt, fname))
        shutil.copy(os.path.join(out_dir, "config_v4.json"), os.path.join(alt, "config.json"))
        re = load_hf(alt)
        assert torch.equal(forward_logits(re, input_ids), logits), f"{name}: config_v4.json changes logits"
        del re
        shutil.rmtree(alt)

    # 5b'. a sequence longer than LongRoPE's original_max_position_embeddings (long factors)
    long_extra = {}
    if spec.get("long_T"):
        long_ids = torch.randint(3, text_config(ref.config).vocab_size, (spec["long_T"],), generator=torch.Generator().manual_seed(seed + 2))
        long_extra = {"long_input_ids": long_ids.to(torch.int64), "long_logits": forward_logits(ref, long_ids).contiguous()}

    # 5. config rewrites (4.x style / Qwen2 sliding keys): must not change anything
    rewrite_config(spec, out_dir)
    if spec.get("rewrite"):
        re = load_hf(out_dir)
        assert torch.equal(forward_logits(re, input_ids), logits), f"{name}: rewritten config changes logits"
        if spec["rewrite"] == "v4":
            assert re.config.rope_parameters["rope_theta"] == 500000.0
            assert re.config.rope_parameters["rope_type"] == "default"
            assert re.config.head_dim == 16
        if spec["rewrite"] == "qwen2_sliding":
            assert re.config.sliding_window is None
            assert all(t == "full_attention" for t in re.config.layer_types)

    # 5b. the feature a fixture is about must actually change the result
    if spec.get("counterfactual"):
        what, mutate = spec["counterfactual"]
        with open(os.path.join(out_dir, "config.json")) as f:
            cdict = json.load(f)
        mutate(cdict)
        ccfg = type(ref.config).from_dict(cdict)
        cf = AutoModelForCausalLM.from_pretrained(out_dir, config=ccfg, dtype=torch.float32, attn_implementation="eager")
        cf.eval()
        eff = float((forward_logits(cf, input_ids) - logits).abs().max() / logits.abs().max())
        print(f"  [{name}] counterfactual '{what}' changes logits by {eff:.3f} rel")
        assert eff > 1e-2, f"{name}: '{what}' does not matter"

    # 5c. conditioning: the same forward in float64 (how far an exact f32 implementation with a
    # different summation order may legitimately drift; use it to pick Java tolerances)
    m64 = load_hf(out_dir).double()
    raw64 = raw_rows(m64, input_ids)[None].requires_grad_(True)
    l64 = m64(inputs_embeds=raw64 * embed_scale_for(m64.config)).logits[0]
    loss64 = torch.nn.functional.cross_entropy(l64[:-1], input_ids[1:])
    loss64.backward()
    d_logits = float((l64.detach() - logits.double()).abs().max())
    d_grad = float((raw64.grad[0] - grad.double()).abs().max())
    print(
        f"  [{name}] f32 vs f64: max|dlogit|={d_logits:.2e} (max|logit| {float(logits.abs().max()):.1f}), "
        f"|dloss|={abs(loss64.item() - loss.item()):.2e}, max|dgrad|={d_grad:.2e} (max|grad| {float(grad.abs().max()):.2e})"
    )
    del m64

    # 6. expected.safetensors
    meta = {
        "format": FORMAT_VERSION,
        "fixture": name,
        "description": spec["description"],
        "architecture": spec["cls"].__name__,
        "torch_version": torch.__version__,
        "transformers_version": transformers.__version__,
        "seed": str(seed),
        "embed_scale": repr(embed_scale_for(ref.config)),
        "greedy_min_relative_margin": f"{g_rel:.6f}",
        "weights_dtype": "bfloat16",
        "compute_dtype": "float32",
        "attn_implementation": "eager",
        "f64_max_abs_logit_diff": f"{d_logits:.3e}",
        "f64_max_abs_grad_diff": f"{d_grad:.3e}",
    }
    expected = {
        "input_ids": input_ids.to(torch.int64).contiguous(),
        "logits": logits.to(torch.float32).contiguous(),
        "loss": loss.to(torch.float32).contiguous(),
        "input_embeds_grad": grad.to(torch.float32).contiguous(),
        "greedy_prompt_ids": prompt.to(torch.int64).contiguous(),
        "greedy_ids": g_new.to(torch.int64).contiguous(),
        **long_extra,
    }
    write_safetensors(expected, meta, os.path.join(out_dir, "expected.safetensors"))
    print(
        f"  [{name}] T={len(input_ids)} V={text_config(ref.config).vocab_size} H={text_config(ref.config).hidden_size} "
        f"loss={loss.item():.4f} |grad|max={grad.abs().max():.3e} greedy={g_new.tolist()}"
    )
    return out_dir


def verify_fixture(out_dir):
    """Independent re-check: reload with AutoModelForCausalLM and reproduce expected values."""
    exp = load_file(os.path.join(out_dir, "expected.safetensors"))
    with safe_open(os.path.join(out_dir, "expected.safetensors"), "pt") as f:
        meta = f.metadata()
    assert meta["format"] == FORMAT_VERSION
    m = load_hf(out_dir)
    ids = exp["input_ids"]
    logits, loss, grad = logits_loss_grad(m, ids)
    assert torch.equal(logits, exp["logits"]), out_dir
    assert torch.equal(loss, exp["loss"]), out_dir
    assert torch.equal(grad, exp["input_embeds_grad"]), out_dir
    with torch.no_grad():
        assert torch.equal(m(input_ids=ids[None]).logits[0], exp["logits"]), out_dir
    g, rel = greedy(m, exp["greedy_prompt_ids"], len(exp["greedy_ids"]))
    assert torch.equal(g, exp["greedy_ids"]) and rel >= MARGIN, out_dir
    size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    return size


def main(argv):
    only = set(argv[1:])
    specs = [s for s in FIXTURES if not only or s["name"] in only]
    print(f"torch {torch.__version__}, transformers {transformers.__version__}; writing to {OUT_ROOT}")
    dirs = []
    for spec in specs:
        print(f"{spec['name']}:")
        dirs.append(make_fixture(spec))
    print("verifying (fresh reload with AutoModelForCausalLM):")
    total = 0
    for d in dirs:
        size = verify_fixture(d)
        total += size
        files = ", ".join(f"{f}={os.path.getsize(os.path.join(d, f))}" for f in sorted(os.listdir(d)))
        print(f"  {os.path.basename(d)}: OK, {size} bytes ({files})")
    print(f"total {total} bytes")


if __name__ == "__main__":
    main(sys.argv)
