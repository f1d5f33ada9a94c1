// Causal grouped-query scaled-dot-product attention.
//   t = queries, s = keys/values in use (≤ the arrays' row capacity, e.g. a KV cache's filled rows),
//   heads = query heads, kvHeads = key/value heads (heads % kvHeads == 0), headDim = features per head,
//   group = heads/kvHeads query heads sharing one kv head.
//   q, out, dq, dOut [t, heads*headDim]; k, v, dk, dv [s, kvHeads*headDim]; probs [heads, t, s];
//   L = float lanes of FloatVector.SPECIES_PREFERRED; sp = s rounded up to L;
//   kT, vT [kvHeads, headDim, sp]: k and v transposed per kv head (zero-padded keys);
//   QB = queries handled together by one register tile.
// Vector forms: AttentionVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

import java.util.Arrays;

/**
 * Query i sits at absolute position p = posOffset + i, key j at position j; key j is visible iff
 * j ≤ p and (window ≤ 0 or p − j < window). Head h reads kv head h / group.
 * score_ij = (q_i·k_j)·scale, then softcap·tanh(score/softcap) when softcap > 0 (Gemma 2);
 * P = softmax over visible keys; out_i = Σ_j P_ij v_j.
 * <p>Forward and backward work on QB = 8 queries of one head at a time, so every loaded key or
 * value vector feeds 8 FMAs: scores come from the transposed keys (2L keys × 8 queries accumulated
 * per step, no horizontal sums), weighted row sums (P·V, dS·K) from 8 rows of weights × 2L
 * features: 16 accumulators, 2 vector loads and 8 broadcasts per 16 FMAs (4 rows left the loads,
 * 6 per 8 FMAs, as the limit: KernelsBenchmark.attention, benchmarks/README.md); the backward's
 * key rows (dSᵀ·Q, Pᵀ·dOut) take rank-8 updates from the block's 8 query rows held in registers.
 * The forward's threads split (head, query block) pairs. The backward's split (kv head, part)
 * pairs, a part being a range of the kv head's (query head, query block) items: each keeps its
 * block of P and dS in a small buffer from computing to use, and its own dk and dv partial sums
 * (no two tasks write the same row; the partials are added in a fixed order, so the result does
 * not depend on which thread took which task).
 */
public final class Attention {
    /** Multiply-adds per parallel task, roughly. */
    static final int GRAIN = 1 << 16;
    /** Queries per register tile. */
    static final int QB = 8;

    private Attention() {
    }

    /**
     * What attention computes, fixed per layer: heads query heads reading kvHeads key/value heads of
     * headDim features, scores times scale, capped by softcap (0 = none), keys within window
     * (0 = all) of the query. Throws IllegalArgumentException unless kvHeads &gt; 0 divides heads and
     * scale is positive and finite.
     */
    public record Spec(int heads, int kvHeads, int headDim, float scale, float softcap, int window) {
        public Spec {
            if (kvHeads <= 0 || heads % kvHeads != 0) {
                throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " kv heads");
            }
            // the vector softmax takes its max before scaling: the same as after only for scale > 0
            if (!(scale > 0f) || Float.isInfinite(scale)) {
                throw new IllegalArgumentException("attention scale must be positive and finite, got " + scale);
            }
        }
    }

    /**
     * Which rows one call covers: t queries at absolute positions posOffset … posOffset + t − 1,
     * attending to the first s rows of the key/value arrays.
     */
    public record Extent(int t, int s, int posOffset) {
    }

    /** First visible key of the query at absolute position p. */
    static int firstKey(int p, int window) {
        return window > 0 ? Math.max(0, p - window + 1) : 0;
    }

    /** One past the last visible key of the query at absolute position p. */
    static int endKey(int p, int s) {
        return Math.min(p + 1, s);
    }

    /** probs [heads,t,s] receives P (zeros where masked) when non-null; out may be null when only P is wanted. */
    public static void causalAttention(float[] out, float[] probs, float[] q, float[] k, float[] v, Extent extent,
                                       Spec spec) {
        if (VectorApi.ENABLED) AttentionVector.causalAttention(out, probs, q, k, v, extent, spec);
        else causalAttentionScalar(out, probs, q, k, v, extent, spec);
    }

    /** Fills the visible key range [lo[r], hi[r]) of queries i0..i0+nq-1 (lo = hi when none); returns min lo. */
    static int visibleRanges(int[] lo, int[] hi, int i0, int nq, int posOffset, int window, int s) {
        int jlo = Integer.MAX_VALUE;
        for (int r = 0; r < nq; r++) {
            int pos = posOffset + i0 + r;
            hi[r] = endKey(pos, s);
            lo[r] = Math.min(firstKey(pos, window), hi[r]);
            if (hi[r] > lo[r]) jlo = Math.min(jlo, lo[r]);
        }
        return jlo == Integer.MAX_VALUE ? 0 : jlo;
    }

    /** Zeroes row entries in [jlo, jhi) outside the row's own range [lo, hi). */
    static void clearOutside(float[] a, int o, int jlo, int jhi, int lo, int hi) {
        if (hi <= lo) {
            Arrays.fill(a, o + jlo, o + Math.max(jlo, jhi), 0f);
            return;
        }
        Arrays.fill(a, o + jlo, o + lo, 0f);
        Arrays.fill(a, o + hi, o + Math.max(hi, jhi), 0f);
    }

    /**
     * Whether to score through transposed keys: transposing costs s·headDim per kv head, which only
     * pays off when several queries (t × group of them) read each kv head, not when decoding.
     */
    static boolean transposed(int t, int group) {
        return t * group >= 2 * QB;
    }

    /** [kvHeads, headDim, sp]: row j of head g of x [s, kvHeads·headDim] becomes column j; keys ≥ s are 0. */
    static float[] transposeHeads(float[] x, int s, int kvHeads, int headDim, int sp) {
        float[] xT = new float[kvHeads * headDim * sp];
        int stride = kvHeads * headDim;
        Parallel.forRange(kvHeads * headDim, Math.max(1, 16384 / Math.max(1, s)), (from, to) -> {
            for (int gd = from; gd < to; gd++) {
                int o = gd * sp;
                for (int j = 0; j < s; j++) xT[o + j] = x[j * stride + gd];
            }
        });
        return xT;
    }

    public static void causalAttentionScalar(float[] out, float[] probs, float[] q, float[] k, float[] v,
                                             Extent extent, Spec spec) {
        int t = extent.t(), s = extent.s(), posOffset = extent.posOffset();
        int heads = spec.heads(), kvHeads = spec.kvHeads(), headDim = spec.headDim(), window = spec.window();
        float scale = spec.scale(), softcap = spec.softcap();
        int group = heads / kvHeads;
        int qStride = heads * headDim, kvStride = kvHeads * headDim;
        float[] p = new float[Math.max(1, s)];
        for (int h = 0; h < heads; h++) {
            int kvo = (h / group) * headDim;
            for (int i = 0; i < t; i++) {
                int pos = posOffset + i;
                int lo = firstKey(pos, window), hi = endKey(pos, s);
                int qo = i * qStride + h * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = lo; j < hi; j++) {
                    float sc = 0f;
                    int ko = j * kvStride + kvo;
                    for (int d = 0; d < headDim; d++) sc += q[qo + d] * k[ko + d];
                    sc *= scale;
                    if (softcap > 0f) sc = softcap * (float) Math.tanh(sc / softcap);
                    p[j] = sc;
                    max = Math.max(max, sc);
                }
                float sum = 0f;
                for (int j = lo; j < hi; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                float inv = hi > lo ? 1f / sum : 0f;
                for (int j = lo; j < hi; j++) p[j] *= inv;
                if (out != null) {
                    for (int d = 0; d < headDim; d++) out[qo + d] = 0f;
                    for (int j = lo; j < hi; j++) {
                        int vo = j * kvStride + kvo;
                        for (int d = 0; d < headDim; d++) out[qo + d] += p[j] * v[vo + d];
                    }
                }
                if (probs != null) {
                    int po = (h * t + i) * s;
                    for (int j = 0; j < s; j++) probs[po + j] = (j >= lo && j < hi) ? p[j] : 0f;
                }
            }
        }
    }

    /**
     * Accumulates dq, dk, dv. With dP_ij = dOut_i·v_j: dv_j += Σ_i P_ij dOut_i;
     * dS_ij = P_ij(dP_ij − Σ_j' P_ij' dP_ij'); through the cap, d raw = dS·(1 − tanh²(raw·scale/softcap));
     * dq_i += scale·Σ_j draw_ij k_j, dk_j += scale·Σ_i draw_ij q_i. probs is the forward's P, or null
     * to recompute it block by block (FlashAttention-2's backward, Dao 2023, Algorithm 2: the vector
     * form keeps no [heads, t, s] array; the scalar twin recomputes all of P first).
     */
    public static void causalAttentionBackward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                               float[] q, float[] k, float[] v, Extent extent, Spec spec) {
        if (VectorApi.ENABLED) AttentionVector.causalAttentionBackward(dq, dk, dv, dOut, probs, q, k, v, extent, spec);
        else causalAttentionBackwardScalar(dq, dk, dv, dOut, probs, q, k, v, extent, spec);
    }

    /**
     * Parts each kv head's work is split into for the backward, whose tasks are (kv head, part)
     * pairs over {@code items} (query head of the group, query block) items per kv head: every
     * extra part costs a [s, headDim] partial of dk and of dv to zero and add, so the fewest parts
     * whose tasks the threads finish together ({@link Parallel#makespan}): 3 kv heads on 2 threads
     * take 2 parts (6 tasks, 3 each) rather than 1 (one thread doing 2 of 3).
     */
    static int backwardParts(int kvHeads, int items) {
        int best = 1;
        double bestEnd = Double.MAX_VALUE;
        for (int parts = 1; parts <= Math.min(items, 8); parts++) {
            // tasks of 1/parts of a kv head's work each: the last thread ends after makespan/parts kv heads
            double end = (double) Parallel.makespan(kvHeads * parts, 1, i -> 1) / parts;
            if (end < bestEnd * 0.999) {
                best = parts;
                bestEnd = end;
            }
        }
        return best;
    }

    /**
     * The first item of each of {@code parts} parts of one kv head's {@code group × blocks} items
     * (item = head in the group · blocks + query block), and the item count at the end: each part
     * ends at the item boundary nearest to its share of the visible keys (causal blocks grow with
     * their position; with one block, the group's heads are what splits).
     */
    static int[] balancedItems(int group, int blocks, int parts, Extent extent, int window) {
        long[] blockKeys = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            for (int i = b * QB; i < Math.min(extent.t(), (b + 1) * QB); i++) {
                int p = extent.posOffset() + i;
                blockKeys[b] += Math.max(0, endKey(p, extent.s()) - firstKey(p, window));
            }
            blockKeys[b]++; // an empty block still costs its visit
        }
        int items = group * blocks;
        long[] cum = new long[items + 1];
        for (int it = 0; it < items; it++) cum[it + 1] = cum[it] + blockKeys[it % blocks];
        int[] first = new int[parts + 1];
        for (int part = 1, it = 0; part < parts; part++) {
            double target = (double) cum[items] * part / parts;
            while (it < items && cum[it + 1] <= target) it++;
            // it is the last boundary at or below the target; the next one may be nearer
            if (it < items && cum[it + 1] - target < target - cum[it]) it++;
            first[part] = Math.max(it, first[part - 1]);
        }
        first[parts] = items;
        return first;
    }

    /** One past the last key visible to any of the first n queries (jlo when none sees any). */
    static int visibleEnd(int[] lo, int[] hi, int n, int jlo) {
        int jhi = jlo;
        for (int r = 0; r < n; r++) if (hi[r] > lo[r]) jhi = Math.max(jhi, hi[r]);
        return jhi;
    }

    /** The scalar twin: row by row, P recomputed into one [heads, t, s] array when null. */
    public static void causalAttentionBackwardScalar(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                                     float[] q, float[] k, float[] v, Extent extent, Spec spec) {
        int t = extent.t(), s = extent.s(), posOffset = extent.posOffset();
        int heads = spec.heads(), kvHeads = spec.kvHeads(), headDim = spec.headDim(), window = spec.window();
        float scale = spec.scale(), softcap = spec.softcap();
        if (probs == null) {
            probs = new float[heads * t * s];
            causalAttentionScalar(null, probs, q, k, v, extent, spec);
        }
        int group = heads / kvHeads;
        int qStride = heads * headDim, kvStride = kvHeads * headDim;
        float[] dp = new float[Math.max(1, s)];
        for (int h = 0; h < heads; h++) {
            int kvo = (h / group) * headDim;
            for (int i = 0; i < t; i++) {
                int pos = posOffset + i;
                int lo = firstKey(pos, window), hi = endKey(pos, s);
                int qo = i * qStride + h * headDim;
                int po = (h * t + i) * s;
                float dot = 0f;
                for (int j = lo; j < hi; j++) {
                    int vo = j * kvStride + kvo;
                    float g = 0f;
                    for (int d = 0; d < headDim; d++) g += dOut[qo + d] * v[vo + d];
                    dp[j] = g;
                    float pj = probs[po + j];
                    dot += pj * g;
                    for (int d = 0; d < headDim; d++) dv[vo + d] += pj * dOut[qo + d];
                }
                for (int j = lo; j < hi; j++) {
                    int ko = j * kvStride + kvo;
                    float ds = probs[po + j] * (dp[j] - dot);
                    if (softcap > 0f) {
                        float raw = 0f;
                        for (int d = 0; d < headDim; d++) raw += q[qo + d] * k[ko + d];
                        float th = (float) Math.tanh(raw * scale / softcap);
                        ds *= 1f - th * th;
                    }
                    ds *= scale;
                    for (int d = 0; d < headDim; d++) {
                        dq[qo + d] += ds * k[ko + d];
                        dk[ko + d] += ds * q[qo + d];
                    }
                }
            }
        }
    }
}
