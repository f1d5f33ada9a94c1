// Elementwise arithmetic, reductions over rows, and bias broadcast.
//   n = element count; rows × cols = a row-major matrix; offsets index into the arrays;
// Vector forms: ElementwiseVector, used when VectorApi.ENABLED; else the scalar twins (*Scalar) run.
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/**
 * Plain vector arithmetic; accumulating forms say so. These are memory-bound, so only arrays big
 * enough to amortise a fork (GRAIN elements per task) are split across threads.
 */
public final class Elementwise {
    /** Elements per parallel task: ~256 KiB of floats, far above the cost of a fork. */
    static final int GRAIN = 1 << 16;

    private Elementwise() {
    }

    /** out = a + b. */
    public static void add(float[] out, float[] a, float[] b, int n) {
        if (VectorApi.ENABLED) ElementwiseVector.add(out, a, b, n);
        else addScalar(out, a, b, n);
    }

    public static void addScalar(float[] out, float[] a, float[] b, int n) {
        addRange(out, a, b, 0, n);
    }

    static void addRange(float[] out, float[] a, float[] b, int from, int to) {
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
        if (VectorApi.ENABLED) ElementwiseVector.mul(out, a, b, n);
        else mulScalar(out, a, b, n);
    }

    public static void mulScalar(float[] out, float[] a, float[] b, int n) {
        mulRange(out, a, b, 0, n);
    }

    static void mulRange(float[] out, float[] a, float[] b, int from, int to) {
        for (int i = from; i < to; i++) out[i] = a[i] * b[i];
    }

    /** out = s·a. */
    public static void scale(float[] out, float[] a, float s, int n) {
        if (VectorApi.ENABLED) ElementwiseVector.scale(out, a, s, n);
        else scaleScalar(out, a, s, n);
    }

    public static void scaleScalar(float[] out, float[] a, float s, int n) {
        scaleRange(out, a, s, 0, n);
    }

    static void scaleRange(float[] out, float[] a, float s, int from, int to) {
        for (int i = from; i < to; i++) out[i] = s * a[i];
    }

    /** y += a·x. */
    public static void axpy(float[] y, float a, float[] x, int n) {
        if (VectorApi.ENABLED) ElementwiseVector.axpy(y, a, x, n);
        else axpyScalar(y, a, x, n);
    }

    public static void axpyScalar(float[] y, float a, float[] x, int n) {
        axpyRange(y, a, x, 0, n);
    }

    static void axpyRange(float[] y, float a, float[] x, int from, int to) {
        for (int i = from; i < to; i++) y[i] += a * x[i];
    }

    /** Σ_i a[aOff+i]·b[bOff+i], two accumulators to overlap FMA latency. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return VectorApi.ENABLED ? ElementwiseVector.dot(a, aOff, b, bOff, n) : dotScalar(a, aOff, b, bOff, n);
    }

    public static float dotScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** x[r,:] += bias for every row r. */
    public static void addRowBias(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        if (VectorApi.ENABLED) ElementwiseVector.addRowBias(x, rows, cols, bias, bType);
        else addRowBiasScalar(x, rows, cols, bias, bType);
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
        if (VectorApi.ENABLED) ElementwiseVector.sumRows(out, x, rows, cols);
        else sumRowsScalar(out, x, rows, cols);
    }

    public static void sumRowsScalar(float[] out, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) out[c] += x[o + c];
        }
    }
}
