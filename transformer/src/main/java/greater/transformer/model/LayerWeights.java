package greater.transformer.model;

import greater.tensor.Tensor;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The weights of one decoder layer, under their HuggingFace names
 * ({@code model.layers.N.<field>}); shapes use H = hidden, Q = heads·headDim,
 * K = kvHeads·headDim, I = intermediate, D = headDim. Optional tensors are null when the family
 * lacks them. Phi-3's fused {@code qkv_proj} and {@code gate_up_proj} are loaded as zero-copy row
 * views into wq/wk/wv and wGate/wUp.
 */
public record LayerWeights(
        Tensor inputNorm,        // input_layernorm.weight            [H]  (null for OLMo-2)
        Tensor wq, Tensor bq,    // self_attn.q_proj.weight / .bias   [Q, H] / [Q]
        Tensor wk, Tensor bk,    // self_attn.k_proj                  [K, H] / [K]
        Tensor wv, Tensor bv,    // self_attn.v_proj                  [K, H] / [K]
        Tensor wo,               // self_attn.o_proj.weight           [H, Q]
        Tensor postAttentionNorm,// post_attention_layernorm.weight   [H]  (Llama: before the MLP; Gemma-2/3, OLMo-2: after attention)
        Tensor preFeedforwardNorm,  // pre_feedforward_layernorm.weight  [H] (Gemma-2/3 only)
        Tensor postFeedforwardNorm, // post_feedforward_layernorm.weight [H] (Gemma-2/3, OLMo-2)
        Tensor wGate,            // mlp.gate_proj.weight              [I, H]
        Tensor wUp,              // mlp.up_proj.weight                [I, H]
        Tensor wDown,            // mlp.down_proj.weight              [H, I]
        Tensor bo,               // self_attn.o_proj.bias             [H]  (attention_bias)
        Tensor qNorm,            // self_attn.q_norm.weight           [D] per head (Qwen3, Gemma-3) or [Q] (OLMo-2)
        Tensor kNorm,            // self_attn.k_norm.weight           [D] or [K]
        Tensor bGate, Tensor bUp, Tensor bDown) { // mlp.*_proj.bias  [I], [I], [H]  (mlp_bias)

    /**
     * The layer from its tensors by HF name (see {@link HfName}); names left out are null (the family
     * lacks them). Fused checkpoints put their row views under Q_PROJ, K_PROJ, V_PROJ, GATE_PROJ and UP_PROJ.
     *
     * @throws IllegalArgumentException for a name that is no component of a layer (QKV_PROJ,
     *                                  GATE_UP_PROJ, model-level names)
     */
    public static LayerWeights of(Map<HfName, Tensor> t) {
        for (HfName n : t.keySet()) {
            if (!COMPONENTS.contains(n)) throw new IllegalArgumentException(n + " is not a component of a decoder layer");
        }
        return new LayerWeights(t.get(HfName.INPUT_NORM),
                t.get(HfName.Q_PROJ), t.get(HfName.Q_BIAS), t.get(HfName.K_PROJ), t.get(HfName.K_BIAS),
                t.get(HfName.V_PROJ), t.get(HfName.V_BIAS), t.get(HfName.O_PROJ),
                t.get(HfName.POST_ATTENTION_NORM), t.get(HfName.PRE_FEEDFORWARD_NORM), t.get(HfName.POST_FEEDFORWARD_NORM),
                t.get(HfName.GATE_PROJ), t.get(HfName.UP_PROJ), t.get(HfName.DOWN_PROJ), t.get(HfName.O_BIAS),
                t.get(HfName.Q_NORM), t.get(HfName.K_NORM), t.get(HfName.GATE_BIAS), t.get(HfName.UP_BIAS),
                t.get(HfName.DOWN_BIAS));
    }

    /** The HF names {@link #of} maps onto components: every layer tensor but the fused ones. */
    private static final Set<HfName> COMPONENTS = EnumSet.copyOf(Arrays.stream(HfName.values())
            .filter(n -> n.perLayer() && n != HfName.QKV_PROJ && n != HfName.GATE_UP_PROJ).toList());
}
