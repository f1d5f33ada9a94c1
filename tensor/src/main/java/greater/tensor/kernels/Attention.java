// Causal grouped-query scaled-dot-product attention.
//   t = queries, s = keys/values in use (≤ the arrays' row capacity, e.g. a KV cache's filled rows),
//   heads = query heads, kvHeads = key/value heads (heads % kvHeads == 0), headDim = features per head,
//   group = heads/kvHeads query heads sharing one kv head.
//   q, out, dq, dOut [t, heads*headDim]; k, v, dk, dv [s, kvHeads*headDim]; probs [heads, t, s];
//   L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Query i sits at absolute position p = posOffset + i, key j at position j; key j is visible iff
 * j ≤ p and (window ≤ 0 or p − j < window). Head h reads kv head h / group.
 * score_ij = (q_i·k_j)·scale, then softcap·tanh(score/softcap) when softcap > 0 (Gemma 2);
 * P = softmax over visible keys; out_i = Σ_j P_ij v_j.
 * <p>The forward splits (head, query) pairs over threads, with dot products and P·V vectorised
 * along headDim. The backward runs in two conflict-free passes: per (head, query) it forms
 * dS and dq; per (kv head, key) it gathers dk and dv from every query head of the group.
 */
public final class Attention {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Multiply-adds per parallel task, roughly. */
    static final int GRAIN = 1 << 15;

    private Attention() {
    }

    /** First visible key of the query at absolute position p. */
    static int firstKey(int p, int window) {
        return window > 0 ? Math.max(0, p - window + 1) : 0;
    }

    /** One past the last visible key of the query at absolute position p. */
    static int endKey(int p, int s) {
        return Math.min(p + 1, s);
    }

    /** probs [heads,t,s] receives P (zeros where masked) when non-null. */
    public static void causalAttention(float[] out, float[] probs, float[] q, float[] k, float[] v, int t, int s,
                                       int heads, int kvHeads, int headDim, int posOffset, float scale,
                                       float softcap, int window) {
        checkHeads(heads, kvHeads);
        int group = heads / kvHeads;
        int qStride = heads * headDim, kvStride = kvHeads * headDim;
        int grain = Math.max(1, GRAIN / Math.max(1, Math.min(s, window > 0 ? window : s) * headDim * 2));
        Parallel.forRange(heads * t, grain, (from, to) -> {
            float[] p = new float[Math.max(1, s)];
            for (int item = from; item < to; item++) {
                int h = item / t, i = item % t;
                int kvo = (h / group) * headDim;
                int pos = posOffset + i;
                int hi = endKey(pos, s), lo = Math.min(firstKey(pos, window), hi); // lo = hi: nothing visible
                int qo = i * qStride + h * headDim;
                scoresAndSoftmax(p, q, qo, k, kvo, kvStride, headDim, lo, hi, scale, softcap);
                java.util.Arrays.fill(out, qo, qo + headDim, 0f);
                for (int j = lo; j < hi; j++) axpy(out, qo, p[j], v, j * kvStride + kvo, headDim);
                if (probs != null) {
                    int po = (h * t + i) * s;
                    java.util.Arrays.fill(probs, po, po + lo, 0f);
                    System.arraycopy(p, lo, probs, po + lo, hi - lo);
                    java.util.Arrays.fill(probs, po + hi, po + s, 0f);
                }
            }
        });
    }

    /** p[lo..hi) = softmax of the (capped) scores of query q[qo..] against keys lo..hi-1. */
    private static void scoresAndSoftmax(float[] p, float[] q, int qo, float[] k, int kvo, int kvStride, int headDim,
                                         int lo, int hi, float scale, float softcap) {
        if (hi <= lo) return;
        for (int j = lo; j < hi; j++) p[j] = Elementwise.dot(q, qo, k, j * kvStride + kvo, headDim) * scale;
        if (softcap > 0f) {
            float inv = 1f / softcap;
            int j = lo;
            for (int bound = lo + F.loopBound(hi - lo); j < bound; j += L) {
                FloatVector.fromArray(F, p, j).mul(inv).lanewise(VectorOperators.TANH).mul(softcap).intoArray(p, j);
            }
            for (; j < hi; j++) p[j] = softcap * (float) Math.tanh(p[j] * inv);
        }
        float max = Softmax.max(p, lo, hi - lo);
        float sum = Softmax.expShifted(p, p, lo, hi - lo, max);
        Softmax.scaleRow(p, lo, hi - lo, 1f / sum);
    }

    public static void causalAttentionScalar(float[] out, float[] probs, float[] q, float[] k, float[] v, int t,
                                             int s, int heads, int kvHeads, int headDim, int posOffset, float scale,
                                             float softcap, int window) {
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
                for (int d = 0; d < headDim; d++) out[qo + d] = 0f;
                for (int j = lo; j < hi; j++) {
                    float pj = p[j] * inv;
                    p[j] = pj;
                    int vo = j * kvStride + kvo;
                    for (int d = 0; d < headDim; d++) out[qo + d] += pj * v[vo + d];
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
     * dq_i += scale·Σ_j draw_ij k_j, dk_j += scale·Σ_i draw_ij q_i. probs is the forward's P
     * (recomputed when null).
     */
    public static void causalAttentionBackward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                               float[] q, float[] k, float[] v, int t, int s, int heads, int kvHeads,
                                               int headDim, int posOffset, float scale, float softcap, int window) {
        checkHeads(heads, kvHeads);
        float[] P = probs != null ? probs : recomputeProbs(q, k, v, t, s, heads, kvHeads, headDim, posOffset, scale,
                softcap, window);
        int group = heads / kvHeads;
        int qStride = heads * headDim, kvStride = kvHeads * headDim;
        int span = Math.min(s, window > 0 ? window : s);
        // Pass 1, per (head, query): dS (scaled, through the cap) into ds, and dq.
        float[] ds = new float[heads * t * s];
        Parallel.forRange(heads * t, Math.max(1, GRAIN / Math.max(1, span * headDim * 3)), (from, to) -> {
            for (int item = from; item < to; item++) {
                int h = item / t, i = item % t;
                int kvo = (h / group) * headDim;
                int pos = posOffset + i;
                int lo = firstKey(pos, window), hi = endKey(pos, s);
                int qo = i * qStride + h * headDim;
                int po = (h * t + i) * s;
                float dot = 0f;
                for (int j = lo; j < hi; j++) {
                    float g = Elementwise.dot(dOut, qo, v, j * kvStride + kvo, headDim);
                    ds[po + j] = g;
                    dot += P[po + j] * g;
                }
                for (int j = lo; j < hi; j++) {
                    int ko = j * kvStride + kvo;
                    float d = P[po + j] * (ds[po + j] - dot);
                    if (softcap > 0f) {
                        float th = (float) Math.tanh(Elementwise.dot(q, qo, k, ko, headDim) * scale / softcap);
                        d *= 1f - th * th;
                    }
                    d *= scale;
                    ds[po + j] = d;
                    axpy(dq, qo, d, k, ko, headDim);
                }
            }
        });
        // Pass 2, per (kv head, key): dk_j += Σ dS_ij q_i and dv_j += Σ P_ij dOut_i over the group's heads.
        Parallel.forRange(kvHeads * s, Math.max(1, GRAIN / Math.max(1, group * t * headDim * 2)), (from, to) -> {
            for (int item = from; item < to; item++) {
                int g = item / s, j = item % s;
                int ko = j * kvStride + g * headDim;
                // queries that see key j: j ≤ posOffset + i and posOffset + i − j < window
                int i0 = Math.max(0, j - posOffset);
                int i1 = window > 0 ? Math.min(t, j - posOffset + window) : t;
                for (int h = g * group; h < (g + 1) * group; h++) {
                    for (int i = i0; i < i1; i++) {
                        int po = (h * t + i) * s + j;
                        int qo = i * qStride + h * headDim;
                        axpy(dk, ko, ds[po], q, qo, headDim);
                        axpy(dv, ko, P[po], dOut, qo, headDim);
                    }
                }
            }
        });
    }

    public static void causalAttentionBackwardScalar(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                                     float[] q, float[] k, float[] v, int t, int s, int heads,
                                                     int kvHeads, int headDim, int posOffset, float scale,
                                                     float softcap, int window) {
        if (probs == null) {
            probs = new float[heads * t * s];
            causalAttentionScalar(new float[t * heads * headDim], probs, q, k, v, t, s, heads, kvHeads, headDim,
                    posOffset, scale, softcap, window);
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

    private static float[] recomputeProbs(float[] q, float[] k, float[] v, int t, int s, int heads, int kvHeads,
                                          int headDim, int posOffset, float scale, float softcap, int window) {
        float[] p = new float[heads * t * s];
        causalAttention(new float[t * heads * headDim], p, q, k, v, t, s, heads, kvHeads, headDim, posOffset, scale,
                softcap, window);
        return p;
    }

    /** y[yo..yo+n) += a·x[xo..xo+n). */
    static void axpy(float[] y, int yo, float a, float[] x, int xo, int n) {
        if (a == 0f) return;
        int c = 0;
        if (n >= L) {
            FloatVector av = FloatVector.broadcast(F, a);
            for (int bound = F.loopBound(n); c < bound; c += L) {
                FloatVector.fromArray(F, x, xo + c).fma(av, FloatVector.fromArray(F, y, yo + c)).intoArray(y, yo + c);
            }
        }
        for (; c < n; c++) y[yo + c] += a * x[xo + c];
    }

    private static void checkHeads(int heads, int kvHeads) {
        if (kvHeads <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " query heads cannot share " + kvHeads + " kv heads");
        }
    }
}
