// Lane sums and exponentials of float vectors that give the same bits however the JVM runs them.
//   v = a FloatVector of L lanes (L = lanes of FloatVector.SPECIES_PREFERRED: 16 with AVX-512,
//   8 with AVX2, 4 with NEON); x = one lane's value.
package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Why this class exists: the Vector API leaves two things to the implementation. The order of
 * {@code reduceLanes(ADD)} is unspecified (C2's intrinsic adds in a tree, the Java fallback that the
 * interpreter and C1 run adds lane by lane), and {@code lanewise(EXP)}/{@code TANH} are only
 * accurate to 1 ulp (C2 calls an SVML-style vector stub, the fallback calls {@link Math#exp} per
 * lane). Which of them runs depends on when C2 compiles a kernel, and so on JIT and thread timing:
 * two identical runs differed in the last bits of their gradients. Everything here is built from
 * lanewise IEEE operations (add, mul, fma, div, compare, blend, integer shifts, constant
 * rearranges), each of which gives one exact result in every execution mode, so the interpreter,
 * C1 and C2 give the same bits. Order-independent reductions ({@code reduceLanes(MAX/MIN)}) stay
 * with the Vector API.
 *
 * <p>Each function has a scalar twin ({@link #sumScalar}, {@link #expScalar}, {@link #tanhScalar})
 * doing the same float operations in the same order on one value; the tests compare the two
 * bitwise and both against double precision (exp: at most 1 ulp from the rounded e^x over 17
 * million floats of every magnitude and all of [−104, −87] and [88, 89]; tanh: 2 ulp). On x86 the
 * tree sums in the same order as C2's {@code reduceLanes(ADD)}, so compiled results are unchanged;
 * its cost is in benchmarks/README.md. Loaded only when {@link VectorApi#ENABLED}.
 */
final class VectorMath {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    /** Lane i takes lane i XOR h: the constant shuffles of the pairwise tree (null where h ≥ L). */
    private static final VectorShuffle<Float> FOLD32 = butterfly(32), FOLD16 = butterfly(16), FOLD8 = butterfly(8),
            FOLD4 = butterfly(4), FOLD2 = butterfly(2), FOLD1 = butterfly(1);
    /** For {@link #sum4}: the butterflies over L/2 and L/4, the lanes with that bit set, and those below L/4. */
    private static final VectorShuffle<Float> BY_HALF = butterfly(L / 2), BY_QUARTER = butterfly(L / 4);
    private static final VectorMask<Float> HALF_BIT = bit(L / 2), QUARTER_BIT = bit(L / 4);
    private static final VectorShuffle<Float> REST8 = L >= 64 ? FOLD8 : null, REST4 = L >= 32 ? FOLD4 : null,
            REST2 = L >= 16 ? FOLD2 : null, REST1 = L >= 8 ? FOLD1 : null;

    // exp: x = n·ln2 + r, |r| ≤ ln2/2; e^x = 2^n·e^r. ln2 split for Cody and Waite (1980): LN2_HI has
    // 16 significant bits, so n·LN2_HI is exact for |n| ≤ 2^8 and x − n·LN2_HI loses nothing.
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187045e-06f;
    /** 1.5·2^23: adding and subtracting it rounds a float below 2^22 to the nearest integer. */
    private static final float ROUND = 12582912f;
    /** e^r − 1 − r ≈ r²·P(r), minimax on [−ln2/2, ln2/2] (SLEEF's expf_u10 coefficients, ≤ 1 ulp). */
    private static final float P0 = 0.5f, P1 = 0.166666671633720397949219f, P2 = 0.0416664853692054748535156f,
            P3 = 0.00833336077630519866943359f, P4 = 0.00139304355252534151077271f,
            P5 = 0.000198527617612853646278381f;
    /** Inputs are clamped to ±104: e^104 overflows to ∞ and e^−104 ≈ 6.8e−46 rounds to 0 (< 2^−150). */
    private static final float EXP_LIMIT = 104f;

    // tanh: below |x| = 0.625, x + x³·Q(x²) (Cephes tanhf, relative error ≤ 1.2e−7); above,
    // 1 − 2/(e^{2|x|} + 1), with no cancellation there since tanh ≥ 0.55.
    private static final float Q0 = -3.33332819422e-1f, Q1 = 1.33314422036e-1f, Q2 = -5.37397155531e-2f,
            Q3 = 2.06390887954e-2f, Q4 = -5.70498872745e-3f;
    private static final float TANH_SMALL = 0.625f;
    private static final FloatVector ONE = FloatVector.broadcast(F, 1f), TWO = FloatVector.broadcast(F, 2f);
    // the constants above as vectors, for fma(vector, vector) (the API has no fma(vector, float))
    private static final FloatVector V_NEG_LN2_HI = FloatVector.broadcast(F, -LN2_HI),
            V_NEG_LN2_LO = FloatVector.broadcast(F, -LN2_LO), V_P0 = FloatVector.broadcast(F, P0),
            V_P1 = FloatVector.broadcast(F, P1), V_P2 = FloatVector.broadcast(F, P2), V_P3 = FloatVector.broadcast(F, P3),
            V_Q0 = FloatVector.broadcast(F, Q0), V_Q1 = FloatVector.broadcast(F, Q1), V_Q2 = FloatVector.broadcast(F, Q2);

    private VectorMath() {
    }

    /**
     * Σ of v's lanes in a fixed pairwise tree: lanes i and i + L/2 are added, then i and i + L/4 of
     * that, down to one lane (as butterflies, lane i with lane i XOR h, so every lane ends with the
     * same sum). Replaces {@code reduceLanes(ADD)}; the tree is as short as C2's intrinsic (log2 L
     * shuffles and adds) and, on x86, sums in the same order.
     */
    static float sum(FloatVector v) {
        // tiny methods (under C2's 35-byte MaxInlineSize) so that C2 inlines them at every call site,
        // however cold: a FloatVector passed to a method that is not inlined is boxed, 1.5x slower GEMV
        return fold2(fold2(fold2(v, FOLD32, FOLD16), FOLD8, FOLD4), FOLD2, FOLD1).lane(0);
    }

    private static FloatVector fold2(FloatVector v, VectorShuffle<Float> first, VectorShuffle<Float> second) {
        return fold(fold(v, first), second);
    }

    /** Lane i: v_i + v_(i XOR h); v itself where h ≥ L (the constant null folds the branch away). */
    private static FloatVector fold(FloatVector v, VectorShuffle<Float> byH) {
        return byH == null ? v : v.add(v.rearrange(byH));
    }

    /**
     * a[r] = {@link #sum} of a[r·L, r·L + L) for r &lt; rows, in place (row r is read before a[r] is
     * written, and a[r] lies in a row already read). For kernels that keep many accumulators: they
     * store them with intoArray and sum here, which keeps 16 inlined trees out of C2's inlining
     * node budget (past it the remaining sums are calls and their vectors are boxed).
     */
    static void sumRows(float[] a, int rows) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int o = r * L;
            sum4(FloatVector.fromArray(F, a, o), FloatVector.fromArray(F, a, o + L),
                    FloatVector.fromArray(F, a, o + 2 * L), FloatVector.fromArray(F, a, o + 3 * L)).intoArray(a, o);
            // rows r..r+3 are read, so their first row holds the four sums now (see sum4)
            float s0 = a[o], s1 = a[o + L / 2], s2 = a[o + L / 4], s3 = a[o + 3 * L / 4];
            a[r] = s0;
            a[r + 1] = s1;
            a[r + 2] = s2;
            a[r + 3] = s3;
        }
        for (; r < rows; r++) a[r] = sum(FloatVector.fromArray(F, a, r * L));
    }

    /**
     * The {@link #sum}s of a, b, c, d, bit for bit, in one vector: lanes [0, L/4) hold a's, [L/2, 3L/4)
     * b's, [L/4, L/2) c's and [3L/4, L) d's. The first two tree levels merge two vectors each (lanes
     * with bit h clear fold a, those with it set fold b), the rest fold within each quarter: 12 vector
     * operations instead of 4·2·log2 L. Needs L ≥ 4.
     */
    static FloatVector sum4(FloatVector a, FloatVector b, FloatVector c, FloatVector d) {
        FloatVector v = merge(merge(a, b, HALF_BIT, BY_HALF), merge(c, d, HALF_BIT, BY_HALF), QUARTER_BIT, BY_QUARTER);
        return fold(fold(fold(fold(v, REST8), REST4), REST2), REST1);
    }

    /** One tree level of x (lanes without bit h) and y (lanes with it): lane i = z_i + z_(i XOR h). */
    private static FloatVector merge(FloatVector x, FloatVector y, VectorMask<Float> bitH, VectorShuffle<Float> byH) {
        return x.blend(y, bitH).add(y.blend(x, bitH).rearrange(byH));
    }

    /** The scalar twin of {@link #sum}: lanes[0..n) summed in the same tree (n a power of two ≤ 64). */
    static float sumScalar(float[] lanes) {
        return sumInPlace(lanes.clone());
    }

    /**
     * The tree of {@link #sum} over all of lanes (a power of two long; L for a vector stored with
     * intoArray, the same bits as sum of that vector), overwriting them. For a kernel whose sum would
     * sit past C2's inlining budget (NodeCountInliningCutoff in the attention tasks): a vector handed
     * to a call that is not inlined is boxed, an allocation per tree level.
     */
    static float sumInPlace(float[] lanes) {
        for (int h = lanes.length / 2; h >= 1; h /= 2) {
            for (int i = 0; i < h; i++) lanes[i] = lanes[i] + lanes[i + h];
        }
        return lanes[0];
    }

    /**
     * e^x per lane within 1 ulp of the rounded exact value for normal results (−87.3 ≤ x ≤ 88.7),
     * rounded once where the result is subnormal; +∞ above 88.72, 0 below −103.98 and at −∞, NaN for
     * NaN. Range reduction after Cody and Waite, polynomial and scaling after SLEEF's xexpf.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-EXP_LIMIT).min(EXP_LIMIT);
        FloatVector n = xc.fma(LOG2E, ROUND).sub(ROUND);
        FloatVector r = n.fma(V_NEG_LN2_HI, xc);
        r = n.fma(V_NEG_LN2_LO, r);
        FloatVector p = r.fma(P5, P4).fma(r, V_P3).fma(r, V_P2).fma(r, V_P1).fma(r, V_P0);
        FloatVector er = r.mul(r).fma(p, r).add(1f);
        // 2^n as two normal factors 2^(n/2) and 2^(n − n/2), so that n ∈ [−150, 150] neither
        // overflows the exponent field nor rounds twice on the way to a subnormal result
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        return er.mul(pow2(half)).mul(pow2(ni.sub(half)));
    }

    /** 2^k per lane for −126 ≤ k ≤ 127: the exponent field k + 127. */
    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** The scalar twin of {@link #exp}: the same float operations, bit for bit. */
    static float expScalar(float x) {
        float xc = Math.min(Math.max(x, -EXP_LIMIT), EXP_LIMIT);
        float n = Math.fma(xc, LOG2E, ROUND) - ROUND;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P5, P4), r, P3), r, P2), r, P1), r, P0);
        float er = Math.fma(r * r, p, r) + 1f;
        int ni = (int) n, half = ni >> 1;
        return er * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((ni - half + 127) << 23);
    }

    /** tanh x per lane (relative error ≤ 2e−7), odd, ±1 beyond |x| ≈ 9, NaN for NaN. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = x.mul(x);
        FloatVector small = z.fma(Q4, Q3).fma(z, V_Q2).fma(z, V_Q1).fma(z, V_Q0).mul(z).fma(x, x);
        FloatVector large = ONE.sub(TWO.div(exp(a.add(a)).add(1f)));
        return large.blend(large.neg(), x.lt(0f)).blend(small, a.lt(TANH_SMALL));
    }

    /** The scalar twin of {@link #tanh}. */
    static float tanhScalar(float x) {
        float a = Math.abs(x);
        if (a < TANH_SMALL) {
            float z = x * x;
            return Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(z, Q4, Q3), z, Q2), z, Q1), z, Q0) * z, x, x);
        }
        float large = 1f - 2f / (expScalar(a + a) + 1f);
        return x < 0 ? -large : large;
    }

    private static VectorShuffle<Float> butterfly(int h) {
        return h >= 1 && h < L ? VectorShuffle.fromOp(F, i -> i ^ h) : null;
    }

    private static VectorMask<Float> bit(int h) {
        boolean[] set = new boolean[L];
        for (int i = 0; i < L; i++) set[i] = (i & h) != 0;
        return VectorMask.fromArray(F, set, 0);
    }
}
