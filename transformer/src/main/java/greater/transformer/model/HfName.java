package greater.transformer.model;

import java.util.Optional;

/**
 * The HuggingFace names of a decoder checkpoint's tensors, spelled once for the loader, the
 * trainer and the loader's no-silent-loss check (transformers' {@code modeling_llama.py} and the
 * families' variants: Phi-3's fused projections, Gemma-2/3's sandwich norms, Qwen3's q/k norms).
 * A decoder's tensors sit under a prefix: {@code "model."} in text checkpoints ({@link #TEXT}),
 * {@code ""} in bare ones, {@code "language_model.model."} or {@code "model.language_model."} in
 * Gemma-3 image-text ones; the output head sits outside it ({@code lm_head.weight}, or
 * {@code language_model.lm_head.weight}).
 */
public enum HfName {
    EMBED_TOKENS(Scope.DECODER, "embed_tokens.weight"),
    FINAL_NORM(Scope.DECODER, "norm.weight"),
    LM_HEAD(Scope.ROOT, "lm_head.weight"),
    INPUT_NORM(Scope.LAYER, "input_layernorm.weight"),
    Q_PROJ(Scope.LAYER, "self_attn.q_proj.weight"),
    Q_BIAS(Scope.LAYER, "self_attn.q_proj.bias"),
    K_PROJ(Scope.LAYER, "self_attn.k_proj.weight"),
    K_BIAS(Scope.LAYER, "self_attn.k_proj.bias"),
    V_PROJ(Scope.LAYER, "self_attn.v_proj.weight"),
    V_BIAS(Scope.LAYER, "self_attn.v_proj.bias"),
    QKV_PROJ(Scope.LAYER, "self_attn.qkv_proj.weight"),
    O_PROJ(Scope.LAYER, "self_attn.o_proj.weight"),
    O_BIAS(Scope.LAYER, "self_attn.o_proj.bias"),
    Q_NORM(Scope.LAYER, "self_attn.q_norm.weight"),
    K_NORM(Scope.LAYER, "self_attn.k_norm.weight"),
    POST_ATTENTION_NORM(Scope.LAYER, "post_attention_layernorm.weight"),
    PRE_FEEDFORWARD_NORM(Scope.LAYER, "pre_feedforward_layernorm.weight"),
    POST_FEEDFORWARD_NORM(Scope.LAYER, "post_feedforward_layernorm.weight"),
    GATE_PROJ(Scope.LAYER, "mlp.gate_proj.weight"),
    GATE_BIAS(Scope.LAYER, "mlp.gate_proj.bias"),
    UP_PROJ(Scope.LAYER, "mlp.up_proj.weight"),
    UP_BIAS(Scope.LAYER, "mlp.up_proj.bias"),
    GATE_UP_PROJ(Scope.LAYER, "mlp.gate_up_proj.weight"),
    DOWN_PROJ(Scope.LAYER, "mlp.down_proj.weight"),
    DOWN_BIAS(Scope.LAYER, "mlp.down_proj.bias");

    /** The decoder prefix of text checkpoints (Llama, Qwen, ...), and of the models we write. */
    public static final String TEXT = "model.";
    /** Stale RoPE buffers some checkpoints still carry; recomputed from the config, never loaded. */
    public static final String ROTARY_BUFFER_SUFFIX = ".rotary_emb.inv_freq";

    /** Where a name sits: directly under the checkpoint root, under the decoder prefix, or in layer N. */
    private enum Scope { ROOT, DECODER, LAYER }

    private final Scope scope;
    /** The name's tail after the root, decoder or {@code layers.N.} prefix. */
    public final String suffix;

    HfName(Scope scope, String suffix) {
        this.scope = scope;
        this.suffix = suffix;
    }

    /** Whether the tensor belongs to a decoder layer ({@code layers.N.}), rather than to the whole model. */
    public boolean perLayer() {
        return scope == Scope.LAYER;
    }

    /** The full name of a model-level tensor under {@code prefix}; throws IllegalStateException for a layer tensor. */
    public String of(String prefix) {
        if (scope == Scope.LAYER) throw new IllegalStateException(this + " is a layer tensor: name its layer");
        return prefix + suffix;
    }

    /** The full name of this tensor of decoder layer {@code layer} under {@code prefix}; throws IllegalStateException for a model-level tensor. */
    public String of(String prefix, int layer) {
        if (scope != Scope.LAYER) throw new IllegalStateException(this + " is not a layer tensor");
        return prefix + "layers." + layer + "." + suffix;
    }

    /** Which known tensor {@code name} is, whatever its prefix and layer; empty for a name outside the table. */
    public static Optional<HfName> parse(String name) {
        for (HfName n : values()) {
            if (!name.endsWith(n.suffix)) continue;
            String head = name.substring(0, name.length() - n.suffix.length());
            boolean fits = switch (n.scope) {
                case LAYER -> head.matches("(.*\\.)?layers\\.\\d+\\.");
                case ROOT, DECODER -> head.isEmpty() || head.endsWith(".");
            };
            if (fits) return Optional.of(n);
        }
        return Optional.empty();
    }
}
