package greater.transformer.train;

import greater.tensor.Tensor;
import greater.tensor.ops.Add;
import greater.tensor.ops.CausalSelfAttention;
import greater.tensor.ops.EmbeddingLookup;
import greater.tensor.ops.GatedActivation;
import greater.tensor.ops.Linear;
import greater.tensor.ops.RmsNorm;
import greater.tensor.ops.Rotary;
import greater.tensor.ops.Rows;
import greater.tensor.ops.Scale;
import greater.tensor.ops.SoftCapping;
import greater.transformer.config.ModelConfig;
import greater.transformer.model.LayerWeights;
import greater.transformer.model.ModelWeights;

import java.util.List;

/**
 * {@link greater.transformer.model.Transformer#logits} for several sequences at once, packed
 * into one [N, H] activation (N = total tokens): every row-wise step (norms, projections, MLP,
 * LM head) runs as one large product instead of one small product per sequence, and attention
 * runs per sequence on its own rows, each sequence at positions 0..len-1. The result is the
 * per-sequence logits stacked by rows, the same numbers the transformer gives for each sequence
 * alone (TrainPackedForwardTest checks it), so packing changes the speed of training, not what
 * is learned. Same ops, same order as the transformer, minus the KV cache.
 */
public final class PackedForward {
    private final ModelConfig config;
    private final ModelWeights weights;
    private final float[] invFreq;

    public PackedForward(ModelConfig config, ModelWeights weights) {
        this.config = config;
        this.weights = weights;
        this.invFreq = config.rope().inverseFrequencies(config.headDim());
    }

    /** Logits [N, V] for the sequences concatenated in order (N = sum of their lengths). */
    public Tensor logits(List<int[]> sequences) {
        int n = 0;
        for (int[] s : sequences) {
            if (s.length == 0) throw new IllegalArgumentException("empty sequence");
            n += s.length;
        }
        int[] ids = new int[n], positions = new int[n], offsets = new int[sequences.size() + 1];
        for (int s = 0, at = 0; s < sequences.size(); s++) {
            int[] seq = sequences.get(s);
            offsets[s] = at;
            System.arraycopy(seq, 0, ids, at, seq.length);
            for (int i = 0; i < seq.length; i++) positions[at + i] = i;
            at += seq.length;
            offsets[s + 1] = at;
        }

        Tensor x = EmbeddingLookup.apply(weights.embedTokens(), ids);                   // [N, H]
        if (config.embeddingScale() != 1f) x = Scale.apply(x, config.embeddingScale());
        for (int l = 0; l < config.layers(); l++) {
            LayerWeights w = weights.layers().get(l);
            Tensor a = attention(norm(x, w.inputNorm()), w, l, positions, offsets);
            if (config.sandwichNorms()) a = norm(a, w.postAttentionNorm());
            x = Add.apply(x, a);
            Tensor h = norm(x, config.sandwichNorms() ? w.preFeedforwardNorm() : w.postAttentionNorm());
            Tensor gate = Linear.apply(h, w.wGate());
            Tensor up = Linear.apply(h, w.wUp());
            var kind = config.gatedGelu() ? GatedActivation.Kind.GELU_TANH : GatedActivation.Kind.SILU;
            Tensor m = Linear.apply(GatedActivation.apply(gate, up, kind), w.wDown());
            if (config.sandwichNorms()) m = norm(m, w.postFeedforwardNorm());
            x = Add.apply(x, m);
        }
        Tensor logits = Linear.apply(norm(x, weights.finalNorm()), weights.lmHead());      // [N, V]
        if (config.finalSoftcap() > 0) logits = SoftCapping.apply(logits, config.finalSoftcap());
        return logits;
    }

    private Tensor norm(Tensor x, Tensor weight) {
        return RmsNorm.apply(x, weight, config.rmsNormEps(), config.normAddsOne());
    }

    private Tensor attention(Tensor h, LayerWeights w, int layer, int[] positions, int[] offsets) {
        Tensor q = Linear.apply(h, w.wq(), w.bq());                                     // [N, heads·d]
        Tensor k = Linear.apply(h, w.wk(), w.bk());                                     // [N, kvHeads·d]
        Tensor v = Linear.apply(h, w.wv(), w.bv());
        q = Rotary.apply(q, config.heads(), config.headDim(), positions, invFreq);
        k = Rotary.apply(k, config.kvHeads(), config.headDim(), positions, invFreq);
        var spec = new CausalSelfAttention.Spec(config.heads(), config.kvHeads(), config.headDim(),
                config.attentionScale(), config.attentionSoftcap(), config.slidingWindow()[layer]);
        int count = offsets.length - 1;
        Tensor o;
        if (count == 1) {
            o = CausalSelfAttention.apply(q, k, v, spec);
        } else {
            Tensor[] parts = new Tensor[count];
            for (int s = 0; s < count; s++) {
                int from = offsets[s], to = offsets[s + 1];
                parts[s] = CausalSelfAttention.apply(Rows.slice(q, from, to), Rows.slice(k, from, to),
                        Rows.slice(v, from, to), spec);                                 // [len, heads·d]
            }
            o = Rows.concat(parts);
        }
        return Linear.apply(o, w.wo());                                                 // [N, H]
    }
}
