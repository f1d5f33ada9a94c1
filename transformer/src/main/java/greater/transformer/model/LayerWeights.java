package greater.transformer.model;

import greater.tensor.Tensor;

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
     * A layer without o_proj bias, q/k norms or MLP biases (the Llama/Gemma-2 set).
     * Prefer {@link #builder()}, which names each tensor.
     */
    public LayerWeights(Tensor inputNorm, Tensor wq, Tensor bq, Tensor wk, Tensor bk, Tensor wv, Tensor bv, Tensor wo,
                        Tensor postAttentionNorm, Tensor preFeedforwardNorm, Tensor postFeedforwardNorm,
                        Tensor wGate, Tensor wUp, Tensor wDown) {
        this(inputNorm, wq, bq, wk, bk, wv, bv, wo, postAttentionNorm, preFeedforwardNorm, postFeedforwardNorm,
                wGate, wUp, wDown, null, null, null, null, null, null);
    }

    /** A builder naming each tensor; those never set stay null (the family lacks them). */
    public static Builder builder() {
        return new Builder();
    }

    /** Sets tensors by their field names (see the record's components for HF names and shapes). */
    public static final class Builder {
        private Tensor inputNorm, wq, bq, wk, bk, wv, bv, wo, postAttentionNorm, preFeedforwardNorm, postFeedforwardNorm, wGate, wUp, wDown, bo, qNorm, kNorm, bGate, bUp, bDown;

        private Builder() {
        }

        public Builder inputNorm(Tensor t) {
            inputNorm = t;
            return this;
        }

        public Builder wq(Tensor t) {
            wq = t;
            return this;
        }

        public Builder bq(Tensor t) {
            bq = t;
            return this;
        }

        public Builder wk(Tensor t) {
            wk = t;
            return this;
        }

        public Builder bk(Tensor t) {
            bk = t;
            return this;
        }

        public Builder wv(Tensor t) {
            wv = t;
            return this;
        }

        public Builder bv(Tensor t) {
            bv = t;
            return this;
        }

        public Builder wo(Tensor t) {
            wo = t;
            return this;
        }

        public Builder postAttentionNorm(Tensor t) {
            postAttentionNorm = t;
            return this;
        }

        public Builder preFeedforwardNorm(Tensor t) {
            preFeedforwardNorm = t;
            return this;
        }

        public Builder postFeedforwardNorm(Tensor t) {
            postFeedforwardNorm = t;
            return this;
        }

        public Builder wGate(Tensor t) {
            wGate = t;
            return this;
        }

        public Builder wUp(Tensor t) {
            wUp = t;
            return this;
        }

        public Builder wDown(Tensor t) {
            wDown = t;
            return this;
        }

        public Builder bo(Tensor t) {
            bo = t;
            return this;
        }

        public Builder qNorm(Tensor t) {
            qNorm = t;
            return this;
        }

        public Builder kNorm(Tensor t) {
            kNorm = t;
            return this;
        }

        public Builder bGate(Tensor t) {
            bGate = t;
            return this;
        }

        public Builder bUp(Tensor t) {
            bUp = t;
            return this;
        }

        public Builder bDown(Tensor t) {
            bDown = t;
            return this;
        }

        public LayerWeights build() {
            return new LayerWeights(inputNorm, wq, bq, wk, bk, wv, bv,
                    wo, postAttentionNorm, preFeedforwardNorm, postFeedforwardNorm, wGate, wUp, wDown,
                    bo, qNorm, kNorm, bGate, bUp, bDown);
        }
    }
}
