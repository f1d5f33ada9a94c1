// Shared helpers for the kernel tests: seeded random data, weight segments in each dtype,
// closeness assertions and central finite differences.
package greater.tensor.kernels;

import greater.tensor.DType;
import greater.tensor.Float16s;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.fail;

final class KernelTesting {
    /** Sizes that are not multiples of any lane count, plus 1. */
    static final int[] ODD_SIZES = {1, 3, 17, 67, 131};
    static final DType[] WEIGHT_TYPES = {DType.F32, DType.BF16, DType.F16};
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private KernelTesting() {
    }

    /**
     * When the last thread finishes blocks of nb rows of each weight in ns (its last block shorter)
     * under Parallel.forRange(blocks, 1): the reference the kernels' block choices are tested
     * against, written out here rather than taken from them.
     */
    static long blocksFinish(int[] ns, int nb) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int n : ns) for (int r = 0; r < n; r += nb) sizes.add(Math.min(nb, n - r));
        return Parallel.makespan(sizes.size(), 1, b -> sizes.get(b));
    }

    static float[] random(Random rnd, int n, float amplitude) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (rnd.nextFloat() * 2 - 1) * amplitude;
        return a;
    }

    static float[] random(Random rnd, int n) {
        return random(rnd, n, 1f);
    }

    /** {@code values} stored as little-endian {@code type} in a fresh segment (native when {@code offHeap}). */
    static MemorySegment segment(float[] values, DType type, boolean offHeap) {
        MemorySegment seg = offHeap
                ? Arena.ofAuto().allocate((long) values.length * type.bytes, 64)
                : (type == DType.F32 ? MemorySegment.ofArray(new float[values.length])
                : MemorySegment.ofArray(new short[values.length]));
        for (int i = 0; i < values.length; i++) {
            switch (type) {
                case F32 -> seg.set(F32_LE, i * 4L, values[i]);
                case BF16 -> seg.set(I16_LE, i * 2L, Float16s.floatToBf16(values[i]));
                case F16 -> seg.set(I16_LE, i * 2L, Float.floatToFloat16(values[i]));
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return seg;
    }

    static MemorySegment segment(float[] values, DType type) {
        return segment(values, type, false);
    }

    /** The values a segment of {@code type} actually holds after rounding. */
    static float[] rounded(float[] values, DType type) {
        float[] r = new float[values.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = switch (type) {
                case F32 -> values[i];
                case BF16 -> Float16s.roundToBf16(values[i]);
                case F16 -> Float.float16ToFloat(Float.floatToFloat16(values[i]));
                default -> throw new IllegalArgumentException(type.toString());
            };
        }
        return r;
    }

    /** |actual − expected| ≤ atol + rtol·|expected| elementwise. */
    static void assertClose(float[] expected, float[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " != " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
                fail(what + ": at " + i + " expected " + e + " but was " + a + " (|diff| " + Math.abs(a - e) + ")");
            }
        }
    }

    static void assertClose(double expected, double actual, double rtol, double atol, String what) {
        if (!(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected))) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    static float maxAbs(float[] a) {
        float m = 0f;
        for (float v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    /**
     * Central differences (L(x + h·e_i) − L(x − h·e_i)) / 2h of a scalar loss for every i of {@code x}
     * (which is perturbed in place and restored).
     */
    static float[] numericGradient(float[] x, float h, ToDoubleFunction<float[]> loss) {
        float[] g = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            float old = x[i];
            x[i] = old + h;
            double up = loss.applyAsDouble(x);
            x[i] = old - h;
            double down = loss.applyAsDouble(x);
            x[i] = old;
            g[i] = (float) ((up - down) / (2.0 * h));
        }
        return g;
    }

    /** Σ c_i·y_i in double: a random linear loss whose gradient with respect to y is c. */
    static double project(float[] y, float[] c) {
        double s = 0;
        for (int i = 0; i < c.length; i++) s += (double) y[i] * c[i];
        return s;
    }

    /** Compares an analytic gradient with a numeric one, relative to the gradient's largest entry. */
    static void assertGradient(float[] numeric, float[] analytic, double rel, String what) {
        double scale = Math.max(1e-3, Math.max(maxAbs(numeric), maxAbs(analytic)));
        assertClose(numeric, analytic, 0, rel * scale, what);
    }
}
