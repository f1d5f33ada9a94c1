// Causal grouped-query scaled-dot-product attention.
//   t = queries, s = keys/values in use (≤ the arrays' row capacity, e.g. a KV cache's filled rows),
//   heads = query heads, kvHeads = key/value heads (heads % kvHeads == 0), headDim = features per head,
//   group = heads/kvHeads query heads sharing one kv head.
//   q, out, dq, dOut [t, heads*headDim]; k, v, dk, dv [s, kvHeads*headDim]; probs [heads, t, s].
package greater.tensor.kernels;

/**
 * Query i sits at absolute position p = posOffset + i, key j at position j; key j is visible iff
 * j ≤ p and (window ≤ 0 or p − j < window). Head h reads kv head h / group.
 * score_ij = (q_i·k_j)·scale, then softcap·tanh(score/softcap) when softcap > 0 (Gemma 2);
 * P = softmax over visible keys; out_i = Σ_j P_ij v_j.
 */
public final class Attention {
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
        causalAttentionScalar(out, probs, q, k, v, t, s, heads, kvHeads, headDim, posOffset, scale, softcap, window);
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
     * dS_ij = P_ij(dP_ij − Σ_j' P_ij' dP_ij'); through the cap, d raw = dS·(1 − tanh²(raw/softcap));
     * dq_i += scale·Σ_j draw_ij k_j, dk_j += scale·Σ_i draw_ij q_i. probs must be the forward's P.
     */
    public static void causalAttentionBackward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                               float[] q, float[] k, float[] v, int t, int s, int heads, int kvHeads,
                                               int headDim, int posOffset, float scale, float softcap, int window) {
        causalAttentionBackwardScalar(dq, dk, dv, dOut, probs, q, k, v, t, s, heads, kvHeads, headDim, posOffset,
                scale, softcap, window);
    }

    public static void causalAttentionBackwardScalar(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                                     float[] q, float[] k, float[] v, int t, int s, int heads,
                                                     int kvHeads, int headDim, int posOffset, float scale,
                                                     float softcap, int window) {
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
