// Elementwise arithmetic, reductions over rows, and bias broadcast.
//   n = element count; rows × cols = a row-major matrix; offsets index into the arrays.
package greater.tensor.kernels;

import greater.tensor.DType;

import java.lang.foreign.MemorySegment;

/** Plain vector arithmetic; "InPlace"/accumulating forms say so in their names or docs. */
public final class Elementwise {
    private Elementwise() {
    }

    /** out = a + b. */
    public static void add(float[] out, float[] a, float[] b, int n) {
        addScalar(out, a, b, n);
    }

    public static void addScalar(float[] out, float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) out[i] = a[i] + b[i];
    }

    /** a += b. */
    public static void addInPlace(float[] a, float[] b, int n) {
        addInPlaceScalar(a, b, n);
    }

    public static void addInPlaceScalar(float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) a[i] += b[i];
    }

    /** out = a·b elementwise. */
    public static void mul(float[] out, float[] a, float[] b, int n) {
        mulScalar(out, a, b, n);
    }

    public static void mulScalar(float[] out, float[] a, float[] b, int n) {
        for (int i = 0; i < n; i++) out[i] = a[i] * b[i];
    }

    /** out = s·a. */
    public static void scale(float[] out, float[] a, float s, int n) {
        scaleScalar(out, a, s, n);
    }

    public static void scaleScalar(float[] out, float[] a, float s, int n) {
        for (int i = 0; i < n; i++) out[i] = s * a[i];
    }

    /** y += a·x. */
    public static void axpy(float[] y, float a, float[] x, int n) {
        axpyScalar(y, a, x, n);
    }

    public static void axpyScalar(float[] y, float a, float[] x, int n) {
        for (int i = 0; i < n; i++) y[i] += a * x[i];
    }

    /** Σ_i a[aOff+i]·b[bOff+i]. */
    public static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        return dotScalar(a, aOff, b, bOff, n);
    }

    public static float dotScalar(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    /** x[r,:] += bias for every row r. */
    public static void addRowBias(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        addRowBiasScalar(x, rows, cols, bias, bType);
    }

    public static void addRowBiasScalar(float[] x, int rows, int cols, MemorySegment bias, DType bType) {
        float[] b = new float[cols];
        Weights.read(b, 0, bias, bType, 0, cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) x[o + c] += b[c];
        }
    }

    /** out[cols] += Σ_r x[r,:] (the gradient of a broadcast bias). */
    public static void sumRows(float[] out, float[] x, int rows, int cols) {
        sumRowsScalar(out, x, rows, cols);
    }

    public static void sumRowsScalar(float[] out, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            for (int c = 0; c < cols; c++) out[c] += x[o + c];
        }
    }
}
