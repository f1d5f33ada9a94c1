package greater.tensor.ops;

import greater.tensor.Tensor;
import greater.tensor.autograd.GradSlot;
import greater.tensor.autograd.Tape;
import greater.tensor.kernels.Attention;

/**
 * Causal scaled-dot-product attention with grouped-query heads over one sequence:
 * q [T, heads·d], k and v [S, kvHeads·d] with S ≥ T → [T, heads·d]. The T queries are the last T
 * positions of the S keys (S > T when earlier positions come from a cache), and query head h
 * reads kv head h / (heads / kvHeads). Options: sliding window (key j visible to query i iff i - j &lt; window),
 * and logit soft-capping {@code cap·tanh(s / cap)} (Gemma-2). Forward saves q, k and v only; backward
 * recomputes the probabilities block by block (as flash attention does) rather than keeping every
 * layer's [heads, T, S] alive from forward to backward.
 */
public final class CausalSelfAttention {
    private CausalSelfAttention() {
    }

    /** Throws IllegalArgumentException when the shapes do not match {@code spec} or S &lt; T. */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, Attention.Spec spec) {
        int t = q.shape().rows();
        int s = k.shape().rows();
        if (q.dim(-1) != spec.heads() * spec.headDim() || k.dim(-1) != spec.kvHeads() * spec.headDim()
                || !k.shape().equals(v.shape()) || s < t) {
            throw new IllegalArgumentException("CausalSelfAttention: q " + q.shape() + " k " + k.shape() + " v " + v.shape());
        }
        float[] qs = q.data(), ks = k.data(), vs = v.data();
        float[] out = Tape.output(qs.length, q, k, v);
        var extent = new Attention.Extent(t, s, s - t);
        Attention.causalAttention(out, null, qs, ks, vs, extent, spec);
        Tensor y = Tensor.of(out, q.shape().dims());
        GradSlot dq = Tape.gradOf(q), dk = Tape.gradOf(k), dv = Tape.gradOf(v);
        Tape.record(y, dy -> Attention.causalAttentionBackward(
                dq != null ? dq.buffer() : new float[qs.length],
                dk != null ? dk.buffer() : new float[ks.length],
                dv != null ? dv.buffer() : new float[vs.length],
                dy, null, qs, ks, vs, extent, spec), q, k, v);
        return y;
    }

    /**
     * Inference over a KV cache, recording nothing: the T queries attend to the first
     * {@code s} rows of {@code keys}/{@code values} (row capacity may exceed s), the queries
     * being the last T of those s positions.
     */
    public static Tensor overCache(Tensor q, float[] keys, float[] values, int s, Attention.Spec spec) {
        int t = q.shape().rows();
        float[] out = Tape.output((int) q.size(), q);
        Attention.causalAttention(out, null, q.data(), keys, values, new Attention.Extent(t, s, s - t), spec);
        return Tensor.of(out, q.shape().dims());
    }
}
