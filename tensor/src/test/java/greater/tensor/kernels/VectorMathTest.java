package greater.tensor.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static greater.tensor.kernels.KernelTesting.ODD_SIZES;
import static greater.tensor.kernels.KernelTesting.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VectorMath against its scalar twins (bitwise: the same float operations in the same order) and
 * against double precision (ulp bounds), and the kernels that use it against a scalar formula of
 * their own summation order on sizes that are not multiples of L.
 */
class VectorMathTest {
    private static final int L = WeightsVector.L;

    @Test
    void sumIsThePairwiseTreeAndCloseToTheExactSum() {
        Random rnd = new Random(3);
        float[] lanes = new float[L];
        for (int trial = 0; trial < 2000; trial++) {
            double exact = 0, abs = 0;
            for (int i = 0; i < L; i++) {
                // magnitudes spread over 2^±20 so that the order matters
                lanes[i] = (float) (rnd.nextGaussian() * Math.scalb(1.0, rnd.nextInt(41) - 20));
                exact += lanes[i];
                abs += Math.abs(lanes[i]);
            }
            float sum = VectorMath.sum(FloatVector.fromArray(WeightsVector.F, lanes, 0));
            assertEquals(Float.floatToIntBits(VectorMath.sumScalar(lanes)), Float.floatToIntBits(sum), "trial " + trial);
            // each lane goes through log2 L roundings: |error| ≤ log2(L)·u·Σ|v| (Higham 2002, §4.2)
            double bound = Integer.numberOfTrailingZeros(L) * 0x1p-24 * abs * 1.0001;
            assertTrue(Math.abs(sum - exact) <= bound, sum + " vs " + exact + " (bound " + bound + ")");
        }
        // sum4 and sumRows give each of their vectors' sum bit for bit
        float[] rows = random(rnd, 7 * L, 1000f), four = new float[4], copy;
        for (int i = 0; i < rows.length; i++) rows[i] = (float) Math.scalb(rows[i], rnd.nextInt(21) - 10);
        copy = rows.clone();
        float[] merged = new float[L];
        VectorMath.sum4(FloatVector.fromArray(WeightsVector.F, rows, 0), FloatVector.fromArray(WeightsVector.F, rows, L),
                FloatVector.fromArray(WeightsVector.F, rows, 2 * L), FloatVector.fromArray(WeightsVector.F, rows, 3 * L))
                .intoArray(merged, 0);
        for (int i = 0; i < L; i++) four[(i >= L / 2 ? 1 : 0) + (i % (L / 2) >= L / 4 ? 2 : 0)] = merged[i];
        for (int i = 0; i < L; i++) {
            assertEquals(Float.floatToIntBits(four[(i >= L / 2 ? 1 : 0) + (i % (L / 2) >= L / 4 ? 2 : 0)]),
                    Float.floatToIntBits(merged[i]), "every lane of a quarter holds its sum, lane " + i);
        }
        VectorMath.sumRows(copy, 7);
        for (int r = 0; r < 7; r++) {
            float expected = VectorMath.sumScalar(java.util.Arrays.copyOfRange(rows, r * L, (r + 1) * L));
            if (r < 4) assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(four[r]), "sum4 row " + r);
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(copy[r]), "sumRows row " + r);
        }
        float[] special = new float[L];
        special[L - 1] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, VectorMath.sum(FloatVector.fromArray(WeightsVector.F, special, 0)));
        special[0] = Float.NEGATIVE_INFINITY;
        assertTrue(Float.isNaN(VectorMath.sum(FloatVector.fromArray(WeightsVector.F, special, 0))));
    }

    @Test
    void expMatchesItsScalarTwinAndIsWithinOneUlpOverTheWholeFloatRange() {
        // every 251st float bit pattern of both signs (17 million values), plus exhaustively the
        // tails where results overflow or become subnormal: [88, 89] and [−104, −87]
        long worst = 0;
        float[] x = new float[4096];
        int filled = 0;
        for (long bits = 0; bits <= 0xFFFFFFFFL; bits += 251) {
            x[filled++] = Float.intBitsToFloat((int) bits);
            if (filled == x.length) {
                worst = Math.max(worst, checkExp(x, filled));
                filled = 0;
            }
        }
        for (float[] range : new float[][]{{88f, 89f}, {-104f, -87f}}) {
            for (float v = range[0]; v <= range[1]; v = Math.nextUp(v)) {
                x[filled++] = v;
                if (filled == x.length) {
                    worst = Math.max(worst, checkExp(x, filled));
                    filled = 0;
                }
            }
        }
        worst = Math.max(worst, checkExp(x, filled));
        assertTrue(worst <= 1, "worst error " + worst + " ulp");

        float[] specials = {Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, Float.NaN, -0f, 0f, -Float.MAX_VALUE,
                Float.MAX_VALUE, Float.MIN_VALUE};
        float[] expected = {0f, Float.POSITIVE_INFINITY, Float.NaN, 1f, 1f, 0f, Float.POSITIVE_INFINITY, 1f};
        float[] out = expAll(specials);
        for (int i = 0; i < specials.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(out[i]), "exp(" + specials[i] + ")");
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(VectorMath.expScalar(specials[i])),
                    "expScalar(" + specials[i] + ")");
        }
    }

    @Test
    void tanhMatchesItsScalarTwinAndDouble() {
        float[] x = new float[200_003];
        Random rnd = new Random(9);
        for (int i = 0; i < x.length; i++) {
            // uniform over ±12 and log-uniform from 1e-30 to 1e3, both signs
            x[i] = i % 2 == 0 ? (rnd.nextFloat() * 24f - 12f)
                    : (float) (Math.pow(10, rnd.nextDouble() * 33 - 30) * (rnd.nextBoolean() ? 1 : -1));
        }
        x[0] = 0.625f;
        x[2] = Math.nextDown(0.625f);
        x[4] = Float.NEGATIVE_INFINITY;
        x[6] = Float.POSITIVE_INFINITY;
        x[8] = Float.NaN;
        float[] out = new float[x.length];
        int i = 0;
        for (int bound = WeightsVector.F.loopBound(x.length); i < bound; i += L) {
            VectorMath.tanh(FloatVector.fromArray(WeightsVector.F, x, i)).intoArray(out, i);
        }
        for (; i < x.length; i++) out[i] = VectorMath.tanhScalar(x[i]);
        long worst = 0;
        for (i = 0; i < x.length; i++) {
            assertEquals(Float.floatToIntBits(VectorMath.tanhScalar(x[i])), Float.floatToIntBits(out[i]), "tanh(" + x[i] + ")");
            if (Float.isNaN(x[i])) {
                assertTrue(Float.isNaN(out[i]));
                continue;
            }
            worst = Math.max(worst, ulps(out[i], Math.tanh(x[i])));
        }
        assertTrue(worst <= 2, "worst tanh error " + worst + " ulp");
    }

    @Test
    void kernelSumsFollowTheirScalarOrderOnOddSizes() {
        Random rnd = new Random(13);
        for (int n : ODD_SIZES) {
            for (int n2 : new int[]{n, n + 5 * L}) {
                float[] x = random(rnd, n2, 30f);
                float max = SoftmaxVector.max(x, 0, n2);
                // the kernel: lanes accumulate exp of their own columns, the tree sums them, then the tail
                float[] acc = new float[L];
                int c = 0;
                for (; c + L <= n2; c += L) {
                    for (int j = 0; j < L; j++) acc[j] += VectorMath.expScalar(x[c + j] - max);
                }
                float expected = VectorMath.sumScalar(acc);
                for (; c < n2; c++) expected += (float) Math.exp(x[c] - max);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(SoftmaxVector.sumExp(x, 0, n2, max, new float[L])), "n=" + n2);
                assertEquals(Float.floatToIntBits(expected),
                        Float.floatToIntBits(SoftmaxVector.expShifted(new float[n2], x, 0, n2, max, 1f, new float[L])), "n=" + n2);

                float[] y = random(rnd, n2, 1f);
                float[] lanes0 = new float[L], lanes1 = new float[L];
                c = 0;
                for (; c + 2 * L <= n2; c += 2 * L) {
                    for (int j = 0; j < L; j++) {
                        lanes0[j] = Math.fma(x[c + j], y[c + j], lanes0[j]);
                        lanes1[j] = Math.fma(x[c + L + j], y[c + L + j], lanes1[j]);
                    }
                }
                if (c + L <= n2) {
                    for (int j = 0; j < L; j++) lanes0[j] = Math.fma(x[c + j], y[c + j], lanes0[j]);
                    c += L;
                }
                for (int j = 0; j < L; j++) lanes0[j] += lanes1[j];
                float dot = VectorMath.sumScalar(lanes0) + Elementwise.dotScalar(x, c, y, c, n2 - c);
                assertEquals(Float.floatToIntBits(dot), Float.floatToIntBits(ElementwiseVector.dot(x, 0, y, 0, n2)), "dot n=" + n2);
            }
        }
    }

    private static float[] expAll(float[] x) {
        float[] out = new float[x.length];
        int i = 0;
        for (int bound = WeightsVector.F.loopBound(x.length); i < bound; i += L) {
            VectorMath.exp(FloatVector.fromArray(WeightsVector.F, x, i)).intoArray(out, i);
        }
        for (; i < x.length; i++) out[i] = VectorMath.expScalar(x[i]);
        return out;
    }

    /** Largest error of exp over x[0..n) in ulps of the float result; asserts vector = scalar twin. */
    private static long checkExp(float[] x, int n) {
        float[] in = java.util.Arrays.copyOf(x, n), out = expAll(in);
        long worst = 0;
        for (int i = 0; i < n; i++) {
            float v = in[i];
            assertEquals(Float.floatToIntBits(VectorMath.expScalar(v)), Float.floatToIntBits(out[i]), "exp(" + v + ")");
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(out[i]), "exp(NaN)");
                continue;
            }
            worst = Math.max(worst, ulps(out[i], Math.exp(v)));
        }
        return worst;
    }

    /**
     * |f − exact| in units of the float spacing at the exact value (2^−149 for subnormal results), rounded
     * up; 0 when f is the exact value rounded, including ∞ when it overflows and 0 when it underflows.
     */
    private static long ulps(float f, double exact) {
        float rounded = (float) exact;
        if (Float.floatToIntBits(f) == Float.floatToIntBits(rounded)) return 0;
        if (Float.isInfinite(f) || Float.isInfinite(rounded)) return Long.MAX_VALUE;
        double ulp = Math.ulp(rounded);
        return (long) Math.ceil(Math.abs(f - exact) / ulp - 1e-9);
    }
}
