// Vector forms of Attention (loaded only when VectorApi.ENABLED); letters as in Attention.java.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/** The Vector API side of {@link Attention}: Attention.QB-query register tiles, see there. */
final class AttentionVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private AttentionVector() {
    }

    static void causalAttention(float[] out, float[] probs, float[] q, float[] k, float[] v, Attention.Extent extent,
                                Attention.Spec spec) {
        int t = extent.t(), s = extent.s(), posOffset = extent.posOffset();
        int heads = spec.heads(), kvHeads = spec.kvHeads(), headDim = spec.headDim(), window = spec.window();
        float scale = spec.scale(), softcap = spec.softcap();
        if (t <= 0) return;
        int group = heads / kvHeads, qStride = heads * headDim, kvStride = kvHeads * headDim;
        int sp = paddedKeys(Math.max(1, s));
        float[] kT = Attention.transposed(t, group) ? Attention.transposeHeads(k, s, kvHeads, headDim, sp) : null;
        int blocks = Math.ceilDiv(t, Attention.QB);
        int span = Math.max(1, Math.min(s, window > 0 ? window : s));
        // without probs the rows of P stay unnormalised and each output row is divided by its sum
        // instead: headDim multiplies per query rather than one per visible key
        boolean normalize = probs != null;
        Parallel.forRange(heads * blocks, Math.max(1, Attention.GRAIN / (Attention.QB * span * headDim * 2)), (from, to) -> {
            float[] sc = new float[Math.min(Attention.QB, t) * sp]; // one row when decoding
            float[] lanes = new float[L], inv = new float[Attention.QB];
            int[] lo = new int[Attention.QB], hi = new int[Attention.QB];
            for (int item = from; item < to; item++) {
                int h = item / blocks, i0 = (item % blocks) * Attention.QB, nq = Math.min(Attention.QB, t - i0);
                int g = h / group, kvo = g * headDim;
                int jlo = Attention.visibleRanges(lo, hi, i0, nq, posOffset, window, s);
                int jhi = Attention.visibleEnd(lo, hi, nq, jlo);
                int qo = i0 * qStride + h * headDim;
                if (jhi > jlo) {
                    if (kT != null) scores(sc, sp, q, qo, qStride, nq, kT, g * headDim * sp, headDim, jlo, jhi);
                    else scoresDirect(sc, sp, q, qo, qStride, nq, k, kvo, kvStride, headDim, lo, hi);
                    for (int r = 0; r < nq; r++) {
                        inv[r] = softmaxRow(sc, r * sp, sp, lo[r], hi[r], scale, softcap, normalize, lanes);
                        Attention.clearOutside(sc, r * sp, jlo, jhi, lo[r], hi[r]);
                    }
                }
                if (out != null) {
                    for (int r = 0; r < nq; r++) Arrays.fill(out, qo + r * qStride, qo + r * qStride + headDim, 0f);
                    weightedRows(Strided.rows(out, qo, qStride), new Strided(sc, jlo, sp, 1),
                            Strided.rows(v, jlo * kvStride + kvo, kvStride), nq, jhi - jlo, headDim);
                    if (!normalize && jhi > jlo) {
                        for (int r = 0; r < nq; r++) SoftmaxVector.scaleRow(out, qo + r * qStride, headDim, inv[r]);
                    }
                }
                if (probs != null) {
                    for (int r = 0; r < nq; r++) {
                        int po = (h * t + i0 + r) * s;
                        Arrays.fill(probs, po, po + s, 0f);
                        if (hi[r] > lo[r]) System.arraycopy(sc, r * sp + lo[r], probs, po + lo[r], hi[r] - lo[r]);
                    }
                }
            }
        });
    }

    static void causalAttentionBackward(float[] dq, float[] dk, float[] dv, float[] dOut, float[] probs,
                                        float[] q, float[] k, float[] v, Attention.Extent extent,
                                        Attention.Spec spec) {
        int t = extent.t(), s = extent.s(), posOffset = extent.posOffset();
        int heads = spec.heads(), kvHeads = spec.kvHeads(), headDim = spec.headDim(), window = spec.window();
        float scale = spec.scale(), softcap = spec.softcap();
        if (t <= 0 || s <= 0) return;
        int group = heads / kvHeads, qStride = heads * headDim, kvStride = kvHeads * headDim;
        int sp = paddedKeys(s);
        boolean transpose = Attention.transposed(t, group);
        float[] kT = transpose && (probs == null || softcap > 0f) ? Attention.transposeHeads(k, s, kvHeads, headDim, sp) : null;
        float[] vT = transpose ? Attention.transposeHeads(v, s, kvHeads, headDim, sp) : null;
        int blocks = Math.ceilDiv(t, Attention.QB);
        int parts = Attention.backwardParts(kvHeads, group * blocks), tasks = kvHeads * parts;
        int[] firstItem = Attention.balancedItems(group, blocks, parts, extent, window);
        // part 0 of each kv head adds into dk and dv itself, parts ≥ 1 into their own [s, headDim]
        // slices here (dk's then dv's), summed into dk and dv in part order afterwards
        int slice = s * headDim;
        float[] partials = parts > 1 ? new float[kvHeads * (parts - 1) * 2 * slice] : null;
        Parallel.forRange(tasks, 1, (from, to) -> {
            // QB rows of P and of dP (then dS), and a last row of zeros the key-row updates read
            // in place of rows past a short block's last query
            float[] pt = new float[(Attention.QB + 1) * sp], dp = new float[(Attention.QB + 1) * sp];
            float[] raw = softcap > 0f ? new float[Attention.QB * sp] : null;
            float[] lanes = new float[L];
            int[] lo = new int[Attention.QB], hi = new int[Attention.QB];
            for (int task = from; task < to; task++) {
                int g = task / parts, part = task % parts, kvo = g * headDim;
                float[] dkT = dk, dvT = dv;
                int dkOff = kvo, dvOff = kvo, stride = kvStride;
                if (part > 0) {
                    int o = ((g * (parts - 1)) + part - 1) * 2 * slice;
                    Arrays.fill(partials, o, o + 2 * slice, 0f);
                    dkT = partials;
                    dvT = partials;
                    dkOff = o;
                    dvOff = o + slice;
                    stride = headDim;
                }
                for (int item = firstItem[part]; item < firstItem[part + 1]; item++) {
                    int h = g * group + item / blocks, i0 = (item % blocks) * Attention.QB;
                    int nq = Math.min(Attention.QB, t - i0);
                    int jlo = Attention.visibleRanges(lo, hi, i0, nq, posOffset, window, s);
                    int jhi = Attention.visibleEnd(lo, hi, nq, jlo);
                    if (jhi <= jlo) continue;
                    int qo = i0 * qStride + h * headDim;
                    // P of the block: the caller's rows, or recomputed as the forward does
                    if (probs != null) {
                        for (int r = 0; r < nq; r++) {
                            System.arraycopy(probs, (h * t + i0 + r) * s + jlo, pt, r * sp + jlo, jhi - jlo);
                            Attention.clearOutside(pt, r * sp, jlo, jhi, lo[r], hi[r]);
                        }
                    } else {
                        if (kT != null) scores(pt, sp, q, qo, qStride, nq, kT, g * headDim * sp, headDim, jlo, jhi);
                        else scoresDirect(pt, sp, q, qo, qStride, nq, k, kvo, kvStride, headDim, lo, hi);
                        for (int r = 0; r < nq; r++) {
                            softmaxRow(pt, r * sp, sp, lo[r], hi[r], scale, softcap, true, lanes);
                            Attention.clearOutside(pt, r * sp, jlo, jhi, lo[r], hi[r]);
                        }
                    }
                    // dP = dOut·vᵀ, then dS in its place (scaled, through the cap; 0 where masked)
                    if (vT != null) {
                        scores(dp, sp, dOut, qo, qStride, nq, vT, g * headDim * sp, headDim, jlo, jhi);
                        if (raw != null) scores(raw, sp, q, qo, qStride, nq, kT, g * headDim * sp, headDim, jlo, jhi);
                    } else {
                        scoresDirect(dp, sp, dOut, qo, qStride, nq, v, kvo, kvStride, headDim, lo, hi);
                        if (raw != null) scoresDirect(raw, sp, q, qo, qStride, nq, k, kvo, kvStride, headDim, lo, hi);
                    }
                    for (int r = 0; r < nq; r++) {
                        scoreGradRow(dp, r * sp, raw, pt, r * sp, lo[r], hi[r], scale, softcap);
                        Attention.clearOutside(dp, r * sp, jlo, jhi, lo[r], hi[r]);
                    }
                    // dq_i += Σ_j dS_ij k_j; dk_j += Σ_i dS_ij q_i; dv_j += Σ_i P_ij dOut_i
                    weightedRows(Strided.rows(dq, qo, qStride), new Strided(dp, jlo, sp, 1),
                            Strided.rows(k, jlo * kvStride + kvo, kvStride), nq, jhi - jlo, headDim);
                    keyRows(dkT, dkOff, stride, dp, sp, q, qo, qStride, nq, jlo, jhi, headDim);
                    keyRows(dvT, dvOff, stride, pt, sp, dOut, qo, qStride, nq, jlo, jhi, headDim);
                }
            }
        });
        if (partials == null) return;
        Parallel.forRange(s, Math.max(1, 16384 / (2 * kvStride * (parts - 1))), (j0, j1) -> {
            for (int g = 0; g < kvHeads; g++) {
                for (int part = 1; part < parts; part++) {
                    int o = ((g * (parts - 1)) + part - 1) * 2 * slice;
                    for (int j = j0; j < j1; j++) {
                        ElementwiseVector.axpy(dk, j * kvStride + g * headDim, 1f, partials, o + j * headDim, headDim);
                        ElementwiseVector.axpy(dv, j * kvStride + g * headDim, 1f, partials, o + slice + j * headDim, headDim);
                    }
                }
            }
        });
    }

    /**
     * y_j += Σ_{r &lt; n} w[r·sp + j]·x_r for keys j in [jlo, jhi): the key rows y (at yOff + j·yStride,
     * headDim features) take a rank-n update from n ≤ Attention.QB rows x_r (at x0 + r·xStride) weighted
     * by a block of P or dS (w, rows sp apart, row Attention.QB all zeros: it stands in for rows r ≥ n).
     * The 8 rows' 2L features stay in 16 registers while the keys stream past: per key 8
     * broadcasts, 2 loads and 2 stores of y, 16 FMAs.
     */
    static void keyRows(float[] y, int yOff, int yStride, float[] w, int sp, float[] x, int x0, int xStride, int n,
                        int jlo, int jhi, int headDim) {
        int zero = Attention.QB * sp;
        int w0 = 0, w1 = n > 1 ? sp : zero, w2 = n > 2 ? 2 * sp : zero, w3 = n > 3 ? 3 * sp : zero;
        int w4 = n > 4 ? 4 * sp : zero, w5 = n > 5 ? 5 * sp : zero, w6 = n > 6 ? 6 * sp : zero, w7 = n > 7 ? 7 * sp : zero;
        // rows past n read row n − 1 (a real row: 0 times its finite values)
        int x1 = x0 + Math.min(1, n - 1) * xStride, x2 = x0 + Math.min(2, n - 1) * xStride;
        int x3 = x0 + Math.min(3, n - 1) * xStride, x4 = x0 + Math.min(4, n - 1) * xStride;
        int x5 = x0 + Math.min(5, n - 1) * xStride, x6 = x0 + Math.min(6, n - 1) * xStride;
        int x7 = x0 + Math.min(7, n - 1) * xStride;
        int d = 0;
        for (; d + 2 * L <= headDim; d += 2 * L) {
            FloatVector a0 = FloatVector.fromArray(F, x, x0 + d), b0 = FloatVector.fromArray(F, x, x0 + d + L);
            FloatVector a1 = FloatVector.fromArray(F, x, x1 + d), b1 = FloatVector.fromArray(F, x, x1 + d + L);
            FloatVector a2 = FloatVector.fromArray(F, x, x2 + d), b2 = FloatVector.fromArray(F, x, x2 + d + L);
            FloatVector a3 = FloatVector.fromArray(F, x, x3 + d), b3 = FloatVector.fromArray(F, x, x3 + d + L);
            FloatVector a4 = FloatVector.fromArray(F, x, x4 + d), b4 = FloatVector.fromArray(F, x, x4 + d + L);
            FloatVector a5 = FloatVector.fromArray(F, x, x5 + d), b5 = FloatVector.fromArray(F, x, x5 + d + L);
            FloatVector a6 = FloatVector.fromArray(F, x, x6 + d), b6 = FloatVector.fromArray(F, x, x6 + d + L);
            FloatVector a7 = FloatVector.fromArray(F, x, x7 + d), b7 = FloatVector.fromArray(F, x, x7 + d + L);
            for (int j = jlo, yo = yOff + jlo * yStride + d; j < jhi; j++, yo += yStride) {
                FloatVector y0 = FloatVector.fromArray(F, y, yo), y1 = FloatVector.fromArray(F, y, yo + L);
                FloatVector p = FloatVector.broadcast(F, w[w0 + j]);
                y0 = p.fma(a0, y0);
                y1 = p.fma(b0, y1);
                p = FloatVector.broadcast(F, w[w1 + j]);
                y0 = p.fma(a1, y0);
                y1 = p.fma(b1, y1);
                p = FloatVector.broadcast(F, w[w2 + j]);
                y0 = p.fma(a2, y0);
                y1 = p.fma(b2, y1);
                p = FloatVector.broadcast(F, w[w3 + j]);
                y0 = p.fma(a3, y0);
                y1 = p.fma(b3, y1);
                p = FloatVector.broadcast(F, w[w4 + j]);
                y0 = p.fma(a4, y0);
                y1 = p.fma(b4, y1);
                p = FloatVector.broadcast(F, w[w5 + j]);
                y0 = p.fma(a5, y0);
                y1 = p.fma(b5, y1);
                p = FloatVector.broadcast(F, w[w6 + j]);
                y0 = p.fma(a6, y0);
                y1 = p.fma(b6, y1);
                p = FloatVector.broadcast(F, w[w7 + j]);
                y0 = p.fma(a7, y0);
                y1 = p.fma(b7, y1);
                y0.intoArray(y, yo);
                y1.intoArray(y, yo + L);
            }
        }
        for (; d + L <= headDim; d += L) {
            FloatVector a0 = FloatVector.fromArray(F, x, x0 + d), a1 = FloatVector.fromArray(F, x, x1 + d);
            FloatVector a2 = FloatVector.fromArray(F, x, x2 + d), a3 = FloatVector.fromArray(F, x, x3 + d);
            FloatVector a4 = FloatVector.fromArray(F, x, x4 + d), a5 = FloatVector.fromArray(F, x, x5 + d);
            FloatVector a6 = FloatVector.fromArray(F, x, x6 + d), a7 = FloatVector.fromArray(F, x, x7 + d);
            for (int j = jlo, yo = yOff + jlo * yStride + d; j < jhi; j++, yo += yStride) {
                FloatVector y0 = FloatVector.fromArray(F, y, yo);
                y0 = FloatVector.broadcast(F, w[w0 + j]).fma(a0, y0);
                y0 = FloatVector.broadcast(F, w[w1 + j]).fma(a1, y0);
                y0 = FloatVector.broadcast(F, w[w2 + j]).fma(a2, y0);
                y0 = FloatVector.broadcast(F, w[w3 + j]).fma(a3, y0);
                y0 = FloatVector.broadcast(F, w[w4 + j]).fma(a4, y0);
                y0 = FloatVector.broadcast(F, w[w5 + j]).fma(a5, y0);
                y0 = FloatVector.broadcast(F, w[w6 + j]).fma(a6, y0);
                y0 = FloatVector.broadcast(F, w[w7 + j]).fma(a7, y0);
                y0.intoArray(y, yo);
            }
        }
        for (; d < headDim; d++) {
            float a0 = x[x0 + d], a1 = x[x1 + d], a2 = x[x2 + d], a3 = x[x3 + d];
            float a4 = x[x4 + d], a5 = x[x5 + d], a6 = x[x6 + d], a7 = x[x7 + d];
            for (int j = jlo, yo = yOff + jlo * yStride + d; j < jhi; j++, yo += yStride) {
                float acc = y[yo];
                acc = Math.fma(w[w0 + j], a0, acc);
                acc = Math.fma(w[w1 + j], a1, acc);
                acc = Math.fma(w[w2 + j], a2, acc);
                acc = Math.fma(w[w3 + j], a3, acc);
                acc = Math.fma(w[w4 + j], a4, acc);
                acc = Math.fma(w[w5 + j], a5, acc);
                acc = Math.fma(w[w6 + j], a6, acc);
                acc = Math.fma(w[w7 + j], a7, acc);
                y[yo] = acc;
            }
        }
    }

    /**
     * Row stride of the transposed keys/values and score rows: s rounded up to L, plus L when that
     * is a multiple of 4L floats. The scores kernel walks kT down its headDim rows; at a stride of
     * a multiple of 256 bytes those rows share a few L1 sets and evict each other (s = 256: a
     * 1 KiB stride, 1/16 of the sets; KernelsBenchmark.attention, benchmarks/README.md).
     */
    static int paddedKeys(int s) {
        int sp = MatMul.roundUp(s, L);
        return sp % (4 * L) == 0 ? sp + L : sp;
    }

    /**
     * Row r of sc over [lo, hi): (capped) scaled scores → softmax, in place, and returns 1/Σ (0 for
     * an empty row). Unless {@code normalize}, the row keeps the exponentials e_j and the caller
     * divides by Σ later. Without a cap the scale is applied inside the exponential,
     * exp((x − max x)·scale) = exp(scale·x − max(scale·x)) for scale &gt; 0, so no pass over the row
     * scales it first. The row holds width floats; when [lo, hi) rounded up to whole vectors fits,
     * the rounding is filled with −∞ (exp gives 0) so every pass runs on whole vectors: a scalar
     * tail of up to L − 1 entries per row, Math.exp for each, cost as much as the vector part on the
     * short rows of causal attention.
     */
    static float softmaxRow(float[] sc, int o, int width, int lo, int hi, float scale, float softcap, boolean normalize,
                            float[] lanes) {
        if (hi <= lo) return 0f;
        int n = hi - lo, whole = MatMul.roundUp(n, L);
        boolean padded = lo + whole <= width;
        float expScale = scale;
        if (softcap > 0f) {
            float inv = scale / softcap;
            int j = lo;
            for (int bound = lo + F.loopBound(n); j < bound; j += L) {
                VectorMath.tanh(FloatVector.fromArray(F, sc, o + j).mul(inv)).mul(softcap)
                        .intoArray(sc, o + j);
            }
            for (; j < hi; j++) sc[o + j] = softcap * (float) Math.tanh(sc[o + j] * inv);
            expScale = 1f; // the cap applied the scale
        }
        if (padded) {
            Arrays.fill(sc, o + hi, o + lo + whole, Float.NEGATIVE_INFINITY);
            n = whole;
        }
        float max = SoftmaxVector.max(sc, o + lo, n);
        float inv = 1f / SoftmaxVector.expShifted(sc, sc, o + lo, n, max, expScale, lanes);
        if (normalize) SoftmaxVector.scaleRow(sc, o + lo, n, inv);
        return inv;
    }

    /** sc[r·sp + j] = a_r · b_j (vector dot products) for r < n and j in [lo[r], hi[r]). */
    static void scoresDirect(float[] sc, int sp, float[] a, int a0, int aStride, int n, float[] b, int b0,
                             int bStride, int headDim, int[] lo, int[] hi) {
        for (int r = 0; r < n; r++) {
            int ao = a0 + r * aStride;
            for (int j = lo[r]; j < hi[r]; j++) sc[r * sp + j] = Elementwise.dot(a, ao, b, b0 + j * bStride, headDim);
        }
    }

    /**
     * sc[r·sp + j] = Σ_d a[a0 + r·aStride + d]·bT[b0 + d·sp + j] for r < n (≤ Attention.QB) and j in
     * [jlo, jhi) widened to whole vectors (bT rows hold sp ≥ jhi entries): Attention.QB rows × 2L keys of
     * accumulators per step. Rows r ≥ n repeat the last row and are not stored.
     */
    static void scores(float[] sc, int sp, float[] a, int a0, int aStride, int n, float[] bT, int b0, int headDim,
                       int jlo, int jhi) {
        int r1 = a0 + Math.min(1, n - 1) * aStride, r2 = a0 + Math.min(2, n - 1) * aStride;
        int r3 = a0 + Math.min(3, n - 1) * aStride, r4 = a0 + Math.min(4, n - 1) * aStride;
        int r5 = a0 + Math.min(5, n - 1) * aStride, r6 = a0 + Math.min(6, n - 1) * aStride;
        int r7 = a0 + Math.min(7, n - 1) * aStride;
        int j = jlo - jlo % L;
        for (; j + L < jhi; j += 2 * L) {
            FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00, s60 = s00, s61 = s00, s70 = s00, s71 = s00;
            for (int d = 0; d < headDim; d++) {
                int bo = b0 + d * sp + j;
                FloatVector k0 = FloatVector.fromArray(F, bT, bo), k1 = FloatVector.fromArray(F, bT, bo + L);
                FloatVector x = FloatVector.broadcast(F, a[a0 + d]);
                s00 = x.fma(k0, s00);
                s01 = x.fma(k1, s01);
                x = FloatVector.broadcast(F, a[r1 + d]);
                s10 = x.fma(k0, s10);
                s11 = x.fma(k1, s11);
                x = FloatVector.broadcast(F, a[r2 + d]);
                s20 = x.fma(k0, s20);
                s21 = x.fma(k1, s21);
                x = FloatVector.broadcast(F, a[r3 + d]);
                s30 = x.fma(k0, s30);
                s31 = x.fma(k1, s31);
                x = FloatVector.broadcast(F, a[r4 + d]);
                s40 = x.fma(k0, s40);
                s41 = x.fma(k1, s41);
                x = FloatVector.broadcast(F, a[r5 + d]);
                s50 = x.fma(k0, s50);
                s51 = x.fma(k1, s51);
                x = FloatVector.broadcast(F, a[r6 + d]);
                s60 = x.fma(k0, s60);
                s61 = x.fma(k1, s61);
                x = FloatVector.broadcast(F, a[r7 + d]);
                s70 = x.fma(k0, s70);
                s71 = x.fma(k1, s71);
            }
            s00.intoArray(sc, j);
            s01.intoArray(sc, j + L);
            if (n > 1) {
                s10.intoArray(sc, sp + j);
                s11.intoArray(sc, sp + j + L);
            }
            if (n > 2) {
                s20.intoArray(sc, 2 * sp + j);
                s21.intoArray(sc, 2 * sp + j + L);
            }
            if (n > 3) {
                s30.intoArray(sc, 3 * sp + j);
                s31.intoArray(sc, 3 * sp + j + L);
            }
            if (n > 4) {
                s40.intoArray(sc, 4 * sp + j);
                s41.intoArray(sc, 4 * sp + j + L);
            }
            if (n > 5) {
                s50.intoArray(sc, 5 * sp + j);
                s51.intoArray(sc, 5 * sp + j + L);
            }
            if (n > 6) {
                s60.intoArray(sc, 6 * sp + j);
                s61.intoArray(sc, 6 * sp + j + L);
            }
            if (n > 7) {
                s70.intoArray(sc, 7 * sp + j);
                s71.intoArray(sc, 7 * sp + j + L);
            }
        }
        for (; j < jhi; j += L) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int d = 0; d < headDim; d++) {
                FloatVector kv = FloatVector.fromArray(F, bT, b0 + d * sp + j);
                s0 = FloatVector.broadcast(F, a[a0 + d]).fma(kv, s0);
                s1 = FloatVector.broadcast(F, a[r1 + d]).fma(kv, s1);
                s2 = FloatVector.broadcast(F, a[r2 + d]).fma(kv, s2);
                s3 = FloatVector.broadcast(F, a[r3 + d]).fma(kv, s3);
                s4 = FloatVector.broadcast(F, a[r4 + d]).fma(kv, s4);
                s5 = FloatVector.broadcast(F, a[r5 + d]).fma(kv, s5);
                s6 = FloatVector.broadcast(F, a[r6 + d]).fma(kv, s6);
                s7 = FloatVector.broadcast(F, a[r7 + d]).fma(kv, s7);
            }
            s0.intoArray(sc, j);
            if (n > 1) s1.intoArray(sc, sp + j);
            if (n > 2) s2.intoArray(sc, 2 * sp + j);
            if (n > 3) s3.intoArray(sc, 3 * sp + j);
            if (n > 4) s4.intoArray(sc, 4 * sp + j);
            if (n > 5) s5.intoArray(sc, 5 * sp + j);
            if (n > 6) s6.intoArray(sc, 6 * sp + j);
            if (n > 7) s7.intoArray(sc, 7 * sp + j);
        }
    }

    /**
     * A strided matrix view of a flat array: element (r, c) at a[offset + r·rowStride + c·colStride].
     * Records only group the kernels' index arithmetic; the loops still run over plain arrays.
     */
    record Strided(float[] a, int offset, int rowStride, int colStride) {
        /** Rows of contiguous features: element (r, d) at a[offset + r·rowStride + d]. */
        static Strided rows(float[] a, int offset, int rowStride) {
            return new Strided(a, offset, rowStride, 1);
        }
    }

    /**
     * y_rd += Σ_{c &lt; count} w_rc·x_cd for rows r &lt; n (≤ Attention.QB) and features d &lt; headDim, with y
     * and x {@link Strided#rows} and w any strided view. Attention.QB rows × 2L features of accumulators;
     * rows r ≥ n repeat row n − 1 (every tile reads y before writing it, so the repeats store the same value).
     */
    static void weightedRows(Strided yv, Strided wv, Strided xv, int n, int count, int headDim) {
        float[] y = yv.a(), w = wv.a(), x = xv.a();
        int yStride = yv.rowStride(), wRow = wv.rowStride(), wStep = wv.colStride();
        int x0 = xv.offset(), xStride = xv.rowStride();
        int o0 = yv.offset(), w0 = wv.offset();
        int o1 = o0 + Math.min(1, n - 1) * yStride, w1 = w0 + Math.min(1, n - 1) * wRow;
        int o2 = o0 + Math.min(2, n - 1) * yStride, w2 = w0 + Math.min(2, n - 1) * wRow;
        int o3 = o0 + Math.min(3, n - 1) * yStride, w3 = w0 + Math.min(3, n - 1) * wRow;
        int o4 = o0 + Math.min(4, n - 1) * yStride, w4 = w0 + Math.min(4, n - 1) * wRow;
        int o5 = o0 + Math.min(5, n - 1) * yStride, w5 = w0 + Math.min(5, n - 1) * wRow;
        int o6 = o0 + Math.min(6, n - 1) * yStride, w6 = w0 + Math.min(6, n - 1) * wRow;
        int o7 = o0 + Math.min(7, n - 1) * yStride, w7 = w0 + Math.min(7, n - 1) * wRow;
        int d = 0;
        for (; d + 2 * L <= headDim; d += 2 * L) {
            FloatVector s00 = FloatVector.zero(F), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
            FloatVector s40 = s00, s41 = s00, s50 = s00, s51 = s00, s60 = s00, s61 = s00, s70 = s00, s71 = s00;
            for (int c = 0; c < count; c++) {
                int xo = x0 + c * xStride + d, wc = c * wStep;
                FloatVector x0v = FloatVector.fromArray(F, x, xo), x1v = FloatVector.fromArray(F, x, xo + L);
                FloatVector p = FloatVector.broadcast(F, w[w0 + wc]);
                s00 = p.fma(x0v, s00);
                s01 = p.fma(x1v, s01);
                p = FloatVector.broadcast(F, w[w1 + wc]);
                s10 = p.fma(x0v, s10);
                s11 = p.fma(x1v, s11);
                p = FloatVector.broadcast(F, w[w2 + wc]);
                s20 = p.fma(x0v, s20);
                s21 = p.fma(x1v, s21);
                p = FloatVector.broadcast(F, w[w3 + wc]);
                s30 = p.fma(x0v, s30);
                s31 = p.fma(x1v, s31);
                p = FloatVector.broadcast(F, w[w4 + wc]);
                s40 = p.fma(x0v, s40);
                s41 = p.fma(x1v, s41);
                p = FloatVector.broadcast(F, w[w5 + wc]);
                s50 = p.fma(x0v, s50);
                s51 = p.fma(x1v, s51);
                p = FloatVector.broadcast(F, w[w6 + wc]);
                s60 = p.fma(x0v, s60);
                s61 = p.fma(x1v, s61);
                p = FloatVector.broadcast(F, w[w7 + wc]);
                s70 = p.fma(x0v, s70);
                s71 = p.fma(x1v, s71);
            }
            // all reads of y before any write: repeated rows (r ≥ n) alias row n − 1
            s00 = s00.add(FloatVector.fromArray(F, y, o0 + d));
            s01 = s01.add(FloatVector.fromArray(F, y, o0 + d + L));
            s10 = s10.add(FloatVector.fromArray(F, y, o1 + d));
            s11 = s11.add(FloatVector.fromArray(F, y, o1 + d + L));
            s20 = s20.add(FloatVector.fromArray(F, y, o2 + d));
            s21 = s21.add(FloatVector.fromArray(F, y, o2 + d + L));
            s30 = s30.add(FloatVector.fromArray(F, y, o3 + d));
            s31 = s31.add(FloatVector.fromArray(F, y, o3 + d + L));
            s40 = s40.add(FloatVector.fromArray(F, y, o4 + d));
            s41 = s41.add(FloatVector.fromArray(F, y, o4 + d + L));
            s50 = s50.add(FloatVector.fromArray(F, y, o5 + d));
            s51 = s51.add(FloatVector.fromArray(F, y, o5 + d + L));
            s60 = s60.add(FloatVector.fromArray(F, y, o6 + d));
            s61 = s61.add(FloatVector.fromArray(F, y, o6 + d + L));
            s70 = s70.add(FloatVector.fromArray(F, y, o7 + d));
            s71 = s71.add(FloatVector.fromArray(F, y, o7 + d + L));
            s70.intoArray(y, o7 + d);
            s71.intoArray(y, o7 + d + L);
            s60.intoArray(y, o6 + d);
            s61.intoArray(y, o6 + d + L);
            s50.intoArray(y, o5 + d);
            s51.intoArray(y, o5 + d + L);
            s40.intoArray(y, o4 + d);
            s41.intoArray(y, o4 + d + L);
            s30.intoArray(y, o3 + d);
            s31.intoArray(y, o3 + d + L);
            s20.intoArray(y, o2 + d);
            s21.intoArray(y, o2 + d + L);
            s10.intoArray(y, o1 + d);
            s11.intoArray(y, o1 + d + L);
            s00.intoArray(y, o0 + d);
            s01.intoArray(y, o0 + d + L);
        }
        for (; d + L <= headDim; d += L) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
            for (int c = 0; c < count; c++) {
                FloatVector xvec = FloatVector.fromArray(F, x, x0 + c * xStride + d);
                int wc = c * wStep;
                s0 = FloatVector.broadcast(F, w[w0 + wc]).fma(xvec, s0);
                s1 = FloatVector.broadcast(F, w[w1 + wc]).fma(xvec, s1);
                s2 = FloatVector.broadcast(F, w[w2 + wc]).fma(xvec, s2);
                s3 = FloatVector.broadcast(F, w[w3 + wc]).fma(xvec, s3);
                s4 = FloatVector.broadcast(F, w[w4 + wc]).fma(xvec, s4);
                s5 = FloatVector.broadcast(F, w[w5 + wc]).fma(xvec, s5);
                s6 = FloatVector.broadcast(F, w[w6 + wc]).fma(xvec, s6);
                s7 = FloatVector.broadcast(F, w[w7 + wc]).fma(xvec, s7);
            }
            s0 = s0.add(FloatVector.fromArray(F, y, o0 + d));
            s1 = s1.add(FloatVector.fromArray(F, y, o1 + d));
            s2 = s2.add(FloatVector.fromArray(F, y, o2 + d));
            s3 = s3.add(FloatVector.fromArray(F, y, o3 + d));
            s4 = s4.add(FloatVector.fromArray(F, y, o4 + d));
            s5 = s5.add(FloatVector.fromArray(F, y, o5 + d));
            s6 = s6.add(FloatVector.fromArray(F, y, o6 + d));
            s7 = s7.add(FloatVector.fromArray(F, y, o7 + d));
            s7.intoArray(y, o7 + d);
            s6.intoArray(y, o6 + d);
            s5.intoArray(y, o5 + d);
            s4.intoArray(y, o4 + d);
            s3.intoArray(y, o3 + d);
            s2.intoArray(y, o2 + d);
            s1.intoArray(y, o1 + d);
            s0.intoArray(y, o0 + d);
        }
        for (; d < headDim; d++) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int c = 0; c < count; c++) {
                float xs = x[x0 + c * xStride + d];
                int wc = c * wStep;
                s0 += w[w0 + wc] * xs;
                s1 += w[w1 + wc] * xs;
                s2 += w[w2 + wc] * xs;
                s3 += w[w3 + wc] * xs;
                s4 += w[w4 + wc] * xs;
                s5 += w[w5 + wc] * xs;
                s6 += w[w6 + wc] * xs;
                s7 += w[w7 + wc] * xs;
            }
            float y0v = y[o0 + d] + s0; float y1v = y[o1 + d] + s1; float y2v = y[o2 + d] + s2; float y3v = y[o3 + d] + s3;
            float y4v = y[o4 + d] + s4; float y5v = y[o5 + d] + s5; float y6v = y[o6 + d] + s6; float y7v = y[o7 + d] + s7;
            y[o7 + d] = y7v;
            y[o6 + d] = y6v;
            y[o5 + d] = y5v;
            y[o4 + d] = y4v;
            y[o3 + d] = y3v;
            y[o2 + d] = y2v;
            y[o1 + d] = y1v;
            y[o0 + d] = y0v;
        }
    }

    /**
     * In place over [lo, hi) of a row holding dP: dS = P·(dP − Σ P·dP)·scale, times 1 − tanh² of the
     * capped pre-activation when softcap > 0 (raw holds q·k for that row).
     */
    static void scoreGradRow(float[] dp, int o, float[] raw, float[] P, int po, int lo, int hi, float scale,
                             float softcap) {
        if (hi <= lo) return;
        float dot = Elementwise.dot(P, po + lo, dp, o + lo, hi - lo);
        float inv = softcap > 0f ? scale / softcap : 0f;
        int j = lo;
        for (int bound = lo + F.loopBound(hi - lo); j < bound; j += L) {
            FloatVector g = FloatVector.fromArray(F, dp, o + j).sub(dot).mul(FloatVector.fromArray(F, P, po + j))
                    .mul(scale);
            if (raw != null) {
                FloatVector th = VectorMath.tanh(FloatVector.fromArray(F, raw, o + j).mul(inv));
                g = g.mul(th.mul(th).neg().add(1f));
            }
            g.intoArray(dp, o + j);
        }
        for (; j < hi; j++) {
            float g = P[po + j] * (dp[o + j] - dot) * scale;
            if (raw != null) {
                float th = (float) Math.tanh(raw[o + j] * inv);
                g *= 1f - th * th;
            }
            dp[o + j] = g;
        }
    }
}
