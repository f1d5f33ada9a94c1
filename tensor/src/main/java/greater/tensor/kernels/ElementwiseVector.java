// Vector forms of Elementwise (loaded only when VectorApi.ENABLED); L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/** The Vector API side of {@link Elementwise}; tails use its scalar ranges. */
final class ElementwiseVector {
    private static final VectorSpecies<Float> F = WeightsVector.F;
    private static final int L = WeightsVector.L;

    private ElementwiseVector() {
    }

    static void add(float[] out, float[] a, float[] b, int n) {
        Parallel.forRange(n, Elementwise.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i)).intoArray(out, i);
            }
            Elementwise.addRange(out, a, b, i, to);
        });
    }

    static void mul(float[] out, float[] a, float[] b, int n) {
        Parallel.forRange(n, Elementwise.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)).intoArray(out, i);
            }
            Elementwise.mulRange(out, a, b, i, to);
        });
    }

    static void scale(float[] out, float[] a, float s, int n) {
        Parallel.forRange(n, Elementwise.GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).mul(s).intoArray(out, i);
            }
            Elementwise.scaleRange(out, a, s, i, to);
        });
    }

    static void axpy(float[] y, float a, float[] x, int n) {
        Parallel.forRange(n, Elementwise.GRAIN, (from, to) -> {
            FloatVector av = FloatVector.broadcast(F, a);
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, i).fma(av, FloatVector.fromArray(F, y, i)).intoArray(y, i);
            }
            Elementwise.axpyRange(y, a, x, i, to);
        });
    }

    /** y[yo, yo + n) += a·x[xo, xo + n), on the caller's thread. */
    static void axpy(float[] y, int yo, float a, float[] x, int xo, int n) {
        FloatVector av = FloatVector.broadcast(F, a);
        int bound = F.loopBound(n);
        int p = 0;
        for (; p < bound; p += L) {
            FloatVector.fromArray(F, x, xo + p).fma(av, FloatVector.fromArray(F, y, yo + p)).intoArray(y, yo + p);
        }
        for (; p < n; p++) y[yo + p] += a * x[xo + p];
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0;
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            s1 = FloatVector.fromArray(F, a, aOff + i + L).fma(FloatVector.fromArray(F, b, bOff + i + L), s1);
        }
        if (i + L <= n) {
            s0 = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), s0);
            i += L;
        }
        return VectorMath.sum(s0.add(s1)) + Elementwise.dotScalar(a, aOff + i, b, bOff + i, n - i);
    }

    static void addRowBias(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        float[] b = new float[cols];
        Weights.read(b, 0, bias, bType, 0, cols);
        Parallel.forRange(rows, Math.max(1, Elementwise.GRAIN / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols, c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector.fromArray(F, x, o + c).add(FloatVector.fromArray(F, b, c)).intoArray(x, o + c);
                }
                for (; c < cols; c++) x[o + c] += b[c];
            }
        });
    }

    static void sumRows(float[] out, float[] x, int rows, int cols) {
        int blocks = Math.ceilDiv(cols, L);
        Parallel.forRange(blocks, Math.max(1, Elementwise.GRAIN / Math.max(1, rows * L)), (b0, b1) -> {
            int c0 = b0 * L, c1 = Math.min(cols, b1 * L);
            int c = c0;
            for (; c + L <= c1; c += L) {
                FloatVector s = FloatVector.fromArray(F, out, c);
                for (int r = 0; r < rows; r++) s = s.add(FloatVector.fromArray(F, x, r * cols + c));
                s.intoArray(out, c);
            }
            for (; c < c1; c++) {
                float s = out[c];
                for (int r = 0; r < rows; r++) s += x[r * cols + c];
                out[c] = s;
            }
        });
    }
}
