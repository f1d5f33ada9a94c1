package greater.transformer.model;

import greater.tensor.Tensor;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** All weights of a decoder: embeddings [V, H], the layers, the final norm [H], the LM head [V, H] (may be the embeddings). */
public record ModelWeights(Tensor embedTokens, List<LayerWeights> layers, Tensor finalNorm, Tensor lmHead) {

    /** Parameters of the decoder as loaded: every distinct tensor once (a tied LM head is the embeddings). */
    public long parameterCount() {
        Set<Tensor> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.add(embedTokens);
        distinct.add(finalNorm);
        distinct.add(lmHead);
        for (LayerWeights w : layers) {
            Stream.of(w.inputNorm(), w.wq(), w.bq(), w.wk(), w.bk(), w.wv(), w.bv(), w.wo(), w.bo(), w.qNorm(), w.kNorm(),
                    w.postAttentionNorm(), w.preFeedforwardNorm(), w.postFeedforwardNorm(),
                    w.wGate(), w.bGate(), w.wUp(), w.bUp(), w.wDown(), w.bDown()).filter(t -> t != null).forEach(distinct::add);
        }
        return distinct.stream().mapToLong(Tensor::size).sum();
    }
}
