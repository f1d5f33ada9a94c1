package greater.transformer.model;

import greater.tensor.Tensor;

/**
 * The weights of one decoder layer, under their HuggingFace names
 * ({@code model.layers.N.<field>}); shapes use H = hidden, Q = heads·headDim,
 * K = kvHeads·headDim, I = intermediate. Optional tensors are null when the family lacks them.
 */
public record LayerWeights(
        Tensor inputNorm,        // input_layernorm.weight            [H]
        Tensor wq, Tensor bq,    // self_attn.q_proj.weight / .bias   [Q, H] / [Q]
        Tensor wk, Tensor bk,    // self_attn.k_proj                  [K, H] / [K]
        Tensor wv, Tensor bv,    // self_attn.v_proj                  [K, H] / [K]
        Tensor wo,               // self_attn.o_proj.weight           [H, Q]
        Tensor postAttentionNorm,// post_attention_layernorm.weight   [H]  (Llama: before the MLP; Gemma-2: after attention)
        Tensor preFeedforwardNorm,  // pre_feedforward_layernorm.weight  [H] (Gemma-2 only)
        Tensor postFeedforwardNorm, // post_feedforward_layernorm.weight [H] (Gemma-2 only)
        Tensor wGate,            // mlp.gate_proj.weight              [I, H]
        Tensor wUp,              // mlp.up_proj.weight                [I, H]
        Tensor wDown) {          // mlp.down_proj.weight              [H, I]
}
