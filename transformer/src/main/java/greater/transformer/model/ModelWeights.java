package greater.transformer.model;

import greater.tensor.Tensor;

import java.util.List;

/** All weights of a decoder: embeddings [V, H], the layers, the final norm [H], the LM head [V, H] (may be the embeddings). */
public record ModelWeights(Tensor embedTokens, List<LayerWeights> layers, Tensor finalNorm, Tensor lmHead) {
}
