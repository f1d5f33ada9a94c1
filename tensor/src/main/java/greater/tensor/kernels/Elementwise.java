// Elementwise arithmetic, reductions over rows, and bias broadcast.
//   n = element count; rows × cols = a row-major matrix; offsets index into the arrays;
//   L = float lanes of FloatVector.SPECIES_PREFERRED.
package greater.tensor.kernels;

import greater.tensor.DType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/**
 * Plain vector arithmetic; accumulating forms say so. These are memory-bound, so only arrays big
 * enough to amortise a fork (GRAIN elements per task) are split across threads.
 */
public final class Elementwise {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Elements per parallel task: ~256 KiB of floats, far above the cost of a fork. */
    static final int GRAIN = 1 << 16;

    private Elementwise() {
    }

    /** out = a + b. */
    public static void add(float[] out, float[] a, float[] b, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).add(FloatVector.fromArray(F, b, i)).intoArray(out, i);
            }
            addRange(out, a, b, i, to);
        });
    }

    public static void addScalar(float[] out, float[] a, float[] b, int n) {
        addRange(out, a, b, 0, n);
    }

    private static void addRange(float[] out, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] + b[i];
    }

    /** a += b. */
    public static void addInPlace(float[] a, float[] b, int n) {
        add(a, a, b, n);
    }

    public static void addInPlaceScalar(float[] a, float[] b, int n) {
        addRange(a, a, b, 0, n);
    }

    /** out = a·b elementwise. */
    public static void mul(float[] out, float[] a, float[] b, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).mul(FloatVector.fromArray(F, b, i)).intoArray(out, i);
            }
            mulRange(out, a, b, i, to);
        });
    }

    public static void mulScalar(float[] out, float[] a, float[] b, int n) {
        mulRange(out, a, b, 0, n);
    }

    private static void mulRange(float[] out, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] * b[i];
    }

    /** out = s·a. */
    public static void scale(float[] out, float[] a, float s, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, a, i).mul(s).intoArray(out, i);
            }
            scaleRange(out, a, s, i, to);
        });
    }

    public static void scaleScalar(float[] out, float[] a, float s, int n) {
        scaleRange(out, a, s, 0, n);
    }

    private static void scaleRange(float[] out, float[] a, float s, int from, int to) {
        for (int i = from; i < to; i++) out[i] = s * a[i];
    }

    /** y += a·x. */
    public static void axpy(float[] y, float a, float[] x, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            FloatVector av = FloatVector.broadcast(F, a);
            int i = from;
            for (int bound = from + F.loopBound(to - from); i < bound; i += L) {
                FloatVector.fromArray(F, x, i).fma(av, FloatVector.fromArray(F, y, i)).intoArray(y, i);
            }
            axpyRange(y, a, x, i, to);
        });
    }

    public static void axpyScalar(float[] y, float a, float[] x, int n) {
        axpyRange(y, a, x, 0, n);
    }

    private static void axpyRange(float[] y, float a, float[] x, int from, int to) {
        for (int i = from; i < to; i++) y[i] += a * x[i];
    }

    /** Σ_i a[aOff+i]·b[bOff+i], two accumulators to overlap FMA latency. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
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
        return s0.add(s1).reduceLanes(VectorOperators.ADD) + dotScalar(a, aOff + i, b, bOff + i, n - i);
    }

    public static float dotScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** x[r,:] += bias for every row r. */
    public static void addRowBias(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        float[] b = new float[cols];
        Weights.read(b, 0, bias, bType, 0, cols);
        Parallel.forRange(rows, Math.max(1, GRAIN / Math.max(1, cols)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * cols, c = 0;
                for (int bound = F.loopBound(cols); c < bound; c += L) {
                    FloatVector.fromArray(F, x, o + c).add(FloatVector.fromArray(F, b, c)).intoArray(x, o + c);
                }
                for (; c < cols; c++) x[o + c] += b[c];
            }
        });
    }

    public static void addRowBiasScalar(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        float[] b = new float[cols];
        Weights.readScalar(b, 0, bias, bType, 0, cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) x[o + c] += b[c];
        }
    }

    /** out[cols] += Σ_r x[r,:] (the gradient of a broadcast bias); threads split the columns. */
    public static void sumRows(float[] out, float[] x, int rows, int cols) {
        int blocks = (cols + L - 1) / L;
        Parallel.forRange(blocks, Math.max(1, GRAIN / Math.max(1, rows * L)), (b0, b1) -> {
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

    public static void sumRowsScalar(float[] out, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) out[c] += x[o + c];
        }
    }
}
