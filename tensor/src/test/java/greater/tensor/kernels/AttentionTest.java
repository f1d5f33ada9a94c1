package greater.tensor.kernels;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {

    /**
     * Configuration: t, s, heads, kvHeads, headDim, posOffset, softcap, window. Configurations with
     * t·heads/kvHeads < 8 take the kernels' direct-dot path, the others the transposed-key path.
     */
    record Cfg(int t, int s, int heads, int kvHeads, int headDim, int posOffset, float softcap, int window) {
        Attention.Extent extent() {
            return new Attention.Extent(t, s, posOffset);
        }

        Attention.Spec spec() {
            return new Attention.Spec(heads, kvHeads, headDim, (float) (1 / Math.sqrt(headDim)), softcap, window);
        }
    }

    static final Cfg[] CONFIGS = {
            new Cfg(1, 1, 1, 1, 1, 0, 0, 0),
            new Cfg(5, 5, 2, 2, 3, 0, 0, 0),                // plain causal
            new Cfg(7, 7, 4, 2, 17, 0, 0, 0),               // GQA
            new Cfg(6, 6, 3, 1, 16, 0, 0, 3),               // MQA + sliding window
            new Cfg(3, 11, 4, 2, 8, 8, 0, 0),               // KV cache: queries at positions 8..10
            new Cfg(2, 9, 2, 1, 5, 5, 0, 4),                // cache + window: first keys masked
            new Cfg(8, 8, 2, 1, 67, 0, 2.5f, 0),            // softcap
            new Cfg(4, 13, 8, 4, 131, 9, 3f, 5),            // everything at once
            new Cfg(1, 40, 4, 4, 64, 39, 0, 0),             // single-token decoding
            new Cfg(33, 33, 4, 2, 64, 0, 50f, 16),          // bigger, threaded
            new Cfg(3, 4, 2, 2, 16, 4, 0, 2),               // queries past the filled keys: the last sees none
            new Cfg(3, 9, 2, 2, 20, 6, 4f, 0),              // few queries per kv head (no key transpose) + softcap
            new Cfg(60, 60, 4, 2, 32, 0, 0, 0),             // s rounds up to a multiple of 4L: padded key rows
            new Cfg(40, 40, 3, 1, 48, 0, 0, 0),             // MQA over several query blocks: parts with partial dk, dv
            new Cfg(50, 50, 6, 3, 67, 0, 0, 6),             // 3 kv heads in parts, window, features 2L + L + 3
            new Cfg(6, 70, 8, 1, 20, 64, 0, 0),             // one block after a cached prefix: the heads split in parts
    };

    /** Double-precision attention straight from the definition, masking with −∞. */
    static float[][] reference(Cfg c, float[] q, float[] k, float[] v) {
        int group = c.heads / c.kvHeads, hd = c.headDim;
        float[] out = new float[c.t * c.heads * hd];
        float[] probs = new float[c.heads * c.t * c.s];
        for (int h = 0; h < c.heads; h++) {
            int g = h / group;
            for (int i = 0; i < c.t; i++) {
                int p = c.posOffset + i;
                double[] sc = new double[c.s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < c.s; j++) {
                    boolean visible = j <= p && (c.window <= 0 || p - j < c.window);
                    if (!visible) {
                        sc[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double d = 0;
                    for (int x = 0; x < hd; x++) d += (double) q[(i * c.heads + h) * hd + x] * k[(j * c.kvHeads + g) * hd + x];
                    d *= c.spec().scale();
                    if (c.softcap > 0) d = c.softcap * Math.tanh(d / c.softcap);
                    sc[j] = d;
                    max = Math.max(max, d);
                }
                if (max == Double.NEGATIVE_INFINITY) continue; // nothing visible: output and probs stay 0
                double sum = 0;
                for (int j = 0; j < c.s; j++) sum += sc[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(sc[j] - max);
                for (int j = 0; j < c.s; j++) {
                    double pj = sc[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(sc[j] - max) / sum;
                    probs[(h * c.t + i) * c.s + j] = (float) pj;
                    for (int x = 0; x < hd; x++) out[(i * c.heads + h) * hd + x] += (float) (pj * v[(j * c.kvHeads + g) * hd + x]);
                }
            }
        }
        return new float[][]{out, probs};
    }

    @Test
    void handComputed() {
        // One head, headDim 1, two keys, scale 1: query 1 sees both keys with scores 0 and ln 3.
        float l3 = (float) Math.log(3);
        float[] q = {5, 1}, k = {0, l3}, v = {10, 20};
        float[] out = new float[2], probs = new float[4];
        var extent = new Attention.Extent(2, 2, 0);
        Attention.causalAttention(out, probs, q, k, v, extent, new Attention.Spec(1, 1, 1, 1f, 0f, 0));
        assertArrayEquals(new float[]{1, 0, 0.25f, 0.75f}, probs, 1e-6f);
        assertArrayEquals(new float[]{10, 17.5f}, out, 1e-5f);
        // Window 1: each query sees only its own key.
        Attention.causalAttention(out, probs, q, k, v, extent, new Attention.Spec(1, 1, 1, 1f, 0f, 1));
        assertArrayEquals(new float[]{1, 0, 0, 1}, probs, 0f);
        assertArrayEquals(new float[]{10, 20}, out, 0f);
        // the vector softmax takes the max before scaling, which needs scale > 0
        for (float bad : new float[]{0f, -0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new Attention.Spec(1, 1, 1, bad, 0f, 0), "scale " + bad);
        }
    }

    @Test
    void forwardMatchesReferenceAndScalar() {
        Random rnd = new Random(71);
        for (Cfg c : CONFIGS) {
            int capacity = c.s + 3; // arrays larger than s, as a KV cache passes them
            float[] q = random(rnd, c.t * c.heads * c.headDim, 2f);
            float[] k = random(rnd, capacity * c.kvHeads * c.headDim, 2f);
            float[] v = random(rnd, capacity * c.kvHeads * c.headDim);
            float[][] ref = reference(c, q, k, v);
            float[] out = new float[ref[0].length], probs = new float[ref[1].length];
            java.util.Arrays.fill(probs, Float.NaN);
            Attention.causalAttention(out, probs, q, k, v, c.extent(), c.spec());
            assertClose(ref[0], out, 1e-5, 2e-6, "out " + c);
            assertClose(ref[1], probs, 1e-5, 1e-7, "probs " + c);
            for (int i = 0; i < probs.length; i++) {
                if (ref[1][i] == 0f) assertEquals(0f, probs[i], "masked prob " + i + " " + c);
            }
            float[] out2 = new float[out.length], probs2 = new float[probs.length];
            Attention.causalAttentionScalar(out2, probs2, q, k, v, c.extent(), c.spec());
            assertClose(out2, out, 1e-5, 2e-6, "scalar out " + c);
            assertClose(probs2, probs, 1e-5, 1e-7, "scalar probs " + c);
            float[] out3 = new float[out.length]; // inference: no probs
            Attention.causalAttention(out3, null, q, k, v, c.extent(), c.spec());
            assertClose(out, out3, 1e-5, 2e-6, "no probs " + c);
        }
    }

    @Test
    void backwardPartsBalanceTheThreadsAndTheCausalBlocks() {
        for (int kvHeads = 1; kvHeads <= 9; kvHeads++) {
            int parts = Attention.backwardParts(kvHeads, 32);
            assertTrue(parts >= 1 && parts <= 8, kvHeads + " kv heads: " + parts + " parts");
            if (Parallel.THREADS == 1) assertEquals(1, parts, "one thread needs no parts");
            if (kvHeads % Parallel.THREADS == 0) assertEquals(1, parts, kvHeads + " kv heads divide among the threads");
        }
        if (Parallel.THREADS == 2) assertEquals(2, Attention.backwardParts(3, 32), "3 kv heads on 2 threads: 6 tasks");
        assertEquals(1, Attention.backwardParts(1, 1), "one item cannot be split");
        // 32 causal blocks of one head in 2 parts: block b has 64b + 37 keys (with its visit), so
        // the halves of 32928 meet between blocks 22 and 23, nearer 23 (17043 against 15598)
        Attention.Extent causal = new Attention.Extent(256, 256, 0);
        assertArrayEquals(new int[]{0, 23, 32}, Attention.balancedItems(1, 32, 2, causal, 0));
        // a window of 16: blocks 0 and 1 see 36 and 100 keys, the others 128 each; quarters of 4008
        // end at the nearest boundaries 1041, 1944 and 2976
        assertArrayEquals(new int[]{0, 9, 16, 24, 32}, Attention.balancedItems(1, 32, 4, causal, 16));
        // one block of 8 queries over a long cache (a gradient after a cached prefix): the group's
        // 8 heads are what splits, 4 and 4; two blocks: the cut falls between the heads, not after both blocks
        Attention.Extent cached = new Attention.Extent(8, 1024, 1016);
        assertArrayEquals(new int[]{0, 4, 8}, Attention.balancedItems(8, 1, 2, cached, 0));
        assertArrayEquals(new int[]{0, 8, 16}, Attention.balancedItems(8, 2, 2, new Attention.Extent(16, 1024, 1008), 0));
        assertArrayEquals(new int[]{0, 1, 2}, Attention.balancedItems(1, 2, 2, new Attention.Extent(16, 1024, 1008), 0));
        // more parts than items: empty parts, still in order
        int[] first = Attention.balancedItems(1, 2, 4, new Attention.Extent(10, 10, 0), 0);
        assertEquals(0, first[0]);
        assertEquals(2, first[4]);
        for (int i = 1; i < first.length; i++) assertTrue(first[i] >= first[i - 1], java.util.Arrays.toString(first));
    }

    @Test
    void backwardMatchesScalarAndFiniteDifferences() {
        Random rnd = new Random(72);
        for (Cfg c : CONFIGS) {
            int nq = c.t * c.heads * c.headDim, nkv = c.s * c.kvHeads * c.headDim;
            float[] q = random(rnd, nq, 2f), k = random(rnd, nkv, 2f), v = random(rnd, nkv);
            float[] w = random(rnd, nq); // loss = Σ w·out, so dOut = w
            float[] out = new float[nq], probs = new float[c.heads * c.t * c.s];
            Attention.causalAttention(out, probs, q, k, v, c.extent(), c.spec());
            float[] dq0 = random(rnd, nq), dk0 = random(rnd, nkv), dv0 = random(rnd, nkv);
            float[] dq = dq0.clone(), dk = dk0.clone(), dv = dv0.clone();
            Attention.causalAttentionBackward(dq, dk, dv, w, probs, q, k, v, c.extent(), c.spec());
            float[] sq = dq0.clone(), sk = dk0.clone(), sv = dv0.clone();
            Attention.causalAttentionBackwardScalar(sq, sk, sv, w, probs, q, k, v, c.extent(), c.spec());
            assertClose(sq, dq, 1e-5, 2e-6, "dq vs scalar " + c);
            assertClose(sk, dk, 1e-5, 2e-6, "dk vs scalar " + c);
            assertClose(sv, dv, 1e-5, 2e-6, "dv vs scalar " + c);
            float[] nq0 = dq0.clone(), nk0 = dk0.clone(), nv0 = dv0.clone(); // without saved probs
            Attention.causalAttentionBackward(nq0, nk0, nv0, w, null, q, k, v, c.extent(), c.spec());
            assertClose(dq, nq0, 1e-5, 2e-6, "dq recomputing probs " + c);
            assertClose(dk, nk0, 1e-5, 2e-6, "dk recomputing probs " + c);
            assertClose(dv, nv0, 1e-5, 2e-6, "dv recomputing probs " + c);
            // the same inputs again give the same bits (each kv head's parts are summed in a fixed order)
            float[] rq = dq0.clone(), rk = dk0.clone(), rv = dv0.clone();
            Attention.causalAttentionBackward(rq, rk, rv, w, null, q, k, v, c.extent(), c.spec());
            assertArrayEquals(nq0, rq, "dq again " + c);
            assertArrayEquals(nk0, rk, "dk again " + c);
            assertArrayEquals(nv0, rv, "dv again " + c);
            float[] sq2 = dq0.clone(), sk2 = dk0.clone(), sv2 = dv0.clone();
            Attention.causalAttentionBackwardScalar(sq2, sk2, sv2, w, null, q, k, v, c.extent(), c.spec());
            assertClose(sq, sq2, 1e-5, 2e-6, "scalar dq recomputing probs " + c);
            assertClose(sk, sk2, 1e-5, 2e-6, "scalar dk recomputing probs " + c);
            assertClose(sv, sv2, 1e-5, 2e-6, "scalar dv recomputing probs " + c);
            if (nq * nkv > 40_000) continue; // finite differences on the small configurations only
            for (int i = 0; i < nq; i++) dq[i] -= dq0[i];
            for (int i = 0; i < nkv; i++) {
                dk[i] -= dk0[i];
                dv[i] -= dv0[i];
            }
            float[] o = new float[nq];
            float[] numQ = numericGradient(q, 1e-2f, x -> {
                Attention.causalAttention(o, null, x, k, v, c.extent(), c.spec());
                return project(o, w);
            });
            float[] numK = numericGradient(k, 1e-2f, x -> {
                Attention.causalAttention(o, null, q, x, v, c.extent(), c.spec());
                return project(o, w);
            });
            float[] numV = numericGradient(v, 1e-2f, x -> {
                Attention.causalAttention(o, null, q, k, x, c.extent(), c.spec());
                return project(o, w);
            });
            assertGradient(numQ, dq, 3e-3, "dq " + c);
            assertGradient(numK, dk, 3e-3, "dk " + c);
            assertGradient(numV, dv, 3e-3, "dv " + c);
        }
    }
}
